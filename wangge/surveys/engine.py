"""The form engine of 一表: what a version's fields and actions may say, and what a filled form's answers are.

Pure: no database reads or writes, so the inspection rounds (issue 14) can reuse it for their checklists. A
version is a list of field definitions::

    {"name": "has_problem", "label": "发现问题", "kind": "choice", "required": true,
     "choices": ["是", "否"], "min": null, "max": null,
     "when": {"field": "entered", "equals": "是"},        # or {"field": ..., "in": [...]}
     "maps_to": "household.use", "help": "…"}

and a dictionary of actions run after a submission (``open_case_when``, ``category_code``, ``title_field``,
``description_field``). :func:`definition_problems` checks both when a version is saved; :func:`validate_answers`
cleans what a submitter sent against one version. Pickers (resident, building, merchant) are checked through
a callback the caller gives, which answers whether the submitter may see that row.

``min``/``max`` bound the length of a text, the value of a number, the date of a date (ISO strings) and the
number of choices of a multi-choice. ``maps_to`` names a ledger attribute of the template's target from the
whitelist :data:`MAPPABLE`; the service writes it after the submission.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from wangge.core.validators import mask_phone
from wangge.ledgers.choices import HouseholdUse, MerchantStatus
from wangge.surveys.choices import FieldKind, FormTarget
from wangge.surveys.errors import ErrorCode

Problem = dict[str, Any]
# Whether the submitter may pick the row ``pk`` of ``kind`` (FieldKind.RESIDENT, BUILDING or MERCHANT).
Pickable = Callable[[str, int], bool]

FIELD_KEYS = frozenset({"name", "label", "kind", "required", "choices", "min", "max", "when", "maps_to", "help"})
ACTION_KEYS = frozenset({"open_case_when", "category_code", "title_field", "description_field"})
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")  # SubmissionPhoto.field holds 40 characters
MAX_FIELDS = 100
MAX_LABEL = 100
MAX_HELP = 500
MAX_CHOICE = 100
MAX_TEXT = 2000  # a text answer never longer than this, whatever ``max`` says

CHOICE_KINDS = frozenset({FieldKind.CHOICE, FieldKind.MULTI_CHOICE})
PICKER_KINDS = frozenset({FieldKind.RESIDENT, FieldKind.BUILDING, FieldKind.MERCHANT})
RANGE_KINDS = frozenset({FieldKind.TEXT, FieldKind.NUMBER, FieldKind.DATE, FieldKind.MULTI_CHOICE})
# Kinds whose answer can decide a condition (``when``) or an action.
CONDITION_KINDS = frozenset({FieldKind.CHOICE, FieldKind.MULTI_CHOICE, FieldKind.TEXT, FieldKind.NUMBER})


@dataclass(frozen=True)
class Attribute:
    """A ledger attribute an answer may write: of which target, from which field kinds, with which values.

    ``values`` maps each accepted answer (the stored code and its Chinese label) to the stored code; empty
    means free text up to ``max_length``."""

    key: str
    label: str
    target: str
    kinds: frozenset[str]
    values: Mapping[str, str]
    max_length: int = 0


def _coded(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Both the code and its label answer for the code."""
    out: dict[str, str] = {}
    for value, label in choices:
        out[str(value)] = str(value)
        out[str(label)] = str(value)
    return out


_TEXT = frozenset({FieldKind.TEXT})
_CHOICE = frozenset({FieldKind.CHOICE})

