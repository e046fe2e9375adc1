"""Attachments of a case: who may add a file, when, and how it is kept.

Every file passes the one upload sanitiser (``wangge.core.uploads``): its type read from the bytes, an image
encoded again without its EXIF (the case records its position on purpose, never from a photo), a PDF only for
the ``file`` kind and only after a light check, a generated name. A submission's files are all checked before
any is stored, so a refusal keeps nothing.

A file belongs to one of two things:

* **a step** (:func:`attachments_for_step`): the files are inputs of a transition (or of the case's
  creation) that the transition service has already allowed this actor; they are linked to the step's
  history row. A step taken on a closed case carries none.
* **the case** (:func:`attachment_add`): a file added outside any step needs the change right over the case
  (``restrict(actor, CHANGE)``: community and street staff, administrators; or SYSTEM) and an open case.
  The roles that only view (leaders, inspectors, call takers, grid workers, dispatchers, unit handlers) add
  their files with the step they take.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, uploads
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.core.workflow import InvalidTransition
from wangge.workorders.choices import FINAL_STATUSES, AttachmentKind
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import Attachment, Event, WorkOrder

# The kind of the files of each file input of the workflow's steps (``workorders.workflow``).
STEP_FILE_KINDS: dict[str, str] = {
    "attachments": AttachmentKind.PHOTO,
    "before_photos": AttachmentKind.BEFORE,
    "after_photos": AttachmentKind.AFTER,
}
# The general photos (``attachments``) of these steps show the site after the work: 处置后 (the reply's, and the
# check that found the work not done). Intake photos are 处置前 (``work_order_create`` gives them as such).
AFTER_STEPS = frozenset({"reply", "verify_fail"})
# What each kind may hold: photos are images; a ``file`` may also be a PDF.
ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    AttachmentKind.PHOTO: uploads.IMAGES,
    AttachmentKind.BEFORE: uploads.IMAGES,
    AttachmentKind.AFTER: uploads.IMAGES,
    AttachmentKind.FILE: uploads.IMAGES_AND_PDF,
}


def attachment_add(
    *, actor: ActorLike, work_order: WorkOrder, upload: Any, kind: str = AttachmentKind.PHOTO, ip: str | None = None
) -> Attachment:
    """Add a file to an open case outside any step. Needs the change right over the case. The audit entry
    carries the client's address ``ip``.

    Raises NotFound (missing or out of the actor's scope), PermissionDenied (the actor only views the case),
    InvalidTransition (the case is closed, merged or void) and ValidationFailed (the kind, or the file)."""
    require(actor)
    if kind not in ACCEPTED_TYPES:
        raise ValidationFailed(_("附件类型不正确"), code=ErrorCode.INVALID_ATTACHMENT_KIND, details=[{"field": "kind"}])
    with transaction.atomic():
        wo = _case_to_change(actor, work_order.pk)
        if wo.status in FINAL_STATUSES:
            raise InvalidTransition(_("工单已办结，不能再添加附件"), code=ErrorCode.CASE_CLOSED)
        clean = uploads.sanitise(upload, accept=ACCEPTED_TYPES[kind])
        att = _store(wo, clean, kind=kind, actor=actor, event=None)
        audit.record(
            actor=actor,
            action="workorders.attachment_add",
            obj=wo,
            after={"attachment": att.pk, "kind": kind, "content_type": att.content_type, "size": att.size},
            only_changes=False,
            ip=ip,
        )
    return att


def attachments_for_step(*, actor: ActorLike, event: Event, files: Mapping[str, Iterable[Any]]) -> list[Attachment]:
    """Store the files given with a step, linked to its history row ``event``. ``files`` maps the step's file
    inputs (:data:`STEP_FILE_KINDS`) to their uploads. Only the transition service and the case's creation
    call this, after deciding that the actor may take the step; every file of the step is checked (count,
    total size, each file) before any is stored."""
    require(actor)
    given = [
        (_step_kind(event.name, name), upload) for name, batch in files.items() for upload in (batch or ()) if upload
    ]
    if not given:
        return []
    if event.from_status in FINAL_STATUSES:
        raise InvalidTransition(_("工单已办结，不能再添加附件"), code=ErrorCode.CASE_CLOSED)
    cleaned = uploads.sanitise_all([upload for _kind, upload in given], accept=uploads.IMAGES)
    wo = event.work_order
    stored = [
        _store(wo, clean, kind=kind, actor=actor, event=event)
        for (kind, _upload), clean in zip(given, cleaned, strict=True)
    ]
    audit.record(
        actor=actor,
        action="workorders.attachments_add",
        obj=wo,
        after={
            "event": event.pk,
            "attachments": [
                {"attachment": a.pk, "kind": a.kind, "content_type": a.content_type, "size": a.size} for a in stored
            ],
        },
        only_changes=False,
    )
    return stored


def _step_kind(step: str, name: str) -> str:
    kind = STEP_FILE_KINDS[name]
    return AttachmentKind.AFTER if kind == AttachmentKind.PHOTO and step in AFTER_STEPS else kind


def _case_to_change(actor: Any, pk: int) -> WorkOrder:
    """The case, locked, if the actor may change it; out of scope looks exactly like missing."""
    qs = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=pk)
    if is_system(actor):
        wo = qs.first()
    elif user_of(actor) is None:  # citizens and machine clients add files only with a step
        wo = None
    else:
        wo = qs.restrict(actor, CHANGE).first()
        if wo is None and WorkOrder.objects.restrict(actor).filter(pk=pk).exists():
            raise PermissionDenied(
                _("您对该工单只有查看权限；请在办理操作中上传附件"), code=ErrorCode.ATTACHMENT_FORBIDDEN
            )
    if wo is None:
        raise NotFound(_("工单不存在"))
    return wo


def _store(wo: WorkOrder, clean: uploads.CleanFile, *, kind: str, actor: Any, event: Event | None) -> Attachment:
    att = Attachment(
        work_order=wo,
        event=event,
        kind=kind,
        content_type=clean.content_type,
        size=clean.size,
        uploaded_by=user_of(actor),
    )
    att.file.save(clean.name, clean.as_file(), save=False)
    att.save()
    return att
