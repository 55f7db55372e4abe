"""Download a source's official files (or take them from a mirror folder or URL).

``http(s)://`` and ``file://`` URLs and plain paths all work, so an air-gapped site can
point every source at a local copy. Files land in a fresh folder; nothing replaces what
is loaded until the new files have been read and accepted.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from watchlist.errors import DownloadError
from watchlist.sources import SourceInfo

_USER_AGENT = "watchlist/0.1 (+sanctions screening)"


def _file_name(url: str) -> str:
    path = urllib.parse.urlparse(url).path
    name = path.rstrip("/").rsplit("/", 1)[-1] or "download"
    if name == "content":  # EU FSF serves its file under ".../content?token="
        name = "eu_fsf.xml"
    if "downloadXmlGesamtliste" in name:
        name = "seco.xml"
    return name


def fetch_url(url: str, dest: Path, *, timeout: float = 60.0) -> Path:
    """Fetch one URL (http, https) into folder ``dest``; a ``file://`` URL or local path is
    read where it is (returned as is), so error messages name the real file."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("", "file") or (len(parsed.scheme) == 1 and url[1] == ":"):
        src = Path(urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else url)
        if not src.exists():
            raise DownloadError(f"{url}: no such file or folder")
        return src
    if parsed.scheme not in ("http", "https"):
        raise DownloadError(f"{url}: unsupported URL scheme {parsed.scheme!r}")
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / _file_name(url)
    req = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, target.open("wb") as out:
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"{url}: download failed ({reason})") from exc
    return target


def mirror_location(info: SourceInfo, mirror: str) -> str:
    """Where a source lives in a mirror: a folder per source (by its name or a known
    alias); when that folder holds dated sub-folders, the newest one."""
    parsed = urllib.parse.urlparse(mirror)
    base = Path(urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else mirror)
    for name in (info.name, *info.mirror_names):
        folder = base / name
        if folder.is_dir():
            dated = sorted(p for p in folder.iterdir() if p.is_dir())
            return str(dated[-1] if dated else folder)
    raise DownloadError(f"mirror {mirror} has no folder for {info.name}")


def download(info: SourceInfo, dest: Path, *, mirror: str | None = None, timeout: float = 60.0) -> Path:
    """Fetch every file of one publication of a source into ``dest`` and return the path
    to read (the folder, or the single file)."""
    if mirror:
        if urllib.parse.urlparse(mirror).scheme in ("http", "https"):
            # A web mirror cannot be listed: fetch the official file names below it.
            base = mirror.rstrip("/") + "/" + info.name + "/"
            paths = [fetch_url(base + _file_name(u), dest, timeout=timeout) for u in info.urls]
            return paths[0] if len(paths) == 1 else dest
        return fetch_url(mirror_location(info, mirror), dest, timeout=timeout)
    paths = [fetch_url(u, dest, timeout=timeout) for u in info.urls]
    return paths[0] if len(paths) == 1 else dest
