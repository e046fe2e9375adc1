"""Forms of the staff and citizen pages. Forms check the shape of the input (400); the services check the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Unit
from wangge.core.validators import normalise_phone
from wangge.core.workflow import Input, Transition
from wangge.territory.models import Territory
from wangge.web.workflow_forms import MultipleImageField, StepForm
from wangge.workorders.choices import (
    AppealType,
    Channel,
    Rating,
    Urgency,
)
from wangge.workorders.models import Category, WorkOrder


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
    """A unit, offered in groups by kind (指挥中心, 职能部门, 公共服务企业, 街道, 社区): a district has a hundred.
    The routed (suggested) unit, when there is one, comes first and says so; the page's unit picker
    (static/web/unitpicker.js, on ``data-unit-picker``) filters the options by what is typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("请选择承办单位"))
        picker = {
            "data-unit-picker": "",
            "data-unit-picker-placeholder": _("输入单位名称或编码筛选"),
            "data-unit-picker-count": _("匹配 {n} 个单位"),
        }
        kwargs.setdefault("widget", forms.Select(attrs=picker))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"

    def offer(self, queryset: Any, recommended: Unit | None = None) -> None:
        self.queryset = queryset
        first: list[tuple[int, str]] = []
        groups: dict[str, list[tuple[int, str]]] = {}
        for unit in queryset:
            if recommended is not None and unit.pk == recommended.pk:
                first.append((unit.pk, f"{self.label_from_instance(unit)}{_('（推荐）')}"))
                continue
            groups.setdefault(str(unit.get_kind_display()), []).append((unit.pk, self.label_from_instance(unit)))
        self.choices = [("", self.empty_label or ""), *first, *groups.items()]


YES_NO = (("1", _("已解决")), ("0", _("未解决")))


def _unit_field(wo: WorkOrder, user: Any, i: Input) -> forms.Field:
    """The units of the case's district, the routed one first (for 改派: unless it is the unit it is with)."""
    from wangge.web.selectors import dispatch_units
    from wangge.workorders.services import suggest_unit

    routed = suggest_unit(category=wo.category, territory=wo.territory)
    if routed is not None and routed.pk == wo.assigned_unit_id:
        routed = None
    unit = UnitChoiceField(label=i.label, queryset=Unit.objects.none())
    unit.offer(dispatch_units([wo.district.path] if wo.district_id else None), recommended=routed)
    return unit


def _category_field(wo: WorkOrder, user: Any, i: Input) -> forms.Field:
    return CategoryChoiceField(label=i.label, queryset=leaf_categories(), required=False, initial=wo.category_id)


def _parent_field(wo: WorkOrder, user: Any, i: Input) -> forms.Field:
    return forms.CharField(label=i.label, max_length=20)


def _parent_from_code(form: StepForm, i: Input, code: str) -> int | None:
    """The page takes the main case's tracking code; the service takes its id (a case in the user's scope)."""
    parent: WorkOrder | None = (
        WorkOrder.objects.restrict(form.user).filter(tracking_code=code.strip().upper()).only("pk").first()
    )
    if parent is None:
        form.add_error(i.name, _("找不到该查询码的工单"))
        return None
    return parent.pk


class TransitionForm(StepForm):
    """The inputs of one step of the closed loop, generated from its row in ``workorders.workflow``."""

    refs = {"unit": _unit_field, "category": _category_field, "parent": _parent_field}
    cleaners = {"parent": _parent_from_code}

    def __init__(self, *args: Any, transition: Transition, work_order: WorkOrder, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, transition=transition, obj=work_order, user=user, **kwargs)
        self.work_order = work_order


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


PHONE_INVALID = _("请填写 11 位手机号，或带区号的固定电话（如 0375-1234567）")
_MOBILE_OR_LANDLINE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def contact_phone(value: str) -> str:
    """A citizen's contact number, normalised (``core.validators.normalise_phone``): a mainland mobile number or a
    landline with its area code. Service numbers (12345) and short numbers are refused."""
    phone = normalise_phone(value or "")
    if phone and not _MOBILE_OR_LANDLINE.match(phone):
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    return phone


