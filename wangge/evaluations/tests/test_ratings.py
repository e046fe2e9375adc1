"""好差评: a finished 办件 is rated once, by the window's QR code (number + phone digits or receipt code) or
by its online link; a 差评 opens its rectification with its deadline."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wangge.core.actors import CITIZEN
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.evaluations.choices import RectificationStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import Evaluation, Rectification
from wangge.evaluations.services import evaluation_create, rating_link_token, receipt_code
from wangge.evaluations.tests.conftest import PHONE, finished, local
from wangge.hall.choices import ApplicationStatus

pytestmark = pytest.mark.django_db

NOW = local(2025, 6, 10, 15, 0)


def rate(world: SimpleNamespace, app: object, level: int = 5, **kwargs: object) -> Evaluation:
    args: dict[str, object] = {"code": app.code, "phone_last4": PHONE[-4:], "window": world.window, "now": NOW}  # type: ignore[attr-defined]
    args.update(kwargs)
    return evaluation_create(actor=CITIZEN, level=level, **args)  # type: ignore[arg-type]


def test_a_good_rating_is_attributed_to_the_window_staff_item_and_hall(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    ev = rate(world, app, 5, reasons=["attitude"], comment="很好")
    assert (ev.hall, ev.window, ev.staff, ev.item, ev.department) == (
        world.hall,
        world.window,
        world.clerk,
        world.item,
        world.dept,
    )
    assert not ev.is_bad and not ev.is_real_name and not Rectification.objects.exists()
    assert AuditEntry.objects.filter(action="evaluations.rate").count() == 1


def test_a_bad_rating_opens_a_rectification_due_in_fifteen_working_days(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    ev = rate(world, app, 1, reasons=["efficiency"], rater_name="张三", rater_phone="13900002222")
    assert ev.is_bad and ev.is_real_name
    r = Rectification.objects.get(evaluation=ev)
    assert r.status == RectificationStatus.VERIFYING and r.needs_callback
    # 2025-06-10 (Tue) + 15 working days; the Dragon Boat holiday (05-31–06-02) is already past
    assert r.due_at.astimezone(NOW.tzinfo).date().isoformat() == "2025-07-01"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"phone_last4": "0000"}, ErrorCode.APPLICATION_NOT_FOUND),
        ({"code": "NOPE"}, ErrorCode.APPLICATION_NOT_FOUND),
    ],
)
def test_a_wrong_check_is_refused_and_writes_nothing(world: SimpleNamespace, kwargs: dict, code: str) -> None:
    (app,) = finished(world, 1)
    with pytest.raises(NotFound) as exc:
        rate(world, app, 5, **kwargs)
    assert exc.value.code == code and not Evaluation.objects.exists()


def test_the_receipt_code_also_proves_the_application(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1, applicant_phone="")
    ev = rate(world, app, 4, phone_last4="", receipt=receipt_code(app))
    assert ev.level == 4


def test_repeated_failed_checks_lock_the_number(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    for _ in range(5):
        with pytest.raises(NotFound):
            rate(world, app, 5, phone_last4="9999")
    with pytest.raises(ValidationFailed) as exc:
        rate(world, app, 5)  # even the right digits, until the window ends
    assert exc.value.code == ErrorCode.TOO_MANY_TRIES and not Evaluation.objects.exists()


def test_once_per_application(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    rate(world, app, 5)
    with pytest.raises(Conflict) as exc:
        rate(world, app, 1)
    assert exc.value.code == ErrorCode.ALREADY_RATED
    assert Evaluation.objects.count() == 1 and not Rectification.objects.exists()


def test_an_unfinished_application_cannot_be_rated(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1, status=ApplicationStatus.ACCEPTED)
    with pytest.raises(ValidationFailed) as exc:
        rate(world, app, 5)
    assert exc.value.code == ErrorCode.NOT_FINISHED and not Evaluation.objects.exists()


def test_another_halls_window_code_is_refused(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    with pytest.raises(ValidationFailed) as exc:
        rate(world, app, 5, window=world.other_window)
    assert exc.value.code == ErrorCode.WRONG_WINDOW and not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [{"level": 0}, {"level": 6}, {"reasons": ["bribes"]}, {"is_complaint": True}, {"rater_phone": "12"}],
)
def test_bad_input_is_refused(world: SimpleNamespace, kwargs: dict) -> None:
    (app,) = finished(world, 1)
    level = kwargs.pop("level", 5)
    with pytest.raises(ValidationFailed) as exc:
        rate(world, app, level, **kwargs)
    assert exc.value.code == ErrorCode.INVALID_RATING and not Evaluation.objects.exists()


def test_the_online_link_rates_without_the_phone_digits(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    ev = evaluation_create(actor=CITIZEN, level=3, channel="online", token=rating_link_token(app), now=NOW)
    assert ev.application == app and ev.channel == "online"


def test_a_forged_link_is_refused(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    with pytest.raises(NotFound) as exc:
        evaluation_create(actor=CITIZEN, level=3, channel="online", token=rating_link_token(app) + "x", now=NOW)
    assert exc.value.code == ErrorCode.LINK_INVALID and not Evaluation.objects.exists()
