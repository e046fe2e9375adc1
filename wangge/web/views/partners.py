"""共建共治: one page that leads to the modules of the people who govern with the grid besides the grid workers —
enterprises and their liaison cadres, the party organisation, co-governance, volunteers and their posts, the grid
workforce — each module keeping its own pages (wired by wangge.web.urls through ``routes``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

MODULES = (
    (
        "web:enterprise_home",
        _("助企包联"),
        _("企业台账与三级包联干部，走访记录，企业诉求转涉企工单跟踪办结，市场主体服务日、助企见面日和政银企对接。"),
    ),
    (
        "web:party_home",
        _("党建引领"),
        _("社区党委、网格党支部、楼栋党小组、党员中心户四级组织挂在网格上，党员联户、干部包片、红色管家。"),
    ),
    (
        "web:cogov_home",
        _("共商共治"),
        _(
            "民情恳谈会、议事协商会等议事会议的决议和落实任务，红色物业三方联动、述职评议、亮牌服务，领导和单位分包责任。"
        ),
    ),
    (
        "web:volunteer_home",
        _("志愿服务与岗位"),
        _("志愿者、队伍、活动与服务时长，社情民意调查员实名上报，护学岗等岗位排班和上岗签到。"),
    ),
    (
        "web:workforce_home",
        _("网格队伍"),
        _("五长一员、专兼职网格员与招录渠道、下沉力量、专项任务、阶梯晋级、奖惩、绩效工资和评优统计。"),
    ),
)


def installed_modules() -> list[tuple[str, object, object]]:
    """The modules whose home page is installed, with their URL."""
    found: list[tuple[str, object, object]] = []
    for name, title, text in MODULES:
        try:
            found.append((reverse(name), title, text))
        except NoReverseMatch:
            continue
    return found


@login_required
def partners_home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/partners_home.html", {"modules": installed_modules()})


routes: list[URLPattern] = [
    path("partners/", partners_home, name="partners_home"),
]
