#!/usr/bin/env bash
# The daemon over a simulated day (docs/performance.md, "The daemon"): for each event count, a
# day of QRadar-shaped events (bench/daemon_day_events.cpp) is loaded into qradar-emu with a
# fixed clock, and `aihunt run --once --now T` hunts the day's 96 fifteen-minute windows per hunt,
# once with 1 hunt (the built-in proxy-ai-api) and once with 10 (the five built-ins twice). It
# reports aihunt's CPU, peak RSS and wall time (/usr/bin/time -v), the emulator's CPU and RSS over
# the same run (from /proc), the API requests per window (the emulator's request log), rows,
# findings and the state file's size; then bench/state_bench.cpp: the store per million findings.
#
#   bench/daemon_bench.sh [--events "100000 1000000"] [--hunts "1 10"] [--findings 1000000]
#                         [--bin build-release/bin] [--no-build] [--keep]
#
# Loopback only; the emulator is stopped on every exit path; scratch files go to a temporary
# folder under /var/tmp (a 1M-event day is about 440 MB) and are removed unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

events_list="100000 1000000"
hunts_list="1 10"
state_findings=1000000
bin="$root/build-release/bin"
build=1
keep=0
now="2026-11-26T18:00:00Z"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events_list="$2"; shift 2 ;;
    --hunts) hunts_list="$2"; shift 2 ;;
    --findings) state_findings="$2"; shift 2 ;;
    --bin) bin="$(cd "$2" && pwd)"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--events LIST] [--hunts LIST] [--findings N] [--bin DIR] [--no-build] [--keep]" >&2; exit 2 ;;
  esac
done

# GNU time for user/sys CPU and peak RSS (Debian package "time"), and the small tools used below.
missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
for tool in bc jq curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $build -eq 1 ]]; then
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  [[ -f build-release/CMakeCache.txt ]] || cmake --preset release >/dev/null
  cmake --build build-release --target aihunt qradar-emu daemon_day_events state_bench -j2
  bin="$root/build-release/bin"
fi

