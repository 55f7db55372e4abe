"""FollowTheMoney (FtM) JSON lines: import (OpenSanctions exports) and export.

One JSON object per line: ``id, schema, properties{prop: [values]}, caption, datasets,
referents, first_seen, last_seen, last_change, target``. The OpenSanctions "nested" export
(``targets.nested.json``) may hold whole entity dicts inside ``properties``; they are
lifted out and indexed like top-level lines. Three steps, each visible below:

1. ``records`` reads the file line by line (orjson), checks each line's shape and names
   the line of any fault; ``Index`` collects what the mapping needs (targets, sanctions,
   identifications, addresses, relationship edges, names of other parties);
2. ``Index.targets`` are the entities to emit: entities of the schemata a sanctions target
   can have (Person, Organization, Company, PublicBody, LegalEntity, Vessel, Airplane), with
   ``target: true`` when the file carries the flag (all of them when it does not);
3. ``to_entity`` maps one target, with the ``Index`` as context, to a ``model.Entity``.

Mapping notes (documented choices):

* id: ``{source}:{FtM id}``. Names: the caption (else the first ``name``) is primary, other
  ``name`` values and ``alias``/``abbreviation`` are aka, ``weakAlias`` weak aka,
  ``previousName`` fka; non-Latin names get their script. ``firstName``, ``middleName``,
  ``lastName``, ``fatherName``, ``title``, ``nameSuffix`` become parts of the primary name
  when the value occurs in it.
* ``Sanction`` entities (``entity`` -> target) give programs (code = ``programId``, else
  ``program``, else the authority; name = ``program``) and measures (from ``provisions``:
  asset freeze / block -> asset_freeze, travel ban -> travel_ban, arms -> arms_embargo);
  listed_on = earliest ``listingDate``/``startDate`` (else ``createdAt``); amended_on =
  latest ``modifiedAt`` (else ``last_change``). A ``programId`` no Sanction explains is a
  program of authority "OpenSanctions".
* documents: ``passportNumber``, ``idNumber``, ``taxNumber``/``innCode``/``vatCode``,
  ``registrationNumber``/``ogrnCode``/``leiCode``..., ``imoNumber``, ``mmsi``,
  ``swiftBic``; and ``Identification``/``Passport`` entities by ``holder`` (richer, so
  they win over a bare property with the same number).
* addresses: ``addressEntity`` -> ``Address`` entities (parts + country), then ``address``
  texts not already covered. Edges (Ownership, Family, Directorship, ...) -> ``links`` (the
  other party's caption, else its id).
* ``data_date`` = latest ``last_change``/``last_seen`` of the file.

Export (``export_entities``) writes our entities back as FtM JSON lines: one thing
(Person / Organization / Vessel / Airplane / LegalEntity, id ``wl-<our id>``) plus its
``Address``, ``Passport``/``Identification`` and one ``Sanction`` per program, every value
validated by ``followthemoney``; reading the output back gives the same names, dates,
countries, documents and programs. Where FtM cannot say what we say, the export is lossy
by design: a birth-year range becomes each year of it (FtM has no ranges), values FtM
rejects are dropped (a nationality that is no country code or name) or fall back to a
generic identifier (an IMO number whose check digit fails goes to ``registrationNumber``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import orjson
from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy
from followthemoney.schema import Schema

from watchlist.errors import ListFormatError
from watchlist.model import (
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
from watchlist.sources._parse import clean, dedupe, find_file, parse_date

FORMAT = "ftm"
FILE_NAMES = (
    "entities.ftm.json",
    "targets.nested.json",
    "entities.ftm.jsonl",
    "entities.json",
    "entities.jsonl",
)
PROGRAM_AUTHORITY = "OpenSanctions"  # for a programId no Sanction entity explains

# schema -> our type; checked with Schema.is_a, most specific first
_TARGET_SCHEMATA: tuple[tuple[str, EntityType], ...] = (
    ("Person", EntityType.PERSON),
    ("Organization", EntityType.ORGANIZATION),
    ("Vessel", EntityType.VESSEL),
    ("Airplane", EntityType.AIRCRAFT),
    ("LegalEntity", EntityType.UNKNOWN),
)
_NAME_PROPS: tuple[tuple[str, NameKind, str | None], ...] = (
    ("name", NameKind.AKA, None),
    ("alias", NameKind.AKA, None),
    ("abbreviation", NameKind.AKA, None),
    ("weakAlias", NameKind.AKA, WEAK),
    ("previousName", NameKind.FKA, None),
)
_PART_PROPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("given", ("firstName",)),
    ("middle", ("middleName", "secondName")),
    ("family", ("lastName",)),
    ("patronymic", ("fatherName",)),
    ("title", ("title",)),
    ("suffix", ("nameSuffix",)),
)
# property -> document type (person / other for idNumber)
_DOC_PROPS: tuple[tuple[str, str], ...] = (
    ("passportNumber", "passport"),
    ("taxNumber", "tax_id"),
    ("innCode", "tax_id"),
    ("vatCode", "tax_id"),
    ("registrationNumber", "registration"),
    ("ogrnCode", "registration"),
    ("okpoCode", "registration"),
    ("leiCode", "registration"),
    ("dunsCode", "registration"),
    ("uscCode", "registration"),
    ("imoNumber", "imo"),
    ("mmsi", "mmsi"),
    ("swiftBic", "swift_bic"),
    ("idNumber", "national_id"),  # generic: last, so a specific property names the type
    ("socialSecurityNumber", "national_id"),
)
_DOC_TYPES = frozenset(t for _, t in _DOC_PROPS) | {"other", "driving_licence"}
# properties whose name says more than the document type: kept as the document's note
_NOTE_PROPS = frozenset(
    {
        "innCode",
        "vatCode",
        "ogrnCode",
        "okpoCode",
        "leiCode",
        "dunsCode",
        "uscCode",
        "socialSecurityNumber",
    }
)
_ATTRIBUTE_PROPS = (
    "topics",
    "email",
    "phone",
    "website",
    "legalForm",
    "status",
    "incorporationDate",
    "dissolutionDate",
    "sector",
    "flag",
    "pastFlags",
    "callSign",
    "tonnage",
    "grossRegisteredTonnage",
    "deadweightTonnage",
    "buildDate",
    "type",
    "model",
    "manufacturer",
    "serialNumber",
    "icaoCode",
    "wikidataId",
)
_MEASURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"freez|^block(ed|ing)?$|targeted financial sanction", re.I), "asset_freeze"),
    (re.compile(r"travel|entry ban|visa ban", re.I), "travel_ban"),
    (re.compile(r"\barms\b|arms_embargo", re.I), "arms_embargo"),
)
_TOKEN = re.compile(r"^[a-z]+(?:_[a-z]+)+$")  # our own measure vocabulary, as exported
_DOC_TOKEN = re.compile(r"^[a-z]+(?:_[a-z]+)*$")  # our own document types, as exported


class _RecordError(Exception):
    """A target that cannot be mapped; ``read`` names its line."""


# ---------------------------------------------------------------- files


def _first_line(path: Path) -> bytes:
    with path.open("rb") as f:
        for _ in range(50):
            line = f.readline(1 << 20)
            if not line:
                return b""
            if line.strip():
                return line
    return b""


def _looks_like_ftm(path: Path) -> bool:
    try:
        obj = orjson.loads(_first_line(path))
    except (OSError, orjson.JSONDecodeError, ValueError):
        return False
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("schema"), str)
        and isinstance(obj.get("properties"), dict)
        and "id" in obj
    )


def _candidate(path: Path) -> Path | None:
    if path.is_file():
        return path
    if not path.is_dir():
        return None
    found = find_file(path, *FILE_NAMES)
    if found is not None:
        return found
    try:
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in (".json", ".jsonl", ".ftm", ".ndjson")
        )
    except OSError:
        return None
    matches = [p for p in files if _looks_like_ftm(p)]
    return matches[0] if len(matches) == 1 else None


def sniff(path: Path) -> bool:
    """True for an FtM JSON-lines file (or a folder holding one). Never raises."""
    try:
        found = _candidate(path)
    except OSError:
        return False
    return found is not None and _looks_like_ftm(found)


# ---------------------------------------------------------------- reading


@dataclass
class Record:
    """One FtM entity as read: its line, its data (nested entities replaced by their ids)
    and whether it was nested inside another line."""

    line: int
    data: dict[str, Any]
    schema: Schema
    nested: bool = False
    raw: dict[str, Any] | None = None  # the line as read (top-level records only)


@dataclass
class Index:
    """What mapping a target needs from the rest of the file."""

    records: dict[str, Record] = field(default_factory=dict)
    targets: list[Record] = field(default_factory=list)
    sanctions: dict[str, list[dict[str, list[str]]]] = field(default_factory=dict)
    identifications: dict[str, list[Record]] = field(default_factory=dict)
    edges: dict[str, list[str]] = field(default_factory=dict)  # entity id -> other ids
    latest: str | None = None
    warnings: list[str] = field(default_factory=list)

    def name_of(self, entity_id: str) -> str:
        rec = self.records.get(entity_id)
        if rec is None:
            return entity_id
        caption = rec.data.get("caption")
        if isinstance(caption, str) and clean(caption):
            return str(clean(caption))
        names = rec.data["properties"].get("name") or []
        return str(names[0]) if names else entity_id


def read(path: Path, source: str) -> ListData:
    # Many small objects and no cycles: pausing the cyclic GC saves much time on big files.
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
        raise ListFormatError(str(path), "no FollowTheMoney JSON-lines file found")
    index = build_index(records(file), file)
    entities: list[Entity] = []
    for rec in index.targets:
        try:
            entities.append(to_entity(rec, index, source))
        except _RecordError as exc:
            raise ListFormatError(str(file), str(exc), line=rec.line) from exc
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file), f"cannot map entity {rec.data.get('id')} ({exc!r})", line=rec.line
            ) from exc
    return ListData(
        source=source,
        format=FORMAT,
        entities=entities,
        data_date=index.latest[:10] if index.latest else None,
        files=[file.name],
        warnings=index.warnings,
    )


def records(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-empty line; a line that is not a JSON object
    (cut off, corrupted, not UTF-8) is an error naming the line."""
    try:
        f = file.open("rb")
    except OSError as exc:
        raise ListFormatError(str(file), f"cannot read file: {exc.strerror or exc}") from exc
    seen_any = False
    with f:
        line_no = 0
        while True:
            try:
                line = f.readline()
            except OSError as exc:
                raise ListFormatError(str(file), f"cannot read file: {exc}") from exc
            if not line:
                break
            line_no += 1
            if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip(b" \t\r\n\x00\x1a"):
                continue
            seen_any = True
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                reason = "line is not valid JSON"
                if not line.endswith(b"\n"):
                    reason += " (file cut off mid-line?)"
                raise ListFormatError(str(file), f"{reason}: {exc}", line=line_no) from exc
            if not isinstance(obj, dict):
                raise ListFormatError(
                    str(file),
                    f"line is a JSON {type(obj).__name__}, not an FtM entity object",
                    line=line_no,
                )
            yield line_no, obj
    if not seen_any:
        raise ListFormatError(str(file), "file is empty")


