"""US Consolidated Screening List (trade.gov), CSV (``consolidated.csv``, often gzipped).

One row per (party, list): SDN, Entity List, DPL, DTC, SSI, UVL, ISN, PLC, MEU, CMIC, CAP,
NS-MBS, FSE. Columns ``_id, source, entity_number, type, programs, name, title, addresses,
..., alt_names, citizenships, dates_of_birth, nationalities, places_of_birth,
source_information_url, ids``; multi-value cells are ``;``-separated. Three steps:

1. ``read`` finds the file, un-gzips and decodes it, checks the header;
2. ``records`` yields each row as a dict with its line; rows sharing an ``_id`` are grouped;
3. ``to_entity`` maps one group of rows to a ``model.Entity`` (pure).

Documented choices:

* **id**: ``{source}:{_id}``. ``_id`` is OFAC's entity number for the Treasury lists and a
  40-hex hash for the others. One party on several Treasury lists (SDN + SSI + CAP ...) has
  one row per list with the same ``_id``: the rows are merged into one Entity (programs,
  addresses, ids, names and attributes of all of them; ``attributes["csl_source"]`` names
  every list). The rows of a group are sorted first, so the entity does not depend on
  the order of the file. The same ``_id`` twice on the same list is merged with a warning.
* **programs**: one ``Program(code, authority=<source list label>)`` per program in
  ``programs``; a row without programs gets the list's abbreviation (``EL``, ``DPL``...).
* **type**: Individual/Entity/Vessel/Aircraft. Rows without a type: Entity List, MEU and
  UVL rows are organizations; DPL and ITAR-debarred (DTC) rows are organizations when the
  name has a legal-form or business word (``bis_dpl.org_word``) and persons otherwise;
  any other list gives an organization on such a word and ``unknown`` otherwise. The
  basis is kept in ``attributes["type_inferred"]``.
* **names**: ``name`` as written is primary; for Individuals written ``FAMILY, Given``
  the parts are kept; ``alt_names`` are ``aka`` (the CSV does not keep OFAC's strong/weak);
  ``a.k.a.``/``A/K/A`` inside a name (DTC rows) give ``aka`` names too.
* **ids** groups are ``[country, ][expiry date, ][issue date, ]value, label`` (the
  fields of the JSON record in key order, empty ones left out; a single date cannot be
  told apart as issue or expiry and is noted as such). ``Gender`` sets gender; identifying
  numbers become ``documents`` (passport, national_id, tax_id, registration, imo, mmsi,
  swift_bic, other; the label is the note); descriptive labels (website, email, aircraft
  model, directive information, ...) become ``attributes`` under a snake_case key.
* **addresses**: ``;``-separated, each kept as written; its last part, a country code,
  gives the country.
* **remarks** as written; ``(Linked To: X)`` gives ``links``; other remark fragments go to
  ``unparsed``.
* **measures** by list: SDN asset_freeze, DPL export_denial, EL/MEU
  export_license_required, DTC arms_export_debarment, SSI sectoral_sanctions, CMIC
  investment_ban, CAP correspondent_account_ban, FSE transaction_ban.
* ``raw`` is the row's non-empty fields; a merged entity has ``{"rows": [...]}``.
* The file carries no date: ``data_date`` is None.
* Three names hold a C1 control character where a cp1252 apostrophe was meant
  (``Xi\\x92an``): such characters are repaired to the cp1252 character before the CSV
  is parsed (``raw`` has the repaired text), with a warning naming the line.
* Country codes are looked up directly (``bis_dpl.iso2``), so a file of codes (as this
  one is) never loads the table of country names.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

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
    RawList,
)
from watchlist.sources import gc_paused
from watchlist.sources._parse import (
    NULLS,
    clean,
    csv_rows,
    decode,
    dedupe,
    find_file,
    iso_date,
    parse_date,
    read_bytes,
)
from watchlist.sources.bis_dpl import (
    country,
    embedded_aliases,
    iso2,
    org_word,
    script_of,
    unique_names,
)

FORMAT = "us-csl"
FILE_NAMES = ("consolidated.csv.gz", "consolidated.csv", "consolidated.csv.zip")
COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
# Without these the file cannot be mapped; other missing columns are a warning.
REQUIRED = ("_id", "source", "type", "programs", "name", "alt_names", "addresses", "ids")
# Columns kept as they are in attributes.
_ATTRIBUTE_COLUMNS = (
    "entity_number",
    "federal_register_notice",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "source_list_url",
    "source_information_url",
)
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_ORG_LISTS = frozenset({"EL", "MEU", "UVL"})
_PERSON_LISTS = frozenset({"DPL", "DTC"})
_MEASURES = {
    "SDN": ["asset_freeze"],
    "DPL": ["export_denial"],
    "EL": ["export_license_required"],
    "MEU": ["export_license_required"],
    "DTC": ["arms_export_debarment"],
    "SSI": ["sectoral_sanctions"],
    "CMIC": ["investment_ban"],
    "CAP": ["correspondent_account_ban"],
    "FSE": ["transaction_ban"],
}
_ABBREVIATION = re.compile(r"\(([^()]+)\)")
_LINKED = re.compile(r"\(Linked To:\s*([^()]*(?:\([^()]*\)[^()]*)*)\)", re.I)
_C1 = re.compile("[\u0080-\u009f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[A-Z]{2}$")
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.I)

# ids labels: descriptive facts (attributes) first, then identifiers (documents) by type.
_ATTRIBUTE_LABEL = re.compile(
    r"website|e-?mail|phone|fax|aircraft (model|operator|manufacture date)|organization "
    r"(established|type)|target type|vessel (flag|type|call sign)|nationality of registration|"
    r"registration country|issuer name|listing date|effective date|purchase/sales|sanctions|"
    r"directive|information|determination|transactions prohibited|un/locode|commercial code|"
    r"year of build|ticker",
    re.I,
)
_DOC_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"passport", re.I), "passport"),
    (re.compile(r"^mmsi$", re.I), "mmsi"),
    (re.compile(r"swift|\bbic\b", re.I), "swift_bic"),
    (re.compile(r"driv|pilot|digital currency|aircraft|serial|isin|micex", re.I), "other"),
    (
        re.compile(
            r"tax|fiscal|v\.?a\.?t\.?\b|\bnit\b|r\.?f\.?c\.?|\bruc\b|\brif\b|c\.u\.i\.(?!p)|c\.i\.f|"
            r"fein|\brtn\b|rsin|tributaria",
            re.I,
        ),
        "tax_id",
    ),
    (
        re.compile(
            r"national|c[eé]dula|d\.n\.i|c\.u\.r\.p|c\.u\.i\.p|personal id|identification|"
            r"identity|identidad|id card|credencial|electoral|i\.f\.e|\bssn\b|citizen|"
            r"residen|birth certificate|\bid no|tazkira|\bcnp\b|n\.i\.e|refugee|immigration|"
            r"cartilla|seafarer|travel document|visa",
            re.I,
        ),
        "national_id",
    ),
    (
        re.compile(
            r"regist|company|incorporation|chamber of comm|gazette|credit code|enterprise|"
            r"legal entity|\ble number|licen[cs]e|folio|matricula|c\.r\.|branch|business|"
            r"charity|file number|d-u-n-s|\bbik\b",
            re.I,
        ),
        "registration",
    ),
    (re.compile(r"number|\bno\b\.?|#|\bid\b|code|card|document", re.I), "other"),
)


# ---------------------------------------------------------------- files


def _locate(path: Path) -> Path | None:
    if path.is_file():
        return path
    return find_file(path, *FILE_NAMES)


def _head(f: Path, size: int = 512) -> bytes:
    with f.open("rb") as fh:
        head = fh.read(size)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(f, "rb") as gz:
            head = gz.read(size)
    return head


def sniff(path: Path) -> bool:
    """True for a CSL CSV (plain or gzip), or a folder holding ``consolidated.csv[.gz]``."""
    try:
        f = _locate(path)
        if f is None:
            return False
        head = _head(f)
    except (OSError, EOFError, zlib.error):
        return False
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    return first.startswith(b"_id,source,") or first.startswith(b'"_id","source",')


def _gunzip(data: bytes, f: Path) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ListFormatError(str(f), f"truncated or damaged gzip file ({exc})") from exc


# ---------------------------------------------------------------- reading


@dataclass(slots=True)
class Record:
    line: int
    fields: dict[str, str]


def read(path: Path, source: str) -> ListData:
    # Building many small objects triggers the cyclic GC over and over; none of them form
    # cycles, so pausing it while reading roughly halves the time.
    with gc_paused():
        return read_raw(path, source).mapped()


def read_raw(path: Path, source: str) -> RawList:
    """The rows grouped by ``_id``, in id order, each group mapped by ``_map_group``."""
    f = _locate(path)
    if f is None:
        raise ListFormatError(
            str(path), f"no Consolidated Screening List file ({FILE_NAMES[0]}) found"
        )
    data = read_bytes(f)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, f)
        if not data.strip():
            raise ListFormatError(str(f), "file is empty")
    text = decode(data, f)
    warnings: list[str] = []
    groups: dict[str, list[Record]] = defaultdict(list)
    for rec in records(text, f, warnings):
        groups[rec.fields["_id"]].append(rec)
    ordered = []
    for native_id in sorted(groups):
        group = groups[native_id]
        if len(group) > 1:  # almost every _id has one row: nothing to order or check
            group = sorted(group, key=lambda r: tuple(r.fields.values()))
            lists = [r.fields["source"] for r in group]
            if len(set(lists)) < len(lists):
                lines = ", ".join(str(r.line) for r in sorted(group, key=lambda r: r.line))
                warnings.append(
                    f"{f.name} lines {lines}: _id {native_id} appears twice on the same list; "
                    "merged"
                )
        ordered.append(group)
    return RawList(source, FORMAT, ordered, _map_group, None, [f.name], warnings)


def _map_group(group: list[Record], source: str) -> tuple[Entity, list[str]]:
    return to_entity(group, source), []


def _repair_char(m: re.Match[str]) -> str:
    """C1 control characters are cp1252 characters decoded as Latin-1: map them back."""
    return bytes([ord(m.group(0))]).decode("cp1252", "replace")


def records(text: str, path: Path, warnings: list[str]) -> Iterator[Record]:
    """Each data row as a dict (every known column present) with its line number."""
    # A CSV writer doubles every quote inside a quoted field: an odd count means the file
    # ends inside a quoted field, which the csv module would silently accept.
    if text.count('"') % 2:
        raise ListFormatError(
            str(path), "a quoted field is never closed (file truncated?)", line=text.count("\n") + 1
        )
    # One pass over the text finds, counts and repairs the C1 characters (each regex scan
    # of the whole text costs half as much as parsing the CSV).
    pieces: list[str] = []
    line, at, found = 1, 0, 0
    for m in _C1.finditer(text):
        start = m.start()
        line += text.count("\n", at, start)
        pieces += (text[at:start], _repair_char(m))
        at = start + 1
        found += 1
        if found <= 20:
            warnings.append(f"{path.name} line {line}: cp1252 character {m.group(0)!r} repaired")
    if found:
        if found > 20:
            warnings.append(f"{path.name}: {found - 20} more cp1252 characters repaired")
        pieces.append(text[at:])
        text = "".join(pieces)
    header: list[str] | None = None
    index: dict[str, int] = {}
    complete = False
    for line, row in csv_rows(text, path):
        if len(row) <= 1 and not (row and row[0].strip()):
            continue  # a blank line
        if header is None:
            header = [c.strip().lower() for c in row]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise ListFormatError(
                    str(path),
                    "not a Consolidated Screening List CSV: header lacks "
                    + ", ".join(missing)
                    + f" (found {', '.join(header[:10])})",
                    line=line,
                )
            index = {c: header.index(c) for c in COLUMNS if c in header}
            absent = [c for c in COLUMNS if c not in index]
            if absent:
                warnings.append(f"{path.name} line {line}: header lacks {', '.join(absent)}")
            complete = tuple(header) == COLUMNS
            continue
        if len(row) != len(header):
            raise ListFormatError(
                str(path),
                f"row has {len(row)} fields, the header has {len(header)} (truncated or malformed)",
                line=line,
            )
        if complete:
            fields = dict(zip(COLUMNS, row, strict=True))
        else:
            fields = {c: row[index[c]] if c in index else "" for c in COLUMNS}
        native_id = _clean(fields["_id"])
        if not native_id:
            raise ListFormatError(str(path), "row has no _id", line=line)
        if not _clean(fields["name"]):
            raise ListFormatError(str(path), "row has no name", line=line)
        fields["_id"] = native_id
        yield Record(line, fields)
    if header is None:
        raise ListFormatError(str(path), "no header row")


# ---------------------------------------------------------------- mapping


@lru_cache(maxsize=256)
def list_code(label: str) -> str:
    """The list's abbreviation from its label: ``Entity List (EL) - ...`` -> ``EL``."""
    m = _ABBREVIATION.search(label)
    if not m:
        return label
    return re.sub(r"\s+List$", "", m.group(1).strip())