# The whitelist of ledger attributes forms may write (``maps_to``). ``household.head.phone`` is the phone of the
# household's head (a resident); the notes are appended to, never replaced.
MAPPABLE: dict[str, Attribute] = {
    a.key: a
    for a in (
        Attribute("household.use", "房屋用途", FormTarget.HOUSEHOLD, _CHOICE, _coded(HouseholdUse.choices)),
        Attribute("household.notes", "户备注", FormTarget.HOUSEHOLD, _TEXT, {}, MAX_TEXT),
        Attribute("household.head.phone", "户主联系电话", FormTarget.HOUSEHOLD, _TEXT, {}, 20),
        Attribute("resident.phone", "居民联系电话", FormTarget.RESIDENT, _TEXT, {}, 20),
        Attribute("resident.notes", "居民备注", FormTarget.RESIDENT, _TEXT, {}, MAX_TEXT),
        Attribute("building.head_name", "楼栋长", FormTarget.BUILDING, _TEXT, {}, 50),
        Attribute("building.notes", "楼栋备注", FormTarget.BUILDING, _TEXT, {}, MAX_TEXT),
        Attribute("merchant.status", "经营状态", FormTarget.MERCHANT, _CHOICE, _coded(MerchantStatus.choices)),
        Attribute("merchant.notes", "商户备注", FormTarget.MERCHANT, _TEXT, {}, MAX_TEXT),
    )
}


def problem(field: str, error: str, reason: str, **extra: Any) -> Problem:
    """One problem, in the shape every ``ValidationFailed.details`` of the platform has."""
    return {"field": field, "error": str(error), "reason": reason, **extra}


# --- definitions -----------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    """A finite int or float (not a bool); an int too large for a float is not one."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _condition_problems(
    where: str, when: Any, earlier: Mapping[str, Mapping[str, Any]], *, error: str
) -> list[Problem]:
    """``{field, equals}`` or ``{field, in: [...]}`` naming an earlier field and values it can take."""
    if not isinstance(when, Mapping) or set(when) - {"field", "equals", "in"} or "field" not in when:
        return [problem(where, error, _("条件须为 {field, equals} 或 {field, in}"))]
    if ("equals" in when) == ("in" in when):
        return [problem(where, error, _("条件须且只能给出 equals 或 in 之一"))]
    ref = earlier.get(str(when["field"]))
    if ref is None:
        return [problem(where, error, _("条件须引用前面的字段：%(name)s") % {"name": when["field"]})]
    if ref.get("kind") not in CONDITION_KINDS:
        return [problem(where, error, _("条件引用的字段类型不能作为条件"))]
    values = [when["equals"]] if "equals" in when else when["in"]
    if not isinstance(values, list) or not values:
        return [problem(where, error, _("in 须为非空列表"))]
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        return [problem(where, error, _("条件的取值须为文字或数字"))]
    if ref.get("kind") in CHOICE_KINDS and not set(map(str, values)) <= set(ref.get("choices") or ()):
        return [problem(where, error, _("条件的取值不在字段 %(name)s 的选项中") % {"name": when["field"]})]
    return []


def _range_problems(name: str, spec: Mapping[str, Any], kind: str) -> list[Problem]:
    low, high = spec.get("min"), spec.get("max")
    if low is None and high is None:
        return []
    if kind not in RANGE_KINDS:
        return [problem(name, ErrorCode.BAD_RANGE, _("该类型的字段不能设置 min/max"))]
    if kind == FieldKind.DATE:
        dates = [_iso_date(v) for v in (low, high) if v is not None]
        if any(d is None for d in dates):
            return [problem(name, ErrorCode.BAD_RANGE, _("日期的 min/max 须为 YYYY-MM-DD"))]
        if low is not None and high is not None and str(low) > str(high):
            return [problem(name, ErrorCode.BAD_RANGE, _("min 不能大于 max"))]
        return []
    if not all(_is_number(v) for v in (low, high) if v is not None):
        return [problem(name, ErrorCode.BAD_RANGE, _("min/max 须为数字"))]
    if kind != FieldKind.NUMBER and any(v is not None and (v < 0 or v != int(v)) for v in (low, high)):
        return [problem(name, ErrorCode.BAD_RANGE, _("长度或个数的 min/max 须为非负整数"))]
    if low is not None and high is not None and low > high:
        return [problem(name, ErrorCode.BAD_RANGE, _("min 不能大于 max"))]
    return []