def _check(obj: dict[str, Any], file: Path, line: int, where: str) -> tuple[str, str]:
    eid = obj.get("id")
    schema = obj.get("schema")
    if not isinstance(eid, str) or not eid.strip():
        raise ListFormatError(str(file), f"{where} has no entity id", line=line)
    if not isinstance(schema, str) or not schema:
        raise ListFormatError(str(file), f"{where} {eid} has no schema", line=line)
    props = obj.get("properties", {})
    if not isinstance(props, dict):
        raise ListFormatError(str(file), f"{where} {eid}: properties is not an object", line=line)
    for key, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str | dict) for v in values):
            raise ListFormatError(
                str(file), f"{where} {eid}: property {key!r} is not a list of strings", line=line
            )
    return eid, schema


def _lift(
    obj: dict[str, Any], file: Path, line: int, out: list[dict[str, Any]], depth: int = 0
) -> dict[str, Any]:
    """A copy of ``obj`` whose nested entity dicts are replaced by their ids; the nested
    entities (lifted too) are appended to ``out``."""
    if depth > 20:
        raise ListFormatError(str(file), "entities nested too deeply", line=line)
    _check(obj, file, line, "nested entity" if depth else "entity")
    props: dict[str, list[str]] = {}
    for key, values in (obj.get("properties") or {}).items():
        flat: list[str] = []
        for v in values:
            if isinstance(v, dict):
                child = _lift(v, file, line, out, depth + 1)
                out.append(child)
                flat.append(str(child["id"]))
            else:
                flat.append(v)
        props[key] = flat
    data = dict(obj)
    data["properties"] = props
    return data


