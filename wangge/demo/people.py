"""Made-up but well-formed personal details for demo staff and responsible persons (deterministic)."""

from __future__ import annotations

import hashlib

import numpy as np

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文利飞斌宇浩凯晨欣雪梅瑞亮新春海"
# Mainland mobile prefixes (all match ^1[3-9]\d{9}$).
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "187", "188")


def rng_for(key: str) -> np.random.Generator:
    """A generator seeded from ``key``, so each person is stable whatever else changes."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def person_name(key: str) -> str:
    rng = rng_for(f"name:{key}")
    surname = SURNAMES[rng.integers(len(SURNAMES))]
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(GIVEN[rng.integers(len(GIVEN))] for _ in range(length))


def mobile_number(key: str) -> str:
    rng = rng_for(f"mobile:{key}")
    prefix = MOBILE_PREFIXES[rng.integers(len(MOBILE_PREFIXES))]
    return prefix + "".join(str(d) for d in rng.integers(0, 10, 8))
