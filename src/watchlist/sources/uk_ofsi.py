"""UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets (ConList).

Two layouts, read from CSV (``ConList.csv``) or XLSX (``ConList.xlsx``, sheet ``Data``):

* the 2020 CSV: line 1 ``Last Updated,27/04/2020``, line 2 a 29-column header (``Name 6,
  Name 1 … Name 5, Title, DOB, …, NI Number, …, Group ID``); Windows-1252, CRLF;
* the "2022 format" (CSV or XLSX): the same preface row and a 36-column header that adds
  ``Name Non-Latin Script``, ``Non-Latin Script Type/Language``, ``Passport Number``,
  ``National Identification Number/Details``, ``Alias Quality`` and ``UK Sanctions List
  Date Designated`` (``NI Number`` goes).

The layout is told by the header, not by the container; a header without the columns its
layout needs is refused, naming the missing ones. One row per name variant (and per DOB
and address variant): the rows sharing a ``Group ID`` are one designation. Three steps:

1. ``table`` reads the rows of the file (``csv_table`` / ``xlsx_table``; the XLSX sheet is
   streamed from the zip with lxml ``iterparse``, cells placed by their ``r=`` reference —
   empty cells are left out of the sheet XML — about twice as fast as openpyxl read-only);
2. ``group_records`` gathers the rows of one Group ID into one record (``group_record``:
   the fields equal on every row once, the others per row);
3. ``to_entity`` maps one such record to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id ``{source}:{Group ID}``; type from ``Group Type`` Individual / Entity / Ship.
* name = ``Name 1 … Name 5 Name 6`` (Name 6 is the surname, or the whole name of an entity
  or ship); parts given = Name 1, middle = Name 2..5, family = Name 6, title = Title.
  ``Alias Type`` Prime Alias / Primary name -> primary (a second, different primary name
  becomes a ``variation``), Primary name variation -> variation, AKA -> aka, FKA -> fka;
  ``Alias Quality`` Good/Low quality -> strong/weak. A group without a primary row takes
  its first name as primary (with a warning).
* ``Name Non-Latin Script`` -> an ``original_script`` name; its script is read from the
  characters (the list's ``Non-Latin Script Type`` is mislabelled or empty on many rows)
  and its language from ``Non-Latin Script Language`` (ISO 639-1). A "non-Latin" name
  written in Latin letters (``Baššār Ḥāfiẓ Al Asad``) is kept as an aka.
* Multi-value cells number their values ``(1) … (2) …``, ``1) … 2) …`` or ``a) … b) …``;
  they are split (``enumerated``) and numbers are paired with their details by position.
* DOB ``dd/mm/yyyy`` with ``00``/``dd``/``mm`` for unknown parts, ``mm/yyyy`` and ``yyyy``.
* Nationality / Country: ISO codes where known (``Former USSR, now Belarus`` -> by), else
  the text. Birth places: ``town, country`` paired by position.
* Documents: 2022 layout ``Passport Number`` + ``Passport Details`` and ``National
  Identification Number`` + ``Details``; 2020 layout: the number is taken from the free
  text of ``Passport Details`` / ``NI Number`` (the text kept as the note; a part with no
  number goes to ``unparsed``). The issuing country is read from the start of the note.
* ``Other Information`` is the remarks (the ``(UK Statement of Reasons)`` prose stays
  there). Its labelled parts — ``(UK Sanctions List Ref)``, ``(UN Ref)``, ``(Gender)``,
  phone, fax, email, website,
  type of entity, business registration numbers, parent company, subsidiaries, and the ship
  details (IMO number, flag, owners, type, tonnage, length, year built) — go to their
  fields; in the 2020 layout ``UN Ref …``, ``IMO …`` and ``MMSI …`` are read from the text.
* Programs: ``Regime`` (authority "UK OFSI"). Measures: asset_freeze for individuals and
  entities (the ConList is the asset-freeze list; ships only where the text says so), plus
  the "Financial sanctions imposed in addition to an asset freeze: …" it names.
* listed_on = earliest ``Listed On``; amended_on = latest ``Last Updated``; ``UK Sanctions
  List Date Designated`` -> ``attributes["uk_designated_on"]``.
"""

from __future__ import annotations

import gc
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain, compress
from pathlib import Path
from typing import IO, Any

from lxml import etree

from watchlist.errors import ListFormatError
from watchlist.model import (
    STRONG,
    WEAK,
    Address,
    Document,
    Entity,
    EntityType,
    ListData,
    Name,
    NameKind,
    PartialDate,
    Program,
)
from watchlist.names.script import detect_script
from watchlist.sources._parse import (
    NULLS,
    clean,
    country_code,
    csv_rows,
    decode,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_date,
    parse_xml,
    read_bytes,
)

FORMAT = "uk-ofsi"
AUTHORITY = "UK OFSI"
# official download names first (fetch saves the CSV as ConList.csv)
FILE_NAMES = ("ConList.csv", "ConList.xlsx")

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_LINES = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
COMMON_COLUMNS = (
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "Position",
    *ADDRESS_LINES,
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
)
LAYOUT_2020 = (*COMMON_COLUMNS, "NI Number")
LAYOUT_2022 = (
    *COMMON_COLUMNS,
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "Passport Number",
    "National Identification Number",
    "National Identification Details",
    "Alias Quality",
    "UK Sanctions List Date Designated",
)
_DATE_COLUMNS = frozenset({"DOB", "Listed On", "Last Updated", "UK Sanctions List Date Designated"})
_KNOWN = {c.casefold(): c for c in (*LAYOUT_2020, *LAYOUT_2022)}

_GROUP_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}
_ALIAS_TYPES = {
    "prime alias": NameKind.PRIMARY,
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.VARIATION,
    "aka": NameKind.AKA,
    "fka": NameKind.FKA,
    "nka": NameKind.NKA,
}
_QUALITY = {"good quality": STRONG, "good": STRONG, "low quality": WEAK, "low": WEAK}


class _RecordError(Exception):
    """A record that cannot be mapped; ``read`` names its line."""


# ================================================================ shared UK helpers
# (also used by uk_fcdo: the FCDO list writes the same values the same way)

# a value number: (1) 1) (1-3) (1) to (6) ; or a letter: a) (b)
_NUM_MARK = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[.,;]))"
    r"(?:\(\d{1,2}\)\s*to\s*\(\d{1,2}\)|\(?\d{1,2}(?:\s*-\s*\d{1,2})?\))\s*"
)
_LETTER_MARK = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[.,;]))\(?[a-z]\)\s*")
# a numbered cell may go on with letters ("(1) Germany (b) Algeria")
_ANY_MARK = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[.,;]))"
    r"(?:\(\d{1,2}\)\s*to\s*\(\d{1,2}\)|\(?\d{1,2}(?:\s*-\s*\d{1,2})?\)|\([a-z]\))\s*"
)
_NUM_START = re.compile(r"^\(?\d{1,2}(?:\s*-\s*\d{1,2})?\)")
_LETTER_START = re.compile(r"^\(?[a-z]\)")
_NO_VALUE = frozenset({"-", "–", "—", ".", "n/a", "none"})
_INITIAL_END = re.compile(r"\b\w\.$")  # a value ending in an initial ("Ali A.") keeps its dot


def tidy(text: str | None) -> str | None:
    """``clean``, without its regex for the common text that is already clean."""
    if not text:
        return None
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return None if len(text) <= 9 and text.lower() in NULLS else text
    return clean(text)


