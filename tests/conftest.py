"""Shared fixtures: the real list files live in ../shared/data beside the project root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI machines are shared and noisy: a first call that builds ICU transliterators or a
# busy neighbour can take longer than hypothesis' 200 ms deadline without anything being
# wrong. Correctness is what these properties check; speed lives in benchmarks/.
settings.register_profile("ci", deadline=None)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WATCHLIST_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"real list data not found at {DATA} (set WATCHLIST_TEST_DATA)")
    return DATA
