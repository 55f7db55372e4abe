"""Australia DFAT Consolidated List, XLSX (``regulation8_consolidated.xlsx``).

One sheet, header row ``Reference, Name of Individual or Entity, Type, Name Type, Date of
Birth, Place of Birth, Citizenship, Address, Additional Information, Listing Information,
Committees, Control Date``, then one row per name: the primary name has a plain reference
(``2``), its aliases ``2a``, ``2b`` ... (and ``34c1`` for an alias of an alias). Every row
repeats the party's details. Three steps, each visible below:

1. ``sheet_rows`` reads the workbook's first sheet straight from the zip: a sheet in the
   plain form Excel writes with regexes, any other with lxml (either is much faster than
   openpyxl on the 9,553-row file, and every zip or XML fault becomes a
   ``ListFormatError``); cells are placed by their ``r=`` reference;
2. ``records`` turns rows into dicts keyed by the header, with their sheet row number, and
   ``groups`` collects the rows of one base reference (rows need not be adjacent);
3. ``to_entity`` maps one group to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id: ``{source}:{base reference}`` (``au-dfat:2``); the full references are kept in raw.
* ``Type`` / ``Name Type`` are compared case- and space-insensitively (``Entity ``,
  ``individual``, ``Primary Name ``, ``Original script``). Individual -> person, Entity ->
  organization. Name types: primary name, aka, original script (script detected),
  formerly known as / previously listed as (fka). Anything else is an aka, with a warning.
* ``Control Date`` is an Excel serial day number -> ``amended_on`` (latest of the group);
  the file's ``data_date`` is the latest control date of all rows.
* ``Date of Birth``: free text (``a) Approximately 1955- 1958 b) ...``, ``1963 or 1964``,
  ``14 Mar 1974 >> 13 Apr 1974``) or an Excel date serial; parts no rule reads go to
  ``unparsed``. ``Place of Birth`` and ``Address`` are split at ``a) b)`` markers;
  ``Citizenship`` at markers, ``;``, ``,``, ``/`` and "and" (unless the whole text is one
  country, e.g. "Bosnia and Herzegovina").
* ``Additional Information`` -> ``remarks``; from it passports, national ids, tax and
  registration numbers, IMO and SWIFT/BIC codes go to ``documents``, ``Title:`` and
  ``Designation:`` to ``titles``, ``Gender:`` to gender, websites, e-mails and phone
  numbers to ``attributes``. ``Listing Information`` -> ``attributes["listing_information"]``
  and its first "Listed/Designated ... on <date>" gives ``listed_on``.
* ``Committees`` -> programs (authority "Australia DFAT"). The file does not say which
  measure (targeted financial sanction or travel ban) applies to whom, so ``measures``
  stays empty. ``NA`` (any case) is null.
"""

from __future__ import annotations

import codecs
import dataclasses
import gc
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from lxml import etree

from watchlist.errors import ListFormatError
from watchlist.model import (
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
    clean,
    country_code,
    country_or_raw,
    dedupe,
    find_file,
    parse_date,
    parse_dates,
    read_bytes,
)

FORMAT = "au-dfat"
AUTHORITY = "Australia DFAT"
FILE_NAMES = ("regulation8_consolidated.xlsx",)

COLUMNS = (
    "Reference",
    "Name of Individual or Entity",
    "Type",
    "Name Type",
    "Date of Birth",
    "Place of Birth",
    "Citizenship",
    "Address",
    "Additional Information",
    "Listing Information",
    "Committees",
    "Control Date",
)
REQUIRED = ("Reference", "Name of Individual or Entity", "Type", "Name Type")
(
    _REF,
    _NAME,
    _TYPE,
    _NAME_TYPE,
    _DOB,
    _POB,
    _CITIZEN,
    _ADDRESS,
    _INFO,
    _LISTING,
    _COMMITTEES,
    _CONTROL,
) = COLUMNS

_TYPES = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION}
_NAME_KINDS = {
    "primary name": NameKind.PRIMARY,
    "aka": NameKind.AKA,
    "a.k.a.": NameKind.AKA,
    "alias": NameKind.AKA,
    "original script": NameKind.ORIGINAL_SCRIPT,
    "formerly known as": NameKind.FKA,
    "fka": NameKind.FKA,
    "previously listed as": NameKind.FKA,
}

# ---------------------------------------------------------------- XLSX (SpreadsheetML)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _IS, _T, _R, _SI, _SHEET, _SHEET_DATA_TAG = (
    _MAIN + t for t in ("row", "c", "v", "is", "t", "r", "si", "sheet", "sheetData")
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_DIGITS = "0123456789"
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    RuntimeError,
    NotImplementedError,
    struct.error,
    UnicodeError,
    OverflowError,
    ValueError,
)
_PARSER_OPTS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": True,
    "remove_comments": True,
}


