"""``manage.py classifier train|evaluate|predict|cv``: the appeal classifier from CSV files.

    classifier train --csv train.csv --text 留言主题,留言详情 --label 一级标签 \
        [--unlabeled more.csv] [--taxonomy tree.csv | --no-taxonomy] --out m.joblib [--cv 5]
    classifier evaluate --model m.joblib --csv test.csv
    classifier predict --model m.joblib --csv new.csv --out predictions.csv
    classifier train --from-cases [--district 410403] --out m.joblib --activate
    classifier cv --csv train.csv [--unlabeled more.csv] --folds 5 --repeats 2
    classifier retrain [--month 2026-11]

``retrain`` trains a challenger on the closed cases before the month (default: the last complete one) with
the category tree as taxonomy, scores it and the active model on that month's closed cases and activates it
only when it is better (``wangge.intel.retrain``; the schedule runs it monthly). ``train --from-cases`` also
uses the category tree as taxonomy.

The first ``--text`` column is the title, the others together the body. Without ``--taxonomy``,
training uses a ``taxonomy.csv`` beside the ``--csv`` file when there is one.
"""

from __future__ import annotations

import json
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.core.actors import SYSTEM
from wangge.core.errors import DomainError
from wangge.core.spreadsheets import csv_writer
from wangge.intel import services, textclf

DEFAULT_TEXT = "留言主题,留言详情"
DEFAULT_LABEL = "一级标签"


def _columns(value: str) -> list[str]:
    cols = [c.strip() for c in value.split(",") if c.strip()]
    if not cols:
        raise CommandError("--text 至少需要一列")
    return cols


