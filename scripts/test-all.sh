#!/usr/bin/env bash
# README command 2: install what is missing, build, start PostgreSQL, MariaDB and Redis
# on loopback in temporary folders, run every test, and stop the servers.
# Arguments go to ctest: scripts/test-all.sh -L postgres runs one backend's tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh --servers
scripts/build.sh

servers=$(scripts/test-servers.sh start)
eval "$servers"
trap '"$root/scripts/test-servers.sh" stop "$QUARRY_SERVERS_DIR"' EXIT

cd "${QUARRY_BUILD_DIR:-build}"
ctest --output-on-failure --parallel 2 "$@"
