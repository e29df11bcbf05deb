#!/usr/bin/env bash
# Audit the locked Python dependencies (uv.lock, all groups) for known vulnerabilities with pip-audit.
#
# Exit 0: audited, nothing found.  Exit 1: a known vulnerability (or another pip-audit failure).
# When the vulnerability service cannot be reached (no network to it, as on some build machines),
# the audit is reported as NOT PERFORMED; that is exit 0 unless KH_AUDIT_DEPS_STRICT=1, then exit 2.
# KH_AUDIT_SERVICE picks the service: "pypi" (default, PyPI's JSON API) or "osv".
set -euo pipefail
cd "$(dirname "$0")/.."

uv_bin=$(command -v uv || true)
for candidate in .cache/uv/bin/uv .venv/bin/uv "$HOME/.local/bin/uv"; do
  [[ -z "$uv_bin" && -x "$candidate" ]] && uv_bin=$candidate
done
[[ -n "$uv_bin" ]] || { echo "audit-deps: uv not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$uv_bin" export --frozen --format requirements-txt --no-hashes --all-groups --no-emit-project >"$work/requirements.txt"

set +e
.venv/bin/pip-audit -r "$work/requirements.txt" --disable-pip --no-deps --progress-spinner off \
  --vulnerability-service "${KH_AUDIT_SERVICE:-pypi}" --format json --output "$work/report.json" \
  2>"$work/stderr.txt"
status=$?
set -e

if [[ ! -s "$work/report.json" ]]; then
  if grep -qiE "ConnectionError|NameResolution|timed out|Max retries" "$work/stderr.txt"; then
    echo "audit-deps: NOT PERFORMED: the vulnerability service is unreachable from this machine." >&2
    [[ "${KH_AUDIT_DEPS_STRICT:-0}" == 1 ]] && exit 2 || exit 0
  fi
  cat "$work/stderr.txt" >&2
  exit 1
fi

.venv/bin/python - "$work/report.json" "$status" <<'PY'
import json
import os
import sys

report = json.load(open(sys.argv[1]))
dependencies = report.get("dependencies", [])
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if "skip_reason" in d]
audited = len(dependencies) - len(skipped)
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
if vulnerable:
    print(f"audit-deps: {len(vulnerable)} of {len(dependencies)} dependencies have known vulnerabilities.")
    sys.exit(1)
if audited == 0 and skipped:
    print(
        f"audit-deps: NOT PERFORMED: all {len(skipped)} dependencies were skipped "
        f"({skipped[0]['skip_reason']}). The vulnerability service is not reachable from here.",
        file=sys.stderr,
    )
    sys.exit(2 if os.environ.get("KH_AUDIT_DEPS_STRICT") == "1" else 0)
for dependency in skipped:
    print(f"skipped {dependency['name']}: {dependency['skip_reason']}")
print(f"audit-deps: {audited} dependencies audited, no known vulnerabilities.")
PY
