#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the registry tests (Debian's postgresql package).
#   bash scripts/postgres-test-server.sh start   -> prints a Npgsql connection string on stdout
#   bash scripts/postgres-test-server.sh stop DIR
# start: initdb in a fresh temp folder (as the 'postgres' user when run as root: initdb refuses
# root), listening only on a unix socket in that folder on a free port number, trust auth. Installs
# the package with apt-get when it is missing and we are root. Exits non-zero with one line on
# stderr when no server can be started, so the tests skip with that reason.
set -euo pipefail

bindir() {
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

case "${1:-}" in
  start)
    if ! bin=$(bindir); then
      if [ "$(id -u)" -eq 0 ]; then
        (apt-get -o DPkg::Lock::Timeout=600 install -y -q postgresql >/dev/null 2>&1 ||
          { apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q postgresql >/dev/null 2>&1; }) || true
      fi
      bin=$(bindir) || { echo "postgres-test-server: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
    fi
    dir=$(mktemp -d /tmp/gauntlet-pg.XXXXXX)
    chmod 755 "$dir"
    as=()
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || { echo "postgres-test-server: no 'postgres' user to run the server as" >&2; exit 1; }
      chown postgres "$dir"
      as=(runuser -u postgres --)
    fi
    port=$(( 20000 + RANDOM % 20000 ))
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 ||
      { echo "postgres-test-server: initdb failed: $(tail -n 1 "$dir/initdb.log")" >&2; exit 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 ||
      { echo "postgres-test-server: the server did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)" >&2; exit 1; }
    echo "Host=$dir;Port=$port;Username=postgres;Database=postgres;Pooling=false"
    ;;
  stop)
    dir="${2:?usage: stop DIR}"
    case "$dir" in /tmp/gauntlet-pg.*) ;; *) echo "postgres-test-server: refusing to stop $dir" >&2; exit 1 ;; esac
    bin=$(bindir)
    as=()
    [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