_NULL_LEN = max(map(len, NULLS))


def _clean(value: str) -> str | None:
    """``clean`` with a fast path: most cells are empty or already clean."""
    if not value:
        return None
    if value.isprintable() and value[0] != " " and value[-1] != " " and "  " not in value:
        # lower() never makes a text shorter: a longer one is no null marker.
        if len(value) > _NULL_LEN:
            return value
        return None if value.lower() in NULLS else value
    return clean(value)


def _split(value: str) -> list[str]:
    if not value:
        return []
    if ";" not in value:
        c = _clean(value)
        return [c] if c else []
    out = []
    if value.isprintable() and "  " not in value:
        # ``_clean`` of each part, inlined: printable text holds no white space but " ",
        # so a stripped part is clean unless it is empty or a null marker.
        for part in value.split(";"):
            part = part.strip()
            if part and (len(part) > _NULL_LEN or part.lower() not in NULLS):
                out.append(part)
        return out
    for part in value.split(";"):
        c = _clean(part.strip())
        if c:
            out.append(c)
    return out


@lru_cache(maxsize=1024)
def _label_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "id"


def _doc_type(label: str, value: str) -> str | None:
    """The document type for an ids label, or None for a descriptive attribute."""
    if label.lower() == "vessel registration identification":
        return "imo" if _IMO.match(value) else "registration"
    return _label_doc_type(label)


