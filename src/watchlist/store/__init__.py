"""The store: list versions (and later customers, alerts, audit, keys) behind SQLAlchemy Core.

SQLite is the embedded default; any SQLAlchemy URL (PostgreSQL) works the same way, since
only portable Core constructs are used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from watchlist.store.lists import ListStore, VersionInfo
from watchlist.store.schema import metadata

__all__ = ["ListStore", "VersionInfo", "open_engine"]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets screening workers read while a new list version is written.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


# Modules that declare more tables on ``schema.metadata`` (keys, customers, alerts, audit).
# Imported here so that ``open_engine`` creates every table the package knows.
TABLE_MODULES = ("watchlist.store.keys", "watchlist.store.monitoring", "watchlist.store.audit")


def _import_table_modules() -> None:
    import importlib

    for name in TABLE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def open_engine(url: str) -> Engine:
    """An engine with the schema created. A plain path means a SQLite file."""
    if "://" not in url:
        url = "sqlite:///" + str(Path(url).expanduser().resolve())
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _import_table_modules()
    metadata.create_all(engine)
    return engine
