#!/usr/bin/env bash
# Installs quarry into a temporary prefix and proves, from outside the tree, that:
#   1. libquarry_core links no database client library;
#   2. an application builds with find_package(quarry) and quarry::core, and loads the
#      installed sqlite plugin found beside the installed core;
#   3. plugins/skeleton builds out of tree and loads by name from a config;
#   4. a real plugin (the sqlite sources) built out of tree against the installed
#      headers loads by name from a config and returns rows.
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
step() { echo "== $*"; }

step "install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
core=$(find "$work/prefix" -name 'libquarry_core.so' | head -n 1)
[[ -n "$core" ]] || { echo "FAIL: libquarry_core.so was not installed"; exit 1; }
plugins=$(dirname "$core")/quarry/plugins
for p in sqlite postgres mysql cache_redis; do
  [[ -f "$plugins/libquarry_$p.so" ]] || { echo "FAIL: $plugins/libquarry_$p.so was not installed"; exit 1; }
done

step "ldd $core"
if ldd "$core" | grep -E 'libpq|libmariadb|libmysqlclient|libsqlite3'; then
  echo "FAIL: libquarry_core links a database client library"
  exit 1
fi

step "build an application against the installed package"
cmake -S "$src/tests/install/app" -B "$work/app" "${gen[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/app" >/dev/null

step "build plugins/skeleton out of tree"
cmake -S "$src/plugins/skeleton" -B "$work/skeleton" "${gen[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/skeleton" >/dev/null

step "build the sqlite plugin's sources out of tree"
cmake -S "$src/tests/install/outside_sqlite" -B "$work/outside" "${gen[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DQUARRY_SQLITE_SOURCES="$src/plugins/sqlite" >/dev/null
cmake --build "$work/outside" >/dev/null

# Nothing from the build tree may help: no QUARRY_PLUGIN_PATH.
unset QUARRY_PLUGIN_PATH

step "the installed sqlite plugin, found beside the installed core"
printf 'databases:\n  default:\n    url: "sqlite://:memory:"\n' >"$work/installed.yaml"
"$work/app/outside_app" "$work/installed.yaml" "$plugins" query

step "the skeleton, loaded by name through the config's plugin_path"
printf 'plugin_path: [%s]\ndatabases:\n  default:\n    engine: skeleton\n    server_version: "1.0"\n' "$work/skeleton" >"$work/skeleton.yaml"
"$work/app/outside_app" "$work/skeleton.yaml" "$work/skeleton" dialect

step "the out-of-tree sqlite plugin, loaded by name through the config's plugin_path"
printf 'plugin_path: [%s]\ndatabases:\n  default:\n    url: "sqlite://:memory:"\n' "$work/outside/plugins" >"$work/outside.yaml"
"$work/app/outside_app" "$work/outside.yaml" "$work/outside/plugins" query
echo "install test passed"
