"""Every code a rule error is raised with is declared: in the ``ErrorCode`` of the raising app's ``errors``
module, or in core's. The codes are the API contract, so a new one must be declared (with when it is
raised) and a declared one cannot drift.

The source is read with ``ast``: each ``code=`` passed to a ``DomainError`` subclass and each ``code``
attribute of such a class, outside the tests and migrations. A code is a member (``ErrorCode.X``), a
literal equal to a member's value, or a conversion ``ErrorCode(value)`` (checked when it runs). A module
with a family of refusals of its own may name them in a ``StrEnum`` of its own (``core.uploads.UploadCode``);
its members count as declared for that app.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pytest

from wangge.core.workflow import REGISTRY

ROOT = Path(__file__).resolve().parents[2]  # the wangge package

# Apps whose codes are not declared yet: accounts will declare them in accounts/errors.py.
UNDECLARED_APPS: frozenset[str] = frozenset()

# A code passed on from a value checked elsewhere: (file under wangge/, expression) -> where it is checked.
PASSED_ON = {
    ("core/workflow.py", "reason"): "a guard's reason, typed StrEnum: test_every_guard_reason_is_declared",
}


@dataclass(frozen=True)
class Site:
    """One place a code is given: ``file`` relative to wangge/, its app and the expression."""

    file: str
    line: int
    app: str
    expr: ast.expr
    imports: dict[str, str]  # local name -> dotted name it was imported as, or of a class the module defines

    def __str__(self) -> str:
        return f"wangge/{self.file}:{self.line}: code={ast.unparse(self.expr)}"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        yield rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """``DomainError`` and the names of every class deriving from it, however indirectly."""
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = {"DomainError"}
    grew = True
    while grew:
        grew = False
        for cls in classes:
            if cls.name not in found and any(_name(base) in found for base in cls.bases):
                found.add(cls.name)
                grew = True
    return found


def _imports(file: str, tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.ClassDef):
            names[node.name] = "wangge." + file.removesuffix(".py").replace("/", ".") + "." + node.name
    return names


def code_sites(modules: list[tuple[str, ast.Module]]) -> list[Site]:
    errors = _error_classes([tree for _file, tree in modules])
    sites: list[Site] = []
    for file, tree in modules:
        app = file.split("/")[0]
        imports = _imports(file, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in errors:
                sites += [Site(file, kw.lineno, app, kw.value, imports) for kw in node.keywords if kw.arg == "code"]
            elif isinstance(node, ast.ClassDef) and node.name in errors:
                for stmt in node.body:
                    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
                    target = stmt.target if isinstance(stmt, ast.AnnAssign) else target
                    value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
                    if isinstance(target, ast.Name) and target.id == "code" and value is not None:
                        sites.append(Site(file, stmt.lineno, app, value, imports))
    return sites


def enum_of(app: str) -> type[StrEnum] | None:
    module = f"wangge.{app}.errors"
    if importlib.util.find_spec(module) is None:
        return None
    enum: type[StrEnum] = importlib.import_module(module).ErrorCode
    return enum


def _allowed(app: str) -> dict[str, type[StrEnum]]:
    """Dotted name -> enum of the codes ``app`` may raise: its own and core's."""
    enums = {f"wangge.{a}.errors.ErrorCode": e for a in (app, "core") if (e := enum_of(a)) is not None}
    return enums


def _code_enum(dotted: str, app: str) -> type[StrEnum] | None:
    """The enum of codes named ``dotted`` when it is one of ``app``'s or core's (a StrEnum defined there)."""
    module, _dot, name = dotted.rpartition(".")
    if not module.startswith("wangge.") or module.split(".")[1] not in (app, "core"):
        return None
    found = getattr(importlib.import_module(module), name, None)
    return found if isinstance(found, type) and issubclass(found, StrEnum) else None


