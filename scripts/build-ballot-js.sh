#!/usr/bin/env bash
# Rebuild groupnet/web/static/ballot.js, the member's ballot in the browser, from
# js/ballot: installs exactly what js/ballot/package-lock.json pins (npm ci checks
# every integrity hash; no install scripts run) and bundles js/ballot/src/index.js
# with the pinned esbuild. The same lock and sources give the same bytes.
#
#   bash scripts/build-ballot-js.sh            # rebuild the committed bundle
#   bash scripts/build-ballot-js.sh OUT.js     # build elsewhere (the tests compare)
set -euo pipefail
cd "$(dirname "$0")/.."

source_dir=js/ballot
out=${1:-groupnet/web/static/ballot.js}
if [ ! -x "$source_dir/node_modules/.bin/esbuild" ]; then
    npm ci --prefix "$source_dir" --no-audit --no-fund --ignore-scripts >/dev/null
fi
# the first line names what the bundle was built from, read from the lock
# shellcheck disable=SC2016  # the JavaScript is quoted whole, for node, not the shell
versions=$(node -e '
const lock = require(process.argv[1]).packages;
console.log(["@noble/curves", "@noble/hashes", "esbuild"]
  .map((name) => `${name} ${lock["node_modules/" + name].version}`).join(", "));
' "$PWD/$source_dir/package-lock.json")
banner="// Built from js/ballot by scripts/build-ballot-js.sh with $versions; do not edit."
"$source_dir/node_modules/.bin/esbuild" "$source_dir/src/index.js" --banner:js="$banner" \
    --bundle --format=esm --platform=browser --target=es2020 \
    --legal-comments=inline --charset=utf8 --log-level=warning \
    --outfile="$out"
