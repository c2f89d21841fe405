#!/usr/bin/env bash
# bench/app_xvfb.sh: the field app's bars (DESIGN.md §7), measured on the
# whole process under its own Xvfb, each figure beside a reference measured in
# the same run (bench/bare_window: an SDL2 + OpenGL window presenting one
# cleared frame, the least the app could do).
#
#   bench/app_xvfb.sh [--smoke] APP|BUILD_DIR [DB] [RUNS]   (--smoke may come anywhere)
#
#   APP|BUILD_DIR  the yizhen binary, or a build dir (BUILD_DIR/app/yizhen/yizhen);
#                  the reference is BUILD_DIR/bench/bare_window (or $BARE_WINDOW)
#   DB             the database (10^6 patients for the bars); the app opens it as
#                  on a real start (it may write its settings, e.g. the name-
#                  character cache, as any start does)
#   RUNS           start-up runs per program (default 7, after one discarded
#                  warm-up run of each: warm page cache); the session (search,
#                  card, follow-ups, idle, memory) runs min(RUNS, $SESSION_RUNS=3) times
#   --smoke        one run of everything, 3 s idle, on DB or (none given) a small
#                  demo database made with yizhenctl in a temporary folder (CI)
#
# Figures (medians over runs):
#   start to first frame  the script's CLOCK_REALTIME just before exec to the
#                         app's CLOCK_REALTIME after its first SwapWindow
#                         (YIZHEN_TIMING prints it)
#   frame build           YIZHEN_TIMING's per-screen median and worst frame build
#                         (after the first frames) in a session typed with xdotool:
#                         patient desk, search "$QUERY" (many hits), click hits to
#                         open their cards, the follow-up list (scrolled), back to
#                         the desk
#   idle CPU %            utime+stime from /proc/PID/stat over $IDLE_SECONDS (65) s
#                         with the window open and nothing happening (card open);
#                         65 s covers one poll of the sync engine (every 60 s when
#                         idle), which a 20 s window would miss; the reference's
#                         idle time is min($IDLE_SECONDS, 10) s
#   memory                VmRSS and VmHWM from /proc/PID/status after that idle time
# Output: human-readable lines, then one `RESULT name value unit` line per figure (bench/bench_util.h).
# Environment: IDLE_SECONDS, SESSION_RUNS, QUERY (default zhuoma), BARE_WINDOW,
# YIZHENCTL (for --smoke), KEEP_LOGS=1 (keep the logs folder), SHOTS=DIR
# (pictures of the screen at each step of the first session), SMAPS_OUT=PREFIX
# (the app's /proc/PID/smaps after the idle time, PREFIX.N per session).
set -euo pipefail

smoke=0
args=()
for a in "$@"; do
  if [[ "$a" == "--smoke" ]]; then smoke=1; else args+=("$a"); fi
done
set -- "${args[@]}"
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 2
fi

target="$1"
db="${2:-}"
runs="${3:-7}"
if [[ -d "$target" ]]; then
  build_dir="$(cd "$target" && pwd)"
  app="$build_dir/app/yizhen/yizhen"
else
  app="$(cd "$(dirname "$target")" && pwd)/$(basename "$target")"
  build_dir="$(cd "$(dirname "$app")/../.." && pwd)"
fi
bare="${BARE_WINDOW:-$build_dir/bench/bare_window}"
ctl="${YIZHENCTL:-$build_dir/app/yizhenctl/yizhenctl}"
idle_s="${IDLE_SECONDS:-65}"
session_runs="${SESSION_RUNS:-3}"
query="${QUERY:-zhuoma}"
warmup=1
if ((smoke)); then
  runs=1; session_runs=1; warmup=0
  idle_s="${IDLE_SECONDS:-3}"
fi
((session_runs > runs)) && session_runs=$runs

for bin in "$app" "$bare"; do
  [[ -x "$bin" ]] || { echo "app_xvfb: no executable $bin (build the targets yizhen and bare_window)" >&2; exit 2; }
done
for tool in Xvfb xdotool; do
  command -v "$tool" >/dev/null || { echo "app_xvfb: $tool is not installed" >&2; exit 2; }
done

work="$(mktemp -d /tmp/app_xvfb.XXXXXX)"
xvfb_pid=""
child_pids=()

stop_pid() {  # stop_pid PID [SECONDS]: SIGTERM, wait, then SIGKILL
  local pid="$1" limit="${2:-60}" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < limit * 20; ++i)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "app_xvfb: $pid did not stop within ${limit}s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${child_pids[@]}"; do stop_pid "$pid" 10; done
  if [[ -n "$xvfb_pid" ]]; then stop_pid "$xvfb_pid" 5; fi
  if [[ "${KEEP_LOGS:-0}" == 1 ]]; then echo "app_xvfb: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Xvfb on a free display >= 200 (the GUI tests use 120-199) ---------------