def problem(site: Site) -> str | None:
    """Why the code at ``site`` is not a declared one, or None."""
    allowed = _allowed(site.app)
    expr = site.expr
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        if any(expr.value in {m.value for m in e} for e in allowed.values()):
            return None
        return f"{site}: {expr.value!r} is not declared in {' or '.join(sorted(allowed)) or 'any ErrorCode'}"
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        enum = _code_enum(site.imports.get(expr.value.id, ""), site.app)
        if enum is not None:
            return None if expr.attr in enum.__members__ else f"{site}: {expr.value.id} has no member {expr.attr}"
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and len(expr.args) == 1
        and site.imports.get(expr.func.id, "") in allowed
    ):
        return None
    if (site.file, ast.unparse(expr)) in PASSED_ON:
        return None
    return f"{site}: not a member of the app's or core's ErrorCode"


def _sites() -> list[Site]:
    return code_sites(list(_modules()))


def _apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def test_every_code_raised_is_declared() -> None:
    sites = [s for s in _sites() if s.app not in UNDECLARED_APPS]

    problems = [p for s in sites if (p := problem(s)) is not None]

    assert len(sites) > 100  # the scan finds the raises (a broken scan would find none and pass)
    assert problems == []


def test_every_declared_code_is_raised_somewhere() -> None:
    """No dead codes: each member is named (``ErrorCode.X``) or raised as a literal outside the tests."""
    named: set[tuple[str, str]] = set()
    literals = {s.expr.value for s in _sites() if isinstance(s.expr, ast.Constant)}
    for file, tree in _modules():
        imports = _imports(file, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                dotted = imports.get(node.value.id, "")
                if dotted.endswith(".errors.ErrorCode"):
                    named.add((dotted.split(".")[1], node.attr))

    unused = [
        f"{app}: {member.name}"
        for app in _apps()
        if (enum := enum_of(app)) is not None
        for member in enum
        if (app, member.name) not in named and member.value not in literals
    ]

    assert unused == []


@pytest.mark.parametrize("app", ["core", "workorders", "places", "reports", "open311", "intel", "demo", "web", "api"])
def test_each_code_is_declared_once_in_its_app(app: str) -> None:
    enum = enum_of(app)
    assert enum is not None

    values = [member.value for member in enum.__members__.values()]

    assert len(values) == len(set(values)), "a repeated value makes an alias, not a second code"
    assert all(member.value == member.name.lower() for member in enum)


def test_every_guard_reason_is_declared() -> None:
    """A guard's reason is the code of its refusal: a member of the ErrorCode of the guard's app."""
    for app in _apps():
        if importlib.util.find_spec(f"wangge.{app}.workflow") is not None:
            importlib.import_module(f"wangge.{app}.workflow")
    checked = 0
    for workflow in REGISTRY.workflows.values():
        for t in workflow.transitions.values():
            if t.guard is None:
                continue
            enum = enum_of(t.guard.__module__.split(".")[1])
            assert enum is not None, t.guard.__module__
            assert all(isinstance(reason, enum) for reason in workflow.guard_messages), workflow.name
            checked += 1

    assert checked > 0


def test_an_undeclared_code_is_found() -> None:
    source = (
        "from wangge.core.errors import NotFound\n"
        "from wangge.places.errors import ErrorCode\n"
        "class Gone(NotFound):\n"
        "    code = 'gone'\n"
        "def f():\n"
        "    raise Gone('x', code='point_not_found')\n"
        "    raise NotFound('x', code=ErrorCode.NO_SUCH_MEMBER)\n"
        "    raise NotFound('x', code=some_value)\n"
        "    raise NotFound('x', code=ErrorCode.POINT_NOT_FOUND)\n"
    )
    modules = [*_modules(), ("places/example.py", ast.parse(source))]
    sites = [s for s in code_sites(modules) if s.file == "places/example.py"]

    found = [problem(s) is not None for s in sites]

    assert found == [True, False, True, True, False]
