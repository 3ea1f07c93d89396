"""What a caller may write: numbers, links and text, checked the same way at every edge.

Numbers. Every number a caller writes into a URL path, a query string, a form
field or a command-line argument is read by `whole_number`: ASCII digits only,
and within bounds. Python's own `int()` is too generous for this (it reads
"٣" as 3, and " 3 " and "3_000" too) and `str.isdigit()` too (it passes
"¹", which `int()` then refuses); a number that no bound stops reaches SQLite,
whose integers are signed 64-bit. Ids and times stay at most `MAX_ID`
(2^53 - 1): every JSON reader, JavaScript's included, holds them exactly.
Numbers in JSON bodies are bounded the same way by their request types
(`Meta(ge=…, le=…)`, e.g. `Id` and `Millis` below).

Links. A link a user gives that the node later shows as a link or sends in a
notice (a meeting's link, a group's website, a peer's address) must be an
`http://` or `https://` address (`LINK_PATTERN`): a `javascript:` or `data:`
link would run in the browser of whoever follows it. Pages check again when
they render (`web_link`), so a link stored before this rule is shown as
text, never as a link.

Text. Every text field of every request type carries a `max_length`; the
OpenAPI document shows each one. The common sizes are named here.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Annotated

import msgspec
from msgspec import Meta

from .wire.rejection import Rejection

MAX_ID = 2**53 - 1

# \Z, not $: `$` also matches before a final newline (see wire/messages.py)
LINK_PATTERN = r"^https?://[!-~]+\Z"
_LINK = re.compile(LINK_PATTERN)
_OPTIONAL_LINK_PATTERN = r"^(?:https?://[!-~]+)?\Z"
LINK_LENGTH = 500

Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
Millis = Annotated[int, Meta(ge=0, le=MAX_ID)]
Link = Annotated[str, Meta(pattern=LINK_PATTERN, max_length=LINK_LENGTH)]
# the same rule, for fields where no link at all is written as ""
OptionalLink = Annotated[str, Meta(pattern=_OPTIONAL_LINK_PATTERN, max_length=LINK_LENGTH)]


def whole_number(text: str, low: int = 0, high: int = MAX_ID) -> int | None:
    """`text` as an integer if it is ASCII digits alone and within [low, high], else None."""
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def web_link(url: object) -> str | None:
    """`url` if it may be shown as a link (http or https), else None."""
    return url if isinstance(url, str) and _LINK.match(url) else None


def argument(low: int = 0, high: int = MAX_ID) -> Callable[[str], int]:
    """An argparse `type=` for a whole number from `low` to `high`."""

    def number(text: str) -> int:
        value = whole_number(text, low, high)
        if value is None:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number from {low} to {high} (digits 0-9 only)")
        return value

    return number


# for `type=` in the command line's parsers
id_arg = argument(1)
count_arg = argument(0)


def refusal(error: msgspec.ValidationError, what: str) -> Rejection:
    """A request that does not fit its type, as a refusal citing the rule it broke."""
    message = str(error)
    if "matching regex '^" in message and "https?://" in message:  # a link's pattern
        where = message.rpartition(" - at ")[2] or "the link"
        return Rejection("bad_link", f"{where}: a link must be an http:// or https:// address "
                         "without spaces; no other kind is accepted, because it is shown as a "
                         "link and sent in notices")
    return Rejection("bad_request", f"{what} does not fit: {message}")