class _RecordError(Exception):
    """A group of rows that cannot be mapped; ``read`` names its line."""


Cell = str | float | bool


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _member(zf: zipfile.ZipFile, member: str, file: Path) -> bytes:
    try:
        return zf.read(member)
    except _ZIP_ERRORS as exc:
        raise ListFormatError(
            str(file), f"damaged XLSX workbook: cannot read {member} ({exc})"
        ) from exc


def _parse(data: bytes, member: str, file: Path) -> etree._Element:
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTS))
    except etree.XMLSyntaxError as exc:
        raise ListFormatError(
            str(file), f"damaged XLSX workbook: {member} is not well-formed XML ({exc.msg})"
        ) from exc
    if root is None:
        raise ListFormatError(str(file), f"damaged XLSX workbook: {member} is empty")
    return root


def _xml(zf: zipfile.ZipFile, member: str, file: Path) -> etree._Element:
    return _parse(_member(zf, member, file), member, file)


def _first_sheet(zf: zipfile.ZipFile, file: Path) -> str:
    """The zip member of the workbook's first sheet (via workbook.xml and its rels)."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise ListFormatError(str(file), "not an XLSX workbook (no xl/workbook.xml)")
    book = _xml(zf, "xl/workbook.xml", file)
    first = next(book.iter(_SHEET), None)
    rid = first.get(f"{{{_REL_NS}}}id") if first is not None else None
    if rid and "xl/_rels/workbook.xml.rels" in names:
        rels = _xml(zf, "xl/_rels/workbook.xml.rels", file)
        for rel in rels.iter(_PKG_REL):
            if rel.get("Id") == rid:
                target = (rel.get("Target") or "").lstrip("/")
                member = target if target.startswith("xl/") else "xl/" + target
                if member in names:
                    return member
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    raise ListFormatError(str(file), "XLSX workbook has no worksheet")


def _shared_strings(zf: zipfile.ZipFile, file: Path) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    out: list[str] = []
    for si in _xml(zf, "xl/sharedStrings.xml", file).iter(_SI):
        parts: list[str] = []
        for child in si:  # plain <t>, or rich-text runs <r><t>; phonetic <rPh> is skipped
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                parts.extend(t.text or "" for t in child if t.tag == _T)
        out.append("".join(parts))
    return out


def _cell_value(c: etree._Element, kind: str | None, strings: list[str]) -> Cell | None:
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(_T))
    v = None
    for child in c:  # faster than findtext, which goes through ElementPath
        if child.tag == _V:
            v = child.text
            break
    return _typed(kind, v, strings)


def _typed(kind: str | None, v: str | None, strings: list[str]) -> Cell | None:
    """The value of a cell of type ``kind`` (``t=``) whose ``<v>`` holds ``v``."""
    if v is None:
        return None
    if kind == "s":
        return strings[int(v)]
    if kind in ("str", "d"):
        return v
    if kind == "b":
        return v.strip() == "1"
    if kind == "e":
        return None
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def sheet_rows(file: Path, data: bytes) -> Iterator[tuple[int, dict[int, Cell]]]:
    """(sheet row number, {column index: value}) for each row of the first sheet."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ListFormatError(str(file), f"not an XLSX workbook ({exc})") from exc
    with zf:
        sheet = _first_sheet(zf, file)
        strings = _shared_strings(zf, file)
        xml = _member(zf, sheet, file)
    plain = _plain_rows(xml, strings)
    if plain is not None:
        rows, fault = plain
        yield from rows
        if fault is not None:
            row_no, cause = fault
            raise ListFormatError(
                str(file), f"bad cell in sheet ({cause})", line=row_no or None
            ) from cause
        return
    root = _parse(xml, sheet, file)
    columns: dict[str, int] = {}
    row_no = 0
    for row in root.iter(_ROW):
        r = row.get("r")
        try:
            row_no = int(r) if r else row_no + 1
            cells: dict[int, Cell] = {}
            col = -1
            for c in row:
                if c.tag != _C:
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    col = columns.get(letters, -1)
                    if col < 0:
                        if not _LETTERS.match(letters):
                            raise ValueError(f"bad cell reference {ref!r}")
                        col = columns[letters] = _col_index(letters)
                else:
                    col += 1
                value = _cell_value(c, c.get("t"), strings)
                if value is not None and value != "":
                    cells[col] = value
        except (ValueError, IndexError, OverflowError) as exc:
            raise ListFormatError(
                str(file), f"bad cell in sheet ({exc})", line=row_no or None
            ) from exc
        yield row_no, cells


