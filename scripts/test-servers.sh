#!/usr/bin/env bash
# Starts (or stops) the servers the tests use, each in a temporary folder on a free
# loopback port, never as a system service:
#
#   eval "$(scripts/test-servers.sh start)"   # starts them, prints export lines
#   scripts/test-servers.sh stop DIR          # stops them and removes DIR
#   scripts/test-servers.sh with CMD ARGS...  # runs CMD with them up, then stops them
#   scripts/test-servers.sh start-postgres    # a private PostgreSQL alone (a test that
#                                             # freezes its server starts its own)
#
# `start` prints QUARRY_SERVERS_DIR and one QUARRY_TEST_*_URL per server that came up.
# A server that fails to start is reported on stderr; under CI=true that is a failure
# (exit 1), otherwise its tests are skipped.
set -euo pipefail

log() { echo "test-servers: $*" >&2; }
in_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

# A port nobody listens on, from a range away from the usual services.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port found"
  return 1
}

wait_for() {  # wait_for SECONDS COMMAND...
  local seconds=$1
  shift
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

as_user() {  # runs a command as $1 when we are root, else as ourselves
  local user=$1
  shift
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir=$1 bin port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -x "$bin/initdb" ]] || { log "PostgreSQL is not installed (no initdb)"; return 1; }
  port=$(free_port)
  mkdir -p "$dir/pg" "$dir/pgsock"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pg" "$dir/pgsock"
  as_user postgres "$bin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 -N >"$dir/pg/initdb.log" 2>&1 || { log "initdb failed: see $dir/pg/initdb.log"; return 1; }
  # Durability off: these databases live for one test run.
  as_user postgres "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
    -o "-p $port -k $dir/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { log "PostgreSQL did not start: see $dir/pg/server.log"; return 1; }
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAtc "CREATE DATABASE quarry_test" >/dev/null
  echo "$bin" >"$dir/pg/bin"
  echo "export QUARRY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/quarry_test"
}

start_mariadb() {
  local dir=$1 port user=()
  command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || { log "MariaDB is not installed (no mariadbd)"; return 1; }
  port=$(free_port)
  mkdir -p "$dir/my"
  [[ $(id -u) -eq 0 ]] && user=(--user=root)
  mariadb-install-db --no-defaults --datadir="$dir/my/data" --auth-root-authentication-method=normal \
    --skip-test-db "${user[@]}" >"$dir/my/install.log" 2>&1 || { log "mariadb-install-db failed: see $dir/my/install.log"; return 1; }
  PATH="$PATH:/usr/sbin" nohup mariadbd --no-defaults --datadir="$dir/my/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$dir/my/sock" --pid-file="$dir/my/pid" \
    --log-error="$dir/my/server.log" "${user[@]}" --skip-name-resolve \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=128M --max-allowed-packet=64M \
    --max-connections=300 >/dev/null 2>&1 &
  wait_for 60 mariadb-admin --no-defaults --socket="$dir/my/sock" -uroot ping ||
    { log "MariaDB did not start: see $dir/my/server.log"; return 1; }
  mariadb --no-defaults --socket="$dir/my/sock" -uroot -e "
    CREATE DATABASE quarry_test CHARACTER SET utf8mb4;
    CREATE USER 'quarry'@'127.0.0.1' IDENTIFIED BY 'quarry';
    GRANT ALL ON *.* TO 'quarry'@'127.0.0.1';"
  echo "export QUARRY_TEST_MYSQL_URL=mysql://quarry:quarry@127.0.0.1:$port/quarry_test"
}

start_redis() {
  local dir=$1 port
  command -v redis-server >/dev/null || { log "Redis is not installed (no redis-server)"; return 1; }
  port=$(free_port)
  mkdir -p "$dir/redis"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir/redis" --pidfile "$dir/redis/pid" --logfile "$dir/redis/server.log" >/dev/null
  wait_for 30 redis-cli -p "$port" ping || { log "Redis did not start: see $dir/redis/server.log"; return 1; }
  echo "$port" >"$dir/redis/port"
  echo "export QUARRY_TEST_REDIS_URL=redis://127.0.0.1:$port"
}

stop_all() {
  local dir=$1
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/pg/bin" ]]; then
    as_user postgres "$(cat "$dir/pg/bin")/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$dir/my/pid" ]]; then
    kill "$(cat "$dir/my/pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -f "$dir/my/pid" ]] || break; sleep 0.1; done
  fi
  if [[ -f "$dir/redis/port" ]]; then
    redis-cli -p "$(cat "$dir/redis/port")" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# Prints the export lines; under CI a server that does not come up is a failure.
start_all() {
  local dir out server
  dir=$(mktemp -d "${TMPDIR:-/tmp}/quarry-servers.XXXXXX")
  chmod 755 "$dir"  # the postgres user must reach its folder inside
  echo "export QUARRY_SERVERS_DIR=$dir"
  local failed=()
  for server in postgres mariadb redis; do
    if ! out=$("start_$server" "$dir"); then
      failed+=("$server")
    else
      echo "$out"
    fi
  done
  if ((${#failed[@]})); then
    log "could not start: ${failed[*]}"
    if in_ci; then
      log "under CI a missing server is a failure"
      stop_all "$dir"
      exit 1
    fi
    log "their tests will be skipped"
  fi
}

case "${1:-}" in
  start)
    start_all
    ;;
  start-postgres)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/quarry-servers.XXXXXX")
    chmod 755 "$dir"
    echo "export QUARRY_SERVERS_DIR=$dir"
    start_postgres "$dir" || { stop_all "$dir"; exit 1; }
    ;;
  with)
    shift
    servers=$(start_all)
    eval "$servers"
    trap 'stop_all "$QUARRY_SERVERS_DIR"' EXIT
    "$@"
    ;;
  stop)
    stop_all "${2:-${QUARRY_SERVERS_DIR:-}}"
    ;;
  *)
    echo "usage: $0 start | start-postgres | stop DIR | with CMD ARGS..." >&2
    exit 2
    ;;
esac
