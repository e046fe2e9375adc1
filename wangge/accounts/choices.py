from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    COMMAND_CENTRE = "command_centre", _("指挥中心")
    DEPARTMENT = "department", _("职能部门")
    COMPANY = "company", _("公共服务企业")
    STREET_OFFICE = "street_office", _("街道办事处/乡镇政府")
    COMMUNITY_COMMITTEE = "community_committee", _("社区居委会/村委会")


class Role(models.TextChoices):
    """DOMAIN §2 roles. A grant sits on a territory node (covering its subtree) or on a unit."""

    GRID_WORKER = "grid_worker", _("网格员")
    GRID_LEADER = "grid_leader", _("网格长")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    DEPT_HANDLER = "dept_handler", _("部门办理人")
    CALL_TAKER = "call_taker", _("指挥中心受理员")
    DISPATCHER = "dispatcher", _("指挥中心派遣员")
    INSPECTOR = "inspector", _("督查员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")
    KEY_PERSON_OFFICER = "key_person_officer", _("重点人员管控专员")
    HALL_STAFF = "hall_staff", _("窗口工作人员")
