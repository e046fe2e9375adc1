"""What the platform suggests to the person taking in or dispatching an appeal (受理/派遣时的智能建议).

One call gathers the three aids of 分类派发:

* the category, from the active classifier, resolved to an entry of the live category dictionary, with
  its confidence and the unit routing would send it to; below ``WANGGE_CLASSIFIER_MIN_CONFIDENCE``
  (default 0.5) the suggestion is shown as uncertain and never pre-filled: the dispatcher decides;
* near-duplicate cases the new appeal could be merged into (:mod:`wangge.intel.duplicates`), within
  the user's scope;
* for an appeal without coordinates, the territory its address names (:mod:`wangge.intel.geocode`).

A classifier's labels are category codes when it was trained from the platform's own cases
(``classifier train --from-cases``) and usually names when it was trained from a CSV; both resolve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.intel import duplicates, geocode, services
from wangge.territory.models import Territory
from wangge.workorders.models import Category, CategorySet, WorkOrder
from wangge.workorders.services import suggest_unit

DEFAULT_MIN_CONFIDENCE = 0.5


def min_confidence() -> float:
    return float(getattr(settings, "WANGGE_CLASSIFIER_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE))


@dataclass(frozen=True)
class CategoryGuess:
    label: str
    confidence: float
    category: Category | None  # None when no live category carries this label


@dataclass(frozen=True)
class IntakeSuggestion:
    classifier: bool  # an active classifier answered
    categories: list[CategoryGuess] = field(default_factory=list)
    confident: bool = False  # the best guess reaches the threshold and names a live category
    threshold: float = DEFAULT_MIN_CONFIDENCE
    unit: Unit | None = None  # where routing sends the case (its own category, else the confident guess)
    unit_category: Category | None = None  # the category the unit was routed for
    duplicates: list[duplicates.DuplicateMatch] = field(default_factory=list)
    address_match: geocode.AddressMatch | None = None

    @property
    def best(self) -> CategoryGuess | None:
        return self.categories[0] if self.categories else None

    @property
    def category(self) -> Category | None:
        """The category to pre-fill: only a confident guess."""
        best = self.best
        return best.category if (best is not None and self.confident) else None


def resolve_labels(labels: list[str]) -> dict[str, Category]:
    """Live categories for classifier labels: by code first, then by name (a top-level entry wins a tie)."""
    live = CategorySet.objects.filter(is_active=True).values_list("pk", flat=True).first()
    if live is None or not labels:
        return {}
    rows = list(
        Category.objects.filter(category_set_id=live, is_active=True)
        .filter(Q(code__in=labels) | Q(name__in=labels))
        .order_by("parent_id", "ordering", "code")
    )
    out: dict[str, Category] = {}
    for row in rows:
        if row.code in labels:
            out[row.code] = row
    for row in rows:
        if row.name in labels and row.name not in out:
            out[row.name] = row
    return out


def guess_categories(title: str, description: str, *, k: int = 3) -> tuple[bool, list[CategoryGuess]]:
    """(whether a classifier is active, its ranked guesses resolved to categories)."""
    if services.active_model() is None:
        return False, []
    ranked = services.suggest_category(f"{title}\n{description}", k=k)
    resolved = resolve_labels([label for label, _p in ranked])
    return True, [CategoryGuess(label, round(p, 4), resolved.get(label)) for label, p in ranked]


def route_unit(category: Category | None, territory: Territory | None) -> Unit | None:
    """Routing for a category; for a top-level entry without a rule of its own, the unit every one of
    its sub-categories routes to, when they agree."""
    if category is None:
        return None
    unit = suggest_unit(category=category, territory=territory)
    if unit is not None:
        return unit
    routed = [suggest_unit(category=c, territory=territory) for c in category.children.filter(is_active=True)]
    units = {u.pk: u for u in routed if u is not None}
    if len(units) == 1 and None not in routed:
        return next(iter(units.values()))
    return None


def suggest(
    *,
    user: Any,
    title: str,
    description: str,
    category: Category | None = None,
    territory: Territory | None = None,
    district: Territory | None = None,
    lng: float | None = None,
    lat: float | None = None,
    address: str = "",
    received_at: dt.datetime | None = None,
    work_order: WorkOrder | None = None,
) -> IntakeSuggestion:
    """Suggestions for an appeal being taken in (not saved yet) or a saved case (``work_order``).
    Coordinates are WGS-84; duplicates are looked for among the cases ``user`` may see."""
    classifier, guesses = guess_categories(title, description)
    threshold = min_confidence()
    best = guesses[0] if guesses else None
    confident = best is not None and best.category is not None and best.confidence >= threshold

    address_match = None
    if territory is None and (lng is None or lat is None) and address.strip():
        matches = geocode.match_address(address, district=district, limit=1)
        if matches and matches[0].confidence >= geocode.LOCATE_MIN:
            address_match = matches[0]
            territory = address_match.territory

    unit_category = category or (best.category if confident and best is not None else None)
    unit = route_unit(unit_category, territory or district)

    found: list[duplicates.DuplicateMatch] = []
    if work_order is not None:
        found = duplicates.suggest_duplicates(work_order, user=user)
    else:
        chain = _chain(territory or district)
        if "district" in chain and (title.strip() or description.strip()):
            appeal = duplicates.Appeal(
                text=duplicates.appeal_text(title, description),
                lng=lng,
                lat=lat,
                received_at=received_at or timezone.now(),
                district=chain["district"],
                community_id=chain["community"].pk if "community" in chain else None,
                grid_id=chain["grid"].pk if "grid" in chain else None,
                address=address,
            )
            found = duplicates.find_duplicates(appeal, within=WorkOrder.objects.restrict(user))

    return IntakeSuggestion(
        classifier=classifier,
        categories=guesses,
        confident=confident,
        threshold=threshold,
        unit=unit,
        unit_category=unit_category,
        duplicates=found,
        address_match=address_match,
    )


def suggest_for_case(work_order: WorkOrder, *, user: Any) -> IntakeSuggestion:
    """Suggestions for a saved case, as the dispatch screen and the API show them."""
    return suggest(
        user=user,
        title=work_order.title,
        description=work_order.description,
        category=work_order.category,
        territory=work_order.territory or work_order.grid,
        district=work_order.district,
        lng=work_order.lng,
        lat=work_order.lat,
        address=work_order.address,
        received_at=work_order.received_at,
        work_order=work_order,
    )


def _chain(node: Territory | None) -> dict[str, Territory]:
    if node is None:
        return {}
    step = Territory.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    return {t.kind: t for t in Territory.objects.filter(path__in=prefixes)}


def as_dict(suggestion: IntakeSuggestion) -> dict[str, Any]:
    """JSON-ready form of a suggestion (the API's answer)."""

    def category(row: Category | None) -> dict[str, Any] | None:
        return None if row is None else {"id": row.pk, "code": row.code, "name": row.name}

    unit = suggestion.unit
    match = suggestion.address_match
    return {
        "classifier": suggestion.classifier,
        "threshold": suggestion.threshold,
        "confident": suggestion.confident,
        "category": category(suggestion.category),
        "categories": [
            {"label": g.label, "confidence": g.confidence, "category": category(g.category)}
            for g in suggestion.categories
        ],
        "unit": None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name},
        "unit_category": category(suggestion.unit_category),
        "duplicates": [
            {
                "id": m.work_order.pk,
                "tracking_code": m.work_order.tracking_code,
                "title": m.work_order.title,
                "status": m.work_order.status,
                "received_at": m.work_order.received_at,
                "score": m.score,
                "reasons": [str(r) for r in m.reasons],
            }
            for m in suggestion.duplicates
        ],
        "address_match": None
        if match is None
        else {
            "territory": {"id": match.territory.pk, "code": match.territory.code, "name": match.territory.name},
            "confidence": match.confidence,
            "matched_on": list(match.matched_on),
        },
    }
