"""Forms of the 基础台账 pages: the filters of each list (scoped choices only) and the edit forms whose cleaned
data go to the ledger services as keyword arguments. The services validate again and decide; these forms
only turn what was typed into values of the right type and keep choices inside the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import RECORD
from wangge.core.scoping import VIEW
from wangge.ledgers.choices import (
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    MoveKind,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from wangge.ledgers.models import Building, Estate, Household, ResidentTag
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

ALL = (("", _("全部")),)
# How many households a building or a move form lists in a drop-down; more are found by typing a code.
MAX_OPTIONS = 500


def grids_of(user: Any, action: str = VIEW) -> QuerySet[Territory]:
    return Territory.objects.restrict(user, action).filter(kind=TerritoryKind.GRID).order_by("code")


def communities_of(user: Any, action: str = VIEW) -> QuerySet[Territory]:
    return Territory.objects.restrict(user, action).filter(kind=TerritoryKind.COMMUNITY).order_by("code")


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A territory node shown as "name（code）" so that two grids of the same name stay apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class _Filters(forms.Form):
    """A GET filter form: every field optional, unknown values dropped rather than an error page."""

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.required = False

    def values(self) -> dict[str, Any]:
        """The valid filters; a field that did not validate is ignored (a stale link still lists)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", [], False)}

    @property
    def in_use(self) -> bool:
        return bool(self.values())