def enumerated(text: str | None) -> list[str | None]:
    """The values of a numbered cell, by position (``(2) -`` gives None at 2).

    ``(1) Russia (2) Finland``, ``1) Syrian 2) Lebanese``, ``a) General, b) Minister``;
    a cell that does not start with a number is one value.
    """
    s = tidy(text)
    if not s:
        return []
    if _NUM_START.match(s):
        pieces = _ANY_MARK.split(s)
    elif _LETTER_START.match(s):
        pieces = _LETTER_MARK.split(s)
    else:
        return [s]
    out: list[str | None] = []
    for i, piece in enumerate(pieces):
        if i == 0 and not piece.strip():
            continue  # before the first marker
        value = piece.strip().strip(",;").strip()
        if value.endswith(".") and not _INITIAL_END.search(value):
            value = value[:-1].strip()
        out.append(value if value and value.lower() not in _NO_VALUE else None)
    return out


def split_enum(text: str | None) -> list[str]:
    """The non-empty values of a numbered cell."""
    return [v for v in enumerated(text) if v]


# UK spellings the territory table reads wrongly or not at all
_COUNTRY_FIXES = {
    "congo (democratic republic)": "cd",
    "democratic republic of the congo": "cd",
    "congo (republic)": "cg",
    "occupied palestinian territories": "ps",
    "palestinian territories": "ps",
    "sudanese by birth": "sd",
    "korea (north)": "kp",
    "korea (south)": "kr",
    "dprk": "kp",
    "rdc": "cd",
    "drc": "cd",
}
# words around a country in nationality cells ("Kuwaiti citizenship", "Possibly Ethiopian")
_QUALIFIERS = re.compile(
    r"\b(?:citizenship|citizen|nationality|nationalities|national|possibly|probably|"
    r"believed|reportedly|by birth|origin)\b",
    re.I,
)
# typographic quotes and dashes as ASCII (the country table is matched in ASCII)
_PUNCT = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " "})
_NOW = re.compile(r"\b(?:now|currently)\s+(?:in\s+)?([A-Za-z][A-Za-z .'’-]+)", re.I)
_COUNTRY_SEP = re.compile(r"[.,;/]\s*")


@lru_cache(maxsize=4096)
def uk_country_code(text: str | None) -> str | None:
    """ISO code for a country as the UK lists write it (``Former USSR, now Belarus``)."""
    s = clean(text)
    if not s:
        return None
    s = s.translate(_PUNCT).strip(" .,;")
    if not s:
        return None
    if not s.isascii():
        # the UK lists name countries in English: fold accents (Türkiye), and leave text
        # in other scripts alone (it would only send the lookup down its slow path)
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
        if not s.isascii():
            return None
    fixed = _COUNTRY_FIXES.get(s.casefold())
    if fixed:
        return fixed
    m = _NOW.search(s)
    if m:  # the country it is now is the one to match on
        now = country_code(m.group(1).strip(" .,;)"))
        if now:
            return now
    code = country_code(s)
    if not code and _QUALIFIERS.search(s):
        bare = _QUALIFIERS.sub(" ", s).strip(" .,;")
        code = country_code(bare) if bare and bare != s else None
    return code if code and len(code) == 2 else None


def uk_countries(text: str | None) -> list[str]:
    """Every country in a cell: ISO codes where known, else the text as written."""
    out: list[str] = []
    for value in split_enum(text):
        code = uk_country_code(value)
        if code:
            out.append(code)
            continue
        pieces = [p for p in _COUNTRY_SEP.split(value) if p.strip()]
        codes = [uk_country_code(p) for p in pieces]
        if len(pieces) > 1 and all(codes):
            out.extend(c for c in codes if c)  # "Germany. Russia", "Estonia, Russia"
        else:
            out.append(value.strip(" .,;"))
    return dedupe(out)


_PLACEHOLDER_DATE = re.compile(r"^(dd|\d{1,2})/(mm|\d{1,2})/(\d{4})$", re.I)
_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")


def uk_date(text: str | None) -> PartialDate | None:
    """A UK date: ``dd/mm/yyyy`` with ``00``, ``dd`` or ``mm`` for what is unknown,
    ``mm/yyyy`` or a year; other spellings as ``parse_date`` reads them."""
    s = clean(text)
    if not s:
        return None
    m = _PLACEHOLDER_DATE.match(s)
    if m:
        day, month, year = m.groups()
        d = 0 if day.lower() == "dd" else int(day)
        mo = 0 if month.lower() == "mm" else int(month)
        if d > 31 or mo > 12 or not 1800 <= int(year) <= 2100:
            return None
        return PartialDate(
            text=s, year=int(year), month=mo or None, day=(d or None) if mo else None
        )
    m = _MONTH_YEAR.match(s)
    if m and 1 <= int(m.group(1)) <= 12:
        return PartialDate(text=s, year=int(m.group(2)), month=int(m.group(1)))
    return parse_date(s)


def uk_iso_date(text: str | None) -> str | None:
    """An ISO date from ``dd/mm/yyyy`` (fast path), else as ``iso_date`` reads it."""
    if not text:
        return None
    s = text.strip()
    if (
        len(s) == 10
        and s[2] == "/"
        and s[5] == "/"
        and s[:2].isdigit()
        and s[3:5].isdigit()
        and s[6:].isdigit()
        and 1 <= int(s[:2]) <= 31
        and 1 <= int(s[3:5]) <= 12
    ):
        return f"{s[6:]}-{s[3:5]}-{s[:2]}"
    return iso_date(s)


_SCRIPTS = {
    "cyrillic": "Cyrl",
    "cyrilic": "Cyrl",
    "cryillic": "Cyrl",
    "russian": "Cyrl",
    "arabic": "Arab",
    "persian": "Arab",
    "chinese": "Hani",
    "georgian": "Geor",
    "hebrew": "Hebr",
    "hangul": "Hang",
    "korean": "Hang",
    "thai": "Thai",
    "greek": "Grek",
    "burmese": "Mymr",
    "armenian": "Armn",
}
_LANG_FIXES = {"russia": "ru", "ukraine": "uk", "belarus": "be", "farsi": "fa", "korea": "ko"}
_LANG_SEP = re.compile(r"[/,;]")


def script_of(text: str, label: str | None = None) -> str | None:
    """ISO 15924 code of a name: from its letters; the label only when they say nothing."""
    s = detect_script(text)
    if s != "Latn":
        return s
    if label and not any(ch.isalpha() for ch in text):
        return _SCRIPTS.get(label.strip().casefold())
    return None


@lru_cache(maxsize=256)
def lang_code(label: str | None) -> str | None:
    """ISO 639-1 code for a language as the UK lists name it (``Persian/Farsi`` -> fa)."""
    s = clean(label)
    if not s:
        return None
    from rigour.langs import iso_639_alpha2

    for part in _LANG_SEP.split(s):
        p = part.strip().casefold()
        if not p:
            continue
        if p in _LANG_FIXES:
            return _LANG_FIXES[p]
        code = iso_639_alpha2(p)
        if code:
            return str(code)
    return None


