"""核查 evidence per category: a passing check carries the verifier's photos and position when the case's
category (or any of its parents) requires them; photos are labelled 处置前 (intake) and 处置后 (reply, check)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.core.errors import ValidationFailed
from wangge.core.tests.images import image
from wangge.workorders.choices import AttachmentKind, Status
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import Attachment, Category, WorkOrder
from wangge.workorders.services.handlers import verify_requirements

from .conftest import act, local, new_case, to_handling

T0 = local(2025, 6, 3, 9, 0)
POSITION = {"latitude": Decimal("33.012345"), "longitude": Decimal("113.012345")}


def photo(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image("PNG"), content_type="image/png")


def replied(w: SimpleNamespace, **kw: Any) -> WorkOrder:
    wo = new_case(w, at=T0, **kw)
    to_handling(w, wo, T0)
    return act(w, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="已拆除", result="resolved")


def require(category: Category, *, photo: bool = False, position: bool = False) -> None:
    category.verify_photo_required, category.verify_position_required = photo, position
    category.save()


def fingerprint(wo: WorkOrder) -> tuple[Any, ...]:
    wo.refresh_from_db()
    return (wo.status, wo.version, wo.verified_at, wo.events.count(), wo.attachments.count())


def verify(w: SimpleNamespace, wo: WorkOrder, **payload: Any) -> WorkOrder:
    return act(w, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=2), **payload)


def test_a_category_without_requirements_passes_without_evidence(world: SimpleNamespace) -> None:
    wo = verify(world, replied(world))
    assert wo.status == Status.CALLBACK


@pytest.mark.parametrize(
    ("need", "payload", "code", "fields"),
    [
        ({"photo": True}, {}, ErrorCode.VERIFY_PHOTO_REQUIRED, {"after_photos"}),
        ({"photo": True}, POSITION, ErrorCode.VERIFY_PHOTO_REQUIRED, {"after_photos"}),
        ({"position": True}, {}, ErrorCode.VERIFY_POSITION_REQUIRED, {"latitude", "longitude"}),
        ({"position": True, "photo": True}, {"after_photos": "photo"}, ErrorCode.VERIFY_POSITION_REQUIRED, None),
        ({}, {"latitude": Decimal("33.01")}, ErrorCode.INVALID_POSITION, {"longitude"}),
    ],
)
def test_a_check_without_the_required_evidence_is_refused_and_changes_nothing(
    world: SimpleNamespace, need: dict[str, bool], payload: dict[str, Any], code: ErrorCode, fields: set[str] | None
) -> None:
    require(world.category, **need)
    wo = replied(world)
    before = fingerprint(wo)
    if payload.get("after_photos") == "photo":
        payload = {**payload, "after_photos": [photo()]}
    with pytest.raises(ValidationFailed) as exc:
        verify(world, wo, **payload)
    assert exc.value.code == code
    assert "核查" in exc.value.message or "坐标" in exc.value.message
    if fields is not None:
        assert {d["field"] for d in exc.value.details} == fields
    assert fingerprint(wo) == before


def test_a_check_with_the_required_evidence_keeps_photos_as_after_and_the_position(world: SimpleNamespace) -> None:
    require(world.category, photo=True, position=True)
    wo = verify(world, replied(world), after_photos=[photo()], **POSITION)
    assert wo.status == Status.CALLBACK
    event = wo.events.get(name="verify_pass")
    assert event.data["position"] == {"lat": "33.012345", "lng": "113.012345", "crs": "WGS-84"}
    assert [a.kind for a in event.attachments.all()] == [AttachmentKind.AFTER]


def test_the_unit_s_reply_photos_do_not_stand_in_for_the_verifier_s(world: SimpleNamespace) -> None:
    require(world.category, photo=True)
    wo = new_case(world, at=T0)
    to_handling(world, wo, T0)
    act(world, wo, "reply", "handler", T0, text="已拆除", result="resolved", attachments=[photo()])
    with pytest.raises(ValidationFailed):
        verify(world, wo)


def test_a_parent_s_requirement_applies_to_its_children(world: SimpleNamespace) -> None:
    parent = world.category.parent
    assert parent is not None and not world.category.verify_photo_required
    require(parent, position=True)
    world.category.refresh_from_db()
    assert verify_requirements(world.category) == (False, True)
    assert verify_requirements(parent) == (False, True)
    assert verify_requirements(None) == (False, False)
    with pytest.raises(ValidationFailed) as exc:
        verify(world, replied(world))
    assert exc.value.code == ErrorCode.VERIFY_POSITION_REQUIRED


def test_intake_photos_are_before_and_reply_photos_after(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0, photos=[photo()])
    to_handling(world, wo, T0)
    act(world, wo, "reply", "handler", T0, text="已拆除", result="resolved", attachments=[photo()])
    kinds = dict(Attachment.objects.filter(work_order=wo).values_list("event__name", "kind"))
    assert kinds == {"create": AttachmentKind.BEFORE, "reply": AttachmentKind.AFTER}