display=""
for ((n = 200; n < 300; ++n)); do
  [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
  # -noreset: a client connecting while Xvfb resets (after its last client
  # left) is refused, and SDL then falls back to its offscreen driver.
  Xvfb ":$n" -noreset -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for ((i = 0; i < 250; ++i)); do
    kill -0 "$xvfb_pid" 2>/dev/null || break
    if DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1; then display=":$n"; break; fi
    sleep 0.02
  done
  [[ -n "$display" ]] && break
  stop_pid "$xvfb_pid" 5  # lost a race for this display: the next one
  xvfb_pid=""
done
[[ -n "$display" ]] || { echo "app_xvfb: Xvfb did not start" >&2; exit 3; }
export DISPLAY="$display"

# --- the database -------------------------------------------------------------
if [[ -z "$db" ]]; then
  if ((smoke)); then
    [[ -x "$ctl" ]] || { echo "app_xvfb: --smoke without DB needs $ctl" >&2; exit 2; }
    db="$work/smoke.db"
    "$ctl" --db "$db" demo --plain --patients 1000 --seed 1 >/dev/null
  else
    echo "app_xvfb: give the database (10^6 patients for the bars)" >&2
    exit 2
  fi
fi
[[ -f "$db" ]] || { echo "app_xvfb: no database $db" >&2; exit 2; }

# --- helpers -------------------------------------------------------------------
now_ns() { local t="${EPOCHREALTIME//[.,]/}"; echo "${t}000"; }
clk_tck="$(getconf CLK_TCK)"

cpu_ticks() {  # utime+stime of PID (fields 14 and 15; the name may hold spaces)
  local stat rest
  stat="$(< "/proc/$1/stat")" || return 1
  rest="${stat##*) }"
  read -r -a f <<<"$rest"
  echo $((f[11] + f[12]))
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# idle_and_memory PID SECONDS: "CPU% RSS_MB HWM_MB" -- CPU used over SECONDS
# of waiting, then resident memory and its peak.
idle_and_memory() {
  local pid="$1" c0 c1 s0 s1
  c0="$(cpu_ticks "$pid")"; s0="$(now_ns)"
  sleep "$2"
  c1="$(cpu_ticks "$pid")"; s1="$(now_ns)"
  awk -v c="$((c1 - c0))" -v t="$clk_tck" -v a="$s0" -v b="$s1" \
      -v r="$(status_kb "$pid" VmRSS)" -v h="$(status_kb "$pid" VmHWM)" \
      'BEGIN { printf "%.3f %.1f %.1f\n", 100 * c / t / ((b - a) / 1e9), r / 1024, h / 1024 }'
}

# wait_line FILE REGEX SECONDS PID: the first matching line (fails if PID dies)
wait_line() {
  local file="$1" re="$2" limit="$3" pid="$4" i line
  for ((i = 0; i < limit * 200; ++i)); do
    line="$(grep -m1 -E "$re" "$file" 2>/dev/null || true)"
    if [[ -n "$line" ]]; then echo "$line"; return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.005
  done
  return 1
}

# Wait until PID has used < 2 ticks in 0.5 s (twice in a row), at most SECONDS.
wait_quiet() {
  local pid="$1" limit="$2" a b quiet=0 i
  a="$(cpu_ticks "$pid")"
  for ((i = 0; i < limit * 2; ++i)); do
    sleep 0.5
    b="$(cpu_ticks "$pid")"
    if ((b - a < 2)); then ((++quiet >= 2)) && return 0; else quiet=0; fi
    a="$b"
  done
  echo "app_xvfb: pid $pid still busy after ${limit}s" >&2
}

median() {  # median of the arguments (mean of the two middle values)
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
list() { printf '%s ' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "nan" }'; }

# launch NAME BIN ARGS...: start under YIZHEN_TIMING, clock taken just before
# exec; sets $pid, $t0 and $log.
run_no=0
launch() {
  local name="$1"; shift
  log="$work/$name.$((++run_no)).log"
  : >"$log"
  t0="$(now_ns)"
  YIZHEN_TIMING=1 "$@" >"$log" 2>&1 &
  pid=$!
  child_pids+=("$pid")
}

finish() {  # stop the launched process (one at a time)
  stop_pid "$pid" 120
  child_pids=()
}

# first_frame NAME BIN ARGS...: sets ff (script clock, ms) and ff_in (in-process ms)
first_frame() {
  launch "$@"
  local line at after
  if ! line="$(wait_line "$log" 'first frame at [0-9]+' 60 "$pid")"; then
    echo "app_xvfb: $1 showed no first frame; its log:" >&2
    cat "$log" >&2
    exit 3
  fi
  at="${line##* }"
  after="$(grep -m1 -oE 'first frame after [0-9.]+' "$log" | awk '{ print $4 }')"
  finish
  ff="$(awk -v a="$at" -v b="$t0" 'BEGIN { printf "%.1f\n", (a - b) / 1e6 }')"
  ff_in="$after"
}

xdo() { xdotool "$@" >/dev/null 2>&1 || true; }
# SHOTS=DIR: a picture of the screen at each step of the first session (import: ImageMagick).
shot() {
  if [[ -n "${SHOTS:-}" && "$r" == 1 ]] && command -v import >/dev/null; then
    mkdir -p "$SHOTS"
    import -display "$display" -window root "$SHOTS/$1.png" 2>/dev/null || true
  fi
}

echo "app_xvfb: $(date -Is) on $(uname -n), $(nproc) cores, display $display"
echo "app_xvfb: app $app"
echo "app_xvfb: reference $bare"
echo "app_xvfb: db $db ($(du -h "$db" | cut -f1))"
app_args=(--db "$db")

# --- 1. start to first frame ----------------------------------------------------
app_ff=(); app_ff_in=(); bare_ff=(); bare_ff_in=()
for ((r = 1 - warmup; r <= runs; ++r)); do
  first_frame app "$app" "${app_args[@]}"; a="$ff"; ai="$ff_in"
  first_frame bare "$bare"; b="$ff"; bi="$ff_in"
  if ((r < 1)); then
    echo "warm-up: app ${a} ms, bare window ${b} ms (discarded)"
    continue
  fi
  echo "run $r: start to first frame: app ${a} ms (in-process ${ai} ms), bare window ${b} ms (in-process ${bi} ms)"
  app_ff+=("$a"); app_ff_in+=("$ai"); bare_ff+=("$b"); bare_ff_in+=("$bi")
done
# The app's own account of its last start (YIZHEN_TIMING), for the profile.
timing_line="$(grep -h -E -m1 '^yizhen: window' "$work"/app.*.log | tail -1 || true)"
first_line="$(grep -h -m1 '^yizhen: first frame:' "$work"/app.*.log | tail -1 || true)"

# --- 2. session: busiest screens, idle CPU, memory ----------------------------------
pd_med=(); pd_worst=(); fu_med=(); fu_worst=(); all_worst=(); idle=(); rss=(); hwm=()
bare_idle=(); bare_rss=(); bare_hwm=()
for ((r = 1; r <= session_runs; ++r)); do
  launch session "$app" "${app_args[@]}" --screen patients
  wait_line "$log" 'first frame at' 60 "$pid" >/dev/null || { cat "$log" >&2; exit 3; }
  win="$(timeout 20 xdotool search --sync --onlyvisible --name yizhen 2>/dev/null | head -1 || true)"
  [[ -n "$win" ]] || { echo "app_xvfb: no yizhen window" >&2; exit 3; }
  xdo windowfocus --sync "$win"
  xdo mousemove --window "$win" 600 300
  wait_quiet "$pid" 120  # start-up work (reference lists, name characters) done
  xdo key --delay 150 ctrl+f
  xdo type --delay 80 "$query"
  wait_quiet "$pid" 30
  shot 1-search
  # The hits' rows at the default size (1366x768, scale 1): click the first
  # (its card opens), then the third, then the first again.
  xdo mousemove --window "$win" 290 200 click 1
  wait_quiet "$pid" 30
  shot 2-card
  xdo mousemove --window "$win" 290 322 click 1
  wait_quiet "$pid" 30
  xdo mousemove --window "$win" 290 200 click 1
  wait_quiet "$pid" 30
  xdo key --delay 150 F5                 # follow-ups
  wait_quiet "$pid" 60
  shot 3-follow-ups
  xdo mousemove --window "$win" 900 400
  xdo click --window "$win" 5            # scroll the list
  xdo click --window "$win" 5
  wait_quiet "$pid" 30
  xdo key --delay 150 F2                 # back to the desk: hits and card
  xdo mousemove --window "$win" 600 300
  wait_quiet "$pid" 30
  shot 4-desk
  # Idle: the window open, a search done and a card open, nothing happening.
  read -r m_i m_r m_h < <(idle_and_memory "$pid" "$idle_s")
  idle+=("$m_i"); rss+=("$m_r"); hwm+=("$m_h")
  if [[ -n "${SMAPS_OUT:-}" ]]; then cp "/proc/$pid/smaps" "$SMAPS_OUT.$r" 2>/dev/null || true; fi
  finish
  frame_line() { grep -m1 "frame build $1:" "$log" || true; }
  field() { sed -nE "s/.*$1 ([0-9.]+) ms.*/\\1/p" <<<"$2"; }
  pd="$(frame_line patients)"; fu="$(frame_line follow-ups)"; al="$(frame_line all)"
  pd_med+=("$(field median "$pd")"); pd_worst+=("$(field worst "$pd")")
  fu_med+=("$(field median "$fu")"); fu_worst+=("$(field worst "$fu")")
  all_worst+=("$(field worst "$al")")
  echo "session $r: ${pd:-no patient desk frames}"
  echo "session $r: ${fu:-no follow-up frames}"
  echo "session $r: idle CPU ${idle[-1]} % over ${idle_s} s; VmRSS ${rss[-1]} MB, VmHWM ${hwm[-1]} MB"

  # The reference, the same way: one frame, then idle.
  launch bare "$bare"
  wait_line "$log" 'first frame at' 60 "$pid" >/dev/null || { cat "$log" >&2; exit 3; }
  wait_quiet "$pid" 10
  read -r m_i m_r m_h < <(idle_and_memory "$pid" "$((idle_s < 10 ? idle_s : 10))")
  bare_idle+=("$m_i"); bare_rss+=("$m_r"); bare_hwm+=("$m_h")
  finish
  echo "session $r: bare window: idle CPU ${bare_idle[-1]} %; VmRSS ${bare_rss[-1]} MB, VmHWM ${bare_hwm[-1]} MB"
done

# --- results ---------------------------------------------------------------------
m_ff="$(median "${app_ff[@]}")"; m_bff="$(median "${bare_ff[@]}")"
m_ffi="$(median "${app_ff_in[@]}")"; m_bffi="$(median "${bare_ff_in[@]}")"
m_pd="$(median "${pd_med[@]}")"; m_pdw="$(median "${pd_worst[@]}")"
m_fu="$(median "${fu_med[@]}")"; m_fuw="$(median "${fu_worst[@]}")"
m_allw="$(median "${all_worst[@]}")"
m_idle="$(median "${idle[@]}")"; m_bidle="$(median "${bare_idle[@]}")"
m_rss="$(median "${rss[@]}")"; m_hwm="$(median "${hwm[@]}")"
m_brss="$(median "${bare_rss[@]}")"; m_bhwm="$(median "${bare_hwm[@]}")"

echo
echo "medians over $runs start-up runs and $session_runs sessions:"
echo "  start to first frame   app $m_ff ms (runs: $(list "${app_ff[@]}")), bare window $m_bff ms, ratio $(ratio "$m_ff" "$m_bff")   [bar 300 ms]"
echo "    in-process           app $m_ffi ms, bare window $m_bffi ms"
[[ -n "$timing_line" ]] && echo "    last start           ${timing_line#yizhen: }; ${first_line#yizhen: }"
echo "  frame build, desk      median $m_pd ms, worst $m_pdw ms   [bar 2 ms]"
echo "  frame build, follow-ups median $m_fu ms, worst $m_fuw ms; worst of any screen $m_allw ms"
echo "  idle CPU               app $m_idle %, bare window $m_bidle %   [bar 1 %]"
echo "  memory                 app VmRSS $m_rss MB (VmHWM $m_hwm MB), bare window VmRSS $m_brss MB (VmHWM $m_bhwm MB), ratio $(ratio "$m_rss" "$m_brss")   [bar 150 MB]"
# The busiest screen's median frame build (the higher of the desk's and the
# follow-up list's) is the figure for the 2 ms bar; the worst frames beside it.
m_busy="$(awk -v a="$m_pd" -v b="$m_fu" 'BEGIN { printf "%.3f\n", (a > b ? a : b) }')"
echo "RESULT app_first_frame_ms $m_ff ms"
echo "RESULT bare_window_first_frame_ms $m_bff ms"
echo "RESULT app_first_frame_in_process_ms $m_ffi ms"
echo "RESULT bare_window_first_frame_in_process_ms $m_bffi ms"
echo "RESULT app_frame_build_ms $m_busy ms"
echo "RESULT app_frame_build_desk_median_ms $m_pd ms"
echo "RESULT app_frame_build_desk_worst_ms $m_pdw ms"
echo "RESULT app_frame_build_follow_ups_median_ms $m_fu ms"
echo "RESULT app_frame_build_follow_ups_worst_ms $m_fuw ms"
echo "RESULT app_frame_build_worst_ms $m_allw ms"
echo "RESULT app_idle_cpu_pct $m_idle %"
echo "RESULT bare_window_idle_cpu_pct $m_bidle %"
echo "RESULT app_rss_mb $m_rss MB"
echo "RESULT app_hwm_mb $m_hwm MB"
echo "RESULT bare_window_rss_mb $m_brss MB"
echo "RESULT bare_window_hwm_mb $m_bhwm MB"
