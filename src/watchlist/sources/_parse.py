"""Helpers every list format shares: text clean-up, dates, countries, files, XML, CSV.

Pure functions (except the file readers), so each format module stays a thin mapping.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from watchlist.errors import ListFormatError
from watchlist.model import PartialDate
from watchlist.names.script import detect_script

NULLS = frozenset({"", "-0-", "n/a", "na", "none", "null", "-", "unknown", "not known"})


def clean(text: Any) -> str | None:
    """Collapse white space (no-break spaces too); None for the sources' null markers."""
    if text is None:
        return None
    # str.split() splits at exactly the characters a regex \s matches (no-break spaces
    # included) and drops them at both ends: re.sub(r"\s+", " ", ...).strip() in a third
    # of the time.
    s = " ".join(str(text).split())
    if s.lower() in NULLS:
        return None
    return s


def split_values(text: str | None, seps: str = ";") -> list[str]:
    """Split a multi-value cell, dropping empties and nulls."""
    if not text:
        return []
    out = []
    for part in re.split("[" + re.escape(seps) + "]", text):
        c = clean(part)
        if c:
            out.append(c)
    return out


def dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


# ---------------------------------------------------------------- countries


_NORM_COUNTRY = re.compile(r"[^a-z0-9]+")


_PUNCT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def _ascii_latin(text: str) -> str:
    """Latin text without its accents (Côte -> Cote); other scripts unchanged."""
    if text.isascii():
        return text
    text = text.translate(_PUNCT)
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return folded if folded.isascii() else text


def _norm_country(text: str) -> str:
    return _NORM_COUNTRY.sub(" ", text.lower()).strip()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names, demonyms and codes -> ISO code, from rigour's territory table.

    rigour's own lookup transliterates all 29,000 names on first use (2-3 s per process);
    the lists write country names in ASCII, so an ASCII-only table built here takes a
    tenth of that, and rigour's full lookup stays the fallback for other scripts.
    """
    try:
        from rigour.territories.lookup import _load_territory_names
    except ImportError:  # pragma: no cover - a rigour without it: use the slow path only
        return {}
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    for terr, strongs, weaks, _places in _load_territory_names():
        code = str(terr.ftm_country or terr.code).lower()
        for n in (*strongs, terr.code, terr.alpha3 or ""):
            if n and n.isascii():
                strong.setdefault(_norm_country(n), code)
        for n in weaks:
            if n and n.isascii():
                weak.setdefault(_norm_country(n), code)
    return {**weak, **strong}


@lru_cache(maxsize=8192)
def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (lower case) for a country name, demonym or code; None if unknown.

    Uses rigour's territory table (OpenSanctions, MIT) so we keep no list of our own.
    Bilingual labels ("Syria / Syrie") and parenthesised notes are tried piecewise.
    """
    s = clean(text)
    if not s:
        return None
    candidates = [s]
    if "/" in s:
        candidates.extend(p.strip() for p in s.split("/"))
    stripped = re.sub(r"\(.*?\)", "", s).strip(" ,.")
    if stripped and stripped != s:
        candidates.append(stripped)
    table = _country_names()
    candidates = [_ascii_latin(c) for c in candidates]
    for cand in candidates:
        if cand and cand.isascii():
            code = table.get(_norm_country(cand))
            if code:
                return code
    if table and all(detect_script(c) == "Latn" for c in candidates):
        return None  # Latin text the table does not know: rigour's table would not either
    from rigour.territories import lookup_territory

    for cand in candidates:
        if not cand:
            continue
        terr = lookup_territory(cand)
        if terr is not None:
            code = terr.ftm_country or terr.code
            return str(code).lower() if code else None
    return None


def country_or_raw(text: str | None) -> str | None:
    """The ISO code where one is known, else the cleaned text (nothing is thrown away)."""
    s = clean(text)
    if not s:
        return None
    return country_code(s) or s


# ---------------------------------------------------------------- dates

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january", "janvier"),
            ("feb", "february", "fevrier", "février"),
            ("mar", "march", "mars"),
            ("apr", "april", "avril"),
            ("may", "mai"),
            ("jun", "june", "juin"),
            ("jul", "july", "juillet"),
            ("aug", "august", "aout", "août"),
            ("sep", "sept", "september", "septembre"),
            ("oct", "october", "octobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "decembre", "décembre"),
        ]
    )
    for m in names
}
_CIRCA = re.compile(r"\b(circa|ca\.?|approx(?:imately|\.)?|about|around|c\.)\s*", re.I)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_TEXTUAL = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-zéû]+)\.?,?\s+(\d{4})$")
_TEXTUAL_US = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_RANGE = re.compile(
    r"^(?:between\s+)?(\d{4})\s*(?:-|–|to|and)\s*(\d{4})$", re.I
)


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not 1800 <= year <= 2100:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    return day is None or 1 <= day <= 31


