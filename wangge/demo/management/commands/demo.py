"""``python manage.py demo [--boundaries FILE] [--cases N]``: build (or bring up to date) the demo data set, all or
nothing (one transaction: a build that fails part-way leaves the database as it was)."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.errors import DomainError
from wangge.demo.catalogue import DEMO_PASSWORD
from wangge.demo.services import DemoOptions, demo_login_table, demo_seed


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table aligned for CJK text (wide characters count as two columns)."""
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(str(c), w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "生成演示数据：平顶山市卫东区、湛河区的辖区网格、单位、网格员、隐患点位、工作日历、"
        "台账（楼栋、住户、居民、商户、治安隐患、重点人员）和演示账号（可重复运行）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--boundaries",
            type=Path,
            default=None,
            help="平顶山市区县边界 GeoJSON（DataV 导出，GCJ-02，属性 adcode/name）；缺省时使用示意边界",
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            help="卫东区演示工单总数：不足时按完整闭环补足到该数量（过去一年，含超期、退回、返工、延期、重办、评价）",
        )

        parser.add_argument(
            "--ledgers-full",
            action="store_true",
            help="为卫东区全部网格生成台账演示数据（楼栋、住户、居民、商户）；缺省只生成华西社区所在的优越路街道",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        boundaries: Path | None = options["boundaries"]
        if boundaries is not None and not boundaries.is_file():
            raise CommandError(f"边界文件不存在：{boundaries}")
        started = time.perf_counter()
        try:
            results = demo_seed(
                options=DemoOptions(boundaries=boundaries, cases=options["cases"], ledgers_full=options["ledgers_full"])
            )
        except DomainError as exc:
            detail = f"{exc.message} {exc.details or ''}".strip()
            raise CommandError(f"{detail}（演示数据未写入，数据库保持原状）") from exc
        rows = [
            (r.name, str(r.created), str(r.updated), str(r.unchanged), f"{r.seconds:.2f}s", "; ".join(r.notes))
            for r in results
        ]
        self.stdout.write(format_table(("步骤", "新建", "更新", "未变", "耗时", "说明"), rows))
        self.stdout.write(f"合计耗时 {time.perf_counter() - started:.2f}s\n")
        self.stdout.write(f"演示账号（共用密码：{DEMO_PASSWORD}）")
        self.stdout.write(format_table(("用户名", "角色", "范围"), demo_login_table()))
