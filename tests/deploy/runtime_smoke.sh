#!/usr/bin/env bash
# The image's runtime stage without Docker (issue 15). From docker/Dockerfile's runtime stage it
# takes the package list and the copied files, then:
#  1. every shared library the binaries load (ldd) belongs to a listed package, to one of their
#     dependencies, or to the base image (Debian's required packages and apt);
#  2. builds a root tree of the copied files and those packages' libraries, and runs the binaries
#     through the tree's own dynamic loader with only the tree's library folders: nothing outside
#     the listed packages is loaded;
#  3. runs qradar-emu from the tree, then `aihunt run --once` from the tree as uid 65532 with the
#     tree read-only and only a state directory writable, and checks that it delivered findings
#     and wrote nowhere else;
#  4. runs the image's HEALTHCHECK command against `aihunt run` (the daemon) from the tree.
# Usage: runtime_smoke.sh BIN_DIR (the built aihunt and qradar-emu; the release ones in the
# image, any preset's here: they link the same libraries). Needs root for setpriv; exits 77
# (skipped) without it.
set -euo pipefail
bin_dir="$(cd "${1:?usage: runtime_smoke.sh BIN_DIR}" && pwd)"
source_dir="${AIHUNT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
dockerfile="$source_dir/docker/Dockerfile"
uid=65532

if [[ "$(id -u)" -ne 0 ]]; then
  echo "runtime_smoke: skipped, needs root to run aihunt as uid $uid" >&2
  exit 77
fi

fail() {
  echo "runtime_smoke: FAIL: $*" >&2
  exit 1
}
trap 'echo "runtime_smoke: FAIL: a command failed at line $LINENO" >&2' ERR

work="$(mktemp -d "${TMPDIR:-/tmp}/aihunt-runtime-smoke.XXXXXX")"
emu_pid=""
daemon_pid=""
cleanup() {
  if [[ -n "$daemon_pid" ]]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [[ -n "$emu_pid" ]]; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- the runtime stage's lists ----------------------------------------------------------------
# Its instructions with continuation lines joined.
runtime_stage="$(sed -n '/^FROM .* AS runtime$/,$p' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')"
read -r -a packages <<<"$(grep -o -- '--no-install-recommends[^&]*' <<<"$runtime_stage" |
  head -n 1 | sed 's/--no-install-recommends//')"
