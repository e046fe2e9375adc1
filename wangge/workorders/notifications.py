"""Who hears about what happened to a case. Called inside the transition's transaction; delivery is after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from wangge.accounts.choices import Role
from wangge.accounts.models import Unit, User
from wangge.notifications.selectors import sms_subscribers
from wangge.notifications.services import notify, sms_send
from wangge.workorders.models import WorkOrder


def unit_members(unit_id: int | None) -> Iterable[User]:
    if unit_id is None:
        return User.objects.none()
    return User.objects.filter(Q(unit_id=unit_id) | Q(grants__unit_id=unit_id), is_active=True).distinct()


def role_holders_over(path: str, roles: Iterable[str]) -> Iterable[User]:
    """Users holding one of ``roles`` on a node whose subtree contains ``path``."""
    prefixes = [path[:i] for i in range(4, len(path) + 1, 4)]
    return User.objects.filter(
        is_active=True, grants__role__in=list(roles), grants__territory__path__in=prefixes
    ).distinct()


def _send(wo: WorkOrder, what: str, subject: str, recipients: Iterable[Any], body: str = "") -> None:
    notify(
        key=f"wo:{wo.pk}:v{wo.version}:{what}",
        subject=subject,
        body=body or wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=recipients,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )


def recipients(group: str, wo: WorkOrder) -> list[Any]:
    """The users of a notice's recipient group (``workflow.TO_*``)."""
    from wangge.workorders import workflow

    if group == workflow.TO_UNIT:
        return list(unit_members(wo.assigned_unit_id))
    if group == workflow.TO_DISPATCHERS:
        return list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    if group == workflow.TO_UNIT_OR_DISPATCHERS:
        # Not (or no longer) with a unit, e.g. a card on a case still awaiting dispatch: the dispatchers hear.
        return recipients(workflow.TO_UNIT, wo) or recipients(workflow.TO_DISPATCHERS, wo)
    raise ValueError(f"unknown recipient group {group!r}")


def on_transition(wo: WorkOrder, name: str) -> None:
    """The notice the step declares in the table (``workflow.WORKFLOW``), if any, to its recipient groups."""
    from wangge.workorders.workflow import WORKFLOW

    on_public_step(wo, name)  # the citizen's text message, if the step is one they hear about
    if name in TAKEN_AWAY:
        on_taken_away(wo, name)
    notice = WORKFLOW.notices(WORKFLOW[name], wo)
    if notice is None:
        return
    people: list[Any] = []
    for group in notice.to:
        people += recipients(group, wo)
    _send(wo, name, str(notice.subject).format(code=wo.tracking_code), people)


# Steps that take a case away from a unit before it accepted: the event's key naming that unit.
TAKEN_AWAY = {"redispatch": "from_unit", "recall": "unit"}


def on_taken_away(wo: WorkOrder, name: str) -> None:
    """改派 / 撤回: the unit that had the case hears it need not accept it any more (the new unit hears through
    the step's own notice)."""
    event = wo.events.filter(name=name).order_by("-at", "-id").first()
    code = event.data.get(TAKEN_AWAY[name]) if event is not None else None
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is None:
        return
    if name == "redispatch":
        subject = gettext("工单 %(code)s 已改派至其他单位，本单位无需签收")
    else:
        subject = gettext("工单 %(code)s 已由指挥中心撤回，本单位无需签收")
    notify(
        key=f"wo:{wo.pk}:v{wo.version}:{name}:former",
        subject=subject % {"code": wo.tracking_code},
        body=f"{wo.title}\n{event.note}" if event is not None and event.note else wo.title,
        link="/workbench/",
        recipients=unit_members(unit.pk),
        territory_path=wo.scope_path,
        unit_id=unit.pk,
    )


def on_filed_into_grid(wo: WorkOrder, filer: Any) -> None:
    """A staff member filed a case into a grid that is not theirs: the grid's own workers and leader hear."""
    assert wo.grid_id is not None
    grid_staff = User.objects.filter(
        is_active=True,
        grants__role__in=[Role.GRID_WORKER, Role.GRID_LEADER],
        grants__territory_id=wo.grid_id,
    ).exclude(pk=filer.pk)
    subject = gettext("%(filer)s 在本网格登记了工单 %(code)s") % {"filer": filer, "code": wo.tracking_code}
    _send(wo, "filed", subject, grid_staff.distinct())


def on_deadline(wo: WorkOrder, what: str) -> None:
    """``what`` is "approaching" or "overdue"; sent once per step run and deadline (the key carries the step
    start and its deadline, so a deadline moved by an extension or a pause is warned about again)."""
    start = f"{wo.step_started_at:%Y%m%d%H%M%S}" if wo.step_started_at else "none"
    due = f"{wo.step_due_at:%Y%m%d%H%M%S}" if wo.step_due_at else "none"
    stamp = f"{start}:{due}"
    label = gettext("即将超期") if what == "approaching" else gettext("已超期")
    recipients: list[Any] = list(unit_members(wo.assigned_unit_id)) if wo.assigned_unit_id else []
    if not recipients or what == "overdue":
        recipients += list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
    notify(
        key=f"wo:{wo.pk}:{stamp}:{what}",
        subject=gettext("工单 %(code)s %(what)s（%(status)s）")
        % {"code": wo.tracking_code, "what": label, "status": wo.get_status_display()},
        body=wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=recipients,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )


