"""The 日通报 section 矛盾纠纷 and the dashboard figure: the same definitions as the mediation page."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.mediation.selectors import dispute_summary
from wangge.reports import bulletins
from wangge.reports.dashboard import dashboard_data
from wangge.reports.layout import bulletin_tables

from .conftest import mediating, register, step

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 3)


def test_the_bulletin_has_a_mediation_section(mw: SimpleNamespace) -> None:
    step(mw, mediating(mw), "agree", hours=3, agreement_kind="oral")
    risky = mediating(mw, threat_of_violence=True, title="电话13812345678的住户扬言报复")
    register(mw, title="未受理")
    data = bulletins.compute(bulletins.resolve_scope(mw.district.code), DAY)
    section = data["mediation"]
    assert section["day"] == {k: dispute_summary(mw.district, DAY, DAY)[k] for k in section["day"]}
    assert section["day"]["found"] == 3 and section["day"]["accepted"] == 2 and section["day"]["resolved"] == 1
    assert section["day"]["resolution_rate"] == 0.5 and section["year"]["from"] == "2025-01-01"
    assert section["high_risk_open"] == 1 and [r["code"] for r in section["rows"]] == [risky.code]
    assert "13812345678" not in section["rows"][0]["title"]
    tables = {t.key: t for t in bulletin_tables(data)}
    assert tables["mediation"].title == "矛盾纠纷" and "化解率 = 调解成功数 ÷ 受理数" in tables["mediation"].notes[0]
    assert [r["accepted"] for r in tables["mediation"].rows] == [2, 2]
    assert [r["code"] for r in tables["disputes_high_risk"].rows] == [risky.code]
    old = {k: v for k, v in data.items() if k != "mediation"}  # a snapshot stored before the section
    assert all(t.key != "mediation" for t in bulletin_tables(old))
    unit = bulletins.compute(bulletins.resolve_scope(f"unit:{mw.dept.code}"), DAY)
    assert unit["mediation"] is None
    elsewhere = bulletins.compute(bulletins.resolve_scope(mw.other_district.code), DAY)
    assert elsewhere["mediation"]["day"]["accepted"] == 0


def test_the_dashboard_shows_the_year_to_date_resolution_rate(mw: SimpleNamespace) -> None:
    step(mw, mediating(mw), "agree", hours=3, agreement_kind="oral")
    mediating(mw, title="在调")
    now = dt.datetime(2025, 6, 4, 9, 0, tzinfo=dt.UTC)
    figure = dashboard_data(mw.leader, now=now)["mediation"]
    assert figure["accepted"] == 2 and figure["resolved"] == 1 and figure["resolution_rate"] == 0.5
    assert "化解率" in figure["definition"]
    assert dashboard_data(mw.stranger, now=now)["mediation"]["accepted"] == 0
