"""The API payload of a workflow's steps, generated from its declared inputs (``core.workflow.Input``).

One serializer per workflow carries any of its steps (``name`` picks the step); every input is optional at
this edge because which ones a step needs is the step's rule, checked by the workflow and listed by
``GET …/transitions/`` (``requires``). Reference inputs are built by the caller's ``refs`` (input ``ref`` →
factory returning a serializer field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.core.workflow import BOOLEAN, CHOICE, DECIMAL, FILES, INTEGER, LONG_TEXT, REFERENCE, TEXT, Input, Workflow

RefFactory = Callable[[Input], serializers.Field]


def api_field(i: Input, refs: Mapping[str, RefFactory]) -> serializers.Field:
    help_text = i.help or None
    if i.kind in {TEXT, LONG_TEXT}:
        length: dict[str, Any] = {"max_length": i.max_length} if i.max_length else {}
        return serializers.CharField(required=False, allow_blank=True, help_text=help_text, **length)
    if i.kind == CHOICE:
        return serializers.ChoiceField(choices=i.choice_pairs(), required=False, help_text=help_text)
    if i.kind == INTEGER:
        return serializers.IntegerField(
            min_value=i.min_value, max_value=i.max_value, required=False, help_text=help_text
        )
    if i.kind == DECIMAL:
        return serializers.DecimalField(
            max_digits=max(7, i.decimal_places + 4),  # a longitude: 3 digits before the point
            decimal_places=i.decimal_places,
            min_value=i.min_value,
            max_value=i.max_value,
            required=False,
            help_text=help_text,
        )
    if i.kind == BOOLEAN:
        if i.yes_no:
            return serializers.BooleanField(required=False, allow_null=True, default=None, help_text=help_text)
        return serializers.BooleanField(required=False, default=False, help_text=help_text)
    if i.kind == FILES:
        return serializers.ListField(
            child=serializers.FileField(), required=False, max_length=i.max_files, help_text=help_text
        )
    if i.kind == REFERENCE:
        factory = refs.get(i.ref)
        if factory is None:
            raise LookupError(f"no API field for reference {i.ref!r}")
        return factory(i)
    raise LookupError(i.kind)


def payload_serializer(
    workflow: Workflow, *, refs: Mapping[str, RefFactory], name: str, doc: str = "", version_help: Any = None
) -> type[serializers.Serializer[Any]]:
    """A serializer class named ``name`` for the payload of any step of ``workflow``."""
    fields: dict[str, Any] = {
        "name": serializers.ChoiceField(
            choices=sorted(workflow.transitions), help_text=_("操作名，如 dispatch、accept、reply")
        ),
        "expected_version": serializers.IntegerField(
            min_value=1, required=False, help_text=version_help or _("读取时的 version；已被他人改动时返回 409")
        ),
    }
    for i in workflow.all_inputs():
        fields[i.name] = api_field(i, refs)
    attrs: dict[str, Any] = {**fields, "__module__": __name__, "__doc__": doc or f"One step of {workflow.name}."}
    return type(name, (serializers.Serializer,), attrs)
