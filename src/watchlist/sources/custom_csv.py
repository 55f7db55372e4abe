"""A documented CSV for a user's own list (see ``docs/custom-csv.md``).

UTF-8, comma-separated, one header row. Required columns ``id`` and ``name``; optional
``type`` (person / organization / vessel / aircraft), ``aliases``, ``dob``, ``nationality``,
``country``, ``gender``, ``passport``, ``national_id``, ``program``, ``authority``,
``remarks``, ``listed_on``. Multi-value cells (``aliases``, ``dob``, ``nationality``,
``country``, ``passport``, ``national_id``, ``program``) are ``;``-separated. Any other
column is kept in ``attributes`` under its header. Header names are matched
case-insensitively. Three steps, each visible below:

1. ``read`` decodes the file (UTF-8; a Windows-1252 file is read with a warning) and checks
   the header;
2. ``records`` yields each data row as a dict keyed by the header, with its line number;
3. ``to_entity`` maps one row to a ``model.Entity`` (pure); rows sharing an ``id`` are merged
   (names and every other value are united; the first row's primary name stays primary).

Refused (``ListFormatError`` naming the line): a missing ``id`` or ``name`` column, a row
without id or name, an unknown ``type``. Recoverable oddities (a ``dob`` or ``listed_on``
that is not a date, an unknown ``gender``, a row with more cells than the header) are kept
in ``unparsed`` / left out and reported in ``warnings``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from watchlist.errors import ListFormatError
from watchlist.model import (
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
    country_or_raw,
    csv_rows,
    dedupe,
    find_file,
    parse_date,
    read_bytes,
    split_values,
)

FORMAT = "custom-csv"
REQUIRED = ("id", "name")
OPTIONAL = (
    "type",
    "aliases",
    "dob",
    "nationality",
    "country",
    "gender",
    "passport",
    "national_id",
    "program",
    "authority",
    "remarks",
    "listed_on",
)
FILE_NAMES = ("watchlist.csv", "custom.csv", "list.csv")

TYPES = {
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "organization": EntityType.ORGANIZATION,
    "organisation": EntityType.ORGANIZATION,
    "entity": EntityType.ORGANIZATION,
    "company": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "ship": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
    "airplane": EntityType.AIRCRAFT,
    "unknown": EntityType.UNKNOWN,
}
GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female"}


class _RecordError(Exception):
    """A row that cannot be mapped; ``read`` names its line."""


# ---------------------------------------------------------------- files


def _header(path: Path) -> list[str]:
    with path.open("rb") as f:
        first = f.readline(65536)
    text = first.decode("utf-8-sig", errors="replace")
    return [h.strip().strip('"').strip().lower() for h in text.split(",")]


def _candidate(path: Path) -> Path | None:
    if path.is_file():
        return path
    if not path.is_dir():
        return None
    found = find_file(path, *FILE_NAMES)
    if found is not None:
        return found
    try:
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    except OSError:
        return None
    return files[0] if len(files) == 1 else None


def sniff(path: Path) -> bool:
    """True for a CSV file (or a folder holding one) whose header has ``id`` and ``name``.
    Never raises. (Not used for automatic detection: name the format explicitly.)"""
    try:
        found = _candidate(path)
        if found is None or found.suffix.lower() not in (".csv", ".txt"):
            return False
        header = _header(found)
    except OSError:
        return False
    return all(c in header for c in REQUIRED)


# ---------------------------------------------------------------- reading


def read(path: Path, source: str) -> ListData:
    file = _candidate(path)
    if file is None:
        raise ListFormatError(str(path), "no custom CSV file found (name the .csv file)")
    data = read_bytes(file)
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ListFormatError(str(file), "file is not UTF-8 text") from exc
        warnings.append(f"{file.name}: not UTF-8; read as Windows-1252")
    if "\x00" in text:
        raise ListFormatError(str(file), "file holds NUL bytes: not a CSV text file")
    _check_not_cut(text, file)
    by_id: dict[str, Entity] = {}
    for line, rec in records(text, file, warnings):
        try:
            entity = to_entity(rec, source, warnings=warnings, line=line)
        except _RecordError as exc:
            raise ListFormatError(str(file), str(exc), line=line) from exc
        old = by_id.get(entity.id)
        if old is None:
            by_id[entity.id] = entity
            continue
        if EntityType.UNKNOWN not in (old.type, entity.type) and old.type is not entity.type:
            raise ListFormatError(
                str(file),
                f"id {entity.native_id} is a {old.type} on line {old.raw.get('line')} "
                f"but a {entity.type} here",
                line=line,
            )
        merge(old, entity)
    if not by_id:
        raise ListFormatError(str(file), "the file holds a header but no rows")
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=None,
        files=[file.name],
        warnings=warnings,
    )


def _check_not_cut(text: str, file: Path) -> None:
    """Refuse a file that ends inside a quoted field (cut off mid-record): the lenient
    reader would silently take the partial row."""
    if '"' not in text:
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ListFormatError(
                str(file), "file ends inside a quoted field (cut off?)", line=reader.line_num
            ) from exc
        # other strictness complaints (a stray quote) are for the lenient reader to judge


def records(
    text: str, file: Path, warnings: list[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: cell}) for each non-empty data row; the header is checked first."""
    notes = warnings if warnings is not None else []
    header: list[str] | None = None
    for line, row in csv_rows(text, file):
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                reason = "missing required column " + ", ".join(repr(c) for c in missing)
                if len(row) == 1 and (";" in row[0] or "\t" in row[0]):
                    reason += " (the header is not comma-separated)"
                raise ListFormatError(str(file), reason, line=line)
            dupes = sorted({h for h in header if h and header.count(h) > 1})
            if dupes:
                raise ListFormatError(
                    str(file), "column(s) named twice: " + ", ".join(dupes), line=line
                )
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            notes.append(
                f"line {line}: {len(row)} cells for {len(header)} columns; extra cells ignored"
            )
        yield line, {h: row[i] for i, h in enumerate(header) if h and i < len(row)}
    if header is None:
        raise ListFormatError(str(file), "file is empty (no header row)")


