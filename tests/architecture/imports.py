"""Kabar's own import graph, read from the source with `ast` (nothing is imported)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "conversations")


@dataclass(frozen=True, slots=True)
class Import:
    importer: str  # dotted module that imports
    imported: str  # dotted name as written (a module, or a module's attribute)
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def sources() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports_of(module: str) -> list[Import]:
    """Every import in the module, at any depth (inside functions and TYPE_CHECKING too:
    a cycle hidden in a function is still a cycle of the design)."""
    path = sources()[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(module, alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append(Import(module, base, node.lineno))
            found.extend(
                Import(module, f"{base}.{alias.name}", node.lineno) for alias in node.names
            )
    return found


def resolve(name: str) -> str | None:
    """The Kabar module a dotted name refers to (itself or the module holding it)."""
    known = sources()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def graph() -> dict[str, frozenset[str]]:
    edges: dict[str, frozenset[str]] = {}
    for module in sources():
        targets = {resolve(i.imported) for i in imports_of(module)}
        edges[module] = frozenset(t for t in targets if t is not None and t != module)
    return edges
