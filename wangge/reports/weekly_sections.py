"""The weekly bulletin's sections from the other modules: what each contributes to the stored data
(``compute``) and the tables it renders (``tables``). A section absent from stored data (a bulletin of a unit, or
one stored before the module existed) renders nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wangge.reports.layout import Table
from wangge.territory.models import Territory


def compute(
    node: Territory, monday: dt.date, start: dt.datetime, end: dt.datetime, as_of: dt.datetime
) -> dict[str, Any]:
    return {}


def tables(data: dict[str, Any]) -> list[Table]:
    return []
