#!/usr/bin/env bash
# Installs what building quarry needs from Debian's packages, and with --servers also
# the database servers the tests start (they are started by scripts/test-servers.sh,
# never as system services). Installs only what is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-filesystem-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev
  libpq-dev libmariadb-dev libsqlite3-dev libhiredis-dev
)
server_packages=(postgresql postgresql-client mariadb-server mariadb-client redis-server redis-tools)
fuzz_packages=(clang libclang-rt-14-dev)

packages=("${build_packages[@]}")
for arg in "$@"; do
  case "$arg" in
    --servers) packages+=("${server_packages[@]}") ;;
    --fuzz) packages+=("${fuzz_packages[@]}") ;;  # clang and its libFuzzer runtime
    *) echo "install-deps: unknown option $arg (--servers, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: everything needed is installed"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
# A package's postinst may try to start its service; where that is refused (containers)
# the install still succeeds, and the tests never use those services anyway.
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