# a document number: letters, digits and dashes holding at least three digits
_DOC_NUMBER = re.compile(r"\b(?=(?:[A-Z-]*\d){3})[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?\b")
_AFTER_NO = re.compile(
    r"\b(?:No|Number|Nr)\b\.?\s*:?\s*([A-Za-z]{0,4}[\d/-]*\d[A-Za-z0-9/-]*)", re.I
)
_LEADING_NUMBER = re.compile(r"^((?:[A-Z]{1,4}[-/]?)?\d[\d/ -]*[A-Z0-9]?)(?=\s*(?:[(.,;]|$))")
_DOC_COUNTRY_END = re.compile(
    r"\s(?:number|no\b|passport|national|diplomatic|identity|id\b|issued|ordinary|"
    r"official|service|civil|personal|tax|driving)|[,.(:;]",
    re.I,
)


_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_TAX_WORD = re.compile(r"\b(?:tin|inn)\b")
_SPACE_OR_DASH = re.compile(r"[\s-]")
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def number_in(text: str) -> str | None:
    """The document number in a free-text cell: the token after ``No``/``number``
    (``Passport No: DM000826``), else a number the cell starts with (``6487 (Egypt)``,
    ``S/26/3963. Issued …``), else the first token with five or more letters and digits
    holding three digits or more."""
    for m in _AFTER_NO.finditer(text):
        token = m.group(1).strip("-/")
        if sum(ch.isdigit() for ch in token) >= 3:
            return token
    lead = _LEADING_NUMBER.match(text)
    if lead and sum(ch.isdigit() for ch in lead.group(1)) >= 3:
        return lead.group(1).strip()
    for found in _DOC_NUMBER.finditer(text):
        token = found.group(0)
        if len(token.replace("-", "")) >= 5:
            return token
    return None


def doc_country(note: str | None) -> str | None:
    """The issuing country a note starts with (``India number, issued …``, ``Pakistani.``)."""
    if not note:
        return None
    head = _DOC_COUNTRY_END.split(note, maxsplit=1)[0]
    words = _SPACES.split(_DIGIT.split(head, maxsplit=1)[0].strip(" ()-–"))[:4]
    while words and words[0]:  # "Kazakhstan BIN - 1704…": the longest leading name
        code = uk_country_code(" ".join(words))
        if code:
            return code
        words.pop()
    return None


def doc_type(default: str, note: str | None) -> str:
    """national_id unless the note says it is a tax number."""
    if note and default == "national_id":
        low = note.casefold()
        if "tax" in low or _TAX_WORD.search(low):
            return "tax_id"
    return default


def paired_documents(
    numbers: str | None, details: str | None, dtype: str
) -> tuple[list[Document], list[str]]:
    """Documents from a numbers cell and its details cell, paired by position."""
    nums = enumerated(numbers)
    notes = enumerated(details)
    out: list[Document] = []
    unparsed: list[str] = []
    same = len(nums) == len(notes)
    for i, num in enumerate(nums):
        note = notes[i] if same else (notes[0] if len(notes) == 1 else clean(details))
        if not num:
            if note:
                unparsed.append(f"{dtype}: {note}")
            continue
        out.append(Document(doc_type(dtype, note), num, doc_country(note), note))
    if not nums:  # only the details: read numbers from their text
        return free_text_documents(details, dtype)
    return out, unparsed


def free_text_documents(text: str | None, dtype: str) -> tuple[list[Document], list[str]]:
    """Documents from a free-text cell (2020 layout): one per numbered part."""
    out: list[Document] = []
    unparsed: list[str] = []
    for part in split_enum(text):
        num = number_in(part)
        if num is None:
            unparsed.append(f"{dtype}: {part}")
            continue
        out.append(Document(doc_type(dtype, part), num, doc_country(part), part))
    return out, unparsed


def dedupe_documents(docs: Iterable[Document]) -> list[Document]:
    seen: set[tuple[str, str]] = set()
    out = []
    for d in docs:
        key = (d.type, _SPACE_OR_DASH.sub("", d.number).upper())
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def dedupe_names(names: Iterable[Name]) -> list[Name]:
    """Names without repeats; the first spelling wins (so a primary keeps its kind)."""
    seen: set[str] = set()
    out = []
    for n in names:
        key = n.full.casefold()
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def dedupe_dates(dates: Iterable[PartialDate]) -> list[PartialDate]:
    seen: set[str] = set()
    out = []
    for d in dates:
        key = d.iso() or d.text
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def dedupe_addresses(addresses: Iterable[Address]) -> list[Address]:
    seen: set[str] = set()
    out = []
    for a in addresses:
        key = a.full.casefold()
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def birth_places(towns: str | None, countries: str | None) -> list[str]:
    """``town, country`` pairs; numbered towns and countries are paired by position."""
    ts = split_enum(towns)
    cs = split_enum(countries)
    if not ts:
        return dedupe(cs)
    if len(cs) == len(ts):
        return dedupe(
            f"{t}, {c}" if c.casefold() not in t.casefold() else t
            for t, c in zip(ts, cs, strict=True)
        )
    if len(dedupe(cs)) == 1:
        c = cs[0]
        return dedupe(f"{t}, {c}" if c.casefold() not in t.casefold() else t for t in ts)
    return dedupe([*ts, *cs])


def make_address(
    lines: list[str | None], postal: str | None, country: str | None
) -> Address | None:
    """An address from UK address lines 1..6 (line 6 is the town or region before the
    country), the post code and the country; the values already ``clean``."""
    parts = [p for p in lines if p]
    zip_code = postal or None
    country_text = country or None
    full = ", ".join(
        dict.fromkeys(
            [*parts, *([zip_code] if zip_code else []), *([country_text] if country_text else [])]
        )
    )
    if not full:
        return None
    street_lines = [p for p in lines[:5] if p]
    city = (lines[5] or None) if len(lines) > 5 else None
    return Address(
        full,
        street=", ".join(street_lines) or None,
        city=city,
        postal_code=zip_code,
        country=uk_country_code(country_text) if country_text else None,
    )


def person_name(parts: list[str | None]) -> tuple[str | None, dict[str, str]]:
    """Full name and parts from Name 1..Name 6 (Name 6 the surname, written last); the
    values already ``clean``."""
    given = parts[0] if parts else None
    middle = [p for p in parts[1:5] if p]
    family = parts[5] if len(parts) > 5 else None
    # given, the middle names and family are the non-empty parts of the first six, in order
    full = " ".join([p for p in parts[:6] if p]) or None
    out: dict[str, str] = {}
    if given:
        out["given"] = given
    if middle:
        out["middle"] = " ".join(middle)
    if family:
        out["family"] = family
    return full, out


def measure_key(label: str) -> str:
    """``AssetFreeze`` / ``Asset freeze`` -> ``asset_freeze``."""
    s = _CAMEL_HUMP.sub("_", label.strip())
    return _NOT_KEY.sub("_", s.lower()).strip("_")


# ================================================================ files


def _is_zip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _looks_like_ofsi(path: Path) -> bool:
    """Cheap look at the first rows: the ConList header names ``Group ID`` and ``Name 6``."""
    try:
        if path.suffix.lower() == ".zip":
            return False
        if _is_zip(path):
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if "xl/workbook.xml" not in names:
                    return False
                for member in (
                    "xl/sharedStrings.xml",
                    *sorted(n for n in names if n.startswith("xl/worksheets/")),
                ):
                    if member in names:
                        with zf.open(member) as f:
                            head = f.read(65536)
                        if b"Group ID" in head and b"Name 6" in head:
                            return True
                return False
        with path.open("rb") as f:
            head = f.read(8192)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError):
        return False
    for line in head.splitlines()[:4]:
        cells = [c.strip(b' "') for c in line.split(b",")]
        if b"Group ID" in cells and b"Name 6" in cells:
            return True
    return False


