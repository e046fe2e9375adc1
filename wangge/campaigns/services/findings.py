"""Recording a campaign finding at one of its points, and opening its cases through the one intake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.campaigns.choices import FINDING_STATUSES, ItemResult
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import (
    Campaign,
    CampaignCase,
    CampaignFinding,
    ChecklistItem,
    FindingPhoto,
    FindingResult,
)
from wangge.campaigns.selectors import campaign_points
from wangge.campaigns.services.common import (
    in_campaign_units,
    keeps_ledgers_of,
    may_manage,
    problem,
    refuse,
    visible_campaign,
)
from wangge.core import audit, uploads
from wangge.core.actors import label_of, require, user_of
from wangge.core.errors import Conflict, PermissionDenied
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder


def _district_of(node: Territory | None) -> Territory | None:
    if node is None:
        return None
    step = Territory.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    district: Territory | None = (
        Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).order_by("-depth").first()
    )
    return district


def _clean_results(
    campaign: Campaign, results: Mapping[Any, Any] | Iterable[Mapping[str, Any]], problems: list[dict[str, Any]]
) -> list[tuple[ChecklistItem, str, str]]:
    """``{item or item id: result}`` or ``[{"item", "result", "note"}]`` → (item, result, note) rows."""
    items = {i.pk: i for i in ChecklistItem.objects.filter(campaign=campaign)}
    if isinstance(results, Mapping):
        rows: list[Mapping[str, Any]] = [{"item": k, "result": v} for k, v in results.items()]
    else:
        rows = list(results)
    out: list[tuple[ChecklistItem, str, str]] = []
    seen: set[int] = set()
    for i, row in enumerate(rows):
        raw = row.get("item")
        pk = raw.pk if isinstance(raw, ChecklistItem) else raw
        try:
            item = items.get(int(pk))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            item = None
        value = str(row.get("result") or "")
        if item is None:
            problems.append(problem(f"results[{i}].item", ErrorCode.INVALID_RESULTS, _("检查项不属于本专项")))
            continue
        if value not in ItemResult.values:
            problems.append(problem(f"results[{i}].result", ErrorCode.INVALID_RESULTS, _("未知的检查结果")))
            continue
        if item.pk in seen:
            problems.append(problem(f"results[{i}].item", ErrorCode.INVALID_RESULTS, _("同一检查项填写了两次")))
            continue
        seen.add(item.pk)
        out.append((item, value, str(row.get("note") or "").strip()[:200]))
    if not out and not problems:
        problems.append(problem("results", ErrorCode.INVALID_RESULTS, _("请至少填写一项检查结果")))
    return out


def finding_record(
    *,
    actor: ActorLike,
    campaign: Campaign | int,
    point: Point,
    results: Mapping[Any, Any] | Iterable[Mapping[str, Any]],
    description: str = "",
    photos: Iterable[Any] = (),
    lng: float | None = None,
    lat: float | None = None,
    found_at: dt.datetime | None = None,
    open_cases: bool = True,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> CampaignFinding:
    """Record an inspection of ``point`` for a running campaign, with its checklist results and photos.

    Each failed item whose checklist line says so opens a case through ``work_order_create`` (one case per
    work-order category among the failed items), located at the point so it is routed like any case, tagged with
    the campaign. Who may record: whoever keeps the ledgers of the point's grid (``record``), the campaign's
    managers, and the members of its lead and member units. Raises NotFound, Conflict (not running),
    PermissionDenied and ValidationFailed."""
    require(actor)
    at = now or timezone.now()
    found = found_at or at
    problems: list[dict[str, Any]] = []
    if found > at:
        problems.append(problem("found_at", ErrorCode.FOUND_IN_FUTURE, _("排查时间不能晚于当前时间")))
    cleaned = uploads.sanitise_all(photos, accept=uploads.IMAGES)
    with transaction.atomic():
        c = visible_campaign(actor, campaign, lock=True)
        if c.status not in FINDING_STATUSES:
            raise Conflict(_("专项未在进行中，不能登记排查"), code=ErrorCode.CAMPAIGN_NOT_ACTIVE)
        if not campaign_points(c).filter(pk=point.pk).exists():
            problems.append(problem("point", ErrorCode.POINT_NOT_IN_CAMPAIGN, _("该点位不在本专项范围内")))
        rows = _clean_results(c, results, problems)
        if problems:
            raise refuse(problems)
        node = point.territory or point.grid
        path = node.path if node is not None else c.territory.path
        if not (
            keeps_ledgers_of(actor, node.path if node else None) or may_manage(actor, c) or in_campaign_units(actor, c)
        ):
            raise PermissionDenied(_("您不负责该点位的专项排查"), code=ErrorCode.NOT_A_CAMPAIGN_INSPECTOR)
        finding = CampaignFinding.objects.create(
            campaign=c,
            point=point,
            scope_path=path,
            found_at=found,
            found_by=user_of(actor),
            found_by_name=label_of(actor)[:150],
            description=str(description or "").strip(),
            lng=lng if lng is not None and lat is not None else point.lng,
            lat=lat if lng is not None and lat is not None else point.lat,
            has_problem=any(r == ItemResult.FAIL for _i, r, _n in rows),
            is_synthetic=is_synthetic,
        )
        stored = [
            FindingPhoto.objects.create(finding=finding, file=clean.as_file(), content_type=clean.content_type)
            for clean in cleaned
        ]
        results_made = [
            FindingResult.objects.create(finding=finding, item=item, result=result, note=note)
            for item, result, note in rows
        ]
        opened = _open_cases(finding, c, results_made, actor, at) if open_cases else []
        audit.record(
            actor=actor,
            action="campaigns.finding_create",
            obj=finding,
            after={
                **(audit.snapshot(finding) or {}),
                "results": {str(r.item_id): r.result for r in results_made},
                "photos": [p.pk for p in stored],
                "cases": [wo.tracking_code for wo in opened],
            },
        )
    return finding


def _open_cases(
    finding: CampaignFinding, campaign: Campaign, results: list[FindingResult], actor: ActorLike, at: dt.datetime
) -> list[WorkOrder]:
    from django.core.files.base import ContentFile

    from wangge.workorders.choices import AppealType, Channel
    from wangge.workorders.models import Category
    from wangge.workorders.services.intake import work_order_create

    failed = [r for r in results if r.result == ItemResult.FAIL and r.item.opens_case]
    groups: dict[str, list[FindingResult]] = {}
    for r in failed:
        groups.setdefault(r.item.category_code, []).append(r)
    point = finding.point
    photos_data = []
    for photo in finding.photos.order_by("id")[: uploads.max_files()]:
        with photo.file.open("rb") as stored:
            photos_data.append((photo.file.name.rsplit("/", 1)[-1], stored.read()))
    opened: list[WorkOrder] = []
    for code, rows in groups.items():
        category = (
            Category.objects.filter(code=code, is_active=True, category_set__is_active=True).first() if code else None
        )
        problems_text = "；".join(r.item.text + (f"（{r.note}）" if r.note else "") for r in rows)
        lines = [
            _("专项整治“%(name)s”（%(code)s）排查发现问题：%(p)s")
            % {"name": campaign.name, "code": campaign.code, "p": problems_text},
            _("点位：%(point)s（%(code)s）") % {"point": point.name, "code": point.code},
        ]
        if finding.description:
            lines.append(finding.description)
        wo = work_order_create(
            actor=actor,
            channel=Channel.INSPECTION,
            appeal_type=AppealType.REPORT,
            title=f"{point.name}：{rows[0].item.text}"[:200],
            description="\n".join(lines),
            category=category,
            lng=point.lng,
            lat=point.lat,
            address=(point.address or point.name)[:200],
            district=_district_of(point.territory or point.grid),
            point=point,
            photos=[ContentFile(data, name=name) for name, data in photos_data],
            now=at,
        )
        for r in rows:
            r.work_order = wo
            r.save(update_fields=["work_order"])
        CampaignCase.objects.create(
            campaign=campaign, work_order=wo, finding=finding, tagged_at=at, tagged_by=user_of(actor)
        )
        opened.append(wo)
    return opened
