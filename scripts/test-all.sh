#!/usr/bin/env bash
# README command 2: install what is missing, build, start PostgreSQL, MariaDB and Redis
# on loopback in temporary folders, run every test, and stop the servers.
# Arguments go to ctest: scripts/test-all.sh -L postgres runs one backend's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --servers
scripts/build.sh
scripts/test-servers.sh with \
  ctest --test-dir "${QUARRY_BUILD_DIR:-build}" --output-on-failure --parallel 2 "$@"
