"""`groupnet bench members` runs end to end at a small size and prints each figure.

No timing thresholds: the figures depend on the machine (docs/benchmarks.md
has the measured ones). What is checked is that the import and the paging
complete and that every figure line is printed.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re

from groupnet.cli.bench.members import sample_csv
from groupnet.procedure.group.members import validate_import

from .conftest import cli

NUMBER = r"\d+(\.\d+)?"


def test_the_sample_register_is_valid_and_has_no_duplicate_emails():
    reader = csv.DictReader(io.StringIO(sample_csv(3000)))
    members, errors = validate_import(((reader.line_num, row) for row in reader), set(),
                                      1_800_000_000_000)
    assert errors == [] and len(members) == 3000


async def test_the_members_benchmark_imports_then_pages_through_the_register():
    done = await asyncio.to_thread(cli, "bench", "members", "--members", "1050", "--page", "100")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(re.fullmatch(rf"import: {NUMBER} s for 1050 members \(\d+/s; target under 10 s\)",
                            line) for line in lines), lines
    assert "pages: 11 of 100 over GET /api/v1/members (keyset cursor)" in lines
    assert any(re.match(rf"page, server time \(Server-Timing\): median {NUMBER} ms", line)
               for line in lines)
    assert any(re.match(rf"page, as the client saw it: median {NUMBER} ms", line)
               for line in lines)
