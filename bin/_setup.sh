# Shared by bin/start and bin/test: find Python >= 3.12, install the locked Python packages with
# uv and the npm front-end packages, and build the static files. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)

find_python() {
  for candidate in python3.12 python3.13 python3.14 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Kennishub needs Python 3.12 or newer (python3.12 not found)." >&2
  return 1
}

PYTHON=$(find_python)
UV_VERSION=0.13.8
UV="$REPO/.cache/uv/bin/uv"
if [ ! -x "$UV" ] || ! "$UV" --version | grep -q "$UV_VERSION"; then
  echo "==> Installing uv $UV_VERSION (Python package manager) into .cache/uv"
  "$PYTHON" -m venv "$REPO/.cache/uv"
  "$REPO/.cache/uv/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
export UV_PYTHON="$PYTHON" UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$REPO/.venv"

echo "==> Installing Python packages from uv.lock"
"$UV" sync --frozen --quiet

echo "==> Installing and building the front end (NL Design System CSS, htmx)"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

export PATH="$REPO/.venv/bin:$PATH"
