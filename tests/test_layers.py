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
    assert upward_imports() == set(), "imports that run back up a layer"


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
    """Not `from x import _name`, nor `x._name`, `x.y._name` or `X._name`, where x is an
    imported module (x.y one of its modules) and X a class or function imported from one:
    the command line, the pages and the API reach the steps by their public names alike."""
    private = []
    for module in MODULES:
        for imp in imports_of(module):
            private += [(module, imp.target, n) for n in imp.names if is_private(n)]
        tree = ast.parse(MODULES[module].read_text())
        bound = imported_names(module, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and is_private(node.attr):
                owner = owner_of(node.value, bound)
                if owner is not None:
                    private.append((module, owner, node.attr))
    assert private == []


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def imported_names(module: str, tree: ast.Module) -> dict[str, str]:
    """Each name an import binds in `module`: the module it names, or the one it comes from."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for target, alias in zip(imports_of_node(module, node), node.names, strict=True):
                if target in MODULES:
                    bound[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    top = alias.name.partition(".")[0]
                    bound[alias.asname or top] = alias.name if alias.asname else top
    return bound


def owner_of(node: ast.expr, bound: dict[str, str]) -> str | None:
    """The groupnet module that `store.register` or `Node` names, or that it comes from."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = owner_of(node.value, bound)
        if owner is not None and f"{owner}.{node.attr}" in MODULES:
            return f"{owner}.{node.attr}"
    return None


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


def test_a_module_goes_by_its_own_name() -> None:
    """One module, one name: a groupnet module is imported under its own name.

    Where that name is taken in the importing module (`group/register.py` keeps its
    register in `store/register.py`; `group/motions.py` reads both
    `procedure/group/meetings.py` and `group/meetings.py`), the other module's name
    says its package too: `store_register`, `group_meetings`.
    """
    renamed = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                pairs = zip(imports_of_node(module, node), node.names, strict=True)
            elif isinstance(node, ast.Import):
                pairs = ((alias.name, alias) for alias in node.names)
            else:
                continue
            for target, alias in pairs:
                if target not in MODULES or alias.asname is None or (
                        not target.endswith("." + alias.name.rpartition(".")[2])):
                    continue
                *_, package, name = target.split(".")
                if alias.asname not in (name, f"{package}_{name}"):
                    renamed.append(f"{module}: {target} as {alias.asname}")
    assert renamed == []


# A statement, or a transaction's BEGIN / COMMIT / ROLLBACK, as a string constant.
SQL_START = re.compile(r"\s*(?:(?:SELECT|INSERT|UPDATE|DELETE|CREATE|REPLACE|WITH|BEGIN) "
                       r"|(?:COMMIT|ROLLBACK)\b)")


def test_sql_lives_in_the_store() -> None:
    """Every SQL statement lives in `store/`, behind a named function: the log's own
    (`store/entries.py`), the benchmarks' filling of a database, and transactions too."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative.startswith("groupnet/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and SQL_START.match(node.value)):
                found.append(f"{relative}:{node.lineno}: {node.value.strip()[:40]}")
    assert found == []
