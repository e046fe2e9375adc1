"""A small synthetic set of Chinese appeals in three categories, for fast classifier tests."""

from __future__ import annotations

import csv
import random
from pathlib import Path

CATEGORIES: dict[str, list[str]] = {
    "交通运输": ["公交车", "站台", "公交线路", "出租车", "红绿灯", "道路拥堵", "客运站", "班车", "停车场", "驾驶员"],
    "教育文体": ["学校", "老师", "学生", "招生", "学费", "课程", "幼儿园", "教育局", "体育馆", "图书馆"],
    "环境保护": ["噪音", "污染", "排放", "废水", "异味", "粉尘", "垃圾焚烧", "环保局", "河道", "废气"],
}
PLACES = ["A市", "A2区", "B县", "C镇", "西湖街道", "东风社区", "解放路", "新华村"]
OPENINGS = ["请问", "反映", "投诉", "建议", "希望", "咨询"]
FILLERS = ["长期存在", "严重影响居民生活", "多次反映没有解决", "请有关部门尽快处理", "群众意见很大", "望领导重视"]


def appeal(rng: random.Random, category: str) -> tuple[str, str]:
    words = CATEGORIES[category]
    a, b, c = rng.sample(words, 3)
    title = f"{rng.choice(PLACES)}{a}{rng.choice(['问题', '情况', '的事'])}"
    body = (
        f"{rng.choice(OPENINGS)}{rng.choice(PLACES)}{a}和{b}的问题，{rng.choice(FILLERS)}。"
        f"{c}{rng.choice(FILLERS)}，{rng.choice(FILLERS)}。"
    )
    return title, body


def dataset(n_per_class: int, seed: int = 0) -> tuple[list[tuple[str, str]], list[str]]:
    rng = random.Random(seed)
    texts: list[tuple[str, str]] = []
    labels: list[str] = []
    for _ in range(n_per_class):
        for category in CATEGORIES:
            texts.append(appeal(rng, category))
            labels.append(category)
    return texts, labels


def write_csv(path: Path, texts: list[tuple[str, str]], labels: list[str] | None, first_id: int = 1) -> Path:
    """The layout of the real message files, with whitespace padding around the texts."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言编号", "留言主题", "留言时间", "留言详情", *(["一级标签"] if labels else [])])
        for i, (title, body) in enumerate(texts):
            row = [str(first_id + i), f"  {title} ", "2019/6/25 21:12:44", f"\n\t\t{body}\n\t"]
            writer.writerow(row + ([labels[i]] if labels else []))
    return path
