#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang into build-fuzz/ and runs each
# from its seed corpus: for QUARRY_FUZZ_SECONDS (60) to explore, or, with
# QUARRY_FUZZ_RUNS set (as CI does), for that many inputs from a fixed seed
# (QUARRY_FUZZ_SEED, 1), so that a run is repeatable and CI fails only on inputs a
# developer can reproduce (QUARRY_FUZZ_SECONDS still bounds it). A crash, a sanitizer
# report or a broken property fails the script; libFuzzer leaves the input as crash-* in
# QUARRY_FUZZ_ARTIFACTS (./), to be made a regression test. Arguments: target names.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --fuzz
build_dir="${QUARRY_FUZZ_BUILD_DIR:-build-fuzz}"
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DQUARRY_SANITIZE=fuzzer-no-link,address,undefined -DQUARRY_BUILD_FUZZ=ON -DQUARRY_WERROR=ON \
    -DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_PLUGINS=OFF -DQUARRY_BUILD_EXAMPLES=OFF \
    -DQUARRY_BUILD_BENCH=OFF
fi
cmake --build "$build_dir" --parallel "$(nproc)"
targets=("$@")
((${#targets[@]})) || targets=(config url lookup decimal datetime json uuid text cache_entry)
seconds="${QUARRY_FUZZ_SECONDS:-60}"
budget=(-max_total_time="$seconds")
if [[ -n "${QUARRY_FUZZ_RUNS:-}" ]]; then
  budget+=(-runs="$QUARRY_FUZZ_RUNS" -seed="${QUARRY_FUZZ_SEED:-1}")
fi
for t in "${targets[@]}"; do
  found=$(mktemp -d)  # what a run adds to its corpus; the committed seeds stay as they are
  echo "fuzz: $t (${budget[*]})"
  set +e
  "$build_dir/tests/fuzz/fuzz_$t" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="${QUARRY_FUZZ_ARTIFACTS:-./}" -print_final_stats=1 \
    "$found" "tests/fuzz/corpus/$t" >"$found.log" 2>&1
  rc=$?
  set -e
  grep -v '^#\|^INFO' "$found.log" | tail -n 40
  rm -f "$found.log"
  rm -rf "$found"
  if ((rc != 0)); then
    echo "fuzz: $t found a failing input (exit $rc): see the crash-* file above" >&2
    exit 1
  fi
done
echo "fuzz: ${#targets[@]} targets ran (${budget[*]}) with no finding"
