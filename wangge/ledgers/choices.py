"""The fixed vocabularies of the 基础台账. Editable ones (resident tags) are tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    """与户主关系 (after GB/T 4761 家庭关系代码, grouped as grid workers record it)."""

    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class ResidenceType(models.TextChoices):
    """户籍 / 常住 / 流动 / 寄住."""

    REGISTERED = "registered", _("户籍人口")
    RESIDENT = "resident", _("常住人口")
    FLOATING = "floating", _("流动人口")
    LODGING = "lodging", _("寄住人口")


class ResidentStatus(models.TextChoices):
    CURRENT = "current", _("在册")
    MOVED_AWAY = "moved_away", _("已迁出")
    DECEASED = "deceased", _("已死亡")


class MoveKind(models.TextChoices):
    REGISTER = "register", _("登记")
    MOVE = "move", _("户内迁移")
    MOVE_AWAY = "move_away", _("迁出")
    DECEASED = "deceased", _("死亡注销")
    RESTORE = "restore", _("恢复在册")


class HouseholdUse(models.TextChoices):
    OWNER = "owner", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    OTHER = "other", _("其他")


class MerchantKind(models.TextChoices):
    SHOP = "shop", _("个体工商户/门店")
    ENTERPRISE = "enterprise", _("企业")
    RESIDENT_UNIT = "resident_unit", _("驻区单位")
    NEW_ECONOMIC = "new_economic", _("新经济组织")
    NEW_SOCIAL = "new_social", _("新社会组织")


class MerchantStatus(models.TextChoices):
    OPEN = "open", _("在营")
    SUSPENDED = "suspended", _("停业")
    CLOSED = "closed", _("已注销")


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    ARCHIVED = "archived", _("已归档")


# The tags grid workers look after, seeded into the editable dictionary (ResidentTag).
DEFAULT_TAGS: tuple[tuple[str, str], ...] = (
    ("living_alone_elderly", "独居老人"),
    ("empty_nest_elderly", "空巢老人"),
    ("left_behind_child", "留守儿童"),
    ("disabled", "残疾人"),
    ("dibao", "低保"),
    ("tekun", "特困"),
    ("veteran", "退役军人"),
    ("party_member", "党员"),
    ("volunteer", "志愿者"),
    ("elderly_80", "八十岁以上老人"),
    ("pregnant", "孕产妇"),
    ("unemployed", "失业人员"),
)
