#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the store tests: a fresh cluster in a temp directory, trust
# authentication, listening on 127.0.0.1 only, on a free port, fsync off. Prints two lines:
#   URL=postgres://bulkhead@127.0.0.1:PORT/postgres
#   DIR=/tmp/...        (give it to stop-test-postgres.sh)
# Installs Debian's postgresql first when it is missing and we are root. Exits 3 with the reason on
# stderr when no server can be started (the tests then skip, printing it).
set -euo pipefail
bindir=""
find_bin() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bindir=$(pg_config --bindir); return 0; fi
  return 1
}
if ! find_bin; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing postgresql from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || {
      apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1
    } || true
  fi
  find_bin || { echo "PostgreSQL is not installed (no initdb; install Debian's postgresql, or run as root so this script can)" >&2; exit 3; }
fi
dir=$(mktemp -d /tmp/bulkhead-pg.XXXXXX)
chmod 755 "$dir"
as=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: run the server as the postgres user (created by the Debian package).
  id postgres >/dev/null 2>&1 || { echo "running as root but there is no postgres user to run the server as" >&2; rm -rf "$dir"; exit 3; }
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U bulkhead -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || {
  echo "initdb failed: $(tail -3 "$dir/initdb.log")" >&2; rm -rf "$dir"; exit 3; }
for attempt in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 30000 ))
  if "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 20 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null 2>&1; then
    echo "URL=postgres://bulkhead@127.0.0.1:$port/postgres"
    echo "DIR=$dir"
    exit 0
  fi
done
echo "the PostgreSQL server did not start: $(tail -3 "$dir/server.log" 2>/dev/null)" >&2
rm -rf "$dir"
exit 3
