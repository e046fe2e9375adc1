"""Explicit audit trail, written by services inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from wangge.core.actors import require, user_of
from wangge.core.models import AuditEntry

# Fields never copied into the audit trail in clear text.
SECRET_FIELDS = {"password"}

# The client address of the request being served (set by ``RequestAddressMiddleware``), so every entry a
# service writes during a request names where it came from without each service taking an ``ip``.
_request_ip: ContextVar[str | None] = ContextVar("wangge_audit_request_ip", default=None)


def current_ip() -> str | None:
    return _request_ip.get()


class RequestAddressMiddleware:
    """Remembers the request's client address (``core.clientaddr``) for the audit entries written while it is
    served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from wangge.core.clientaddr import client_ip

        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None, *, protected: set[str] | None = None) -> dict[str, Any] | None:
    """The concrete field values of ``obj``. Protected personal fields are masked as "***"."""
    if obj is None:
        return None
    protected = protected or set(getattr(obj, "audit_protected_fields", ()))
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(obj, f.attname)
        if f.name in protected and value:
            data[f.name] = "***"
        elif f.name == "geometry" and value:
            data[f.name] = {"type": value.get("type"), "size": len(str(value))}
        else:
            data[f.name] = _jsonable(value)
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on both sides."""
    before = before or {}
    after = after or {}
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
    only_changes: bool = True,
) -> AuditEntry:
    if only_changes and before is not None and after is not None:
        before, after = diff(before, after)
    require(actor)
    actor_obj = user_of(actor)
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=str(getattr(actor, "username", "") or actor)[:150],
        action=action,
        app_label=obj._meta.app_label if obj is not None else "",
        model=obj._meta.model_name or "" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        note=note,
        ip=ip or current_ip(),
    )


def record_export(
    *,
    actor: Any,
    action: str,
    what: str,
    fmt: str,
    count: int,
    filters: dict[str, Any] | None = None,
    obj: models.Model | None = None,
    ip: str | None = None,
    revealed: bool = False,
) -> AuditEntry:
    """One entry for a file (or GeoJSON) that leaves the platform: who, what, its scope, rows and format."""
    after = {
        "what": what,
        "format": fmt,
        "count": count,
        "filters": _jsonable(filters or {}),
        "revealed": revealed,
    }
    return record(actor=actor, action=action, obj=obj, after=after, ip=ip, only_changes=False)


def record_reveal(
    *, actor: Any, revealed: dict[str, dict[str, set[Any]]], ip: str | None = None, note: str = ""
) -> AuditEntry | None:
    """One entry for a response that showed full personal numbers. ``revealed`` maps ``app_label.model`` to
    ``{"ids": {...}, "fields": {...}}``; nothing is written when nothing was revealed."""
    rows = [
        {"model": label, "ids": sorted(str(pk) for pk in seen["ids"]), "fields": sorted(seen["fields"])}
        for label, seen in sorted(revealed.items())
        if seen["ids"]
    ]
    if not rows:
        return None
    return record(actor=actor, action="api.reveal", after={"revealed": rows}, note=note, ip=ip, only_changes=False)


# --- what the audit log shows a reader ---------------------------------------------------------------------
# An entry keeps its action as a stable code ("<area>.<what>", e.g. ``places.point_create``); every screen shows
# the Chinese label below instead. A code not in ``ACTION_LABELS`` is named from its area and its last word
# (``knowledge.article_create`` → 知识库：新建); a test keeps every code written in the source named either way.

AREA_LABELS: dict[str, Any] = {
    "accounts": _("组织与人员"),
    "admin": _("管理后台"),
    "api": _("接口"),
    "assessment": _("月度考评"),
    "auth": _("登录与令牌"),
    "bulletin": _("日通报"),
    "campaigns": _("专项整治"),
    "cogovernance": _("共商共治"),
    "duty": _("值班备勤"),
    "emergency": _("预警与应急"),
    "enterprises": _("助企包联"),
    "evaluations": _("好差评"),
    "hall": _("政务服务"),
    "inspections": _("巡查体检"),
    "meetings": _("调度会交办"),
    "projects": _("项目台账"),
    "queueing": _("预约与叫号"),
    "category_set": _("诉求分类字典"),
    "daily_log": _("工作日志"),
    "demo": _("演示数据"),
    "escalation": _("催办升级"),
    "hazards": _("隐患排查"),
    "imports": _("数据导入"),
    "intel": _("智能辅助"),
    "keypersons": _("重点人员"),
    "knowledge": _("知识库"),
    "ledgers": _("基础台账"),
    "mediation": _("矛盾纠纷调解"),
    "legalservice": _("公共法律服务"),
    "notifications": _("消息通知"),
    "open311": _("Open311 接口"),
    "party": _("党建引领"),
    "patrol": _("巡查"),
    "places": _("责任点位"),
    "registry": _("登记簿"),
    "reports": _("报表"),
    "surveys": _("一表"),
    "territory": _("辖区网格"),
    "volunteers": _("志愿服务"),
    "web": _("工作台"),
    "workcalendar": _("工作日历"),
    "workorders": _("工单"),
    "workforce": _("网格队伍"),
}

ACTION_LABELS: dict[str, Any] = {
    "evaluations.rate": _("好差评：评价"),
    "evaluations.rectification_create": _("好差评：差评转整改"),
    "evaluations.verify": _("好差评：整改核实"),
    "evaluations.rectify": _("好差评：整改"),
    "evaluations.feedback": _("好差评：整改反馈"),
    "evaluations.callback": _("好差评：整改回访"),
    "evaluations.withdraw": _("好差评：申诉成立撤销整改"),
    "evaluations.appeal_create": _("好差评：提出申诉"),
    "evaluations.appeal_uphold": _("好差评：申诉成立"),
    "evaluations.appeal_refuse": _("好差评：申诉不成立"),
    "evaluations.draw_create": _("好差评：抽取月度回访样本"),
    "evaluations.callback_record": _("好差评：记录回访结果"),
    "accounts.password_set": _("设置密码"),
    "accounts.role_grant": _("授予角色"),
    "accounts.role_revoke": _("撤销角色"),
    "accounts.staff_create": _("新建人员"),
    "accounts.staff_lock": _("锁定人员账号"),
    "accounts.staff_unlock": _("解锁人员账号"),
    "accounts.staff_update": _("修改人员"),
    "accounts.unit_create": _("新建单位"),
    "admin.add": _("后台新增"),
    "admin.change": _("后台修改"),
    "admin.delete": _("后台删除"),
    "admin.move": _("后台移动节点"),
    "api.reveal": _("接口查看完整个人信息"),
    "assessment.confirm": _("街道确认考评"),
    "assessment.ladder": _("评定阶梯晋级"),
    "assessment.prepare": _("生成考评草稿"),
    "assessment.return": _("考评退回社区"),
    "assessment.score": _("社区评分"),
    "auth.lockout": _("账号临时锁定"),
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.token_issue": _("签发接口令牌"),
    "auth.token_revoke": _("注销接口令牌"),
    "auth.token_revoke_all": _("注销全部接口令牌"),
    "bulletin.generate": _("生成日通报"),
    "bulletin.regenerate": _("重新生成日通报"),
    "campaigns.case_tag": _("工单标记到专项"),
    "campaigns.end": _("结束专项"),
    "campaigns.hazard_tag": _("隐患标记到专项"),
    "campaigns.reopen": _("重新启动专项"),
    "campaigns.start": _("启动专项"),
    "campaigns.summarise": _("总结专项"),
    "category_set.clone": _("复制分类字典"),
    "category_set.publish": _("发布分类字典"),
    "daily_log.save": _("保存工作日志"),
    "demo.admin_flags": _("演示数据：设置管理员"),
    "demo.ledgers_seed": _("演示数据：生成台账"),
    "demo.mediation_seed": _("演示数据：生成矛盾纠纷"),
    "demo.emergency_seed": _("演示数据：生成预警"),
    "demo.duty_seed": _("演示数据：生成值班与防汛备汛"),
    "demo.hall_seed": _("演示数据：生成政务服务大厅与办件"),
    "hall.receive": _("政务服务：收件"),
    "hall.mark_overdue": _("政务服务：标记超期办件"),
    "hall.catalogue_import": _("政务服务：导入事项清单"),
    "hall.catalogue_export": _("政务服务：导出事项清单"),
    "hall.ledger_export": _("政务服务：导出办件台账"),
    "hall.duty_set": _("政务服务：安排窗口值班"),
    "hall.assistance_record": _("政务服务：登记帮办代办"),
    "hall.reveal": _("政务服务：查看申请人完整信息"),
    "demo.territory_mark_real": _("演示数据：标记真实辖区"),
    "duty.assignment_swap": _("换班"),
    "duty.check_in": _("到岗签到"),
    "duty.plan_revise": _("修订应急预案"),
    "duty.stock_issue": _("防汛物资出库"),
    "duty.stock_receive": _("防汛物资入库"),
    "hazards.report": _("上报隐患"),
    "hazards.reveal_owner_phone": _("查看隐患责任人完整电话"),
    "hazards.verify": _("核查隐患"),
    "intel.classifier_activate": _("启用分类模型"),
    "intel.classifier_deactivate": _("停用分类模型"),
    "intel.classifier_register": _("登记分类模型"),
    "keypersons.create": _("新建重点人员"),
    "keypersons.export": _("导出重点人员"),
    "keypersons.release": _("重点人员解除管控"),
    "keypersons.update": _("修改重点人员"),
    "keypersons.visit": _("重点人员走访"),
    "knowledge.article_create": _("新建知识条目"),
    "knowledge.article_update": _("修改知识条目"),
    "ledgers.building_create": _("新建楼栋"),
    "ledgers.building_update": _("修改楼栋"),
    "ledgers.estate_create": _("新建小区"),
    "ledgers.estate_update": _("修改小区"),
    "ledgers.household_create": _("新建户"),
    "ledgers.household_set_head": _("设置户主"),
    "ledgers.household_update": _("修改户"),
    "ledgers.import": _("导入台账"),
    "ledgers.merchant_close": _("商户注销"),
    "ledgers.merchant_create": _("新建商户"),
    "ledgers.merchant_update": _("修改商户"),
    "ledgers.resident_archive": _("居民归档"),
    "ledgers.resident_create": _("新建居民"),
    "ledgers.resident_move": _("居民迁移"),
    "ledgers.resident_restore": _("居民恢复"),
    "ledgers.resident_update": _("修改居民"),
    "ledgers.residents_export": _("导出居民台账"),
    "ledgers.residents_export_revealed": _("导出居民台账（含完整信息）"),
    "ledgers.reveal_merchant_contact": _("查看商户完整联系方式"),
    "ledgers.reveal_resident": _("查看居民完整信息"),
    "ledgers.tag_create": _("新建标签"),
    "ledgers.tag_update": _("修改标签"),
    "mediation.conflict_declare": _("登记调解员回避申报"),
    "mediation.register": _("登记矛盾纠纷"),
    "emergency.warning_acknowledge": _("确认收到预警"),
    "emergency.escalate": _("预警未确认上报"),
    "meetings.meeting_finalise": _("调度会定稿"),
    "meetings.meeting_reopen": _("调度会撤回定稿"),
    "meetings.task_assign": _("交办事项"),
    "meetings.task_cancel": _("撤销交办事项"),
    "meetings.task_close": _("核销交办事项"),
    "meetings.task_progress": _("交办事项进展反馈"),
    "meetings.task_reassign": _("改派交办事项"),
    "meetings.task_reject": _("交办事项退回重办"),
    "meetings.task_report": _("交办事项反馈办结"),
    "meetings.task_return": _("退回交办事项"),
    "meetings.task_sign": _("签收交办事项"),
    "open311.apikey_create": _("新建接口密钥"),
    "open311.apikey_revoke": _("注销接口密钥"),
    "open311.apikey_set_quota": _("设置接口密钥配额"),
    "enterprises.enterprise_create": _("登记企业"),
    "enterprises.enterprise_update": _("修改企业"),
    "enterprises.financing_event_create": _("新建政银企对接活动"),
    "enterprises.financing_event_update": _("调整政银企对接活动"),
    "enterprises.issue_rate": _("企业评价诉求办理"),
    "enterprises.liaison_assign": _("安排包联"),
    "enterprises.liaison_end": _("结束包联"),
    "enterprises.participation_create": _("登记企业参与对接"),
    "enterprises.participation_update": _("修改企业对接情况"),
    "enterprises.service_day_record": _("记录服务日"),
    "enterprises.service_days_generate": _("生成服务日"),
    "enterprises.visit_record": _("登记走访"),
    "patrol.checkin": _("巡查签到"),
    "places.point_create": _("新建点位"),
    "places.point_type_seed": _("初始化点位类型"),
    "places.point_update": _("修改点位"),
    "places.points_export": _("导出点位"),
    "places.points_export_revealed": _("导出点位（含完整信息）"),
    "projects.accept": _("项目验收"),
    "projects.complete": _("项目完工"),
    "projects.entry_create": _("填报项目周进度"),
    "projects.entry_update": _("修改项目周进度"),
    "projects.export": _("导出项目台账"),
    "projects.problem_create": _("项目问题转立工单"),
    "projects.project_create": _("登记项目"),
    "projects.project_update": _("修改项目"),
    "projects.resume": _("项目恢复"),
    "projects.start": _("项目开工"),
    "projects.suspend": _("项目暂停"),
    "queueing.appointment_book": _("预约办事"),
    "queueing.appointment_cancel": _("取消预约"),
    "queueing.flexible_windows_set": _("设置潮汐可切换窗口"),
    "queueing.group_create": _("新建业务分组"),
    "queueing.group_update": _("修改业务分组"),
    "queueing.rule_save": _("设置潮汐窗口规则"),
    "queueing.template_set": _("设置预约时段模板"),
    "queueing.tidal_close": _("潮汐窗口恢复原业务"),
    "queueing.tidal_open": _("开启潮汐窗口"),
    "queueing.window_groups_set": _("设置窗口业务分组"),
    "registry.export": _("导出登记簿"),
    "reports.assessment_export": _("导出考评表"),
    "reports.bulletin_download": _("下载日通报"),
    "surveys.submission_create": _("提交一表"),
    "surveys.template_create": _("新建一表模板"),
    "surveys.version_publish": _("发布一表版本"),
    "territory.import": _("导入辖区"),
    "territory.import.create": _("导入新增辖区"),
    "territory.import.update": _("导入更新辖区"),
    "territory.outline_update": _("修改辖区边界"),
    "volunteers.activity_create": _("登记志愿服务活动"),
    "volunteers.check_in": _("志愿者到岗签到"),
    "volunteers.hours_confirm": _("确认服务时长"),
    "volunteers.hours_record": _("登记服务时长"),
    "volunteers.hours_reject": _("不予确认服务时长"),
    "volunteers.post_create": _("新建志愿岗位"),
    "volunteers.post_update": _("修改志愿岗位"),
    "volunteers.report_create": _("志愿者反映问题"),
    "volunteers.reveal_phone": _("查看志愿者完整手机号"),
    "volunteers.role_create": _("新建志愿者角色"),
    "volunteers.role_update": _("修改志愿者角色"),
    "volunteers.slot_create": _("志愿岗位排班"),
    "volunteers.slot_remove": _("删除志愿岗位排班"),
    "volunteers.team_create": _("新建志愿服务队"),
    "volunteers.team_update": _("修改志愿服务队"),
    "volunteers.volunteer_create": _("登记志愿者"),
    "volunteers.volunteer_leave": _("志愿者退出"),
    "volunteers.volunteer_update": _("修改志愿者"),
    "web.saved_view_create": _("保存筛选视图"),
    "cogovernance.assignment_end": _("结束分包责任"),
    "cogovernance.meeting_record": _("记录共商会议"),
    "cogovernance.property_register": _("登记红色物业"),
    "cogovernance.review_record": _("记录述职评议"),
    "cogovernance.staff_add": _("登记亮牌服务人员"),
    "cogovernance.staff_remove": _("亮牌服务人员离岗"),
    "cogovernance.task_add": _("新增落实事项"),
    "cogovernance.task_cancel": _("撤销落实事项"),
    "cogovernance.task_complete": _("办结落实事项"),
    "cogovernance.task_reopen": _("重新落实事项"),
    "party.cadre_assign": _("设置干部包片"),
    "party.member_change": _("修改党员职务或在册"),
    "party.member_enrol": _("登记党员"),
    "party.steward_assign": _("设置红色管家"),
    "web.saved_view_delete": _("删除筛选视图"),
    "workcalendar.day_remove": _("删除日历调整"),
    "workcalendar.day_set": _("设置工作日或假日"),
    "workcalendar.seed": _("初始化工作日历"),
    "workcalendar.year_set": _("设置全年日历"),
    "workorders.attachment_add": _("添加工单附件"),
    "workorders.attachments_add": _("随办理步骤上传附件"),
    "workorders.caller_history": _("查询来电人历史诉求"),
    "workorders.reveal_reporter_phone": _("查看诉求人完整电话"),
    "workforce.assignment_create": _("任命五长一员"),
    "workforce.assignment_end": _("五长一员离任"),
    "workforce.ladder_settle": _("阶梯等级评定"),
    "workforce.profile_save": _("保存网格员档案"),
    "workforce.record_create": _("登记奖惩与表彰"),
    "workforce.sunk_assign": _("安排下沉人员"),
    "workforce.sunk_end": _("结束下沉"),
    "workforce.task_assign": _("交办专项任务"),
}

# The last word of a code not listed above, as the fallback names it (longest ending first).
_WHAT_LABELS: tuple[tuple[str, Any], ...] = (
    ("export_revealed", _("导出（含完整信息）")),
    ("export", _("导出")),
    ("import", _("导入")),
    ("create", _("新建")),
    ("update", _("修改")),
    ("delete", _("删除")),
    ("remove", _("删除")),
    ("publish", _("发布")),
    ("revoke", _("注销")),
    ("reveal", _("查看完整信息")),
    ("download", _("下载")),
    ("generate", _("生成")),
    ("escalate", _("升级")),
    ("remind", _("催办")),
    ("send", _("发送")),
)
OTHER_ACTION = _("其他操作")


def action_label(code: str) -> str:
    """The Chinese name of an audit action code; never the code itself."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    area, _dot, what = code.partition(".")
    area_label = AREA_LABELS.get(area)
    what_label = next((label for end, label in _WHAT_LABELS if what.endswith(end)), None)
    if area_label is not None and what_label is not None:
        return f"{area_label}：{what_label}"
    step = _workflow_step_label(what)  # a step of a declared workflow, e.g. hazards.<step>
    if area_label is not None and step is not None:
        return f"{area_label}：{step}"
    if area_label is not None:
        return f"{area_label}：{OTHER_ACTION}"
    return str(OTHER_ACTION)


def _workflow_step_label(name: str) -> str | None:
    from wangge.core.workflow import REGISTRY

    for wf in REGISTRY.workflows.values():
        label = wf.labels().get(name)
        if label is not None:
            return str(label)
    return None


def object_type_label(app_label: str, model: str) -> str:
    """The Chinese name of the kind of object an entry is about (the model's verbose name)."""
    from django.apps import apps

    if not app_label or not model:
        return ""
    try:
        return str(apps.get_model(app_label, model)._meta.verbose_name)
    except LookupError:
        return str(OTHER_ACTION)