def parse_date(text: str | None, *, dayfirst: bool = True) -> PartialDate | None:
    """Parse one date as precise as written; None when it is not a date at all.

    Handles ISO (``1975-10-11``, ``1975-10``, ``1975``), numeric with zeros for unknown
    parts (``00/00/1980``, UK), textual (``11 Oct 1975``, ``Oct 1975``, ``October 11, 1975``),
    year ranges (``1955 to 1958``, ``between 1960 and 1965``) and circa markers.
    ``dayfirst`` chooses dd/mm (UK, EU) over mm/dd (US) for ambiguous numeric dates.
    """
    raw = clean(text)
    if not raw:
        return None
    s = raw
    circa = False
    if _CIRCA.search(s):
        circa = True
        s = _CIRCA.sub("", s).strip()
    s = s.strip(" .;,")
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), _int(m.group(2)), _int(m.group(3))
        if _valid(y, mo, d):
            return PartialDate(text=raw, year=y, month=mo, day=d, circa=circa)
        return None
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        d, mo = (a, b) if dayfirst else (b, a)
        if mo > 12 and d <= 12:  # unambiguous the other way round
            d, mo = mo, d
        dd, mm = (d or None), (mo or None)
        if dd and not mm:
            dd = None
        if _valid(y, mm, dd):
            return PartialDate(text=raw, year=y, month=mm, day=dd, circa=circa)
        return None
    m = _TEXTUAL.match(s)
    if m and m.group(2).lower() in _MONTHS:
        y, mo, d = int(m.group(3)), _MONTHS[m.group(2).lower()], _int(m.group(1))
        if _valid(y, mo, d):
            return PartialDate(text=raw, year=y, month=mo, day=d, circa=circa)
        return None
    m = _TEXTUAL_US.match(s)
    if m and m.group(1).lower() in _MONTHS:
        y, mo, d = int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))
        if _valid(y, mo, d):
            return PartialDate(text=raw, year=y, month=mo, day=d, circa=circa)
        return None
    m = _RANGE.match(s)
    if m:
        y1, y2 = int(m.group(1)), int(m.group(2))
        if _valid(y1, None, None) and _valid(y2, None, None) and y1 <= y2:
            return PartialDate(text=raw, year=y1, year_to=y2, circa=circa)
    return None


def parse_dates(text: str | None, *, dayfirst: bool = True) -> list[PartialDate]:
    """Several dates in one cell: ``a) 1955 b) 1958``, ``1955; 1958``, ``1955, 1958``."""
    s = clean(text)
    if not s:
        return []
    one = parse_date(s, dayfirst=dayfirst)
    if one:
        return [one]
    parts = re.split(r"\s*(?:;|\b[a-z]\)\s*|\|)\s*", s)
    if len(parts) == 1 and "," in s:
        parts = s.split(",")
    out = []
    for p in parts:
        d = parse_date(p, dayfirst=dayfirst)
        if d:
            out.append(d)
    return out


def iso_date(text: str | None, *, dayfirst: bool = True) -> str | None:
    """A full ISO date string, or None (for listing and amendment dates)."""
    d = parse_date(text, dayfirst=dayfirst)
    return d.iso() if d else None


def _int(s: str | None) -> int | None:
    return int(s) if s else None


# ---------------------------------------------------------------- files


def find_file(path: Path, *names: str) -> Path | None:
    """The first file among ``names`` (case-insensitive) in a folder, or the path itself."""
    if path.is_file():
        return path if not names or path.name.lower() in {n.lower() for n in names} else None
    if not path.is_dir():
        return None
    by_lower = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    for n in names:
        p = by_lower.get(n.lower())
        if p is not None:
            return p
    return None


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a ``.zip`` holding one file (or the first XML/CSV) is opened."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip(b"\x00\x1a \r\n\t"):
        raise ListFormatError(str(path), "file is empty")
    if data[:4] == b"PK\x03\x04" and path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
                if not members:
                    raise ListFormatError(str(path), "zip archive holds no file")
                data = zf.read(members[0])
        except zipfile.BadZipFile as exc:
            raise ListFormatError(str(path), f"not a readable zip archive ({exc})") from exc
        except (OSError, EOFError, zipfile.LargeZipFile, RuntimeError) as exc:
            raise ListFormatError(str(path), f"zip archive is damaged ({exc})") from exc
    return data


def decode(data: bytes, path: Path | str, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> str:
    """Decode with the first encoding that fits, naming the file if none does."""
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ListFormatError(str(path), f"text is in none of the encodings {', '.join(encodings)}")


def parse_xml(path: Path, data: bytes | None = None) -> etree._Element:
    """Parse an XML list, turning syntax errors into a message with the line.

    Entities are not resolved and the network is never touched (no XXE from a list file).
    """
    if data is None:
        data = read_bytes(path)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        msg = str(exc.msg) if exc.msg else str(exc)
        if "end of data" in msg.lower() or "premature end" in msg.lower() or "not closed" in msg.lower():
            msg = f"truncated or malformed XML ({msg})"
        raise ListFormatError(str(path), msg, line=line) from exc
    except ValueError as exc:  # e.g. unicode strings with encoding declarations
        raise ListFormatError(str(path), f"not XML ({exc})") from exc
    if root is None:
        raise ListFormatError(str(path), "no XML root element")
    return root


def local(tag: Any) -> str:
    """An element's tag without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child_text(el: etree._Element, name: str) -> str | None:
    """Cleaned text of the first direct child with local name ``name`` (any namespace)."""
    for c in el:
        if local(c.tag) == name:
            return clean(c.text)
    return None


def children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    for c in el:
        if local(c.tag) == name:
            yield c


def csv_rows(
    text: str, path: Path | str, *, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """Rows with their 1-based line numbers; a csv syntax error names the line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ListFormatError(str(path), f"bad CSV: {exc}", line=reader.line_num) from exc
        yield reader.line_num, row
