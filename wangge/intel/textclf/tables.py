"""CSV input: labelled or unlabelled appeals, and the classification tree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wangge.intel.textclf.text import Text, clean


@dataclass(frozen=True)
class Table:
    """Rows read from a CSV: texts, labels (when a label column was asked for) and ids."""

    texts: list[Text]
    labels: list[str] | None
    ids: list[str] | None
    id_column: str | None


ID_COLUMNS = ("留言编号", "id", "ID", "编号")


def read_taxonomy(path: str | Path) -> list[tuple[str, ...]]:
    """Rows of a classification-tree CSV (UTF-8, BOM allowed, a header row): each row's category
    names from the first level down, e.g. 一级分类,二级分类,三级分类."""
    import csv

    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [tuple(clean(name) for name in row) for row in rows[1:] if row and clean(row[0])]


def read_table(
    path: str | Path,
    text_columns: Sequence[str],
    label_column: str | None = None,
    id_column: str | None = None,
) -> Table:
    """Read a UTF-8 (BOM allowed) CSV. The first text column is the title and the others, joined,
    the body; a single text column is the body. Rows without a label are skipped when a label
    column is named. The id column is ``id_column`` or the first of ``ID_COLUMNS`` present."""
    import csv

    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in [*text_columns, *([label_column] if label_column else [])] if c not in header]
        if missing:
            raise KeyError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(header)})")
        ident = id_column or next((c for c in ID_COLUMNS if c in header), None)
        if ident is not None and ident not in header:
            raise KeyError(f"{path}: no column {ident}")
        texts: list[Text] = []
        labels: list[str] = []
        ids: list[str] = []
        for row in reader:
            label = clean(row.get(label_column) or "") if label_column else ""
            if label_column and not label:
                continue
            parts = [row.get(c) or "" for c in text_columns]
            if len(parts) == 1:
                texts.append(("", parts[0]))
            else:
                texts.append((parts[0], " ".join(parts[1:])))
            labels.append(label)
            ids.append((row.get(ident) or "").strip() if ident else "")
    return Table(
        texts=texts,
        labels=labels if label_column else None,
        ids=ids if ident else None,
        id_column=ident,
    )
