"""Fixtures for the HTTP API: a store holding the real UN list (2020), keys of each role,
and an in-process app. The store is built once per session and copied for each test."""

from __future__ import annotations

import shutil
import sqlite3
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from watchlist.ingest import load_list
from watchlist.screen.engine import load_index
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine
from watchlist.store.keys import KeyStore

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient on httpx
from fastapi.testclient import TestClient  # noqa: E402

UN_2020 = "un/2020-03-20/consolidated.xml"
UN_2026 = "un/2026-02-27/consolidated.xml"


@dataclass
class Keys:
    reader: str
    analyst: str
    admin: str

    def h(self, role: str = "reader") -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("base")
    db = folder / "w.db"
    settings = Settings(db=str(db))
    store = ListStore(open_engine(settings.db_url))
    load_list(store, "un", str(data_dir / UN_2020), settings=settings)
    load_index(store, settings.cache_dir)
    store.engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def copy_store(base: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(base, folder / "w.db")
    shutil.copytree(base.parent / "index-cache", folder / "index-cache", dirs_exist_ok=True)
    return folder / "w.db"


@pytest.fixture()
def db(base_db: Path, tmp_path: Path) -> Path:
    return copy_store(base_db, tmp_path / "store")


def make_settings(db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "db": str(db),
        "request_log": str(db.parent / "requests.log"),
        "refresh_seconds": 0.1,
        "api_workers": 2,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture()
def settings(db: Path) -> Settings:
    return make_settings(db)


@pytest.fixture()
def keys(db: Path) -> Keys:
    ks = KeyStore(open_engine(str(db)))
    made = {role: ks.create(f"test-{role}", role)[1] for role in ("reader", "analyst", "admin")}
    return Keys(**made)


def wait_ready(client: TestClient, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get("/readyz")
        if r.status_code == 200:
            body: dict[str, Any] = r.json()
            return body
        time.sleep(0.05)
    raise AssertionError("the service did not become ready")


@pytest.fixture()
def client(settings: Settings, keys: Keys) -> Iterator[TestClient]:
    from watchlist.api import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        wait_ready(c)
        yield c
