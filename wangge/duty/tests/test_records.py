"""Rescue teams, emergency plans with their versions, drills and 会商 records."""

from __future__ import annotations

import datetime as dt

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.duty.choices import PlanKind, TeamKind
from wangge.duty.errors import ErrorCode
from wangge.duty.models import Consultation, Drill, EmergencyPlan, PlanVersion, RescueTeam
from wangge.duty.services import consultation_record, drill_record, plan_create, plan_revise, team_create

from .conftest import jpeg, local, pdf


def test_a_team_is_registered_with_its_equipment_and_a_protected_phone(w):
    team = team_create(
        actor=w.street_staff,
        name="优越路街道防汛志愿服务队",
        kind=TeamKind.VOLUNTEER,
        territory=w.street,
        leader_name="林淑珍",
        leader_phone="13500007483",
        members=28,
        equipment=[("雨衣", 30, "套"), ("手电筒", 30, "个")],
    )
    assert [(e.name, e.quantity) for e in team.equipment.all()] == [("雨衣", 30), ("手电筒", 30)]
    team.refresh_from_db()
    assert team.leader_phone == "13500007483"
    entry = AuditEntry.objects.get(action="duty.team_create")
    assert "13500007483" not in str(entry.after)


def test_a_team_outside_the_actors_node_or_malformed_is_refused(w):
    with pytest.raises(PermissionDenied):
        team_create(
            actor=w.community_staff, name="队", kind=TeamKind.MILITIA, territory=w.street, leader_name="甲", members=3
        )
    with pytest.raises(ValidationFailed) as exc:
        team_create(actor=w.street_staff, name="队", kind="army", territory=w.street, leader_name="甲", members=3)
    assert exc.value.code == ErrorCode.INVALID_TEAM
    with pytest.raises(ValidationFailed):
        team_create(
            actor=w.street_staff, name="队", kind=TeamKind.MILITIA, territory=w.street, leader_name="甲", members=0
        )
    assert not RescueTeam.objects.exists()


def test_a_new_plan_version_supersedes_the_current_one_which_stays_visible(w):
    plan = plan_create(
        actor=w.admin,
        title="卫东区防汛应急预案",
        kind=PlanKind.SPECIAL,
        territory=w.district,
        units=[w.centre],
        version="2022版",
        effective_on=dt.date(2022, 6, 1),
        file=pdf(),
        now=local(2022, 6, 1, 9),
    )
    first = plan.versions.get()
    assert first.content_type == "application/pdf" and first.file.name.endswith(".pdf")
    new = plan_revise(
        actor=w.admin, plan=plan, version="2023版", effective_on=dt.date(2023, 6, 1), now=local(2023, 6, 1, 9)
    )
    first.refresh_from_db()
    assert first.superseded_at == local(2023, 6, 1, 9) and new.superseded_at is None
    assert list(plan.versions.order_by("uploaded_at").values_list("version", flat=True)) == ["2022版", "2023版"]
    assert AuditEntry.objects.filter(action="duty.plan_revise").count() == 1


def test_a_plan_version_is_refused_when_repeated_out_of_scope_or_not_a_pdf(w):
    plan = plan_create(
        actor=w.admin,
        title="预案",
        kind=PlanKind.SPECIAL,
        territory=w.district,
        version="1.0",
        effective_on=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationFailed) as exc:
        plan_revise(actor=w.admin, plan=plan, version="1.0", effective_on=dt.date(2025, 2, 1))
    assert exc.value.code == ErrorCode.DUPLICATE_VERSION
    with pytest.raises(NotFound):
        plan_revise(actor=w.stranger, plan=plan, version="2.0", effective_on=dt.date(2025, 2, 1))
    with pytest.raises(PermissionDenied):
        plan_revise(actor=w.leader, plan=plan, version="2.0", effective_on=dt.date(2025, 2, 1))
    with pytest.raises(ValidationFailed):
        from django.core.files.uploadedfile import SimpleUploadedFile

        plan_revise(
            actor=w.admin,
            plan=plan,
            version="2.0",
            effective_on=dt.date(2025, 2, 1),
            file=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
        )
    assert list(PlanVersion.objects.values_list("version", "superseded_at")) == [("1.0", None)]
    assert EmergencyPlan.objects.count() == 1


def test_a_drill_is_recorded_with_its_units_and_photos(w):
    drill = drill_record(
        actor=w.admin,
        held_on=dt.date(2025, 7, 19),
        title="汛期防汛实战演练",
        territory=w.district,
        participants=260,
        scenario="金鹰河水位超警戒，转移低洼处群众",
        units=[w.centre],
        findings="预警信息未到户",
        follow_ups="完善包户机制",
        photos=[jpeg()],
        now=local(2025, 7, 20, 12),
    )
    assert drill.photos.count() == 1 and list(drill.units.all()) == [w.centre]
    with pytest.raises(ValidationFailed):
        drill_record(
            actor=w.admin,
            held_on=dt.date(2025, 7, 21),
            title="x",
            territory=w.district,
            participants=1,
            scenario="x",
            now=local(2025, 7, 20, 12),
        )
    assert Drill.objects.count() == 1


def test_a_consultation_is_recorded_by_those_who_keep_the_node(w):
    c = consultation_record(
        actor=w.admin,
        held_at=local(2025, 7, 19, 9),
        territory=w.district,
        topic="防汛会商",
        convened_by="区委书记",
        attendees="区防指成员单位",
        situation="强降雨",
        decisions="加密会商频次",
        now=local(2025, 7, 19, 12),
    )
    assert c.topic == "防汛会商"
    with pytest.raises(PermissionDenied):
        consultation_record(
            actor=w.leader,
            held_at=local(2025, 7, 19, 9),
            territory=w.district,
            topic="x",
            convened_by="x",
            attendees="x",
            situation="x",
            decisions="x",
            now=local(2025, 7, 19, 12),
        )
    with pytest.raises(ValidationFailed):
        consultation_record(
            actor=w.admin,
            held_at=local(2025, 7, 19, 9),
            territory=w.district,
            topic="",
            convened_by="x",
            attendees="x",
            situation="x",
            decisions="x",
            now=local(2025, 7, 19, 12),
        )
    assert Consultation.objects.count() == 1