def _mapping_problems(name: str, spec: Mapping[str, Any], kind: str, target: str) -> list[Problem]:
    attr = MAPPABLE.get(str(spec["maps_to"]))
    if attr is None:
        return [problem(name, ErrorCode.BAD_MAPPING, _("不可写入的台账字段：%(key)s") % {"key": spec["maps_to"]})]
    if attr.target != target:
        return [problem(name, ErrorCode.BAD_MAPPING, _("%(key)s 不属于本表单的关联对象") % {"key": attr.key})]
    if kind not in attr.kinds:
        return [problem(name, ErrorCode.BAD_MAPPING, _("该类型的字段不能写入 %(key)s") % {"key": attr.key})]
    if attr.values and not set(spec.get("choices") or ()) <= set(attr.values):
        return [problem(name, ErrorCode.BAD_MAPPING, _("选项须为 %(key)s 的取值") % {"key": attr.key})]
    return []


def _field_problems(
    index: int, spec: Any, earlier: Mapping[str, Mapping[str, Any]], target: str, mapped: set[str]
) -> list[Problem]:
    where = f"fields[{index}]"
    if not isinstance(spec, Mapping):
        return [problem(where, ErrorCode.BAD_FIELD, _("字段定义须为对象"))]
    unknown = sorted(set(map(str, spec)) - FIELD_KEYS)
    if unknown:
        return [problem(where, ErrorCode.BAD_FIELD, _("未知的键：%(keys)s") % {"keys": "、".join(unknown)})]
    name = spec.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        return [problem(where, ErrorCode.BAD_FIELD, _("字段名须为小写字母开头的字母、数字、下划线，最长 40 个字符"))]
    if name in earlier:
        return [problem(name, ErrorCode.DUPLICATE_NAME, _("字段名重复：%(name)s") % {"name": name})]
    found: list[Problem] = []
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
        found.append(problem(name, ErrorCode.BAD_FIELD, _("标题须为 1 至 100 个字符")))
    if not isinstance(spec.get("required", False), bool):
        found.append(problem(name, ErrorCode.BAD_FIELD, _("required 须为 true 或 false")))
    help_text = spec.get("help", "")
    if not isinstance(help_text, str) or len(help_text) > MAX_HELP:
        found.append(problem(name, ErrorCode.BAD_FIELD, _("说明须为不超过 500 个字符的文字")))
    kind = spec.get("kind")
    if kind not in FieldKind.values:
        found.append(problem(name, ErrorCode.UNKNOWN_KIND, _("未知的字段类型：%(kind)s") % {"kind": kind}))
        return found
    choices = spec.get("choices")
    if kind in CHOICE_KINDS:
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() and len(c) <= MAX_CHOICE for c in choices)
            or len(set(choices)) != len(choices)
        ):
            found.append(problem(name, ErrorCode.BAD_CHOICES, _("选项须为不重复、非空的文字列表")))
    elif choices not in (None, []):
        found.append(problem(name, ErrorCode.BAD_CHOICES, _("只有单选、多选字段可以设置选项")))
    found += _range_problems(name, spec, kind)
    if spec.get("when") is not None:
        found += _condition_problems(name, spec["when"], earlier, error=ErrorCode.BAD_CONDITION)
    if spec.get("maps_to") not in (None, ""):
        found += _mapping_problems(name, spec, kind, target)
        if spec["maps_to"] in mapped:
            found.append(problem(name, ErrorCode.BAD_MAPPING, _("同一台账字段只能由一个字段写入")))
        mapped.add(str(spec["maps_to"]))
    return found


