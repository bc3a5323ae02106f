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
# Besides PostgreSQL, MariaDB and Redis it starts a replica of each database: a streaming
# standby of the PostgreSQL (QUARRY_TEST_POSTGRES_REPLICA_URL) and a GTID replica of the
# MariaDB (QUARRY_TEST_MYSQL_REPLICA_URL), each printed once a write on its primary has
# reached it. The servers start side by side.
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

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# The settings both PostgreSQL servers start with. Durability off: these databases live
# for one test run.
pg_options() {  # pg_options PORT SOCKET_DIR
  echo "-p $1 -k $2 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
    "-c full_page_writes=off -c max_connections=300"
}

start_postgres() {  # start_postgres DIR PORT [HOOK: run with DIR before quarry_test exists]
  local dir=$1 port=$2 bin
  bin=$(pg_bin)
  [[ -x "$bin/initdb" ]] || { log "PostgreSQL is not installed (no initdb)"; return 1; }
  mkdir -p "$dir/pg" "$dir/pgsock"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pg" "$dir/pgsock"
  as_user postgres "$bin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 -N >"$dir/pg/initdb.log" 2>&1 || { log "initdb failed: see $dir/pg/initdb.log"; return 1; }
  as_user postgres "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
    -o "$(pg_options "$port" "$dir/pgsock")" start >/dev/null ||
    { log "PostgreSQL did not start: see $dir/pg/server.log"; return 1; }
  echo "$bin" >"$dir/pg/bin"
  echo "$port" >"$dir/pg/port"
  if [[ -n "${3:-}" ]]; then "$3" "$dir" >&2 || true; fi  # its replica's failure is its own
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAtc "CREATE DATABASE quarry_test" >/dev/null ||
    { log "could not create quarry_test on PostgreSQL"; return 1; }
  echo "export QUARRY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/quarry_test"
}

# A hot standby of the PostgreSQL in DIR/pg, streaming from it through a replication
# slot (so that it never falls behind the WAL the primary keeps), on DIR/ports/postgres_replica.
make_postgres_replica() {  # make_postgres_replica DIR (start_postgres's hook)
  local dir=$1 port bin primary
  port=$(cat "$dir/ports/postgres_replica")
  [[ -f "$dir/pg/port" ]] || { log "no PostgreSQL primary to replicate"; return 1; }
  bin=$(cat "$dir/pg/bin")
  primary=$(cat "$dir/pg/port")
  mkdir -p "$dir/pg-replica"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir/pg-replica"
  as_user postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres \
    -D "$dir/pg-replica/data" -R -C -S quarry_replica -c fast -X stream \
    >"$dir/pg-replica/basebackup.log" 2>&1 ||
    { log "pg_basebackup failed: see $dir/pg-replica/basebackup.log"; return 1; }
  as_user postgres "$bin/pg_ctl" -D "$dir/pg-replica/data" -l "$dir/pg-replica/server.log" -w \
    -t 60 -o "$(pg_options "$port" "$dir/pgsock") -c hot_standby=on -c hot_standby_feedback=on" \
    start >/dev/null || { log "PostgreSQL replica did not start: see $dir/pg-replica/server.log"; return 1; }
  echo "$port" >"$dir/pg-replica/port"
}

# Waits until the standby has replayed the primary's CREATE DATABASE.
start_postgres_replica() {  # start_postgres_replica DIR (after start_postgres)
  local dir=$1 bin port
  [[ -f "$dir/pg-replica/port" ]] || return 1
  bin=$(cat "$dir/pg/bin")
  port=$(cat "$dir/pg-replica/port")
  wait_for 60 pg_replica_has_database "$bin" "$port" ||
    { log "the PostgreSQL replica does not replay: see $dir/pg-replica/server.log"; return 1; }
  echo "export QUARRY_TEST_POSTGRES_REPLICA_URL=postgres://postgres@127.0.0.1:$port/quarry_test"
}

