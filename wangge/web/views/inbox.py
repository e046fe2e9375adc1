"""站内消息: the in-app inbox of deadline warnings, breaches, dispatches and supervision cards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.notifications.models import Notification
from wangge.notifications.services import notification_mark_read

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """One's own messages, newest first; ``?unread=1`` shows only the unread ones."""
    qs = Notification.objects.filter(recipient_id=request.user.pk).order_by("-created_at", "-id")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count()
    return render(request, "web/inbox.html", {"page": page, "unread": unread, "unread_only": unread_only})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark messages read: the ids posted, or all of one's unread messages with ``all=1``; then follow
    the message's link when one message was opened."""
    user = request.user
    if request.POST.get("all") == "1":
        ids = list(Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).values_list("pk", flat=True))
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notification_mark_read(actor=user, notification_ids=ids)
    target = request.POST.get("next", "")
    if len(ids) == 1 and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("web:inbox")
