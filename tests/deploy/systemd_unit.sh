#!/usr/bin/env bash
# deploy/systemd/aihunt.service: systemd's own parser accepts it (systemd-analyze verify, with
# ExecStart pointed at the built binary), and it holds the hardening docs/deploy.md promises.
# Usage: systemd_unit.sh BIN_DIR. Exits 77 (skipped) where systemd-analyze is not installed.
set -euo pipefail
bin_dir="$(cd "${1:?usage: systemd_unit.sh BIN_DIR}" && pwd)"
source_dir="${AIHUNT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
unit="$source_dir/deploy/systemd/aihunt.service"

fail() {
  echo "systemd_unit: FAIL: $*" >&2
  exit 1
}

for directive in 'Type=exec' 'DynamicUser=yes' 'StateDirectory=aihunt' 'ProtectSystem=strict' \
  'ProtectHome=yes' 'NoNewPrivileges=yes' 'PrivateTmp=yes' \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
  'LoadCredential=qradar-token:/etc/aihunt/credentials/qradar-token' 'CapabilityBoundingSet=' \
  'ExecStart=/usr/local/bin/aihunt run --config /etc/aihunt/aihunt.yaml'; do
  grep -qxF "$directive" "$unit" || fail "no '$directive' line"
done
# The daemon does not link libsystemd, so it cannot notify: Type=notify would never start.
if ldd "$bin_dir/aihunt" | grep -q libsystemd; then fail "aihunt links libsystemd: use Type=notify"; fi

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd_unit: skipped verify, systemd-analyze is not installed" >&2
  exit 77
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/aihunt-systemd-unit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
sed "s#/usr/local/bin/aihunt#$bin_dir/aihunt#" "$unit" >"$work/aihunt.service"
if ! output="$(systemd-analyze verify "$work/aihunt.service" 2>&1)"; then
  fail "systemd-analyze verify: $output"
fi
# verify also prints warnings without failing: any line about our unit is a finding.
if grep -q 'aihunt.service' <<<"$output"; then fail "systemd-analyze verify: $output"; fi
echo "systemd_unit: verified"
