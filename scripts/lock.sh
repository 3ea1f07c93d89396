#!/usr/bin/env bash
# Re-make the lock files in requirements/ from pyproject.toml's ranges.
#
#   bash scripts/lock.sh             # keep every pinned version the ranges still allow
#   bash scripts/lock.sh --upgrade   # move every pin to the newest release the ranges allow
#
# The lock files pin exact versions with their hashes, for CPython 3.11 on any
# platform; the README's commands and scripts/test.sh install from them. Commit
# pyproject.toml and requirements/ together. Needs uv (python3 -m pip install uv).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
command -v "$uv" >/dev/null || { echo "scripts/lock.sh needs uv: python3 -m pip install uv" >&2; exit 2; }
extra=()
[ "${1:-}" = --upgrade ] && extra=(--upgrade)
common=(--quiet --generate-hashes --universal --python-version 3.11
        --no-emit-package setuptools --custom-compile-command "bash scripts/lock.sh")
"$uv" pip compile "${common[@]}" "${extra[@]}" pyproject.toml \
    -o requirements/run.txt
"$uv" pip compile "${common[@]}" "${extra[@]}" pyproject.toml --extra test \
    -o requirements/test.txt
echo "wrote requirements/run.txt and requirements/test.txt"
