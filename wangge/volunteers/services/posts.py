"""Posts, rosters and on-post check-ins.

A post (护学岗 at a school gate — on the school's registry point when there is one — or a traffic post) is placed
by its position in the territory; managers over its grid keep it and its roster (who stands when: a date and a
time window). A volunteer checks in on their own slot from the phone (the citizen pages, under the number they
verified) with the phone's position, from ``conf.opens_before()`` before the slot's start to its end; staff
registrars over the post may check a volunteer in on their behalf. Late (after ``conf.late_after()``), far
from the post (beyond ``conf.post_radius_m()``) and without a position are flags, never refusals — like the
inspection rounds, whose distance helper measures here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_citizen, is_system, label_of, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.geo import to_wgs84
from wangge.inspections.services.rounds import distance_m
from wangge.territory import locator
from wangge.volunteers import conf
from wangge.volunteers.choices import PostKind, VolunteerStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import CheckIn, Post, RosterSlot, Team, Volunteer
from wangge.volunteers.selectors import slot_window
from wangge.volunteers.services.common import problem, refuse, require_manage, require_register

__all__ = ["check_in_record", "post_save", "roster_slot_add", "roster_slot_remove"]


def _place(lng: Any, lat: Any, crs: str = "wgs84") -> tuple[float, float]:
    try:
        x, y = float(lng), float(lat)
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise ValueError
        return to_wgs84(x, y, crs or "wgs84")
    except (TypeError, ValueError):
        raise refuse([problem("location", ErrorCode.INVALID_POSITION, _("定位坐标不正确"))]) from None


def post_save(
    *,
    actor: ActorLike,
    post: Post | None = None,
    code: str,
    name: str,
    kind: str = PostKind.SCHOOL,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    point: Any = None,
    address: str = "",
    team: Team | None = None,
    usual_hours: str = "",
    is_active: bool = True,
    is_synthetic: bool = False,
) -> Post:
    """Create or change a post. Its position is the point's when a registry point is given without coordinates;
    it lands in the grid (or the deepest node) holding it. Managers over that node (and over the old one)."""
    require(actor)
    if point is not None and (lng is None or lat is None):
        lng, lat, crs = point.lng, point.lat, "wgs84"
        address = address or point.address or point.name
    problems = []
    if not code.strip() or not name.strip():
        problems.append(problem("name", ErrorCode.INVALID_POST, _("请填写岗位编码和名称")))
    if kind not in PostKind.values:
        problems.append(problem("kind", ErrorCode.INVALID_POST, _("岗位类型不正确")))
    if lng is None or lat is None:
        problems.append(problem("location", ErrorCode.INVALID_POST, _("请在地图上点选岗位位置或填写经纬度")))
    if problems:
        raise refuse(problems)
    x, y = _place(lng, lat, crs)
    node = locator.locate(x, y)
    if node is None:
        raise refuse([problem("location", ErrorCode.INVALID_POST, _("该位置不在本平台任何辖区内"))])
    node = locator.grid_of(node) or node
    require_manage(actor, node.path)
    with transaction.atomic():
        before = None
        if post is not None:
            post = Post.objects.select_for_update().select_related("territory").get(pk=post.pk)
            require_manage(actor, post.territory.path)
            before = audit.snapshot(post)
        elif Post.objects.filter(code=code.strip()).exists():
            raise refuse([problem("code", ErrorCode.INVALID_POST, _("岗位编码已存在"))])
        post = post or Post(code=code.strip())
        post.name, post.kind, post.point, post.lng, post.lat = name.strip()[:120], kind, point, x, y
        post.address, post.territory, post.team = address.strip()[:200], node, team
        post.usual_hours, post.is_active = usual_hours.strip()[:100], is_active
        post.is_synthetic = is_synthetic or post.is_synthetic
        post.save()
        audit.record(
            actor=actor,
            action="volunteers.post_update" if before else "volunteers.post_create",
            obj=post,
            before=before,
            after=audit.snapshot(post),
            only_changes=before is not None,
        )
    return post


def roster_slot_add(
    *,
    actor: ActorLike,
    post: Post,
    volunteer: Volunteer,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    note: str = "",
) -> RosterSlot:
    """Put a volunteer on a post's roster for a window (managers over the post)."""
    require(actor)
    require_manage(actor, post.territory.path)
    if end_time <= start_time:
        raise refuse([problem("end_time", ErrorCode.INVALID_SLOT, _("下岗时间须晚于上岗时间"))])
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationFailed(_("该志愿者已退出"), code=ErrorCode.VOLUNTEER_LEFT)
    try:
        with transaction.atomic():
            slot = RosterSlot.objects.create(
                post=post, volunteer=volunteer, date=date, start_time=start_time, end_time=end_time, note=note[:200]
            )
            audit.record(actor=actor, action="volunteers.slot_create", obj=slot, after=audit.snapshot(slot))
    except IntegrityError:
        raise Conflict(_("该志愿者在此时段已排班"), code=ErrorCode.SLOT_TAKEN) from None
    return slot


