#!/usr/bin/env bash
# Builds the tree with sanitizers (plugins and tests included) and runs, with the test
# servers up, the suites each one watches; any report fails the run (no recovery).
#
#   scripts/sanitize.sh address   ASan + UBSan, Debug build (build-asan/): the unit suite
#                                 and the backend suite on every backend, examples included
#   scripts/sanitize.sh thread    TSan, RelWithDebInfo (build-tsan/): the tests that run
#                                 threads against the servers or share what threads share:
#                                 pools, atomic blocks, row locks and the concurrent
#                                 increments, transactions, statements, the query log, the
#                                 read retry, object lifetimes and the query cache (its
#                                 single flight, breaker and stores), on every backend
#
# Why these: memory errors can hide anywhere, so ASan sees every suite; TSan is about
# threads sharing the pool, the statement and shape caches and the query log, which
# only those tests exercise, and it runs them several times slower.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-address}"
case "$kind" in
  address) sanitize=address,undefined build_type=Debug dir=build-asan examples=ON
           tests=(-L 'unit|sqlite|postgres|mysql|featureless' -E 'install_and_outside_plugins') ;;
  thread) sanitize=thread build_type=RelWithDebInfo dir=build-tsan examples=OFF
          tests=(-R '(Pool|AtomicBlocks|RowLocks|Transactions|QueryLog|Lifetime|Statements|ReadRetry|Routing|ReplicaRouting|Cache|CacheOutage)\.') ;;
  *) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac
scripts/install-deps.sh --servers
QUARRY_BUILD_DIR="$dir" QUARRY_BUILD_TYPE="$build_type" \
  QUARRY_CMAKE_ARGS="-DQUARRY_SANITIZE=$sanitize -DQUARRY_BUILD_BENCH=OFF -DQUARRY_BUILD_EXAMPLES=$examples" \
  scripts/build.sh
# Reports end the process with a failure; leaks in the client libraries the plugins load
# (libpq, libmariadb keep per-process state) are theirs, not ours: see .ci/lsan.supp.
# intercept_tls_get_addr=0: LeakSanitizer's scan of dynamic TLS crashes its tracer on the
# stale TLS block a dlclose()d plugin leaves behind (a LeakSanitizer bug, not a leak).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:intercept_tls_get_addr=0"
export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
scripts/test-servers.sh with ctest --test-dir "$dir" --output-on-failure --parallel 2 "${tests[@]}"