def build_index(rows: Iterable[tuple[int, dict[str, Any]]], file: Path) -> Index:
    index = Index()
    top: list[Record] = []
    has_target_flag = False
    for line, obj in rows:
        nested: list[dict[str, Any]] = []
        data = _lift(obj, file, line, nested)
        for i, d in enumerate([data, *nested]):
            schema = model.get(d["schema"])
            if schema is None:
                index.warnings.append(
                    f"line {line}: unknown FtM schema {d['schema']!r} of {d['id']}; skipped"
                )
                continue
            rec = Record(line, d, schema, nested=i > 0, raw=obj if i == 0 else None)
            old = index.records.get(d["id"])
            if old is not None:
                if i == 0 and not old.nested:
                    index.warnings.append(
                        f"line {line}: entity {d['id']} appears again (line {old.line}); merged"
                    )
                for key, values in d["properties"].items():
                    known = old.data["properties"].setdefault(key, [])
                    known.extend(v for v in values if v not in known)
                if i == 0 and old.nested:  # a top-level line wins over a nested copy
                    old.nested, old.raw, old.line = False, obj, line
                    top.append(old)
                continue
            index.records[d["id"]] = rec
            if i == 0:
                top.append(rec)
                has_target_flag = has_target_flag or "target" in d
                for key in ("last_change", "last_seen"):
                    stamp = d.get(key)
                    if isinstance(stamp, str) and (index.latest is None or stamp > index.latest):
                        index.latest = stamp
            _index_links(rec, index)
    for rec in top:
        if _entity_type(rec.schema) is None:
            continue
        if has_target_flag and rec.data.get("target") is not True:
            continue
        index.targets.append(rec)
    return index


