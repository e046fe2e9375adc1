"""Choices of 巡查体检 (一表: 定标、定人、明岗、明责、定期抽查). Templates, filters and the API read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    NUMBER = "number", _("数值（含合格范围）")
    TEXT = "text", _("文字记录")
    PHOTO = "photo", _("现场照片")


class RoundStatus(models.TextChoices):
    PENDING = "pending", _("待巡查")
    DONE = "done", _("已完成")
    CHECKED = "checked", _("已抽查")
    MISSED = "missed", _("已漏巡")
    EXCUSED = "excused", _("已免检")


# A round counts as done (巡查完成) in either status; an excused round is not due.
DONE_STATUSES: frozenset[str] = frozenset({RoundStatus.DONE, RoundStatus.CHECKED})
NOT_DUE_STATUSES: frozenset[str] = frozenset({RoundStatus.EXCUSED})


class Frequency(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class AssigneeRule(models.TextChoices):
    RESPONSIBLE_USER = "responsible_user", _("点位责任人（未绑定账号时由网格员轮值）")
    GRID_WORKERS = "grid_workers", _("所在网格的网格员轮值")


class Verdict(models.TextChoices):
    AGREE = "agree", _("抽查属实")
    DISAGREE = "disagree", _("抽查不属实")


# The default checklists of the flood-season hazard types (and the bridges of 桥涵整治):
# point type key -> (template name, items). An item: (key, label, kind, opens a case, category code, min, max, unit).
Item = tuple[str, str, str, bool, str, float | None, float | None, str]
_PHOTO: Item = ("photo", "现场照片", ItemKind.PHOTO, False, "", None, None, "")
_SIGNS: Item = ("warning_signs", "警示标志、警戒线到位", ItemKind.YES_NO, True, "C0202", None, None, "")
DEFAULT_TEMPLATES: dict[str, tuple[str, tuple[Item, ...]]] = {
    "river": (
        "河道巡查体检表",
        (
            ("channel_clear", "河道行洪通畅、无阻水障碍物", ItemKind.YES_NO, True, "E0105", None, None, ""),
            ("banks_intact", "堤岸、护坡完好无塌陷渗漏", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("water_level", "水位（距警戒水位）", ItemKind.NUMBER, True, "E0105", 0.5, None, "米"),
            _SIGNS,
            ("notes", "其他情况", ItemKind.TEXT, False, "", None, None, ""),
            _PHOTO,
        ),
    ),
    "underpass": (
        "下穿式桥涵巡查体检表",
        (
            ("drains_clear", "排水口、雨水箅子畅通", ItemKind.YES_NO, True, "C0103", None, None, ""),
            ("pumps_ready", "抽水泵完好可用", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("water_depth", "路面积水深度", ItemKind.NUMBER, True, "E0403", None, 15, "厘米"),
            ("gauge_signs", "水位标尺、禁行警示标志到位", ItemKind.YES_NO, True, "C0202", None, None, ""),
            _PHOTO,
        ),
    ),
    "underground_mall": (
        "地下商超巡查体检表",
        (
            ("flood_barriers", "挡水板、沙袋等防汛物资到位", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("exits_clear", "安全出口、疏散通道畅通", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("pumps_ready", "排水泵完好可用", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("notes", "其他情况", ItemKind.TEXT, False, "", None, None, ""),
            _PHOTO,
        ),
    ),
    "underground_parking": (
        "地下停车场巡查体检表",
        (
            ("flood_barriers", "出入口挡水板、沙袋到位", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("drains_clear", "截水沟、排水口畅通", ItemKind.YES_NO, True, "C0103", None, None, ""),
            ("pumps_ready", "抽水泵完好可用", ItemKind.YES_NO, True, "C0601", None, None, ""),
            _SIGNS,
            _PHOTO,
        ),
    ),
    "geological_hazard": (
        "地质灾害点巡查体检表",
        (
            ("no_cracks", "无新增裂缝、沉降或滑移迹象", ItemKind.YES_NO, True, "E0402", None, None, ""),
            ("drainage_ok", "截排水设施完好", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("crack_width", "监测裂缝宽度", ItemKind.NUMBER, True, "E0402", None, 20, "毫米"),
            _SIGNS,
            _PHOTO,
        ),
    ),
    "waterlogging": (
        "易积水点巡查体检表",
        (
            ("drains_clear", "排水口畅通", ItemKind.YES_NO, True, "C0103", None, None, ""),
            ("pumps_ready", "抽水泵完好可用", ItemKind.YES_NO, True, "C0601", None, None, ""),
            ("water_depth", "积水深度", ItemKind.NUMBER, True, "E0403", None, 10, "厘米"),
            _SIGNS,
            _PHOTO,
        ),
    ),
    "bridge": (
        "桥涵巡查体检表",
        (
            ("structure_ok", "桥体、护栏完好无破损", ItemKind.YES_NO, True, "C0203", None, None, ""),
            ("clean", "桥下无垃圾堆积", ItemKind.YES_NO, True, "E0102", None, None, ""),
            ("no_ads", "无乱贴乱画小广告", ItemKind.YES_NO, True, "E0201", None, None, ""),
            ("drains_clear", "排水通畅", ItemKind.YES_NO, True, "C0103", None, None, ""),
            _PHOTO,
        ),
    ),
}