pg_replica_has_database() {  # pg_replica_has_database BIN PORT
  [[ $("$1/psql" -h 127.0.0.1 -p "$2" -U postgres -d postgres -qAtc \
    "SELECT count(*) FROM pg_database WHERE datname = 'quarry_test'") == 1 ]]
}

# A fresh data directory in DIR/NAME/data.
install_mariadb() {  # install_mariadb DIR NAME
  local dir=$1 name=$2 user=()
  mkdir -p "$dir/$name"
  [[ $(id -u) -eq 0 ]] && user=(--user=root)
  mariadb-install-db --no-defaults --datadir="$dir/$name/data" --auth-root-authentication-method=normal \
    --skip-test-db "${user[@]}" >"$dir/$name/install.log" 2>&1 || { log "mariadb-install-db failed: see $dir/$name/install.log"; return 1; }
}

# Starts mariadbd on DIR/NAME/data with the options given after the port.
run_mariadb() {  # run_mariadb DIR NAME PORT OPTIONS...
  local dir=$1 name=$2 port=$3 user=()
  shift 3
  [[ $(id -u) -eq 0 ]] && user=(--user=root)
  PATH="$PATH:/usr/sbin" nohup mariadbd --no-defaults --datadir="$dir/$name/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$dir/$name/sock" --pid-file="$dir/$name/pid" \
    --log-error="$dir/$name/server.log" "${user[@]}" --skip-name-resolve \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=128M --max-allowed-packet=64M \
    --max-connections=300 "$@" >/dev/null 2>&1 &
  wait_for 60 mariadb-admin --no-defaults --socket="$dir/$name/sock" -uroot ping ||
    { log "MariaDB did not start: see $dir/$name/server.log"; return 1; }
  echo "$port" >"$dir/$name/port"
}

# The primary writes a row-based binary log, which its replica (when there is one)
# follows by GTID.
start_mariadb() {  # start_mariadb DIR PORT [HOOK: run with DIR before quarry_test exists]
  local dir=$1 port=$2
  command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || { log "MariaDB is not installed (no mariadbd)"; return 1; }
  install_mariadb "$dir" my || return 1
  if [[ -n "${3:-}" ]]; then  # its replica starts from a copy: quicker than a second install
    mkdir -p "$dir/my-replica" && cp -a "$dir/my/data" "$dir/my-replica/data"
  fi
  run_mariadb "$dir" my "$port" --server-id=1 --log-bin="$dir/my/data/binlog" --binlog-format=ROW ||
    return 1
  mariadb --no-defaults --socket="$dir/my/sock" -uroot -e "
    SET sql_log_bin = 0;
    CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';" ||
    { log "could not create the replication user on MariaDB"; return 1; }
  if [[ -n "${3:-}" ]]; then "$3" "$dir" >&2 || true; fi  # its replica's failure is its own
  # Written to the binary log, so that the replica creates them too. Without READ_ONLY
  # ADMIN, quarry's writes are refused on a read_only replica, as an application's are.
  mariadb --no-defaults --socket="$dir/my/sock" -uroot -e "
    CREATE DATABASE quarry_test CHARACTER SET utf8mb4;
    CREATE USER 'quarry'@'127.0.0.1' IDENTIFIED BY 'quarry';
    GRANT ALL ON *.* TO 'quarry'@'127.0.0.1';
    REVOKE READ_ONLY ADMIN ON *.* FROM 'quarry'@'127.0.0.1';" ||
    { log "could not create quarry_test on MariaDB"; return 1; }
  echo "export QUARRY_TEST_MYSQL_URL=mysql://quarry:quarry@127.0.0.1:$port/quarry_test"
}

# A GTID replica of the MariaDB in DIR/my, on DIR/ports/mariadb_replica.
make_mariadb_replica() {  # make_mariadb_replica DIR (start_mariadb's hook)
  local dir=$1 port primary
  port=$(cat "$dir/ports/mariadb_replica")
  primary=$(cat "$dir/my/port")
  [[ -d "$dir/my-replica/data" ]] || return 1
  run_mariadb "$dir" my-replica "$port" --server-id=2 --read-only=1 \
    --relay-log="$dir/my-replica/data/relay" || return 1
  mariadb --no-defaults --socket="$dir/my-replica/sock" -uroot -e "
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary, MASTER_USER='repl',
      MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
    START SLAVE;" || { log "could not start replication on the MariaDB replica"; return 1; }
}

