#!/usr/bin/env bash
# Lint the OpenAPI schema of API v1 against the Logius API Design Rules ruleset (adr-ruleset.yaml).
# Fails on any error; warnings are printed but allowed. Usage: tools/spectral/lint.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"

if [ ! -x "$here/node_modules/.bin/spectral" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

schema="$(mktemp -d)/openapi.json"
trap 'rm -rf "$(dirname "$schema")"' EXIT
(cd "$repo" && "$python" manage.py spectacular --validate --fail-on-warn --lang nl \
  --format openapi-json --file "$schema")

"$here/node_modules/.bin/spectral" lint --ruleset "$here/adr-ruleset.yaml" --fail-severity error "$schema"
