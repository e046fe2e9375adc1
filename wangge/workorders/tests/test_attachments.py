"""Who may add a file to a case, and when: with a step the actor may take, or with the change right on an open
case. Every file goes through the upload sanitiser; a refusal keeps nothing, in the database or the storage."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.accounts.choices import Role
from wangge.core.actors import SYSTEM, CitizenActor
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.tests.images import GPS_IFD, exif_of, image
from wangge.core.workflow import FILES, InvalidTransition
from wangge.workorders.choices import FINAL_STATUSES, Status
from wangge.workorders.models import Attachment, WorkOrder
from wangge.workorders.services import attachment_add, work_order_create
from wangge.workorders.services.attachments import STEP_FILE_KINDS
from wangge.workorders.workflow import TRANSITIONS

from .conftest import _user, act, local, new_case, to_closed, to_handling

T0 = local(2025, 6, 3, 9, 0)
GENERATED = r"^workorders/WG\w+/[0-9a-f]{32}\.png$"


def photo(name: str = "p.png", **kw: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image("PNG", **kw), content_type="image/png")


def stored_files(path: str = "") -> list[str]:
    """Every file in the default storage under ``path`` (the tests' in-memory storage lives as long as the process)."""
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return []
    out = [f"{path}/{f}" if path else f for f in files]
    for d in dirs:
        out += stored_files(f"{path}/{d}" if path else d)
    return out


@pytest.fixture
def changers(world: SimpleNamespace) -> SimpleNamespace:
    """Staff holding the change right over the test grid: community and street staff, an administrator."""
    world.community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=world.community)
    world.street_staff = _user("jd", Role.STREET_STAFF, territory=world.street)
    world.admin = _user("gly", Role.ADMIN, territory=world.district)
    return world


def fingerprint(wo: WorkOrder) -> tuple[Any, ...]:
    wo.refresh_from_db()
    return (wo.status, wo.version, Attachment.objects.count(), tuple(stored_files()))


# --- outside a step: the change right on an open case ------------------------------------------------


@pytest.mark.parametrize("who", ["community_staff", "street_staff", "admin"])
def test_staff_with_the_change_right_add_a_file_to_an_open_case(changers: SimpleNamespace, who: str) -> None:
    wo = new_case(changers, at=T0)

    att = attachment_add(actor=getattr(changers, who), work_order=wo, upload=photo("现场.html"))

    assert att.event is None and att.uploaded_by == getattr(changers, who)
    assert att.content_type == "image/png" and att.file.name.endswith(".png") and "现场" not in att.file.name
    assert AuditEntry.objects.filter(action="workorders.attachment_add", object_id=str(wo.pk)).count() == 1