def on_escalation(wo: WorkOrder, step: Any, people: Iterable[Any]) -> None:
    """催办 / 黄牌 / 红牌 (``workorders.escalation``): the step's recipients hear once per step run, deadline and
    level. A step at the warning instant or at the deadline shares its key with the deadline notice of that
    moment (``on_deadline``), so whoever was told by it is not told twice."""
    start = f"{wo.step_started_at:%Y%m%d%H%M%S}" if wo.step_started_at else "none"
    due = f"{wo.step_due_at:%Y%m%d%H%M%S}" if wo.step_due_at else "none"
    what = {"warn": "approaching", 0: "overdue"}.get(step.after, f"escalation{step.level}")
    notify(
        key=f"wo:{wo.pk}:{start}:{due}:{what}",
        subject=gettext("工单 %(code)s %(name)s（%(status)s）")
        % {"code": wo.tracking_code, "name": step.name, "status": wo.get_status_display()},
        body=wo.title,
        link=f"/cases/{wo.pk}/",
        recipients=people,
        territory_path=wo.scope_path,
        unit_id=wo.assigned_unit_id,
    )


# --- the citizen: a text message at each public step (受理, 派遣, 答复, 办结/回访, 结案, 差评整改) ---------------


def case_topic(wo: WorkOrder) -> str:
    """The SMS topic of a case: those who added their voice (我也反映) subscribe to it."""
    return f"work_order:{wo.pk}"


def tracking_url(code: str) -> str:
    """The public tracking page of a case, as a full address a text message can carry."""
    from django.conf import settings
    from django.urls import reverse

    base = str(getattr(settings, "WANGGE_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + reverse("web:track_detail", args=[code])


def _excerpt(text: str, limit: int = 60) -> str:
    from wangge.core.masking import masked_excerpt

    return masked_excerpt(" ".join((text or "").split()), limit)


def citizen_text(wo: WorkOrder, name: str) -> str | None:
    """What the citizen reads after step ``name`` ("create" for 受理), or None when the step is not theirs."""
    code, url = wo.tracking_code, tracking_url(wo.tracking_code)
    if name == "create":
        return gettext("您反映的问题已受理，查询码 %(code)s，可随时查看办理进度：%(url)s") % {"code": code, "url": url}
    if name == "dispatch":
        unit = wo.assigned_unit.name if wo.assigned_unit_id and wo.assigned_unit else gettext("承办单位")
        due = ""
        if wo.due_at:
            from django.utils import timezone

            due = gettext("，承诺于%(date)s前办结") % {"date": f"{timezone.localtime(wo.due_at):%m月%d日}"}
        return gettext("您反映的问题（查询码 %(code)s）已转交%(unit)s处理%(due)s。进度：%(url)s") % {
            "code": code,
            "unit": unit,
            "due": due,
            "url": url,
        }
    if name in {"reply", "resolve_on_site"}:
        return gettext("您反映的问题（查询码 %(code)s）已有办理结果：%(reply)s 详情：%(url)s") % {
            "code": code,
            "reply": _excerpt(wo.reply_text),
            "url": url,
        }
    if name == "verify_pass":
        from wangge.workorders.choices import Status

        if wo.status != Status.CALLBACK:
            return None
        return gettext("您反映的问题（查询码 %(code)s）已办结，请对办理结果进行评价：%(url)s") % {
            "code": code,
            "url": url,
        }
    if name == "close":
        return gettext("您反映的问题（查询码 %(code)s）已结案，感谢您的参与。详情：%(url)s") % {
            "code": code,
            "url": url,
        }
    return None


def _too_old(at: Any) -> bool:
    """A step recorded with an instant more than ``WANGGE_SMS_MAX_AGE_HOURS`` ago (back-dated: the demo's history,
    a migration of old cases) is not texted; 0 turns the rule off."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    hours = float(getattr(settings, "WANGGE_SMS_MAX_AGE_HOURS", 24) or 0)
    return bool(hours and at is not None and at < timezone.now() - dt.timedelta(hours=hours))


def _text_citizens(wo: WorkOrder, what: str, text: str, at: Any) -> None:
    """Text the reporter and the case's subscribers, once per step run (the key carries the case's version)."""
    from wangge.core.crypto import blind_index

    if _too_old(at):
        return
    for phone in dict.fromkeys([wo.reporter_phone or "", *sms_subscribers(case_topic(wo))]):
        if phone:
            key = f"sms:wo:{wo.pk}:v{wo.version}:{what}:{blind_index(phone)[:16]}"
            sms_send(key=key, phone=phone, text=text, topic=case_topic(wo))


def on_public_step(wo: WorkOrder, name: str) -> None:
    """The citizen's notice of a step, if it is one they hear about; a 差评 also tells them of the
    rectification case it opened (with that case's own code)."""
    text = citizen_text(wo, name)
    if text is None and name != "callback":
        return
    at = wo.events.order_by("-at", "-id").values_list("at", flat=True).first()
    if text:
        _text_citizens(wo, name, text, at)
    if name == "callback":
        from wangge.workorders.choices import Relation

        child = wo.children.filter(relation=Relation.RECTIFICATION).order_by("-pk").first()
        if child is not None:
            _text_citizens(
                child,
                "rectification",
                gettext("您对问题（查询码 %(code)s）的评价已收到，已立整改工单 %(child)s 重新办理。进度：%(url)s")
                % {"code": wo.tracking_code, "child": child.tracking_code, "url": tracking_url(child.tracking_code)},
                at,
            )


def on_created(wo: WorkOrder) -> None:
    """受理: the reporter hears that their appeal was registered, with its code (after commit)."""
    text = citizen_text(wo, "create")
    if text:
        _text_citizens(wo, "create", text, wo.received_at)
