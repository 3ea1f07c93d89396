#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (lint first).
#
#   bash scripts/test.sh            # installs from the lock (requirements/test.txt)
#   bash scripts/test.sh --latest   # installs the newest release of every dependency
#                                   # instead, to see drift before it breaks a fresh install
#
# Any further arguments go to pytest. The suite must skip nothing: every tool a test
# uses is installed here (Debian's chromium, nginx, caddy, shellcheck and
# systemd-analyze when run as root), and a skipped test fails the run
# (GROUPNET_NO_SKIPS, read by tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=lock
if [ "${1:-}" = --latest ]; then
    mode=latest
    shift
fi

pip=(python3 -m pip install --quiet --disable-pip-version-check)
if [ "$mode" = lock ]; then
    "${pip[@]}" --require-hashes -r requirements/test.txt
    "${pip[@]}" --no-deps -e .
else
    "${pip[@]}" --upgrade --upgrade-strategy eager -e '.[test]'
    # Say where the newest releases differ from the lock: the drift a lock update would take.
    python3 -m pip freeze --exclude-editable | python3 scripts/drift.py requirements/test.txt
fi

# Debian packages the tests drive for real. The browser tests (tests/web) use Debian's
# Chromium through Playwright (Playwright's own browser download is never used), and npm
# to install axe-core; the deploy tests run nginx, caddy, shellcheck and systemd-analyze
# on our deploy files.
declare -A package_of=(
    [chromium]=chromium [nginx]=nginx [caddy]=caddy [shellcheck]=shellcheck
    [systemd-analyze]=systemd [npm]=npm
)
missing=()
for tool in "${!package_of[@]}"; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("${package_of[$tool]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "scripts/test.sh: install these Debian packages first: ${missing[*]}" >&2
        exit 2
    fi
    # Wait for another apt or dpkg to let go of its lock instead of failing at once:
    # install waits by itself (DPkg::Lock::Timeout); update does not wait for the lists
    # lock, so it is tried again for up to ten minutes.
    apt=(apt-get -qq -o DPkg::Lock::Timeout=600)
    for attempt in $(seq 30); do
        "${apt[@]}" update && break
        [ "$attempt" = 30 ] && exit 1
        echo "apt-get update failed (attempt $attempt of 30); trying again in 20 s" >&2
        sleep 20
    done
    # Install without starting services (no nginx on port 80 as a side effect).
    policy=/usr/sbin/policy-rc.d
    made_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends \
        "${missing[@]}" >/dev/null
    [ -n "$made_policy" ] && rm -f "$policy"
fi

# axe-core, which the browser tests run on every page they visit: the exact version and
# integrity hash pinned in tests/web/axe/package-lock.json (npm ci checks the hash).
axe=tests/web/axe
if [ ! -f "$axe/node_modules/axe-core/axe.min.js" ]; then
    npm ci --prefix "$axe" --no-audit --no-fund --ignore-scripts >/dev/null
fi

# The member's ballot in the browser: its sources' dependencies and esbuild, exactly as
# js/ballot/package-lock.json pins them, so the tests can rebuild groupnet/web/static/ballot.js
# offline and compare (scripts/build-ballot-js.sh).
ballot=js/ballot
if [ ! -x "$ballot/node_modules/.bin/esbuild" ]; then
    npm ci --prefix "$ballot" --no-audit --no-fund --ignore-scripts >/dev/null
fi

# The deploy tests run the installed `groupnet` command, so its folder is on PATH
# even when the virtual environment was not activated.
scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
export PATH="$scripts:$PATH:/usr/sbin"

python3 -m ruff check .
# One test process per core (pytest-xdist), each taking whole files, so a module's shared
# setup (a three-node network, a running node for the API fuzzing) is made once.
GROUPNET_NO_SKIPS=1 python3 -m pytest -q -rs --numprocesses auto --dist loadfile "$@"
