"""The background tasks' results (django-tasks' database backend) in Chinese: read-only, as the package has it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from wangge.core.admin import column, relabel

STATUS_LABELS: dict[str, Any] = {
    "READY": _("待执行"),
    "RUNNING": _("执行中"),
    "FAILED": _("失败"),
    "SUCCESSFUL": _("成功"),
}

relabel(DBTaskResult, _("后台任务"), _("后台任务"), app_name=_("后台任务"))
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(STATUS_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(DBTaskResult)
class TaskResultAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    c_id = column("id", _("编号"))
    c_task = column("task_path", _("任务"))
    c_status = column("status", _("状态"), choices=STATUS_LABELS)
    c_enqueued = column("enqueued_at", _("入队时间"))
    c_started = column("started_at", _("开始时间"))
    c_finished = column("finished_at", _("结束时间"))
    c_priority = column("priority", _("优先级"))
    c_queue = column("queue_name", _("队列"))
    c_args = column("args_kwargs", _("参数"))
    c_workers = column("worker_ids", _("执行进程"))
    c_backend = column("backend_name", _("后端"))
    c_run_after = column("run_after", _("最早执行时间"))
    c_return = column("return_value", _("返回值"))
    c_exception = column("exception_class_path", _("异常类型"))
    c_traceback = column("traceback", _("异常堆栈"))
    list_display = ("c_id", "c_task", "c_status", "c_enqueued", "c_started", "c_finished", "c_priority", "c_queue")
    list_filter = (StatusFilter,)
    ordering = ["-enqueued_at"]
    fields = readonly_fields = (
        "c_id",
        "c_task",
        "c_status",
        "c_enqueued",
        "c_started",
        "c_finished",
        "c_priority",
        "c_queue",
        "c_args",
        "c_workers",
        "c_backend",
        "c_run_after",
        "c_return",
        "c_exception",
        "c_traceback",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