# The sheet in the plain form Excel writes (and DFAT publishes) is read with regexes:
# building lxml's tree of its 130,000 cells and walking it costs twice as much. The form
# is strict: each attribute Excel writes, in its order, with values of plain characters;
# cells hold a value or nothing; no white space, comments, CDATA, entities, DTD or other
# processing instructions anywhere in the file. Such a <sheetData> is well-formed by
# construction, and the rest of the file (with <sheetData/> in its place) is parsed with
# lxml: when that holds no other <row> and puts the <sheetData/> in the SpreadsheetML
# namespace, lxml would read the same rows, cells and values. Anything else, including
# every damaged file, is read (and its faults reported) by lxml.
_VALUE = r'="[\w.: +-]*"'
_ROW_START = re.compile(
    '<row(?: r="([0-9]*)")?'
    + "".join(
        f"(?: {name}{_VALUE})?"
        for name in (
            "spans",
            "s",
            "customFormat",
            "ht",
            "hidden",
            "customHeight",
            "outlineLevel",
            "collapsed",
            "thickTop",
            "thickBot",
            "ph",
            "x14ac:dyDescent",
        )
    )
    + "(/?)>",
    re.ASCII,
)
# A cell (column letters, type, value), or else one character of something else.
_PLAIN_CELL = re.compile(
    '<c(?: r="([A-Z]{1,3})[0-9]+")?(?: s="[0-9]+")?(?: t="(s|n|b|e|str|d)")?'
    f'(?: cm="[0-9]+")?(?: vm="[0-9]+")?(?: ph{_VALUE})?'
    r"(?:/>|>(?:<v>([\w.+-]*)</v>)?</c>)|(.)",
    re.ASCII | re.DOTALL,
)
_SHEET_DATA, _SHEET_DATA_END = b"<sheetData>", b"</sheetData>"

_Row = tuple[int, dict[int, Cell]]


def _plain_rows(
    xml: bytes, strings: list[str]
) -> tuple[list[_Row], tuple[int, Exception] | None] | None:
    """The rows of a sheet in the plain form, up to the first bad cell, and that cell's
    row number and fault; None for a sheet in any other form."""
    start, end = xml.find(_SHEET_DATA), xml.find(_SHEET_DATA_END)
    if start < 0 or end < start or xml.count(b"sheetData") != 2 or b"<!" in xml:
        return None
    pi = xml.find(b"<?")  # only the XML declaration, at the start and before the rows
    if pi >= 0 and (
        pi != (3 if xml.startswith(codecs.BOM_UTF8) else 0)
        or xml.find(b"<?", pi + 2) >= 0
        or not 0 <= xml.find(b"?>") < start
    ):
        return None
    region = xml[start + len(_SHEET_DATA) : end]
    if not region.isascii():
        return None
    text = region.decode("ascii")
    rows: list[_Row] = []
    fault: tuple[int, Exception] | None = None
    columns: dict[str, int] = {}
    row_no = 0
    pieces = text.split("</row>")  # each ends with the cells of one row, the last with none
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        at = 0
        while True:  # rows written <row .../>, then the one this piece ends
            m = _ROW_START.match(piece, at)
            if m is None:
                if i == last and at == len(piece):
                    break
                return None
            r, empty = m.groups()
            row_no = int(r) if r else row_no + 1
            at = m.end()
            if empty:
                if fault is None:
                    rows.append((row_no, {}))
                continue
            if i == last:
                return None  # a row never closed
            cells: dict[int, Cell] = {}
            col = -1
            for letters, kind, v, other in _PLAIN_CELL.findall(piece, at):
                if other:
                    return None
                if letters:
                    col = columns.get(letters, -1)
                    if col < 0:
                        col = columns[letters] = _col_index(letters)
                else:
                    col += 1
                if not v or fault is not None:
                    continue
                try:  # shared strings (most cells) without the call
                    value = strings[int(v)] if kind == "s" else _typed(kind or None, v, strings)
                except (ValueError, IndexError, OverflowError) as exc:
                    fault = (row_no, exc)
                    continue
                if value is not None and value != "":
                    cells[col] = value
            if fault is None:
                rows.append((row_no, cells))
            break
    rest = xml[:start] + b"<sheetData/>" + xml[end + len(_SHEET_DATA_END) :]
    try:
        root = etree.fromstring(rest, etree.XMLParser(**_PARSER_OPTS))
    except (etree.LxmlError, ValueError):
        return None
    if root is None or (root.getroottree().docinfo.encoding or "").upper() != "UTF-8":
        return None
    holder = list(root.iter(_SHEET_DATA_TAG))
    if len(holder) != 1 or next(root.iter(_ROW), None) is not None:
        return None
    if "x14ac:" in text and "x14ac" not in holder[0].nsmap:
        return None
    return rows, fault


