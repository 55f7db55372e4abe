#!/usr/bin/env bash
# Install what is needed, then lint, type-check and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check src tests
.venv/bin/mypy
.venv/bin/pytest -q "$@"
