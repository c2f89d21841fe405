# The summary table of scripts/bench.sh: reads bench/bars.txt, then the
# RESULT lines of every benchmark (`RESULT key value unit`; a key seen more
# than once, from repeated runs, counts by its median) and prints one
# Markdown row per bar: figure, bar, reference, ratio and whether it is met.
#   awk -v judge=1 -f bench/summary.awk bench/bars.txt results.txt
# judge=0 (smoke runs on tiny data) prints the figures without verdicts.
# Exit status: 1 if a bar's figure is missing, else 0.

function median(key,    n, i, j, t, a) {
  n = count[key]
  for (i = 1; i <= n; i++) a[i] = vals[key, i]
  for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function holds(x, op, y) { return op == "<=" ? x <= y : op == ">=" ? x >= y : 1 }
function sym(op) { return op == "<=" ? "≤" : op == ">=" ? "≥" : op }
function fmt(x) { return x == "" ? "" : (x >= 100 ? sprintf("%.0f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3g", x)) }

FNR == NR {
  if ($0 ~ /^#/ || $0 ~ /^[[:space:]]*$/) next
  nbars++
  bar[nbars] = $0
  next
}
$1 == "RESULT" { count[$2]++; vals[$2, count[$2]] = $3 + 0 }

END {
  missing = 0
  print "| what | figure | bar | reference | ratio | |"
  print "|---|---|---|---|---|---|"
  for (b = 1; b <= nbars; b++) {
    split(bar[b], f, "|")
    what = f[1]; key = f[2]; op = f[3]; limit = f[4]; ref = f[5]; rop = f[6]; rlimit = f[7]
    if (!(key in count)) { print "| " what " | missing | | | | |"; missing = 1; continue }
    x = median(key)
    verdict = ""
    r = ""; rv = ""
    if (ref != "" && (ref in count)) { rv = median(ref); if (rv != 0) r = x / rv }
    ok = 1
    if (op != "") ok = ok && holds(x, op, limit)
    if (rop != "" && r != "") ok = ok && holds(r, rop, rlimit)
    if (judge && (op != "" || rop != "")) verdict = ok ? "met" : "**missed**"
    barText = (op != "" ? sym(op) " " limit : "") (rop != "" ? (op != "" ? "; " : "") "ratio " sym(rop) " " rlimit : "")
    print "| " what " | " fmt(x) " | " barText " | " fmt(rv) " | " (r == "" ? "" : sprintf("%.2f×", r)) " | " verdict " |"
  }
  exit missing
}
