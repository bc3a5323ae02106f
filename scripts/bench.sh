#!/usr/bin/env bash
# The benchmarks: each workload through the raw C driver (libpq, MariaDB Connector/C,
# sqlite3) and through quarry, in one process, on servers started for the run on
# loopback as scripts/test-all.sh starts them. Not a test: nothing here passes or fails.
#
#   scripts/bench.sh                       every backend, 5 rounds
#   scripts/bench.sh --backend=postgres --rounds=9 --only=get
#
# Prints the table (the one in docs/performance.md) and writes the same figures to
# bench/results/latest.json, to compare from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --servers
scripts/build.sh
mkdir -p bench/results
scripts/test-servers.sh with \
  "${QUARRY_BUILD_DIR:-build}/bench/quarry_bench" --json=bench/results/latest.json "$@"