class EstateFilterForm(_Filters):
    q = forms.CharField(label=_("小区名称"), max_length=50)
    community = NodeChoiceField(label=_("社区/村"), queryset=Territory.objects.none(), empty_label=_("全部"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_of(self.user)  # type: ignore[attr-defined]


class BuildingFilterForm(_Filters):
    q = forms.CharField(label=_("名称/编码/地址"), max_length=50)
    grid = NodeChoiceField(label=_("网格"), queryset=Territory.objects.none(), empty_label=_("全部"))
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), empty_label=_("全部"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_of(self.user)  # type: ignore[attr-defined]
        self.fields["estate"].queryset = Estate.objects.restrict(self.user).order_by("name")  # type: ignore[attr-defined]


class HouseholdFilterForm(_Filters):
    q = forms.CharField(label=_("地址/户编码"), max_length=50)
    grid = NodeChoiceField(label=_("网格"), queryset=Territory.objects.none(), empty_label=_("全部"))
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), empty_label=_("全部"))
    use = forms.ChoiceField(label=_("房屋用途"), choices=ALL + tuple(HouseholdUse.choices))
    not_visited = forms.BooleanField(label=_("本季度未走访"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_of(self.user)  # type: ignore[attr-defined]
        self.fields["building"].queryset = Building.objects.restrict(self.user).order_by("code")  # type: ignore[attr-defined]


RESIDENT_STATUS_CHOICES = (
    ("", _("在册")),
    *[(v, label) for v, label in ResidentStatus.choices if v != ResidentStatus.CURRENT],
    ("archived", _("已归档（迁出或死亡）")),
    ("all", _("全部")),
)


class ResidentFilterForm(_Filters):
    q = forms.CharField(label=_("姓名包含"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码（完整）"), max_length=24)
    phone = forms.CharField(label=_("联系电话（完整）"), max_length=24)
    grid = NodeChoiceField(label=_("网格"), queryset=Territory.objects.none(), empty_label=_("全部"))
    household = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tag = forms.ModelChoiceField(label=_("人员类别"), queryset=ResidentTag.objects.none(), empty_label=_("全部"))
    residence_type = forms.ChoiceField(label=_("人口类型"), choices=ALL + tuple(ResidenceType.choices))
    status = forms.ChoiceField(label=_("状态"), choices=RESIDENT_STATUS_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_of(self.user)  # type: ignore[attr-defined]
        self.fields["tag"].queryset = ResidentTag.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})


class MerchantFilterForm(_Filters):
    q = forms.CharField(label=_("名称/信用代码"), max_length=50)
    grid = NodeChoiceField(label=_("网格"), queryset=Territory.objects.none(), empty_label=_("全部"))
    kind = forms.ChoiceField(label=_("类型"), choices=ALL + tuple(MerchantKind.choices))
    status = forms.ChoiceField(label=_("经营状态"), choices=ALL + tuple(MerchantStatus.choices))
    licence_expiring = forms.BooleanField(label=_("执照已过期或30天内到期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids_of(self.user)  # type: ignore[attr-defined]


# -- Edit forms ---------------------------------------------------------------------------------------------


class _Edit(forms.Form):
    """An edit form: territory and ledger choices limited to what the user may record in."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"  # a date picker takes ISO values only
            if name in {"grid"}:
                field.queryset = grids_of(user, RECORD)  # type: ignore[attr-defined]
            if name in {"community"}:
                field.queryset = communities_of(user, RECORD)  # type: ignore[attr-defined]

    def keep_numbers(self, masked: dict[str, str]) -> None:
        """Editing a row: its protected numbers are never put in the form (showing them would be an unlogged
        reveal). Each shows its masked value; left blank it stays as it is, a typed value replaces it."""
        for name, shown in masked.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.required = False
            field.help_text = _("当前：%(v)s。留空不修改，填写则替换。") % {"v": shown} if shown else _("当前未登记。")
            field.widget.attrs["placeholder"] = shown
            self.kept.add(name)

    @property
    def kept(self) -> set[str]:
        if not hasattr(self, "_kept"):
            self._kept: set[str] = set()
        return self._kept

    def payload(self) -> dict[str, Any]:
        """The keyword arguments of the service: the cleaned values, blanks as the model's empty value."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            field = self.fields[name]
            if value is None and isinstance(field, forms.CharField):
                value = ""
            if name in self.kept and not value:
                continue  # a protected number left blank: unchanged
            out[name] = value
        return out


class EstateForm(_Edit):
    code = forms.CharField(label=_("小区编码"), max_length=40, required=False, help_text=_("留空自动生成"))
    name = forms.CharField(label=_("小区名称"), max_length=100)
    community = NodeChoiceField(label=_("所属社区/村"), queryset=Territory.objects.none())
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    property_company = forms.CharField(label=_("物业服务企业"), max_length=120, required=False)
    property_contact = forms.CharField(label=_("物业联系电话"), max_length=40, required=False)
    owners_committee = forms.CharField(label=_("业主委员会"), max_length=200, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BuildingForm(_Edit):
    code = forms.CharField(
        label=_("楼栋编码"), max_length=40, required=False, help_text=_("网格编码后加三位序号；留空自动生成")
    )
    name = forms.CharField(label=_("楼栋名称"), max_length=100)
    grid = NodeChoiceField(label=_("所在网格"), queryset=Territory.objects.none())
    estate = forms.ModelChoiceField(label=_("所属小区"), queryset=Estate.objects.none(), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    floors = forms.IntegerField(label=_("层数"), min_value=1, max_value=200, initial=1)
    units = forms.IntegerField(label=_("单元数"), min_value=1, max_value=50, initial=1)
    lng = forms.FloatField(label=_("经度(WGS-84)"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度(WGS-84)"), required=False, min_value=-90, max_value=90)
    head_name = forms.CharField(label=_("楼栋长"), max_length=50, required=False)
    head_phone = forms.CharField(
        label=_("楼栋长电话"), max_length=24, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = Estate.objects.restrict(self.user).order_by("name")  # type: ignore[attr-defined]


class HouseholdForm(_Edit):
    code = forms.CharField(label=_("户编码"), max_length=48, required=False, help_text=_("留空自动生成"))
    grid = NodeChoiceField(label=_("所在网格"), queryset=Territory.objects.none())
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    unit_no = forms.CharField(label=_("单元"), max_length=10, required=False)
    room = forms.CharField(label=_("门牌/房号"), max_length=20, required=False)
    house_no = forms.CharField(label=_("村组门牌号"), max_length=60, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    use = forms.ChoiceField(label=_("房屋用途"), choices=HouseholdUse.choices, initial=HouseholdUse.OWNER)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.restrict(self.user, RECORD).order_by("code")  # type: ignore[attr-defined]


class ResidentForm(_Edit):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=24,
        required=False,
        help_text=_("18位，性别和出生日期由号码得出"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("联系电话"), max_length=24, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    grid = NodeChoiceField(label=_("所在网格"), queryset=Territory.objects.none())
    household = forms.ModelChoiceField(label=_("现住户"), queryset=Household.objects.none(), required=False)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices, initial=Relation.OTHER)
    residence_type = forms.ChoiceField(
        label=_("人口类型"), choices=ResidenceType.choices, initial=ResidenceType.REGISTERED
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("人员类别"), queryset=ResidentTag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, household_choices: QuerySet[Household] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = ResidentTag.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if household_choices is None:
            scope: QuerySet[Household] = Household.objects.restrict(self.user, RECORD)
            first = list(scope.order_by("code").values_list("pk", flat=True)[:MAX_OPTIONS])
            household_choices = Household.objects.filter(pk__in=first)
        self.fields["household"].queryset = household_choices.select_related("building")  # type: ignore[attr-defined]


class HouseholdPickForm(forms.Form):
    """A household typed by its code (or picked from the list of the resident's grid)."""

    household_code = forms.CharField(label=_("迁入户（户编码）"), max_length=48)
    relation = forms.ChoiceField(label=_("与新户主关系"), choices=Relation.choices, initial=Relation.OTHER)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.household: Household | None = None

    def clean_household_code(self) -> str:
        code = self.cleaned_data["household_code"].strip()
        household: Household | None = Household.objects.restrict(self.user, RECORD).filter(code=code).first()
        if household is None:
            raise forms.ValidationError(_("在您可登记的范围内没有这个户编码"))
        self.household = household
        return code


ARCHIVE_CHOICES = ((MoveKind.MOVE_AWAY.value, _("迁出")), (MoveKind.DECEASED.value, _("死亡注销")))


class ArchiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("归档原因"), choices=ARCHIVE_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class RestoreForm(HouseholdPickForm):
    """恢复在册: back on the register, into a household given by its code (or without one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household_code"].required = False
        self.fields["household_code"].label = _("迁入户（户编码，可留空）")
        self.fields["relation"].required = False

    def clean_household_code(self) -> str:
        if not self.cleaned_data.get("household_code", "").strip():
            return ""
        return super().clean_household_code()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class MerchantForm(_Edit):
    name = forms.CharField(label=_("名称"), max_length=120)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=MerchantKind.choices, initial=MerchantKind.SHOP)
    industry = forms.CharField(label=_("行业"), max_length=60, required=False)
    grid = NodeChoiceField(label=_("所在网格"), queryset=Territory.objects.none())
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lng = forms.FloatField(label=_("经度(WGS-84)"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度(WGS-84)"), required=False, min_value=-90, max_value=90)
    responsible_person = forms.CharField(label=_("法定代表人/负责人"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=24, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    licence_issued = forms.DateField(label=_("营业执照发证日期"), required=False)
    licence_expires = forms.DateField(label=_("营业执照有效期至"), required=False)
    point_code = forms.CharField(
        label=_("门前三包点位编码"), max_length=64, required=False, help_text=_("已登记的责任点位编码，可留空")
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.restrict(self.user, RECORD).order_by("code")  # type: ignore[attr-defined]
        self.point: Point | None = None

    def clean_point_code(self) -> str:
        code = (self.cleaned_data.get("point_code") or "").strip()
        if code:
            self.point = Point.objects.restrict(self.user).filter(code=code).first()
            if self.point is None:
                raise forms.ValidationError(_("在您的辖区内没有这个点位编码"))
        return code

    def payload(self) -> dict[str, Any]:
        out = super().payload()
        out.pop("point_code", None)
        out["point"] = self.point
        return out


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