def test_the_system_adds_a_file_to_an_open_case(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    assert attachment_add(actor=SYSTEM, work_order=wo, upload=photo()).uploaded_by is None


@pytest.mark.parametrize("who", ["leader", "inspector", "caller", "worker", "dispatcher", "handler"])
def test_roles_that_only_view_cannot_add_a_file_outside_a_step(world: SimpleNamespace, who: str) -> None:
    # given a case every one of them sees (dispatched to the handler's unit)
    wo = act(world, new_case(world, at=T0), "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=world.dept)
    before = fingerprint(wo)

    with pytest.raises(PermissionDenied) as err:
        attachment_add(actor=getattr(world, who), work_order=wo, upload=photo())

    assert err.value.code == "attachment_forbidden"
    assert fingerprint(wo) == before


@pytest.mark.parametrize("who", ["stranger", "other_worker", "other_handler"])
def test_a_case_out_of_scope_is_not_found(world: SimpleNamespace, who: str) -> None:
    wo = act(world, new_case(world, at=T0), "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=world.dept)
    before = fingerprint(wo)
    with pytest.raises(NotFound):
        attachment_add(actor=getattr(world, who), work_order=wo, upload=photo())
    assert fingerprint(wo) == before


def test_a_citizen_adds_no_file_outside_a_step(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    with pytest.raises(NotFound):
        attachment_add(actor=CitizenActor(tracking_code=wo.tracking_code), work_order=wo, upload=photo())
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("who", ["street_staff", "admin", "system"])
@pytest.mark.parametrize("final", sorted(FINAL_STATUSES))
def test_nobody_adds_a_file_to_a_closed_case(changers: SimpleNamespace, who: str, final: str) -> None:
    wo = new_case(changers, at=T0)
    if final == Status.CLOSED:
        to_closed(changers, wo, T0 + dt.timedelta(minutes=5))
    elif final == Status.INVALID:
        act(changers, wo, "invalidate", "caller", T0 + dt.timedelta(minutes=5), note="测试电话")
    else:
        act(changers, wo, "merge", "caller", T0 + dt.timedelta(minutes=5), parent=new_case(changers, at=T0))
    before = fingerprint(wo)
    assert wo.status == final

    with pytest.raises(InvalidTransition) as err:
        attachment_add(actor=SYSTEM if who == "system" else getattr(changers, who), work_order=wo, upload=photo())

    assert err.value.code == "case_closed"
    assert fingerprint(wo) == before


def test_a_pdf_is_a_file_never_a_photo(changers: SimpleNamespace) -> None:
    wo = new_case(changers, at=T0)
    pdf = SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n<< /Type /Catalog >>\ntrailer\n%%EOF\n")
    with pytest.raises(ValidationFailed) as err:
        attachment_add(actor=changers.street_staff, work_order=wo, upload=pdf, kind="photo")
    assert err.value.code == "unsupported_file_type" and not Attachment.objects.exists()

    att = attachment_add(actor=changers.street_staff, work_order=wo, upload=pdf, kind="file")
    assert att.content_type == "application/pdf" and att.file.name.endswith(".pdf")


def test_an_html_page_behind_gif_magic_is_refused_and_nothing_is_kept(changers: SimpleNamespace) -> None:
    wo = new_case(changers, at=T0)
    before = fingerprint(wo)
    look = SimpleUploadedFile("look.html", b"GIF89a<html><script>alert(1)</script></html>", content_type="text/html")
    with pytest.raises(ValidationFailed):
        attachment_add(actor=changers.street_staff, work_order=wo, upload=look)
    assert fingerprint(wo) == before


def test_a_photo_is_stored_without_its_gps_position_under_a_generated_name(changers: SimpleNamespace) -> None:
    wo = new_case(changers, at=T0)
    att = attachment_add(actor=changers.street_staff, work_order=wo, upload=photo("IMG_0001.png", gps=True))
    with att.file.open("rb") as handle:
        kept = handle.read()
    assert GPS_IFD not in exif_of(kept) and exif_of(kept) == {}
    assert att.file.name.startswith(f"workorders/{wo.tracking_code}/")
    assert re.match(GENERATED, att.file.name) and att.size == len(kept)


# --- with a step ------------------------------------------------------------------------------------------


def test_the_files_of_a_step_belong_to_its_history_row(world: SimpleNamespace) -> None:
    wo = to_handling(world, new_case(world, at=T0), T0 + dt.timedelta(minutes=5))
    act(
        world,
        wo,
        "reply",
        "handler",
        T0 + dt.timedelta(hours=1),
        text="已拆除",
        result="resolved",
        attachments=[photo("after.png", gps=True)],
    )
    att = Attachment.objects.get(work_order=wo)
    assert att.event is not None and att.event.name == "reply" and att.uploaded_by == world.handler
    with att.file.open("rb") as handle:
        assert exif_of(handle.read()) == {}


def test_a_grid_worker_attaches_photos_only_with_the_step_they_take(world: SimpleNamespace) -> None:
    wo = new_case(world, channel="patrol", actor=world.worker, at=T0)

    act(
        world,
        wo,
        "resolve_on_site",
        "worker",
        T0 + dt.timedelta(minutes=30),
        text="已清理",
        before_photos=[photo("b.png")],
        after_photos=[photo("a.png")],
    )

    rows = Attachment.objects.filter(work_order=wo).select_related("event").order_by("kind")
    assert [(a.kind, a.event.name if a.event else None) for a in rows] == [
        ("after", "resolve_on_site"),
        ("before", "resolve_on_site"),
    ]


def test_a_refused_step_keeps_none_of_its_files(world: SimpleNamespace) -> None:
    wo = to_handling(world, new_case(world, at=T0), T0 + dt.timedelta(minutes=5))
    before = fingerprint(wo)
    look = SimpleUploadedFile("look.html", b"GIF89a<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationFailed):
        act(
            world,
            wo,
            "reply",
            "handler",
            T0 + dt.timedelta(hours=1),
            text="已拆除",
            result="resolved",
            attachments=[photo(), look],
        )
    assert fingerprint(wo) == before


def test_a_step_with_more_files_than_a_submission_holds_is_refused(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_FILES = 6
    wo = to_handling(world, new_case(world, at=T0), T0 + dt.timedelta(minutes=5))
    before = fingerprint(wo)
    with pytest.raises(ValidationFailed) as err:
        act(
            world,
            wo,
            "reply",
            "handler",
            T0 + dt.timedelta(hours=1),
            text="已拆除",
            result="resolved",
            attachments=[photo() for _ in range(7)],
        )
    assert err.value.code == "too_many_files" and fingerprint(wo) == before


def test_every_file_input_of_the_workflow_has_a_kind() -> None:
    inputs = {i.name for t in TRANSITIONS.values() for i in t.inputs if i.kind == FILES}
    assert inputs and inputs <= set(STEP_FILE_KINDS)


# --- with the case's creation --------------------------------------------------------------------------------


def _appeal(world: SimpleNamespace, photos: list[Any]) -> WorkOrder:
    return work_order_create(
        actor=CitizenActor(),
        channel="h5",
        appeal_type="complaint",
        title="路灯不亮",
        description="小区门口路灯三天不亮",
        lng=113.01,
        lat=33.01,
        photos=photos,
        now=T0,
    )


def test_an_appeal_keeps_its_photos_with_the_creation(world: SimpleNamespace) -> None:
    wo = _appeal(world, [photo("a.png", gps=True), photo("b.png")])
    rows = list(Attachment.objects.filter(work_order=wo).select_related("event"))
    assert [a.event.name if a.event else None for a in rows] == ["create", "create"]
    assert all(a.uploaded_by is None and a.file.name.endswith(".png") for a in rows)


def test_an_appeal_with_seven_photos_is_refused_and_nothing_is_kept(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_FILES = 6
    files = stored_files()
    with pytest.raises(ValidationFailed) as err:
        _appeal(world, [photo(f"{i}.png") for i in range(7)])
    assert err.value.code == "too_many_files"
    assert not WorkOrder.objects.exists() and not Attachment.objects.exists() and stored_files() == files


def test_an_appeal_over_the_total_size_is_refused_and_nothing_is_kept(world: SimpleNamespace, settings: Any) -> None:
    big = image("PNG", size=(64, 64))
    settings.WANGGE_MAX_UPLOAD_TOTAL_BYTES = 2 * len(big)
    files = stored_files()
    with pytest.raises(ValidationFailed) as err:
        _appeal(world, [SimpleUploadedFile(f"{i}.png", big) for i in range(3)])
    assert err.value.code == "upload_too_large"
    assert not WorkOrder.objects.exists() and not Attachment.objects.exists() and stored_files() == files