# ---------------------------------------------------------------- files


def _looks_like_dfat(path: Path) -> bool:
    """A zip whose shared strings (or first sheet) name the DFAT header columns."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            member = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
            if member is None:
                member = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else None
            if member is None:
                return False
            with zf.open(member) as f:
                head = f.read(8192)
    except _ZIP_ERRORS:
        return False
    return b"Name of Individual or Entity" in head and b"Committees" in head


def _candidate(path: Path) -> Path | None:
    """The file itself, or in a folder the official file name, else its only DFAT-looking
    XLSX file."""
    if path.is_file():
        return path
    if not path.is_dir():
        return None
    found = find_file(path, *FILE_NAMES)
    if found is not None:
        return found
    try:
        xlsx = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx")
    except OSError:
        return None
    matches = [p for p in xlsx if _looks_like_dfat(p)]
    return matches[0] if len(matches) == 1 else None


def sniff(path: Path) -> bool:
    """True for the DFAT consolidated XLSX (or a folder holding it). Never raises."""
    try:
        found = _candidate(path)
        return found is not None and _looks_like_dfat(found)
    except OSError:
        return False


# ---------------------------------------------------------------- reading


@dataclass
class Group:
    """All rows of one base reference: the primary name and its aliases."""

    native_id: str
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)


def read(path: Path, source: str) -> ListData:
    # Reading builds many small objects and no cycles: pausing the cyclic GC saves time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(path, source)
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, source: str) -> ListData:
    file = _candidate(path)
    if file is None:
        raise ListFormatError(str(path), f"no DFAT consolidated list ({FILE_NAMES[0]}) found")
    data = read_bytes(file)
    warnings: list[str] = []
    entities: list[Entity] = []
    latest: str | None = None
    for group in groups(records(file, data), file):
        line = group.rows[0][0]
        try:
            entity = to_entity(group, source, warnings)
        except _RecordError as exc:
            raise ListFormatError(str(file), str(exc), line=line) from exc
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file), f"cannot map reference {group.native_id} ({exc!r})", line=line
            ) from exc
        entities.append(entity)
        if entity.amended_on and (latest is None or entity.amended_on > latest):
            latest = entity.amended_on
    if not entities:
        raise ListFormatError(str(file), "the sheet holds no entries")
    return ListData(
        source=source,
        format=FORMAT,
        entities=entities,
        data_date=latest,
        files=[file.name],
        warnings=warnings,
    )


def records(file: Path, data: bytes) -> Iterator[tuple[int, dict[str, Cell]]]:
    """(sheet row, {column name: value}) for each non-empty row after the header."""
    header: dict[int, str] | None = None
    for row_no, cells in sheet_rows(file, data):
        if not cells:
            continue
        if header is None:
            header = {i: str(v).strip() for i, v in cells.items() if isinstance(v, str)}
            missing = [c for c in REQUIRED if c not in header.values()]
            if missing:
                raise ListFormatError(
                    str(file),
                    "not the DFAT consolidated list: header lacks "
                    + ", ".join(repr(c) for c in missing),
                    line=row_no,
                )
            continue
        rec = {header[i]: v for i, v in cells.items() if i in header}
        if rec:
            yield row_no, rec
    if header is None:
        raise ListFormatError(str(file), "the sheet is empty (no header row)")


_BASE_REF = re.compile(r"^(\d+)([a-z]*\d*)$", re.I)


def base_reference(value: Cell | None) -> str | None:
    """``2`` for ``2``, ``2.0``, ``2a`` or ``34c1``; None when it is no DFAT reference."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float | int):
        return str(int(value)) if float(value).is_integer() and value >= 0 else None
    m = _BASE_REF.match(value.strip().replace(" ", ""))
    return str(int(m.group(1))) if m else None


def groups(rows: Iterable[tuple[int, dict[str, Cell]]], file: Path) -> list[Group]:
    """Rows grouped by base reference, in order of first appearance."""
    by_ref: dict[str, Group] = {}
    for row_no, rec in rows:
        ref = rec.get(_REF)
        if ref is None or (isinstance(ref, str) and not clean(ref)):
            raise ListFormatError(str(file), "row has no Reference", line=row_no)
        base = base_reference(ref)
        if base is None:
            raise ListFormatError(
                str(file), f"Reference {ref!r} is not a DFAT reference number", line=row_no
            )
        group = by_ref.get(base)
        if group is None:
            group = by_ref[base] = Group(base)
        group.rows.append((row_no, rec))
    return list(by_ref.values())