@lru_cache(maxsize=2048)
def _label_doc_type(label: str) -> str | None:
    if _ATTRIBUTE_LABEL.search(label):
        return None
    for pattern, kind in _DOC_RULES:
        if pattern.search(label):
            return kind
    return None


@dataclass(slots=True)
class IdGroup:
    label: str
    value: str
    country: str | None = None
    dates: tuple[str, ...] = ()


def parse_id(text: str) -> IdGroup | None:
    """One ``ids`` group; None when it has no ``value, label`` shape."""
    parts = [p.strip() for p in text.split(", ")]
    if len(parts) < 2 or not parts[-1]:
        return None
    label, body = parts[-1], parts[:-1]
    code = None
    if len(body) >= 2 and _CODE.match(body[0]):
        code = body.pop(0)
    dates: list[str] = []
    while len(body) >= 2 and len(dates) < 2 and _ISO_DATE.match(body[0]):
        dates.append(body.pop(0))
    value = clean(", ".join(body))
    if not value:
        return None
    return IdGroup(label, value, code, tuple(dates))


def _type_for(fields: dict[str, str], code: str, name: str) -> tuple[EntityType, str | None]:
    t = _type_key(fields["type"])
    if t in _TYPES:
        return _TYPES[t], None
    word = org_word(name)
    if word:
        return EntityType.ORGANIZATION, f"organization: name has the word {word}"
    if code in _ORG_LISTS:
        return EntityType.ORGANIZATION, f"organization: {code} rows without a type"
    if code in _PERSON_LISTS:
        return EntityType.PERSON, f"person: {code} row without a type or legal-form word"
    return EntityType.UNKNOWN, None