def _index_links(rec: Record, index: Index) -> None:
    props = rec.data["properties"]
    schema = rec.schema
    if schema.is_a("Sanction"):
        for eid in props.get("entity", []):
            index.sanctions.setdefault(eid, []).append(props)
    elif schema.is_a("Identification"):
        for eid in props.get("holder", []):
            index.identifications.setdefault(eid, []).append(rec)
    elif schema.edge and schema.edge_source and schema.edge_target:
        sources = props.get(schema.edge_source, [])
        targets = props.get(schema.edge_target, [])
        for s in sources:
            for t in targets:
                if s != t:
                    index.edges.setdefault(s, []).append(t)
                    index.edges.setdefault(t, []).append(s)


def _entity_type(schema: Schema) -> EntityType | None:
    for name, etype in _TARGET_SCHEMATA:
        if schema.is_a(name):
            return etype
    return None


# ---------------------------------------------------------------- mapping


def _date(value: str | None) -> str | None:
    d = parse_date(value[:10] if value else None)
    return d.iso() if d and d.day else None


def _measures(provisions: Iterable[str]) -> list[str]:
    out = []
    for p in provisions:
        text = p.strip()
        for pattern, measure in _MEASURES:
            if pattern.search(text):
                out.append(measure)
                break
        else:
            if _TOKEN.match(text):
                out.append(text)
    return out


