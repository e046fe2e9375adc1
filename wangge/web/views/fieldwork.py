"""巡查与应急: one page that leads to the field and emergency modules (inspection rounds, 专项 campaigns, warnings,
duty and flood supplies, the 18:00 meeting's 交办 tasks, the project ledger), each module keeping its own pages
(wired by wangge.web.urls through ``routes``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

MODULES = (
    (
        "web:inspection_home",
        _("巡查体检"),
        _(
            "点位按周期体检：检查表、排班、手机上逐项检查、定位和照片；不合格项自动生成工单；漏巡、迟巡计入日通报和月度考评。"
        ),
    ),
    (
        "web:campaign_list",
        _("专项整治"),
        _(
            "专项行动的范围、时段、牵头与配合单位、检查表和目标；发现问题转工单；整治量（车、处、平方米、米）汇总，向责任主体通报。"
        ),
    ),
    (
        "web:emergency_home",
        _("预警发布"),
        _(
            "暴雨、洪水、地质灾害等预警分级发布，网格员、网格长和点位责任人逐一确认，超时未确认逐级提醒，住户短信覆盖情况实时可查。"
        ),
    ),
    (
        "web:duty_home",
        _("值班与防汛备勤"),
        _("值班表与换班、到岗签到，防汛物资库存与定额缺口、盘点，抢险队伍，应急预案版本，演练与会商记录。"),
    ),
    (
        "web:meeting_list",
        _("调度会与交办"),
        _("每日 18:00 调度会记录，跨部门问题分解交办到单位，限时签收、反馈、核销，逾期列入次日通报；打印交办单。"),
    ),
    (
        "web:project_list",
        _("项目台账"),
        _("道路、民生实事和重点项目：投资、进度、节点、每周进度填报，问题转工单，按类型汇总。"),
    ),
)


@login_required
def field_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/field_home.html", {"modules": MODULES})


routes: list[URLPattern] = [
    path("field/", field_home, name="field_home"),
]
