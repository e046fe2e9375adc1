"""Submissions: scope, ledger mappings, the household's visit stamp, cases through intake, versions, coverage."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.ledgers.models import Household, Resident
from wangge.surveys import engine, selectors
from wangge.surveys.errors import ErrorCode
from wangge.surveys.models import FormSubmission, FormTemplate, SubmissionPhoto
from wangge.surveys.services import current_version, submission_create, template_create, version_publish
from wangge.surveys.tests.conftest import household_answers, jpeg, local
from wangge.workorders.choices import Channel


def test_the_seeded_templates_are_sound(db: None) -> None:
    for template in FormTemplate.objects.all():
        version = current_version(template)
        assert version is not None
        assert engine.definition_problems(version.fields, version.actions, target=template.target) == []
    assert set(FormTemplate.objects.values_list("key", flat=True)) >= {"household_check", "merchant_check"}


def test_a_household_form_updates_the_ledger_and_stamps_the_visit(place: SimpleNamespace) -> None:
    at = local(2026, 5, 6, 10, 0)
    sub = submission_create(
        actor=place.worker,
        template=place.household_check,
        household=place.household,
        answers=household_answers(head_phone="138 1234 5678", remarks="独居，子女在外地"),
        lng=113.011,
        lat=33.012,
        photos={"photo": [jpeg()]},
        at=at,
    )
    household = Household.objects.get(pk=place.household.pk)
    assert household.use == "rented"
    assert household.last_visited_at == at
    assert "独居，子女在外地" in household.notes
    head = Resident.objects.get(pk=place.head.pk)
    assert head.phone == "13812345678" and head.phone_index
    assert sub.grid == place.grid1 and sub.work_order is None
    assert sub.answers["occupants"] == 3 and sub.answers["use"] == "出租"
    photo = SubmissionPhoto.objects.get(submission=sub)
    assert sub.answers["photo"] == [photo.pk] and photo.content_type == "image/jpeg"
    # Written through the ledgers' services, each audited there; the phone is masked in the trail.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"surveys.submission_create", "ledgers.household_update", "ledgers.resident_update"} <= actions
    assert "13812345678" not in str(list(AuditEntry.objects.values_list("before", "after")))
    entry = AuditEntry.objects.get(action="surveys.submission_create")
    assert entry.after is not None and entry.after["ledger"] == [
        "household.head.phone",
        "household.notes",
        "household.use",
    ]


def test_an_answer_opens_a_case_through_intake(place: SimpleNamespace) -> None:
    sub = submission_create(
        actor=place.worker,
        template=place.household_check,
        household=place.household,
        answers=household_answers(has_problem="是", problem="楼道堆放杂物"),
        photos={"photo": [jpeg()]},
        at=local(2026, 5, 6, 10, 0),
    )
    wo = sub.work_order
    assert wo is not None
    assert wo.title == "楼道堆放杂物" and wo.channel == Channel.PATROL
    assert wo.category is not None and wo.category.code == "S0801"
    assert wo.grid == place.grid1  # at the building's position
    assert "来源：入户排查登记表" in wo.description
    assert wo.attachments.count() == 1


def test_a_merchant_form_opens_a_case_at_the_merchant(place: SimpleNamespace) -> None:
    sub = submission_create(
        actor=place.worker,
        template=place.merchant_check,
        merchant=place.merchant,
        answers={
            "fire_equipment": "缺失或过期",
            "frontage": "落实",
            "licence_shown": "已公示",
            "problem": "灭火器过期",
        },
    )
    assert sub.work_order is not None and sub.work_order.lng == pytest.approx(113.02)


def test_problem_text_is_required_when_a_problem_is_found(place: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as err:
        submission_create(
            actor=place.worker,
            template=place.household_check,
            household=place.household,
            answers=household_answers(has_problem="是"),
        )
    assert err.value.code == ErrorCode.SUBMISSION_INVALID
    assert [d["field"] for d in err.value.details] == ["problem"]
    assert not FormSubmission.objects.exists()
    assert Household.objects.get(pk=place.household.pk).last_visited_at is None


def test_another_grids_worker_cannot_submit_there(place: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        submission_create(
            actor=place.other_worker,
            template=place.household_check,
            household=place.household,
            answers=household_answers(),
        )
    assert not FormSubmission.objects.exists()


def test_a_viewer_without_record_is_refused(place: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        submission_create(
            actor=place.leader, template=place.household_check, household=place.household, answers=household_answers()
        )


def test_a_target_is_required_and_of_the_templates_kind(place: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as err:
        submission_create(actor=place.worker, template=place.household_check, answers=household_answers())
    assert err.value.code == ErrorCode.TARGET_REQUIRED
    with pytest.raises(ValidationFailed) as err:
        submission_create(
            actor=place.worker,
            template=place.household_check,
            household=place.household,
            merchant=place.merchant,
            answers=household_answers(),
        )
    assert err.value.code == ErrorCode.TARGET_MISMATCH


def test_a_bad_phone_writes_nothing(place: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as err:
        submission_create(
            actor=place.worker,
            template=place.household_check,
            household=place.household,
            answers=household_answers(head_phone="电话不详"),
        )
    assert err.value.code == ErrorCode.LEDGER_UPDATE_FAILED
    assert not FormSubmission.objects.exists()
    assert Household.objects.get(pk=place.household.pk).use == "owner"


def test_a_form_about_nothing_takes_its_grid_from_the_position(place: SimpleNamespace) -> None:
    template = template_create(
        actor=SYSTEM, key="street_walk", name="街面巡查", fields=[{"name": "note", "label": "情况", "kind": "text"}]
    )
    sub = submission_create(actor=place.worker, template=template, answers={"note": "正常"}, lng=113.01, lat=33.01)
    assert sub.grid == place.grid1
    with pytest.raises(NotFound):  # grid 2's position is outside the worker's grid
        submission_create(actor=place.worker, template=template, answers={"note": "正常"}, lng=113.07, lat=33.01)
    with pytest.raises(ValidationFailed) as err:
        submission_create(actor=place.worker, template=template, answers={"note": "正常"})
    assert err.value.code == ErrorCode.GRID_REQUIRED


def test_pickers_take_only_rows_in_scope(place: SimpleNamespace) -> None:
    template = template_create(
        actor=SYSTEM, key="pick", name="选人", fields=[{"name": "who", "label": "居民", "kind": "resident"}]
    )
    other = Resident.objects.create(name="李某", grid=place.grid2)
    submission_create(actor=place.worker, template=template, grid=place.grid1, answers={"who": place.head.pk})
    with pytest.raises(ValidationFailed) as err:
        submission_create(actor=place.worker, template=template, grid=place.grid1, answers={"who": other.pk})
    assert err.value.details[0]["error"] == ErrorCode.BAD_PICK


def test_versions_old_submissions_keep_theirs(place: SimpleNamespace) -> None:
    template = place.household_check
    first = current_version(template)
    assert first is not None
    old = submission_create(
        actor=place.worker, template=template, household=place.household, answers=household_answers()
    )
    fields = [
        *first.fields,
        {"name": "pets", "label": "养犬", "kind": "choice", "choices": ["是", "否"], "required": True},
    ]
    second = version_publish(actor=place.admin, template=template, fields=fields, actions=first.actions, note="加养犬")
    assert second.number == first.number + 1
    with pytest.raises(ValidationFailed):
        submission_create(actor=place.worker, template=template, household=place.household, answers=household_answers())
    new = submission_create(
        actor=place.worker, template=template, household=place.household, answers=household_answers(pets="否")
    )
    old.refresh_from_db()
    assert old.version == first and new.version == second
    assert new.answers["pets"] == "否" and "pets" not in old.answers


def test_only_administrators_publish_and_definitions_are_checked(place: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        version_publish(actor=place.worker, template=place.household_check, fields=[])
    with pytest.raises(ValidationFailed) as err:
        version_publish(actor=place.admin, template=place.household_check, fields=[{"name": "a", "kind": "x"}])
    assert err.value.code == ErrorCode.INVALID_DEFINITION
    with pytest.raises(ValidationFailed) as err:
        version_publish(
            actor=place.admin,
            template=place.household_check,
            fields=[{"name": "a", "label": "A", "kind": "choice", "choices": ["是"]}],
            actions={"open_case_when": {"field": "a", "equals": "是"}, "category_code": "NOPE"},
        )
    assert err.value.code == ErrorCode.INVALID_DEFINITION
    assert err.value.details[0]["error"] == ErrorCode.UNKNOWN_CATEGORY
    with pytest.raises(ValidationFailed) as err:
        template_create(actor=place.admin, key="household_check", name="重复", fields=[])
    assert err.value.code == ErrorCode.KEY_TAKEN


def test_an_inactive_template_cannot_be_filled(place: SimpleNamespace) -> None:
    FormTemplate.objects.filter(pk=place.household_check.pk).update(is_active=False)
    place.household_check.refresh_from_db()
    with pytest.raises(ValidationFailed) as err:
        submission_create(
            actor=place.worker, template=place.household_check, household=place.household, answers=household_answers()
        )
    assert err.value.code == ErrorCode.TEMPLATE_INACTIVE


def test_coverage_counts_forms_and_visits_in_the_quarter(place: SimpleNamespace) -> None:
    extra = [
        Household.objects.create(code=f"{place.grid1.code}-x{i}", grid=place.grid1, house_no=f"{i}号") for i in range(3)
    ]
    Household.objects.create(code=f"{place.grid1.code}-gone", grid=place.grid1, status="archived")
    # In Q2 2026: the household by a form, one more by a visit recorded in the ledger; one visited in Q1 only.
    submission_create(
        actor=place.worker,
        template=place.household_check,
        household=place.household,
        answers=household_answers(),
        at=local(2026, 5, 6, 10, 0),
    )
    Household.objects.filter(pk=extra[0].pk).update(last_visited_at=local(2026, 6, 30, 23, 0))
    Household.objects.filter(pk=extra[1].pk).update(last_visited_at=local(2026, 3, 31, 23, 0))
    rows = selectors.registration_coverage(place.community, dt.date(2026, 4, 1))
    by_grid = {r["grid"].code: r for r in rows}
    assert by_grid[place.grid1.code]["households"] == 4
    assert by_grid[place.grid1.code]["visited"] == 2
    assert by_grid[place.grid1.code]["ratio"] == pytest.approx(0.5)
    assert by_grid[place.grid2.code] == {"grid": place.grid2, "households": 1, "visited": 0, "ratio": 0.0}
    q1 = {r["grid"].code: r for r in selectors.registration_coverage(place.community, dt.date(2026, 2, 10))}
    assert q1[place.grid1.code]["visited"] == 1
    assert selectors.coverage_total(rows) == {"households": 5, "visited": 2, "ratio": pytest.approx(0.4)}
    assert [r["grid"] for r in selectors.registration_coverage(place.grid2)] == [place.grid2]


def test_quarters_parse() -> None:
    assert selectors.parse_quarter("2026-Q3") == dt.date(2026, 7, 1)
    assert selectors.parse_quarter("2026-Q5") is None
    assert selectors.parse_quarter("abc") is None
    assert selectors.next_quarter(dt.date(2026, 10, 1)) == dt.date(2027, 1, 1)
    assert selectors.quarter_label(dt.date(2026, 10, 1)) == "2026-Q4"


def test_a_form_entered_late_does_not_move_the_visit_back(place: SimpleNamespace) -> None:
    later = local(2026, 5, 20, 9, 0)
    Household.objects.filter(pk=place.household.pk).update(last_visited_at=later)
    place.household.refresh_from_db()
    submission_create(
        actor=place.worker,
        template=place.household_check,
        household=place.household,
        answers=household_answers(),
        at=local(2026, 5, 6, 10, 0),
    )
    assert Household.objects.get(pk=place.household.pk).last_visited_at == later
