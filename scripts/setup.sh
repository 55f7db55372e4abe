#!/usr/bin/env bash
# Install what watchlist needs into .venv: ICU's headers (PyICU builds against them) from
# Debian when missing, then the package with its dev tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists icu-uc 2>/dev/null || ! command -v g++ >/dev/null 2>&1; then
  echo "installing ICU headers, pkg-config and g++ (Debian packages) ..." >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Reinstall when the package's declaration or a compiled core (Cython) changed.
stale=""
if [ -e .venv/.installed ]; then
  stale=$(find pyproject.toml setup.py src -newer .venv/.installed \
          \( -name '*.pyx' -o -name pyproject.toml -o -name setup.py \) | head -1)
fi
if ! .venv/bin/python -c "import watchlist.match._align, watchlist.index._postings, icu, rapidfuzz, pytest" 2>/dev/null \
   || [ ! -e .venv/.installed ] || [ -n "$stale" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[dev]"
  touch .venv/.installed
fi