# Cells repeat (13 lists, 5 types, some 260 program sets, a few thousand id groups,
# addresses and remarks for 14,000 rows): what a cell gives is worked out once per
# distinct value. Only immutable results are cached; model objects are made fresh for
# each entity.


@lru_cache(maxsize=256)
def _type_key(cell: str) -> str:
    return (_clean(cell) or "").lower()


@lru_cache(maxsize=256)
def _list_of(cell: str) -> tuple[str, str, tuple[str, ...]]:
    """The label, abbreviation and measures of a ``source`` cell."""
    label = _clean(cell) or ""
    code = list_code(label)
    return label, code, tuple(_MEASURES.get(code, ()))


@lru_cache(maxsize=1 << 14)
def _parts(cell: str) -> tuple[str, ...]:
    return tuple(_split(cell))


@lru_cache(maxsize=1 << 14)
def _attribute(cell: str) -> str | None:
    return _clean(cell)


@lru_cache(maxsize=4096)
def _countries(cell: str) -> tuple[str, ...]:
    return tuple(country(x) or x for x in _split(cell))


@lru_cache(maxsize=1 << 14)
def _address_parts(cell: str) -> tuple[tuple[str, str | None], ...]:
    """(full text, country) of each address in a cell."""
    return tuple((text, iso2(text.rsplit(",", 1)[-1])) for text in _split(cell))