def _params(pairs: list[str]) -> textclf.Params:
    """``--param name=value`` overrides, typed after the Params field."""
    known = {f.name: f for f in fields(textclf.Params)}
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or name not in known:
            raise CommandError(f"未知参数 {pair}；可用：{', '.join(known)}")
        kind = type(getattr(textclf.Params(), name))
        if kind is bool:
            changes[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        else:
            try:
                changes[name] = kind(raw)
            except ValueError as exc:
                raise CommandError(f"参数 {name} 的值无效：{raw}") from exc
    return textclf.with_params(**changes)


class Command(BaseCommand):
    help = "诉求文本分类模型：训练（train）、评估（evaluate）、预测（predict）、交叉验证（cv）、月度重训（retrain）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        def data_args(p: CommandParser, label: bool = True, required: bool = True) -> None:
            p.add_argument("--csv", type=Path, required=required, help="UTF-8 CSV 文件")
            p.add_argument("--text", default=DEFAULT_TEXT, help=f"文本列，逗号分隔，首列为标题（默认 {DEFAULT_TEXT}）")
            if label:
                p.add_argument("--label", default=DEFAULT_LABEL, help=f"标签列（默认 {DEFAULT_LABEL}）")

        def training_args(p: CommandParser) -> None:
            p.add_argument("--unlabeled", type=Path, help="未标注的 CSV（同样的文本列），用于自训练")
            p.add_argument(
                "--taxonomy",
                type=Path,
                help="分类体系 CSV（一级分类,二级分类,三级分类），其下级类名用作各一级类的关键词特征；"
                "不给时使用 --csv 同目录下的 taxonomy.csv（若有）",
            )
            p.add_argument("--no-taxonomy", action="store_true", help="不使用分类体系关键词特征")
            p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="训练参数")
            p.add_argument("--jobs", type=int, default=2, help="分词进程数（默认 2）")
            p.add_argument("--seed", type=int, default=0, help="交叉验证划分的随机种子")

        train = sub.add_parser("train", help="训练并保存模型")
        data_args(train, required=False)
        train.add_argument(
            "--from-cases",
            action="store_true",
            help="用本平台已结案工单训练（标签为分类编码），代替 --csv",
        )
        train.add_argument("--district", help="--from-cases 时只用该辖区（编码）的工单")
        training_args(train)
        train.add_argument("--out", type=Path, required=True, help="模型文件（joblib）")
        train.add_argument("--cv", type=int, default=0, metavar="K", help="先做 K 折分层交叉验证并打印宏平均 F1")
        train.add_argument("--repeats", type=int, default=1, help="交叉验证重复次数（默认 1）")
        train.add_argument("--register", action="store_true", help="保存后登记到模型库")
        train.add_argument("--activate", action="store_true", help="登记并启用（用于受理时的分类建议）")
        train.add_argument("--name", default="", help="登记名称")

        evaluate = sub.add_parser("evaluate", help="在标注数据上评估模型")
        evaluate.add_argument("--model", type=Path, required=True)
        data_args(evaluate)
        evaluate.add_argument("--save", action="store_true", help="把评估结果写回模型文件")

        predict = sub.add_parser("predict", help="为 CSV 中的诉求预测类别")
        predict.add_argument("--model", type=Path, required=True)
        data_args(predict, label=False)
        predict.add_argument("--out", type=Path, required=True, help="输出 CSV")
        predict.add_argument("--top", type=int, default=3, help="输出前几个候选（默认 3）")

        retrain = sub.add_parser("retrain", help="用已结案工单训练新模型，与启用中的模型在最近一个月上比较，更优才启用")
        retrain.add_argument("--month", help="评估月份 YYYY-MM（默认上一个完整月份）")

        cv = sub.add_parser("cv", help="重复分层 K 折交叉验证")
        data_args(cv)
        training_args(cv)
        cv.add_argument("--folds", type=int, default=5)
        cv.add_argument("--repeats", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['action']}")
        try:
            handler(options)
        except (KeyError, ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc).strip("'\"")) from exc

    # ----------------------------------------------------------------------------------------

    def _labelled(self, options: dict[str, Any]) -> textclf.Table:
        table = textclf.read_table(options["csv"], _columns(options["text"]), options["label"])
        if not table.texts:
            raise CommandError(f"{options['csv']} 中没有带标签的行")
        return table

    def _from_cases(self, options: dict[str, Any]) -> textclf.Table:
        from wangge.territory.models import Territory

        district = None
        if options["district"]:
            district = Territory.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"辖区 {options['district']} 不存在")
        options["_trained_until"] = timezone.now()
        table = services.training_table_from_cases(district=district, until=options["_trained_until"])
        options["_labels"] = sorted(set(table.labels or []))
        classes = len(set(table.labels or []))
        if classes < 2:
            raise CommandError(
                f"已结案且有分类的工单不足：{len(table.texts)} 件、{classes} 类"
                f"（每类至少 {services.MIN_CASES_PER_CLASS} 件，至少 2 类）"
            )
        self.stdout.write(f"from cases: {len(table.texts)} closed cases in {classes} categories")
        return table

    def _unlabelled(self, options: dict[str, Any]) -> list[textclf.Text] | None:
        if not options.get("unlabeled"):
            return None
        return textclf.read_table(options["unlabeled"], _columns(options["text"])).texts

    def _taxonomy(self, options: dict[str, Any]) -> list[tuple[str, ...]] | None:
        """The classification tree for the keyword block: ``--taxonomy``, else a ``taxonomy.csv``
        beside the ``--csv`` file (said on stdout), else none; ``--no-taxonomy`` leaves it out."""
        if "_taxonomy_rows" in options:
            return options["_taxonomy_rows"]  # type: ignore[no-any-return]
        path: Path | None = options.get("taxonomy")
        if options.get("no_taxonomy"):
            if path:
                raise CommandError("--taxonomy 与 --no-taxonomy 不能同时使用")
            path = None
        elif path is None and options.get("csv") and not options.get("from_cases"):
            beside = Path(options["csv"]).parent / "taxonomy.csv"
            if beside.is_file() and beside.resolve() != Path(options["csv"]).resolve():
                path = beside
                self.stdout.write(f"taxonomy: {beside} (found beside --csv; --no-taxonomy leaves it out)")
        rows = textclf.read_taxonomy(path) if path else None
        if rows is None and options.get("from_cases") and not options.get("no_taxonomy"):
            rows = services.taxonomy_from_categories(options.get("_labels") or []) or None
            if rows:
                self.stdout.write(f"taxonomy: the category tree ({len(rows)} categories)")
        options["_taxonomy_rows"] = rows
        return rows

    def _cross_validate(
        self,
        options: dict[str, Any],
        table: textclf.Table,
        unlabelled: list[textclf.Text] | None,
        folds: int,
        repeats: int,
    ) -> textclf.CVResult:
        params = _params(options["param"])

        def progress(i: int, value: float) -> None:
            self.stdout.write(f"fold {i + 1}/{folds * repeats}: macro_f1={value:.4f}")

        assert table.labels is not None
        result = textclf.cross_validate(
            table.texts,
            table.labels,
            unlabelled,
            params=params,
            folds=folds,
            repeats=repeats,
            seed=options["seed"],
            n_jobs=options["jobs"],
            progress=progress if options["verbosity"] > 1 else None,
            taxonomy=self._taxonomy(options),
        )
        self.stdout.write(
            f"cv_macro_f1={result.mean:.4f}±{result.std:.4f} "
            f"({folds}-fold x {repeats}, {len(table.texts)} labelled, "
            f"{len(unlabelled or [])} unlabelled, {result.seconds:.0f}s)"
        )
        return result

    def _train(self, options: dict[str, Any]) -> None:
        if options["from_cases"] == bool(options["csv"]):
            raise CommandError("请给出 --csv 文件或 --from-cases（二选一）")
        table = self._from_cases(options) if options["from_cases"] else self._labelled(options)
        unlabelled = self._unlabelled(options)
        params = _params(options["param"])
        cv_result = None
        if options["cv"]:
            cv_result = self._cross_validate(options, table, unlabelled, options["cv"], options["repeats"])
        assert table.labels is not None
        started = time.perf_counter()
        model = textclf.train(
            table.texts,
            table.labels,
            unlabelled,
            params=params,
            n_jobs=options["jobs"],
            taxonomy=self._taxonomy(options),
        )
        seconds = time.perf_counter() - started
        if cv_result is not None:
            model.cross_validation = cv_result.as_dict()
        textclf.save(model, options["out"])
        self.stdout.write(
            f"trained {model.version}: {model.n_labelled} labelled, {model.n_unlabelled} unlabelled "
            f"({model.n_pseudo} pseudo-labelled), {len(model.labels)} classes, "
            f"{model.vectorizer.n_features} features"
        )
        self.stdout.write(f"training_seconds={seconds:.1f}")
        self.stdout.write(f"saved {options['out']}")
        if options["register"] or options["activate"]:
            try:
                row = services.classifier_register(
                    actor=SYSTEM, path_or_model=model, activate=options["activate"], name=options["name"]
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            if options.get("_trained_until") is not None:  # a retrain compares it only on later months
                row.metrics = {**row.metrics, "trained_until": options["_trained_until"].isoformat()}
                row.save(update_fields=["metrics"])
            self.stdout.write(f"registered {row.version}{' (active)' if row.is_active else ''}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        model = self._model(options["model"])
        table = self._labelled(options)
        assert table.labels is not None
        evaluation = textclf.evaluate(model, table.texts, table.labels)
        self.stdout.write(evaluation.format())
        if options["save"]:
            model.evaluation = {**evaluation.as_dict(), "data": str(options["csv"])}
            textclf.save(model, options["model"])
            self.stdout.write(f"evaluation saved in {options['model']}")

    def _predict(self, options: dict[str, Any]) -> None:
        model = self._model(options["model"])
        table = textclf.read_table(options["csv"], _columns(options["text"]))
        started = time.perf_counter()
        predictions = model.predict(table.texts, k=max(1, options["top"]))
        seconds = time.perf_counter() - started
        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv_writer(handle)
            header = ([table.id_column] if table.ids is not None and table.id_column else []) + [
                "label",
                "confidence",
                "top",
            ]
            writer.writerow(header)
            for i, p in enumerate(predictions):
                row = [table.ids[i]] if table.ids is not None else []
                top = json.dumps([[label, round(prob, 4)] for label, prob in p.top], ensure_ascii=False)
                writer.writerow([*row, p.label, f"{p.confidence:.4f}", top])
        per = 1000 * seconds / max(1, len(predictions))
        self.stdout.write(f"wrote {len(predictions)} predictions to {out} ({per:.2f} ms per appeal)")

    def _cv(self, options: dict[str, Any]) -> None:
        table = self._labelled(options)
        self._cross_validate(options, table, self._unlabelled(options), options["folds"], options["repeats"])

    def _retrain(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from wangge.intel.retrain import retrain

        month = None
        if options["month"]:
            try:
                month = dt.datetime.strptime(options["month"], "%Y-%m").date()
            except ValueError as exc:
                raise CommandError(f"月份格式应为 YYYY-MM：{options['month']}") from exc
        try:
            row = retrain(actor=SYSTEM, month=month)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        def figure(value: float | None) -> str:
            return "—" if value is None else f"{value:.4f}"

        self.stdout.write(
            f"retrain {row.month:%Y-%m}: {row.decision} ({row.get_decision_display()}); "
            f"champion {row.champion_version or '—'} macro_f1={figure(row.champion_macro_f1)}, "
            f"challenger {row.challenger_version or '—'} macro_f1={figure(row.challenger_macro_f1)}; "
            f"{row.n_train} training cases, {row.n_test} cases in the month" + (f"; {row.note}" if row.note else "")
        )

    def _model(self, path: Path) -> textclf.TrainedModel:
        try:
            return textclf.load(path)
        except textclf.ModelFormatError as exc:
            raise CommandError(str(exc)) from exc
