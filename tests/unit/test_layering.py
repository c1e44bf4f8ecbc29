"""The import arrows point one way: every module's imports, read from its syntax tree,
are checked against the layering rules (imports under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "schemas", "tui")


@dataclass(frozen=True)
class Rule:
    layer: str
    forbidden: tuple[str, ...]


RULES = (
    Rule(
        "server.domain",
        ("sanic", "tortoise", "redis", "server.models", "server.services", "server.api"),
    ),
    Rule("schemas", ("server", "tui")),
    Rule("tui", ("server",)),
    Rule("server.services", ("server.api", "sanic")),
)


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """Every module name the file imports, relative imports resolved; ``from a import b``
    yields both ``a`` and ``a.b`` since ``b`` may be a submodule."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{target}.{alias.name}"


def violations(root: Path, rules: tuple[Rule, ...] = RULES) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            module = module_name(path, root)
            for rule in rules:
                if not _within(module, rule.layer):
                    continue
                for line, target in imports_of(path, module):
                    bad = next((f for f in rule.forbidden if _within(target, f)), None)
                    if bad is not None:
                        where = f"{path.relative_to(root)}:{line}"
                        found.append(f"{where}: {rule.layer} must not import {bad} ({target})")
    return sorted(set(found))


def test_the_code_keeps_its_layers() -> None:
    problems = violations(ROOT)
    assert not problems, "layering broken:\n" + "\n".join(problems)


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checker_finds_each_kind_of_violation(tmp_path: Path) -> None:
    for pkg in ("server", "server/domain", "server/services", "server/api", "schemas", "tui"):
        _write(tmp_path, f"{pkg}/__init__.py", "")
    _write(tmp_path, "server/domain/ok.py", "import json\nfrom . import errors\n")
    _write(tmp_path, "server/domain/errors.py", "")
    _write(
        tmp_path,
        "server/domain/bad.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tortoise import fields\n"
        "def f():\n    import sanic.response\n",
    )
    _write(tmp_path, "server/domain/sneaky.py", "from .. import models\nfrom ..api import x\n")
    _write(tmp_path, "server/services/bad.py", "from server import api\n")
    _write(tmp_path, "schemas/bad.py", "from server.domain.errors import Invalid\n")
    _write(tmp_path, "tui/bad.py", "import server.app as app\n")
    _write(tmp_path, "tui/ok.py", "from schemas.common import Strict\nimport serverless\n")
    found = violations(tmp_path)
    flagged = {line.split(":")[0] for line in found}
    assert flagged == {
        "server/domain/bad.py",
        "server/domain/sneaky.py",
        "server/services/bad.py",
        "schemas/bad.py",
        "tui/bad.py",
    }, found
    assert any("must not import tortoise" in v for v in found)
    assert any("must not import sanic (sanic.response)" in v for v in found)
    assert any("must not import server.models (server.models)" in v for v in found)
    assert any("must not import server.api (server.api.x)" in v for v in found)
