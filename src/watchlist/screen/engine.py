"""Building (or loading the cached) screening index for the lists currently in the store.

The index is a pure function of the current list versions, so it is cached on disk under
a key made of their content hashes: a CLI call after the first pays only for unpickling,
and any new version produces a new key, hence a fresh build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from watchlist.index import ScreeningIndex
from watchlist.model import Entity
from watchlist.sources import gc_paused
from watchlist.store import ListStore, VersionInfo


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code that builds and reads the index: a cached index made by other
    code (an upgrade, a local change) is never unpickled into this one."""
    import watchlist

    root = Path(watchlist.__file__).parent
    h = hashlib.sha256()
    for sub in ("index", "names", "match"):
        # the compiled cores' sources too, where the install has them
        for f in sorted([*(root / sub).rglob("*.py"), *(root / sub).rglob("*.pyx")]):
            h.update(f.read_bytes())
    return h.hexdigest()


def versions_key(versions: Iterable[VersionInfo]) -> str:
    h = hashlib.sha256(f"code-{code_fingerprint()}\n".encode())
    for v in sorted(versions, key=lambda v: v.source):
        h.update(f"{v.source}\t{v.sha256}\n".encode())
    return h.hexdigest()[:24]


def version_summary(v: VersionInfo) -> dict[str, object]:
    return {"source": v.source, "version": v.version, "data_date": v.data_date, "sha256": v.sha256}


def build_index(store: ListStore, versions: list[VersionInfo] | None = None) -> ScreeningIndex:
    versions = store.current_versions() if versions is None else versions

    def entities() -> Iterable[Entity]:
        for v in versions:
            yield from store.entities(v)

    return ScreeningIndex.build(entities(), [version_summary(v) for v in versions])


def load_index(store: ListStore, cache_dir: Path | None) -> ScreeningIndex:
    """The index of the current versions, from the cache when it is there."""
    versions = store.current_versions()
    if cache_dir is None:
        return build_index(store, versions)
    path = cache_dir / f"index-{versions_key(versions)}.pickle"
    if path.exists():
        try:
            # Unpickling creates some million objects that all stay alive: with the cyclic
            # GC paused it takes half the time.
            with path.open("rb") as f, gc_paused():
                index = pickle.load(f)
            if isinstance(index, ScreeningIndex):
                return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or damaged cache is rebuilt
    with gc_paused():
        index = build_index(store, versions)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("index-*.pickle"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
    return index
