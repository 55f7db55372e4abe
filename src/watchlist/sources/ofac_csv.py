"""OFAC legacy CSV: the SDN list (sdn.csv) and the Consolidated non-SDN list (cons_prim.csv).

One publication is four files without a header row, ``-0-`` as the null marker:

* ``sdn.csv`` / ``cons_prim.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
  Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
* ``add.csv`` / ``cons_add.csv``: ent_num, add_num, address, city/state/postal code,
  country, add_remarks
* ``alt.csv`` / ``cons_alt.csv``: ent_num, alt_num, alt_type, alt_name, alt_remarks
* ``sdn_comments.csv`` / ``cons_comments.csv`` (optional): ent_num, the continuation of a
  Remarks cell cut at OFAC's field limit; appended to that entity's remarks, in file order.

Quirks handled: CRLF line ends and a trailing DOS EOF byte (0x1A) in newer files; a last
line without its newline and with the null marker cut to ``-0``; the remarks split off
into the comments file mid-word. A file cut inside a quoted field, a row with the wrong
number of columns, a record without ent_num or name, a missing add/alt file: all raise
ListFormatError naming the file and line. Alias or address rows that point to an
ent_num the primary file does not have are dropped with a warning naming their line
(the rest of the list is sound); when most of a companion file is orphaned it belongs to
another publication, which is an error.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from watchlist.errors import ListFormatError
from watchlist.model import (
    STRONG,
    WEAK,
    Address,
    Entity,
    EntityType,
    ListData,
    Name,
    NameKind,
    Program,
    RawList,
)
from watchlist.sources import gc_paused
from watchlist.sources._parse import (
    NULLS,
    clean,
    country_code,
    country_or_raw,
    csv_rows,
    decode,
    dedupe,
    find_file,
    read_bytes,
)
from watchlist.sources.ofac_remarks import parse_remarks

FORMAT = "ofac-csv"
AUTHORITY = "US OFAC"

MAIN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_COLUMNS = ("ent_num", "remarks")


@dataclass(frozen=True)
class FileSet:
    main: str
    add: str
    alt: str
    comments: str


FILE_SETS = (
    FileSet("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
    FileSet("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
)

_TYPES = {
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
    "entity": EntityType.ORGANIZATION,
}
_ALT_KINDS = {
    "aka": NameKind.AKA,
    "a.k.a.": NameKind.AKA,
    "fka": NameKind.FKA,
    "f.k.a.": NameKind.FKA,
    "nka": NameKind.NKA,
    "n.k.a.": NameKind.NKA,
}
_VESSEL_ATTRS = (
    ("Call_Sign", "call_sign"),
    ("Vess_type", "vessel_type"),
    ("Tonnage", "tonnage"),
    ("GRT", "gross_registered_tonnage"),
    ("Vess_flag", "vessel_flag"),
    ("Vess_owner", "vessel_owner"),
)
_ORPHAN_LIMIT = 0.5  # share of orphan rows beyond which a companion file is refused


# ---------------------------------------------------------------- raw records


@dataclass
class RawRecord:
    """One primary row with everything the companion files attach to it."""

    line: int
    fields: dict[str, str]  # MAIN_COLUMNS -> cell, as read
    aliases: list[dict[str, str]] = field(default_factory=list)
    addresses: list[dict[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


_NULL_CELLS = frozenset({"", "-0-", "-0"})
_RAW_NULLS = frozenset({"", "-0-", "-0", "-0- ", " -0- ", " -0-"})
_ODD_SPACE = frozenset("\t\r\n\xa0\x0b\x0c")


def _null(cell: str | None) -> str | None:
    """The cell's text, None for OFAC's ``-0-`` (also cut to ``-0`` on a last line)."""
    if cell is None or cell == "-0- ":
        return None
    s = cell.strip()
    if s in _NULL_CELLS:
        return None
    if "  " in s or not _ODD_SPACE.isdisjoint(s):
        return clean(s)  # collapse runs of white space
    return None if s.lower() in NULLS else s


class _NullMemo(dict[str | None, str | None]):
    """``_null`` of each distinct cell, computed once: a list repeats the same few
    thousand cells (``-0-``, countries, types) hundreds of thousands of times."""

    def __missing__(self, cell: str | None) -> str | None:
        value = self[cell] = _null(cell)
        return value


_NULL = _NullMemo()


class _ProgramsMemo(dict[str, tuple[str, ...]]):
    """``split_programs`` of each distinct Program cell (a few hundred in a list)."""

    def __missing__(self, cell: str) -> tuple[str, ...]:
        value = self[cell] = tuple(split_programs(cell))
        return value


_PROGRAMS = _ProgramsMemo()


def _read_table(
    path: Path, columns: tuple[str, ...], *, optional: bool = False, with_line: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """Rows of one headerless OFAC CSV file as dicts, with their line numbers (also in the
    dict, under ``_line``, with ``with_line``)."""
    try:
        data = read_bytes(path)
    except ListFormatError as exc:
        if optional and exc.reason == "file is empty":
            return []
        raise
    text = decode(data, path)
    text = text.rstrip("\r\n\t ").rstrip("\x1a").rstrip("\r\n\t ")
    if not text:
        if optional:
            return []
        raise ListFormatError(str(path), "file is empty")
    out: list[tuple[int, dict[str, str]]] = []
    prev_end = 0
    for line, row in csv_rows(text, path):
        start = prev_end + 1
        prev_end = line
        if not row or (len(row) == 1 and not row[0].strip(" \x1a")):
            continue  # blank line
        if len(row) != len(columns):
            raise ListFormatError(
                str(path),
                f"expected {len(columns)} columns ({', '.join(columns)}), found {len(row)}",
                line=start,
            )
        ent = row[0].strip()
        if not ent.isdigit():
            if not out and ent.lower() == "ent_num":
                continue  # a header row some mirrors add
            raise ListFormatError(str(path), f"ent_num {ent[:40]!r} is not a number", line=start)
        rec = dict(zip(columns, row, strict=False))  # the count is checked above
        rec["ent_num"] = ent
        if with_line:
            rec["_line"] = str(start)
        out.append((start, rec))
    if text.count('"') % 2:  # OFAC never doubles quotes: an odd count is a cut field
        raise ListFormatError(
            str(path),
            "file ends inside a quoted field (truncated?)",
            line=_last_record_line(text, text.count("\n") + 1),
        )
    if not out and not optional:
        raise ListFormatError(str(path), "file holds no records")
    return out


def _last_record_line(text: str, last_line: int) -> int:
    """The line on which the unterminated quoted field opens (OFAC never doubles quotes)."""
    pos = text.rfind('"')
    return text.count("\n", 0, pos) + 1 if pos >= 0 else last_line


def _files(path: Path) -> tuple[Path, FileSet]:
    """The primary file of the set ``path`` names or holds, and that set's file names."""
    if path.is_dir():
        for fs in FILE_SETS:
            main = find_file(path, fs.main)
            if main is not None:
                return main, fs
        names = " or ".join(fs.main for fs in FILE_SETS)
        raise ListFormatError(str(path), f"folder holds no OFAC legacy CSV ({names})")
    if not path.is_file():
        raise ListFormatError(str(path), "no such file or folder")
    lower = path.name.lower()
    for fs in FILE_SETS:
        if lower in (fs.main, fs.add, fs.alt, fs.comments):
            main = find_file(path.parent, fs.main) if lower != fs.main else path
            if main is None:
                raise ListFormatError(
                    str(path.parent / fs.main), f"missing {fs.main} (the primary file)"
                )
            return main, fs
    # an unusual name: a primary file whose companions sit next to it
    for fs in FILE_SETS:
        if find_file(path.parent, fs.add) is not None:
            return path, fs
    return path, FILE_SETS[0]


