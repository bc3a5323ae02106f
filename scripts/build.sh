#!/usr/bin/env bash
# Configures and builds quarry into build/ (or $QUARRY_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${QUARRY_BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="${QUARRY_BUILD_TYPE:-RelWithDebInfo}"
fi
cmake --build "$build_dir" --parallel "$(nproc)"