def _action_problems(actions: Any, by_name: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    if actions in (None, {}):
        return []
    if not isinstance(actions, Mapping):
        return [problem("actions", ErrorCode.BAD_ACTION, _("动作须为对象"))]
    unknown = sorted(set(map(str, actions)) - ACTION_KEYS)
    if unknown:
        return [problem("actions", ErrorCode.BAD_ACTION, _("未知的动作：%(keys)s") % {"keys": "、".join(unknown)})]
    found: list[Problem] = []
    if "open_case_when" not in actions:
        if set(actions) & {"category_code", "title_field", "description_field"}:
            found.append(problem("actions", ErrorCode.BAD_ACTION, _("立案设置须同时给出 open_case_when")))
        return found
    found += _condition_problems(
        "actions.open_case_when", actions["open_case_when"], by_name, error=ErrorCode.BAD_ACTION
    )
    code = actions.get("category_code", "")
    if not isinstance(code, str) or len(code) > 20:
        found.append(problem("actions.category_code", ErrorCode.BAD_ACTION, _("分类编码须为文字")))
    for key in ("title_field", "description_field"):
        ref = actions.get(key)
        if ref is None:
            continue
        spec = by_name.get(str(ref))
        if spec is None or spec.get("kind") != FieldKind.TEXT:
            found.append(problem(f"actions.{key}", ErrorCode.BAD_ACTION, _("须引用一个文本字段")))
    return found


def definition_problems(fields: Any, actions: Any = None, *, target: str = FormTarget.NONE) -> list[Problem]:
    """Every problem of a version's ``fields`` and ``actions`` for a template about ``target``; empty when sound."""
    if not isinstance(fields, list):
        return [problem("fields", ErrorCode.BAD_FIELD, _("字段须为列表"))]
    if not fields:
        return [problem("fields", ErrorCode.BAD_FIELD, _("表单至少要有一个字段"))]
    if len(fields) > MAX_FIELDS:
        return [problem("fields", ErrorCode.BAD_FIELD, _("表单最多 %(n)s 个字段") % {"n": MAX_FIELDS})]
    earlier: dict[str, Mapping[str, Any]] = {}
    mapped: set[str] = set()
    found: list[Problem] = []
    for index, spec in enumerate(fields):
        found += _field_problems(index, spec, earlier, target, mapped)
        if isinstance(spec, Mapping) and isinstance(spec.get("name"), str) and spec["name"] not in earlier:
            earlier[spec["name"]] = spec
    return found + _action_problems(actions, earlier)


# --- answers ---------------------------------------------------------------------------------------------


def _matches(when: Mapping[str, Any], value: Any) -> bool:
    wanted = {str(when["equals"])} if "equals" in when else {str(v) for v in when["in"]}
    if isinstance(value, list):
        return bool(wanted & {str(v) for v in value})
    if value is None:
        return False
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value) in wanted


def condition_holds(when: Mapping[str, Any] | None, clean: Mapping[str, Any]) -> bool:
    """Whether ``when`` holds for the cleaned answers (no condition always holds)."""
    if not when:
        return True
    return _matches(when, clean.get(str(when["field"])))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _first(value: Any) -> Any:
    """A single value: form posts give lists of one."""
    if isinstance(value, list | tuple) and len(value) == 1:
        return value[0]
    return value


