"""The index being served, and how a new one replaces it.

The screening index is immutable. When the store's current list versions change, a new
index is made aside (``screen.engine.load_index``: from the on-disk cache keyed by the
versions' content hashes, or built and written there) and then swapped in with a single
reference assignment. A request takes the reference once at its start and screens
against that index to the end, so no request ever sees a half-built index and none
fails because of a swap.

Two ways to run it:
* in one process (tests, ``create_app`` used alone): a watcher thread checks the store
  every ``refresh_seconds`` and swaps in place;
* under ``watchlist serve`` (``api.server``): the supervising process watches, loads the
  new index once and forks a fresh generation of workers that share it copy-on-write; the
  workers' holders are then fixed and do not watch.

Several processes sharing a store and a cache folder build each index once: the build is
done under a lock file in the cache folder, so the others wait and load the cached copy.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchlist.errors import WatchlistError
from watchlist.index import ScreeningIndex
from watchlist.screen.engine import load_index
from watchlist.store import ListStore, VersionInfo

log = logging.getLogger("watchlist.api")

Signature = tuple[tuple[str, str], ...]


class NotReadyError(WatchlistError):
    """No screening index is loaded yet (no list in the store, or still loading)."""


def signature_of(versions: Iterable[VersionInfo]) -> Signature:
    return tuple(sorted((v.source, v.sha256) for v in versions))


def index_signature(index: ScreeningIndex) -> Signature:
    return tuple(sorted((str(v.get("source")), str(v.get("sha256"))) for v in index.versions))


@dataclass(frozen=True, slots=True)
class Served:
    index: ScreeningIndex
    signature: Signature
    loaded_at: float  # unix time
    generation: int = 0

    def describe(self) -> dict[str, Any]:
        stats = self.index.stats()
        return {
            "entities": stats["entities"],
            "names": stats["names"],
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.loaded_at)),
            "generation": self.generation,
            "lists": self.index.versions,
        }


@contextlib.contextmanager
def build_lock(cache_dir: Path | None) -> Iterator[None]:
    """Held while an index is loaded or built, across every process using ``cache_dir``."""
    if cache_dir is None:
        yield
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: each process builds on its own
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / ".build.lock").open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def load_served(store: ListStore, cache_dir: Path | None, generation: int = 0) -> Served | None:
    """The index of the store's current versions, or None when no list is loaded."""
    if not store.current_versions():
        return None
    with build_lock(cache_dir):
        index = load_index(store, cache_dir)
    return Served(index, index_signature(index), time.time(), generation)


class IndexHolder:
    """The reference to the index in service. Reading it is one attribute load."""

    def __init__(
        self,
        store: ListStore,
        cache_dir: Path | None,
        *,
        refresh_seconds: float = 1.0,
        served: Served | None = None,
        watch: bool = True,
    ) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self.refresh_seconds = refresh_seconds
        self.watch = watch
        self.served: Served | None = served
        self.last_error: str | None = None
        self.checked_at = 0.0
        self._lock = threading.Lock()  # one load at a time in this process
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> Served:
        served = self.served
        if served is None:
            raise NotReadyError(self.not_ready_reason())
        return served

    def not_ready_reason(self) -> str:
        if self.last_error:
            return f"the screening index could not be loaded: {self.last_error}"
        return "no screening index loaded yet (no list in the store, or still loading)"

    def refresh(self) -> bool:
        """Swap in the index of the store's current versions if they changed. True if swapped."""
        with self._lock:
            self.checked_at = time.time()
            versions = self.store.current_versions()
            if not versions:
                return False
            old = self.served
            if old is not None and signature_of(versions) == old.signature:
                return False
            t = time.perf_counter()
            new = load_served(self.store, self.cache_dir, (old.generation + 1) if old else 0)
            if new is None:
                return False
            self.served = new  # the swap: one reference assignment
            self.last_error = None
            log.info(
                "screening index swapped in: %d entities, %s (%.1f s)",
                new.index.stats()["entities"],
                ", ".join(f"{s}@{h[:8]}" for s, h in new.signature),
                time.perf_counter() - t,
            )
            return True

    # ------------------------------------------------------------ the watcher thread

    def start(self) -> None:
        if not self.watch or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="watchlist-index", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        """Check the store now (after a list was loaded through this process)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception as exc:  # keep serving the index we have; try again later
                self.last_error = str(exc) or type(exc).__name__
                log.exception("could not load the new screening index")
            self._wake.wait(self.refresh_seconds)
            self._wake.clear()
