"""The web form of any workflow step, generated from its declared inputs (``core.workflow.Input``).

Every input kind has one form field here; a reference input (``kind=REFERENCE``) is resolved by the page's
``refs``: a mapping from the input's ``ref`` to a factory ``(obj, user, input) -> forms.Field`` and, when the
typed value must be turned into the service's value (a tracking code into a case), a ``clean`` hook. A new
module's steps get their forms without writing one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms

from wangge.core.workflow import (
    BOOLEAN,
    CHOICE,
    DECIMAL,
    FILES,
    INTEGER,
    LONG_TEXT,
    REFERENCE,
    TEXT,
    Input,
    Transition,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input; each is checked for what it really is by the attachment service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


FieldFactory = Callable[[Any, Any, Input], forms.Field]
Cleaner = Callable[["StepForm", Input, Any], Any]


def _label(i: Input, required: bool) -> Any:
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    if i.kind in {LONG_TEXT, TEXT} and not required and i.name == "note":
        return format_lazy("{}{}", i.label, _("（选填）"))
    return i.label


def field_for(i: Input, *, obj: Any, user: Any, refs: Mapping[str, FieldFactory]) -> forms.Field:
    """The form field of one input. An input required only unless another is set is optional in the form and
    checked by ``StepForm.clean``."""
    required = i.required and not i.required_unless
    label = _label(i, required)
    if i.kind == TEXT:
        return forms.CharField(label=label, required=required, max_length=i.max_length, initial=i.initial)
    if i.kind == LONG_TEXT:
        rows = 2 if i.name == "note" else 3
        return forms.CharField(
            label=label,
            required=required,
            max_length=i.max_length,
            widget=forms.Textarea(attrs={"rows": rows}),
            initial=i.initial,
        )
    if i.kind == CHOICE:
        widget = forms.RadioSelect if i.radio else None
        return forms.ChoiceField(
            label=label, choices=i.choice_pairs(), required=required, initial=i.initial, widget=widget
        )
    if i.kind == INTEGER:
        if i.choices is not None:
            return forms.TypedChoiceField(
                label=label,
                choices=i.choice_pairs(),
                coerce=int,
                required=required,
                widget=forms.RadioSelect if i.radio else None,
                initial=i.initial,
            )
        return forms.IntegerField(label=label, required=required, min_value=i.min_value, max_value=i.max_value)
    if i.kind == DECIMAL:
        return forms.DecimalField(
            label=label,
            required=required,
            min_value=i.min_value,
            max_value=i.max_value,
            decimal_places=i.decimal_places,
        )
    if i.kind == BOOLEAN:
        if i.yes_no:
            pairs = [("1" if v else "0", text) for v, text in i.choice_pairs()] if i.choices else None
            return forms.ChoiceField(
                label=label,
                choices=pairs or [("1", "是"), ("0", "否")],
                widget=forms.RadioSelect,
                required=required,
            )
        return forms.BooleanField(label=label, required=False)
    if i.kind == FILES:
        return MultipleImageField(label=label)
    if i.kind == REFERENCE:
        factory = refs.get(i.ref)
        if factory is None:
            raise LookupError(f"no form field for reference {i.ref!r}")
        return factory(obj, user, i)
    raise LookupError(i.kind)


class StepForm(forms.Form):
    """The inputs of one declared step, plus the version the page was shown at (a stale one answers 409)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    refs: Mapping[str, FieldFactory] = {}
    cleaners: Mapping[str, Cleaner] = {}

    def __init__(self, *args: Any, transition: Transition, obj: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.obj = obj
        self.user = user
        self.initial.setdefault("expected_version", getattr(obj, "version", 1))
        for i in transition.inputs:
            self.fields[i.name] = field_for(i, obj=obj, user=user, refs=self.refs)

    def clean(self) -> dict[str, Any]:
        from django.utils.translation import gettext as _

        data = super().clean() or {}
        for i in self.transition.inputs:
            if i.kind == BOOLEAN and i.yes_no and data.get(i.name) in ("1", "0"):
                data[i.name] = data[i.name] == "1"
            cleaner = self.cleaners.get(i.ref) if i.kind == REFERENCE else None
            if cleaner is not None and data.get(i.name) not in (None, ""):
                data[i.name] = cleaner(self, i, data[i.name])
        for i in self.transition.inputs:
            lifted = not i.required_unless or data.get(i.required_unless)
            if i.required and not lifted and data.get(i.name) in (None, "", []):
                self.add_error(i.name, _("请填写此项"))
        return data

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for the module's transition service: what was given, and nothing else. An input
        lifted by ``required_unless`` is dropped when its condition holds."""
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        for i in self.transition.inputs:
            if i.required_unless and data.get(i.required_unless):
                data.pop(i.name, None)
        return {k: v for k, v in data.items() if v not in (None, "", [])}
