"""The package layout keeps its promises: imports point down, never round in a circle.

Layers, top to bottom (the layout of the issue "One house before the next floor"):
cli → service → web → group / network → federation → store → procedure → wire.
A module may import its own layer or any layer below; `group/` may read the network
state through `network/`, `network/` never imports `group/`; `wire/` imports nothing else
of groupnet; `procedure/` is pure (wire and procedure only). Every import counts, a
function's own imports too, since they join the same modules together; an import under
`if TYPE_CHECKING:` counts for the direction, not for cycles (it never runs). No module
imports another module's private (`_underscore`) name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "groupnet"

ORDER = ["wire", "procedure", "store", "federation", "steps", "web", "service", "cli"]

# Longest prefix wins. The base modules every layer uses sit low: limits (the bounds a
# caller's input must keep: imports only wire) with procedure, the one clock with wire
# (it imports nothing of groupnet), and config (node.toml, which reads peer networks the
# federation way) with federation.
LAYER = {
    "groupnet": "cli",
    "groupnet.wire": "wire",
    "groupnet.clock": "wire",
    "groupnet.procedure": "procedure",
    "groupnet.limits": "procedure",
    "groupnet.local_time": "procedure",
    "groupnet.store": "store",
    "groupnet.federation": "federation",
    "groupnet.config": "federation",
    "groupnet.network": "steps",
    "groupnet.group": "steps",
    "groupnet.web": "web",
    "groupnet.service": "service",
    "groupnet.cli": "cli",
}

# Upward imports that stay until the federation loops take the node through a protocol of
# their own: today they take `network.node.Node` and decode its `Result`/`CheckedBatch`.
# The test fails as soon as one of these is no longer needed, so the list only shrinks.
NOT_YET = {
    ("groupnet.federation.client", "groupnet.network.node"),
    ("groupnet.federation.outbox", "groupnet.network.node"),
    ("groupnet.federation.sync", "groupnet.network.node"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in LAYER:
            return LAYER[".".join(parts[:i])]
    raise AssertionError(f"{module} has no layer")


def area_of(module: str) -> str:
    """`network` or `group` for a step module, else its layer."""
    if module.startswith("groupnet.network"):
        return "network"
    if module.startswith("groupnet.group"):
        return "group"
    return layer_of(module)


class Import:
    def __init__(self, target: str, names: list[str], line: int, typing_only: bool) -> None:
        self.target, self.names, self.line = target, names, line
        self.typing_only = typing_only


def typing_only_lines(tree: ast.Module) -> set[int]:
    """Lines of the imports under `if TYPE_CHECKING:`: names for annotations only."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(module: str) -> list[Import]:
    """Every groupnet module `module` imports, with the names it takes from it."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text())
    typing_only = typing_only_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(a.name, [], node.lineno, node.lineno in typing_only)
                      for a in node.names if a.name.split(".")[0] == "groupnet"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "groupnet":
                continue
            for alias in node.names:
                target, names = ((f"{source}.{alias.name}", []) if f"{source}.{alias.name}"
                                 in MODULES else (source, [alias.name]))
                found.append(Import(target, names, node.lineno, node.lineno in typing_only))
    return found


GRAPH = {m: {i.target for i in imports_of(m)} for m in MODULES}
# What runs when a module is imported: a name imported only for annotations (a rule
# module naming the state it is handed) makes no cycle.
RUNTIME = {m: {i.target for i in imports_of(m) if not i.typing_only} for m in MODULES}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        assert layer_of(module) in ORDER


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for module, targets in GRAPH.items():
        for target in targets:
            if (ORDER.index(layer_of(target)) > ORDER.index(layer_of(module))
                    or (area_of(module) == "network" and area_of(target) == "group")):
                found.add((module, target))
    return found


def test_imports_point_down_only() -> None:
    upward = upward_imports()
    assert upward - NOT_YET == set(), "imports that run back up a layer"
    assert NOT_YET - upward == set(), "no longer needed: remove from NOT_YET"


def test_the_wire_imports_nothing_else_of_groupnet() -> None:
    for module, targets in GRAPH.items():
        if layer_of(module) == "wire":
            assert {t for t in targets if layer_of(t) != "wire"} == set(), module
        if module.startswith("groupnet.wire"):
            assert {t for t in targets if not t.startswith("groupnet.wire")} == set(), module


def test_the_rules_are_pure() -> None:
    """procedure/ reads no clock, no store, no network: only the wire and other rules."""
    for module, targets in GRAPH.items():
        if layer_of(module) == "procedure":
            assert {t for t in targets if layer_of(t) not in ("wire", "procedure")
                    or t == "groupnet.clock"} == set(), module


def test_no_import_cycles() -> None:
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(RUNTIME.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(RUNTIME):
        visit(module, [])


def test_no_module_imports_another_modules_private_name() -> None:
    private = []
    for module in MODULES:
        bound: dict[str, str] = {}
        for imp in imports_of(module):
            private += [(module, imp.target, n) for n in imp.names
                        if n.startswith("_") and not n.startswith("__")]
        tree = ast.parse(MODULES[module].read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for imp, alias in zip(imports_of_node(module, node), node.names, strict=True):
                    if imp in MODULES:
                        bound[alias.asname or alias.name] = imp
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                private.append((module, bound[node.value.id], node.attr))
    assert private == []


def imports_of_node(module: str, node: ast.ImportFrom) -> list[str]:
    """What each name of one `from … import` statement names: a module, or its source."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return [f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source
            for a in node.names]


SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|REPLACE|WITH) ")

# Every SQL statement lives in `store/`, behind a named function, with two exceptions:
# network/node.py, the log itself, still reads and writes its entries and forks directly
# (moving them is a step of its own), and cli/bench/ fills a database directly to build a
# large log quickly for measuring, outside the running node.
SQL_ALLOWED = ("groupnet/network/node.py", "groupnet/cli/bench/")


def test_sql_lives_in_the_store() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative.startswith(("groupnet/store/", *SQL_ALLOWED)):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and SQL_START.match(node.value)):
                found.append(f"{relative}:{node.lineno}: {node.value.strip()[:40]}")
    assert found == []
