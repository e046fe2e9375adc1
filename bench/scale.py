"""A city's load on PostgreSQL: millions of cases over 10 districts, the heavy screens timed under steady intake.

    python bench/scale.py                       # 200,000 cases (built once, reused while the count matches)
    python bench/scale.py --cases 10000000      # the city-scale run of docs/performance.md
    python bench/scale.py --cases 1000000 --rebuild --runs 7

Builds (when the database does not already hold exactly ``--cases`` cases): a city of 10 districts, each
district → 6 streets → 6 communities each → 6 grids each (rectangular outlines), the units of every district
(command centre, departments, companies, street offices, community committees), the category dictionary, the
working calendar, one dispatcher per district and one city leader; then ``--cases`` cases spread over the
districts and ``--years`` years up to now, with the statuses, clocks, counters and ratings of a working closed
loop (older cases closed, invalid or merged; recent ones at every open step), one running step clock per open
case and the history rows (受理 for every case, the final step for finished ones). The rows go in with
PostgreSQL ``COPY`` from ``--workers`` processes, the secondary indexes dropped during the load and built again
after it, then ``VACUUM ANALYZE``.

Then, while a separate process files ``--rate`` cases a second through the intake service
(``work_order_create``, coordinates located in a grid, routed, clock started), each figure is taken
``--runs`` times and its median and worst printed beside its target:

- city measures: the month's measures by district for the city leader (the rankings' and API's query), and
  the home page / 大屏 headline figures of the whole city;
- a district's 日通报 (``reports.bulletins.compute``) for yesterday;
- the workbench: 全部 and 待我处理 for a district dispatcher, and a filtered list — the first page of 50 with
  the page count, as ``web.views.workbench.case_table_context`` builds it;
- the map's open cases (``web.views.map.map_cases``) for a district dispatcher and for the city leader;
- intake p95 (scheduled arrival to commit) under the steady rate.

Finally the database size and the machine (cores, memory, PostgreSQL version).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _setup import ROOT, django_setup

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/wangge_scale"
CITY_CODE = "419900"
CITY_NAME = "示范市（压测）"
DISTRICT_NAMES = ("东城", "西城", "南湖", "北山", "新华", "和平", "河东", "河西", "高新", "经开")
STREETS, COMMUNITIES, GRIDS = 6, 6, 6  # per district, per street, per community
ORIGIN = (113.0, 33.5)  # south-west corner of the city (WGS-84)
DISTRICT_SIZE = 0.12  # degrees; 5 × 2 districts
LEADER = "scale_city_leader"
DISPATCHER = "scale_dispatcher_{n}"

TARGETS = {"measures": 5.0, "bulletin": 5.0, "list": 0.3, "map": 0.5, "intake_p95": 0.1}

# Shares of a working year (the demo's history has the same order of magnitude).
CHANNELS = (("hotline", 45), ("web", 8), ("h5", 12), ("qr", 3), ("patrol", 25), ("inspection", 4), ("api", 3))
APPEAL_TYPES = (("complaint", 40), ("help", 25), ("consult", 15), ("report", 12), ("suggestion", 7), ("praise", 1))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
PHRASES = (
    "路灯不亮，夜间出行不便",
    "小区门口垃圾堆放多日无人清运",
    "井盖破损存在安全隐患",
    "楼下餐馆油烟扰民",
    "道路坑洼积水，车辆行驶困难",
    "占道经营影响通行",
    "绿化带树木倒伏",
    "噪音扰民，夜间施工",
    "自来水水压低，高层无法用水",
    "共享单车乱停放堵塞人行道",
    "违章搭建影响采光",
    "下水道堵塞污水外溢",
)
ROADS = ("建设路", "中兴路", "开源路", "光明路", "新华路", "矿工路", "和平路", "人民路", "育英路", "体育路")


# ----------------------------------------------------------------------------------------------------------
# The city: territory, units, categories, calendar, staff
# ----------------------------------------------------------------------------------------------------------


def _box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}


def _split(x0: float, y0: float, x1: float, y1: float, n: int) -> list[tuple[float, float, float, float]]:
    """``n`` (a multiple of 2 or 3) boxes tiling the box, in reading order."""
    cols = 3 if n % 3 == 0 else 2
    rows = n // cols
    w, h = (x1 - x0) / cols, (y1 - y0) / rows
    return [(x0 + c * w, y1 - (r + 1) * h, x0 + (c + 1) * w, y1 - r * h) for r in range(rows) for c in range(cols)]


def city_features() -> list[dict[str, Any]]:
    """The city's territory tree as GeoJSON features, parents first."""
    from wangge.territory.choices import TerritoryKind

    features: list[dict[str, Any]] = []

    def add(code: str, name: str, kind: str, parent: str | None, bbox: tuple[float, float, float, float]) -> None:
        props = {"code": code, "name": name, "kind": str(kind), "parent_code": parent, "is_synthetic": True}
        features.append({"type": "Feature", "properties": props, "geometry": _box(*bbox)})

    x0, y0 = ORIGIN
    add(CITY_CODE, CITY_NAME, TerritoryKind.CITY, None, (x0, y0, x0 + 5 * DISTRICT_SIZE, y0 + 2 * DISTRICT_SIZE))
    for d, dname in enumerate(DISTRICT_NAMES):
        dcode = f"{CITY_CODE[:4]}{d + 1:02d}"
        dx, dy = x0 + (d % 5) * DISTRICT_SIZE, y0 + (1 - d // 5) * DISTRICT_SIZE
        add(dcode, f"{dname}区", TerritoryKind.DISTRICT, CITY_CODE, (dx, dy, dx + DISTRICT_SIZE, dy + DISTRICT_SIZE))
        for s, sbox in enumerate(_split(dx, dy, dx + DISTRICT_SIZE, dy + DISTRICT_SIZE, STREETS), start=1):
            scode = f"{dcode}{s:03d}"
            add(scode, f"{dname}第{s}街道", TerritoryKind.STREET, dcode, sbox)
            for c, cbox in enumerate(_split(*sbox, COMMUNITIES), start=1):
                ccode = f"{scode}{c:03d}"
                add(ccode, f"{dname}{s}街{c}社区", TerritoryKind.COMMUNITY, scode, cbox)
                for g, gbox in enumerate(_split(*cbox, GRIDS), start=1):
                    add(f"{ccode}{g:03d}", f"第{g}网格", TerritoryKind.GRID, ccode, gbox)
    return features


def build_city() -> None:
    """Territory, units, category dictionary, calendar and the bench's staff; each part skipped when present."""
    from django.db import transaction

    from wangge.accounts import services as accounts_services
    from wangge.accounts.choices import Role, UnitKind
    from wangge.accounts.models import RoleGrant, Unit, User
    from wangge.core.actors import SystemActor
    from wangge.demo.catalogue import COMMAND_CENTRE, COMPANIES, DEPARTMENTS, unit_code
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.importing import territory_import_geojson
    from wangge.territory.models import Territory
    from wangge.workcalendar.services import office_windows_seed, seed_calendar
    from wangge.workorders import catalog

    actor = SystemActor("scale bench")
    t0 = time.perf_counter()
    if not Territory.objects.filter(code=CITY_CODE).exists():
        with transaction.atomic():
            data = {"type": "FeatureCollection", "features": city_features()}
            territory_import_geojson(actor=actor, data=data, crs="wgs84", synthetic=True)
    city = Territory.objects.get(code=CITY_CODE)
    districts = list(Territory.objects.filter(path__startswith=city.path, kind=TerritoryKind.DISTRICT).order_by("code"))
    if not Unit.objects.filter(code=unit_code(districts[0].code, "zhzx")).exists():
        with transaction.atomic():
            for district in districts:
                d = district.name
                rows = [(unit_code(district.code, "zhzx"), COMMAND_CENTRE.format(d=d), UnitKind.COMMAND_CENTRE)]
                rows += [(unit_code(district.code, k), t.format(d=d), UnitKind.DEPARTMENT) for k, t in DEPARTMENTS]
                rows += [(unit_code(district.code, k), t.format(d=d), UnitKind.COMPANY) for k, t in COMPANIES]
                for code, name, kind in rows:
                    accounts_services.unit_create(actor=actor, code=code, name=name, kind=kind, territory=district)
                subtree = Territory.objects.filter(path__startswith=district.path)
                offices = {}
                for street in subtree.filter(kind=TerritoryKind.STREET):
                    offices[street.path] = accounts_services.unit_create(
                        actor=actor,
                        code=unit_code(street.code, "jdb"),
                        name=f"{street.name}办事处",
                        kind=UnitKind.STREET_OFFICE,
                        territory=street,
                    )
                for community in subtree.filter(kind=TerritoryKind.COMMUNITY):
                    accounts_services.unit_create(
                        actor=actor,
                        code=unit_code(community.code, "jwh"),
                        name=f"{community.name}居民委员会",
                        kind=UnitKind.COMMUNITY_COMMITTEE,
                        territory=community,
                        parent=offices[community.path[: -Territory.steplen]],
                    )
    catalog.category_seed()
    seed_calendar(actor=actor)
    office_windows_seed()
    leader, _ = User.objects.get_or_create(username=LEADER, defaults={"display_name": "市领导（压测）"})
    RoleGrant.objects.get_or_create(user=leader, role=Role.LEADER, territory=city)
    for n, district in enumerate(districts, start=1):
        user, _ = User.objects.get_or_create(
            username=DISPATCHER.format(n=n), defaults={"display_name": f"{district.name}派遣员（压测）"}
        )
        RoleGrant.objects.get_or_create(user=user, role=Role.DISPATCHER, territory=district)
    print(f"city ready in {time.perf_counter() - t0:.1f} s: {len(districts)} districts")


# ----------------------------------------------------------------------------------------------------------
# The cases: generated in chunks, COPY from worker processes
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """What the case generator needs, as plain values (sent to the worker processes)."""

    now: float
    start: float
    grids: list[tuple[int, int, int, int, str, float, float, float, float, str]]  # grid, community, street,
    # district, path, x0, y0, x1, y1, address prefix
    districts: list[tuple[int, str]]
    categories: list[tuple[int, str, str, str]]  # id, name, handling class, default unit key
    units: dict[str, int]  # unit code → id
    phones: list[tuple[str, str]]  # (encrypted, blind index)
    dispatch_minutes: float = 30.0
    extra: dict[str, Any] = field(default_factory=dict)


def reference(years: float) -> Reference:
    from django.utils import timezone

    from wangge.accounts.models import Unit
    from wangge.core import crypto
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.models import Territory
    from wangge.workorders.models import Category

    city = Territory.objects.get(code=CITY_CODE)
    nodes = {t.path: t for t in Territory.objects.filter(path__startswith=city.path)}
    grids = []
    for t in sorted(nodes.values(), key=lambda t: t.path):
        if t.kind != TerritoryKind.GRID:
            continue
        step = Territory.steplen
        community, street, district = (nodes[t.path[: -step * k]] for k in (1, 2, 3))
        ring = t.geometry["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        grids.append(
            (t.pk, community.pk, street.pk, district.pk, t.path, min(xs), min(ys), max(xs), max(ys), community.name)
        )
    districts = [(t.pk, t.path) for t in nodes.values() if t.kind == TerritoryKind.DISTRICT]
    leaves = Category.objects.filter(category_set__is_active=True, children__isnull=True, is_active=True)
    categories = [(c.pk, c.name, c.handling_class, c.default_unit_code) for c in leaves.order_by("code")]
    units = dict(Unit.objects.values_list("code", "id"))
    rng = random.Random(7)
    phones = []
    for _ in range(400):
        phone = f"13{rng.randrange(10**9):09d}"
        phones.append((crypto.encrypt(phone), crypto.blind_index(phone)))
    now = timezone.now().timestamp()
    return Reference(
        now=now,
        start=now - years * 365.25 * 86400,
        grids=grids,
        districts=districts,
        categories=categories,
        units=units,
        phones=phones,
    )


CASE_COLUMNS = (
    "id", "tracking_code", "channel", "appeal_type", "title", "description", "reporter_name", "reporter_phone",
    "reporter_phone_index", "is_real_name", "lng", "lat", "address", "scope_path", "handling_class",
    "resolution_mode", "urgency", "status", "version", "relation", "supervision", "supervised_at", "received_at",
    "dispatched_at", "accepted_at", "replied_at", "verified_at", "callback_at", "closed_at", "due_at",
    "due_provisional", "step_started_at", "step_due_at", "step_warn_at", "paused_at", "accepted_on_time",
    "handled_on_time", "handling_seconds", "return_count", "rework_count", "extension_count", "reopen_count",
    "reply_text", "reply_result", "sampled_for_verification", "rating", "resolved", "callback_unreachable",
    "invalid_reason", "created_at", "updated_at", "assigned_unit_id", "category_id", "community_id",
    "district_id", "grid_id", "parent_id", "street_id", "territory_id", "escalation_level", "voice_count",
)  # fmt: skip
EVENT_COLUMNS = ("work_order_id", "name", "actor_label", "at", "from_status", "to_status", "note", "data")
CLOCK_COLUMNS = ("work_order_id", "step", "started_at", "due_at", "provisional", "paused_seconds")
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
HOUR, DAY = 3600.0, 86400.0
# Status codes of the generator (index into STATUSES); the first eight are open.
STATUSES = (
    "registered", "returned", "dispatched", "handling", "suspended", "replied", "callback", "to_close",
    "closed", "invalid", "merged",
)  # fmt: skip
REACHED = np.array([0, 0, 1, 2, 2, 3, 4, 5, 6, 0, 0])  # 0 registered … 6 closed: which clocks have run
STEPS = ("dispatch", "dispatch", "accept", "handle", "handle", "verify", "callback")
STEP_LIMIT = np.array([2 * HOUR, 2 * HOUR, 4 * HOUR, 0.0, 0.0, DAY, 2 * DAY])  # 0: the handling deadline
EVENT_NAMES = ("create", "return", "dispatch", "accept", "suspend", "reply", "verify", "callback", "close",
               "invalidate", "merge")  # fmt: skip

# Set in the parent before the workers are forked: the reference and the unit of every (category, grid).
REF: Reference | None = None
UNIT_OF: np.ndarray | None = None


def unit_matrix(ref: Reference) -> np.ndarray:
    """The unit a case of category ``c`` in grid ``g`` is routed to (the routing rule of intake, by key or
    handling class; the district's command centre otherwise), as ``matrix[c, g]``."""
    out = np.zeros((len(ref.categories), len(ref.grids)), dtype=np.int64)
    codes = ref.extra["grid_codes"]
    for c, (_pk, _name, hclass, key) in enumerate(ref.categories):
        for g, grid in enumerate(ref.grids):
            community, street, district = codes[grid[0]]
            unit = ref.units.get(f"{district}-{key}") if key else None
            if unit is None:
                suffix = f"{community}-jwh" if hclass == "A" else f"{street}-jdb" if hclass == "B" else ""
                unit = ref.units.get(suffix) or ref.units[f"{district}-zhzx"]
            out[c, g] = unit
    return out


def _stamp(values: np.ndarray) -> np.ndarray:
    """Epoch seconds (NaN: none) as COPY text: ISO UTC instants or \\N."""
    ok = ~np.isnan(values)
    out = np.full(values.shape, "\\N", dtype=object)
    us = (values[ok] * 1e6).astype("datetime64[us]")
    out[ok] = np.char.add(np.datetime_as_string(us, unit="us").astype(object), "+00")
    return out


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(str).astype(object)


def _nullable(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    out = _text(values)
    out[~present] = "\\N"
    return out


def _bool(values: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    out = np.where(values, "t", "f").astype(object)
    if present is not None:
        out[~present] = "\\N"
    return out


def _codes(ids: np.ndarray, received: np.ndarray) -> np.ndarray:
    """Tracking codes: WG, the local date of receipt, the id in 12 base-32 characters (unique, like the id)."""
    local = (received + 8 * HOUR).astype("datetime64[s]").astype("datetime64[D]")
    days = np.datetime_as_string(local).astype(object)
    alphabet = np.array(list(ALPHABET))
    digits = np.stack([alphabet[(ids // 32**k) % 32] for k in range(11, -1, -1)], axis=1)
    tails = np.array(["".join(row) for row in digits], dtype=object)
    return np.array([f"WG{d[2:4]}{d[5:7]}{d[8:10]}{t}" for d, t in zip(days, tails, strict=True)], dtype=object)


def case_block(first_id: int, count: int, t_from: float, t_to: float, seed: int) -> tuple[str, str, str, int, int]:
    """COPY text of ``count`` cases with ids from ``first_id`` received in [t_from, t_to), of their history rows
    and of the running clocks of the open ones; with the numbers of events and clocks."""
    ref, unit_of = REF, UNIT_OF
    assert ref is not None and unit_of is not None
    rng = np.random.default_rng(seed)
    n = count
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    received = np.sort(rng.uniform(t_from, t_to, n))
    age = (ref.now - received) / DAY
    grids = ref.grids
    gi = (rng.beta(1.3, 1.6, n) * len(grids)).astype(np.int64) % len(grids)
    garr = np.array([g[:4] for g in grids], dtype=np.int64)
    boxes = np.array([g[5:9] for g in grids])
    paths = np.array([g[4] for g in grids], dtype=object)
    cnames = np.array([g[9] for g in grids], dtype=object)
    placed = rng.random(n) < 0.95
    ci = (rng.random(n) ** 1.7 * len(ref.categories)).astype(np.int64)
    cat_ids = np.array([c[0] for c in ref.categories], dtype=np.int64)[ci]
    cat_names = np.array([c[1] for c in ref.categories], dtype=object)[ci]
    classes = np.array([c[2] for c in ref.categories], dtype=object)[ci]
    urgent = rng.random(n) < 0.05
    due = received + np.where(urgent, 2.0, rng.choice([5.0, 7.0, 10.0, 15.0], n)) * DAY
    # Status: recent cases are mostly open, then fewer by the day; none open after 60 days.
    p_open = np.where(age < 2, 0.98, 0.9 * np.exp(-age / 9))
    p_open[age > 60] = 0.0
    is_open = rng.random(n) < p_open
    status = np.where(rng.random(n) < 0.93, 8, np.where(rng.random(n) < 0.7, 9, 10))
    fresh = is_open & (age < 0.05)
    day1 = is_open & (age >= 0.05) & (age < 1)
    older = is_open & (age >= 1)
    status[fresh] = rng.choice([0, 2, 3], fresh.sum(), p=[0.5, 0.3, 0.2])
    status[day1] = rng.choice([0, 1, 2, 3], day1.sum(), p=np.array([1, 0.3, 2, 6]) / 9.3)
    status[older] = rng.choice([3, 4, 5, 6, 7, 2], older.sum(), p=np.array([10, 0.6, 2, 2, 0.6, 0.4]) / 15.6)
    reached = REACHED[status]
    dispatched = received + rng.exponential(ref.dispatch_minutes * 60, n)
    accepted = dispatched + rng.exponential(HOUR, n)
    replied = accepted + rng.exponential(3 * DAY, n)
    verified = replied + rng.exponential(6 * HOUR, n)
    callback = verified + rng.exponential(DAY, n)
    closed = callback + rng.exponential(2 * HOUR, n)
    closed = np.where(status == 9, received + rng.exponential(2 * HOUR, n), closed)
    closed = np.where(status == 10, received + rng.exponential(HOUR, n), closed)
    sampled = rng.random(n) < 0.3
    nan = np.nan
    t_dispatched = np.where(reached >= 1, dispatched, nan)
    t_accepted = np.where(reached >= 2, accepted, nan)
    t_replied = np.where(reached >= 3, replied, nan)
    t_verified = np.where((reached >= 4) & sampled, verified, nan)
    t_callback = np.where(reached >= 5, callback, nan)
    t_closed = np.where(status >= 8, closed, nan)
    stamps = [t_dispatched, t_accepted, t_replied, t_verified, t_callback, t_closed]
    for t in stamps:  # a step not reached by now has no time
        t[t > ref.now] = nan
    t_dispatched, t_accepted, t_replied, t_verified, t_callback, t_closed = stamps
    clocked = status < 7
    step_idx = np.minimum(status, 6)
    started = np.select(
        [step_idx <= 1, step_idx == 2, (step_idx == 3) | (step_idx == 4), step_idx == 5],
        [received, t_dispatched, t_accepted, t_replied],
        np.where(np.isnan(t_verified), t_replied, t_verified),
    )
    started = np.where(np.isnan(started), received, started)
    limit = STEP_LIMIT[step_idx]
    step_due = np.where(limit > 0, started + limit, due)
    step_due = np.maximum(step_due, started + HOUR)
    step_warn = step_due - (step_due - started) * 0.2
    paused = np.where(status == 4, np.minimum(ref.now, started + DAY), nan)
    s_started = np.where(clocked, started, nan)
    s_due = np.where(clocked, step_due, nan)
    s_warn = np.where(clocked, step_warn, nan)
    has_accept, has_reply = ~np.isnan(t_accepted), ~np.isnan(t_replied)
    accepted_on_time = (t_accepted - dispatched) <= 4 * HOUR
    handled_on_time = t_replied <= due
    handling = np.where(has_reply, t_replied - dispatched, 0).astype(np.int64)
    called = ~np.isnan(t_callback)
    unreachable = called & (rng.random(n) < 0.05)
    answered = called & ~unreachable
    resolved = rng.random(n) < 0.9
    rated = answered & (rng.random(n) < 0.85)
    rating = rng.choice([5, 4, 3, 2, 1], n, p=[0.6, 0.25, 0.08, 0.04, 0.03])
    supervised = rng.random(n) < np.where(status < 8, 0.04, 0.01)
    supervised_at = received + DAY
    supervised &= supervised_at <= ref.now
    red = rng.random(n) < 0.25
    counters = [(rng.random(n) < p).astype(np.int64) for p in (0.05, 0.03, 0.04, 0.01)]
    last = np.fmax.reduce([received, *stamps])
    version = 1 + sum((~np.isnan(t)).astype(np.int64) for t in stamps) + sum(counters)
    g = garr[gi]
    box = boxes[gi]
    lng = np.where(placed, box[:, 0] + rng.random(n) * (box[:, 2] - box[:, 0]), nan)
    lat = np.where(placed, box[:, 1] + rng.random(n) * (box[:, 3] - box[:, 1]), nan)
    phrases = np.array(PHRASES, dtype=object)
    phrase = phrases[rng.integers(0, len(PHRASES), n)]
    roads = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), n)]
    numbers = rng.integers(1, 300, n).astype(str).astype(object)
    address = cnames[gi] + roads + numbers + "号"
    has_phone = rng.random(n) < 0.7
    phone_pick = rng.integers(0, len(ref.phones), n)
    phone_enc = np.array([p[0] for p in ref.phones], dtype=object)[phone_pick]
    phone_idx = np.array([p[1] for p in ref.phones], dtype=object)[phone_pick]
    surnames = np.array(list(SURNAMES), dtype=object)[rng.integers(0, len(SURNAMES), n)]
    given = np.array(list(GIVEN), dtype=object)[rng.integers(0, len(GIVEN), (n, 2))]
    names = surnames + given[:, 0] + np.where(rng.random(n) < 0.6, given[:, 1], "")
    merged = status == 10
    parent = np.maximum(first_id, ids - rng.integers(1, 50, n))
    has_parent = merged & (parent < ids)
    district_paths = np.array([p[:8] for p in paths], dtype=object)
    empty = np.full(n, "", dtype=object)
    replied_any = has_reply
    columns = [
        _text(ids),
        _codes(ids, received),
        np.array(_weighted_np(rng, CHANNELS, n), dtype=object),
        np.array(_weighted_np(rng, APPEAL_TYPES, n), dtype=object),
        cat_names + "：" + phrase,
        address
        + "附近"
        + phrase
        + "，已持续一段时间，请相关部门尽快处理。"
        + phrases[rng.integers(0, len(PHRASES), n)],
        np.where(has_phone, names, ""),
        np.where(has_phone, phone_enc, ""),
        np.where(has_phone, phone_idx, ""),
        _bool(has_phone),
        _nullable(lng, placed),
        _nullable(lat, placed),
        np.where(placed | (rng.random(n) < 0.5), address, ""),
        np.where(placed, paths[gi], district_paths[gi]),
        classes,
        np.where(rng.random(n) < 0.9, "deadline", "on_site").astype(object),
        np.where(urgent, "urgent", "normal").astype(object),
        np.array(STATUSES, dtype=object)[status],
        _text(np.asarray(version)),
        np.where(has_parent, "merged", "").astype(object),
        np.where(supervised, np.where(red, "red", "yellow"), "").astype(object),
        _stamp(np.where(supervised, supervised_at, nan)),
        _stamp(received),
        *(_stamp(t) for t in (t_dispatched, t_accepted, t_replied, t_verified, t_callback, t_closed)),
        _stamp(due),
        _bool(np.zeros(n, dtype=bool)),
        _stamp(s_started),
        _stamp(s_due),
        _stamp(s_warn),
        _stamp(paused),
        _bool(accepted_on_time, has_accept),
        _bool(handled_on_time, has_reply),
        _nullable(handling, has_reply),
        *(_text(c) for c in counters),
        np.where(replied_any, "已处理完毕，现场已恢复。", "").astype(object),
        np.where(replied_any, np.where(rng.random(n) < 0.8, "resolved", "explained"), "").astype(object),
        _bool(sampled & (reached >= 4)),
        _nullable(rating, rated),
        _bool(resolved, answered),
        _bool(unreachable),
        np.where(status == 9, "重复反映", "").astype(object),
        _stamp(received),
        _stamp(last),
        _nullable(unit_of[ci, gi], (reached >= 1) | (status == 8)),
        _text(cat_ids),
        _nullable(g[:, 1], placed),
        _text(g[:, 3]),
        _nullable(g[:, 0], placed),
        _nullable(parent, has_parent),
        _nullable(g[:, 2], placed),
        _nullable(g[:, 0], placed),
        _text(np.zeros(n, dtype=np.int64)),
        _text(np.where(rng.random(n) < 0.02, rng.integers(1, 3, n), 0)),
    ]
    assert len(columns) == len(CASE_COLUMNS)
    cases = "".join("\t".join(row) + "\n" for row in zip(*columns, strict=True))
    # History: 受理 for every case, then the step that brought it where it is.
    to_status = np.array(STATUSES, dtype=object)[status]
    moved = status != 0
    ev_ids = np.concatenate([ids, ids[moved]])
    ev_names = np.concatenate([np.full(n, "create", dtype=object), np.array(EVENT_NAMES, dtype=object)[status][moved]])
    ev_at = np.concatenate([received, last[moved]])
    ev_from = np.concatenate([empty, np.where(status[moved] >= 8, "to_close", "registered").astype(object)])
    ev_from[n:][status[moved] >= 9] = "registered"
    ev_to = np.concatenate([np.full(n, "registered", dtype=object), to_status[moved]])
    ev_label = np.where(ev_names == "create", "受理中心", "承办单位").astype(object)
    ev_cols = [_text(ev_ids), ev_names, ev_label, _stamp(ev_at), ev_from, ev_to, np.full(len(ev_ids), "", dtype=object)]
    ev_cols.append(np.full(len(ev_ids), "{}", dtype=object))
    events = "".join("\t".join(row) + "\n" for row in zip(*ev_cols, strict=True))
    ck = clocked
    ck_cols = [
        _text(ids[ck]),
        np.array(STEPS, dtype=object)[step_idx[ck]],
        _stamp(started[ck]),
        _stamp(step_due[ck]),
        np.full(int(ck.sum()), "f", dtype=object),
        np.full(int(ck.sum()), "0", dtype=object),
    ]
    clocks = "".join("\t".join(row) + "\n" for row in zip(*ck_cols, strict=True))
    return cases, events, clocks, len(ev_ids), int(ck.sum())


def _weighted_np(rng: np.random.Generator, pairs: tuple[tuple[str, int], ...], k: int) -> np.ndarray:
    weights = np.array([p[1] for p in pairs], dtype=float)
    return np.array([p[0] for p in pairs], dtype=object)[rng.choice(len(pairs), k, p=weights / weights.sum())]


def load_chunk(args: tuple[str, int, int, float, float, int]) -> tuple[int, int, int, float]:
    """COPY one chunk of cases with their history rows and running clocks (in a worker process)."""
    import psycopg

    dsn, first_id, count, t_from, t_to, seed = args
    started = time.perf_counter()
    cases, events, clocks, n_events, n_clocks = case_block(first_id, count, t_from, t_to, seed)
    with psycopg.connect(dsn) as conn:
        conn.execute("SET session_replication_role = replica")  # the rows are consistent; no FK triggers
        conn.execute("SET synchronous_commit = off")
        with conn.cursor() as cur:
            for table, columns, text in (
                ("workorders_workorder", CASE_COLUMNS, cases),
                ("workorders_event", EVENT_COLUMNS, events),
                ("workorders_stepclock", CLOCK_COLUMNS, clocks),
            ):
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(text.encode())
        conn.commit()
    return count, n_events, n_clocks, time.perf_counter() - started


TABLES = ("workorders_workorder", "workorders_event", "workorders_stepclock")


def secondary_indexes(conn: Any) -> list[str]:
    """CREATE statements of the bench tables' indexes that back no constraint (dropped during the load)."""
    rows = conn.execute(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY t.relname, i.indexrelid
        """,
        (list(TABLES),),
    ).fetchall()
    return [r[0] for r in rows]


def _index_name(create: str) -> str:
    return create.split(" INDEX ", 1)[1].split(" ON ", 1)[0].strip()


def build_indexes(dsn: str, statements: list[str], workers: int) -> None:
    import psycopg

    pending = list(statements)
    lock = threading.Lock()

    def run() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            conn.execute("SET max_parallel_maintenance_workers = 0")
            while True:
                with lock:
                    if not pending:
                        return
                    stmt = pending.pop(0)
                conn.execute(stmt)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def load_cases(dsn: str, ref: Reference, total: int, workers: int, chunk: int) -> None:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        statements = secondary_indexes(conn)
        for stmt in statements:
            conn.execute(f"DROP INDEX IF EXISTS {_index_name(stmt)}")
    n_chunks = max(1, -(-total // chunk))
    span = (ref.now - ref.start) / n_chunks
    jobs = []
    for k in range(n_chunks):
        count = min(chunk, total - k * chunk)
        t_from = ref.start + k * span
        jobs.append((dsn, 1 + k * chunk, count, t_from, min(t_from + span, ref.now - 60), 1000 + k))
    global REF, UNIT_OF
    REF, UNIT_OF = ref, unit_matrix(ref)  # inherited by the forked workers
    done = events = clocks = 0
    ctx = mp.get_context("fork")
    with ctx.Pool(workers) as pool:
        for n, ne, nc, _secs in pool.imap(load_chunk, jobs):
            done, events, clocks = done + n, events + ne, clocks + nc
            rate = done / (time.perf_counter() - t0)
            print(
                f"\r  copied {done:,} cases ({rate:,.0f}/s), {events:,} events, {clocks:,} clocks", end="", flush=True
            )
    t_copy = time.perf_counter() - t0
    print(f"\n  COPY done in {t_copy:.0f} s; building {len(statements)} indexes…", flush=True)
    t1 = time.perf_counter()
    build_indexes(dsn, statements, workers)
    t_index = time.perf_counter() - t1
    t2 = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.execute("SET maintenance_work_mem = '256MB'")
        for table in TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    print(
        f"  loaded {total:,} cases in {time.perf_counter() - t0:.0f} s "
        f"(COPY {t_copy:.0f} s, indexes {t_index:.0f} s, vacuum analyze {time.perf_counter() - t2:.0f} s)"
    )


def ensure_cases(dsn: str, total: int, years: float, workers: int, chunk: int, rebuild: bool) -> None:
    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    have = WorkOrder.objects.count()
    if have >= total and not rebuild and have - total < max(100_000, total // 20):
        print(f"cases: {have:,} already loaded (intake runs add to them); --rebuild loads afresh")
        return
    ref = reference(years)
    nodes = {t.pk: t for t in Territory.objects.filter(path__startswith=ref.grids[0][4][:4])}
    ref.extra["district_codes"] = {pk: path_code for pk, path_code in ((d, nodes[d].code) for d, _ in ref.districts)}
    ref.extra["grid_codes"] = {g[0]: (nodes[g[1]].code, nodes[g[2]].code, nodes[g[3]].code) for g in ref.grids}
    from django.db import connection

    connection.close()  # the workers are forked
    print(f"loading {total:,} cases over {years:g} years with {workers} workers…")
    load_cases(dsn, ref, total, workers, chunk)


# ----------------------------------------------------------------------------------------------------------
# Intake under a steady rate, in its own process
# ----------------------------------------------------------------------------------------------------------


def intake_worker(rate: float, duration: float, threads: int, out: str) -> None:
    """File ``rate`` cases a second for ``duration`` seconds (open loop: arrivals on a fixed schedule, served by
    ``threads`` threads); write the latencies (scheduled arrival to commit) and the errors to ``out``."""
    import queue

    from django.db import connection

    from wangge.core.actors import SYSTEM
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.models import Territory
    from wangge.workorders.models import Category
    from wangge.workorders.services import work_order_create

    city = Territory.objects.get(code=CITY_CODE)
    boxes = []
    for g in Territory.objects.filter(path__startswith=city.path, kind=TerritoryKind.GRID):
        ring = g.geometry["coordinates"][0]
        boxes.append(
            (min(p[0] for p in ring), min(p[1] for p in ring), max(p[0] for p in ring), max(p[1] for p in ring))
        )
    categories = list(Category.objects.filter(category_set__is_active=True, children__isnull=True, is_active=True))
    work_order_create(  # warm the caches (locator, calendar, routing) before the clock starts
        actor=SYSTEM, channel="hotline", appeal_type="help", title="预热", description="预热",
        lng=(boxes[0][0] + boxes[0][2]) / 2, lat=(boxes[0][1] + boxes[0][3]) / 2, category=categories[0],
    )  # fmt: skip
    connection.close()
    arrivals: queue.Queue[float | None] = queue.Queue()
    latencies: list[float] = []
    service: list[float] = []
    errors: list[str] = []

    ended = threading.Event()
    dropped: list[float] = []

    def serve(seed: int) -> None:
        rng = random.Random(seed)
        while True:
            at = arrivals.get()
            if at is None:
                break
            if ended.is_set():  # arrived but not started when the figures ended: counted, not served
                dropped.append(at)
                continue
            x0, y0, x1, y1 = rng.choice(boxes)
            started = time.perf_counter()
            try:
                work_order_create(
                    actor=SYSTEM,
                    channel="hotline",
                    appeal_type="complaint",
                    title=f"压测来电：{rng.choice(PHRASES)}",
                    description=f"{rng.choice(ROADS)}{rng.randrange(1, 300)}号{rng.choice(PHRASES)}，请尽快处理。",
                    category=rng.choice(categories),
                    reporter_name="张先生",
                    reporter_phone=f"139{rng.randrange(10**8):08d}",
                    lng=rng.uniform(x0, x1),
                    lat=rng.uniform(y0, y1),
                )
            except Exception as exc:
                errors.append(repr(exc)[:200])
            end = time.perf_counter()
            latencies.append(end - at)
            service.append(end - started)
        connection.close()

    pool = [threading.Thread(target=serve, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    t0 = time.perf_counter()
    n = int(rate * duration)
    stop = Path(out + ".stop")
    Path(out + ".ready").touch()  # the caches are warm: the measured run starts now
    for k in range(n):
        if k % 50 == 0 and stop.exists():  # the figures are taken: the run ends early
            break
        due = t0 + k / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        arrivals.put(due)
    elapsed = time.perf_counter() - t0  # the window of arrivals
    ended.set()
    for _ in pool:
        arrivals.put(None)
    for t in pool:
        t.join()
    result = {"latencies": latencies, "service": service, "errors": errors, "elapsed": elapsed}
    result["dropped"] = len(dropped)
    Path(out).write_text(json.dumps(result), encoding="utf-8")


class IntakeLoad:
    """The intake process: started before the measurements, read after them."""

    def __init__(self, database_url: str, rate: float, duration: float, threads: int) -> None:
        fd, self.out = tempfile.mkstemp(prefix="scale-intake-", suffix=".json")
        os.close(fd)
        env = {**os.environ, "DATABASE_URL": database_url}
        cmd = [sys.executable, __file__, "--intake-worker", "--rate", str(rate), "--duration", str(duration)]
        cmd += ["--intake-threads", str(threads), "--intake-out", self.out, "--database-url", database_url]
        self.proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT))
        self.rate, self.duration = rate, duration

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Until the intake process has warmed up and files at its rate."""
        ready = Path(self.out + ".ready")
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the intake process did not start")
            time.sleep(0.2)
        ready.unlink()

    def result(self) -> dict[str, Any]:
        """Ends the run (if still going) and reads what it measured."""
        stop = Path(self.out + ".stop")
        stop.touch()
        self.proc.wait()
        data: dict[str, Any] = json.loads(Path(self.out).read_text(encoding="utf-8") or "{}")
        os.unlink(self.out)
        stop.unlink(missing_ok=True)
        return data


# ----------------------------------------------------------------------------------------------------------
# The measured screens
# ----------------------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median, worst) seconds of ``runs`` calls after one warm-up call, and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times), result


def screens() -> list[tuple[str, str, Callable[[], Any]]]:
    """(name, target key, call) of every measured figure."""
    from django.test import RequestFactory
    from django.utils import timezone

    from wangge.accounts.models import User
    from wangge.reports import bulletins
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.models import Territory
    from wangge.web.filters import case_filterset_class
    from wangge.web.selectors import decorate
    from wangge.web.views.map import map_cases
    from wangge.web.views.workbench import TAB_ALL, TAB_MINE, case_list_queryset, case_table_context
    from wangge.workorders import headlines
    from wangge.workorders.models import Category, WorkOrder

    leader = User.objects.get(username=LEADER)
    dispatcher = User.objects.get(username=DISPATCHER.format(n=1))
    district = Territory.objects.get(code=f"{CITY_CODE[:4]}01")
    grid = Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID).order_by("code")[7]
    busiest = WorkOrder.objects.filter(district=district).values("category").order_by().annotate(n=models_count())
    category = Category.objects.get(pk=max(busiest[:200], key=lambda r: r["n"])["category"]) if busiest else None
    factory = RequestFactory()

    def get(path: str, user: Any, **params: Any) -> Any:
        request = factory.get(path, params)
        request.user = user
        return request

    def city_measures() -> Any:
        now = timezone.now()
        start, end = headlines.month_bounds(now)
        in_scope: Any = WorkOrder.objects.restrict(leader)
        return headlines.period_measures(in_scope, start, end, now=now, group_by="district")

    def city_headlines() -> Any:
        return headlines.headlines(WorkOrder.objects.restrict(leader), timezone.now())

    def year_measures() -> Any:
        now = timezone.now()
        start = headlines.month_bounds(now - dt.timedelta(days=365))[0]
        return headlines.period_measures(WorkOrder.objects.restrict(leader), start, now, now=now)

    def bulletin() -> Any:
        day = timezone.localdate() - dt.timedelta(days=1)
        return bulletins.compute(bulletins.resolve_scope(district.code), day)

    def table(user: Any, *, count: bool, **params: Any) -> Callable[[], Any]:
        """The workbench's case table for ``params``: its first page of 50 rows (the selector's queryset, filtered
        and sliced), or with ``count`` the whole table context the page renders (the page count included)."""

        def call() -> Any:
            request = get("/workbench/", user, **params)
            if count:
                ctx = case_table_context(request, request.GET)
                return len(ctx["page"].object_list), ctx["page"].paginator.count
            tab = TAB_ALL if request.GET.get("tab") == TAB_ALL else TAB_MINE
            filterset = case_filterset_class()(request.GET, queryset=case_list_queryset(user, tab), request=request)
            rows = list(filterset.qs[:50]) if filterset.is_valid() else []
            return len(decorate(rows, timezone.now()))

        return call

    def map_open(user: Any) -> Callable[[], Any]:
        def call() -> Any:
            response = map_cases(get("/map/cases.json", user))
            return len(response.content)

        return call

    filtered = {"tab": "all", "status": ["handling"], "grid": grid.code}
    by_category = {"tab": "all", "category": str(category.pk)} if category else {"tab": "all"}
    dated = {"tab": "all", "received_from": str(timezone.localdate() - dt.timedelta(days=30)), "channel": ["hotline"]}
    lists = [
        ("全部 (district dispatcher)", dispatcher, {"tab": "all"}),
        ("待我处理 (district dispatcher)", dispatcher, {"tab": "mine"}),
        ("filtered: a grid, 办理中", dispatcher, filtered),
        ("filtered: a category with its sub-classes", dispatcher, by_category),
        ("filtered: received in the last 30 days, hotline", dispatcher, dated),
        ("全部 (city leader)", leader, {"tab": "all"}),
    ]
    return [
        ("city measures, this month by district (leader)", "measures", city_measures),
        ("city headline figures (home page, 大屏)", "measures", city_headlines),
        ("city measures, the last 12 months", "", year_measures),
        (f"district 日通报 ({district.name}, yesterday)", "bulletin", bulletin),
        *((f"workbench {name}: first page", "list", table(u, count=False, **p)) for name, u, p in lists),
        *((f"workbench {name}: page with its count", "", table(u, count=True, **p)) for name, u, p in lists),
        ("map open cases JSON (district dispatcher)", "map", map_open(dispatcher)),
        ("map open cases JSON (city leader)", "map", map_open(leader)),
    ]


def models_count() -> Any:
    from django.db.models import Count

    return Count("pk")


def machine() -> dict[str, Any]:
    from django.db import connection

    mem = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    with connection.cursor() as cur:
        cur.execute("SELECT version(), pg_database_size(current_database())")
        version, size = cur.fetchone()
        cur.execute("SELECT pg_total_relation_size('workorders_workorder'), count(*) FROM workorders_workorder")
        case_bytes, cases = cur.fetchone()
        cur.execute("SELECT count(*) FROM workorders_event")
        (events,) = cur.fetchone()
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather"):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem / 2**30, 1),
        "postgresql": version.split(" on ")[0],
        "settings": settings,
        "db_bytes": size,
        "case_table_bytes": case_bytes,
        "cases": cases,
        "events": events,
    }


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def measure(args: argparse.Namespace) -> int:
    from django.db import connection

    calls = screens()
    load = IntakeLoad(args.database_url, args.rate, args.load_seconds, args.intake_threads)
    load.wait_ready()
    time.sleep(3.0)  # the load runs before the first figure is taken
    rows: list[tuple[str, str, float, float, bool]] = []
    print(f"\nfigures under {args.rate:g} intake requests/s ({args.runs} runs each after a warm-up; median / worst):")
    for name, key, call in calls:
        median, worst, _ = timed(call, args.runs)
        ok = not key or median <= TARGETS[key]
        rows.append((name, key, median, worst, ok))
        mark = "    " if not key else "ok  " if ok else "MISS"
        target = f"target ≤ {fmt_s(TARGETS[key])}" if key else "(no target)"
        print(f"  {mark} {name:<62} {fmt_s(median):>9} / {fmt_s(worst):>9}   {target}", flush=True)
    connection.close()
    data = load.result()
    lat = sorted(data.get("latencies", []))
    svc = sorted(data.get("service", []))
    errors = data.get("errors", [])
    ok = bool(lat) and not errors
    if lat:
        p50, p95, p99 = (lat[min(len(lat) - 1, int(q * len(lat)))] for q in (0.5, 0.95, 0.99))
        achieved = len(lat) / data["elapsed"]  # served per second of the arrival window
        ok = ok and p95 <= TARGETS["intake_p95"]
        mark = "ok  " if ok else "MISS"
        print(
            f"  {mark} {'intake p95 (arrival to commit)':<62} {fmt_s(p95):>9}              target ≤ "
            f"{fmt_s(TARGETS['intake_p95'])}\n"
            f"       {len(lat):,} cases at {achieved:.1f}/s (asked {args.rate:g}/s); "
            f"p50 {fmt_s(p50)}, p99 {fmt_s(p99)}; "
            f"service time p50 {fmt_s(svc[len(svc) // 2])}, p95 {fmt_s(svc[int(0.95 * len(svc))])}; "
            f"{len(errors)} errors; {data.get('dropped', 0):,} arrivals still waiting when the figures ended "
            "(not served, not counted)"
        )
        for e in errors[:5]:
            print(f"       error: {e}")
    if not lat:
        print(f"  MISS intake: no case filed; {len(errors)} errors {errors[:3]}")
    rows.append(("intake p95", "intake_p95", lat[int(0.95 * len(lat))] if lat else float("nan"), 0.0, ok))
    m = machine()
    print(
        f"\ndatabase: {m['cases']:,} cases, {m['events']:,} events; {m['db_bytes'] / 2**30:.1f} GiB "
        f"(cases table with its indexes {m['case_table_bytes'] / 2**30:.1f} GiB)\n"
        f"machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB RAM; {m['postgresql']}; "
        + ", ".join(f"{k} {v}" for k, v in m["settings"].items())
    )
    missed = [r[0] for r in rows if not r[4]]
    print("all figures within their targets" if not missed else f"missed: {'; '.join(missed)}")
    return 0 if not missed else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("SCALE_DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2, help="load processes (and index builds at once)")
    parser.add_argument("--chunk", type=int, default=100_000, help="cases per COPY")
    parser.add_argument("--rebuild", action="store_true", help="load the cases afresh even if the count matches")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each figure")
    parser.add_argument("--rate", type=float, default=100.0, help="intake requests per second during the figures")
    parser.add_argument(
        "--load-seconds", type=float, default=1800.0, help="longest intake run (it ends when the figures are taken)"
    )
    parser.add_argument("--intake-threads", type=int, default=8)
    parser.add_argument("--load-only", action="store_true", help="build the data set and stop")
    parser.add_argument("--intake-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--intake-out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=60.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the scale bench runs against PostgreSQL (--database-url postgres://…)")
    if args.intake_worker:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        os.environ["DATABASE_URL"] = args.database_url
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        intake_worker(args.rate, args.duration, args.intake_threads, args.intake_out)
        return
    django_setup(args.database_url)
    build_city()
    dsn = args.database_url
    ensure_cases(dsn, args.cases, args.years, args.workers, args.chunk, args.rebuild)
    if args.load_only:
        return
    raise SystemExit(measure(args))


if __name__ == "__main__":
    main()