def _candidates(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    official = find_file(path, *FILE_NAMES)
    if official is not None:
        return [official]
    files = sorted(p for p in path.iterdir() if p.is_file())
    return [p for p in files if p.suffix.lower() in (".csv", ".xlsx") and _looks_like_ofsi(p)]


def sniff(path: Path) -> bool:
    """True for an OFSI ConList CSV/XLSX (or a folder holding one). Never raises."""
    try:
        found = _candidates(path)
        return len(found) == 1 and _looks_like_ofsi(found[0])
    except OSError:
        return False


def _locate(path: Path) -> Path:
    found = _candidates(path)
    if not found:
        raise ListFormatError(str(path), "no OFSI Consolidated List file (ConList.csv/.xlsx) found")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ListFormatError(str(path), f"several OFSI list files ({names}); name one of them")
    return found[0]


# ================================================================ reading


@dataclass
class Table:
    """The rows of one ConList file, keyed by the canonical column names."""

    file: Path
    layout: str  # "2020" or "2022"
    data_date: str | None
    rows: Iterator[tuple[int, dict[str, str]]]  # (line or sheet row, non-empty cells)
    warnings: list[str] = field(default_factory=list)


def read(path: Path, source: str) -> ListData:
    # Building many small objects triggers the cyclic GC over and over; none of them form
    # cycles, so pausing it while reading saves a good part of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(path, source)
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, source: str) -> ListData:
    file = _locate(path)
    tab = table(file)
    groups = group_records(tab)
    entities: list[Entity] = []
    warnings = tab.warnings
    name = file.name
    for gid, (lines, record) in groups.items():
        where = f"{name} line {lines[0]}"
        try:
            entity = to_entity(record, source, warnings=warnings, where=where)
        except _RecordError as exc:
            raise ListFormatError(
                str(file), str(exc), line=lines[0], element=f"Group ID {gid}"
            ) from exc
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file), f"cannot map record ({exc!r})", line=lines[0], element=f"Group ID {gid}"
            ) from exc
        entities.append(entity)
    if not entities:
        raise ListFormatError(str(file), "the list holds no rows")
    return ListData(
        source=source,
        format=FORMAT,
        entities=entities,
        data_date=tab.data_date,
        files=[file.name],
        warnings=warnings,
    )


def table(file: Path) -> Table:
    """The file's rows: XLSX by its zip signature, CSV otherwise."""
    try:
        is_zip = _is_zip(file)
    except OSError as exc:
        raise ListFormatError(str(file), f"cannot read file: {exc.strerror or exc}") from exc
    if is_zip and file.suffix.lower() != ".zip":
        return _table(file, xlsx_rows(file), sheet=True)
    data = read_bytes(file)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ListFormatError(str(file), "a legacy Excel .xls file; save it as .xlsx or .csv")
    text = decode(data, file, ("utf-8-sig", "cp1252"))
    if "\x00" in text:
        raise ListFormatError(str(file), "not a text CSV file (it holds NUL bytes)")
    return _table(file, csv_rows(text, file), sheet=False, ends_cleanly=text.endswith(("\n", "\r")))


def _table(
    file: Path,
    rows: Iterator[tuple[int, list[str]]] | Iterator[tuple[int, list[str | None]]],
    *,
    sheet: bool,
    ends_cleanly: bool = True,
) -> Table:
    """Find the preface and header in the first rows, check the columns, and map the
    data rows to dicts of their non-empty cells."""
    data_date: str | None = None
    header: list[str | None] | None = None
    header_line = 0
    for line, row in rows:
        cells = [clean(c) for c in row]
        first = (cells[0] or "").casefold() if cells else ""
        if first == "last updated" and len(cells) > 1:
            stamp = cells[1]
            if sheet and stamp and stamp.isdigit():
                stamp = _excel_date(stamp)
            data_date = uk_iso_date(stamp)
        elif any(c and c.casefold() == "group id" for c in cells):
            header, header_line = cells, line
            break
        if line >= 5:
            break
    if header is None:
        raise ListFormatError(
            str(file),
            "no ConList header row (Name 6 … Group ID) in the first rows; "
            "not an OFSI Consolidated List",
            line=1,
        )
    columns: list[str | None] = []
    warnings: list[str] = []
    for h in header:
        name = _KNOWN.get(h.casefold()) if h else None
        if h and name is None:
            warnings.append(f"{file.name} line {header_line}: unknown column {h!r} ignored")
        columns.append(name)
    present = {c for c in columns if c}
    layout = "2022" if "Name Non-Latin Script" in present else "2020"
    missing = [c for c in (LAYOUT_2022 if layout == "2022" else LAYOUT_2020) if c not in present]
    if missing:
        raise ListFormatError(
            str(file),
            f"header lacks the column(s) {', '.join(missing)} of the {layout} ConList layout",
            line=header_line,
        )
    body = _data_rows(file, rows, columns, warnings, sheet=sheet, ends_cleanly=ends_cleanly)
    return Table(file, layout, data_date, body, warnings)


def _data_rows(
    file: Path,
    rows: Iterator[tuple[int, list[str]]] | Iterator[tuple[int, list[str | None]]],
    columns: list[str | None],
    warnings: list[str],
    *,
    sheet: bool,
    ends_cleanly: bool,
) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(columns)
    where = "row" if sheet else "line"
    last_line = 0
    # The rows of a designation repeat most of their cells, and a column repeats its few
    # values (types, regimes, dates) down the list: each distinct value is tidied once.
    # A sheet's date columns read a number as a date, so they keep their own table.
    plain: dict[str, str] = {}
    dates: dict[str, str] = {}
    caches = [dates if sheet and col in _DATE_COLUMNS else plain for col in columns]
    for line, row in rows:
        if not any(c and not c.isspace() for c in row):
            continue  # blank line / row
        last_line = line
        if len(row) != width:
            extra = len(row) > width and any(c and not c.isspace() for c in row[width:])
            if extra and sheet:
                warnings.append(f"{file.name} {where} {line}: cells beyond the header ignored")
            elif extra or (len(row) < width and not sheet):
                # a sheet leaves out trailing empty cells; a CSV row has every field
                raise ListFormatError(
                    str(file),
                    f"row has {len(row)} fields, the header {width} (truncated or malformed)",
                    line=line,
                )
        out: dict[str, str] = {}
        # compress passes on the filled cells only (most of a row is empty)
        for col, seen, value in compress(zip(columns, caches, row, strict=False), row):
            if col and value:
                v = seen.get(value)
                if v is None:
                    v = seen[value] = _cell_value(value, sheet and col in _DATE_COLUMNS)
                if v:
                    out[col] = v
        yield line, out
    if last_line and not ends_cleanly:
        # the official file ends with a line break: a last row without one may be cut
        warnings.append(
            f"{file.name} line {last_line}: the file does not end with a line break; "
            "this last row may be cut short"
        )


def _cell_value(value: str, date_cell: bool) -> str:
    """A cell as the record keeps it; "" for one that is left out (empty, a null marker
    or a lone dash)."""
    v = tidy(value)
    if not v or v == "-":
        return ""
    if date_cell and v.isdigit() and len(v) == 5:
        return _excel_date(v)  # a date typed as a date in the sheet
    return v


def _excel_date(serial: str) -> str:
    """``dd/mm/yyyy`` for an Excel date serial number (1900 date system)."""
    return (date(1899, 12, 30) + timedelta(days=int(serial))).strftime("%d/%m/%Y")


