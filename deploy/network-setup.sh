#!/usr/bin/env bash
# Form a network from running nodes whose directories are mounted here (the
# compose file's `setup` service). The first node founds the network, admits
# each of the others, and each of the others joins through it.
#
#   groupnet-network-setup NETWORK_NAME DIR URL [DIR URL ...]
#
# DIR is a node's directory and URL the address other nodes reach it at (its
# `url` in node.toml). The groupnet commands act directly on each directory
# while that node's `groupnet run` has the same SQLite file open: SQLite's
# locks serialise their writes, and the running node folds in what they wrote.
# Safe to run again: a step that is already done is skipped.
# GROUPNET_WAIT_SECONDS (default 120) bounds each wait for a node to answer.
set -euo pipefail

usage() {
    echo "usage: groupnet-network-setup NETWORK_NAME DIR URL [DIR URL ...]" >&2
    exit 2
}

if [ "$#" -lt 3 ] || [ $(( ($# - 1) % 2 )) -ne 0 ]; then
    usage
fi
network_name=$1
shift
dirs=()
urls=()
while [ "$#" -gt 0 ]; do
    dirs+=("$1")
    urls+=("${2%/}")
    shift 2
done
wait_seconds=${GROUPNET_WAIT_SECONDS:-120}

# Wait until the node at URL answers /.well-known/groupnet; with "network" as
# second argument, until it also says it belongs to a network.
await_node() {
    python3 - "$1" "${2:-}" "$wait_seconds" <<'PY'
import json
import sys
import time
import urllib.request

url, need, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
deadline = time.monotonic() + limit
while True:
    try:
        with urllib.request.urlopen(url + "/.well-known/groupnet", timeout=5) as answer:
            document = json.load(answer)
        if need != "network" or document.get("network"):
            sys.exit(0)
    except (OSError, ValueError):
        pass
    if time.monotonic() > deadline:
        wanted = "as a member of a network" if need == "network" else ""
        sys.exit(f"error: {url} did not answer {wanted} within {limit:.0f} s")
    time.sleep(1)
PY
}

# One field of `groupnet network status DIR`: a string as it is, anything else
# as JSON (null, true, false).
status_field() {
    groupnet network status "$1" | python3 -c '
import json, sys
value = json.load(sys.stdin)[sys.argv[1]]
print(value if isinstance(value, str) else json.dumps(value))' "$2"
}

# Whether the node DIR lists NODE_ID among the network's admitted groups.
lists_group() {
    groupnet network groups "$1" --json \
        | python3 -c '
import json, sys
sys.exit(0 if any(g["node"] == sys.argv[1] for g in json.load(sys.stdin)) else 1)' "$2"
}

for url in "${urls[@]}"; do
    echo "waiting for $url"
    await_node "$url"
done

founder_dir=${dirs[0]}
founder_url=${urls[0]}
# Each status is read into a variable first, so that a failing groupnet
# command stops the script (set -e) instead of reading as an empty answer.
network=$(status_field "$founder_dir" network)
if [ "$network" = null ]; then
    groupnet network found "$founder_dir" --name "$network_name"
else
    echo "$founder_dir already belongs to network $network"
fi
# `join` reads the network from the founder's server, which folds in the
# charter that `found` wrote a moment ago.
await_node "$founder_url" network

for i in "${!dirs[@]}"; do
    [ "$i" -eq 0 ] && continue
    dir=${dirs[$i]}
    url=${urls[$i]}
    admitted=$(status_field "$dir" admitted)
    if [ "$admitted" = true ]; then
        echo "$dir is already admitted"
        continue
    fi
    node_id=$(status_field "$dir" node)
    if ! lists_group "$founder_dir" "$node_id"; then
        groupnet network admit "$founder_dir" "$url"
    fi
    groupnet network join "$dir" "$founder_url"
    admitted=$(status_field "$dir" admitted)
    if [ "$admitted" != true ]; then
        echo "error: $dir joined but is not admitted: the standing orders want more approvals" >&2
        exit 1
    fi
done

for url in "${urls[@]}"; do
    await_node "$url" network
done
echo "network formed; the groups as $founder_dir lists them:"
groupnet network groups "$founder_dir"
