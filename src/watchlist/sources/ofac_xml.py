"""OFAC legacy XML: ``sdn.xml`` (SDN list) and ``consolidated.xml`` (non-SDN lists).

``<sdnList xmlns="http://tempuri.org/sdnList.xsd">`` starts with OFAC's misspelt
``<publshInformation>`` (``Publish_Date`` mm/dd/yyyy, ``Record_Count``) and holds one
``<sdnEntry>`` per designation. Three steps, each visible below:

1. ``read_records`` finds and parses the file (lxml, one pass; syntax errors name the
   line) and checks each entry has its uid and a name;
2. each ``<sdnEntry>`` becomes a plain dict (``element_dict``: ``*List`` elements become
   lists) kept with its line and position in a :class:`RawEntry`;
3. ``to_entity`` maps one RawEntry to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id ``{source}:{uid}``; the uid is OFAC's ent_num, the same as in the legacy CSV.
* name ``LASTNAME, Firstname`` as in ``sdn.csv`` (just ``lastName`` when there is no first
  name), so the CSV and the XML of one list give the same primary name; aliases
  (``akaList``) likewise, kind a.k.a./f.k.a./n.k.a. -> aka/fka/nka, ``category``
  strong/weak -> strength. Parts given/family only for individuals with both.
  Names are ordered primary, strong aliases, weak aliases (the CSV's order).
* ``idList``: each ``idType idNumber (idCountry) issued ... expires ...`` is read with the
  same grammar as the CSV remarks (``ofac_remarks``), so both formats give the same
  documents (passport, national_id, tax_id, registration, swift_bic, imo, mmsi, ...; the
  label in ``note``), gender, and attributes (website, email, secondary sanctions risk,
  directive determinations, organization established date, nationality of registration
  -> also ``countries``...). An idType that grammar does not know becomes an ``other``
  document (a number) or an attribute named after it, with a warning.
* dates of birth via ``ofac_remarks.parse_birth_date`` (``21 Dec 1975``, ``Dec 1975``,
  ``circa 1955``, ``1951 to 1953``, ``01 Jan 1976 to 31 Dec 1978`` = a year range); main
  entries first. Nationalities/citizenships ISO alpha-2 (else the text).
* addresses: street = address1..3, ``full`` written exactly as the CSV's add.csv would be
  (``street, city, state postal, country``); city/region/postal code kept apart.
* ``remarks`` as written; they go through the CSV remarks parser too (links from
  ``(Linked To: X)``, positions, further facts); what it cannot place is in ``unparsed``.
* ``vesselInfo`` -> attributes call_sign, vessel_type, vessel_flag (also ``countries``),
  vessel_owner, tonnage, gross_registered_tonnage (the CSV's keys).
* ``data_date`` = Publish_Date. A ``Record_Count`` that differs from the number of entries
  is a warning (extracts hold fewer); a file cut short is an XML error naming the line.
* A uid that appears twice is merged into one Entity (with a warning).
"""

from __future__ import annotations

import gc
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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
    country_or_raw,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_xml,
    read_bytes,
)
from watchlist.sources.ofac_remarks import (
    ParsedRemarks,
    parse_birth_date,
    parse_remarks,
    split_fragments,
)

FORMAT = "ofac-xml"
AUTHORITY = "US OFAC"
FILE_NAMES = ("sdn.xml", "consolidated.xml", "sdn_xml.zip", "consolidated.zip", "cons_xml.zip")

