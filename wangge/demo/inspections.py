"""Demo data of 巡查体检: the default checklists, a schedule for 卫东区's 105 flood-season hazard points (daily in
the flood season 6/1–9/30, weekly otherwise, assigned to the grid worker on turn), and a flood-season week of
daily rounds on them.

Which week: the demo's "today" is the real date. When today lies in the flood season the week is the seven days
ending yesterday; otherwise it is the last seven days of the most recent flood season (9/24–9/30 of this year,
or of last year before June). The rounds of the current period are then made by the generator itself (today's
daily round in the season, this week's weekly round outside it), so every grid worker with a hazard point has a
round waiting on their phone.

Of the week's 735 rounds about 5 % are missed, 8 % submitted late and 5 % far from their point; ten have a
failed item, and those go through the real submission service (photos through the upload sanitiser, the work
order through the one intake service), the rest are bulk-inserted with their results. Everything is
deterministic (one ``random.Random`` seeded by the district code) and marked synthetic; the step is idempotent:
a week already seeded is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from wangge.core import audit
from wangge.demo.catalogue import WEIDONG
from wangge.inspections import conf
from wangge.inspections.choices import AssigneeRule, Frequency, ItemKind, RoundStatus
from wangge.inspections.models import ChecklistTemplate, Round, RoundResult, Schedule
from wangge.inspections.services import default_checklists_seed, round_submit, rounds_generate, schedule_save
from wangge.inspections.services.generation import _grid_workers, assignee_for
from wangge.inspections.services.rounds import distance_m
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

SEED = 4104030061
DAYS = 7
CASES = 10
MISSED, LATE, FAR = 0.05, 0.08, 0.05
SCHEDULE_NAME = "卫东区防汛隐患点巡查体检"
DEMO_WORKER = "demo_grid_worker"


def demo_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """The flood-season week the demo shows (see the module notes)."""
    if dt.date(today.year, 6, 1) + dt.timedelta(days=DAYS) <= today <= dt.date(today.year, 9, 30):
        end = today - dt.timedelta(days=1)
    elif today > dt.date(today.year, 9, 30):
        end = dt.date(today.year, 9, 30)
    else:
        end = dt.date(today.year - 1, 9, 30)
    return end - dt.timedelta(days=DAYS - 1), end


def _photo() -> ContentFile:  # type: ignore[type-arg]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 160)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="demo.jpg")


def _value(item: Any, rng: random.Random, fail: bool) -> Any:
    if item.kind == ItemKind.YES_NO:
        return not fail
    if item.kind == ItemKind.NUMBER:
        low = float(item.min_value) if item.min_value is not None else None
        high = float(item.max_value) if item.max_value is not None else None
        if fail:
            return (high * 1.8) if high is not None else max(0.0, (low or 1) * 0.4)
        if low is not None and high is not None:
            return round(rng.uniform(low, high), 1)
        if high is not None:
            return round(rng.uniform(0, high * 0.6), 1)
        return round((low or 0) + rng.uniform(0.5, 2.5), 1)
    if item.kind == ItemKind.TEXT:
        return "正常"
    return None


def _near(point: Point, rng: random.Random, far: bool) -> tuple[float, float]:
    metres = rng.uniform(300, 700) if far else rng.uniform(5, 90)
    angle = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(angle) / 111_320
    dlng = metres * math.sin(angle) / (111_320 * math.cos(math.radians(point.lat)))
    return round(point.lng + dlng, 7), round(point.lat + dlat, 7)


def inspections_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    created = default_checklists_seed(actor=actor)
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return created, 0
    hazard_types = list(PointType.objects.filter(is_hazard=True).order_by("ordering"))
    schedule = Schedule.objects.filter(name=SCHEDULE_NAME, territory=district).first()
    if schedule is None:
        schedule = schedule_save(
            actor=actor,
            territory=district,
            point_types=hazard_types,
            name=SCHEDULE_NAME,
            season_frequency=Frequency.DAILY,
            off_season_frequency=Frequency.WEEKLY,
            assignee_rule=AssigneeRule.RESPONSIBLE_USER,
        )
        Schedule.objects.filter(pk=schedule.pk).update(is_synthetic=True)
        created += 1
    created += _demo_responsible(actor=actor, district=district, hazard_types=hazard_types)
    start, end = demo_week(timezone.localdate())
    points = list(
        Point.objects.filter(territory__path__startswith=district.path, type__in=hazard_types, grid__isnull=False)
        .select_related("type", "grid")
        .order_by("code")
    )
    unchanged = 0
    if Round.objects.filter(is_synthetic=True, period_start__gte=start, period_start__lte=end).exists():
        unchanged = Round.objects.filter(is_synthetic=True, period_start__gte=start, period_start__lte=end).count()
    else:
        created += _seed_week(actor=actor, schedule=schedule, points=points, start=start)
    counts = rounds_generate(actor=actor, day=timezone.localdate(), is_synthetic=True)
    created += counts["created"]
    unchanged += counts["existing"]
    return created, unchanged


def _seed_week(*, actor: Any, schedule: Schedule, points: list[Point], start: dt.date) -> int:
    rng = random.Random(SEED)
    templates = {
        t.point_type_id: t for t in ChecklistTemplate.objects.filter(is_current=True).prefetch_related("items")
    }
    workers = _grid_workers({p.grid_id for p in points if p.grid_id})
    users = {u.pk: u for u in _users({uid for ids in workers.values() for uid in ids})}
    tz = timezone.get_current_timezone()
    plan: list[tuple[Round, dict[str, Any], bool]] = []
    for offset in range(DAYS):
        day = start + dt.timedelta(days=offset)
        due_at = dt.datetime.combine(day, conf.due_time(), tzinfo=tz)
        for p in points:
            template = templates.get(p.type_id)
            if template is None:
                continue
            assignee = assignee_for(schedule, p, day, workers)
            r = Round(
                point=p,
                grid=p.grid,
                schedule=schedule,
                template=template,
                frequency=Frequency.DAILY,
                period_start=day,
                period_end=day,
                due_at=due_at,
                closes_at=due_at + conf.grace(),
                assignee_id=assignee,
                is_synthetic=True,
            )
            draw = rng.random()
            if draw < MISSED or assignee is None:
                r.status = RoundStatus.MISSED
                plan.append((r, {}, False))
                continue
            late = draw < MISSED + LATE
            hour = rng.uniform(18.5, 23.5) if late else rng.uniform(8.0, 17.5)
            r.submitted_at = dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(hours=hour)
            r.is_late = late
            r.lng, r.lat = _near(p, rng, far=rng.random() < FAR)
            r.distance_m = round(distance_m(r.lng, r.lat, p.lng, p.lat), 1)
            r.far_from_point = r.distance_m > conf.max_distance_m()
            r.accuracy_m = round(rng.uniform(5, 30), 1)
            plan.append((r, {}, False))
    # The rounds with a failed item: spread over the week, through the real submission.
    done = [i for i, (r, _v, _f) in enumerate(plan) if r.submitted_at is not None]
    failing = set(random.Random(SEED + 1).sample(done, min(CASES, len(done))))
    bulk = [r for i, (r, _v, _f) in enumerate(plan) if i not in failing]
    with transaction.atomic():
        for r in bulk:
            if r.submitted_at is not None:
                r.status = RoundStatus.DONE
                user = users.get(r.assignee_id or 0)
                r.submitted_by_id = r.assignee_id
                r.submitted_by_name = (user.display_name or user.username) if user else ""
        Round.objects.bulk_create(bulk, batch_size=500)
        results: list[RoundResult] = []
        for r in bulk:
            if r.status != RoundStatus.DONE:
                continue
            for item in templates[r.point.type_id].items.all():
                value = _value(item, rng, fail=False)
                results.append(
                    RoundResult(
                        round=r,
                        item=item,
                        value_bool=value if item.kind == ItemKind.YES_NO else None,
                        value_number=value if item.kind == ItemKind.NUMBER else None,
                        value_text=value if item.kind == ItemKind.TEXT else "",
                        passed=True,
                    )
                )
        RoundResult.objects.bulk_create(results, batch_size=1000)
        audit.record(
            actor=actor,
            action="inspections.demo_generate",
            obj=schedule,
            after={"from": start.isoformat(), "rounds": len(bulk), "results": len(results)},
            only_changes=False,
        )
    for i in sorted(failing):
        r = plan[i][0]
        submitted_at = r.submitted_at
        assert submitted_at is not None
        r.submitted_at, r.is_late, r.lng, r.lat, r.distance_m, r.far_from_point = None, False, None, None, None, False
        r.status = RoundStatus.PENDING
        r.save()
        items = list(templates[r.point.type_id].items.all())
        fallible = [it for it in items if it.opens_case]
        bad = fallible[i % len(fallible)] if fallible else None
        answers = {it.key: _value(it, rng, fail=it == bad) for it in items if it.kind != ItemKind.PHOTO}
        photos = {it.key: [_photo()] for it in items if it.kind == ItemKind.PHOTO}
        if bad is not None:
            photos.setdefault(bad.key, []).append(_photo())
        lng, lat = _near(r.point, rng, far=False)
        round_submit(
            actor=users[r.assignee_id or 0],
            round=r,
            results={k: v for k, v in answers.items() if v is not None},
            photos=photos,
            lng=lng,
            lat=lat,
            note="演示：巡查发现问题，已现场拍照上报",
            now=submitted_at,
        )
    return len(plan)


def _demo_responsible(*, actor: Any, district: Territory, hazard_types: list[PointType]) -> int:
    """The demo grid worker answers for the hazard points of their community (at most two), so their phone
    shows rounds of their own (定人: the point's responsible person)."""
    from django.contrib.auth import get_user_model

    from wangge.places.services import point_update

    login = get_user_model().objects.filter(username=DEMO_WORKER).first()
    grant = login.grants.filter(territory__isnull=False).select_related("territory").first() if login else None
    if login is None or grant is None or grant.territory is None:
        return 0
    path = grant.territory.path
    prefixes = [path[:i] for i in range(Territory.steplen, len(path) + 1, Territory.steplen)]
    community = Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.COMMUNITY).first()
    if community is None:
        return 0
    points = Point.objects.filter(
        grid__path__startswith=community.path, type__in=hazard_types, territory__path__startswith=district.path
    ).order_by("code")[:2]
    changed = 0
    for point in points:
        if point.responsible_user_id is None:
            point_update(actor=actor, point=point, responsible_user=login)
            changed += 1
    return changed


def _users(ids: set[int]) -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids))
