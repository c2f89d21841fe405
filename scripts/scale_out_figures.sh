#!/bin/bash
# The figures of docs/scale-out.md, measured on this machine with throwaway
# parts only (tests/support/pg_cluster_ctl: a PostgreSQL 15 primary and a
# streaming standby on loopback, removed at the end):
#  1. a demo-sized device (yizhenctl demo) syncs to a SQLite server; the
#     time of `admin migrate` of that store into PostgreSQL;
#  2. a fresh device's full pull through the SQLite server; on PostgreSQL
#     its full pull and an empty pull (nothing new: curl, 100 times) through
#     a server on the primary and through one with --pg-read on the standby.
# Usage: scripts/scale_out_figures.sh [BUILD_DIR] [PATIENTS]
set -euo pipefail
B=$(realpath "${1:-build}")
N=${2:-5000}
S=$B/app/yizhen-server/yizhen-server
C=$B/app/yizhenctl/yizhenctl
CTL=$B/tests/pg_cluster_ctl
W=$(mktemp -d /tmp/yizhen-scale-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$CTL" stop "$W/standby.txt" >/dev/null 2>&1 || true
  "$CTL" stop "$W/primary.txt" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT

# A server in the background, waited for until it listens (url_of: its URL).
serve() {
  local out=$1
  shift
  "$S" "$@" --listen 127.0.0.1:0 >"$out" 2>"$out.log" &
  PIDS+=($!)
  for _ in $(seq 200); do
    grep -q listening "$out" 2>/dev/null && break
    sleep 0.05
  done
}
url_of() { grep -o 'http://[0-9.:]*' "$1"; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

"$CTL" start "$W/primary.txt" >/dev/null
P=$(sed -n 2p "$W/primary.txt")
/usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p "$P" -U yizhen -d postgres -c "CREATE DATABASE central"
PG="host=127.0.0.1 port=$P user=yizhen dbname=central"

# 1. A demo-sized store on SQLite, then migrated.
"$C" --db "$W/field.db" init --plain >/dev/null
"$C" --db "$W/field.db" demo --patients "$N" >/dev/null
serve "$W/lite.out" --db "$W/central.db"
LITE=$(url_of "$W/lite.out")
CODE=$("$S" --db "$W/central.db" admin enroll-code --team 上海援藏医疗队 --area 54)
"$C" --db "$W/field.db" enroll --server "$LITE" --code "$CODE" >/dev/null
t0=$(now)
"$C" --db "$W/field.db" sync >/dev/null || true  # a demo's team records are quarantined: exit 4 is expected
t1=$(now)
echo "push of the demo device to SQLite: $(secs "$t0" "$t1") s"
CODE=$("$S" --db "$W/central.db" admin enroll-code --team 上海援藏医疗队)
"$C" --db "$W/sqlite.db" init --plain >/dev/null
"$C" --db "$W/sqlite.db" enroll --server "$LITE" --code "$CODE" >/dev/null
t0=$(now)
"$C" --db "$W/sqlite.db" sync >/dev/null
t1=$(now)
echo "via SQLite: full pull $(secs "$t0" "$t1") s"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
"$S" --db "$W/central.db" admin stats | tr '\n' ' '; echo
t0=$(now)
"$S" --pg "$PG" admin migrate --from "$W/central.db" >"$W/migrate.txt"
t1=$(now)
echo "admin migrate: $(secs "$t0" "$t1") s, $(awk 'NR>1 && $2 ~ /^[0-9]+$/ {n += $2} END {print n}' "$W/migrate.txt") rows"

# 2. Pulls through the primary and through the standby.
"$CTL" standby "$W/standby.txt" "$W/primary.txt" >/dev/null
SP=$(sed -n 2p "$W/standby.txt")
STANDBY="host=127.0.0.1 port=$SP user=yizhen dbname=central"
serve "$W/primary.out" --pg "$PG" --keys "$W/central.db.keys"
serve "$W/standby.out" --pg "$PG" --keys "$W/central.db.keys" --pg-read "$STANDBY"
ON_PRIMARY=$(url_of "$W/primary.out")
ON_STANDBY=$(url_of "$W/standby.out")
for where in primary standby; do
  url=$ON_PRIMARY
  [ "$where" = standby ] && url=$ON_STANDBY
  code=$("$S" --pg "$PG" --keys "$W/central.db.keys" admin enroll-code --team 上海援藏医疗队)
  "$C" --db "$W/$where.db" init --plain >/dev/null
  "$C" --db "$W/$where.db" enroll --server "$url" --code "$code" >/dev/null
  sleep 0.5  # the enrollment reaches the standby
  t0=$(now)
  "$C" --db "$W/$where.db" sync >/dev/null
  t1=$(now)
  token=$(/usr/bin/sqlite3 "$W/$where.db" "SELECT value FROM settings WHERE key = 'sync.token'" 2>/dev/null || true)
  cursor=$(/usr/bin/sqlite3 "$W/$where.db" "SELECT value FROM settings WHERE key = 'sync.cursor'" 2>/dev/null || true)
  total=0
  if [ -n "$token" ]; then
    for _ in $(seq 100); do
      t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/v1/changes?after=$cursor&limit=1000")
      total=$(echo "$total + $t" | bc)
    done
  fi
  echo "via the $where: full pull $(secs "$t0" "$t1") s; empty pull $(echo "scale=2; $total * 10" | bc) ms (mean of 100)"
done