work="$(mktemp -d /var/tmp/aihunt-daemon-bench.XXXXXX)"
emu_pid=""
stop_emulator() {
  if [[ -n "$emu_pid" ]]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
    emu_pid=""
  fi
}
cleanup() {
  stop_emulator
  if [[ $keep -eq 0 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
admin="admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
ticks="$(getconf CLK_TCK)"
cat >"$work/emu.yaml" <<EOF
max_recorded_requests: 1000000
EOF

# CPU seconds (user+sys) of a live process, from /proc/PID/stat.
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The hunts section: the built-ins of content/hunts.yaml whose names are in $1 (all when empty),
# each renamed with suffix $2, with the bench's schedule.
hunts_yaml() {
  awk -v only="$1" -v suffix="$2" '
    /^hunts:/ { on = 1; next }
    !on { next }
    /^  - name: / {
      name = $3; keep = (only == "" || name == only)
      if (keep) {
        print "  - name: " name suffix
        print "    schedule: {every: 15m, max_window: 15m, catch_up_max: 24h}"
      }
      next
    }
    keep { print }
  ' content/hunts.yaml
}

write_config() {  # $1 config path, $2 hunts, $3 port, $4 run folder
  {
    echo "version: 1"
    echo "qradar:"
    echo "  url: https://localhost:$3"
    echo "  tls:"
    echo "    ca_file: $work/ca.pem"
    echo "hunts:"
    if [[ $2 -eq 1 ]]; then
      hunts_yaml proxy-ai-api ""
    else
      hunts_yaml "" ""
      hunts_yaml "" "-copy"
    fi
    echo "outputs:"
    echo "  jsonl:"
    echo "    path: $4/findings.jsonl"
    echo "state:"
    echo "  path: $4/state.db"
    echo "server:"
    echo "  enabled: false"
    echo "logging:"
    echo "  level: warn"
    echo "  format: text"
  } >"$1"
}

results="$work/results.tsv"
printf 'events\thunts\twindows\trows\tfindings\twall_s\taihunt_user_s\taihunt_sys_s\taihunt_cpu_s\taihunt_maxrss_mib\temu_cpu_s\temu_rss_before_mib\temu_rss_after_mib\trequests\tcreate\tpoll\tpages\tdelete\tother\tstate_mib\texit\n' >"$results"

echo "machine: $(nproc) vCPU, $(lscpu | sed -n 's/^Model name: *//p'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (or uncommitted changes in the tree)')"
echo "scratch: $work"

for events in $events_list; do
  day="$work/day-$events.jsonl"
  echo
  echo "== generating $events events"
  "$bin/daemon_day_events" --events "$events" --now "$now" --out "$day" | tee "$work/day-$events.json"
  for hunts in $hunts_list; do
    run="$work/run-$events-$hunts"
    mkdir -p "$run"
    rm -f "$work/ports.json"
    load_start=$(date +%s.%N)
    "$bin/qradar-emu" --listen 127.0.0.1 --https-port 0 --ports-file "$work/ports.json" \
      --ca-out "$work/ca.pem" --token "$token" --admin-token "$admin" --config "$work/emu.yaml" \
      --events "$day" --lookups content/samples/qradar_lookups.json --now "$now" \
      --log-level warn >"$run/emu.log" 2>&1 &
    emu_pid=$!
    for _ in $(seq 1200); do [[ -s "$work/ports.json" ]] && break; sleep 0.1; done
    [[ -s "$work/ports.json" ]] || { cat "$run/emu.log" >&2; echo "qradar-emu did not start" >&2; exit 1; }
    load_s=$(echo "$(date +%s.%N) - $load_start" | bc)
    port="$(jq -r .https "$work/ports.json")"
    admin_get() { curl -sS --cacert "$work/ca.pem" -H "SEC: $admin" "https://localhost:$port$1"; }
    curl -sS --cacert "$work/ca.pem" -H "SEC: $admin" -X DELETE "https://localhost:$port/admin/requests" >/dev/null
    emu_cpu_before=$(cpu_of "$emu_pid")
    emu_rss_before=$(status_kib "$emu_pid" VmRSS)
    write_config "$run/aihunt.yaml" "$hunts" "$port" "$run"
    echo "== $events events, $hunts hunt(s): emulator loaded in ${load_s}s, RSS $((emu_rss_before / 1024)) MiB"
    set +e
    AIHUNT_QRADAR_TOKEN="$token" /usr/bin/time -v -o "$run/time.txt" \
      "$bin/aihunt" run --once -c "$run/aihunt.yaml" --now "$now" \
      --qradar-url "https://localhost:$port" --ca-file "$work/ca.pem" >"$run/run.out" 2>"$run/run.err"
    code=$?
    set -e
    emu_cpu_after=$(cpu_of "$emu_pid")
    emu_rss_after=$(status_kib "$emu_pid" VmRSS)
    emu_hwm=$(status_kib "$emu_pid" VmHWM)
    admin_get "/admin/requests?since=0&limit=1000000" >"$run/requests.json"
    # The same command again: nothing is due (the fixed cost of a run, and no finding twice).
    AIHUNT_QRADAR_TOKEN="$token" /usr/bin/time -v -o "$run/time-idle.txt" \
      "$bin/aihunt" run --once -c "$run/aihunt.yaml" --now "$now" \
      --qradar-url "https://localhost:$port" --ca-file "$work/ca.pem" >"$run/run-idle.out" 2>&1 || true
    idle_requests=$(admin_get "/admin/requests?since=0&limit=1000000" | jq '.requests | length')
    stop_emulator
    cat "$run/run.out"
    [[ $code -eq 0 ]] || { echo "aihunt run exited $code:" >&2; tail -20 "$run/run.err" >&2; }

    tv() { sed -n "s/^[[:space:]]*$1: //p" "$run/time.txt"; }
    user_s=$(tv "User time (seconds)")
    sys_s=$(tv "System time (seconds)")
    maxrss_kib=$(tv "Maximum resident set size (kbytes)")
    wall=$(tv "Elapsed (wall clock) time (h:mm:ss or m:ss)" | awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }')
    # Requests by kind: create, status polls, result pages, delete, anything else.
    read -r total create poll pages delete other < <(jq -r '
      [.requests[] | .method as $m | (.target | split("?")[0]) as $p |
        if $m == "POST" and $p == "/api/ariel/searches" then "create"
        elif $m == "GET" and ($p | test("^/api/ariel/searches/[^/]+/results$")) then "pages"
        elif $m == "GET" and ($p | test("^/api/ariel/searches/[^/]+$")) then "poll"
        elif $m == "DELETE" and ($p | test("^/api/ariel/searches/[^/]+$")) then "delete"
        else "other" end] as $k |
      [($k | length), ($k | map(select(. == "create")) | length), ($k | map(select(. == "poll")) | length),
       ($k | map(select(. == "pages")) | length), ($k | map(select(. == "delete")) | length),
       ($k | map(select(. == "other")) | length)] | @tsv' "$run/requests.json")
    # Windows, rows and findings from the run's report (one line per hunt).
    read -r windows rows findings < <(awk 'NR > 1 && $1 != "delivered" && $1 != "state:" && $2 ~ /^[0-9]+$/ { w += $2; r += $3; f += $4 } END { print w + 0, r + 0, f + 0 }' "$run/run.out")
    state_bytes=$(( $(stat -c %s "$run/state.db") + $(stat -c %s "$run/state.db-wal" 2>/dev/null || echo 0) ))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.1f\t%.2f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\n' \
      "$events" "$hunts" "$windows" "$rows" "$findings" "$wall" "$user_s" "$sys_s" \
      "$(echo "$user_s + $sys_s" | bc)" "$(echo "$maxrss_kib / 1024" | bc -l)" \
      "$(echo "$emu_cpu_after - $emu_cpu_before" | bc)" "$(echo "$emu_rss_before / 1024" | bc -l)" \
      "$(echo "$emu_hwm / 1024" | bc -l)" "$total" "$create" "$poll" "$pages" "$delete" "$other" \
      "$(echo "$state_bytes / 1048576" | bc -l)" "$code" >>"$results"
    echo "aihunt: wall ${wall}s, user ${user_s}s, sys ${sys_s}s, max RSS $((maxrss_kib / 1024)) MiB;" \
      "qradar-emu: $(echo "$emu_cpu_after - $emu_cpu_before" | bc) CPU s, RSS $((emu_rss_after / 1024)) MiB (peak $((emu_hwm / 1024)) MiB);" \
      "requests $total (create $create, poll $poll, pages $pages, delete $delete, other $other);" \
      "state $(echo "scale=1; $state_bytes / 1048576" | bc) MiB"
    echo "again (nothing due): wall $(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$run/time-idle.txt")," \
      "user $(sed -n 's/^[[:space:]]*User time (seconds): //p' "$run/time-idle.txt") s," \
      "sys $(sed -n 's/^[[:space:]]*System time (seconds): //p' "$run/time-idle.txt") s," \
      "max RSS $(( $(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$run/time-idle.txt") / 1024 )) MiB," \
      "$(( idle_requests - total )) requests, $(awk '$1 == "delivered" { print $2 }' "$run/run-idle.out") new findings"
    rm -f "$run/findings.jsonl"*
  done
  rm -f "$day"
done

echo
echo "== the state store per million findings"
"$bin/state_bench" --findings "$state_findings" --dir "$work" | tee "$work/state_bench.txt"

echo
echo "== summary (tab-separated; per window = divided by windows)"
column -t -s $'\t' "$results"
echo
awk -F'\t' 'NR > 1 && $3 > 0 {
  printf "%s events, %s hunt(s): %.1f requests/window (create %.2f, poll %.2f, pages %.2f, delete %.2f, other %.2f), aihunt %.1f ms CPU/window, %.1f us CPU/row, qradar-emu %.1f ms CPU/window\n",
    $1, $2, $14 / $3, $15 / $3, $16 / $3, $17 / $3, $18 / $3, $19 / $3, 1000 * $9 / $3, ($4 > 0 ? 1e6 * $9 / $4 : 0), 1000 * $11 / $3 }' "$results"