def group_records(tab: Table) -> dict[str, tuple[list[int], dict[str, Any]]]:
    """Group ID -> (lines, record): the rows of one designation gathered into one record."""
    rows_by_id: dict[str, tuple[list[int], list[dict[str, str]]]] = {}
    for line, row in tab.rows:
        gid = row.get("Group ID")
        if not gid:
            raise ListFormatError(str(tab.file), "row has no Group ID", line=line)
        if gid.endswith(".0") and gid[:-2].isdigit():  # a number cell in a spreadsheet
            gid = gid[:-2]
            row["Group ID"] = gid
        if not any(map(row.get, NAME_COLUMNS)) and not row.get("Name Non-Latin Script"):
            raise ListFormatError(
                str(tab.file),
                f"row of Group ID {gid} has no name (Name 1 … Name 6 empty)",
                line=line,
            )
        entry = rows_by_id.get(gid)
        if entry is None:
            rows_by_id[gid] = ([line], [row])
        else:
            entry[0].append(line)
            entry[1].append(row)
    return {gid: (lines, group_record(rows)) for gid, (lines, rows) in rows_by_id.items()}


def group_record(rows: list[dict[str, str]]) -> dict[str, Any]:
    """One record for a designation's rows: the cells equal on every row once, then under
    ``rows`` what differs from row to row (each distinct combination once)."""
    first = rows[0]
    if len(rows) == 1:
        return dict(first)
    others = rows[1:]
    common: dict[str, str] = {}
    for k, v in first.items():
        for r in others:
            if r.get(k) != v:
                break
        else:
            common[k] = v
    record: dict[str, Any] = dict(common)
    varying = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    for r in rows:
        rest = tuple([(k, v) for k, v in r.items() if k not in common])
        if rest and rest not in seen:
            seen.add(rest)
            varying.append(dict(rest))
    if varying:
        record["rows"] = varying
    return record


# ---------------------------------------------------------------- CSV and XLSX rows


def xlsx_rows(file: Path) -> Iterator[tuple[int, list[str | None]]]:
    """(sheet row number, cell values) of the ``Data`` sheet (or the first): a plain sheet
    read at once with patterns, any other streamed through lxml."""
    try:
        zf = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ListFormatError(str(file), f"not a readable XLSX (zip) file ({exc})") from exc
    with zf:
        sheet, member = _sheet_member(zf, file)
        strings = _shared_strings(zf, file)
        plain = _plain_sheet_rows(zf, member, strings)
        if plain is not None:
            yield from plain
            return
        try:
            f = zf.open(member)
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise ListFormatError(str(file), f"cannot open sheet {sheet!r} ({exc})") from exc
        with f:
            yield from _sheet_rows(f, strings, file, sheet)


