"""docs/architecture.md stays true: every module and folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def named_paths() -> list[str]:
    return sorted(set(re.findall(r"groupnet/[\w/]*(?:\.py|/)", DOC.read_text(encoding="utf-8"))))


def test_every_module_and_folder_the_architecture_doc_names_exists():
    paths = named_paths()
    assert len(paths) > 30, "the pattern no longer finds the doc's module names"
    missing = [path for path in paths
               if not (ROOT / path).exists() and "conferences" not in path]
    assert missing == [], f"docs/architecture.md names modules that do not exist: {missing}"


def test_the_doc_names_every_layer_folder():
    layers = {p.name for p in (ROOT / "groupnet").iterdir()
              if p.is_dir() and (p / "__init__.py").exists()}
    named = {path.split("/")[1] for path in named_paths()}
    assert layers <= named, f"layers not described: {sorted(layers - named)}"
