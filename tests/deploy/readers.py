"""Readers for the files in deploy/, strict enough that the tests notice drift.

Each reader understands exactly the form the deploy files are written in and
raises on anything else, so a file cannot quietly move out of what its tests
check. No YAML library is needed: compose.yaml is kept to block mappings,
lists of scalars and quoted or plain scalars.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


# -- Dockerfile -------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
    if pending:
        raise ValueError("the Dockerfile ends inside a continued line")
    return instructions


def exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) argument list; shell form is refused."""
    words = json.loads(arguments)
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ValueError(f"not an exec-form list: {arguments}")
    return words


# -- compose.yaml -------------------------------------------------------------------


def read_yaml_subset(text: str) -> dict:
    """The YAML subset compose.yaml keeps to; every scalar is returned as a string."""
    lines: list[tuple[int, int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw:
            raise ValueError(f"line {number}: tab character")
        content = _strip_comment(raw).rstrip()
        if content.strip():
            lines.append((number, len(content) - len(content.lstrip()), content.strip()))
    value, position = _block(lines, 0, 0)
    if position != len(lines):
        raise ValueError(f"line {lines[position][0]}: unexpected indentation")
    if not isinstance(value, dict):
        raise ValueError("the document is not a mapping")
    return value


def _strip_comment(line: str) -> str:
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i]
    return line


def _block(lines: list[tuple[int, int, str]], position: int, indent: int):
    is_list = lines[position][2].startswith("- ")
    items: list = []
    mapping: dict = {}
    while position < len(lines):
        number, level, content = lines[position]
        if level < indent:
            break
        if level > indent:
            raise ValueError(f"line {number}: unexpected indentation")
        if is_list:
            if not content.startswith("- "):
                raise ValueError(f"line {number}: a list item was expected")
            items.append(_scalar(content[2:].strip(), number))
            position += 1
            continue
        key, colon, rest = content.partition(":")
        if not colon or key.startswith("- ") or (rest and not rest.startswith(" ")):
            raise ValueError(f"line {number}: `key: value` was expected")
        if key in mapping:
            raise ValueError(f"line {number}: duplicate key {key!r}")
        position += 1
        if rest.strip():
            mapping[key] = _scalar(rest.strip(), number)
        elif position < len(lines) and lines[position][1] > level:
            mapping[key], position = _block(lines, position, lines[position][1])
        else:
            mapping[key] = None
    return (items if is_list else mapping), position


def _scalar(text: str, number: int) -> str:
    if text[0] == '"':
        return json.loads(text)
    if text[0] == "'":
        if not text.endswith("'") or len(text) < 2:
            raise ValueError(f"line {number}: unterminated quoted scalar")
        return text[1:-1].replace("''", "'")
    if text[0] in "[{&*!|>@`%" or ": " in text:
        raise ValueError(f"line {number}: {text!r} is outside the YAML subset these tests read")
    return text


def stringify(value):
    """A parsed YAML document with every scalar as a string, for comparison."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {key: stringify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringify(item) for item in value]
    return value if value is None or isinstance(value, str) else str(value)


# -- shell scripts and docs ------------------------------------------------------------


_PUNCTUATION = "|&;()`\n"
_KEYWORDS = {"exec", "then", "do", "else", "if", "while", "until", "!", "time"}


def groupnet_commands(text: str) -> list[list[str]]:
    """Every `groupnet ...` command in shell text, as its words (variables unexpanded).

    A command counts where a shell would run it: at the start of a line, after
    an operator, `$(` or `(`, after `exec`, `then`, `do` and the like, after
    `sudo -u USER`, or as the command of `docker compose ... exec|run SERVICE`;
    the program may be given by path (`/opt/.../bin/groupnet`).
    Heredoc bodies and comment lines are left out; text the shell lexer cannot
    read raises, so that no command is skipped silently.
    """
    kept: list[str] = []
    heredoc_end = None
    for line in text.replace("\\\n", " ").splitlines():
        if heredoc_end is not None:
            if line.strip() == heredoc_end:
                heredoc_end = None
            continue
        match = re.search(r"<<-?\s*['\"]?(\w+)", line)
        if match:
            heredoc_end = match.group(1)
        if not line.lstrip().startswith("#"):
            kept.append(line)
    lexer = shlex.shlex("\n".join(kept), posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    words = [word for word in lexer if not word.startswith("<<")]
    found: list[list[str]] = []
    command_position = True
    program = None
    i = 0
    while i < len(words):
        word = words[i]
        if _is_operator(word):
            command_position = True
            program = None
        elif program == "docker" and word in ("exec", "run"):
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 1
            command_position = True
        elif command_position and word in _KEYWORDS:
            pass
        elif command_position and word == "sudo":
            i += 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in ("-u", "-g") else 1
            continue
        elif command_position and word.rsplit("/", 1)[-1] == "groupnet":
            end = i + 1
            while end < len(words) and not _is_operator(words[end]):
                end += 1
            found.append(["groupnet", *words[i + 1:end]])
            i = end
            continue
        else:
            if command_position:
                program = word
            command_position = False
        i += 1
    return found


def _is_operator(word: str) -> bool:
    return bool(word) and all(char in _PUNCTUATION for char in word)


def fenced_shell_blocks(markdown: str) -> list[str]:
    """The contents of ```sh code blocks."""
    return re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```", markdown, re.M | re.S)


# -- systemd unit ----------------------------------------------------------------


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """section -> key -> every value given for it, in order."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], {})
            continue
        key, equals, value = stripped.partition("=")
        if current is None or not equals:
            raise ValueError(f"line {number}: not a setting in a section: {line!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections
