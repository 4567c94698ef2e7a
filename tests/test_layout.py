"""The code's shape: what a reader of the layers relies on, checked so it cannot drift.

The layers themselves are import-linter's contract (pyproject.toml, `lint-imports` in CI);
these are the house rules it does not cover.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "accounts",
    "discussions",
    "teams",
    "participation",
    "blog",
    "leads",
    "notifications",
    "pages",
    "demo",
    "bench",
    "seminar",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def own_imports_inside_functions(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in functions(tree):
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if any(name.split(".")[0] in APPS for name in names):
                found.append(node)
    return found


def test_imports_of_our_apps_inside_functions_say_why():
    unexplained = []
    for path in app_modules():
        lines = path.read_text().splitlines()
        for node in own_imports_inside_functions(ast.parse("\n".join(lines))):
            line, before = lines[node.lineno - 1], lines[node.lineno - 2].strip()
            if "#" not in line and not before.startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}")
    assert unexplained == []


def test_no_app_asks_whether_another_of_our_apps_is_installed():
    guards = [
        f"{path.relative_to(ROOT)}"
        for path in app_modules()
        if "apps.is_installed(" in path.read_text()
    ]
    assert guards == []


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{f.name}: {f.end_lineno - f.lineno + 1} lines"
        for f in functions(ast.parse(source))
        if f.end_lineno and f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
