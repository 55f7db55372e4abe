"""Loading lists: fetch, read, check, store. All or nothing.

A list that cannot be read, or that looks implausible against the version already
loaded, is refused with the reason and the previous version keeps serving.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from watchlist.errors import DownloadError, ImplausibleListError, WatchlistError
from watchlist.model import ListData, RawList
from watchlist.settings import Settings
from watchlist.sources import SOURCES, check_entries, gc_paused, read_raw_list
from watchlist.sources.fetch import download, fetch_url
from watchlist.store import ListStore, VersionInfo
from watchlist.store.audit import audit_list_load
from watchlist.store.lists import Encoded, encode_entities

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(slots=True)
class LoadResult:
    source: str
    version: VersionInfo
    created: bool
    previous: VersionInfo | None
    seconds: float
    warnings: list[str] = field(default_factory=list)


def check_source_name(source: str, fmt: str | None) -> None:
    if not _SOURCE_NAME.match(source):
        raise WatchlistError(
            f"source name {source!r} must be lower-case letters, digits, '-' or '_'"
        )
    if source not in SOURCES and fmt is None:
        raise WatchlistError(
            f"unknown source {source!r}: known are {', '.join(SOURCES)};"
            " for a list of your own give --format (e.g. custom-csv)"
        )


def files_digest(path: Path, names: Iterable[str]) -> str:
    h = hashlib.sha256()
    files = [path] if path.is_file() else [path / n for n in sorted(names)]
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


def check_plausible(
    data: ListData | PreparedList, previous: VersionInfo | None, min_ratio: float, where: str
) -> None:
    if previous is None or min_ratio <= 0:
        return
    count = data.count if isinstance(data, PreparedList) else len(data.entities)
    if count < previous.entities * min_ratio:
        raise ImplausibleListError(
            f"{where}: {count} entries against {previous.entities} in"
            f" {data.source} version {previous.version}: a drop of more than"
            f" {100 * (1 - min_ratio):.0f}% looks like a truncated or partial list."
            " Refused; the previous version keeps serving (use --force to load it anyway)."
        )


@dataclass(slots=True)
class PreparedList:
    """A list read, checked and encoded for the store: all the CPU work of a load, done
    where it was read (a worker process, when several lists load at once), leaving the
    store only its writes."""

    source: str
    format: str
    encoded: list[Encoded]
    data_date: str | None
    files: list[str]
    warnings: list[str]
    files_sha256: str
    seconds: float = 0.0  # spent fetching, reading and encoding

    @property
    def count(self) -> int:
        return len(self.encoded)


# Below this many records a list maps on one core sooner than a forked process would
# start, map its share and send it back.
_SPLIT_MIN_RECORDS = 2000


def read_prepared(
    path: Path,
    source: str,
    fmt: str | None = None,
    *,
    workers: int = 1,
    started: float | None = None,
    folder_date: bool = False,
) -> PreparedList:
    """A list read, mapped and encoded for the store in one pass (all the CPU work of a
    load, leaving ``store_prepared`` only its writes), its mapping split over up to ``workers`` processes when the list is big enough.

    The cyclic garbage collector stays paused until the entities are encoded and freed,
    so it never scans them; resumed in between, it would walk them all once (a tenth of
    a load). ``folder_date``: a file that carries no date takes its mirror folder's name.
    """
    started = time.perf_counter() if started is None else started
    with gc_paused():
        raw, splits = read_raw_list(path, source, fmt)
        parts = min(workers, len(raw.records) // _SPLIT_MIN_RECORDS) if splits else 1
        encoded, warnings = _map_and_encode(raw, parts if _fork_safe() else 1)
        raw.records = ()  # freed while the collector is paused
    check_entries(path, [eid for eid, _, _ in encoded])
    warnings = [*raw.warnings, *warnings]
    data_date = raw.data_date
    if folder_date and data_date is None and _ISO_DAY.match(path.name):
        data_date = path.name
        warnings.append(f"{path}: data date taken from the folder name")
    return PreparedList(
        source=source,
        format=raw.format,
        encoded=encoded,
        data_date=data_date,
        files=list(raw.files),
        warnings=warnings,
        files_sha256=files_digest(path, raw.files),
        seconds=time.perf_counter() - started,
    )


def _encode_range(raw: RawList, start: int, stop: int) -> tuple[list[Encoded], list[str]]:
    entities, warnings = raw.map(start, stop)
    return encode_entities(entities), warnings


def _map_and_encode(raw: RawList, parts: int) -> tuple[list[Encoded], list[str]]:
    """Every record mapped and encoded, in order, on ``parts`` processes (this one and
    forked children, which see the records without copying them and send back only the
    small encoded rows)."""
    n = len(raw.records)
    if parts <= 1:
        return _encode_range(raw, 0, n)
    bounds = [n * i // parts for i in range(parts + 1)]
    ctx = multiprocessing.get_context("fork")
    children = []
    for i in range(1, parts):
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(
            target=_encode_child, args=(raw, bounds[i], bounds[i + 1], send), daemon=True
        )
        child.start()
        send.close()
        children.append((child, receive))
    encoded, warnings = _encode_range(raw, bounds[0], bounds[1])
    for i, (child, receive) in enumerate(children, 1):
        got: tuple[list[Encoded], list[str]] | None
        try:
            got = receive.recv()
        except (EOFError, OSError, ValueError):
            got = None
        finally:
            receive.close()
            child.join()
        if got is None:
            # The child failed or died: its share is mapped here, so that whatever went
            # wrong is raised (or recovered from) exactly as on one core.
            got = _encode_range(raw, bounds[i], bounds[i + 1])
        encoded += got[0]
        warnings += got[1]
    return encoded, warnings


def _encode_child(raw: RawList, start: int, stop: int, send: Connection) -> None:
    try:
        send.send(_encode_range(raw, start, stop))
    except BaseException:
        pass  # nothing sent: the parent maps this share itself and reports what fails
    finally:
        send.close()


def _fork_safe() -> bool:
    # Forking a process that runs other threads (the HTTP service) can leave the child
    # stuck on a lock one of them held.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def store_prepared(
    store: ListStore,
    prepared: PreparedList,
    origin: str,
    *,
    min_count_ratio: float,
    force: bool = False,
) -> LoadResult:
    started = time.perf_counter()
    previous = store.latest(prepared.source)
    if not force:
        check_plausible(prepared, previous, min_count_ratio, origin)
    version, created = store.add_encoded(
        prepared.source,
        prepared.format,
        prepared.encoded,
        data_date=prepared.data_date,
        origin=origin,
        files=prepared.files,
        files_sha256=prepared.files_sha256,
        warnings=prepared.warnings,
    )
    result = LoadResult(
        prepared.source,
        version,
        created,
        previous,
        prepared.seconds + time.perf_counter() - started,
        list(prepared.warnings),
    )
    audit_list_load(store.engine, result)  # every load, new version or not, on the audit trail
    return result


def load_list(
    store: ListStore,
    source: str,
    location: str,
    *,
    fmt: str | None = None,
    settings: Settings,
    force: bool = False,
) -> LoadResult:
    """Load one list from a folder, a file, or a URL (http, https, file)."""
    started = time.perf_counter()
    check_source_name(source, fmt)
    scheme = urllib.parse.urlparse(location).scheme
    with tempfile.TemporaryDirectory(prefix="watchlist-") as tmp:
        if scheme in ("http", "https", "file"):
            path = fetch_url(location, Path(tmp), timeout=settings.download_timeout)
        else:
            path = Path(location)
            if not path.exists():
                raise WatchlistError(f"{location}: no such file or folder")
        prepared = read_prepared(
            path, source, fmt, workers=settings.load_workers, started=started
        )
        return store_prepared(
            store, prepared, location, min_count_ratio=settings.min_count_ratio, force=force
        )


# ---------------------------------------------------------------- several lists at once

T = TypeVar("T")
Job = tuple[Callable[..., T], tuple[Any, ...]]


def _mp_context() -> multiprocessing.context.BaseContext:
    # Forked workers start at once and share the parent's imports and warm lookup tables;
    # where forking is not safe they come from a clean server process.
    if _fork_safe():
        return multiprocessing.get_context("fork")
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_jobs(jobs: Sequence[Job[T]], workers: int, sizes: Sequence[int] | None = None) -> Iterator[T]:
    """Each job's result, in the order given; on ``workers`` processes when there are
    several jobs, started biggest first (``sizes``) so that no long one is left for last."""
    workers = min(workers, len(jobs))
    if workers <= 1:
        for fn, args in jobs:
            yield fn(*args)
        return
    order = sorted(range(len(jobs)), key=lambda i: -sizes[i]) if sizes else range(len(jobs))
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures: dict[int, Future[T]] = {}
        for i in order:
            fn, args = jobs[i]
            futures[i] = pool.submit(fn, *args)
        for i in range(len(jobs)):
            yield futures.pop(i).result()


def _fetch_and_prepare(name: str, settings: Settings) -> tuple[PreparedList, str] | str:
    """One source fetched, read and encoded (in a worker process): (list, origin), or why not."""
    started = time.perf_counter()
    info = SOURCES[name]
    try:
        with tempfile.TemporaryDirectory(prefix="watchlist-") as tmp:
            own = settings.source_mirrors.get(name)
            if own:
                path = fetch_url(own, Path(tmp), timeout=settings.download_timeout)
                origin = own
            else:
                path = download(
                    info, Path(tmp), mirror=settings.mirror, timeout=settings.download_timeout
                )
                origin = settings.mirror or " ".join(info.urls)
            return read_prepared(path, name, started=started), origin
    except (DownloadError, WatchlistError) as exc:
        # The message, not the exception, crosses back: it is all the outcome keeps.
        return str(exc)


def _read_and_prepare(path: Path, name: str) -> PreparedList | str:
    """One dated mirror copy read and encoded (in a worker process), or why not."""
    try:
        return read_prepared(path, name, folder_date=True)
    except WatchlistError as exc:
        return str(exc)


def _tree_size(path: Path) -> int:
    try:
        if path.is_file():
            return path.stat().st_size
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    except OSError:
        return 0


@dataclass(slots=True)
class UpdateOutcome:
    source: str
    result: LoadResult | None = None
    error: str | None = None


def update_sources(
    store: ListStore,
    settings: Settings,
    sources: Iterable[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[UpdateOutcome]:
    """Fetch each configured source from its official URL (or the mirror) and load it.

    Sources are fetched and read side by side on ``settings.load_workers`` processes and
    stored one at a time, in the order named. A source that fails to download or read is
    reported and keeps its previous version; the others go on.
    """
    names = list(sources or SOURCES)
    known = [n for n in names if n in SOURCES]
    jobs: list[Job[tuple[PreparedList, str] | str]] = [
        (_fetch_and_prepare, (n, settings)) for n in known
    ]
    results = _run_jobs(jobs, settings.load_workers)
    outcomes = []
    for name in names:
        if name not in SOURCES:
            outcomes.append(UpdateOutcome(name, error=f"unknown source {name!r}"))
            continue
        if progress:
            progress(name)
        got = next(results)
        if isinstance(got, str):
            outcomes.append(UpdateOutcome(name, error=got))
            continue
        prepared, origin = got
        try:
            result = store_prepared(
                store, prepared, origin, min_count_ratio=settings.min_count_ratio
            )
            outcomes.append(UpdateOutcome(name, result=result))
        except WatchlistError as exc:
            outcomes.append(UpdateOutcome(name, error=str(exc)))
    return outcomes


def mirror_history(mirror: Path, name: str) -> list[Path]:
    """Every dated copy of a source in a mirror folder, oldest first (``SOURCE/DATE/``)."""
    info = SOURCES[name]
    dated: list[tuple[str, Path]] = []
    for folder_name in dict.fromkeys((info.name, *info.mirror_names)):
        folder = mirror / folder_name
        if folder.is_dir():
            dated.extend((p.name, p) for p in folder.iterdir() if p.is_dir())
    return [p for _, p in sorted(dated)]


def update_history(
    store: ListStore, settings: Settings, sources: Iterable[str] | None = None
) -> list[UpdateOutcome]:
    """Load every dated copy of each source found in a local mirror, oldest first, so the
    store holds the real history of each list. Copies are read side by side on
    ``settings.load_workers`` processes and stored one at a time, in that order."""
    if not settings.mirror:
        raise WatchlistError("a mirror folder is needed to load history")
    mirror = Path(settings.mirror)
    if not mirror.is_dir():
        raise WatchlistError(f"mirror {mirror} is not a folder")
    names = list(sources or SOURCES)
    copies = {n: mirror_history(mirror, n) for n in names if n in SOURCES}
    jobs: list[Job[PreparedList | str]] = [
        (_read_and_prepare, (path, n)) for n, paths in copies.items() for path in paths
    ]
    sizes = [_tree_size(args[0]) for _, args in jobs]
    results = _run_jobs(jobs, settings.load_workers, sizes)
    outcomes = []
    for name in names:
        if name not in SOURCES:
            outcomes.append(UpdateOutcome(name, error=f"unknown source {name!r}"))
            continue
        for path in copies[name]:
            got = next(results)
            if isinstance(got, str):
                outcomes.append(UpdateOutcome(name, error=got))
                continue
            try:
                result = store_prepared(
                    store, got, str(path), min_count_ratio=settings.min_count_ratio
                )
                outcomes.append(UpdateOutcome(name, result=result))
            except WatchlistError as exc:
                outcomes.append(UpdateOutcome(name, error=str(exc)))
    return outcomes