def _norm_address(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


_clean = lru_cache(maxsize=1 << 16)(clean)  # countries, topics, names repeat a lot


class _Values:
    """The property values of one record, limited to the properties its schema defines."""

    __slots__ = ("props", "schema_props")

    def __init__(self, rec: Record) -> None:
        self.props: dict[str, list[str]] = rec.data["properties"]
        self.schema_props = rec.schema.properties

    def raw(self, prop: str) -> list[str]:
        if prop not in self.schema_props:
            return []
        return self.props.get(prop) or []

    def clean(self, prop: str) -> list[str]:
        return [v for v in map(_clean, self.raw(prop)) if v]


def to_entity(rec: Record, index: Index, source: str) -> Entity:
    """Map one target record, with the file's ``Index`` as context, to an Entity."""
    data = rec.data
    eid = str(data["id"])
    etype = _entity_type(rec.schema)
    if etype is None:
        raise _RecordError(f"entity {eid} of schema {rec.schema.name} cannot be a target")
    values = _Values(rec)
    get = values.clean

    caption = clean(data.get("caption")) if isinstance(data.get("caption"), str) else None
    all_names = get("name")
    primary = caption if caption and (caption in all_names or not all_names) else None
    primary = primary or (all_names[0] if all_names else None)
    if not primary:
        raise _RecordError(f"entity {eid} ({rec.schema.name}) has no name")

    parts: dict[str, str] = {}
    low = primary.lower()
    for key, props in _PART_PROPS:
        for prop in props:
            match = next((v for v in get(prop) if v.lower() in low), None)
            if match:
                parts[key] = match
                break
    names: list[Name] = []
    seen: set[str] = set()

    def add(full: str, kind: NameKind, strength: str | None, name_parts: dict[str, str]) -> None:
        if full in seen:
            return
        seen.add(full)
        script = detect_script(full)
        names.append(
            Name(
                full=full,
                kind=kind,
                strength=strength,
                script=None if script == "Latn" else script,
                parts=name_parts,
            )
        )

    add(primary, NameKind.PRIMARY, None, parts)
    for prop, kind, strength in _NAME_PROPS:
        for value in get(prop):
            add(value, kind, strength, {})

    birth_dates: list[PartialDate] = []
    unparsed: list[str] = []
    for value in get("birthDate"):
        d = parse_date(value)
        if d is None:
            unparsed.append(f"birthDate {value}")
        elif all(d.iso() != o.iso() for o in birth_dates):
            birth_dates.append(d)

    documents = _documents(eid, values, etype, index)
    addresses = _addresses(values, index)
    programs, measures, listed, amended = _sanctions(eid, index)
    for pid in get("programId"):
        if all(p.code != pid for p in programs):
            programs.append(Program(code=pid, authority=PROGRAM_AUTHORITY))
    if not listed:
        listed = [d for d in (_date(v) for v in get("createdAt")) if d]
    modified = [d for d in (_date(v) for v in get("modifiedAt")) if d] or amended
    if not modified and isinstance(data.get("last_change"), str):
        modified = [d for d in [_date(data["last_change"])] if d]

    attributes: dict[str, list[str]] = {}
    for prop in _ATTRIBUTE_PROPS:
        found = get(prop)
        if found:
            attributes[prop] = found
    datasets = data.get("datasets")
    if isinstance(datasets, list) and datasets:
        attributes["datasets"] = [str(d) for d in datasets]

    remarks = dedupe([*get("notes"), *get("summary"), *get("description")])
    gender = next((g.lower() for g in get("gender") if g.lower() in ("male", "female")), None)
    countries = dedupe(
        [*(c.lower() for p in ("country", "jurisdiction", "mainCountry") for c in get(p))]
        + [a.country for a in addresses if a.country]
    )
    links = dedupe(index.name_of(o) for o in index.edges.get(eid, []))
    return Entity(
        id=f"{source}:{eid}",
        source=source,
        native_id=eid,
        type=etype,
        name=primary,
        names=names,
        birth_dates=birth_dates,
        birth_places=get("birthPlace"),
        nationalities=[c.lower() for c in get("nationality")],
        citizenships=[c.lower() for c in get("citizenship")],
        countries=countries,
        gender=gender,
        documents=documents,
        addresses=addresses,
        programs=programs,
        measures=dedupe(measures),
        titles=dedupe([*get("title"), *get("position")]),
        listed_on=min(listed) if listed else None,
        amended_on=max(modified) if modified else None,
        links=links,
        attributes=attributes,
        remarks="\n".join(remarks) or None,
        unparsed=unparsed,
        raw=rec.raw or data,
    )


def _documents(eid: str, values: _Values, etype: EntityType, index: Index) -> list[Document]:
    docs: list[Document] = []
    for ident in index.identifications.get(eid, []):
        p = ident.data["properties"]
        kind_text = clean(next(iter(p.get("type", [])), None)) or ""
        number = clean(next(iter(p.get("number", []) + p.get("passportNumber", [])), None))
        number = _doc_number(kind_text, number)
        if not number:
            continue
        if kind_text in _DOC_TYPES or _DOC_TOKEN.match(kind_text):
            kind = kind_text  # our own vocabulary (as exported): passport, visa, residency...
        elif ident.schema.is_a("Passport") or "passport" in kind_text.lower():
            kind = "passport"
        elif "tax" in kind_text.lower():
            kind = "tax_id"
        else:
            kind = "national_id" if etype is EntityType.PERSON else "other"
        notes = [] if kind == kind_text or not kind_text else [kind_text]
        for prop in ("summary", "authority"):
            notes.extend(v for v in p.get(prop, []) if v)
        for prop, label in (("startDate", "issued"), ("endDate", "expires")):
            notes.extend(f"{label} {v}" for v in p.get(prop, []) if v)
        country = next(iter(p.get("country", [])), None)
        if all((d.type, d.number) != (kind, number) for d in docs):
            docs.append(
                Document(
                    kind,
                    number,
                    country=country.lower() if country else None,
                    note="; ".join(notes) or None,
                )
            )
    for prop, kind in _DOC_PROPS:
        if prop == "idNumber" and etype is not EntityType.PERSON:
            kind = "registration" if etype is EntityType.ORGANIZATION else "other"
        for value in values.raw(prop):
            number = _doc_number(kind, value)
            if number and all(d.number != number for d in docs):
                docs.append(Document(kind, number, note=prop if prop in _NOTE_PROPS else None))
    return docs


def _doc_number(kind: str, value: str | None) -> str | None:
    number = clean(value)
    if number and kind == "imo" and number[:3].upper() == "IMO":
        return number[3:].strip() or None  # FtM writes IMO numbers as "IMO1234567"
    return number


def _addresses(values: _Values, index: Index) -> list[Address]:
    out: list[Address] = []
    seen: set[str] = set()
    for aid in values.raw("addressEntity"):
        rec = index.records.get(aid)
        if rec is None or not rec.schema.is_a("Address"):
            continue
        p = rec.data["properties"]

        def first(prop: str, props: dict[str, list[str]] = p) -> str | None:
            return clean(next(iter(props.get(prop, [])), None))

        street = first("street")
        city = first("city")
        region = first("region")
        postal = first("postalCode")
        country = first("country")
        full = first("full") or ", ".join(
            x for x in (street, first("postOfficeBox"), postal, city, region) if x
        )
        if not full or _norm_address(full) in seen:
            continue
        seen.add(_norm_address(full))
        for other in p.get("full", [])[1:]:
            seen.add(_norm_address(other))
        out.append(
            Address(
                full=full,
                street=street,
                city=city,
                region=region,
                postal_code=postal,
                country=country.lower() if country else None,
            )
        )
    for text in values.raw("address"):
        line = clean(text)
        if line and _norm_address(line) not in seen:
            seen.add(_norm_address(line))
            out.append(Address(full=line))
    return out


def _sanctions(eid: str, index: Index) -> tuple[list[Program], list[str], list[str], list[str]]:
    programs: list[Program] = []
    measures: list[str] = []
    listed: list[str] = []
    amended: list[str] = []
    for props in index.sanctions.get(eid, []):
        authority = clean(next(iter(props.get("authority", [])), None))
        program = clean(next(iter(props.get("program", [])), None))
        code = clean(next(iter(props.get("programId", [])), None)) or program or authority
        if code:
            p = Program(
                code=code,
                authority=authority or PROGRAM_AUTHORITY,
                name=program if program and program != code else None,
            )
            if all((p.code, p.authority) != (o.code, o.authority) for o in programs):
                programs.append(p)
        measures.extend(_measures(props.get("provisions", [])))
        listed.extend(
            d for v in props.get("listingDate", []) + props.get("startDate", []) if (d := _date(v))
        )
        amended.extend(d for v in props.get("modifiedAt", []) if (d := _date(v)))
    return programs, measures, listed, amended


# ---------------------------------------------------------------- export

_SCHEMA_OF = {
    EntityType.PERSON: "Person",
    EntityType.ORGANIZATION: "Organization",
    EntityType.VESSEL: "Vessel",
    EntityType.AIRCRAFT: "Airplane",
    EntityType.UNKNOWN: "LegalEntity",
}
_EXPORT_DOC_PROPS = {
    "passport": "passportNumber",
    "national_id": "idNumber",
    "tax_id": "taxNumber",
    "registration": "registrationNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "swift_bic": "swiftBic",
}
_EXPORT_PART_PROPS = {
    "given": "firstName",
    "middle": "middleName",
    "family": "lastName",
    "patronymic": "fatherName",
    "title": "title",
    "suffix": "nameSuffix",
}
_EXPORT_ATTRIBUTES = (
    "email",
    "phone",
    "website",
    "flag",
    "callSign",
    "tonnage",
    "grossRegisteredTonnage",
    "buildDate",
    "type",
    "model",
    "manufacturer",
    "serialNumber",
    "legalForm",
    "topics",
)
_ID_CHARS = re.compile(r"[^0-9A-Za-z.\-]+")


def ftm_id(entity_id: str) -> str:
    """A stable FtM id for one of our ids: ``wl-`` + the id with other characters as
    ``-`` (plus a short hash when that loses information)."""
    slug = _ID_CHARS.sub("-", entity_id.replace(":", "-", 1)).strip("-.")
    out = f"wl-{slug}"
    if slug != entity_id.replace(":", "-", 1) or len(out) > 180:
        digest = hashlib.sha1(entity_id.encode()).hexdigest()[:10]
        out = f"{out[:180].rstrip('-.')}-{digest}"
    return out


def _years(d: PartialDate) -> list[str]:
    iso = d.iso()
    if iso is None:
        return []
    if d.year and d.year_to and d.year_to != d.year:
        if 0 < d.year_to - d.year <= 10:  # FtM has no ranges: "one of these years"
            return [f"{y:04d}" for y in range(d.year, d.year_to + 1)]
        return [f"{d.year:04d}"]
    return [iso]


def entity_to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """One of our entities as FtM entity dicts: the thing, then its addresses,
    identifications and sanctions. Every value is cleaned by followthemoney (values it
    rejects, e.g. a country it does not know, are left out)."""
    fid = ftm_id(entity.id)
    schema = _SCHEMA_OF[entity.type]
    thing = model.make_entity(schema)
    thing.id = fid

    def add(proxy: EntityProxy, prop: str, values: Iterable[str | None]) -> None:
        for v in values:
            if v:
                try:
                    proxy.add(prop, v, quiet=True)
                except FollowTheMoneyException:
                    continue

    add(thing, "name", [entity.name])
    for n in entity.names:
        if n.full == entity.name:
            continue
        prop = (
            "previousName"
            if n.kind is NameKind.FKA
            else ("weakAlias" if n.strength == WEAK else "alias")
        )
        add(thing, prop, [n.full])
    primary = next((n for n in entity.names if n.kind is NameKind.PRIMARY), None)
    if primary is not None:
        for key, value in primary.parts.items():
            if key in _EXPORT_PART_PROPS:
                add(thing, _EXPORT_PART_PROPS[key], [value])
    add(thing, "birthDate", [y for d in entity.birth_dates for y in _years(d)])
    add(thing, "birthPlace", entity.birth_places)
    add(thing, "nationality", entity.nationalities)
    add(thing, "citizenship", entity.citizenships)
    add(thing, "country", [*entity.countries, *(a.country for a in entity.addresses)])
    add(thing, "gender", [entity.gender])
    if entity.type is EntityType.PERSON:
        add(thing, "position", entity.titles)
    add(thing, "notes", [entity.remarks])
    add(thing, "topics", ["sanction"] if entity.programs else [])
    add(thing, "createdAt", [entity.listed_on])
    add(thing, "modifiedAt", [entity.amended_on])
    for key in _EXPORT_ATTRIBUTES:
        add(thing, key, entity.attributes.get(key, []))

    extra: list[dict[str, Any]] = []
    for i, a in enumerate(entity.addresses, 1):
        addr = model.make_entity("Address")
        addr.id = f"{fid}-addr-{i}"
        add(addr, "full", [a.full])
        add(addr, "street", [a.street])
        add(addr, "city", [a.city])
        add(addr, "region", [a.region])
        add(addr, "postalCode", [a.postal_code])
        add(addr, "country", [a.country])
        add(thing, "address", [a.full])
        add(thing, "addressEntity", [addr.id])
        extra.append(_dict(addr, entity, target=False))
    for i, d in enumerate(entity.documents, 1):
        generic = "idNumber" if "idNumber" in thing.schema.properties else "registrationNumber"
        prop = _EXPORT_DOC_PROPS.get(d.type, generic)
        if prop not in thing.schema.properties:
            prop = generic
        before = len(thing.get(prop))
        add(thing, prop, [d.number])
        if len(thing.get(prop)) == before and prop != generic:
            add(thing, generic, [d.number])  # e.g. an IMO number whose check digit fails
        if thing.schema.is_a("LegalEntity"):
            ident = model.make_entity("Passport" if d.type == "passport" else "Identification")
            ident.id = f"{fid}-id-{i}"
            add(ident, "holder", [fid])
            add(ident, "number", [d.number])
            add(ident, "type", [d.type])
            add(ident, "country", [d.country])
            add(ident, "summary", [d.note])
            extra.append(_dict(ident, entity, target=False))
    for i, p in enumerate(entity.programs, 1):
        sanction = model.make_entity("Sanction")
        sanction.id = f"{fid}-sanction-{i}"
        add(sanction, "entity", [fid])
        add(sanction, "authority", [p.authority])
        add(sanction, "program", [p.name or p.code])
        add(sanction, "programId", [p.code])
        add(sanction, "listingDate", [entity.listed_on])
        add(sanction, "provisions", entity.measures)
        extra.append(_dict(sanction, entity, target=False))
    return [_dict(thing, entity, target=True, caption=entity.name), *extra]


def _dict(
    proxy: EntityProxy, entity: Entity, *, target: bool, caption: str | None = None
) -> dict[str, Any]:
    out = proxy.to_dict()
    if caption:
        out["caption"] = caption
    out["datasets"] = [entity.source]
    out["target"] = target
    return out


def export_entities(entities: Iterable[Entity], out: IO[str]) -> int:
    """Write ``entities`` as FtM JSON lines to ``out``; returns the number of lines (FtM
    entities: things plus their addresses, identifications and sanctions) written."""
    n = 0
    for entity in entities:
        for d in entity_to_ftm(entity):
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
            n += 1
    return n