def _too_long(limit: int) -> Any:
    return format_lazy(_("不能超过 {} 个字"), limit)


class AppealForm(forms.Form):
    """诉求登记: what, where (tap on the map or the phone's position), who, and photos. Every message is plain
    Chinese (never Django's "确保该变量…"); photos of a submission that failed are kept under ``photo_tokens``
    (the citizen page keeps them for a while, ``web.views.citizen``)."""

    category = CategoryChoiceField(
        label=_("诉求分类"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("请选择（不确定可不选）"),
        error_messages={"invalid_choice": _("请从列表中选择诉求分类")},
    )
    appeal_type = forms.ChoiceField(
        label=_("诉求类型"),
        choices=AppealType.choices,
        initial=AppealType.COMPLAINT,
        error_messages={"required": _("请选择诉求类型"), "invalid_choice": _("请从列表中选择诉求类型")},
    )
    description = forms.CharField(
        label=_("诉求内容"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("请描述问题发生的地点、时间和具体情况")}),
        max_length=2000,
        min_length=5,
        error_messages={
            "required": _("请描述您要反映的问题"),
            "min_length": _("请把问题描述得具体一些（至少 5 个字）"),
            "max_length": _too_long(2000),
        },
    )
    address = forms.CharField(
        label=_("地址或位置描述"), max_length=200, required=False, error_messages={"max_length": _too_long(200)}
    )
    lng = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("wgs84", "wgs84"), ("gcj02", "gcj02")], initial="wgs84", required=False
    )
    point = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    window = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    reporter_name = forms.CharField(
        label=_("姓名（选填）"), max_length=50, required=False, error_messages={"max_length": _too_long(50)}
    )
    reporter_phone = forms.CharField(
        label=_("手机号（选填，便于回访和短信通知）"),
        max_length=20,
        required=False,
        error_messages={"max_length": PHONE_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    photos = MultipleImageField(label=_("现场照片（选填）"), error_messages={"invalid": _("照片无法读取，请重新选择")})
    photo_tokens = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400)

    def clean_reporter_phone(self) -> str:
        return contact_phone(self.cleaned_data.get("reporter_phone") or "")

    def clean_photo_tokens(self) -> list[str]:
        raw = str(self.cleaned_data.get("photo_tokens") or "")
        return [t for t in raw.split(",") if re.fullmatch(r"[A-Za-z0-9_-]{20,64}", t)][:6]

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
    """好差评: five levels and whether the problem was solved; when the case has the reporter's phone number, its
    last four digits too, so the tracking code alone does not let anyone else rate (the view compares them)."""

    rating = forms.TypedChoiceField(label=_("满意度"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect)
    resolved = forms.ChoiceField(label=_("问题是否已解决"), choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("意见（选填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500
    )
    phone_tail = forms.RegexField(
        label=_("登记手机号的后四位"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("请输入 4 位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
    )

    def __init__(self, *args: Any, asks_phone: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_phone:
            del self.fields["phone_tail"]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        error_messages={"required": _("请输入查询码"), "max_length": _("查询码不超过 20 位，请核对")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class PhoneLookupForm(forms.Form):
    """我的诉求, step one: the mobile number the appeals were filed with (a code is texted to it)."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        error_messages={"required": _("请输入手机号"), "max_length": PHONE_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = contact_phone(self.cleaned_data.get("phone") or "")
        if not re.fullmatch(r"1[3-9]\d{9}", phone):
            raise ValidationError(_("请填写 11 位手机号（验证码以短信发送）"), code="not_mobile")
        return phone


class PhoneCodeForm(forms.Form):
    """我的诉求, step two: the six-digit code of the text message."""

    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"required": _("请输入短信验证码"), "invalid": _("验证码为 6 位数字")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )


class VoiceForm(forms.Form):
    """我也反映: optionally the citizen's mobile number, to be told by text how the case goes."""

    phone = forms.CharField(
        label=_("手机号（选填，办理进展短信通知您）"),
        max_length=20,
        required=False,
        error_messages={"max_length": PHONE_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return contact_phone(self.cleaned_data.get("phone") or "")


URGENCY_CHOICES = Urgency.choices