_ROOT = re.compile(rb"<(?:[\w.-]+:)?sdnList[\s>/]")
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
ALIAS_KINDS = {
    "a.k.a.": NameKind.AKA,
    "aka": NameKind.AKA,
    "f.k.a.": NameKind.FKA,
    "fka": NameKind.FKA,
    "n.k.a.": NameKind.NKA,
    "nka": NameKind.NKA,
}
_STRENGTHS = {"strong": STRONG, "weak": WEAK}
_VESSEL_ATTRS = (
    ("callSign", "call_sign"),
    ("vesselType", "vessel_type"),
    ("tonnage", "tonnage"),
    ("grossRegisteredTonnage", "gross_registered_tonnage"),
    ("vesselFlag", "vessel_flag"),
    ("vesselOwner", "vessel_owner"),
)
_LINKED = re.compile(r"^\(\s*(Linked To\s*:.*)\)$", re.I | re.S)
_SLUG = re.compile(r"[^a-z0-9]+")
_ODD_SPACE = frozenset("\t\r\n\xa0\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


# ---------------------------------------------------------------- generic helpers


def head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file, or of the first member of a ``.zip``."""
    with path.open("rb") as fh:
        start = fh.read(size)
    if start[:4] == b"PK\x03\x04" and path.suffix.lower() == ".zip":  # as read_bytes does
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if not n.endswith("/")]
            if not members:
                return b""
            with zf.open(members[0]) as member:
                return member.read(size)
    return start


def load_bytes(file: Path) -> bytes:
    """The file's bytes (``read_bytes``), refusing a ``.zip`` that is no zip archive."""
    data = read_bytes(file)
    if file.suffix.lower() == ".zip" and data[:4] != b"PK\x03\x04":
        if data[:4] == b"PK\x05\x06":
            raise ListFormatError(str(file), "zip archive holds no file")
        # a mirror may hand out the bare XML under the zip's name: let the parser judge
        if not data.lstrip()[:1] == b"<":
            raise ListFormatError(str(file), "not a readable zip archive")
    return data


def candidates(path: Path, names: tuple[str, ...], looks_right: Any) -> list[Path]:
    """The list file(s) at ``path``: the file itself; in a folder the official name, else
    every XML/zip file that ``looks_right``."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    official = find_file(path, *names)
    if official is not None:
        return [official]
    files = sorted(p for p in path.iterdir() if p.is_file())
    return [p for p in files if p.suffix.lower() in (".xml", ".zip") and looks_right(p)]


def locate(path: Path, names: tuple[str, ...], looks_right: Any, what: str) -> Path:
    try:
        found = candidates(path, names, looks_right)
    except OSError as exc:
        raise ListFormatError(str(path), f"cannot read folder: {exc.strerror or exc}") from exc
    if not found:
        if not path.exists():
            raise ListFormatError(str(path), "no such file or folder")
        raise ListFormatError(str(path), f"no {what} file ({', '.join(names)}) found")
    if len(found) > 1:
        listed = ", ".join(p.name for p in found)
        raise ListFormatError(str(path), f"several {what} files ({listed}); name one of them")
    return found[0]


def element_dict(
    el: etree._Element,
    lists: Iterable[str] = (),
    drop_attrs: frozenset[str] = frozenset(),
    drop_elements: frozenset[str] = frozenset(),
) -> Any:
    """An element as plain JSON data: a leaf is its text (or ``{"value": text, attr: ...}``
    when it has attributes worth keeping), a list container (its name in ``lists`` or
    ending in ``List``) a list of its children, anything else a dict by child name
    (a repeated child becomes a list)."""
    list_names = lists if isinstance(lists, frozenset) else frozenset(lists)
    return _element_dict(el, list_names, drop_attrs, drop_elements)


_LOCAL_NAMES: dict[str, str] = {}


def _lname(tag: str) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag.rsplit("}", 1)[-1]
    return name


def _element_dict(
    el: etree._Element,
    lists: frozenset[str],
    drop_attrs: frozenset[str],
    drop_elements: frozenset[str],
) -> Any:
    kids = [
        (_lname(c.tag), c)
        for c in el.iterchildren(etree.Element)
        if isinstance(c.tag, str) and _lname(c.tag) not in drop_elements
    ]
    attrib = el.attrib
    attrs = (
        {_lname(str(k)): str(v) for k, v in attrib.items() if _lname(str(k)) not in drop_attrs}
        if attrib
        else None
    )
    if not kids:
        text = (el.text or "").strip()
        return {"value": text, **attrs} if attrs else text
    if isinstance(el.tag, str):
        name = _lname(el.tag)
        if name in lists or name.endswith("List"):
            return [_element_dict(c, lists, drop_attrs, drop_elements) for _, c in kids]
    out: dict[str, Any] = dict(attrs) if attrs else {}
    repeated: set[str] = set()
    for key, c in kids:
        value = _element_dict(c, lists, drop_attrs, drop_elements)
        if key not in out:
            out[key] = value
        elif key in repeated:
            out[key].append(value)
        else:
            out[key] = [out[key], value]
            repeated.add(key)
    return out


def line_of(el: Any) -> int | None:
    """An element's line in the file (None when lxml does not know it)."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def text_of(value: Any) -> str | None:
    """Cleaned text of a leaf value (a string, or a dict's ``value``); None otherwise."""
    if isinstance(value, dict):
        value = value.get("value")
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or "  " in s or not _ODD_SPACE.isdisjoint(s) or s.lower() in NULLS:
        return clean(s)  # collapse runs of white space, drop null markers
    return s


def items_of(value: Any) -> list[Any]:
    """A list field's items (a single item or nothing is tolerated)."""
    if isinstance(value, list):
        return value
    if value is None or value == "":
        return []
    return [value]


def dicts_of(value: Any) -> list[dict[str, Any]]:
    return [v for v in items_of(value) if isinstance(v, dict)]


def slug(label: str) -> str:
    return _SLUG.sub("_", label.lower()).strip("_") or "other"


def script_code(text: str) -> str | None:
    """ISO 15924 code of a name not written in Latin script (None for Latin)."""
    if text.isascii():
        return None
    code = detect_script(text)
    return None if code == "Latn" else code


@lru_cache(maxsize=4096)
def country_iso(text: str | None) -> str | None:
    return country_code(text) if text else None


@lru_cache(maxsize=4096)
def country_any(text: str | None) -> str | None:
    return country_or_raw(text) if text else None


def is_true(value: Any) -> bool:
    return (text_of(value) or "").lower() == "true"


# ---------------------------------------------------------------- facts (ids, features)


def map_fact(
    label: str,
    value: str,
    *,
    country: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> tuple[ParsedRemarks, bool]:
    """One labelled fact (``idType idNumber``, a feature), read with the CSV remarks grammar.

    OFAC writes these very facts into the CSV remarks as ``Label value (Country) issued X
    expires Y``; reading them the same way keeps the CSV and XML mappings identical.
    Returns the parsed fields and whether the label was understood; an unknown label
    becomes an ``other`` document (when the value looks like a number) or an attribute.
    """
    frag = f"{label} {value}"
    if country:
        frag += f" ({country})"
    if issued:
        frag += f" issued {issued}"
    if expires:
        frag += f" expires {expires}"
    got = parse_remarks(frag)
    useful = (
        got.documents
        or got.attributes
        or got.gender
        or got.countries
        or got.nationalities
        or got.citizenships
        or got.birth_dates
        or got.birth_places
    )
    if useful and not got.unparsed and not got.titles and not got.aliases and not got.links:
        return got, True
    out = ParsedRemarks()
    details = " ".join(
        p
        for p in (f"issued {issued}" if issued else "", f"expires {expires}" if expires else "")
        if p
    )
    if any(ch.isdigit() for ch in value) and len(value.split()) <= 3:
        note = "; ".join(p for p in (label, details) if p)
        out.documents.append(
            Document(type="other", number=value, country=country_iso(country), note=note)
        )
    else:
        out.add_attr(slug(label), value if not country else f"{value} ({country})")
    return out, False


def absorb(acc: ParsedRemarks, got: ParsedRemarks) -> None:
    """Add one parse result to the entity's accumulated fields."""
    acc.birth_dates.extend(got.birth_dates)
    acc.birth_places.extend(got.birth_places)
    acc.nationalities.extend(got.nationalities)
    acc.citizenships.extend(got.citizenships)
    acc.countries.extend(got.countries)
    if got.gender and not acc.gender:
        acc.gender = got.gender
    acc.documents.extend(got.documents)
    acc.aliases.extend(got.aliases)
    acc.links.extend(got.links)
    acc.titles.extend(got.titles)
    for key, values in got.attributes.items():
        for v in values:
            acc.add_attr(key, v)
    acc.unparsed.extend(got.unparsed)


def parse_ofac_remarks(text: str) -> ParsedRemarks:
    """The XML ``remarks``: the CSV remarks grammar, with ``(Linked To: X)`` unwrapped."""
    frags = split_fragments(text)
    out = []
    for frag in frags:
        m = _LINKED.match(frag)
        inner = m.group(1) if m else None
        out.append(inner if inner is not None and ";" not in inner else frag)
    return parse_remarks("; ".join(out))


def address_of(
    lines: list[str | None],
    city: str | None,
    state: str | None,
    postal: str | None,
    country: str | None,
    region: str | None = None,
) -> Address | None:
    """An address with ``full`` written as OFAC's add.csv writes it."""
    street = ", ".join(p for p in lines if p) or None
    place = ", ".join(p for p in (city, state or region) if p)
    if postal:
        place = f"{place} {postal}" if place else postal
    parts = [p for p in (street, place, country) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=street,
        city=city,
        region=state or region,
        postal_code=postal,
        country=country_iso(country),
    )


def merge_into(first: Entity, other: Entity) -> None:
    """Fold a repeated record into the first one with the same id."""
    seen_names = {(n.full, n.kind) for n in first.names}
    for n in other.names:
        if (n.full, n.kind) not in seen_names:
            seen_names.add((n.full, n.kind))
            first.names.append(n)
    codes = {p.code for p in first.programs}
    first.programs += [p for p in other.programs if p.code not in codes]
    docs = {(d.type, d.number) for d in first.documents}
    first.documents += [d for d in other.documents if (d.type, d.number) not in docs]
    fulls = {a.full for a in first.addresses}
    first.addresses += [a for a in other.addresses if a.full not in fulls]
    dobs = {d.text for d in first.birth_dates}
    first.birth_dates += [d for d in other.birth_dates if d.text not in dobs]
    first.birth_places = dedupe([*first.birth_places, *other.birth_places])
    first.nationalities = dedupe([*first.nationalities, *other.nationalities])
    first.citizenships = dedupe([*first.citizenships, *other.citizenships])
    first.countries = dedupe([*first.countries, *other.countries])
    first.measures = dedupe([*first.measures, *other.measures])
    first.titles = dedupe([*first.titles, *other.titles])
    first.links = dedupe([*first.links, *other.links])
    first.unparsed = dedupe([*first.unparsed, *other.unparsed])
    first.gender = first.gender or other.gender
    for key, values in other.attributes.items():
        bucket = first.attributes.setdefault(key, [])
        bucket.extend(v for v in values if v not in bucket)
    if other.remarks and other.remarks != first.remarks:
        first.remarks = f"{first.remarks}; {other.remarks}" if first.remarks else other.remarks
    first.raw.setdefault("repeated", []).append(other.raw)


# ---------------------------------------------------------------- raw records


@dataclass
class RawEntry:
    """One ``<sdnEntry>`` as read: its fields as plain data, with its place in the file."""

    index: int  # 1-based position among the entries
    line: int | None
    fields: dict[str, Any]

    @property
    def place(self) -> str:
        where = f"sdnEntry #{self.index}"
        return f"{where} (line {self.line})" if self.line else where


@dataclass
class Header:
    publish_date: str | None = None  # ISO
    record_count: int | None = None


def _looks_like_sdn_list(path: Path) -> bool:
    try:
        return _ROOT.search(head(path)) is not None
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
        return False


def _locate(path: Path) -> Path:
    return locate(path, FILE_NAMES, _looks_like_sdn_list, "OFAC legacy XML")


def read_records(path: Path) -> tuple[Path, Header, list[RawEntry], list[str]]:
    """Parse the file: the file read, its header, the entries, and warnings."""
    file = _locate(path)
    root = parse_xml(file, load_bytes(file))
    if local(root.tag) != "sdnList":
        raise ListFormatError(
            str(file),
            f"not an OFAC legacy XML list (root element <{local(root.tag) or root.tag}>, "
            "expected <sdnList>)",
            line=line_of(root),
        )
    warnings: list[str] = []
    header = Header()
    info = next(
        (c for c in root if local(c.tag) in ("publshInformation", "publishInformation")), None
    )
    if info is None:
        warnings.append(f"{file.name}: no <publshInformation> header; publication date unknown")
    else:
        fields = element_dict(info)
        date_text = text_of(fields.get("Publish_Date")) if isinstance(fields, dict) else None
        header.publish_date = iso_date(date_text, dayfirst=False)
        if date_text and header.publish_date is None:
            warnings.append(
                f"{file.name} line {line_of(info)}: Publish_Date {date_text!r} is not a date"
            )
        count_text = text_of(fields.get("Record_Count")) if isinstance(fields, dict) else None
        if count_text is not None:
            if count_text.isdigit():
                header.record_count = int(count_text)
            else:
                warnings.append(
                    f"{file.name} line {line_of(info)}: Record_Count {count_text!r} is not a number"
                )
    entries: list[RawEntry] = []
    for index, el in enumerate((c for c in root if local(c.tag) == "sdnEntry"), start=1):
        fields = element_dict(el)
        entry = RawEntry(index, line_of(el), fields if isinstance(fields, dict) else {})
        _check(file, entry)
        entries.append(entry)
    if not entries:
        raise ListFormatError(str(file), "the list holds no <sdnEntry>")
    if header.record_count is not None and header.record_count != len(entries):
        kind = "an extract?" if len(entries) < header.record_count else "more than announced"
        warnings.append(
            f"{file.name}: Record_Count says {header.record_count} entries, the file holds "
            f"{len(entries)} ({kind})"
        )
    return file, header, entries, warnings


def _check(file: Path, entry: RawEntry) -> None:
    """The mandatory fields of an entry: a numeric uid and a name."""
    uid = text_of(entry.fields.get("uid"))
    if not uid:
        raise ListFormatError(
            str(file), "entry has no <uid>", line=entry.line, element=f"sdnEntry #{entry.index}"
        )
    if not uid.isdigit():
        raise ListFormatError(
            str(file),
            f"uid {uid[:40]!r} is not a number",
            line=entry.line,
            element=f"sdnEntry #{entry.index}",
        )
    if not (text_of(entry.fields.get("lastName")) or text_of(entry.fields.get("firstName"))):
        raise ListFormatError(
            str(file),
            f"entry uid {uid} has no name (<lastName>/<firstName>)",
            line=entry.line,
            element=f"sdnEntry #{entry.index}",
        )


# ---------------------------------------------------------------- mapping


def full_name(last: str | None, first: str | None) -> str:
    """OFAC's way of writing a name in sdn.csv: ``LASTNAME, Firstname``."""
    if last and first:
        return f"{last}, {first}"
    return last or first or ""


def _name(
    last: str | None, first: str | None, kind: NameKind, strength: str | None, person: bool
) -> Name:
    full = full_name(last, first)
    parts = {"family": last, "given": first} if person and last and first else {}
    return Name(full=full, kind=kind, strength=strength, script=script_code(full), parts=parts)


def _main_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda d: not is_true(d.get("mainEntry")))


def to_entity(entry: RawEntry, source: str) -> tuple[Entity, list[str]]:
    """Map one ``<sdnEntry>`` to an Entity (pure); returns it with any warnings."""
    f = entry.fields
    warnings: list[str] = []
    where = entry.place
    native_id = text_of(f.get("uid")) or ""
    last, first = text_of(f.get("lastName")), text_of(f.get("firstName"))
    type_text = text_of(f.get("sdnType"))
    etype = _TYPES.get((type_text or "").lower())
    if etype is None:
        warnings.append(f"{where}: unknown sdnType {type_text!r} for uid {native_id}")
        etype = EntityType.UNKNOWN
    person = etype is EntityType.PERSON

    primary = _name(last, first, NameKind.PRIMARY, None, person)
    aliases: list[Name] = []
    for aka in dicts_of(f.get("akaList")):
        a_last, a_first = text_of(aka.get("lastName")), text_of(aka.get("firstName"))
        if not (a_last or a_first):
            warnings.append(f"{where}: an alias of uid {native_id} has no name; skipped")
            continue
        kind_text = (text_of(aka.get("type")) or "a.k.a.").lower()
        kind = ALIAS_KINDS.get(kind_text)
        if kind is None:
            warnings.append(f"{where}: unknown alias type {kind_text!r}; taken as a.k.a.")
            kind = NameKind.AKA
        strength = _STRENGTHS.get((text_of(aka.get("category")) or "").lower())
        aliases.append(_name(a_last, a_first, kind, strength, person))
    aliases.sort(key=lambda n: n.strength == WEAK)  # strong first, as alt.csv then remarks

    acc = ParsedRemarks()
    for item in dicts_of(f.get("idList")):
        label, number = text_of(item.get("idType")), text_of(item.get("idNumber"))
        if not label or not number:
            warnings.append(
                f"{where}: an id of uid {native_id} lacks its "
                f"{'idType' if not label else 'idNumber'}; skipped"
            )
            continue
        got, known = map_fact(
            label,
            number,
            country=text_of(item.get("idCountry")),
            issued=text_of(item.get("issueDate")),
            expires=text_of(item.get("expirationDate")),
        )
        if not known:
            warnings.append(f"{where}: idType {label!r} not recognised; kept as is")
        absorb(acc, got)

    birth_dates: list[PartialDate] = []
    unparsed: list[str] = []
    for item in _main_first(dicts_of(f.get("dateOfBirthList"))):
        text = text_of(item.get("dateOfBirth"))
        if not text:
            continue
        d = parse_birth_date(text)
        if d is None:
            unparsed.append(f"DOB {text}")
        else:
            birth_dates.append(d)
    places = [
        p
        for p in (
            text_of(i.get("placeOfBirth")) for i in _main_first(dicts_of(f.get("placeOfBirthList")))
        )
        if p
    ]
    nationalities = [
        c
        for c in (
            country_any(text_of(i.get("country")))
            for i in _main_first(dicts_of(f.get("nationalityList")))
        )
        if c
    ]
    citizenships = [
        c
        for c in (
            country_any(text_of(i.get("country")))
            for i in _main_first(dicts_of(f.get("citizenshipList")))
        )
        if c
    ]

    attributes: dict[str, list[str]] = {}
    countries: list[str] = []
    vessel = f.get("vesselInfo")
    if isinstance(vessel, dict):
        for tag, key in _VESSEL_ATTRS:
            value = text_of(vessel.get(tag))
            if value:
                attributes.setdefault(key, []).append(value)
                if tag == "vesselFlag":
                    code = country_any(value)
                    if code:
                        countries.append(code)

    addresses: list[Address] = []
    for item in dicts_of(f.get("addressList")):
        country = text_of(item.get("country"))
        addr = address_of(
            [text_of(item.get(k)) for k in ("address1", "address2", "address3")],
            text_of(item.get("city")),
            text_of(item.get("stateOrProvince")),
            text_of(item.get("postalCode")),
            country,
        )
        if addr is not None:
            addresses.append(addr)
        code = country_any(country)
        if code:
            countries.append(code)

    remarks = text_of(f.get("remarks"))
    if remarks:
        absorb(acc, parse_ofac_remarks(remarks))

    names = [primary]
    seen = {(primary.full, primary.kind)}
    for n in [*aliases, *acc.aliases]:
        if (n.full, n.kind) in seen:
            continue
        seen.add((n.full, n.kind))
        if n.script is None:
            n.script = script_code(n.full)
        if person and not n.parts:
            fam, sep, given = n.full.partition(",")
            if sep and fam.strip() and given.strip():
                n.parts = {"family": fam.strip(), "given": given.strip()}
        names.append(n)
    for key, values in acc.attributes.items():
        bucket = attributes.setdefault(key, [])
        bucket.extend(v for v in values if v not in bucket)
    titles = [t for t in (clean(x) for x in (text_of(f.get("title")) or "").split(";")) if t]
    dob_texts = {d.text for d in birth_dates}
    birth_dates += [d for d in acc.birth_dates if d.text not in dob_texts]

    entity = Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=etype,
        name=primary.full,
        names=names,
        birth_dates=birth_dates,
        birth_places=dedupe([*places, *acc.birth_places]),
        nationalities=dedupe([*nationalities, *acc.nationalities]),
        citizenships=dedupe([*citizenships, *acc.citizenships]),
        countries=dedupe([*countries, *acc.countries]),
        gender=acc.gender,
        documents=acc.documents,
        addresses=addresses,
        programs=[
            Program(code, AUTHORITY)
            for code in dedupe(c for c in (text_of(p) for p in items_of(f.get("programList"))) if c)
        ],
        titles=dedupe([*titles, *acc.titles]),
        links=dedupe(acc.links),
        attributes=attributes,
        remarks=remarks,
        unparsed=[*unparsed, *acc.unparsed],
        raw=f,
    )
    return entity, warnings


# ---------------------------------------------------------------- contract


def sniff(path: Path) -> bool:
    """True for an OFAC legacy ``<sdnList>`` XML file (or a folder holding one)."""
    try:
        found = candidates(path, FILE_NAMES, _looks_like_sdn_list)
    except OSError:
        return False
    return len(found) == 1 and _looks_like_sdn_list(found[0])


def read(path: Path, source: str) -> ListData:
    # Many small objects and no cycles: pausing the cyclic GC saves a good share of time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(path, source)
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, source: str) -> ListData:
    file, header, entries, warnings = read_records(path)
    by_id: dict[str, Entity] = {}
    for entry in entries:
        try:
            entity, more = to_entity(entry, source)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file),
                f"cannot map entry: {exc}",
                line=entry.line,
                element=f"sdnEntry #{entry.index}",
            ) from exc
        warnings.extend(f"{file.name} {w}" for w in more)
        first = by_id.get(entity.id)
        if first is None:
            by_id[entity.id] = entity
        else:
            warnings.append(
                f"{file.name} {entry.place}: uid {entity.native_id} appears again; merged"
            )
            merge_into(first, entity)
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=header.publish_date,
        files=[file.name],
        warnings=warnings,
    )
