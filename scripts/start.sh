#!/usr/bin/env bash
# Set up (install what is missing, build) and start yizhen on its embedded
# SQLite database in the per-user data folder (--demo: on a demo database).
# Other arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
# --demo: look around on a demo database first (made on first use).
if [[ "${1:-}" == "--demo" ]]; then
  shift
  db="${YIZHEN_DEMO_DB:-build/demo.db}"
  [[ -f "$db" ]] || build/app/yizhenctl/yizhenctl --db "$db" demo --plain --patients 500 --seed 1 >/dev/null
  if [[ -x build/app/yizhen/yizhen ]]; then
    exec build/app/yizhen/yizhen --db "$db" "$@"
  fi
fi
if [[ -x build/app/yizhen/yizhen ]]; then
  exec build/app/yizhen/yizhen "$@"
fi
# Built without the app (YIZHEN_BUILD_APP=OFF): the CLI on a demo database.
db="${YIZHEN_DEMO_DB:-build/demo.db}"
[[ -f "$db" ]] || build/app/yizhenctl/yizhenctl --db "$db" demo --plain --patients 500 --seed 1 >/dev/null
build/app/yizhenctl/yizhenctl --db "$db" stats
echo
echo "Search demo: build/app/yizhenctl/yizhenctl --db $db patient search zhuoma"
build/app/yizhenctl/yizhenctl --db "$db" patient search zhuoma --limit 5