def read_records(path: Path) -> tuple[list[RawRecord], list[str], list[str]]:
    """Read one publication: the records, the file names read, and warnings."""
    main, fs = _files(path)
    folder = main.parent
    warnings: list[str] = []
    files = [main.name]
    records: dict[str, RawRecord] = {}
    for line, row in _read_table(main, MAIN_COLUMNS):
        ent = row["ent_num"]
        if _null(row["SDN_Name"]) is None:
            raise ListFormatError(str(main), f"record {ent} has no name", line=line)
        if ent in records:
            first = records[ent]
            warnings.append(
                f"{main.name} line {line}: ent_num {ent} repeats line {first.line}; merged"
            )
            first.fields["Program"] = _join_programs(first.fields["Program"], row["Program"])
            continue
        records[ent] = RawRecord(line=line, fields=row)

    companions = (
        (fs.add, ADD_COLUMNS, "addresses", False),
        (fs.alt, ALT_COLUMNS, "aliases", False),
        (fs.comments, COMMENT_COLUMNS, "comments", True),
    )
    for name, columns, attr, optional in companions:
        cpath = find_file(folder, name)
        if cpath is None:
            if optional:
                warnings.append(
                    f"{name} not found next to {main.name}: remarks longer than OFAC's "
                    "field limit may be cut short"
                )
                continue
            raise ListFormatError(
                str(folder / name),
                f"missing {name}: an OFAC legacy CSV publication needs {fs.main}, {fs.add} "
                f"and {fs.alt} in one folder",
            )
        files.append(cpath.name)
        rows = _read_table(cpath, columns, optional=optional, with_line=attr != "comments")
        orphans = 0
        for line, row in rows:
            rec = records.get(row["ent_num"])
            if rec is None:
                orphans += 1
                warnings.append(
                    f"{cpath.name} line {line}: ent_num {row['ent_num']} is not in "
                    f"{main.name}; row ignored"
                )
                continue
            if attr == "comments":
                rec.comments.append(row["remarks"])
            else:
                getattr(rec, attr).append(row)
        if rows and orphans > _ORPHAN_LIMIT * len(rows) and orphans > 1:
            raise ListFormatError(
                str(cpath),
                f"{orphans} of {len(rows)} rows name ent_nums {main.name} does not have: "
                "the file belongs to another publication",
            )
    return list(records.values()), files, warnings


