"""Forms of the staff and citizen pages. Forms check the shape of the input (400); the services check the rules."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Unit, User
from wangge.territory.models import Territory
from wangge.workorders.choices import (
    AppealType,
    Channel,
    DurationUnit,
    Rating,
    ReplyResult,
    SupervisionLevel,
    Urgency,
)
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.workflow import Transition


class LoginForm(AuthenticationForm):
    """The standard login, telling a locked account how long to wait (等保 2.0 登录失败处理)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确"),
        "locked": _("账号已锁定，请 %(minutes)s 分钟后再试"),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # The lockout backend refuses a locked account before checking the password (and the
            # failure that reaches the limit locks it): either way the account is locked now.
            locked = self.locked_error()
            if locked is not None:
                raise locked from None
            raise

    def locked_error(self) -> ValidationError | None:
        username = self.cleaned_data.get("username") or ""
        user = User._default_manager.filter(username=username).only("locked_until").first()
        if user is None or user.locked_until is None or user.locked_until <= timezone.now():
            return None
        seconds = max((user.locked_until - timezone.now()).total_seconds(), 1.0)
        return ValidationError(
            self.error_messages["locked"], code="locked", params={"minutes": max(1, math.ceil(seconds / 60))}
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


def leaf_categories() -> Any:
    return (
        Category.objects.filter(category_set__is_active=True, parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("code")
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else str(obj.name)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, offered in groups by kind (指挥中心, 职能部门, 公共服务企业, 街道, 社区): a district has a hundred."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("请选择承办单位"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"

    def offer(self, queryset: Any) -> None:
        self.queryset = queryset
        groups: dict[str, list[tuple[int, str]]] = {}
        for unit in queryset:
            groups.setdefault(str(unit.get_kind_display()), []).append((unit.pk, self.label_from_instance(unit)))
        self.choices = [("", self.empty_label or ""), *groups.items()]


YES_NO = (("1", _("已解决")), ("0", _("未解决")))


class TransitionForm(forms.Form):
    """The inputs one transition needs, built from its ``requires`` in the transition table."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, transition: Transition, work_order: WorkOrder, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.work_order = work_order
        self.user = user
        self.initial.setdefault("expected_version", work_order.version)
        name = transition.name
        f = self.fields
        if name == "dispatch":
            from wangge.web.selectors import dispatch_units

            unit = UnitChoiceField(label=_("承办单位"), queryset=Unit.objects.none())
            unit.offer(dispatch_units([work_order.district.path] if work_order.district_id else None))
            f["unit"] = unit
            f["category"] = CategoryChoiceField(
                label=_("分类（可改）"), queryset=leaf_categories(), required=False, initial=work_order.category_id
            )
        if name == "request_extension":
            f["amount"] = forms.DecimalField(label=_("延期时长"), min_value=0, max_value=365, decimal_places=2)
            f["unit_of_time"] = forms.ChoiceField(
                label=_("时长单位"), choices=DurationUnit.choices, initial=DurationUnit.WORKING_DAYS
            )
        if name in {"reply", "resolve_on_site"}:
            f["text"] = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
        if name == "reply":
            f["result"] = forms.ChoiceField(
                label=_("办理结论"), choices=ReplyResult.choices, widget=forms.RadioSelect, initial=ReplyResult.RESOLVED
            )
        if name == "callback":
            f["unreachable"] = forms.BooleanField(label=_("未联系上诉求人"), required=False)
            f["rating"] = forms.TypedChoiceField(
                label=_("评价"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect, required=False
            )
            f["resolved"] = forms.ChoiceField(
                label=_("是否解决"), choices=YES_NO, widget=forms.RadioSelect, required=False
            )
        if name == "merge":
            f["parent"] = forms.CharField(label=_("合并到（主工单查询码）"), max_length=20)
        if name == "supervise":
            f["level"] = forms.ChoiceField(
                label=_("督办等级"), choices=[c for c in SupervisionLevel.choices if c[0]], widget=forms.RadioSelect
            )
        if name == "resolve_on_site":
            f["before_photos"] = MultipleImageField(label=_("处置前照片"))
            f["after_photos"] = MultipleImageField(label=_("处置后照片"))
        note_required = "note" in transition.requires
        f["note"] = forms.CharField(
            label=_("说明") if note_required else _("说明（选填）"),
            widget=forms.Textarea(attrs={"rows": 2}),
            required=note_required,
            max_length=2000,
        )
        if name in {"reply", "verify_fail", "return", "suspend", "request_extension"}:
            f["attachments"] = MultipleImageField(label=_("附件照片（选填）"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.transition.name == "callback" and not data.get("unreachable"):
            if not data.get("rating"):
                self.add_error("rating", _("请选择评价等级"))
            if data.get("resolved") in (None, ""):
                self.add_error("resolved", _("请选择是否解决"))
        if self.transition.name == "merge" and data.get("parent"):
            parent: WorkOrder | None = (
                WorkOrder.objects.restrict(self.user)
                .filter(tracking_code=data["parent"].strip().upper())
                .only("pk")
                .first()
            )
            if parent is None:
                self.add_error("parent", _("找不到该查询码的工单"))
            else:
                data["parent"] = parent.pk
        return data

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for ``work_order_transition``."""
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        if self.transition.name == "callback":
            if data.get("unreachable"):
                data = {"unreachable": True, "note": data.get("note", "")}
            else:
                data["resolved"] = data.get("resolved") == "1"
                data.pop("unreachable", None)
        if self.transition.name == "dispatch" and data.get("category") is None:
            data.pop("category", None)
        return {k: v for k, v in data.items() if v not in (None, "", [])}


class BulkDispatchForm(forms.Form):
    """批量派遣: the selected cases as ``<id>:<version>`` pairs (the version each row was shown at)."""

    cases = forms.Field(label=_("工单"), required=False, widget=forms.MultipleHiddenInput)
    unit = UnitChoiceField(label=_("派往单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from wangge.web.selectors import dispatch_paths, dispatch_units

        super().__init__(*args, **kwargs)
        self.fields["unit"].offer(dispatch_units(dispatch_paths(user)))  # type: ignore[attr-defined]

    def valid_value(self, value: str) -> bool:
        pk, _sep, version = value.partition(":")
        return pk.isdigit() and version.isdigit()

    def clean_cases(self) -> list[tuple[int, int]]:
        raw = self.cleaned_data.get("cases") or []
        pairs: list[tuple[int, int]] = []
        for value in raw:
            if not self.valid_value(value):
                raise ValidationError(_("工单选择不正确"), code="invalid_case")
            pk, _sep, version = value.partition(":")
            pairs.append((int(pk), int(version)))
        if not pairs:
            raise ValidationError(_("请至少选择一个工单"), code="required")
        if len(pairs) > 200:
            raise ValidationError(_("一次最多派遣 200 件"), code="too_many")
        return pairs


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    querystring = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)


# --- appeals (citizens and grid workers) -------------------------------------------------------------


class AppealForm(forms.Form):
    """诉求登记: what, where (tap on the map or the phone's position), who, and photos."""

    category = CategoryChoiceField(
        label=_("诉求分类"), queryset=Category.objects.none(), required=False, empty_label=_("请选择（不确定可不选）")
    )
    appeal_type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices, initial=AppealType.COMPLAINT)
    description = forms.CharField(
        label=_("诉求内容"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请描述问题发生的地点、时间和具体情况")}),
        max_length=2000,
        min_length=5,
    )
    address = forms.CharField(label=_("地址或位置描述"), max_length=200, required=False)
    lng = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("wgs84", "wgs84"), ("gcj02", "gcj02")], initial="wgs84", required=False
    )
    point = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    window = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    reporter_name = forms.CharField(label=_("姓名（选填）"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("手机号（选填，便于回访）"), max_length=20, required=False)
    photos = MultipleImageField(label=_("现场照片（选填）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = leaf_categories()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_xy = data.get("lng") is not None and data.get("lat") is not None
        if not has_xy and not data.get("point"):
            raise ValidationError(_("请在地图上点选位置，或使用“定位我的位置”"), code="location_required")
        return data

    def appeal(self) -> dict[str, Any]:
        """The valid input as the arguments of ``services.appeal_submit``."""
        d = self.cleaned_data
        return {
            "appeal_type": d["appeal_type"],
            "description": d["description"],
            "category": d["category"],
            "address": d["address"],
            "lng": d["lng"],
            "lat": d["lat"],
            "crs": d["crs"] or "wgs84",
            "point_code": d["point"],
            "reporter_name": d["reporter_name"],
            "reporter_phone": d["reporter_phone"],
            "photos": d["photos"],
        }


STAFF_CHANNELS = [
    (c.value, c.label) for c in (Channel.HOTLINE, Channel.WEB, Channel.ENTERPRISE, Channel.INSPECTION, Channel.PATROL)
]


class IntakeForm(AppealForm):
    """受理登记 by the command centre: a hotline call, a letter, an inspection finding. The caller often gives
    only an address: the map position is optional when there is one (it is matched to a grid)."""

    channel = forms.ChoiceField(label=_("来源渠道"), choices=STAFF_CHANNELS, initial=Channel.HOTLINE)
    title = forms.CharField(label=_("标题（选填，默认取诉求内容）"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    district = forms.ModelChoiceField(label=_("所属区"), queryset=Territory.objects.none(), empty_label=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from wangge.web.selectors import intake_districts

        districts = intake_districts(user)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        if len(districts) == 1:
            self.fields["district"].widget = forms.HiddenInput()
            self.initial.setdefault("district", districts[0].pk)

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        has_xy = data.get("lng") is not None and data.get("lat") is not None
        if not has_xy and not data.get("point") and not (data.get("address") or "").strip():
            raise ValidationError(_("请填写地址，或在地图上点选位置"), code="location_required")
        return data


class RatingForm(forms.Form):
    """好差评: five levels and whether the problem was solved."""

    rating = forms.TypedChoiceField(label=_("满意度"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect)
    resolved = forms.ChoiceField(label=_("问题是否已解决"), choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("意见（选填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


URGENCY_CHOICES = Urgency.choices
