"""The form engine alone: definitions, answers of every kind, conditions, mappings and case actions."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.surveys import engine
from wangge.surveys.errors import ErrorCode


def f(name: str, kind: str, **kw: Any) -> dict[str, Any]:
    return {"name": name, "label": name.upper(), "kind": kind, **kw}


FIELDS = [
    f("title", "text", required=True, min=2, max=10),
    f("count", "number", min=0, max=5),
    f("day", "date", min="2026-01-01", max="2026-12-31"),
    f("color", "choice", choices=["红", "绿"], required=True),
    f("tags", "multi_choice", choices=["a", "b", "c"], max=2),
    f("where", "location"),
    f("who", "resident"),
    f("pic", "photo"),
    f("why", "text", required=True, when={"field": "color", "equals": "红"}),
    f("deeper", "number", required=True, when={"field": "why", "in": ["x", "y"]}),
]


def errors(problems: list[dict[str, Any]]) -> dict[str, str]:
    return {p["field"]: p["error"] for p in problems}


def test_a_sound_definition_has_no_problems() -> None:
    assert engine.definition_problems(FIELDS, {}, target="none") == []


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ([f("a", "text"), f("a", "number")], "a", ErrorCode.DUPLICATE_NAME),
        ([f("a", "colour")], "a", ErrorCode.UNKNOWN_KIND),
        ([f("a", "choice")], "a", ErrorCode.BAD_CHOICES),
        ([f("a", "choice", choices=["x", "x"])], "a", ErrorCode.BAD_CHOICES),
        ([f("a", "text", choices=["x"])], "a", ErrorCode.BAD_CHOICES),
        ([f("a", "number", min=5, max=1)], "a", ErrorCode.BAD_RANGE),
        ([f("a", "location", min=1)], "a", ErrorCode.BAD_RANGE),
        ([f("a", "date", min="2026-13-01")], "a", ErrorCode.BAD_RANGE),
        ([f("a", "text", when={"field": "b", "equals": "x"}), f("b", "text")], "a", ErrorCode.BAD_CONDITION),
        (
            [f("b", "choice", choices=["x"]), f("a", "text", when={"field": "b", "equals": "y"})],
            "a",
            ErrorCode.BAD_CONDITION,
        ),
        ([f("b", "choice", choices=["x"]), f("a", "text", when={"field": "b"})], "a", ErrorCode.BAD_CONDITION),
        ([f("b", "photo"), f("a", "text", when={"field": "b", "equals": "x"})], "a", ErrorCode.BAD_CONDITION),
        ([f("a", "text", maps_to="household.password")], "a", ErrorCode.BAD_MAPPING),
        ([f("a", "text", maps_to="merchant.notes")], "a", ErrorCode.BAD_MAPPING),  # not the template's target
        ([f("a", "number", maps_to="household.notes")], "a", ErrorCode.BAD_MAPPING),
        ([f("a", "choice", choices=["自住", "宫殿"], maps_to="household.use")], "a", ErrorCode.BAD_MAPPING),
        (
            [f("a", "text", maps_to="household.notes"), f("b", "text", maps_to="household.notes")],
            "b",
            ErrorCode.BAD_MAPPING,
        ),
        ([f("A", "text")], "fields[0]", ErrorCode.BAD_FIELD),
        ([{"name": "a", "label": "", "kind": "text"}], "a", ErrorCode.BAD_FIELD),
        ([f("a", "text", colour="red")], "fields[0]", ErrorCode.BAD_FIELD),
        (["a"], "fields[0]", ErrorCode.BAD_FIELD),
    ],
)
def test_bad_definitions_are_rejected(fields: list[Any], field: str, code: str) -> None:
    problems = engine.definition_problems(fields, {}, target="household")
    assert errors(problems).get(field) == code, problems


def test_empty_or_non_list_fields_are_rejected() -> None:
    assert errors(engine.definition_problems([], {})) == {"fields": ErrorCode.BAD_FIELD}
    assert errors(engine.definition_problems({"a": 1}, {})) == {"fields": ErrorCode.BAD_FIELD}


def test_mapped_choices_may_be_codes_or_labels() -> None:
    fields = [f("use", "choice", choices=["自住", "rented"], maps_to="household.use")]
    assert engine.definition_problems(fields, {}, target="household") == []
    assert engine.ledger_updates(fields, {"use": "自住"}) == {"household.use": "owner"}
    assert engine.ledger_updates(fields, {"use": "rented"}) == {"household.use": "rented"}


@pytest.mark.parametrize(
    ("actions", "field"),
    [
        ({"open_case": True}, "actions"),
        ({"category_code": "S0801"}, "actions"),
        ({"open_case_when": {"field": "nope", "equals": "红"}}, "actions.open_case_when"),
        ({"open_case_when": {"field": "color", "equals": "蓝"}}, "actions.open_case_when"),
        ({"open_case_when": {"field": "color", "equals": "红"}, "title_field": "count"}, "actions.title_field"),
    ],
)
def test_bad_actions_are_rejected(actions: dict[str, Any], field: str) -> None:
    assert errors(engine.definition_problems(FIELDS, actions)) == {field: ErrorCode.BAD_ACTION}


def test_answers_of_every_kind_are_cleaned() -> None:
    raw = {
        "title": " 巡查 ",
        "count": "3",
        "day": "2026-05-06",
        "color": ["绿"],
        "tags": ["c", "a"],
        "where": "113.5,33.7",
        "who": "12",
    }
    clean, problems = engine.validate_answers(FIELDS, raw, pickable=lambda kind, pk: kind == "resident" and pk == 12)
    assert problems == []
    assert clean == {
        "title": "巡查",
        "count": 3,
        "day": "2026-05-06",
        "color": "绿",
        "tags": ["a", "c"],
        "where": {"lng": 113.5, "lat": 33.7},
        "who": 12,
    }


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("title", "x", ErrorCode.OUT_OF_RANGE),
        ("title", "x" * 11, ErrorCode.OUT_OF_RANGE),
        ("title", {"a": 1}, ErrorCode.BAD_VALUE),
        ("count", "three", ErrorCode.NOT_A_NUMBER),
        ("count", "nan", ErrorCode.NOT_A_NUMBER),
        ("count", 6, ErrorCode.OUT_OF_RANGE),
        ("count", -1, ErrorCode.OUT_OF_RANGE),
        ("count", 10**400, ErrorCode.NOT_A_NUMBER),
        ("count", "1e400", ErrorCode.NOT_A_NUMBER),
        ("day", "2026-02-30", ErrorCode.NOT_A_DATE),
        ("day", "06/05/2026", ErrorCode.NOT_A_DATE),
        ("day", "2027-01-01", ErrorCode.OUT_OF_RANGE),
        ("color", "蓝", ErrorCode.NOT_A_CHOICE),
        ("tags", ["a", "z"], ErrorCode.NOT_A_CHOICE),
        ("tags", ["a", "b", "c"], ErrorCode.OUT_OF_RANGE),
        ("tags", [1], ErrorCode.BAD_VALUE),
        ("where", "200,33", ErrorCode.BAD_LOCATION),
        ("where", {"lng": 113}, ErrorCode.BAD_LOCATION),
        ("where", "here", ErrorCode.BAD_LOCATION),
        ("where", [10**400, 1], ErrorCode.BAD_LOCATION),
        ("who", "abc", ErrorCode.BAD_PICK),
        ("who", "13", ErrorCode.BAD_PICK),  # not one the submitter may see
        ("pic", "photo.jpg", ErrorCode.BAD_VALUE),
        ("nonsense", "x", ErrorCode.UNKNOWN_FIELD),
    ],
)
def test_bad_answers_are_named(name: str, value: Any, code: str) -> None:
    raw = {"title": "巡查", "color": "绿", name: value}
    _clean, problems = engine.validate_answers(FIELDS, raw, pickable=lambda kind, pk: pk == 12)
    assert errors(problems) == {name: code}


def test_required_fields_and_photos() -> None:
    fields = [
        f("a", "text", required=True),
        f("p", "photo", required=True),
        f("m", "multi_choice", choices=["x"], required=True),
    ]
    _clean, problems = engine.validate_answers(fields, {"a": "  ", "m": []})
    assert errors(problems) == {"a": ErrorCode.REQUIRED, "p": ErrorCode.REQUIRED, "m": ErrorCode.REQUIRED}
    clean, problems = engine.validate_answers(fields, {"a": "ok", "m": "x"}, photos={"p": 1})
    assert problems == [] and clean == {"a": "ok", "m": ["x"]}


def test_photos_for_a_field_that_takes_none_are_refused() -> None:
    _clean, problems = engine.validate_answers(FIELDS, {"title": "巡查", "color": "绿"}, photos={"title": 1})
    assert errors(problems) == {"title": ErrorCode.UNKNOWN_FIELD}


def test_a_hidden_field_is_not_required_and_its_answer_is_dropped() -> None:
    clean, problems = engine.validate_answers(FIELDS, {"title": "巡查", "color": "绿", "why": "x", "deeper": "1"})
    assert problems == []
    assert "why" not in clean and "deeper" not in clean


def test_a_shown_conditional_field_is_required() -> None:
    _clean, problems = engine.validate_answers(FIELDS, {"title": "巡查", "color": "红"})
    assert errors(problems) == {"why": ErrorCode.REQUIRED}


def test_conditions_chain_through_hidden_fields() -> None:
    # ``deeper`` depends on ``why``, which is shown only for 红: with 红 and why=x, deeper is required.
    _clean, problems = engine.validate_answers(FIELDS, {"title": "巡查", "color": "红", "why": "x"})
    assert errors(problems) == {"deeper": ErrorCode.REQUIRED}
    clean, problems = engine.validate_answers(FIELDS, {"title": "巡查", "color": "红", "why": "z"})
    assert problems == [] and clean["why"] == "z"


def test_a_condition_on_a_multi_choice_holds_when_any_value_is_chosen() -> None:
    fields = [
        f("m", "multi_choice", choices=["x", "y"]),
        f("t", "text", required=True, when={"field": "m", "in": ["y"]}),
    ]
    assert errors(engine.validate_answers(fields, {"m": ["x", "y"]})[1]) == {"t": ErrorCode.REQUIRED}
    assert engine.validate_answers(fields, {"m": ["x"]})[1] == []


def test_case_actions_follow_the_answers() -> None:
    actions = {"open_case_when": {"field": "color", "equals": "红"}, "title_field": "why"}
    assert engine.definition_problems(FIELDS, actions) == []
    assert engine.wants_case(actions, {"color": "红"})
    assert not engine.wants_case(actions, {"color": "绿"})
    assert not engine.wants_case({}, {"color": "红"})


def test_text_mapped_answers_are_cut_to_the_column() -> None:
    fields = [f("p", "text", maps_to="household.head.phone")]
    assert engine.ledger_updates(fields, {"p": "1" * 30}) == {"household.head.phone": "1" * 20}
