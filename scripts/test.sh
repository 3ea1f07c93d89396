#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (lint first).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
# The browser tests (tests/web) drive Debian's Chromium through Playwright; Playwright's
# own browser download is never used.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m ruff check .
python3 -m pytest -q "$@"
