"""JSON Schemas for protocol/schema/, made from the msgspec wire types.

One file per message kind (`network.charter.json`, …) describes that kind's
body; `envelope.json` describes the whole entry, the nine-item array of SPEC
2.1, and refers to the body files by kind. Regenerate after changing a wire
type:

    python -m groupnet.wire.schema --write

Descriptions come from the wire types' docstrings, normalised here with
`inspect.cleandoc` so that the files do not depend on how a msgspec release
indents them. Two things are added to what `msgspec.json.schema` gives, both
because the wire is stricter than the decoder's types say:

- every property is required, and no default is shown: the wire has no
  defaults (SPEC 2.1), so a body that leaves a field out is `bad_schema` (the
  defaults of the Python types are for the code that writes entries); the one
  exception is the optional fields of SPEC 2.1, the defaulted fields of the
  types that omit their defaults, which a body leaves out at their defaults;
- every string without a pattern of its own gets `TEXT_PATTERN`, which refuses
  a lone surrogate (SPEC 2.2: msgspec refuses one while decoding, a stock JSON
  parser lets it through).

Patterns are copied as the wire types write them, ending in
`messages.PATTERN_END`, which means the end of the string in ECMA-262 and in
Python's `re` alike: a stock validator in either dialect gives the same answer,
with nothing translated.

What no schema can say is in SPEC 2.2: how the bytes are written (the
canonical form, so `1.0` where the schema's value is the integer 1), and the
size of the entry.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from . import messages

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DIRECTORY = Path(__file__).resolve().parents[2] / "protocol" / "schema"


# A string of Unicode scalar values: no lone surrogate. In ECMA-262 without the `u`
# flag a character beyond U+FFFF is a pair of surrogates, which the second branch takes.
TEXT_PATTERN = r"^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*" + messages.PATTERN_END


def _anchored(pattern: str) -> str:
    if not (pattern.startswith("^") and pattern.endswith(messages.PATTERN_END)):
        raise ValueError(
            f"wire pattern {pattern!r} must be anchored as ^…{messages.PATTERN_END} "
            "(see wire/messages.py)"
        )
    return pattern


def _optional_fields() -> dict[str, frozenset[str]]:
    """The fields a body may leave out (SPEC 2.1): the defaulted fields of the few types
    that omit their defaults, added to the constitution after it was first published."""
    found = {}
    for name in dir(messages):
        value = getattr(messages, name)
        if (isinstance(value, type) and issubclass(value, msgspec.Struct)
                and value.__struct_config__.omit_defaults):
            fields = msgspec.structs.fields(value)
            found[name] = frozenset(f.encode_name for f in fields
                                    if f.default is not msgspec.NODEFAULT)
    return found


_OPTIONAL = _optional_fields()


def _wire_strict(node: Any) -> Any:
    """Check patterns, normalise descriptions, require every property, refuse surrogates."""
    if isinstance(node, list):
        return [_wire_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _wire_strict(value) for key, value in node.items()}
    if isinstance(out.get("description"), str):
        out["description"] = inspect.cleandoc(out["description"])
    if isinstance(out.get("pattern"), str):
        out["pattern"] = _anchored(out["pattern"])
    elif out.get("type") == "string" and "enum" not in out:
        out["pattern"] = TEXT_PATTERN
    if out.get("type") == "object" and "properties" in out:
        optional = _OPTIONAL.get(out.get("title", ""), frozenset())
        out["required"] = sorted(set(out["properties"]) - optional)
    if {"type", "anyOf", "$ref"} & out.keys():
        out.pop("default", None)
    return out


def body_schema(kind: str) -> dict:
    body_type = messages.BODY_TYPES[kind]
    schema = _wire_strict(msgspec.json.schema(body_type))
    return {
        "$schema": DIALECT,
        "title": kind,
        "description": (
            f"The body of a `{kind}` entry (protocol/SPEC.md section 5). Every property "
            "is required: the wire has no defaults (SPEC 2.1)."
        ),
        **schema,
    }


_ITEM_NOTES = {
    "v": "Protocol version; this schema describes version 1. Any other integer is "
         "`unsupported_version`, not `malformed` (SPEC 2.1).",
    "net": "Network id: the first 32 hex digits of the network's derivation (SPEC 5.1).",
    "author": "Node id of the author: its first Ed25519 public key, base64url (SPEC 4.1).",
    "seq": "Position in the author's log, from 1 (SPEC 3.1).",
    "prev": "Id of the author's entry at seq - 1; null exactly when seq is 1 (SPEC 3.1).",
    "ts": "The author's claimed time, milliseconds since 1970 UTC (SPEC 3.2).",
    "kind": "Message type; selects the body schema (SPEC 5).",
    "body": "The body; its schema is `<kind>.json`.",
    "sig": "Ed25519 signature, base64url, over the signature prefix and the id (SPEC 2.3).",
}


def envelope_schema() -> dict:
    """The entry array, item by item from the annotations of `messages.EntryArray`."""
    fields = msgspec.structs.fields(messages.EntryArray)
    kinds = sorted(messages.BODY_TYPES)
    items = []
    for field in fields:
        if field.type is msgspec.Raw:
            item: dict = {"type": "object"}
        else:
            item = _wire_strict(msgspec.json.schema(field.type))
        if field.name == "v":
            item["const"] = messages.VERSION
        if field.name == "kind":
            item["enum"] = kinds
        item["title"] = field.name
        item["description"] = _ITEM_NOTES[field.name]
        items.append(item)
    body_index = [f.name for f in fields].index("body")
    kind_index = [f.name for f in fields].index("kind")
    return {
        "$schema": DIALECT,
        "title": "envelope",
        "description": (
            "One entry as it travels: a JSON array of exactly "
            f"{len(fields)} items (protocol/SPEC.md section 2.1). The bytes must also be "
            "the canonical encoding (SPEC 2.2) and at most "
            f"{messages.MAX_ENTRY_BYTES} bytes long (SPEC 2.4)."
        ),
        "type": "array",
        "prefixItems": items,
        "items": False,
        "minItems": len(fields),
        "allOf": [
            {
                "if": {"prefixItems": [True] * kind_index + [{"const": kind}]},
                "then": {"prefixItems": [True] * body_index + [{"$ref": f"{kind}.json"}]},
            }
            for kind in kinds
        ],
    }


def schemas() -> dict[str, dict]:
    """Every schema file of protocol/schema/, by file name."""
    files = {f"{kind}.json": body_schema(kind) for kind in messages.BODY_TYPES}
    files["envelope.json"] = envelope_schema()
    return dict(sorted(files.items()))


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_files(directory: Path, files: dict[str, dict]) -> list[Path]:
    """Write generated JSON files and remove any the generator no longer makes."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, document in files.items():
        path = directory / name
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


def write(directory: Path = DIRECTORY) -> list[Path]:
    """Write every schema file and remove any this generator no longer makes."""
    return write_files(directory, schemas())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m groupnet.wire.schema",
        description="Generate protocol/schema/ from the msgspec wire types.",
    )
    parser.add_argument("--write", action="store_true",
                        help=f"write the files into {DIRECTORY}")
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print(path)
        return 0
    sys.stdout.write(render(schemas()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
