"""The schemas' patterns mean the same in ECMA-262 and in Python's `re` (SPEC 2.1).

JSON Schema's patterns are ECMA-262; jsonschema in Python runs them with `re`.
Every pattern is written so that a stock validator in either dialect gives the
same answer, with nothing translated. Here each pattern of protocol/schema/ runs
in Chromium's JavaScript (with the `u` flag that JSON Schema asks for, and
without it) and in Python, on every string of every vector and on variants of
them with a line break added, a lone surrogate, and characters beyond U+FFFF.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.async_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)",
                allow_module_level=True)


def _patterns(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(item) for item in node))
    return set()


def _strings(node: object) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return set(node).union(*(_strings(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_strings(item) for item in node))
    return set()


def _samples() -> list[str]:
    found: set[str] = set()
    for path in (ROOT / "protocol" / "vectors").glob("*.json"):
        if path.name == "ballots.json":  # bytes of BALLOTS.md, no entries
            continue
        for step in json.loads(path.read_text(encoding="utf-8"))["steps"]:
            try:
                found |= _strings(json.loads(base64.b64decode(step["wire_b64"])))
            except ValueError:
                continue
    found = {text for text in found if len(text) <= 600}
    extra = {"\ud800", "a\udc00", "\ud83d\ude00", "😀", "é", ""}
    variants = {v for text in found | extra
                for v in (text, text + "\n", "\n" + text, text + "\r", text + "\ud800")}
    return sorted(variants)


def _utf16(text: str) -> list[int]:
    units = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(units[i:i + 2], "little") for i in range(0, len(units), 2)]


JUDGE = """([patterns, samples, flags]) => {
    const texts = samples.map(units => String.fromCharCode(...units));
    return patterns.map(p => { const r = new RegExp(p, flags); return texts.map(t => r.test(t)); });
}"""


async def test_every_schema_pattern_gives_the_same_verdicts_in_javascript_and_python():
    schemas = [json.loads(p.read_text(encoding="utf-8"))
               for p in (ROOT / "protocol" / "schema").glob("*.json")]
    patterns = sorted(set().union(*(_patterns(s) for s in schemas)))
    samples = _samples()
    python = [[re.search(p, text) is not None for text in samples] for p in patterns]
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"])
        try:
            page = await browser.new_page()
            units = [_utf16(t) for t in samples]
            # with the `u` flag JSON Schema asks for, and without it, as some validators run
            ecma = {flags: await page.evaluate(JUDGE, [patterns, units, flags])
                    for flags in ("u", "")}
        finally:
            await browser.close()
    for flags, verdicts in ecma.items():
        differ = [(p, flags, samples[i]) for p, py, js in zip(patterns, python, verdicts,
                                                              strict=True)
                  for i in range(len(samples)) if py[i] != js[i]]
        assert differ == []
    # the samples reach both sides of every pattern
    assert all(any(row) and not all(row) for row in python)
