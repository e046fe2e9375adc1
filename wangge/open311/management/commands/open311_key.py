"""``python manage.py open311_key create NAME [--district CODE] [--daily-quota N] | list | revoke PREFIX |
quota PREFIX --daily-quota N``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.actors import SYSTEM
from wangge.core.errors import DomainError
from wangge.open311.models import ApiKey
from wangge.open311.services import apikey_create, apikey_revoke, apikey_set_quota
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = "管理 Open311 接口密钥（api_key）：create 新建并显示一次、list 列出、revoke 吊销、quota 修改每日限额。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建密钥，密钥只显示这一次")
        create.add_argument("name", help="密钥名称（使用方）")
        create.add_argument("--district", default="", help="限定只能向此区（区划代码）提交")
        create.add_argument(
            "--daily-quota",
            type=int,
            default=None,
            help="每个自然日可提交的诉求请求数，0 表示不限（缺省：WANGGE_OPEN311_DAILY_QUOTA）",
        )
        sub.add_parser("list", help="列出全部密钥（只显示前缀）")
        revoke = sub.add_parser("revoke", help="按前缀吊销密钥")
        revoke.add_argument("prefix", help="密钥前缀，见 list")
        quota = sub.add_parser("quota", help="修改密钥的每日请求限额")
        quota.add_argument("prefix", help="密钥前缀，见 list")
        quota.add_argument("--daily-quota", type=int, required=True, help="每个自然日可提交的诉求请求数，0 表示不限")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from exc

    def _create(self, options: dict[str, Any]) -> None:
        district = None
        if options["district"]:
            district = Territory.objects.filter(kind=TerritoryKind.DISTRICT, code=options["district"]).first()
            if district is None:
                raise CommandError(f"区不存在：{options['district']}")
        key, raw = apikey_create(
            actor=SYSTEM, name=options["name"], district=district, daily_quota=options["daily_quota"]
        )
        self.stdout.write(raw)
        self.stderr.write(f"已创建密钥“{key.name}”（前缀 {key.prefix}）。请立即保存，密钥不会再次显示。")

    def _list(self, options: dict[str, Any]) -> None:
        for key in ApiKey.objects.select_related("district").order_by("created_at"):
            state = "启用" if key.is_active else "已吊销"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-"
            district = key.district.code if key.district else "-"
            quota = str(key.daily_quota) if key.daily_quota else "不限"
            self.stdout.write(f"{key.prefix}\t{state}\t{district}\t{quota}/日\t{used}\t{key.name}")

    def _revoke(self, options: dict[str, Any]) -> None:
        key = apikey_revoke(actor=SYSTEM, prefix=options["prefix"])
        self.stdout.write(f"已吊销：{key.prefix} {key.name}")

    def _quota(self, options: dict[str, Any]) -> None:
        key = apikey_set_quota(actor=SYSTEM, prefix=options["prefix"], daily_quota=options["daily_quota"])
        quota = str(key.daily_quota) if key.daily_quota else "不限"
        self.stdout.write(f"每日限额：{key.prefix} {key.name} {quota}")