# Waits until the replica has applied the primary's quarry user and database.
start_mariadb_replica() {  # start_mariadb_replica DIR (after start_mariadb)
  local dir=$1 port
  [[ -f "$dir/my-replica/port" ]] || return 1
  port=$(cat "$dir/my-replica/port")
  wait_for 60 mariadb --no-defaults -h 127.0.0.1 -P "$port" -uquarry -pquarry quarry_test -e "SELECT 1" ||
    { log "the MariaDB replica does not apply: see $dir/my-replica/server.log"; return 1; }
  echo "export QUARRY_TEST_MYSQL_REPLICA_URL=mysql://quarry:quarry@127.0.0.1:$port/quarry_test"
}

start_redis() {  # start_redis DIR PORT
  local dir=$1 port=$2
  command -v redis-server >/dev/null || { log "Redis is not installed (no redis-server)"; return 1; }
  mkdir -p "$dir/redis"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir/redis" --pidfile "$dir/redis/pid" --logfile "$dir/redis/server.log" >/dev/null
  wait_for 30 redis-cli -p "$port" ping || { log "Redis did not start: see $dir/redis/server.log"; return 1; }
  echo "$port" >"$dir/redis/port"
  echo "export QUARRY_TEST_REDIS_URL=redis://127.0.0.1:$port"
}

stop_mariadb() {  # stop_mariadb DIR/NAME
  if [[ -f "$1/pid" ]]; then
    kill "$(cat "$1/pid")" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -f "$1/pid" ]] || break; sleep 0.1; done
  fi
}

stop_all() {
  local dir=$1 data
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/pg/bin" ]]; then
    for data in "$dir/pg-replica/data" "$dir/pg/data"; do
      if [[ -d "$data" ]]; then
        as_user postgres "$(cat "$dir/pg/bin")/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
      fi
    done
  fi
  stop_mariadb "$dir/my-replica" &
  stop_mariadb "$dir/my"
  wait
  if [[ -f "$dir/redis/port" ]]; then
    redis-cli -p "$(cat "$dir/redis/port")" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# Each server NAME's export lines go to DIR/NAME.env; a server that fails leaves none.
start_one() {  # start_one NAME DIR ARGS...
  local name=$1 dir=$2
  shift 2
  "start_$name" "$dir" "$@" >"$dir/$name.env" || { rm -f "$dir/$name.env"; return 1; }
}

# Prints the export lines; under CI a server that does not come up is a failure.
start_all() {
  local dir server port used=" "
  local servers=(postgres postgres_replica mariadb mariadb_replica redis)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/quarry-servers.XXXXXX")
  chmod 755 "$dir"  # the postgres user must reach its folder inside
  echo "export QUARRY_SERVERS_DIR=$dir"
  mkdir "$dir/ports"
  for server in "${servers[@]}"; do  # picked here, so that servers starting side by side differ
    until port=$(free_port) && [[ "$used" != *" $port "* ]]; do :; done
    used+="$port "
    echo "$port" >"$dir/ports/$server"
  done
  # The three servers start side by side. Each replica is made from its primary before
  # the test database exists there (the hook), which then reaches it by replication.
  (start_one postgres "$dir" "$(cat "$dir/ports/postgres")" make_postgres_replica &&
    start_one postgres_replica "$dir") &
  (start_one mariadb "$dir" "$(cat "$dir/ports/mariadb")" make_mariadb_replica &&
    start_one mariadb_replica "$dir") &
  start_one redis "$dir" "$(cat "$dir/ports/redis")" || true
  wait
  local failed=()
  for server in "${servers[@]}"; do
    if [[ -f "$dir/$server.env" ]]; then
      cat "$dir/$server.env"
    else
      failed+=("$server")
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
    start_postgres "$dir" "$(free_port)" || { stop_all "$dir"; exit 1; }
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