# ---------------------------------------------------------------- mapping


def _dates(
    values: list[str], what: str, line: int | None, notes: list[str], bad: list[str]
) -> list[PartialDate]:
    out = []
    for v in values:
        d = parse_date(v)
        if d is None:
            notes.append(f"line {line}: {what} {v!r} is not a date; kept in unparsed")
            bad.append(f"{what}: {v}")
        else:
            out.append(d)
    return out


def to_entity(
    rec: dict[str, str],
    source: str,
    *,
    warnings: list[str] | None = None,
    line: int | None = None,
) -> Entity:
    """Map one row to an Entity. Oddities go to ``warnings`` (with the line)."""
    notes = warnings if warnings is not None else []
    native = clean(rec.get("id"))
    name = clean(rec.get("name"))
    if not native:
        raise _RecordError("row has no id")
    if not name:
        raise _RecordError(f"row {native} has no name")
    type_text = (clean(rec.get("type")) or "").lower()
    if type_text and type_text not in TYPES:
        raise _RecordError(
            f"row {native}: unknown type {rec.get('type')!r} "
            f"(expected one of person, organization, vessel, aircraft)"
        )
    etype = TYPES.get(type_text, EntityType.UNKNOWN)

    names = [Name(full=name, kind=NameKind.PRIMARY, script=_script(name))]
    for alias in split_values(rec.get("aliases")):
        if all(alias != n.full for n in names):
            names.append(Name(full=alias, kind=NameKind.AKA, script=_script(alias)))

    unparsed: list[str] = []
    dobs = _dates(split_values(rec.get("dob")), "dob", line, notes, unparsed)
    listed = _dates(split_values(rec.get("listed_on")), "listed_on", line, notes, unparsed)
    listed_iso = [iso for d in listed if d.day and (iso := d.iso())]
    if listed and not listed_iso:
        notes.append(f"line {line}: listed_on {rec.get('listed_on')!r} is not a full date")

    gender_text = (clean(rec.get("gender")) or "").lower()
    gender = GENDERS.get(gender_text)
    if gender_text and gender is None:
        notes.append(f"line {line}: unknown gender {rec.get('gender')!r}; ignored")
        unparsed.append(f"gender: {rec.get('gender')}")

    nationalities = [
        c for c in (country_or_raw(v) for v in split_values(rec.get("nationality"))) if c
    ]
    countries = [c for c in (country_or_raw(v) for v in split_values(rec.get("country"))) if c]
    documents = [Document("passport", v) for v in split_values(rec.get("passport"))]
    documents += [Document("national_id", v) for v in split_values(rec.get("national_id"))]
    authority = clean(rec.get("authority")) or source
    programs = [
        Program(code=p, authority=authority) for p in dedupe(split_values(rec.get("program")))
    ]

    known = set(REQUIRED) | set(OPTIONAL)
    attributes: dict[str, list[str]] = {}
    for key, value in rec.items():
        if key in known:
            continue
        v = clean(value)
        if v:
            attributes[key] = [v]
    raw: dict[str, Any] = {k: v for k, v in rec.items() if v != ""}
    if line is not None:
        raw["line"] = line
    return Entity(
        id=f"{source}:{native}",
        source=source,
        native_id=native,
        type=etype,
        name=name,
        names=names,
        birth_dates=dobs,
        nationalities=dedupe(nationalities),
        countries=dedupe(countries),
        gender=gender,
        documents=documents,
        programs=programs,
        listed_on=min(listed_iso) if listed_iso else None,
        attributes=attributes,
        remarks=clean(rec.get("remarks")),
        unparsed=unparsed,
        raw=raw,
    )


def _script(text: str) -> str | None:
    s = detect_script(text)
    return None if s == "Latn" else s


def merge(into: Entity, other: Entity) -> None:
    """Fold a later row with the same id into ``into``: names and all values are united."""
    if into.type is EntityType.UNKNOWN:
        into.type = other.type
    known = {n.full for n in into.names}
    for n in other.names:
        if n.full not in known:
            known.add(n.full)
            into.names.append(Name(full=n.full, kind=NameKind.AKA, script=n.script))
    for attr in ("nationalities", "countries", "unparsed"):
        target = getattr(into, attr)
        target.extend(v for v in getattr(other, attr) if v not in target)
    into.birth_dates.extend(d for d in other.birth_dates if d not in into.birth_dates)
    into.documents.extend(d for d in other.documents if d not in into.documents)
    into.programs.extend(p for p in other.programs if p not in into.programs)
    into.gender = into.gender or other.gender
    if other.remarks and other.remarks != into.remarks:
        into.remarks = f"{into.remarks}\n{other.remarks}" if into.remarks else other.remarks
    if other.listed_on and (into.listed_on is None or other.listed_on < into.listed_on):
        into.listed_on = other.listed_on
    for key, values in other.attributes.items():
        target_values = into.attributes.setdefault(key, [])
        target_values.extend(v for v in values if v not in target_values)
    into.raw.setdefault("merged_rows", []).append(other.raw)
