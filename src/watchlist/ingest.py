"""Loading lists: fetch, read, check, store. All or nothing.

A list that cannot be read, or that looks implausible against the version already
loaded, is refused with the reason and the previous version keeps serving.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from watchlist.errors import DownloadError, ImplausibleListError, WatchlistError
from watchlist.model import ListData
from watchlist.settings import Settings
from watchlist.sources import SOURCES, gc_paused, read_list
from watchlist.sources.fetch import download, fetch_url
from watchlist.store import ListStore, VersionInfo
from watchlist.store.audit import audit_list_load

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


def check_plausible(data: ListData, previous: VersionInfo | None, min_ratio: float, where: str) -> None:
    if previous is None or min_ratio <= 0:
        return
    if len(data.entities) < previous.entities * min_ratio:
        raise ImplausibleListError(
            f"{where}: {len(data.entities)} entries against {previous.entities} in"
            f" {data.source} version {previous.version}: a drop of more than"
            f" {100 * (1 - min_ratio):.0f}% looks like a truncated or partial list."
            " Refused; the previous version keeps serving (use --force to load it anyway)."
        )


def store_list(
    store: ListStore,
    data: ListData,
    path: Path,
    origin: str,
    *,
    min_count_ratio: float,
    force: bool = False,
    started: float | None = None,
) -> LoadResult:
    previous = store.latest(data.source)
    if not force:
        check_plausible(data, previous, min_count_ratio, origin)
    with gc_paused():
        version, created = store.add_version(
            data.source,
            data.format,
            data.entities,
            data_date=data.data_date,
            origin=origin,
            files=data.files,
            files_sha256=files_digest(path, data.files),
            warnings=data.warnings,
        )
    result = LoadResult(
        data.source,
        version,
        created,
        previous,
        time.perf_counter() - (started or time.perf_counter()),
        list(data.warnings),
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
        data = read_list(path, source, fmt)
        return store_list(
            store,
            data,
            path,
            location,
            min_count_ratio=settings.min_count_ratio,
            force=force,
            started=started,
        )


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

    A source that fails to download or read is reported and keeps its previous version;
    the others go on.
    """
    outcomes = []
    for name in sources or SOURCES:
        info = SOURCES.get(name)
        if info is None:
            outcomes.append(UpdateOutcome(name, error=f"unknown source {name!r}"))
            continue
        if progress:
            progress(name)
        started = time.perf_counter()
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
                data = read_list(path, name)
                result = store_list(
                    store,
                    data,
                    path,
                    origin,
                    min_count_ratio=settings.min_count_ratio,
                    started=started,
                )
            outcomes.append(UpdateOutcome(name, result=result))
        except (DownloadError, WatchlistError) as exc:
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
    store holds the real history of each list."""
    if not settings.mirror:
        raise WatchlistError("a mirror folder is needed to load history")
    mirror = Path(settings.mirror)
    if not mirror.is_dir():
        raise WatchlistError(f"mirror {mirror} is not a folder")
    outcomes = []
    for name in sources or SOURCES:
        if name not in SOURCES:
            outcomes.append(UpdateOutcome(name, error=f"unknown source {name!r}"))
            continue
        for path in mirror_history(mirror, name):
            started = time.perf_counter()
            try:
                data = read_list(path, name)
                if data.data_date is None and _ISO_DAY.match(path.name):
                    # The file carries no date; the mirror's folder is named for it.
                    data.data_date = path.name
                    data.warnings.append(f"{path}: data date taken from the folder name")
                result = store_list(
                    store,
                    data,
                    path,
                    str(path),
                    min_count_ratio=settings.min_count_ratio,
                    started=started,
                )
                outcomes.append(UpdateOutcome(name, result=result))
            except WatchlistError as exc:
                outcomes.append(UpdateOutcome(name, error=str(exc)))
    return outcomes
