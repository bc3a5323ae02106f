#!/usr/bin/env bash
# Runs an example program (the seed tour, the full working example) on one backend,
# through a config made for the test server: run_example.sh BACKEND PROGRAM.
# BACKEND postgres-replica runs it on configs/replica.yaml with the test primary and its
# streaming replica, mysql-replica with MariaDB and its GTID replica; both must show a
# read answered by the replica.
# Exits 77 (ctest's skip) when the backend has no server, except under CI=true.
set -euo pipefail
backend=$1 program=$2
case "$backend" in
  sqlite) url="sqlite://$(mktemp -u "${TMPDIR:-/tmp}/quarry-example.XXXXXX").db" ;;
  sqlite-cache)
    url="sqlite://$(mktemp -u "${TMPDIR:-/tmp}/quarry-example.XXXXXX").db"
    [[ -n "${QUARRY_TEST_REDIS_URL:-}" ]] || url="" ;;
  postgres) url="${QUARRY_TEST_POSTGRES_URL:-}" ;;
  mysql) url="${QUARRY_TEST_MYSQL_URL:-}" ;;
  postgres-replica)
    url="${QUARRY_TEST_POSTGRES_URL:-}" replica="${QUARRY_TEST_POSTGRES_REPLICA_URL:-}" ;;
  mysql-replica) url="${QUARRY_TEST_MYSQL_URL:-}" replica="${QUARRY_TEST_MYSQL_REPLICA_URL:-}" ;;
esac
if [[ "$backend" == *-replica && -z "${replica:-}" ]]; then url=""; fi
if [[ -z "$url" ]]; then
  echo "no $backend server (scripts/test-all.sh starts one)"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 77
fi
config=$(mktemp "${TMPDIR:-/tmp}/quarry-example.XXXXXX.yaml")
trap 'rm -f "$config" "${url#sqlite://}"' EXIT
# Runs the program on one of configs/ (its environment set by the caller) and requires
# a line of its output: run_config CONFIG PATTERN WHAT-IS-MISSING.
run_config() {
  local out
  out=$("$program" "$(dirname "$0")/../configs/$1") || {
    echo "$out"
    exit 1
  }
  echo "$out"
  grep -q "$2" <<<"$out" || {
    echo "$3"
    exit 1
  }
  exit 0
}
if [[ "$backend" == *-replica ]]; then
  # configs/replica.yaml itself: its URLs come from PRIMARY_URL and REPLICA_URL.
  PRIMARY_URL="$url" REPLICA_URL="$replica" \
    run_config replica.yaml "counted on 'replica'" "no read was answered by the replica"
fi
if [[ "$backend" == sqlite-cache ]]; then
  # configs/cache.yaml itself, on a fresh database file (so a database of its own in the
  # keys), with the test Redis.
  QUARRY_SQLITE_DB="${url#sqlite://}" REDIS_URL="$QUARRY_TEST_REDIS_URL" \
    run_config cache.yaml "cache: hit" "no read was answered by the cache"
fi
printf 'databases:\n  default:\n    url: "%s"\n    cache: {backend: memory}\n' "$url" >"$config"
"$program" "$config"