def _clean_text(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    name = spec["name"]
    value = _first(value)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None, problem(name, ErrorCode.BAD_VALUE, _("须为文字"))
    text = str(value).strip()
    low, high = spec.get("min"), spec.get("max")
    limit = min(int(high), MAX_TEXT) if high is not None else MAX_TEXT
    if len(text) > limit or (low is not None and len(text) < low):
        reason = _("长度须在 %(low)s 至 %(high)s 个字符之间") % {"low": low or 0, "high": limit}
        return None, problem(name, ErrorCode.OUT_OF_RANGE, reason)
    return text, None


def _clean_number(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    name = spec["name"]
    value = _first(value)
    number: float | None = None
    if _is_number(value):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except (ValueError, OverflowError):
            number = None
        if number is not None and not math.isfinite(number):
            number = None
    if number is None:
        return None, problem(name, ErrorCode.NOT_A_NUMBER, _("须为数字"))
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = {"low": "-∞" if low is None else low, "high": "∞" if high is None else high}
        return None, problem(name, ErrorCode.OUT_OF_RANGE, _("须在 %(low)s 至 %(high)s 之间") % bounds)
    return (int(number) if number == int(number) and abs(number) < 2**53 else number), None


def _clean_date(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    name = spec["name"]
    value = _first(value)
    day = _iso_date(value.strip() if isinstance(value, str) else value)
    if day is None:
        return None, problem(name, ErrorCode.NOT_A_DATE, _("日期格式须为 YYYY-MM-DD"))
    low, high = spec.get("min"), spec.get("max")
    text = day.isoformat()
    if (low is not None and text < low) or (high is not None and text > high):
        bounds = {"low": low or "", "high": high or ""}
        return None, problem(name, ErrorCode.OUT_OF_RANGE, _("日期须在 %(low)s 至 %(high)s 之间") % bounds)
    return text, None


def _clean_choice(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    value = _first(value)
    if not isinstance(value, str) or value not in spec["choices"]:
        return None, problem(spec["name"], ErrorCode.NOT_A_CHOICE, _("须为给定选项之一"))
    return value, None


def _clean_multi(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    name = spec["name"]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        return None, problem(name, ErrorCode.BAD_VALUE, _("须为选项列表"))
    if any(v not in spec["choices"] for v in values):
        return None, problem(name, ErrorCode.NOT_A_CHOICE, _("须为给定选项"))
    chosen = [c for c in spec["choices"] if c in set(values)]  # the definition's order, each once
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and len(chosen) < low) or (high is not None and len(chosen) > high):
        bounds = {"low": low or 0, "high": len(spec["choices"]) if high is None else high}
        return None, problem(name, ErrorCode.OUT_OF_RANGE, _("须选择 %(low)s 至 %(high)s 项") % bounds)
    return chosen, None


def parse_location(value: Any) -> tuple[float, float] | None:
    """``{"lng": x, "lat": y}``, ``[x, y]`` or ``"x,y"`` → (lng, lat) in range, else None."""
    value = _first(value) if not (isinstance(value, list | tuple) and len(value) == 2) else value
    pair: Any
    if isinstance(value, Mapping):
        pair = (value.get("lng"), value.get("lat"))
    elif isinstance(value, str):
        pair = tuple(value.split(","))
    else:
        pair = value
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return None
    try:
        lng, lat = (float(v.strip()) if isinstance(v, str) else float(v) for v in pair)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
        return None
    return lng, lat


def _clean_location(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
    pair = parse_location(value)
    if pair is None:
        return None, problem(spec["name"], ErrorCode.BAD_LOCATION, _("位置须为经度(-180~180)、纬度(-90~90)"))
    return {"lng": round(pair[0], 7), "lat": round(pair[1], 7)}, None


def _picker(pickable: Pickable | None) -> Callable[[Mapping[str, Any], Any], tuple[Any, Problem | None]]:
    def clean(spec: Mapping[str, Any], value: Any) -> tuple[Any, Problem | None]:
        value = _first(value)
        pk: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            pk = value
        elif isinstance(value, str) and value.strip().isdigit():
            pk = int(value.strip())
        if pk is None or pk <= 0 or pk >= 2**63:
            return None, problem(spec["name"], ErrorCode.BAD_PICK, _("须为有效的编号"))
        if pickable is not None and not pickable(spec["kind"], pk):
            return None, problem(spec["name"], ErrorCode.BAD_PICK, _("所选对象不存在或不在您的管辖范围内"))
        return pk, None

    return clean


def validate_answers(
    fields: list[dict[str, Any]],
    raw: Mapping[str, Any],
    *,
    photos: Mapping[str, int] | None = None,
    pickable: Pickable | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Clean ``raw`` against a (sound) version's ``fields``: ``(clean, problems)``.

    Fields are read in order, so a condition sees the cleaned answer of the earlier field it names; a field
    whose condition does not hold (or whose controlling field is itself hidden) is hidden: its answer is
    dropped and it is not required. ``photos`` counts the files given per photo field (the files themselves
    are the service's); a photo field's clean value is left for the service to fill. Answers to unknown
    fields, and photos for a field that is not a visible photo field, are problems."""
    photos = dict(photos or {})
    cleaners: dict[str, Callable[[Mapping[str, Any], Any], tuple[Any, Problem | None]]] = {
        FieldKind.TEXT: _clean_text,
        FieldKind.NUMBER: _clean_number,
        FieldKind.DATE: _clean_date,
        FieldKind.CHOICE: _clean_choice,
        FieldKind.MULTI_CHOICE: _clean_multi,
        FieldKind.LOCATION: _clean_location,
        FieldKind.RESIDENT: _picker(pickable),
        FieldKind.BUILDING: _picker(pickable),
        FieldKind.MERCHANT: _picker(pickable),
    }
    known = {f["name"] for f in fields}
    problems = [problem(str(k), ErrorCode.UNKNOWN_FIELD, _("表单没有该字段")) for k in raw if k not in known]
    clean: dict[str, Any] = {}
    visible: set[str] = set()
    for spec in fields:
        name, kind = spec["name"], spec["kind"]
        when = spec.get("when")
        if when and (str(when["field"]) not in visible or not condition_holds(when, clean)):
            continue
        visible.add(name)
        if kind == FieldKind.PHOTO:
            if raw.get(name) not in (None, "", []):
                problems.append(problem(name, ErrorCode.BAD_VALUE, _("照片须以文件上传")))
            elif spec.get("required") and not photos.get(name):
                problems.append(problem(name, ErrorCode.REQUIRED, _("请上传照片：%(label)s") % spec))
            continue
        value = raw.get(name)
        if _empty(value) or (isinstance(value, list | tuple) and all(_empty(v) for v in value)):
            if spec.get("required"):
                problems.append(problem(name, ErrorCode.REQUIRED, _("必填：%(label)s") % spec))
            continue
        cleaned, found = cleaners[kind](spec, value)
        if found is not None:
            problems.append(found)
        else:
            clean[name] = cleaned
    photo_fields = {f["name"] for f in fields if f["kind"] == FieldKind.PHOTO}
    for name, count in photos.items():
        if count and (name not in photo_fields or name not in visible):
            problems.append(problem(name, ErrorCode.UNKNOWN_FIELD, _("该字段不接受照片")))
    return clean, problems


# --- after a submission -----------------------------------------------------------------------------------


def visible_fields(fields: list[dict[str, Any]], clean: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields shown for these answers (the same rule as :func:`validate_answers`)."""
    shown: list[dict[str, Any]] = []
    names: set[str] = set()
    for spec in fields:
        when = spec.get("when")
        if when and (str(when["field"]) not in names or not condition_holds(when, clean)):
            continue
        names.add(spec["name"])
        shown.append(spec)
    return shown


def ledger_updates(fields: list[dict[str, Any]], clean: Mapping[str, Any]) -> dict[str, str]:
    """``{attribute key: stored value}`` for the answered fields that map to the ledger (choice labels turned into
    their codes)."""
    updates: dict[str, str] = {}
    for spec in fields:
        key = spec.get("maps_to")
        if not key or spec["name"] not in clean or key not in MAPPABLE:
            continue
        attr = MAPPABLE[key]
        value = str(clean[spec["name"]])
        updates[key] = attr.values.get(value, value) if attr.values else value[: attr.max_length or None]
    return updates


def wants_case(actions: Mapping[str, Any] | None, clean: Mapping[str, Any]) -> bool:
    """Whether the answers call for a case (``actions.open_case_when``)."""
    when = (actions or {}).get("open_case_when")
    return bool(when) and condition_holds(when, clean)


def display_value(spec: Mapping[str, Any], value: Any) -> str:
    """An answer as one line of text, for a case's description and the pages."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Mapping) and "lng" in value:
        return f"{value['lng']:.6f}, {value['lat']:.6f}"
    return str(value)


def masked_answers(fields: list[dict[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with those written to a ledger phone (``maps_to`` ending in ``phone``) masked: the number
    itself is kept in the ledger, where revealing it is entitled and logged."""
    phones = {f["name"] for f in fields if str(f.get("maps_to") or "").endswith("phone")}
    return {k: mask_phone(str(v)) if k in phones and v else v for k, v in answers.items()}