def _join_programs(a: str, b: str) -> str:
    return "] [".join(dedupe([*split_programs(a), *split_programs(b)]))


# ---------------------------------------------------------------- mapping


def split_programs(cell: str | None) -> list[str]:
    """``UKRAINE-EO13661] [CYBER2] [ELECTION-EO13848`` -> the three program codes."""
    s = _null(cell)
    if not s:
        return []
    out = []
    for part in s.replace("][", "] [").split("] ["):
        code = clean(part.strip(" []"))
        if code:
            out.append(code)
    return dedupe(out)


def name_parts(name: str) -> dict[str, str]:
    """OFAC writes individuals as ``SURNAME, Given Names``."""
    family, sep, given = name.partition(",")
    if not sep or not family.strip() or not given.strip():
        return {}
    return {"family": family.strip(), "given": given.strip()}


_SCRIPTS = {
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "GREEK": "Grek",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "THAI": "Thai",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "DEVANAGARI": "Deva",
    "PERSIAN": "Arab",
    "MYANMAR": "Mymr",
    "ETHIOPIC": "Ethi",
    "KHMER": "Khmr",
}


def script_of(text: str) -> str | None:
    """ISO 15924 code of a name not in Latin script (None for Latin or unknown)."""
    if text.isascii():
        return None
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            uname = unicodedata.name(ch, "")
            first = uname.split(" ", 1)[0]
            if first == "LATIN":
                continue
            return _SCRIPTS.get(first)
    return None


def _name(full: str, kind: NameKind, strength: str | None, person: bool) -> Name:
    return Name(
        full=full,
        kind=kind,
        strength=strength,
        script=script_of(full),
        parts=name_parts(full) if person else {},
    )


@lru_cache(maxsize=4096)
def _country(text: str | None) -> str | None:
    """ISO code (else the text) of a country cell; cached, the same few hundred repeat."""
    return country_or_raw(text) if text else None


@lru_cache(maxsize=4096)
def _country_iso(text: str | None) -> str | None:
    return country_code(text) if text else None


def _address(row: dict[str, str]) -> Address | None:
    street = _NULL[row.get("address")]
    city = _NULL[row.get("city_state_postal")]
    country = _NULL[row.get("country")]
    note = _NULL[row.get("add_remarks")]
    parts = [p for p in (street, city, country) if p]
    if not parts and not note:
        return None
    full = ", ".join(parts)
    if note:
        full = f"{full} ({note})" if full else note
    return Address(full=full, street=street, city=city, country=_country_iso(country))