# A sheet as spreadsheet writers produce it: rows of cells, each with at most a value, and
# nothing else (no formula, inline string, entity, prefix or odd character). Read with these
# patterns it costs a tenth of walking lxml elements; anything else, damaged or unusual,
# goes through lxml as before.
_SHEET_DATA = re.compile(rb"<sheetData\s*>")
_ATTRS = rb'(?:\s+[A-Za-z_:][\w:.-]*="[^"<&\t\n\r]*")*\s*'
# One pass over the rows yields each token of the sheet in turn: a cell (its column letters,
# type and "<v>value</v>"; written r=, s=, t= in that order), a row's start or end tag, or
# anything else (last group), which in a plain sheet is only white space at the end; the
# reader checks that cells stand in rows and rows do not nest. A findall over tokens is a
# third of the time of matching each row whole and then its cells again. The possessive
# forms (*+ ++ ?+) never give back what they took, and here giving it back could never let
# the rest match (what follows each cannot start with what it took): they match just what
# the plain forms would, without keeping the places to backtrack to.
_PLAIN_TOKEN = re.compile(
    rb"\s*+(?:"
    rb'<c r="([A-Z]{1,3})[0-9]++"(?: s="[0-9]++")?+(?: t="([A-Za-z]++)")?+\s*+'
    rb"(?:/>|>(<v>[^<&>\r\x00-\x08\x0b\x0c\x0e-\x1f]*+</v>)?+</c>)"
    rb"|(</row>|<row" + _ATTRS + rb"/?>)"
    rb")"
    rb"|([^<]+|<)"
)
_ATTR = re.compile(rb'([A-Za-z_:][\w:.-]*)="([^"]*)"')
_ROW_ROOM = 48  # cells a sheet row is made with (the ConList has 36 columns)
_PIECE = 1 << 20  # bytes of the sheet tokenised at a time
_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding=["']([^"']+)["']""")


def _plain_sheet_rows(
    zf: zipfile.ZipFile, member: str, strings: list[str]
) -> list[tuple[int, list[str | None]]] | None:
    """``_sheet_rows`` of a plain sheet, read with patterns; None for any other sheet (and
    for any fault: lxml then reads it, and reports what is wrong, as it always did)."""
    try:
        data = zf.read(member)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        declared = _DECLARED.match(data)
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
        start = _SHEET_DATA.search(data)
        end = data.rfind(b"</sheetData>")
        if start is None or end < start.end():
            return None
        head, tail = data[: start.end()], data[end:]
        if b"<row" in head or b"<row" in tail:
            return None
        if data.find(b"xmlns", start.end(), end) >= 0:
            return None  # a namespace declared on a row or cell: lxml resolves it
        # everything outside the rows must be well-formed XML too
        etree.fromstring(head + tail, etree.XMLParser(resolve_entities=False, no_network=True))
        out: list[tuple[int, list[str | None]]] = []
        columns: dict[bytes, int] = {}
        # the same shared string stands in many cells: look each "<v>n</v>" up once
        shared: dict[bytes, str] = {}
        # The open row's cells: a list made once with room for a ConList row and cut back
        # after its last value (``top``) at the row's end, rather than grown cell by cell.
        values: list[str | None] | None = None
        top = -1
        rownum = last_row = 0
        tokens = chain.from_iterable(
            _PLAIN_TOKEN.findall(data, a, b) for a, b in _row_spans(data, start.end(), end)
        )
        for letters, kind, v, tag, other in tokens:
            if letters:
                if values is None:
                    return None  # a cell outside a row
                col = columns.get(letters, -1)
                if col < 0:
                    col = columns[letters] = _col_index(letters.decode("ascii"))
                if kind == b"s":  # a shared string, nine cells in ten
                    if not v:
                        continue
                    text: str | None = shared.get(v)
                    if text is None:
                        text = shared[v] = strings[int(v[3:-4])]
                elif kind == b"inlineStr":
                    return None  # its text is in <is>, which lxml reads
                else:
                    text = _value_text(
                        kind.decode("ascii") or None,
                        v[3:-4].decode("utf-8") if v else None,
                        strings,
                    )
                    if text is None:
                        continue
                if col > top:
                    top = col
                    if col >= len(values):
                        values.extend([None] * (col + 1 - len(values)))
                values[col] = text
            elif tag == b"</row>":
                if values is None:
                    return None
                del values[top + 1 :]
                out.append((rownum, values))
                last_row = rownum
                values = None
            elif tag:  # <row ...> or <row .../>
                if values is not None:
                    return None  # a row inside a row
                if tag.startswith(b'<row r="') and tag.endswith(b'">') and tag[8:-2].isdigit():
                    rownum = int(tag[8:-2])  # the usual <row r="12">
                else:
                    pairs = _ATTR.findall(tag)
                    row_attrs = dict(pairs)
                    if len(row_attrs) != len(pairs):
                        return None  # a repeated attribute: not well-formed
                    r = row_attrs.get(b"r")
                    rownum = int(r) if r and r.isdigit() else last_row + 1
                if tag.endswith(b"/>"):
                    out.append((rownum, []))
                    last_row = rownum
                else:
                    values = [None] * _ROW_ROOM
                    top = -1
            elif other.strip() or values is not None:
                return None  # something the patterns do not read: lxml reads the sheet
        if values is not None:
            return None  # a row left open
        return out
    except Exception:  # any fault: the lxml path reads the sheet and says what it is
        return None


def _row_spans(data: bytes, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """``data[pos:end]`` in pieces of about a megabyte, each cut just after a ``</row>``, so
    that the tokens of a whole sheet are never held at once. No token but a row's end tag
    holds ``</row>`` (and that tag is always read as one there), and a token is read the same
    without what comes before or after it: the tokens of the pieces are those of the whole."""
    while pos < end:
        cut = data.find(b"</row>", pos + _PIECE, end)
        cut = end if cut < 0 else cut + len(b"</row>")
        yield pos, cut
        pos = cut


def _zip_xml(zf: zipfile.ZipFile, member: str, file: Path) -> etree._Element:
    try:
        data = zf.read(member)
    except KeyError as exc:
        raise ListFormatError(str(file), f"XLSX part {member} is missing") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ListFormatError(str(file), f"XLSX part {member} is damaged ({exc})") from exc
    return parse_xml(Path(f"{file}!{member}"), data)


def _sheet_member(zf: zipfile.ZipFile, file: Path) -> tuple[str, str]:
    """The sheet named ``Data`` (else the first sheet) and its part name in the zip."""
    book = _zip_xml(zf, "xl/workbook.xml", file)
    sheets = [s for s in book.iter() if local(s.tag) == "sheet"]
    if not sheets:
        raise ListFormatError(str(file), "the workbook has no sheet")
    chosen = next(
        (s for s in sheets if (s.get("name") or "").strip().casefold() == "data"), sheets[0]
    )
    name = chosen.get("name") or "?"
    rid = next((v for k, v in chosen.attrib.items() if local(k) == "id"), None)
    target = None
    if rid and "xl/_rels/workbook.xml.rels" in zf.namelist():
        rels = _zip_xml(zf, "xl/_rels/workbook.xml.rels", file)
        for rel in rels:
            if rel.get("Id") == rid:
                target = rel.get("Target")
    if not target:
        target = f"worksheets/sheet{sheets.index(chosen) + 1}.xml"
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return name, member


def _shared_strings(zf: zipfile.ZipFile, file: Path) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    root = _zip_xml(zf, "xl/sharedStrings.xml", file)
    out = []
    for si in root:
        if len(si) == 1 and local(si[0].tag) == "t":
            out.append(si[0].text or "")
        else:
            out.append(_run_text(si))
    return out


def _run_text(el: etree._Element) -> str:
    """The text of a string item: its ``t``, or the ``t`` of each rich-text run ``r``
    (phonetic guides, ``rPh``, are not part of the value)."""
    out = []
    for child in el:
        tag = local(child.tag)
        if tag == "t":
            out.append(child.text or "")
        elif tag == "r":
            out.extend(t.text or "" for t in child if local(t.tag) == "t")
    return "".join(out)


_COL_CACHE: dict[str, int] = {}


def _col_index(ref: str) -> int:
    """0-based column of a cell reference (``AB12`` -> 27); -1 if it has no letters."""
    letters = ref.rstrip("0123456789")
    idx = _COL_CACHE.get(letters)
    if idx is None:
        idx = 0
        for ch in letters.upper():
            if not "A" <= ch <= "Z":
                return -1
            idx = idx * 26 + ord(ch) - 64
        idx -= 1
        if len(_COL_CACHE) < 4096:
            _COL_CACHE[letters] = idx
    return idx


def _cell_text(c: etree._Element, kind: str | None, strings: list[str]) -> str | None:
    """The value of a cell that is not a plain shared string (those take a fast path)."""
    if kind == "inlineStr":
        return "".join(_run_text(x) for x in c if local(x.tag) == "is")
    v = None
    for child in c:
        if local(child.tag) == "v":
            v = child.text
            break
    return _value_text(kind, v, strings)


def _value_text(kind: str | None, v: str | None, strings: list[str]) -> str | None:
    """A cell's value from its type and the text of its ``v`` (not inline strings)."""
    if v is None:
        return None
    if kind == "s":
        return strings[int(v)]
    if kind in ("str", "e"):
        return v if kind == "str" else None
    if kind == "b":
        return "TRUE" if v.strip() == "1" else "FALSE"
    # a number: integral values without ".0"
    try:
        num = float(v)
    except ValueError:
        return v
    return str(int(num)) if num.is_integer() and abs(num) < 1e15 else v


