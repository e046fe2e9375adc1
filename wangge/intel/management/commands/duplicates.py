"""``manage.py duplicates WG250603ABCDEF``: cases the given one may repeat.
``manage.py duplicates --evaluate``: precision and recall of the threshold on the labelled real pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.intel import duplicates
from wangge.workorders.models import WorkOrder


class Command(BaseCommand):
    help = "列出与某工单（查询码）可能重复的诉求；或用 --evaluate 在标注样本上计算阈值的查准率和查全率。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tracking_code", nargs="?", help="工单查询码")
        parser.add_argument("--limit", type=int, default=5, help="最多列出几条（默认 5）")
        parser.add_argument("--evaluate", action="store_true", help="在标注的真实留言对上评估阈值")
        parser.add_argument(
            "--pairs", type=Path, default=duplicates.LABELLED_PAIRS, help="标注文件 id_a,id_b,is_duplicate"
        )
        parser.add_argument("--threshold", type=float, help="评估的阈值（默认取设置）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["evaluate"]:
            self._evaluate(options["pairs"], options["threshold"])
            return
        if not options["tracking_code"]:
            raise CommandError("请给出工单查询码，或使用 --evaluate")
        work_order = WorkOrder.objects.filter(tracking_code=options["tracking_code"]).first()
        if work_order is None:
            raise CommandError(f"没有查询码为 {options['tracking_code']} 的工单")
        matches = duplicates.find_duplicates(work_order, limit=options["limit"])
        self.stdout.write(f"{work_order.tracking_code} {work_order.title}：{len(matches)} 条疑似重复")
        for case, score, reasons in matches:
            self.stdout.write(f"{score:.3f} {case.tracking_code} {case.title}  [{'，'.join(reasons)}]")

    def _evaluate(self, pairs_path: Path, cut: float | None) -> None:
        messages = Path(settings.WANGGE_SHARED_DATA) / "appeals" / "unlabeled.csv"
        if not messages.is_file():
            raise CommandError(f"找不到真实留言数据 {messages}")
        result = duplicates.evaluate(
            duplicates.load_pairs(pairs_path),
            duplicates.load_messages(messages),
            cut=duplicates.threshold() if cut is None else cut,
        )
        self.stdout.write(
            f"pairs={result.pairs} duplicates={result.positives} threshold={result.threshold:.2f} "
            f"precision={result.precision:.3f} recall={result.recall:.3f}"
        )
        self.stdout.write(
            f"5-fold cross-validated threshold choice {sorted(result.cv_thresholds)}: "
            f"precision={result.cv_precision:.3f} recall={result.cv_recall:.3f}"
        )