((${#packages[@]} > 0)) || fail "no apt-get install list in the runtime stage"
mapfile -t copies < <(grep '^COPY ' <<<"$runtime_stage" | sed 's/^COPY //')
((${#copies[@]} > 0)) || fail "no COPY in the runtime stage"

# Installed packages that the named ones need, recursively (Depends and Pre-Depends; of
# alternatives, those installed here). One dpkg-query for the whole database.
declare -A depends_of=()
while IFS=$'\t' read -r name deps; do
  depends_of[$name]="$deps"
done < <(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Depends}, ${Pre-Depends}\n' |
  awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3}')
closure() {
  local -A seen=()
  local queue=("$@") name dep
  while ((${#queue[@]} > 0)); do
    name="${queue[0]%%:*}"
    queue=("${queue[@]:1}")
    [[ -n "$name" && -z "${seen[$name]+x}" && -n "${depends_of[$name]+x}" ]] || continue
    seen[$name]=1
    while read -r dep; do
      [[ -n "$dep" ]] && queue+=("$dep")
    done < <(tr ',|' '\n' <<<"${depends_of[$name]}" | sed -E 's/\(.*\)//; s/^ +//; s/ +$//')
  done
  printf '%s\n' "${!seen[@]}"
}
mapfile -t required < <(dpkg-query -W -f='${Package} ${Priority}\n' | awk '$2 == "required" {print $1}')
mapfile -t base < <(closure "${required[@]}" apt)
mapfile -t listed < <(closure "${packages[@]}")
declare -A base_set=() listed_set=()
for p in "${base[@]}"; do base_set[$p]=1; done
for p in "${listed[@]}"; do listed_set[$p]=1; done

# --- 1. ldd: every library comes from a listed package (or the base image) -------------------
for binary in aihunt qradar-emu; do
  [[ -x "$bin_dir/$binary" ]] || fail "$bin_dir/$binary is not built"
  while read -r library; do
    owner="$(dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null)" ||
      fail "$binary loads $library, which no package owns"
    owner="${owner%%:*}"
    [[ -n "${listed_set[$owner]+x}" || -n "${base_set[$owner]+x}" ]] ||
      fail "$binary loads $library from $owner, which the runtime stage does not install"
  done < <(ldd "$bin_dir/$binary" | awk '/=> \// {print $3} /^\t\// {print $1}')
done
echo "runtime_smoke: ldd: every library is in ${packages[*]} or the base image"

# --- 2. the tree: copied files and the packages' shared libraries ------------------------------
root="$work/root"
mkdir -p "$root"
for copy in "${copies[@]}"; do
  read -r -a parts <<<"$copy"
  [[ "${parts[0]}" == "--from=build" && ${#parts[@]} -eq 3 ]] || fail "unexpected COPY $copy"
  source="${parts[1]}"
  case "$source" in
    /src/build-release/bin/*) source="$bin_dir/${source#/src/build-release/bin/}" ;;
    /src/*) source="$source_dir/${source#/src/}" ;;
    *) fail "COPY from outside the build tree: $copy" ;;
  esac
  mkdir -p "$root$(dirname "${parts[2]}")"
  cp -a "$source" "$root${parts[2]}"
done
# Libraries at their canonical folders (on merged-/usr, /lib is a link to usr/lib).
while read -r file; do
  [[ -f "$file" || -L "$file" ]] || continue
  folder="$(readlink -f "$(dirname "$file")")"
  mkdir -p "$root$folder"
  cp -a "$file" "$root$folder/"
done < <(dpkg -L "${listed[@]}" "${base[@]}" 2>/dev/null |
  grep -E '^(/usr)?/lib(64|/x86_64-linux-gnu)?/[^ ]*\.so' | sort -u)
mkdir -p "$root/etc/ssl"
cp -a /etc/ssl/certs "$root/etc/ssl/"
loader="$(find "$root" -name 'ld-linux-x86-64.so.2' -type f | head -n 1)"
[[ -n "$loader" ]] || fail "no dynamic loader in the listed packages"
libpath="$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu:$root/lib64:$root/usr/lib64"
in_tree() { "$loader" --inhibit-cache --library-path "$libpath" "$@"; }
for binary in aihunt qradar-emu; do
  trace="$(LD_TRACE_LOADED_OBJECTS=1 in_tree "$root/usr/local/bin/$binary")" ||
    fail "$binary does not load in the tree: $trace"
  if grep -q 'not found' <<<"$trace"; then fail "$binary in the tree: $trace"; fi
  outside="$(awk '/=> \// {print $3}' <<<"$trace" | grep -v "^$root/" || true)"
  [[ -z "$outside" ]] || fail "$binary loaded libraries from outside the tree: $outside"
done
version="$(in_tree "$root/usr/local/bin/aihunt" --version)"
grep -Eq '^aihunt [0-9]+\.[0-9]+\.[0-9]+ \(commit [^,]+, [A-Za-z]+ build\)$' <<<"$version" ||
  fail "aihunt --version says '$version'"
echo "runtime_smoke: tree: the binaries load with the tree's libraries only ($version)"

# --- 3. qradar-emu, then aihunt run --once as uid 65532 ---------------------------------------
emu_dir="$work/emu"
mkdir -m 0755 "$emu_dir"
content="$root/usr/share/aihunt/content"
timeout 120 "$loader" --inhibit-cache --library-path "$libpath" "$root/usr/local/bin/qradar-emu" \
  --config "$source_dir/docker/demo/qradar-emu.yaml" --listen 127.0.0.1 --https-port 0 \
  --syslog-tls-port 0 --ports-file "$emu_dir/ports.json" --ca-out "$emu_dir/ca.pem" \
  --events "$content/samples/events.jsonl" --lookups "$content/samples/qradar_lookups.json" \
  --rules "$content/qradar/rule.yaml" --now 2026-11-26T18:00:00Z --log-level warn \
  >"$emu_dir/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 200); do
  [[ -s "$emu_dir/ports.json" ]] && break
  kill -0 "$emu_pid" 2>/dev/null || break
  sleep 0.05
done
[[ -s "$emu_dir/ports.json" ]] || fail "qradar-emu did not start: $(cat "$emu_dir/emu.log")"
https_port="$(sed -E 's/.*"https":([0-9]+).*/\1/' "$emu_dir/ports.json")"
syslog_port="$(sed -E 's/.*"syslog_tls":([0-9]+).*/\1/' "$emu_dir/ports.json")"
chmod 0644 "$emu_dir/ca.pem"

# The token as Kubernetes' init container leaves it: 0600, owned by the user, in its own folder.
secrets="$work/secrets"
mkdir -m 0700 "$secrets"
install -m 0600 -o "$uid" -g "$uid" "$source_dir/docker/demo/qradar-token" "$secrets/qradar-token"
chown "$uid:$uid" "$secrets"
state="$work/state"
mkdir -m 0700 "$state"
chown "$uid:$uid" "$state"
mkdir -p "$root/etc/aihunt"
cat >"$root/etc/aihunt/aihunt.yaml" <<YAML
version: 1
qradar:
  url: https://localhost:$https_port
  token_file: $secrets/qradar-token
  tls:
    ca_file: $emu_dir/ca.pem
outputs:
  jsonl:
    path: $state/findings.jsonl
  reference_sets:
    enabled: true
  leef:
    enabled: true
    host: 127.0.0.1
    port: $syslog_port
    protocol: tls
    ca_file: $emu_dir/ca.pem
    hostname: aihunt-smoke
state:
  path: $state/state.db
server:
  enabled: true
  listen: 127.0.0.1:0
YAML
# Read-only for everyone: root owns the tree, and no one has write permission.
chmod -R a-w "$root"
chmod 0755 "$work"

# The user's files in the shared scratch folders before the run (another tool's, or another
# test's leftovers): only what this run adds counts as written outside the state directory.
userFilesOutside() {
  find /tmp /var/tmp /dev/shm -xdev \( -path '/tmp/aihunt-runtime-smoke.*' -o -path "$work" \) \
    -prune -o -uid "$uid" -print 2>/dev/null | sort || true
}
files_before="$(userFilesOutside)"
status=0
timeout 120 setpriv --reuid "$uid" --regid "$uid" --clear-groups --no-new-privs -- \
  env -i PATH=/usr/bin:/bin HOME=/nonexistent \
  "$loader" --inhibit-cache --library-path "$libpath" "$root/usr/local/bin/aihunt" run --once \
  --config "$root/etc/aihunt/aihunt.yaml" --now 2026-11-26T18:00:00Z --log-level warn \
  >"$work/run.out" 2>"$work/run.err" || status=$?
[[ "$status" -eq 0 ]] ||
  fail "aihunt run --once exited $status: $(cat "$work/run.out" "$work/run.err")"
[[ -s "$state/findings.jsonl" ]] || fail "no findings in $state/findings.jsonl"
findings="$(wc -l <"$state/findings.jsonl")"
[[ "$(stat -c %u "$state/state.db")" -eq "$uid" ]] || fail "the state file is not the user's"
# Nothing written outside the state directory: no new file of the user's anywhere else it could
# write (other runs of this test, in their own folders, and files that were there before are
# left out; files that other processes delete while find walks are not errors).
stray="$({
  find "$work" -xdev -uid "$uid" -not -path "$state" -not -path "$state/*" \
    -not -path "$secrets" -not -path "$secrets/*" -print 2>/dev/null || true
  comm -13 <(printf '%s\n' "$files_before") <(userFilesOutside) | sed '/^$/d'
} | head -n 5)"
[[ -z "$stray" ]] || fail "aihunt wrote outside its state directory: $stray"
echo "runtime_smoke: aihunt run --once as uid $uid: exit 0, $findings findings, writes only in $state"

# --- 4. the image's HEALTHCHECK against the daemon -------------------------------------------
# The Dockerfile's command, run as written but for the port (the daemon here cannot own 9464).
healthcheck="$(sed -n 's/^HEALTHCHECK .* CMD \(\["bash".*\]\)$/\1/p' <<<"$runtime_stage" |
  python3 -c 'import json, sys; print(json.loads(sys.stdin.read())[2])')"
[[ "$healthcheck" == *"/dev/tcp/127.0.0.1/9464"* ]] || fail "unexpected HEALTHCHECK: $healthcheck"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
chmod u+w "$root/etc/aihunt" "$root/etc/aihunt/aihunt.yaml"
sed -i "s#listen: 127.0.0.1:0#listen: 127.0.0.1:$port#" "$root/etc/aihunt/aihunt.yaml"
chmod a-w "$root/etc/aihunt" "$root/etc/aihunt/aihunt.yaml"
setpriv --reuid "$uid" --regid "$uid" --clear-groups --no-new-privs -- \
  env -i PATH=/usr/bin:/bin HOME=/nonexistent \
  "$loader" --inhibit-cache --library-path "$libpath" "$root/usr/local/bin/aihunt" run \
  --config "$root/etc/aihunt/aihunt.yaml" --now 2026-11-26T18:00:00Z --log-level warn \
  >"$work/daemon.out" 2>&1 &
daemon_pid=$!
healthy=0
for _ in $(seq 100); do
  if timeout 5 bash -c "${healthcheck//9464/$port}" 2>/dev/null; then
    healthy=1
    break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$daemon_pid" 2>/dev/null || true
daemon_status=0
wait "$daemon_pid" || daemon_status=$?
daemon_pid=""
[[ "$healthy" -eq 1 ]] || fail "the HEALTHCHECK never passed: $(cat "$work/daemon.out")"
[[ "$daemon_status" -eq 0 ]] || fail "the daemon exited $daemon_status on SIGTERM"
# And it fails where nothing answers.
if timeout 5 bash -c "${healthcheck//9464/$port}" 2>/dev/null; then
  fail "the HEALTHCHECK passed with no daemon"
fi
echo "runtime_smoke: the image's HEALTHCHECK passes against the daemon and fails without it"