def _sheet_rows(
    f: IO[bytes], strings: list[str], file: Path, sheet: str
) -> Iterator[tuple[int, list[str | None]]]:
    last_row = 0
    it = etree.iterparse(
        f, events=("end",), tag="{*}row", huge_tree=True, resolve_entities=False, no_network=True
    )
    c_tag = v_tag = ""
    try:
        for _event, row in it:
            if not c_tag:  # the sheet's namespace, so cells are matched without local()
                ns = row.tag[: row.tag.index("}") + 1] if row.tag.startswith("{") else ""
                c_tag, v_tag = ns + "c", ns + "v"
            r = row.get("r")
            rownum = int(r) if r and r.isdigit() else last_row + 1
            values: list[str | None] = []
            col = -1
            for c in row:
                if c.tag != c_tag:
                    continue
                ref = c.get("r")
                col = _col_index(ref) if ref else col + 1
                if col < 0:
                    raise ListFormatError(
                        str(file),
                        f"bad cell reference {ref!r}",
                        line=rownum,
                        element=f"sheet {sheet!r}",
                    )
                kind = c.get("t")
                if kind == "s" and len(c) == 1 and c[0].tag == v_tag:
                    text: str | None = strings[int(c[0].text or "")]
                else:
                    text = _cell_text(c, kind, strings)
                if text is None:
                    continue
                if len(values) <= col:
                    values.extend([None] * (col + 1 - len(values)))
                values[col] = text
            last_row = rownum
            row.clear()
            parent = row.getparent()
            if parent is not None:
                while row.getprevious() is not None:
                    del parent[0]
            yield rownum, values
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(
            str(file),
            f"damaged sheet XML after row {last_row} ({exc.msg or exc})",
            element=f"sheet {sheet!r}",
        ) from exc
    except IndexError as exc:  # a shared-string index past the table
        raise ListFormatError(
            str(file), "cell refers to a missing shared string", line=last_row + 1
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise ListFormatError(
            str(file), f"sheet {sheet!r} is damaged after row {last_row} ({exc})"
        ) from exc


# ---------------------------------------------------------------- mapping


class _Rows:
    """A record's rows again: the cells common to all rows and each row's own."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.base = {k: v for k, v in record.items() if k != "rows" and isinstance(v, str)}
        varying = record.get("rows")
        self.varying = (
            [r for r in varying if isinstance(r, dict)] if isinstance(varying, list) else []
        )
        self.varied = {k for r in self.varying for k in r}
        self._full: list[dict[str, Any]] | None = None

    def values(self, col: str) -> list[str]:
        """The distinct non-empty values of a column, in row order."""
        if col not in self.varied:
            v = self.base.get(col)
            return [v] if v else []
        return _unique([v for r in self.varying if (v := r.get(col))])

    def distinct(self, cols: tuple[str, ...]) -> list[tuple[str | None, ...]]:
        """The distinct combinations of some columns, in row order (rows repeat a name
        once per birth date and address variant, so this is much shorter than the rows)."""
        base = self.base
        if self.varied.isdisjoint(cols) or not self.varying:
            return [tuple(map(base.get, cols))]
        full = self._full
        if full is None:  # each row whole (its own cells over the common ones), made once
            full = self._full = [{**base, **r} for r in self.varying]
        return list(dict.fromkeys([tuple(map(r.get, cols)) for r in full]))


def _unique(values: Iterable[str]) -> list[str]:
    """``dedupe`` (the first of equal values, in order), in C."""
    return list(dict.fromkeys(values))


# The same cell values come back entity after entity (countries, dates, places): the pure
# readings of a value are kept, as tuples so that no caller can change what another gets.


@lru_cache(maxsize=8192)
def _enum(text: str | None) -> tuple[str, ...]:
    return tuple(split_enum(text))


@lru_cache(maxsize=4096)
def _countries(text: str | None) -> tuple[str, ...]:
    return tuple(uk_countries(text))


@lru_cache(maxsize=4096)
def _birth_places(towns: str | None, countries: str | None) -> tuple[str, ...]:
    return tuple(birth_places(towns, countries))


_iso_date = lru_cache(maxsize=4096)(uk_iso_date)


_NAME_ROW = (
    *NAME_COLUMNS,
    "Title",
    "Alias Type",
    "Alias Quality",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
)
_SLASH = re.compile(r"\s*/\s*")
_BIRTH_COLUMNS = ("Town of Birth", "Country of Birth")
_ADDRESS_COLUMNS = (*ADDRESS_LINES, "Post/Zip Code", "Country")
_DOCUMENT_COLUMNS = (
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "NI Number",
)


def to_entity(
    record: dict[str, Any],
    source: str,
    *,
    warnings: list[str] | None = None,
    where: str = "",
) -> Entity:
    """Map one designation (``group_record`` of its rows) to an Entity."""
    gid = record.get("Group ID")
    native = tidy(gid) if isinstance(gid, str) else None
    if not native:
        raise _RecordError("record has no Group ID")
    rows = _Rows(record)
    note: Callable[[str], None] = warnings.append if warnings is not None else _ignore
    place = f"{where} (Group ID {native})" if where else f"Group ID {native}"

    kinds = rows.values("Group Type")
    etype = (
        _GROUP_TYPES.get(kinds[0].casefold(), EntityType.UNKNOWN) if kinds else EntityType.UNKNOWN
    )
    unparsed: list[str] = []
    if kinds and etype is EntityType.UNKNOWN:
        unparsed.append(f"group type {kinds[0]}")
    if len(kinds) > 1:
        note(f"{place}: rows disagree on Group Type ({', '.join(kinds)}); used {kinds[0]}")

    names, titles = _names(rows, place, note, unparsed, person=etype is EntityType.PERSON)
    if not names:
        raise _RecordError(f"Group ID {native} has no name")
    titles.extend(t for v in rows.values("Position") for t in _enum(v))

    birth_dates: list[PartialDate] = []
    for value in rows.values("DOB"):
        for part in _enum(value):
            d = uk_date(part)
            if d is None:
                unparsed.append(f"date of birth {part}")
            else:
                birth_dates.append(d)
    places: list[str] = []
    for town, country in rows.distinct(_BIRTH_COLUMNS):
        places.extend(_birth_places(town, country))
    nationalities = _unique([c for v in rows.values("Nationality") for c in _countries(v)])

    documents: list[Document] = []
    for values in rows.distinct(_DOCUMENT_COLUMNS):
        if not any(values):
            continue  # no document cells (most records): nothing to read
        num, details, id_num, id_details, ni = values
        found = [
            paired_documents(num, details, "passport")
            if num
            else free_text_documents(details, "passport"),
            paired_documents(id_num, id_details, "national_id")
            if id_num or id_details
            else free_text_documents(ni, "national_id"),
        ]
        for docs, left in found:
            documents.extend(docs)
            unparsed.extend(left)

    addresses: list[Address] = []
    for values in rows.distinct(_ADDRESS_COLUMNS):
        if not any(values):
            continue  # no address cells: make_address would give None
        a = make_address(list(values[:6]), values[6], values[7])
        if a is not None:
            addresses.append(a)
    addresses = dedupe_addresses(addresses)

    programs = [Program(code, AUTHORITY) for code in rows.values("Regime")]
    listed = [iso for v in rows.values("Listed On") if (iso := _iso_date(v))]
    updated = [iso for v in rows.values("Last Updated") if (iso := _iso_date(v))]
    attributes: dict[str, list[str]] = {}
    designated = [
        iso for v in rows.values("UK Sanctions List Date Designated") if (iso := _iso_date(v))
    ]
    if designated:
        attributes["uk_designated_on"] = sorted(designated)

    remarks_list = rows.values("Other Information")
    info = other_information(remarks_list)
    for key, texts in info.attributes.items():
        attributes.setdefault(key, []).extend(texts)
    documents.extend(info.documents)
    measures = [] if etype is EntityType.VESSEL else ["asset_freeze"]
    if info.measures:
        measures = _unique(["asset_freeze", *info.measures])

    for key in list(attributes):
        attributes[key] = _unique(attributes[key])
    return Entity(
        id=f"{source}:{native}",
        source=source,
        native_id=native,
        type=etype,
        name=names[0].full,
        names=names,
        birth_dates=dedupe_dates(birth_dates),
        birth_places=_unique(places),
        nationalities=nationalities,
        countries=_unique([a.country for a in addresses if a.country]),
        gender=info.gender,
        documents=dedupe_documents(documents),
        addresses=addresses,
        programs=programs,
        measures=measures,
        titles=_unique(titles),
        listed_on=min(listed) if listed else None,
        amended_on=max(updated) if updated else None,
        links=_unique(info.links),
        attributes=attributes,
        remarks="\n".join(remarks_list) or None,
        unparsed=_unique(unparsed),
        raw=record,
    )


def _ignore(_message: str) -> None:
    return None


def _names(
    rows: _Rows,
    place: str,
    note: Callable[[str], None],
    unparsed: list[str],
    *,
    person: bool,
) -> tuple[list[Name], list[str]]:
    """All names (the primary first) and the titles written beside them. Name parts are
    kept for individuals only (an entity's name is all in Name 6)."""
    primary: Name | None = None
    others: list[Name] = []
    titles: list[str] = []
    for values in rows.distinct(_NAME_ROW):
        title, alias_type, quality, original, script_type, language = values[6:]
        full, parts = person_name(list(values[:6]))
        if title:
            titles.extend(t for v in _enum(title) for t in _SLASH.split(v) if t)
        if full:
            if not person:
                parts = {}
            elif title:
                parts["title"] = title
            alias = (alias_type or "").casefold()
            kind = _ALIAS_TYPES.get(alias)
            if kind is None:
                kind = NameKind.AKA
                if alias:
                    unparsed.append(f"alias type {alias_type}")
            strength = _QUALITY.get((quality or "").casefold())
            name = Name(full, kind, strength, script_of(full), parts=parts)
            if kind is NameKind.PRIMARY:
                if primary is None:
                    primary = name
                elif full.casefold() != primary.full.casefold():
                    name.kind = NameKind.VARIATION
                    others.append(name)
            else:
                others.append(name)
        if original:
            script = script_of(original, script_type)
            lang = lang_code(language)
            kind = NameKind.ORIGINAL_SCRIPT if script else NameKind.AKA
            others.append(Name(original, kind, script=script, lang=lang))
    if primary is None:
        latin = [n for n in others if n.kind is not NameKind.ORIGINAL_SCRIPT] or others
        if not latin:
            return [], titles
        primary = latin[0]
        others.remove(primary)
        note(f"{place}: no primary name row; {primary.full!r} taken as the primary name")
        primary = Name(
            primary.full,
            NameKind.PRIMARY,
            primary.strength,
            primary.script,
            primary.lang,
            primary.parts,
        )
    return dedupe_names([primary, *others]), titles


# ---------------------------------------------------------------- Other Information

_LABELS = {
    "uk sanctions list ref": "uk_sanctions_list_ref",
    "uk statement of reasons": "statement_of_reasons",
    "un ref": "un_reference_number",
    "gender": "gender",
    "phone number": "phone",
    "tel": "phone",
    "fax": "fax",
    "email address": "email",
    "website": "website",
    "type of entity": "entity_type",
    "parent company": "parent_company",
    "subsidiaries": "subsidiary",
    "business reg no": "registration",
    "imo number": "imo",
    "flag of ship": "flag",
    "previous flags": "previous_flag",
    "type of ship": "vessel_type",
    "tonnage of ship": "tonnage",
    "length of ship": "length",
    "year built": "year_built",
    "current owners": "owner",
}
_LABEL = re.compile(
    r"\((" + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True)) + r")\)\s*:",
    re.I,
)
_UK_REF = r"[A-Z]{2,4}\d{3,5}"
_UK_REF_RUN = re.compile(rf"^\s*({_UK_REF}(?:\s*(?:,|&|/|\band\b)\s*{_UK_REF})*)\.?(?:\s|$)")
_UN_REF = r"[A-Z]{1,3}[a-z]?\.\s?(?:[A-Z]\.)?\d{2,3}(?:\.\d{2})?"
_UN_REF_RUN = re.compile(rf"^\s*({_UN_REF}(?:\s*(?:,|&|/|\band\b)\s*{_UN_REF})*)\.?(?:\s|$)")
_FIRST_TOKEN = re.compile(r"^\s*([^\s]+?)[.,;]?(?:\s|$)")
_EXTRA_MEASURES = re.compile(
    r"Financial sanctions imposed in addition to an asset freeze:\s*([^.]+)", re.I
)
_UN_REF_TEXT = re.compile(
    r"\bUN\s*Ref(?:erence)?(?:\s*(?:No|Number)\.?)?\s*[.:]?\s*([A-Z]{1,4}[a-z]?\.(?:[A-Z]\.)?\d{2,3}(?:\.\d{2})?)",
)
_IMO_TEXT = re.compile(r"\bIMO(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{7})\b", re.I)
_MMSI_TEXT = re.compile(r"\bMMSI(?:\s*(?:number|no\.?))?\s*[:.]?\s*(\d{9})\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A pattern that ignores case (or starts with \b) gives re no first letters to skip ahead
# by: it is tried at every position of the text. Most texts are passed over on a substring
# that the lower-cased text must hold for the pattern to match: under re.I "i" also matches
# "İ" and "ı", and "s" also "ſ" ("İ" lower-cases to "i" and a combining dot); the other
# letters here match only themselves in either case.
_MEASURES_HINT = "freeze:"
_IMO_HINTS = ("imo", "i\u0307mo", "\u0131mo")
_MMSI_HINTS = ("mms", "mm\u017f")
_REF_SEP = re.compile(r"\s*(?:,|&|/|\band\b)\s*")
_IMO_PREFIX = re.compile(r"^IMO\s*", re.I)
_MEASURE_SEP = re.compile(r",|;|\band\b")
_ETC = re.compile(r"\betc\b\.?")


# a handful of measures, named again and again
_measure_key = lru_cache(maxsize=256)(measure_key)


def _matches_from(pattern: re.Pattern[str], lead: str, text: str) -> Iterator[re.Match[str]]:
    r"""``pattern.finditer(text)`` for a pattern each match of which starts with ``lead``:
    it is tried only where ``str.find`` finds ``lead``, not at every position as ``finditer``
    tries a pattern that starts with ``\b``. ``match`` at a position still sees the text
    before it, as ``\b`` needs."""
    pos = text.find(lead)
    while pos >= 0:
        m = pattern.match(text, pos)
        if m:
            yield m
            pos = text.find(lead, m.end())
        else:
            pos = text.find(lead, pos + 1)


@dataclass
class OtherInfo:
    attributes: dict[str, list[str]] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    gender: str | None = None


def other_information(texts: list[str]) -> OtherInfo:
    """The labelled parts of ``Other Information`` and the identifiers in its free text."""
    out = OtherInfo()
    attrs = out.attributes
    for text in texts:
        pieces = _LABEL.split(text)
        free = [pieces[0]]
        for i in range(1, len(pieces) - 1, 2):
            key = _LABELS[pieces[i].casefold()]
            value = pieces[i + 1].strip()
            if key in ("uk_sanctions_list_ref", "un_reference_number"):
                pattern = _UK_REF_RUN if key == "uk_sanctions_list_ref" else _UN_REF_RUN
                m = pattern.match(value) or _FIRST_TOKEN.match(value)
                if m:
                    refs = _REF_SEP.split(m.group(1))
                    attrs.setdefault(key, []).extend(
                        r.rstrip(".,;").replace(" ", "") for r in refs if r
                    )
                    free.append(value[m.end() :])
                continue
            if key == "statement_of_reasons":
                continue  # prose: it stays in the remarks (not copied a third time)
            if key == "gender":
                g = value.split()[0].strip(".,;").casefold() if value.split() else ""
                if g in ("male", "female"):
                    out.gender = g
                continue
            values = split_enum(value)
            if key == "registration":
                for v in values:
                    num = number_in(v) or v
                    out.documents.append(Document("registration", num, doc_country(v), v))
                continue
            if key == "imo":
                for v in values:
                    num = _IMO_PREFIX.sub("", v)
                    out.documents.append(Document("imo", num))
                continue
            if key in ("website", "email"):
                for v in values:
                    attrs.setdefault("email" if _EMAIL.fullmatch(v) else key, []).append(v)
                continue
            attrs.setdefault(key, []).extend(values)
            if key in ("parent_company", "subsidiary", "owner"):
                out.links.extend(values)
        body = " ".join(free)
        low = body.lower()
        if _MEASURES_HINT in low:
            for m in _EXTRA_MEASURES.finditer(body):
                for x in _MEASURE_SEP.split(m.group(1)):
                    key = _measure_key(_ETC.sub("", x))
                    if key:
                        out.measures.append(key)
        if "un_reference_number" not in attrs:
            refs = [m.group(1) for m in _matches_from(_UN_REF_TEXT, "UN", body)]
            if refs:
                attrs["un_reference_number"] = dedupe(refs)
        if any(hint in low for hint in _IMO_HINTS):
            for m in _IMO_TEXT.finditer(body):
                out.documents.append(Document("imo", m.group(1)))
        if any(hint in low for hint in _MMSI_HINTS):
            for m in _MMSI_TEXT.finditer(body):
                out.documents.append(Document("mmsi", m.group(1)))
    return out
