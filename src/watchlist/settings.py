"""Every setting in one place. Nothing else in the package reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLD = 0.83


def _default_db() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("watchlist", appauthor=False)) / "watchlist.db")


@dataclass(frozen=True)
class Settings:
    # Store: a path (SQLite) or an SQLAlchemy URL (postgresql+psycopg://...)
    db: str = field(default_factory=_default_db)
    # A mirror of every source (a folder holding SOURCE/[DATE/] copies, or a URL), used by
    # `update` instead of the official downloads...
    mirror: str | None = None
    # ... and per source, a folder, file or URL of its own (WATCHLIST_MIRROR_OFAC_SDN=...)
    source_mirrors: dict[str, str] = field(default_factory=dict)
    # A new version with fewer than this share of the previous version's entities is refused
    min_count_ratio: float = 0.5
    # Processes reading lists side by side when `update` loads several (1: all in this one)
    load_workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    # Screening
    threshold: float = DEFAULT_THRESHOLD
    limit: int = 10
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    download_timeout: float = 60.0
    # Screening service (watchlist serve)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    max_batch: int = 100  # queries in one POST /screen
    max_body_bytes: int = 1_000_000  # request bodies above this are refused (413)
    # Request log (JSON lines: key name, route, status): a file path, "-" for stderr, "off";
    # None means requests.log beside a SQLite store (the user log folder otherwise)
    request_log: str | None = None
    refresh_seconds: float = 1.0  # how often the service checks the store for new list versions
    drain_seconds: float = 15.0  # how long a replaced worker may take to finish its connections

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        s = cls()
        values: dict[str, Any] = {}
        if env.get("WATCHLIST_DB"):
            values["db"] = env["WATCHLIST_DB"]
        if env.get("WATCHLIST_MIRROR"):
            values["mirror"] = env["WATCHLIST_MIRROR"]
        per_source = {
            k[len("WATCHLIST_MIRROR_") :].lower().replace("_", "-"): v
            for k, v in env.items()
            if k.startswith("WATCHLIST_MIRROR_") and v
        }
        if per_source:
            values["source_mirrors"] = per_source
        if env.get("WATCHLIST_MIN_COUNT_RATIO"):
            values["min_count_ratio"] = float(env["WATCHLIST_MIN_COUNT_RATIO"])
        if env.get("WATCHLIST_LOAD_WORKERS"):
            values["load_workers"] = int(env["WATCHLIST_LOAD_WORKERS"])
        if env.get("WATCHLIST_THRESHOLD"):
            values["threshold"] = float(env["WATCHLIST_THRESHOLD"])
        for key, name, conv in _ENV_API:
            if env.get(name):
                values[key] = conv(env[name])
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
    def request_log_path(self) -> Path | None:
        """Where the service appends its request log; None when it is off or on stderr."""
        if self.request_log in ("-", "off", ""):
            return None
        if self.request_log:
            return Path(self.request_log).expanduser()
        if "://" not in self.db:
            return Path(self.db).expanduser().resolve().parent / "requests.log"
        from platformdirs import user_log_dir

        return Path(user_log_dir("watchlist", appauthor=False)) / "requests.log"

    @property
    def db_url(self) -> str:
        if "://" in self.db:
            return self.db
        return "sqlite:///" + str(Path(self.db).expanduser().resolve())


_ENV_API: list[tuple[str, str, Any]] = [
    ("api_host", "WATCHLIST_API_HOST", str),
    ("api_port", "WATCHLIST_API_PORT", int),
    ("api_workers", "WATCHLIST_API_WORKERS", int),
    ("max_batch", "WATCHLIST_MAX_BATCH", int),
    ("max_body_bytes", "WATCHLIST_MAX_BODY_BYTES", int),
    ("request_log", "WATCHLIST_REQUEST_LOG", str),
    ("refresh_seconds", "WATCHLIST_REFRESH_SECONDS", float),
    ("drain_seconds", "WATCHLIST_DRAIN_SECONDS", float),
]
