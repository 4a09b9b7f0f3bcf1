#!/usr/bin/env bash
# Stops and removes a server started by start-test-postgres.sh: stop-test-postgres.sh DIR
set -uo pipefail
dir=${1:?usage: stop-test-postgres.sh DIR}
case "$dir" in /tmp/bulkhead-pg.*) ;; *) echo "refusing to remove $dir" >&2; exit 2 ;; esac
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
[ -n "$bindir" ] || bindir=$(pg_config --bindir 2>/dev/null)
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
rm -rf "$dir"
