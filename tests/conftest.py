"""Shared fixtures: the real list files live in ../shared/data beside the project root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WATCHLIST_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"real list data not found at {DATA} (set WATCHLIST_TEST_DATA)")
    return DATA
