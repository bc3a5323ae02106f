#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the seed tour on the
# embedded SQLite database (configs/sqlite.yaml). Any other config can be given:
#   scripts/tour.sh configs/postgres.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
config="${1:-configs/sqlite.yaml}"
targets=(seed_tour)  # the tour and the plugins it loads: nothing else
# A config whose cache is in Redis needs the Redis store plugin too.
grep -Eq '^\s*backend:\s*redis' "$config" && targets+=(quarry_cache_redis)
scripts/build.sh "${targets[@]}"
export QUARRY_SQLITE_DB="${QUARRY_SQLITE_DB:-${TMPDIR:-/tmp}/quarry-tour.db}"
rm -f "$QUARRY_SQLITE_DB" "$QUARRY_SQLITE_DB-wal" "$QUARRY_SQLITE_DB-shm"
exec "${QUARRY_BUILD_DIR:-build}/examples/seed_tour" "$config"
