"""The layout's promises, checked on the source: who may import what, no cycles, small files."""

from __future__ import annotations

from tests.architecture.imports import ROOT, graph, imports_of, sources

EDGE = "bot.tg"
SANDBOX = "bot.sandbox"
MAX_LINES = 400


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_only_the_telegram_edge_imports_telegram() -> None:
    offenders = [
        f"{i.importer}:{i.line} imports {i.imported}"
        for module in sources()
        if not _inside(module, EDGE)
        for i in imports_of(module)
        if i.imported == "telegram" or i.imported.startswith("telegram.")
    ]
    assert offenders == []


def test_no_production_module_imports_the_sandbox() -> None:
    # `kabar demo` is the one way in: it runs the fake Bot API and the demo families.
    allowed = {"bot.cli.demo"}
    offenders = [
        f"{i.importer}:{i.line} imports {i.imported}"
        for module in sources()
        if not _inside(module, SANDBOX) and module not in allowed
        for i in imports_of(module)
        if _inside(i.imported, SANDBOX)
    ]
    assert offenders == []


def test_the_domain_and_below_never_import_the_edge_the_root_or_the_command_line() -> None:
    lower = ("bot.domain", "bot.dialogue", "bot.flows", "bot.messaging", "bot.db", "bot.lib")
    upper = ("bot.tg", "bot.app", "bot.cli", SANDBOX)
    offenders = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        if any(_inside(module, low) for low in lower)
        for target in targets
        if any(_inside(target, up) for up in upper)
    ]
    assert offenders == []


def test_there_are_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_no_file_outside_the_sandbox_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for module, path in sources().items()
        if not _inside(module, SANDBOX)
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
