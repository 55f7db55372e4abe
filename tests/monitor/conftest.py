"""Fixtures for the monitoring tests: the real OFAC SDN lists of 2019-01-15 and 2021-07-07,
read once per session, and small stores built from their records."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from watchlist.model import Entity
from watchlist.sources import read_list
from watchlist.store import ListStore, open_engine

COLUMNS = ["id", "name", "dob", "country", "type", "identifiers"]


@pytest.fixture(scope="session")
def sdn19(data_dir: Path) -> list[Entity]:
    return read_list(data_dir / "ofac-sdn" / "2019-01-15", "ofac-sdn").entities


@pytest.fixture(scope="session")
def sdn21(data_dir: Path) -> list[Entity]:
    return read_list(data_dir / "ofac-sdn" / "2021-07-07", "ofac-sdn").entities


def write_csv(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


@dataclass
class Store:
    engine: Engine
    lists: ListStore
    dir: Path

    def load(self, entities: list[Entity], data_date: str | None = None) -> None:
        self.lists.add_version("ofac-sdn", "ofac-csv", entities, data_date=data_date, origin="test")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    engine = open_engine(str(tmp_path / "watchlist.db"))
    return Store(engine, ListStore(engine), tmp_path)
