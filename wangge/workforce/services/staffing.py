"""五长一员, grid workers' profiles and 下沉 staff: who holds which role where, for how long."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit, User
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, ValidationFailed
from wangge.ledgers.models import Building
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workforce import conf
from wangge.workforce.choices import Route, WorkerKind
from wangge.workforce.errors import ErrorCode
from wangge.workforce.models import RoleAssignment, SunkStaff, WorkerProfile, WorkforceRole
from wangge.workforce.services.common import check_period, require_keeper, text, visible_grid

DEFAULT_ROLES: list[tuple[str, str, str, bool, int]] = [
    # key, name, level, is the grid worker (一员), ordering
    ("grid_head", "网格长", TerritoryKind.GRID, False, 10),
    ("building_head", "楼栋长", TerritoryKind.BUILDING, False, 20),
    ("unit_head", "单元长", TerritoryKind.BUILDING, False, 30),
    ("party_group_head", "党小组长", TerritoryKind.GRID, False, 40),
    ("property_head", "物业长", TerritoryKind.GRID, False, 50),
    ("grid_worker", "网格员", TerritoryKind.GRID, True, 60),
]


def default_roles_seed() -> int:
    """The default roles of 五长一员 (the district renames or adds them in the admin). Returns how many were new."""
    created = 0
    for key, name, level, worker, ordering in DEFAULT_ROLES:
        _role, new = WorkforceRole.objects.get_or_create(
            key=key, defaults={"name": name, "level": level, "is_grid_worker": worker, "ordering": ordering}
        )
        created += int(new)
    return created


def assignment_create(
    *,
    actor: ActorLike,
    role: WorkforceRole,
    grid: Territory | int,
    user: User | None = None,
    name: str = "",
    phone: str = "",
    building: Building | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    is_synthetic: bool = False,
) -> RoleAssignment:
    """Appoint someone to a role of 五长一员 on a grid — a staff account, or a resident named with a phone. A
    role held on buildings names one building of the grid. Community and street staff over the grid."""
    require(actor)
    node = visible_grid(actor, grid)
    require_keeper(actor, node)
    code = ErrorCode.INVALID_ASSIGNMENT
    if not role.is_active:
        raise ValidationFailed(_("该角色已停用"), code=ErrorCode(code), details=[{"field": "role"}])
    if role.level == TerritoryKind.BUILDING and building is None:
        raise ValidationFailed(_("请选择楼栋"), code=ErrorCode(code), details=[{"field": "building"}])
    if building is not None and building.grid_id != node.pk:
        raise ValidationFailed(_("楼栋不在该网格内"), code=ErrorCode(code), details=[{"field": "building"}])
    person = text(name or (str(user) if user is not None else ""), "name", 50, code, required=True)
    phone_text = text(phone, "phone", 32, code)
    start = start_date or timezone.localdate()
    check_period(start, end_date, code)
    with transaction.atomic():
        a = RoleAssignment.objects.create(
            role=role,
            grid=node,
            building=building if role.level == TerritoryKind.BUILDING else None,
            user=user,
            name=person,
            phone=phone_text,
            phone_index=blind_index(phone_text) if phone_text else "",
            start_date=start,
            end_date=end_date,
            note=text(note, "note", 200, code),
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="workforce.assignment_create", obj=a, after=audit.snapshot(a))
    return a


def assignment_end(*, actor: ActorLike, assignment: RoleAssignment | int, end_date: dt.date) -> RoleAssignment:
    """离任: end an appointment on a day."""
    require(actor)
    pk = assignment.pk if isinstance(assignment, RoleAssignment) else int(assignment)
    with transaction.atomic():
        visible: QuerySet[RoleAssignment] = RoleAssignment.objects.restrict(actor)
        qs = visible.select_for_update(of=("self",)).select_related("grid")
        found: RoleAssignment | None = qs.filter(pk=pk).first()
        if found is None:
            raise NotFound(_("任职记录不存在"), code=ErrorCode.NOT_FOUND)
        require_keeper(actor, found.grid)
        check_period(found.start_date, end_date, ErrorCode.INVALID_ASSIGNMENT)
        before = audit.snapshot(found)
        found.end_date = end_date
        found.save(update_fields=["end_date", "updated_at"])
        audit.record(
            actor=actor, action="workforce.assignment_end", obj=found, before=before, after=audit.snapshot(found)
        )
    return found


def profile_save(
    *,
    actor: ActorLike,
    user: User,
    grid: Territory | int,
    kind: str = WorkerKind.FULL_TIME,
    route: str = "",
    start_date: dt.date | None = None,
    ladder_level: int | None = None,
    is_active: bool = True,
    note: str = "",
    is_synthetic: bool = False,
) -> WorkerProfile:
    """Create or change a grid worker's profile (专职/兼职, recruitment route, start date). The ladder level is set
    here only when the profile is new (an initial level); afterwards only the ladder settlement moves it."""
    require(actor)
    node = visible_grid(actor, grid)
    require_keeper(actor, node)
    code = ErrorCode.INVALID_PROFILE
    if kind not in WorkerKind.values:
        raise ValidationFailed(_("专兼职不正确"), code=ErrorCode(code), details=[{"field": "kind"}])
    if route and route not in Route.values:
        raise ValidationFailed(_("招录途径不正确"), code=ErrorCode(code), details=[{"field": "route"}])
    level = int(ladder_level or 1)
    if not 1 <= level <= conf.top_level():
        raise ValidationFailed(_("阶梯等级不正确"), code=ErrorCode(code), details=[{"field": "ladder_level"}])
    with transaction.atomic():
        profile = WorkerProfile.objects.select_for_update().filter(user=user).first()
        before = audit.snapshot(profile)
        if profile is None:
            profile = WorkerProfile(user=user, ladder_level=level, is_synthetic=is_synthetic)
        elif not WorkerProfile.objects.restrict(actor).filter(pk=profile.pk).exists():
            raise NotFound(_("找不到该网格员"), code=ErrorCode.NOT_FOUND)
        profile.grid = node
        profile.kind = kind
        profile.route = route
        profile.start_date = start_date
        profile.is_active = is_active
        profile.note = text(note, "note", 200, code)
        profile.save()
        audit.record(
            actor=actor, action="workforce.profile_save", obj=profile, before=before, after=audit.snapshot(profile)
        )
    return profile


def sunk_staff_assign(
    *,
    actor: ActorLike,
    grid: Territory | int,
    unit: Unit,
    name: str = "",
    user: User | None = None,
    duty: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    is_synthetic: bool = False,
) -> SunkStaff:
    """下沉: assign a member of a department or public-service company to a grid for a period."""
    require(actor)
    node = visible_grid(actor, grid)
    require_keeper(actor, node)
    code = ErrorCode.INVALID_SUNK_STAFF
    if unit.kind not in {UnitKind.DEPARTMENT, UnitKind.COMPANY} or not unit.is_active:
        raise ValidationFailed(
            _("下沉人员须来自职能部门或公共服务企业"), code=ErrorCode(code), details=[{"field": "unit"}]
        )
    if user is not None and user.unit_id not in (None, unit.pk):
        raise ValidationFailed(_("该人员不属于派出单位"), code=ErrorCode(code), details=[{"field": "user"}])
    person = text(name or (str(user) if user is not None else ""), "name", 50, code, required=True)
    start = start_date or timezone.localdate()
    check_period(start, end_date, code)
    with transaction.atomic():
        s = SunkStaff.objects.create(
            grid=node,
            unit=unit,
            user=user,
            name=person,
            duty=text(duty, "duty", 100, code),
            start_date=start,
            end_date=end_date,
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="workforce.sunk_assign", obj=s, after=audit.snapshot(s))
    return s


def sunk_staff_end(*, actor: ActorLike, staff: SunkStaff | int, end_date: dt.date) -> SunkStaff:
    """End a 下沉 assignment on a day (the member leaves the grid's 下沉力量 after it)."""
    require(actor)
    pk = staff.pk if isinstance(staff, SunkStaff) else int(staff)
    with transaction.atomic():
        visible: QuerySet[SunkStaff] = SunkStaff.objects.restrict(actor)
        found: SunkStaff | None = visible.select_for_update(of=("self",)).select_related("grid").filter(pk=pk).first()
        if found is None:
            raise NotFound(_("下沉记录不存在"), code=ErrorCode.NOT_FOUND)
        require_keeper(actor, found.grid)
        check_period(found.start_date, end_date, ErrorCode.INVALID_SUNK_STAFF)
        before = audit.snapshot(found)
        found.end_date = end_date
        found.save(update_fields=["end_date", "updated_at"])
        audit.record(actor=actor, action="workforce.sunk_end", obj=found, before=before, after=audit.snapshot(found))
    return found
