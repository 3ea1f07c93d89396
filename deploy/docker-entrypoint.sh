#!/bin/sh
# Entrypoint of the groupnet image. On the first start of `groupnet run DIR`,
# when DIR holds no node yet, create the node from GROUPNET_NAME and
# GROUPNET_URL; `groupnet init` prints the node id and the admin token, so the
# token appears once in the container's log and is kept only hashed;
# GROUPNET_TRUSTED_PROXIES (optional: the reverse proxy's address as the
# container sees it, several separated by commas) becomes trusted_proxies in
# node.toml, the only addresses whose X-Forwarded-For the node believes; with
# GROUPNET_ALLOW_PRIVATE_PEERS=true, which `groupnet init` reads, the node may
# also reach peers at private addresses (a network on one Docker host). Then
# replace this shell with the command, so that groupnet receives SIGTERM itself.
# Any other command (a shell, groupnet-network-setup, groupnet-backup) runs as given.
set -eu

if [ "$#" -ge 3 ] && [ "$1" = groupnet ] && [ "$2" = run ]; then
    node_dir=$3
    if [ ! -e "$node_dir/node.toml" ]; then
        : "${GROUPNET_NAME:?is not set: the name of the group, needed to create the node on first start}"
        : "${GROUPNET_URL:?is not set: where other nodes reach this one, needed on first start}"
        echo "first start: creating the node in $node_dir"
        groupnet init "$node_dir" --name "$GROUPNET_NAME" --url "$GROUPNET_URL" \
            --host 0.0.0.0 --port 8100 --trusted-proxy "${GROUPNET_TRUSTED_PROXIES:-}"
    fi
fi

exec "$@"
