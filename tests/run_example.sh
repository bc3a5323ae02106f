#!/usr/bin/env bash
# Runs an example program (the seed tour, the full working example) on one backend,
# through a config made for the test server: run_example.sh BACKEND PROGRAM.
# Exits 77 (ctest's skip) when the backend has no server, except under CI=true.
set -euo pipefail
backend=$1 program=$2
case "$backend" in
  sqlite) url="sqlite://$(mktemp -u "${TMPDIR:-/tmp}/quarry-example.XXXXXX").db" ;;
  postgres) url="${QUARRY_TEST_POSTGRES_URL:-}" ;;
  mysql) url="${QUARRY_TEST_MYSQL_URL:-}" ;;
esac
if [[ -z "$url" ]]; then
  echo "no $backend server (scripts/test-all.sh starts one)"
  [[ "${CI:-}" == "true" ]] && exit 1
  exit 77
fi
config=$(mktemp "${TMPDIR:-/tmp}/quarry-example.XXXXXX.yaml")
trap 'rm -f "$config" "${url#sqlite://}"' EXIT
printf 'databases:\n  default:\n    url: "%s"\n' "$url" >"$config"
"$program" "$config"