def to_entity(rec: RawRecord, source: str) -> tuple[Entity, list[str]]:
    """Map one raw OFAC record to an Entity (pure); returns it with any warnings."""
    f = rec.fields
    warnings: list[str] = []
    native_id = f["ent_num"]
    name = _null(f["SDN_Name"]) or ""
    type_cell = _NULL[f["SDN_Type"]]
    etype = EntityType.ORGANIZATION if type_cell is None else _TYPES.get(type_cell.lower())
    if etype is None:
        warnings.append(f"line {rec.line}: unknown SDN_Type {type_cell!r} for {native_id}")
        etype = EntityType.UNKNOWN
    person = etype is EntityType.PERSON

    names = [_name(name, NameKind.PRIMARY, None, person)]
    seen = {(name, NameKind.PRIMARY)}
    for alt in rec.aliases:
        alias = _null(alt.get("alt_name"))
        if not alias:
            warnings.append(f"alias line {alt.get('_line')}: alias of {native_id} has no name")
            continue
        kind_cell = (_NULL[alt.get("alt_type")] or "aka").lower()
        kind = _ALT_KINDS.get(kind_cell)
        if kind is None:
            warnings.append(
                f"alias line {alt.get('_line')}: unknown alt_type {kind_cell!r}; taken as aka"
            )
            kind = NameKind.AKA
        remark = _NULL[alt.get("alt_remarks")] or ""
        strength = WEAK if "weak" in remark.lower() else STRONG
        if (alias, kind) not in seen:
            seen.add((alias, kind))
            names.append(_name(alias, kind, strength, person))

    remarks_text = _null(f["Remarks"]) or ""
    for extra in rec.comments:
        remarks_text += extra  # continues the cut cell, often mid-word
    remarks = clean(remarks_text)
    parsed = parse_remarks(remarks) if remarks else None

    attributes: dict[str, list[str]] = {}
    countries: list[str] = []
    for col, key in _VESSEL_ATTRS:
        value = _NULL[f[col]]
        if value:
            attributes.setdefault(key, []).append(value)
            if col == "Vess_flag":
                code = _country(value)
                if code:
                    countries.append(code)

    title_cell = _NULL[f["Title"]]
    titles = [t for t in (clean(x) for x in title_cell.split(";")) if t] if title_cell else []
    addresses = [a for a in (_address(row) for row in rec.addresses) if a is not None]
    countries += [c for c in (_country(_NULL[r.get("country")]) for r in rec.addresses) if c]

    entity = Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=etype,
        name=name,
        names=names,
        addresses=addresses,
        programs=[Program(code, AUTHORITY) for code in _PROGRAMS[f["Program"]]],
        titles=titles,
        attributes=attributes,
        remarks=remarks,
        raw=_raw(rec),
    )
    if parsed is not None:
        for alias_name in parsed.aliases:
            if (alias_name.full, alias_name.kind) in seen:
                continue
            seen.add((alias_name.full, alias_name.kind))
            alias_name.script = script_of(alias_name.full)
            if person:
                alias_name.parts = name_parts(alias_name.full)
            entity.names.append(alias_name)
        entity.birth_dates = parsed.birth_dates
        entity.birth_places = parsed.birth_places
        entity.nationalities = parsed.nationalities
        entity.citizenships = parsed.citizenships
        entity.gender = parsed.gender
        entity.documents = parsed.documents
        entity.links = parsed.links
        entity.titles = dedupe([*titles, *parsed.titles])
        entity.unparsed = parsed.unparsed
        countries += parsed.countries
        for key, values in parsed.attributes.items():
            bucket = attributes.setdefault(key, [])
            bucket.extend(v for v in values if v not in bucket)
    entity.countries = dedupe(countries)
    return entity, warnings


_RAW_MAIN = frozenset(MAIN_COLUMNS)
_RAW_ALT = frozenset(ALT_COLUMNS[1:])
_RAW_ADD = frozenset(ADD_COLUMNS[1:])


def _raw(rec: RawRecord) -> dict[str, Any]:
    """The record as read: non-null cells of every row, by OFAC column name."""

    def keep(row: dict[str, str], columns: frozenset[str]) -> dict[str, str]:
        # rows hold their cells in column order (``_read_table``), so walking the row
        # keeps that order without a lookup per column
        return {c: v for c, v in row.items() if c in columns and v not in _RAW_NULLS and v is not None}

    raw: dict[str, Any] = keep(rec.fields, _RAW_MAIN)
    if rec.aliases:
        raw["alt"] = [keep(a, _RAW_ALT) for a in rec.aliases]
    if rec.addresses:
        raw["add"] = [keep(a, _RAW_ADD) for a in rec.addresses]
    if rec.comments:
        raw["comments"] = list(rec.comments)
    return raw


# ---------------------------------------------------------------- contract


def sniff(path: Path) -> bool:
    """A folder holding sdn.csv/cons_prim.csv, or such a file, whose first row looks right."""
    try:
        main, fs = _files(path)
        if main.name.lower() != fs.main and (
            find_file(main.parent, fs.add) is None or find_file(main.parent, fs.alt) is None
        ):
            return False  # an unusual name: only with its companions beside it
        with main.open("rb") as fh:
            head = fh.read(8192)
        text = head.decode("utf-8-sig", errors="replace").lstrip("\ufeff")
        first = text.splitlines()[0] if text.strip() else ""
        for _line, row in csv_rows(first, main):
            return len(row) == len(MAIN_COLUMNS) and (
                row[0].strip().isdigit() or row[0].strip().lower() == "ent_num"
            )
        return False
    except (OSError, ValueError, IndexError, ListFormatError):
        return False


def read_raw(path: Path, source: str) -> RawList:
    """The publication's records, grouped but not yet mapped (``to_entity`` maps each)."""
    # The memos hold one list's distinct cells: a new load starts them afresh.
    _NULL.clear()
    _PROGRAMS.clear()
    records, files, warnings = read_records(path)
    # OFAC's legacy CSV files carry no publication date
    return RawList(source, FORMAT, records, to_entity, None, files, warnings)


def read(path: Path, source: str) -> ListData:
    # Building ~10^5 small objects: pausing the cyclic GC (nothing here makes cycles)
    # saves a quarter of the time.
    try:
        with gc_paused():
            return read_raw(path, source).mapped()
    finally:
        _NULL.clear()  # each load does its own work; memory goes back
        _PROGRAMS.clear()
