"""The procedure code is pure: no I/O, no clock (DESIGN.md invariant 2).

Time is an argument there, and everything a decision needs is passed in, so
every node computes the same verdict from the same entries. This reads the
source of every module under `groupnet/procedure/` and refuses imports of I/O
modules (and of groupnet modules outside the wire and the procedure code) and
calls that read a clock.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = ROOT / "groupnet" / "procedure"

# Modules that do I/O, start work elsewhere, or draw randomness.
IO_MODULES = frozenset({
    "aiohttp", "aiosqlite", "sqlite3", "asyncio", "os", "time", "random", "secrets",
    "socket", "ssl", "subprocess", "urllib.request", "http", "smtplib", "pathlib",
    "shutil", "tempfile", "io", "threading", "multiprocessing", "concurrent", "signal",
    "uuid", "logging", "requests", "httpx",
})
# The groupnet modules the pure rules may build on: the wire, and themselves.
ALLOWED_GROUPNET = ("groupnet.wire", "groupnet.procedure")
# Attribute calls that read a clock, whatever the module was imported as.
CLOCK_CALLS = frozenset({
    ("time", "time"), ("time", "time_ns"), ("time", "monotonic"), ("time", "perf_counter"),
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
    ("date", "today"),
})


def _absolute(module: str | None, level: int, path: Path) -> str:
    """The dotted name a (possibly relative) import in `path` refers to."""
    if level == 0:
        return module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    base = package[:len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def impurities(source: str, path: Path) -> list[str]:
    """What in `source` (the module at `path`) does I/O or reads a clock."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, path)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if any(name == m or name.startswith(m + ".") for m in IO_MODULES):
                found.append(f"line {node.lineno}: imports {name}")
            elif name.startswith("groupnet") and not name.startswith(ALLOWED_GROUPNET) \
                    and name != "groupnet":
                found.append(f"line {node.lineno}: imports {name}, outside the wire")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = func.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else \
                    owner.id if isinstance(owner, ast.Name) else None
                if (owner_name, func.attr) in CLOCK_CALLS:
                    found.append(f"line {node.lineno}: reads the clock ({owner_name}.{func.attr})")
            elif isinstance(func, ast.Name) and func.id in ("open", "input", "print"):
                found.append(f"line {node.lineno}: calls {func.id}()")
    return found


def test_no_procedure_module_does_io_or_reads_the_clock():
    modules = sorted(PROCEDURE.rglob("*.py"))
    assert PROCEDURE / "network" / "receive.py" in modules
    found = {
        str(path.relative_to(ROOT)): problems
        for path in modules
        if (problems := impurities(path.read_text(encoding="utf-8"), path))
    }
    assert found == {}


def test_the_purity_check_finds_io_imports_and_clock_reads():
    path = PROCEDURE / "network" / "example.py"
    source = (
        "import os\n"
        "import aiosqlite\n"
        "from time import monotonic\n"
        "from urllib.request import urlopen\n"
        "from ... import store\n"
        "from ...wire.messages import Entry\n"
        "from ...wire.rejection import Rejection\n"
        "import datetime\n"
        "def late():\n"
        "    return datetime.datetime.now(), date.today(), time.time(), open('f')\n"
    )
    assert impurities(source, path) == [
        "line 1: imports os",
        "line 2: imports aiosqlite",
        "line 3: imports time",
        "line 3: imports time.monotonic",
        "line 4: imports urllib.request",
        "line 4: imports urllib.request.urlopen",
        "line 5: imports groupnet.store, outside the wire",
        "line 10: reads the clock (datetime.now)",
        "line 10: reads the clock (date.today)",
        "line 10: reads the clock (time.time)",
        "line 10: calls open()",
    ]
