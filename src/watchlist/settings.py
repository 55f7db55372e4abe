"""Every setting in one place. Nothing else in the package reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLD = 0.80


def _default_db() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("watchlist", appauthor=False)) / "watchlist.db")


@dataclass(frozen=True)
class Settings:
    # Store: a path (SQLite) or an SQLAlchemy URL (postgresql+psycopg://...)
    db: str = field(default_factory=_default_db)
    # Per-source mirror: a folder or URL used instead of the official download by `update`
    mirror: str | None = None
    # A new version with fewer than this share of the previous version's entities is refused
    min_count_ratio: float = 0.5
    # Screening
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 10
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    download_timeout: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        s = cls()
        values: dict[str, Any] = {}
        if env.get("WATCHLIST_DB"):
            values["db"] = env["WATCHLIST_DB"]
        if env.get("WATCHLIST_MIRROR"):
            values["mirror"] = env["WATCHLIST_MIRROR"]
        if env.get("WATCHLIST_MIN_COUNT_RATIO"):
            values["min_count_ratio"] = float(env["WATCHLIST_MIN_COUNT_RATIO"])
        if env.get("WATCHLIST_THRESHOLD"):
            values["threshold"] = float(env["WATCHLIST_THRESHOLD"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(s, **values)

    @property
    def cache_dir(self) -> Path:
        """Where the built screening index is cached (beside a SQLite store)."""
        if "://" not in self.db:
            return Path(self.db).expanduser().resolve().parent / "index-cache"
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("watchlist", appauthor=False)) / "index-cache"

    @property
    def db_url(self) -> str:
        if "://" in self.db:
            return self.db
        return "sqlite:///" + str(Path(self.db).expanduser().resolve())
