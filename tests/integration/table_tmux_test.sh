#!/usr/bin/env bash
# The table as a person sees it: tmux runs the offline hunt in a pane 80, 100, 120 and then 200
# columns wide, and `tmux capture-pane` returns what is on the screen. Checks that the header
# fits, that rows are shortened with an ellipsis at 80 columns and whole at 200, that the
# sample's hosts and users stay whole (all of them at 120), that colour is there on a
# terminal and absent with NO_COLOR, with --no-color and when stdout is a pipe.
# Usage: table_tmux_test.sh BIN_DIR   (AIHUNT_SOURCE_DIR: the source tree). Exit 77: no tmux.
set -euo pipefail

bin=${1:?usage: table_tmux_test.sh BIN_DIR}
src=${AIHUNT_SOURCE_DIR:?AIHUNT_SOURCE_DIR must name the source tree}
command -v tmux >/dev/null || { echo "tmux is not installed (scripts/install-deps installs it)" >&2; exit 1; }

# One tmux server per pane (a fresh socket each time: reusing one races with its shutdown).
runs=0
socket="aihunt-table-test-$$-0"
tmx() { tmux -L "$socket" -f /dev/null "$@"; }
trap 'tmx kill-server >/dev/null 2>&1 || true' EXIT

hunt="$bin/aihunt hunt --offline $src/content/samples/events.jsonl"
hunt+=" --lookups $src/content/samples/qradar_lookups.json --now 2026-11-26T18:00:00Z --last 24h"
quiet="2>/dev/null"  # the log lines on stderr are not the table
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# show WIDTH COMMAND: runs COMMAND in a fresh pane WIDTH columns wide and waits (at most 20 s)
# for it to signal that it is done; the pane then idles in `cat` (no output) for capture-pane.
show() {
  local width=$1 command=$2 channel=finished
  tmx kill-server >/dev/null 2>&1 || true
  runs=$((runs + 1))
  socket="aihunt-table-test-$$-$runs"
  tmx new-session -d -s table -x "$width" -y 60 \
    "$command; tmux -L $socket wait-for -S $channel; exec cat"
  timeout 20 tmux -L "$socket" wait-for "$channel" || { fail "'$command' did not finish"; return 1; }
}

# The screen with wrapped lines joined (-J): a line longer than the pane would show as two.
screen() { tmx capture-pane -p -J -t table -S 0 -E 59 | sed -e 's/[[:space:]]*$//' -e '/^$/d' \
  ; }
screen_with_escapes() { tmx capture-pane -p -e -J -t table -S 0 -E 59; }

check_fits() {
  local width=$1 text=$2 longest
  longest=$(printf '%s\n' "$text" | LC_ALL=C.UTF-8 wc -L)
  [ "$longest" -le "$width" ] || fail "a line is $longest columns wide in a $width-column pane"
}

# --- 80 columns, NO_COLOR set -------------------------------------------------------------
show 80 "env NO_COLOR=1 $hunt $quiet"
narrow=$(screen)
header=$(printf '%s\n' "$narrow" | head -n 1)
for column in SEVERITY "FIRST SEEN" SOURCES HOST USER DOMAIN PROCESS; do
  [[ $header == *"$column"* ]] || fail "80 columns: header lacks $column: $header"
done
check_fits 80 "$narrow"
[[ $narrow == *"…"* ]] || fail "80 columns: no cell was shortened"
[[ $narrow == *"incidents from"*"findings"* ]] || fail "80 columns: no footer"
[[ $(screen_with_escapes) != *$'\e['*m* ]] || fail "80 columns: colour despite NO_COLOR"

# --- who stays readable: the sample's hosts and users whole at 80, 100 and 120 columns --------
# At 80 columns the optional columns leave and the domain and process shrink first, so that a
# Windows host name and DOMAIN\user (11 columns each) stay whole; at 100 every user and every
# host up to 15 columns; at 120 every host and user of the sample.
short_hosts=(WS-FIN-0193 WS-ENG-0412 WS-HR-0058 WS-LEG-0021 WS-OPS-0310 WS-MKT-0077 ops-jump-02
  DEV-WS-0042)
short_users=("CORP\\jdoe" "CORP\\bwayne" "CORP\\ckent" deploy dprince "CORP\\asmith" etl svc-soar
  "CORP\\dev1")
all_users=("${short_users[@]}" "CORP\\pparker" svc-logsummary)
all_hosts=("${short_hosts[@]}" soar-worker-01 build-07.lin.example.com etl-03.dc1.example.com)
check_whole() {
  local width=$1 text=$2; shift 2
  local value
  for value in "$@"; do
    # A whole value is followed by a blank or the line's end, never by the ellipsis.
    [[ $text == *"$value "* || $text == *"$value"$'\n'* || $text == *"$value" ]] \
      || fail "$width columns: '$value' is not shown whole"
  done
}
check_whole 80 "$narrow" "${short_hosts[@]}" "${short_users[@]}"
show 100 "env NO_COLOR=1 $hunt $quiet"
medium=$(screen)
check_fits 100 "$medium"
check_whole 100 "$medium" "${short_hosts[@]}" soar-worker-01 "${all_users[@]}"
show 120 "env NO_COLOR=1 $hunt $quiet"
roomy=$(screen)
check_fits 120 "$roomy"
check_whole 120 "$roomy" "${all_hosts[@]}" "${all_users[@]}"

# --- 200 columns, a terminal: colour --------------------------------------------------------
show 200 "env -u NO_COLOR TERM=xterm-256color $hunt $quiet"
wide=$(screen)
check_fits 200 "$wide"
for whole in "4104,4688,NGFW,Sysmon 1,Sysmon 3" "build-07.lin.example.com" "CORP\\jdoe" \
  "10.1.4.21" "api.openai.com"; do
  [[ $wide == *"$whole"* ]] || fail "200 columns: '$whole' is not shown whole"
done
[[ $wide == *"incidents from"*"findings"* ]] || fail "200 columns: no footer"
colored=$(screen_with_escapes)
[[ $colored == *$'\e['*m* ]] || fail "200 columns: no colour on a terminal"

# --- --no-color, and stdout a pipe: no escape codes ---------------------------------------
show 200 "env -u NO_COLOR TERM=xterm-256color $hunt --no-color $quiet"
[[ $(screen_with_escapes) != *$'\e['*m* ]] || fail "colour despite --no-color"
show 200 "env -u NO_COLOR TERM=xterm-256color $hunt $quiet | cat"
piped=$(screen)
[[ $piped == *"incidents from"* ]] || fail "pipe: no footer"
[[ $(screen_with_escapes) != *$'\e['*m* ]] || fail "colour on a pipe"

if [ "$failures" -ne 0 ]; then
  echo "--- 80 columns:"; printf '%s\n' "$narrow"
  echo "--- 100 columns:"; printf '%s\n' "${medium:-}"
  echo "--- 120 columns:"; printf '%s\n' "${roomy:-}"
  echo "--- 200 columns:"; printf '%s\n' "$wide"
  exit 1
fi
echo "table_tmux_test: all checks passed"
