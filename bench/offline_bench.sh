#!/usr/bin/env bash
# Offline hunts against DuckDB (docs/performance.md, "Offline hunts"). For each event count, N
# QRadar-shaped raw events over the 24 hours before --now (bench/daemon_day_events.cpp: every
# telemetry family of content/samples/events.jsonl) are written to a JSONL file; then
#   - `aihunt hunt --offline FILE --aql content/seed_query.aql --last 24h` (the seed query),
#   - `aihunt hunt --offline FILE --last 24h` (the built-in hunts),
#   - the same seed query over a zstd copy of the file,
#   - and, when DuckDB can be installed from npm into a scratch folder (never a build
#     dependency), DuckDB running the seed query's SQL equivalent (bench/offline_duckdb.cjs)
# are timed, with peak RSS from /usr/bin/time (the seed query and DuckDB: best of three runs).
# aihunt's AQL rows (bench/offline_rows.cpp, the same scan) are compared with DuckDB's. Prints
# events/s, RSS and the ratio to DuckDB.
#
#   bench/offline_bench.sh [--events "1000000"] [--bin build-release/bin] [--no-build]
#                          [--no-duckdb] [--keep]
#
# Scratch files go to a temporary folder under /var/tmp (1M events are about 440 MB) and are
# removed unless --keep.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

events_list="1000000"
bin="$root/build-release/bin"
build=1
duckdb=1
keep=0
now="2026-11-26T18:00:00Z"
now_ms=1795716000000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events_list="$2"; shift 2 ;;
    --bin) bin="$(cd "$2" && pwd)"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-duckdb) duckdb=0; shift ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--events LIST] [--bin DIR] [--no-build] [--no-duckdb] [--keep]" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "offline_bench: needs GNU time (apt-get install time)" >&2; exit 2; }

if [[ $build -eq 1 ]]; then
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  [[ -f build-release/CMakeCache.txt ]] || cmake --preset release >/dev/null
  cmake --build build-release --target aihunt daemon_day_events offline_rows -j2
  bin="$root/build-release/bin"
fi

work="$(mktemp -d /var/tmp/aihunt-offline-bench.XXXXXX)"
cleanup() { if [[ $keep -eq 0 ]]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# DuckDB into a scratch folder: the benchmark's own, removed with it.
duck_dir=""
if [[ $duckdb -eq 1 ]]; then
  if command -v npm >/dev/null && npm install --prefix "$work/duckdb" --no-audit --no-fund \
    --silent @duckdb/node-api >/dev/null 2>&1; then
    duck_dir="$work/duckdb"
  else
    echo "offline_bench: DuckDB could not be installed from npm; aihunt only" >&2
  fi
fi

# Runs a command under GNU time; prints "wall_seconds peak_rss_kib".
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    echo "offline_bench: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  cat "$work/time"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for events in $events_list; do
  file="$work/events-$events.jsonl"
  "$bin/daemon_day_events" --events "$events" --now "$now" --out "$file" >/dev/null
  sync  # the new file's dirty pages are written now, not during the first timed run
  bytes=$(stat -c %s "$file")
  echo "== $events events, $((bytes / 1048576)) MiB, $((bytes / events)) bytes per event"

  # The seed query, and DuckDB below: the best of three runs each (one run varies by 20%).
  seed_s=""
  for _ in 1 2 3; do
    read -r run_s seed_kib < <(timed "$bin/aihunt" hunt --offline "$file" --max-output 0 \
      --aql content/seed_query.aql --now "$now" --last 24h --format jsonl)
    seed_s=$(awk -v a="$run_s" -v b="$seed_s" 'BEGIN { print (b == "" || a < b) ? a : b }')
  done
  echo "aihunt seed query:     ${seed_s}s $(rate "$events" "$seed_s") events/s, RSS $((seed_kib / 1024)) MiB"

  read -r hunts_s hunts_kib < <(timed "$bin/aihunt" hunt --offline "$file" --max-output 0 \
    --now "$now" --last 24h --format jsonl)
  echo "aihunt built-in hunts: ${hunts_s}s $(rate "$events" "$hunts_s") events/s, RSS $((hunts_kib / 1024)) MiB" \
    "($(grep -c . "$work/out" || true) findings)"

  if command -v zstd >/dev/null; then
    zstd -q -3 -T0 "$file" -o "$file.zst"
    read -r zst_s zst_kib < <(timed "$bin/aihunt" hunt --offline "$file.zst" \
      --aql content/seed_query.aql --now "$now" --last 24h --format jsonl)
    echo "aihunt seed, zstd:     ${zst_s}s $(rate "$events" "$zst_s") events/s, RSS $((zst_kib / 1024)) MiB"
    rm -f "$file.zst"
  fi

  timed "$bin/offline_rows" "$file" content/seed_query.aql "$now" 86400000 >/dev/null
  cp "$work/out" "$work/ours.jsonl"
  echo "aihunt AQL rows: $(cat "$work/err")"

  if [[ -n "$duck_dir" ]]; then
    query_s=""
    for _ in 1 2 3; do
      read -r duck_s duck_kib < <(timed node bench/offline_duckdb.cjs "$duck_dir" "$file" \
        content/seed_query.aql "$now_ms" "$work/ours.jsonl")
      run_s=$(awk '/duckdb_seconds/ {print $2}' "$work/out")
      query_s=$(awk -v a="$run_s" -v b="$query_s" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    echo "duckdb seed query:     ${query_s}s query (${duck_s}s with node), $(rate "$events" "$query_s") events/s, RSS $((duck_kib / 1024)) MiB"
    grep -v duckdb_seconds "$work/out" | tr "\n" " "; echo
    awk -v d="$query_s" -v a="$seed_s" 'BEGIN { printf "aihunt / duckdb events/s on the seed query: %.2fx\n", d / a }'
  fi
  rm -f "$file"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
