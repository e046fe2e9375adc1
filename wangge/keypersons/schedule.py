"""The visit schedule of the 重点人员 ledger, defined once: every page, the API, the exports and the summary
counters read "due" and "overdue" from here.

A category requires a visit every ``visit_interval_days`` (a key person may override it). A new key person is
due within one interval of the day 管控 started; each visit moves the next due day to the visit's (local) date
plus the interval. A key person is overdue when still under 管控 and the due day has passed (the due day itself
is not late). A released key person is never due.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from wangge.keypersons.choices import KeyPersonStatus
from wangge.keypersons.models import KeyPerson, KeyPersonCategory

MIN_INTERVAL_DAYS = 1
MAX_INTERVAL_DAYS = 366


def today() -> dt.date:
    """The local date (Asia/Shanghai): what "today" means for a due day."""
    return timezone.localdate()


def interval_days(key_person: KeyPerson, category: KeyPersonCategory | None = None) -> int:
    """The person's own interval, or the category's."""
    if key_person.visit_interval_days:
        return int(key_person.visit_interval_days)
    return int((category or key_person.category).visit_interval_days)


def due_after(key_person: KeyPerson, category: KeyPersonCategory | None = None) -> dt.date | None:
    """The next due day from the latest visit (or the start of 管控 when never visited); None once released."""
    if key_person.status != KeyPersonStatus.ACTIVE:
        return None
    if key_person.last_visit_at is not None:
        base = timezone.localdate(key_person.last_visit_at)
    else:
        base = key_person.started_on
    return base + dt.timedelta(days=interval_days(key_person, category))


def overdue_q(on: dt.date | None = None) -> Q:
    """Key persons whose visit is late on ``on`` (today by default)."""
    return Q(status=KeyPersonStatus.ACTIVE, next_visit_due__lt=on or today())


def is_overdue(key_person: KeyPerson, on: dt.date | None = None) -> bool:
    due = key_person.next_visit_due
    return key_person.status == KeyPersonStatus.ACTIVE and due is not None and due < (on or today())


def days_overdue(key_person: KeyPerson, on: dt.date | None = None) -> int:
    """How many days late the visit is (0 when not overdue)."""
    if not is_overdue(key_person, on):
        return 0
    assert key_person.next_visit_due is not None
    return ((on or today()) - key_person.next_visit_due).days
