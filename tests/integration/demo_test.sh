#!/usr/bin/env bash
# The Quickstart's demo (scripts/demo) on the binaries of this build: it must exit 0, the daemon's
# first run must raise findings and deliver each one to every destination of the example config
# (JSONL, LEEF over syslog, reference sets: all on qradar-emu); offense notes wait until QRadar
# can have made the offenses, 2 s after the LEEF events, so they go in the first run if it is
# still delivering by then (a slow machine), else in the second. The second run must raise
# nothing, and nothing may be left waiting. The README's first command ends with exactly this.
# Usage: demo_test.sh BIN_DIR   (AIHUNT_SOURCE_DIR: the source tree)
set -euo pipefail

bin=${1:?usage: demo_test.sh BIN_DIR}
src=${AIHUNT_SOURCE_DIR:?AIHUNT_SOURCE_DIR must name the source tree}
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

if ! "$src/scripts/demo" "$bin" >"$out" 2>&1; then
  cat "$out"
  echo "FAIL: scripts/demo exited non-zero"
  exit 1
fi

# The FINDINGS column of each `run --once` table, summed, and each run's "delivered: N to A, M to
# B, ..." line (one count per destination).
mapfile -t findings < <(awk '
  /^HUNT +WINDOWS/ { table++; next }
  /^delivered/ { in_table = 0 }
  table && NF == 7 && $7 == "ok" { sum[table] += $4 }
  END { print sum[1] + 0; print sum[2] + 0 }' "$out")
mapfile -t delivered_lines < <(grep '^delivered:' "$out")
counts() { grep -oE '(^delivered:|,) [0-9]+ to ' <<<"$1" | grep -oE '[0-9]+' | tr '\n' ' '; }

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
[[ ${findings[0]} -gt 0 ]] || fail "the first run raised no findings"
[[ ${findings[1]} -eq 0 ]] || fail "the second run raised ${findings[1]} findings again"
[[ ${#delivered_lines[@]} -eq 2 ]] || fail "expected two 'delivered:' lines, found ${#delivered_lines[@]}"
# Four destinations in the example config: every new finding goes to each, once.
first="$(counts "${delivered_lines[0]:-}")"
second="$(counts "${delivered_lines[1]:-}")"
n=${findings[0]}
read -r -a one <<<"$first"
read -r -a two <<<"$second"
[[ "${one[0]:-} ${one[1]:-} ${one[2]:-}" == "$n $n $n" ]] ||
  fail "first run delivered '${first}', not $n to each of the first three destinations"
[[ "${two[0]:-} ${two[1]:-} ${two[2]:-}" == "0 0 0" ]] || fail "second run delivered '${second}' again"
[[ $(( ${one[3]:-0} + ${two[3]:-0} )) -eq $n ]] ||
  fail "the offense notes took ${one[3]:-0} then ${two[3]:-0} findings, not $n in all"
grep -qE "offense notes \([0-9]+ noted" <<<"${delivered_lines[*]}" || fail "no offense was noted"
grep -qE "waiting|held" <<<"${delivered_lines[1]:-}" && fail "findings were left in the outbox"
if [[ $failures -gt 0 ]]; then
  cat "$out"
  exit 1
fi
echo "demo: ${findings[0]} findings, delivered to each of 4 destinations (the notes once due), none again"