def roster_slot_remove(*, actor: ActorLike, slot: RosterSlot) -> None:
    """Take a slot off the roster (managers over the post); a slot already checked in stays."""
    require(actor)
    require_manage(actor, slot.post.territory.path)
    with transaction.atomic():
        locked = RosterSlot.objects.select_for_update().filter(pk=slot.pk).first()
        if locked is None:
            raise NotFound(_("排班不存在"), code=ErrorCode.INVALID_SLOT)
        if CheckIn.objects.filter(slot=locked).exists():
            raise Conflict(_("已签到的排班不能删除"), code=ErrorCode.CHECKED_IN_ALREADY)
        audit.record(actor=actor, action="volunteers.slot_remove", obj=locked, before=audit.snapshot(locked))
        locked.delete()


def _may_check_in(actor: Any, slot: RosterSlot, volunteer: Volunteer | None) -> None:
    if is_system(actor):
        return
    if is_citizen(actor):
        if volunteer is None or volunteer.pk != slot.volunteer_id:
            raise PermissionDenied(_("只能在本人的排班上签到"), code=ErrorCode.NOT_OWN_SLOT)
        return
    require_register(actor, slot.post.territory.path)


def check_in_record(
    *,
    actor: ActorLike,
    slot: RosterSlot | int,
    volunteer: Volunteer | None = None,
    lng: Any = None,
    lat: Any = None,
    crs: str = "wgs84",
    accuracy: Any = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """到岗签到 on a slot. ``volunteer`` is who a citizen actor verified to be (they check in on their own slot);
    a staff actor checks the slot's volunteer in on their behalf. Raises NotFound, PermissionDenied
    (``not_own_slot``), Conflict (``check_in_closed``, ``checked_in_already``) and ValidationFailed."""
    require(actor)
    at = now or timezone.now()
    pk = slot.pk if isinstance(slot, RosterSlot) else int(slot)
    with transaction.atomic():
        s = (
            RosterSlot.objects.select_for_update(of=("self",))
            .select_related("post", "post__territory", "volunteer")
            .filter(pk=pk)
            .first()
        )
        if s is None:
            raise NotFound(_("排班不存在"), code=ErrorCode.INVALID_SLOT)
        _may_check_in(actor, s, volunteer)
        if s.volunteer.status != VolunteerStatus.ACTIVE:
            raise ValidationFailed(_("该志愿者已退出"), code=ErrorCode.VOLUNTEER_LEFT)
        if CheckIn.objects.filter(slot=s).exists():
            raise Conflict(_("该班次已签到"), code=ErrorCode.CHECKED_IN_ALREADY)
        start, end = slot_window(s)
        if not (start - conf.opens_before() <= at <= end):
            raise Conflict(
                _("不在签到时间内（上岗前 %(m)s 分钟至下岗时间）")
                % {"m": int(conf.opens_before().total_seconds() // 60)},
                code=ErrorCode.CHECK_IN_CLOSED,
            )
        late_by = at - start
        c = CheckIn(
            slot=s,
            post=s.post,
            volunteer=s.volunteer,
            at=at,
            is_late=late_by > conf.late_after(),
            late_minutes=max(0, int(late_by.total_seconds() // 60)),
            recorded_by=user_of(actor),
            recorded_by_name=(s.volunteer.name if is_citizen(actor) else label_of(actor))[:150],
        )
        if lng in (None, "") or lat in (None, ""):
            c.no_position = True
        else:
            c.lng, c.lat = _place(lng, lat, crs)
            c.distance_m = round(distance_m(c.lng, c.lat, s.post.lng, s.post.lat), 1)
            c.far_from_post = c.distance_m > conf.post_radius_m()
        try:
            c.accuracy_m = round(float(accuracy), 1) if accuracy not in (None, "") else None
        except (TypeError, ValueError):
            c.accuracy_m = None
        c.save()
        audit.record(
            actor=actor,
            action="volunteers.check_in",
            obj=c,
            after={
                "slot": s.pk,
                "late": c.is_late,
                "distance_m": c.distance_m,
                "far_from_post": c.far_from_post,
                "no_position": c.no_position,
            },
            only_changes=False,
        )
    return c