# ---------------------------------------------------------------- mapping


_clean = lru_cache(maxsize=1 << 16)(clean)  # cells repeat a lot (every alias row)
_NUMBER = (float, int)  # a tuple: ``float | int`` would be built at every call


def _text(rec: dict[str, Cell], key: str) -> str | None:
    v = rec.get(key)
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, _NUMBER):
        return str(int(v)) if float(v).is_integer() else str(v)
    return _clean(v)


@lru_cache(maxsize=1024)
def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def excel_date(value: Cell | None) -> str | None:
    """ISO date of an Excel serial day number (or a date written as text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float | int):
        if not 1 <= value < 2958466:
            return None
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
    d = parse_date(value)
    return d.iso() if d and d.day else None


_LETTERED = re.compile(r"(?:^|\s)\(?[a-z]\)\s+")
_PAREN = re.compile(r"\([^()]*\)?")
_DOB_SPLIT = re.compile(r"\s*(?:>>|;|\bor\b|\s(?=\d{1,2}/\d{1,2}/\d{4}))\s*", re.I)
_DOB_RANGE = re.compile(r"^(.+?)\s+(?:to|-|–)\s+(.+)$")
_YEAR_SLASH = re.compile(r"^(approx(?:imately|\.)?\s*|c\.\s*)?(\d{4})\s*/\s*(\d{4})$", re.I)
_DASHED = re.compile(r"^(\d{1,2})-([A-Za-z]{3,})-(\d{4})$")


def _lettered(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in (clean(x) for x in _LETTERED.split(text)) if p]


def birth_dates(value: Cell | None) -> tuple[list[PartialDate], list[str]]:
    """Dates of birth in one cell, and the parts no rule reads."""
    if value is None or isinstance(value, bool):
        return [], []
    if isinstance(value, float | int):
        if 1800 <= value <= 2100 and float(value).is_integer():
            return [PartialDate(text=str(int(value)), year=int(value))], []
        iso = excel_date(value)
        if iso:
            y, m, d = (int(x) for x in iso.split("-"))
            return [PartialDate(text=iso, year=y, month=m, day=d)], []
        return [], [str(value)]
    text = clean(value)
    if not text:
        return [], []
    found = parse_dates(text)
    if found and len(found) >= len(_lettered(text)):
        return found, []
    out: list[PartialDate] = []
    bad: list[str] = []
    for piece in _lettered(text):
        stripped = clean(_PAREN.sub(";", piece)) or ""
        for part in _DOB_SPLIT.split(stripped):
            part = part.strip(" ,.")
            if not part:
                continue
            one = _one_date(part)
            if one is None:
                bad.append(part)
            else:
                out.append(one)
    return out, bad


def _one_date(part: str) -> PartialDate | None:
    d = parse_date(part)
    if d is not None:
        return d
    m = _DASHED.match(part)  # 19-Dec-1992
    if m:
        d = parse_date(f"{m.group(1)} {m.group(2)} {m.group(3)}")
        if d is not None:
            return PartialDate(text=part, year=d.year, month=d.month, day=d.day)
    m = _YEAR_SLASH.match(part)  # approximately 1977/1978
    if m:
        y1, y2 = int(m.group(2)), int(m.group(3))
        if 1800 <= y1 <= y2 <= 2100:
            return PartialDate(text=part, year=y1, year_to=y2, circa=bool(m.group(1)))
    m = _DOB_RANGE.match(part)  # March 1955 to March 1956
    if m:
        a, b = parse_date(m.group(1)), parse_date(m.group(2))
        if a and b and a.year and b.year and a.year <= b.year:
            if a.year == b.year:
                return PartialDate(text=part, year=a.year, circa=a.circa)
            return PartialDate(text=part, year=a.year, year_to=b.year, circa=a.circa)
    d = parse_date(part.replace(". ", " ").replace(".", " "))
    if d is not None:
        return PartialDate(text=part, year=d.year, month=d.month, day=d.day, circa=d.circa)
    return None


_CITIZEN_SPLIT = re.compile(r"\s*(?:;|,|/|\band\b|\n)\s*")
_CITIZEN_NOISE = re.compile(r"^(?:possibly|formerly)\s+", re.I)


@lru_cache(maxsize=4096)
def citizenships(text: str | None) -> tuple[str, ...]:
    """ISO codes (else the text) of the countries in one Citizenship cell."""
    out: list[str] = []
    for piece in _lettered(text):
        piece = piece.strip(" ;,")
        bare = clean(_PAREN.sub(" ", piece)) or piece
        code = country_code(bare)
        if code:
            out.append(code)
            continue
        parts = [p for p in _CITIZEN_SPLIT.split(bare) if p.strip()]
        codes = [country_code(_CITIZEN_NOISE.sub("", p)) for p in parts]
        if len(parts) > 1 and all(codes):
            out.extend(c for c in codes if c)
        else:
            v = country_or_raw(_CITIZEN_NOISE.sub("", bare))
            if v:
                out.append(v)
    return tuple(dedupe(out))


def addresses(text: str | None) -> list[Address]:
    return [Address(full=full, country=country) for full, country in _address_parts(text)]


@lru_cache(maxsize=4096)
def _address_parts(text: str | None) -> tuple[tuple[str, str | None], ...]:
    out = []
    for piece in _lettered(text):
        bare = clean(_PAREN.sub(" ", piece)) or piece
        tail = bare.rsplit(",", 1)[-1].strip(" .")
        out.append((piece, country_code(tail) or country_code(bare)))
    return tuple(out)


# Additional Information: identifiers and contact details written in prose.
# Each pattern comes with words (lower case) one of which any match contains, in some
# case. An IGNORECASE pattern gets no literal-prefix scan, so ``finditer`` tries every
# position of the text; a substring test of the ``_folded`` text that rules the pattern
# out first saves most of that.
_NUM = r"([A-Z]{0,3}\s?\d[\dA-Z\-./]{3,}[\dA-Z])"
_DOC_PATTERNS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    (
        "passport",
        ("passport",),
        re.compile(
            r"passport(?:\s+(?:no|number|numbers|#)\b)?\.?\s*:?\s*(?:[A-Z][a-z]+(?:\s+[A-Za-z]+){0,7}\s+)?"
            + _NUM,
            re.I,
        ),
    ),
    (
        "national_id",
        ("national", "identity"),
        re.compile(
            r"(?:national\s+identi(?:fication|ty)(?:\s+card)?|identity\s+card|national\s+id)(?:\s+(?:no|number)\b)?\.?\s*:?\s*"
            + _NUM,
            re.I,
        ),
    ),
    (
        "tax_id",
        ("tax", "inn", "fiscal"),
        re.compile(
            r"(?:tax\s+(?:id(?:entification)?|number)(?:\s+(?:no|number)\b)?|\bINN\b|fiscal\s+code|national\s+tax\s+number)\.?\s*:?\s*"
            + _NUM,
            re.I,
        ),
    ),
    (
        "registration",
        ("regist", "company", "ogrn"),
        re.compile(
            r"(?:(?:state\s+|company\s+)?registration\s+(?:number|id|no)\b|company\s+identification\s+(?:no|number)\b|registered\s+company\s+number|\bOGRN\b)\.?\s*:?\s*"
            + _NUM,
            re.I,
        ),
    ),
    (
        "imo",
        ("imo",),
        re.compile(
            r"\bIMO\b(?:\s+(?:identification\s+)?(?:number|no|ship\s+no)\b)?\.?\s*:?\s*(\d{7})\b",
            re.I,
        ),
    ),
    (
        "swift_bic",
        ("swift", "bic"),
        re.compile(
            r"\b(?:SWIFT|BIC)(?:\s*/\s*BIC)?(?:\s+code)?\s*:?\s*([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
        ),
    ),
]
_WEBSITE = re.compile(r"\b(?:https?://|www\.)[^\s;,)]+", re.I)
_WEBSITE_WORDS = ("http", "www.")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(
    r"\b(?:tel(?:ephone)?(?:\s+numbers?)?|phone|fax|facsimile\s+number)\s*[.:]?\s*(\+?\d[\d\s\-()]{5,}\d)",
    re.I,
)
_PHONE_WORDS = ("tel", "phone", "fax", "facsimile")
_GENDER = re.compile(r"\bgender\s*:\s*(male|female)\b", re.I)
_TITLED = re.compile(r"\b(Title|Designation)\s*:\s*(.+?)(?=\.\s+[A-Z(]|\.$|$)")
_TITLED_WORDS = ("title", "designation")

# The only non-ASCII characters an IGNORECASE pattern equates with an ASCII letter (found
# by trying every code point against a-z; lower() leaves them, or for U+0130 adds a
# combining dot): mapped to that letter first, a match's word is a substring of the
# lower-cased text.
_RE_I_ODD = ("\u0130", "\u0131", "\u017f", "\u212a")
_RE_I_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _folded(text: str) -> str:
    if text.isascii() or not _has_any(_RE_I_ODD, text):
        return text.lower()
    return text.translate(_RE_I_FOLD).lower()


def _has_any(words: tuple[str, ...], text: str) -> bool:
    return any(map(text.__contains__, words))


def info_details(text: str) -> dict[str, Any]:
    """Documents, titles, gender and contact details written in Additional Information."""
    folded = _folded(text)
    docs: list[Document] = []
    seen: set[tuple[str, str]] = set()
    for kind, words, pattern in _DOC_PATTERNS:
        if not _has_any(words, folded):
            continue
        for m in pattern.finditer(text):
            number = m.group(1).strip(" .-")
            if kind != "imo" and not any(ch.isdigit() for ch in number):
                continue
            if (kind, number) not in seen:
                seen.add((kind, number))
                docs.append(Document(kind, number, note="from Additional Information"))
    titles: list[str] = []
    if _has_any(_TITLED_WORDS, folded):
        for m in _TITLED.finditer(text):
            for t in _lettered(m.group(2)):
                t = t.strip(" ,;")
                if t and clean(t):
                    titles.append(t)
    gender = _GENDER.search(text) if "gender" in folded else None
    return {
        "documents": docs,
        "titles": titles,
        "gender": gender.group(1).lower() if gender else None,
        "website": (
            [w.rstrip(".") for w in _WEBSITE.findall(text)]
            if _has_any(_WEBSITE_WORDS, folded)
            else []
        ),
        "email": _EMAIL.findall(text) if "@" in text else [],
        "phone": (
            [clean(p) or p for p in _PHONE.findall(text)] if _has_any(_PHONE_WORDS, folded) else []
        ),
    }


_LISTED_ON = re.compile(
    r"\b(?:listed|designated|relisted)\b[^()]*?\bon:?\s+(\d{1,2}\s+[A-Za-z]+\.?,?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})",
    re.I,
)


def listed_on(text: str | None) -> str | None:
    if not text:
        return None
    for m in _LISTED_ON.finditer(text):
        d = parse_date(m.group(1))
        if d and d.day:
            return d.iso()
    return None


_COMMITTEE_SPLIT = re.compile(r"(?<=\))\s+(?=\d|Autonomous)")


def programs(text: str | None) -> list[Program]:
    if not text:
        return []
    return [Program(code=c, authority=AUTHORITY) for c in _COMMITTEE_SPLIT.split(text) if c]


# Cells repeat across a party's rows and across parties (216 control dates, 873 listing
# texts, 36 committee cells, 2,000 dates of birth in 9,553 rows): what a cell gives is
# worked out once per distinct value. Only immutable results are cached; model objects
# are made fresh for each entity. ``typed``, as 1, 1.0 and True are one key but not one
# cell.
_excel_date = lru_cache(maxsize=4096, typed=True)(excel_date)
# A PartialDate's fields in the order its constructor takes them (``astuple`` deep-copies
# and costs ten times as much).
_DATE_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(PartialDate) if f.init))
_listed_on = lru_cache(maxsize=4096)(listed_on)


@lru_cache(maxsize=4096, typed=True)
def _birth_date_fields(
    value: Cell | None,
) -> tuple[tuple[tuple[Any, ...], ...], tuple[str, ...]]:
    """``birth_dates``, each date as the fields of its ``PartialDate``."""
    found, bad = birth_dates(value)
    return tuple(_DATE_FIELDS(d) for d in found), tuple(bad)


@lru_cache(maxsize=1024)
def _committee_codes(text: str | None) -> tuple[str, ...]:
    return tuple(p.code for p in programs(text))


@lru_cache(maxsize=4096)
def _pieces(text: str | None) -> tuple[str, ...]:
    return tuple(_lettered(text))


def to_entity(group: Group, source: str, warnings: list[str] | None = None) -> Entity:
    """Map the rows of one base reference to an Entity. Oddities go to ``warnings``."""
    notes = warnings if warnings is not None else []
    ref = group.native_id
    if not group.rows:
        raise _RecordError(f"reference {ref} has no rows")
    primary_at = next(
        (
            i
            for i, (_, r) in enumerate(group.rows)
            if _NAME_KINDS.get(_norm(_text(r, _NAME_TYPE))) is NameKind.PRIMARY
        ),
        None,
    )
    if primary_at is None:
        primary_at = 0
        notes.append(
            f"line {group.rows[0][0]}: reference {ref} has no 'Primary Name' row; "
            "the first row's name is taken as primary"
        )
    ordered = [group.rows[primary_at]] + [r for i, r in enumerate(group.rows) if i != primary_at]
    first_line, first = ordered[0]

    type_text = _norm(_text(first, _TYPE))
    etype = _TYPES.get(type_text, EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        notes.append(f"line {first_line}: reference {ref} has unknown Type {_text(first, _TYPE)!r}")

    names: list[Name] = []
    seen_names: set[str] = set()
    for i, (line, rec) in enumerate(ordered):
        full = _text(rec, _NAME)
        if not full:
            raise _RecordError(f"row {_text(rec, _REF)} (reference {ref}) has no name")
        kind_text = _norm(_text(rec, _NAME_TYPE))
        kind = _NAME_KINDS.get(kind_text)
        if kind is None:
            notes.append(f"line {line}: unknown Name Type {_text(rec, _NAME_TYPE)!r}; read as aka")
            kind = NameKind.AKA
        if i == 0:
            kind = NameKind.PRIMARY
        elif kind is NameKind.PRIMARY:
            notes.append(f"line {line}: reference {ref} has a second primary name; read as aka")
            kind = NameKind.AKA
        if full in seen_names:
            continue
        seen_names.add(full)
        script = detect_script(full)
        names.append(Name(full=full, kind=kind, script=None if script == "Latn" else script))

    dobs: list[PartialDate] = []
    unparsed: list[str] = []
    places: list[str] = []
    citizen: list[str] = []
    addrs: list[Address] = []
    infos: list[str] = []
    listings: list[str] = []
    progs: list[Program] = []
    controls: list[str] = []
    for rec in _distinct_cells([r for _, r in ordered]):
        date_fields, bad = _birth_date_fields(rec.get(_DOB))
        for one in date_fields:
            d = PartialDate(*one)
            if all((d.iso(), d.text) != (o.iso(), o.text) for o in dobs):
                dobs.append(d)
        unparsed.extend(f"Date of Birth: {b}" for b in bad)
        places.extend(_pieces(_text(rec, _POB)))
        citizen.extend(citizenships(_text(rec, _CITIZEN)))
        for a in addresses(_text(rec, _ADDRESS)):
            if all(a.full != o.full for o in addrs):
                addrs.append(a)
        info = _text(rec, _INFO)
        if info:
            infos.append(info)
        listing = _text(rec, _LISTING)
        if listing:
            listings.append(listing)
        for code in _committee_codes(_text(rec, _COMMITTEES)):
            if all(code != o.code for o in progs):
                progs.append(Program(code=code, authority=AUTHORITY))
        control = _excel_date(rec.get(_CONTROL))
        if control:
            controls.append(control)

    infos = dedupe(infos)
    docs: list[Document] = []
    titles: list[str] = []
    gender: str | None = None
    attributes: dict[str, list[str]] = {}
    for info in infos:
        details = info_details(info)
        for d in details["documents"]:
            if all((d.type, d.number) != (o.type, o.number) for o in docs):
                docs.append(d)
        titles.extend(details["titles"])
        gender = gender or details["gender"]
        for key in ("website", "email", "phone"):
            if details[key]:
                attributes.setdefault(key, []).extend(details[key])
    attributes = {k: dedupe(v) for k, v in attributes.items()}
    listings = dedupe(listings)
    if listings:
        attributes["listing_information"] = listings
    attributes["reference"] = dedupe(_text(r, _REF) or "" for _, r in ordered)

    listed = [d for d in (_listed_on(t) for t in listings) if d]
    return Entity(
        id=f"{source}:{ref}",
        source=source,
        native_id=ref,
        type=etype,
        name=names[0].full,
        names=names,
        birth_dates=dobs,
        birth_places=dedupe(places),
        citizenships=dedupe(citizen),
        countries=dedupe(a.country for a in addrs if a.country),
        gender=gender,
        documents=docs,
        addresses=addrs,
        programs=progs,
        titles=dedupe(titles),
        listed_on=min(listed) if listed else None,
        amended_on=max(controls) if controls else None,
        attributes=attributes,
        remarks="\n".join(infos) or None,
        unparsed=dedupe(unparsed),
        raw=_raw(ordered),
    )


def _distinct_cells(recs: list[dict[str, Cell]]) -> list[dict[str, Cell]]:
    """The rows with each column's value kept only where it differs from earlier rows, so
    the details every alias row repeats are read once."""
    seen: dict[str, set[Cell]] = {}
    out = []
    for rec in recs:
        fresh: dict[str, Cell] = {}
        for k, v in rec.items():
            values = seen.get(k)
            if values is None:
                values = seen[k] = set()
            if v not in values:
                values.add(v)
                fresh[k] = v
        out.append(fresh)
    return out


def _raw(rows: list[tuple[int, dict[str, Cell]]]) -> dict[str, Any]:
    """The rows as read; alias rows keep only the cells that differ from the primary row."""
    first = rows[0][1]
    out: list[dict[str, Any]] = []
    for i, (line, rec) in enumerate(rows):
        cells = {k: v for k, v in rec.items() if i == 0 or first.get(k) != v}
        out.append({"line": line, **cells})
    return {"rows": out}