@lru_cache(maxsize=4096)
def _listed_on(cell: str) -> str | None:
    return iso_date(cell)


# A PartialDate's fields in the order its constructor takes them (``astuple`` deep-copies
# and costs ten times as much).
_DATE_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(PartialDate) if f.init))


@lru_cache(maxsize=1 << 14)
def _birth_dates(cell: str) -> tuple[tuple[str, tuple[Any, ...] | None], ...]:
    """Each date of birth in a cell, with the fields of its ``PartialDate`` (None when
    it is no date)."""
    out = []
    for text in _split(cell):
        d = parse_date(text)
        out.append((text, None if d is None else _DATE_FIELDS(d)))
    return tuple(out)


@lru_cache(maxsize=8192)
def _remark_parts(remark: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``(Linked To: X)`` names of a remark, and its other fragments."""
    links = (clean(m.group(1)) for m in _LINKED.finditer(remark))
    frags = _split(_LINKED.sub(";", remark))
    return tuple(link for link in links if link), tuple(f for f in frags if f.strip(" .,"))


def _add(attrs: dict[str, list[str]], key: str, value: str) -> None:
    values = attrs.get(key)
    if values is None:
        attrs[key] = [value]
    elif value not in values:
        values.append(value)


def _unique(values: list[str]) -> list[str]:
    return dedupe(values) if len(values) > 1 else values


def to_entity(group: list[Record], source: str) -> Entity:
    """Map the rows of one ``_id`` to an Entity (pure)."""
    first = group[0].fields
    native_id = first["_id"]
    primary = _clean(first["name"]) or native_id
    e = Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=EntityType.UNKNOWN,
        name=primary,
    )
    names: list[Name] = []
    remarks: list[str] = []
    inferred: list[str] = []
    measures: list[str] = []
    titles: list[str] = []
    places: list[str] = []
    citizenships: list[str] = []
    nationalities: list[str] = []
    programs: set[tuple[str, str]] = set()  # (code, authority) of e.programs
    addresses: set[str] = set()  # full text of e.addresses
    attrs = e.attributes
    for i, rec in enumerate(group):
        f = rec.fields
        label, code, list_measures = _list_of(f["source"])
        name = (_clean(f["name"]) or primary) if i else primary
        t = _type_key(f["type"])
        etype, basis = (_TYPES[t], None) if t in _TYPES else _type_for(f, code, name)
        if e.type == EntityType.UNKNOWN or (basis is None and etype != e.type):
            e.type = etype
            inferred = [basis] if basis else []
        # names
        parts: dict[str, str] = {}
        # OFAC writes individuals "FAMILY, Given"; other lists write "Given Family".
        if name.count(",") == 1 and f["type"].strip().lower() == "individual":
            family, given = (p.strip() for p in name.split(","))
            if family and given:
                parts = {"family": family, "given": given}
        kind = NameKind.PRIMARY if name == primary else NameKind.AKA
        names.append(Name(name, kind, script=script_of(name), parts=parts))
        for alias, akind in embedded_aliases(name):
            names.append(Name(alias, akind, script=script_of(alias)))
        if f["alt_names"]:
            for alias in _split(f["alt_names"]):
                names.append(Name(alias, NameKind.AKA, script=script_of(alias)))
        # lists and programs
        _add(attrs, "csl_source", label)
        for p in _parts(f["programs"]) or (code,):
            if (p, label) not in programs:
                programs.add((p, label))
                e.programs.append(Program(p, label))
        measures += list_measures
        # people
        if f["title"]:
            titles += _parts(f["title"])
        if f["dates_of_birth"]:
            for text, fields in _birth_dates(f["dates_of_birth"]):
                if fields is None:
                    e.unparsed.append(f"date of birth: {text}")
                    continue
                d = PartialDate(*fields)
                if all(d.text != b.text for b in e.birth_dates):
                    e.birth_dates.append(d)
        if f["places_of_birth"]:
            places += _parts(f["places_of_birth"])
        if f["citizenships"]:
            citizenships += _countries(f["citizenships"])
        if f["nationalities"]:
            nationalities += _countries(f["nationalities"])
        # addresses
        if f["addresses"]:
            for text, country_code in _address_parts(f["addresses"]):
                if text not in addresses:
                    addresses.add(text)
                    e.addresses.append(Address(full=text, country=country_code))
        # dates and other columns
        if f["start_date"]:
            listed = _listed_on(f["start_date"])
            if listed and (e.listed_on is None or listed < e.listed_on):
                e.listed_on = listed
        for col in _ATTRIBUTE_COLUMNS:
            cell = f[col]
            if cell and (v := _attribute(cell)):
                values = attrs.get(col)  # _add, inlined: a dozen columns on every row
                if values is None:
                    attrs[col] = [v]
                elif v not in values:
                    values.append(v)
        # ids
        if f["ids"]:
            for text in _split(f["ids"]):
                _apply_id(e, _id_fact(text))
        # remarks
        r = _clean(f["remarks"])
        if r and r not in remarks:
            remarks.append(r)
            links, fragments = _remark_parts(r)
            for link in links:
                if link not in e.links:
                    e.links.append(link)
            for frag in fragments:
                if frag not in e.unparsed:
                    e.unparsed.append(frag)
    if len(group) == 1:
        e.names = unique_names(names) if len(names) > 1 else names
        e.raw = {k: v for k, v in first.items() if v}
    else:
        names.sort(key=lambda n: n.kind != NameKind.PRIMARY)
        e.names = unique_names(names)
        e.raw = {"rows": [{k: v for k, v in r.fields.items() if v} for r in group]}
    e.measures, e.titles, e.birth_places = _unique(measures), _unique(titles), _unique(places)
    e.citizenships, e.nationalities = _unique(citizenships), _unique(nationalities)
    e.remarks = "; ".join(remarks) or None
    if inferred:
        attrs["type_inferred"] = inferred
    return e


class _IdFact(NamedTuple):
    """What one ``ids`` group gives an entity: one of the four."""

    unparsed: str | None = None
    gender: str | None = None
    attribute: tuple[str, str] | None = None  # key, value
    document: tuple[str, str, str | None, str] | None = None  # type, number, country, note


@lru_cache(maxsize=1 << 15)
def _id_fact(text: str) -> _IdFact:
    g = parse_id(text)
    if g is None:
        return _IdFact(unparsed=text)
    if g.label.lower() == "gender":
        gender = g.value.lower()
        if gender in ("male", "female"):
            return _IdFact(gender=gender)
    kind = _doc_type(g.label, g.value)
    if kind is None:
        value = g.value if not g.country else f"{g.value} ({g.country})"
        return _IdFact(attribute=(_label_key(g.label), value))
    number = g.value
    if kind == "imo":
        m = _IMO.match(number)
        number = m.group(1) if m else number
    note = [g.label]
    if len(g.dates) == 2:
        note += [f"expires {g.dates[0]}", f"issued {g.dates[1]}"]
    elif g.dates:
        note.append(f"date {g.dates[0]} (issue or expiry)")
    return _IdFact(document=(kind, number, iso2(g.country), "; ".join(note)))


def _apply_id(e: Entity, fact: _IdFact) -> None:
    if fact.document is not None:
        doc = Document(*fact.document)
        if doc not in e.documents:
            e.documents.append(doc)
    elif fact.attribute is not None:
        _add(e.attributes, *fact.attribute)
    elif fact.gender is not None:
        e.gender = fact.gender
    elif fact.unparsed is not None and fact.unparsed not in e.unparsed:
        e.unparsed.append(f"id: {fact.unparsed}")
