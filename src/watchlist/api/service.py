"""What the routes share: settings, the store, the keys, the index in service, metrics, log."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from fastapi import Request

from watchlist.api.live import IndexHolder
from watchlist.api.metrics import MetricsSlot, SharedMetrics
from watchlist.settings import Settings
from watchlist.store import ListStore
from watchlist.store.keys import KeyStore


class RequestLog:
    """Who called what: one JSON line per request (time, key name, role, route, status, ms).

    Lines are appended with one ``write`` on a file opened with O_APPEND, so the lines of
    several workers never interleave. Opened lazily, so each forked worker has its own.
    """

    def __init__(self, path: Path | None, *, stderr: bool = False) -> None:
        self.path = path
        self.stderr = stderr
        self._fd: int | None = None
        self._pid = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestLog | None:
        if settings.request_log == "off":
            return None
        if settings.request_log == "-":
            return cls(None, stderr=True)
        return cls(settings.request_log_path)

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            if self.path is None:
                self._fd = sys.stderr.fileno()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            self._pid = os.getpid()
        return self._fd

    def write(self, record: dict[str, Any]) -> None:
        line = orjson.dumps(record) + b"\n"
        with contextlib.suppress(OSError):  # a full disk must not stop the service
            os.write(self._descriptor(), line)

    def close(self) -> None:
        if self._fd is not None and self.path is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = None


@dataclass
class Service:
    settings: Settings
    store: ListStore
    keys: KeyStore
    holder: IndexHolder
    metrics: SharedMetrics
    slot: MetricsSlot
    request_log: RequestLog | None
    draining: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.time)
    admin_lock: threading.Lock = field(default_factory=threading.Lock)


def service_of(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc
