#!/usr/bin/env bash
# Configures and builds quarry into build/ (or $QUARRY_BUILD_DIR): everything, or only the
# targets named (scripts/build.sh seed_tour). QUARRY_BUILD_TYPE picks the configuration
# (RelWithDebInfo), QUARRY_CMAKE_ARGS adds options to the first configure.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${QUARRY_BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  # The project's own builds treat warnings as errors (QUARRY_WERROR); a consumer's do not.
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="${QUARRY_BUILD_TYPE:-RelWithDebInfo}" \
    -DQUARRY_WERROR=ON ${QUARRY_CMAKE_ARGS:-}
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
