"""Issuing a warning and the steps of its declared workflow: ``warning_issue`` (发布) and ``warning_transition``
(升级, 降级, 解除), the only code that changes a warning's status or level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.emergency.choices import LEVEL_ORDER, HazardType, Level, WarningStatus
from wangge.emergency.errors import ErrorCode
from wangge.emergency.models import STEP, Warning, WarningArea
from wangge.emergency.services.common import actions_for, event, insert_with_code
from wangge.emergency.workflow import COMMAND, WORKFLOW
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

MAX_TEXT = 2000


def common_path(paths: Iterable[str]) -> str:
    """The path of the deepest node above (or at) every one of ``paths``."""
    items = list(paths)
    if not items:
        return ""
    out = items[0]
    for p in items[1:]:
        n = 0
        while n + STEP <= min(len(out), len(p)) and out[n : n + STEP] == p[n : n + STEP]:
            n += STEP
        out = out[:n]
    return out


def _nodes(actor: Any, values: Iterable[Any]) -> list[Territory]:
    wanted = list(values)
    if not wanted:
        raise ValidationFailed(
            _("请选择预警范围"), code=ErrorCode.SCOPE_REQUIRED, details=[{"field": "nodes", "reason": "required"}]
        )
    visible = Territory.objects.all() if is_system(actor) else Territory.objects.restrict(actor)
    found: dict[int, Territory] = {}
    for value in wanted:
        if isinstance(value, Territory):
            node = visible.filter(pk=value.pk).first()
        elif isinstance(value, int):
            node = visible.filter(pk=value).first()
        else:
            node = visible.filter(code=str(value).strip()).first()
        if node is None or node.kind == TerritoryKind.BUILDING:
            raise ValidationFailed(
                _("预警范围不存在：%(node)s") % {"node": value},
                code=ErrorCode.SCOPE_FORBIDDEN,
                details=[{"field": "nodes", "reason": "not_found"}],
            )
        if not permissions.has_role_over(actor, COMMAND, node.path):
            raise PermissionDenied(_("无权对%(node)s发布预警") % {"node": node.name}, code=ErrorCode.SCOPE_FORBIDDEN)
        found[node.pk] = node
    # A node inside another one named adds nothing.
    nodes = sorted(found.values(), key=lambda n: n.path)
    return [n for n in nodes if not any(n.path.startswith(o.path) and n.pk != o.pk for o in nodes)]


def warning_issue(
    *,
    actor: Any,
    hazard_type: str,
    level: str,
    text: str,
    nodes: Iterable[Any],
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    is_synthetic: bool = False,
    fan_out: bool = True,
) -> Warning:
    """发布: a warning of ``hazard_type`` at ``level`` over ``nodes`` (territory nodes, ids or codes; each covers
    its subtree). Only the command centre over every node may issue (dispatcher, leader, admin). After commit,
    the fan-out task writes one delivery per recipient and sends them (``emergency.tasks``).

    Raises ValidationFailed (400) for a wrong type, level, text or validity, PermissionDenied (403)."""
    require(actor)
    at = now or timezone.now()
    problems: list[dict[str, Any]] = []
    if hazard_type not in HazardType.values:
        problems.append({"field": "hazard_type", "reason": _("预警类型不正确")})
    if level not in Level.values:
        problems.append({"field": "level", "reason": _("预警级别不正确")})
    body = str(text or "").strip()
    if not body:
        problems.append({"field": "text", "reason": _("请填写预警内容")})
    elif len(body) > MAX_TEXT:
        problems.append({"field": "text", "reason": _("不能超过 %(n)s 个字") % {"n": MAX_TEXT}})
    start = valid_from or at
    if valid_until is not None and valid_until <= start:
        problems.append({"field": "valid_until", "reason": _("有效期须晚于生效时间")})
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode.INVALID_WARNING, details=problems)
    chosen = _nodes(actor, nodes)
    with transaction.atomic():
        warning = Warning(
            hazard_type=hazard_type,
            level=level,
            text=body,
            actions=actions_for(hazard_type, level),
            scope_path=common_path(n.path for n in chosen),
            valid_from=start,
            valid_until=valid_until,
            issued_at=at,
            issued_by=user_of(actor),
            issued_by_name=label_of(actor)[:150],
            revised_at=at,
            is_synthetic=is_synthetic,
        )
        insert_with_code(warning, at)
        WarningArea.objects.bulk_create([WarningArea(warning=warning, node=n, path=n.path) for n in chosen])
        event(warning, "issue", actor, at, data={"nodes": [n.code for n in chosen], "level": level})
        audit.record(actor=actor, action="emergency.warning_publish", obj=warning, after=audit.snapshot(warning))
        if fan_out:
            _fan_out_after_commit(warning)
    return warning


def _fan_out_after_commit(warning: Warning) -> None:
    from wangge.emergency.services import jobs

    pk, revision = warning.pk, warning.revision
    transaction.on_commit(lambda: jobs.warning_fan_out.enqueue(pk, revision))


# --- the steps --------------------------------------------------------------------------------------------

Handler = Callable[[Warning, dt.datetime, Mapping[str, Any]], dict[str, Any]]


def _new_level(w: Warning, p: Mapping[str, Any], higher: bool) -> str:
    level = str(p.get("new_level") or "")
    if level not in Level.values:
        raise ValidationFailed(_("预警级别不正确"), code=ErrorCode.INVALID_WARNING, details=[{"field": "new_level"}])
    if higher and LEVEL_ORDER[level] <= LEVEL_ORDER[w.level]:
        raise ValidationFailed(
            _("升级须高于当前级别（%(level)s）") % {"level": w.get_level_display()},
            code=ErrorCode.LEVEL_NOT_HIGHER,
            details=[{"field": "new_level"}],
        )
    if not higher and LEVEL_ORDER[level] >= LEVEL_ORDER[w.level]:
        raise ValidationFailed(
            _("降级须低于当前级别（%(level)s）") % {"level": w.get_level_display()},
            code=ErrorCode.LEVEL_NOT_LOWER,
            details=[{"field": "new_level"}],
        )
    return level


def _relevel(w: Warning, at: dt.datetime, level: str) -> dict[str, Any]:
    w.level = level
    w.revision += 1
    w.revised_at = at
    w.actions = actions_for(w.hazard_type, level)
    _fan_out_after_commit(w)
    return {"revision": w.revision}


def _upgrade(w: Warning, at: dt.datetime, p: Mapping[str, Any]) -> dict[str, Any]:
    return _relevel(w, at, _new_level(w, p, higher=True))


def _downgrade(w: Warning, at: dt.datetime, p: Mapping[str, Any]) -> dict[str, Any]:
    return _relevel(w, at, _new_level(w, p, higher=False))


def _lift(w: Warning, at: dt.datetime, p: Mapping[str, Any]) -> dict[str, Any]:
    from wangge.emergency.services import jobs

    w.lifted_at = at
    pk = w.pk
    transaction.on_commit(lambda: jobs.warning_lift_notice.enqueue(pk))
    return {}


HANDLERS: dict[str, Handler] = {"upgrade": _upgrade, "downgrade": _downgrade, "lift": _lift}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every warning step needs a handler"


def warning_transition(
    *,
    actor: Any,
    warning: Warning | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Warning:
    """Take step ``name`` (upgrade, downgrade, lift) of the declared workflow. Locks the row in the actor's scope,
    checks state (409), who acts (403) and the inputs (400), runs the step, settles the status and writes the
    history row (with the levels) and the audit entry. A level change starts a new round: everyone in scope is
    told again after commit and asked to acknowledge again.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = warning.pk if isinstance(warning, Warning) else int(warning)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Warning.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("预警不存在"), code=ErrorCode.WARNING_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status, from_level = locked.status, locked.level
        data = HANDLERS[name](locked, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(
            locked,
            name,
            actor,
            at,
            from_status=from_status,
            from_level=from_level,
            note=str(inputs.get("note") or "").strip(),
            data=data,
        )
        audit.record(actor=actor, action=f"emergency.{name}", obj=locked, before=before, after=audit.snapshot(locked))
    return locked


def is_active(w: Warning) -> bool:
    return w.status == WarningStatus.ACTIVE
