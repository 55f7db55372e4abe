"""UK Sanctions List (FCDO), XML (``UK-Sanctions-List.xml``, ``SanctionsListSchema``).

``<Designations dateGenerated=...>`` holds ``<DateGenerated>`` and one ``<Designation>``
per designated person, entity or ship. Three steps, each visible below:

1. ``read`` finds and parses the file (lxml, one pass; syntax errors name the line);
2. ``records`` yields each Designation as a plain dict (``record_dict``) with its line;
3. ``to_entity`` maps one such dict to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id ``{source}:{UniqueID}`` (``AFG0011``, the UK Sanctions List reference). A Designation
  without a UniqueID is an error naming its line and position — never silently dropped.
  ``OFSIGroupID`` (the OFSI ConList Group ID), ``UNReferenceNumber`` and
  ``DesignationSource`` go to ``attributes``.
* type: ``IndividualEntityShip`` Individual / Entity / Ship.
* names: ``Names/Name`` with ``Name1 … Name6`` (Name 6 the surname, written last; parts
  given/middle/family for individuals), ``NameType`` "Primary Name"/"Primary name"
  (the casing varies) -> primary, "Primary Name Variation" -> variation, "Alias" -> aka
  (fka when ``AliasStrength`` says f.k.a.); ``AliasStrength`` Good/Low quality ->
  strong/weak. ``NonLatinNames/NonLatinName`` -> ``original_script`` names, script from
  the letters (else ``NonLatinScriptType``), language from ``NonLatinScriptLanguage``.
* dates ``dd/mm/yyyy`` with ``dd``/``mm`` placeholders (``dd/mm/1968`` is a year); a DOB
  that is no date (``15/08/19yy``) goes to ``unparsed``. ``DateDesignated`` -> listed_on,
  ``LastUpdated`` -> amended_on; ``<DateGenerated>``/``dateGenerated`` -> data_date.
* ``RegimeName`` -> program (authority "UK FCDO"). ``SanctionsImposedIndicators`` true
  -> measures (``AssetFreeze`` -> asset_freeze, ``TravelBan`` -> travel_ban, ...); without
  indicators the ``SanctionsImposed`` text (``Asset freeze|Travel Ban``) is used.
* ``OtherInformation`` -> remarks; ``UKStatementofReasons`` ->
  ``attributes["statement_of_reasons"]``.
* Individual: DOBs, Nationalities (ISO codes where known), PassportDetails /
  NationalIdentifierDetails -> documents (numbers trimmed — the list has leading
  spaces; the additional information is the note and gives the issuing country where it
  starts with one), Positions -> titles, BirthDetails/Location -> ``town, country``,
  Genders -> gender. Entity: TypeOfEntities -> ``attributes["entity_type"]``,
  BusinessRegistrationNumbers -> registration documents, ParentCompanies / Subsidiaries
  -> links and attributes. Ship: IMONumbers -> imo documents (``IMO9562233`` -> 9562233),
  HIN -> attribute, owners -> links, flags, type, tonnage, length, year built ->
  attributes. Phone numbers, emails and websites -> attributes.
* Any other element with text goes to ``unparsed`` as ``Element: text``, so a schema
  change shows.
* A UniqueID seen twice is merged into one Entity (with a warning).
"""

from __future__ import annotations

import gc
import re
import zipfile
from collections.abc import Iterator
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
from watchlist.sources._parse import (
    clean,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_xml,
    read_bytes,
)
from watchlist.sources.uk_ofsi import (
    dedupe_addresses,
    dedupe_dates,
    dedupe_documents,
    dedupe_names,
    doc_country,
    doc_type,
    lang_code,
    make_address,
    measure_key,
    number_in,
    person_name,
    script_of,
    uk_countries,
    uk_date,
    uk_iso_date,
)

FORMAT = "uk-fcdo-xml"
AUTHORITY = "UK FCDO"
# the official download name, and the name the FCDO's page used before
FILE_NAMES = ("UK-Sanctions-List.xml", "UK_Sanctions_List.xml")

_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}
_MEASURE_NAMES = {  # SanctionsImposed text -> the indicator's key, where they differ
    "travel ban": "travel_ban",
    "asset freeze": "asset_freeze",
    "arms embargo": "arms_embargo",
}
# elements read by to_entity (as record keys); anything else with text is reported
_HANDLED = frozenset(
    {
        "LastUpdated",
        "DateDesignated",
        "UniqueID",
        "OFSIGroupID",
        "UNReferenceNumber",
        "Names",
        "NonLatinNames",
        "Titles",
        "RegimeName",
        "IndividualEntityShip",
        "DesignationSource",
        "SanctionsImposed",
        "SanctionsImposedIndicators",
        "OtherInformation",
        "UKStatementofReasons",
        "Addresses",
        "PhoneNumbers",
        "EmailAddresses",
        "Websites",
        "IndividualDetails",
        "EntityDetails",
        "ShipDetails",
    }
)


_ROOT = re.compile(rb"<Designations[\s>]")


class _RecordError(Exception):
    """A record that cannot be mapped; ``read`` names its line and element."""


# ---------------------------------------------------------------- files


def _looks_like_fcdo(path: Path) -> bool:
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
                if not members:
                    return False
                with zf.open(members[0]) as f:
                    head = f.read(16384)
        else:
            with path.open("rb") as f:
                head = f.read(16384)
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return (
        start.startswith(b"<")
        and _ROOT.search(head) is not None
        and (b"<Designation>" in head or b"dateGenerated" in head)
    )


def _candidates(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    official = find_file(path, *FILE_NAMES)
    if official is not None:
        return [official]
    files = sorted(p for p in path.iterdir() if p.is_file())
    return [p for p in files if p.suffix.lower() in (".xml", ".zip") and _looks_like_fcdo(p)]


def sniff(path: Path) -> bool:
    """True for a UK Sanctions List XML file (or a folder holding one). Never raises."""
    try:
        found = _candidates(path)
    except OSError:
        return False
    return len(found) == 1 and _looks_like_fcdo(found[0])


def _locate(path: Path) -> Path:
    found = _candidates(path)
    if not found:
        raise ListFormatError(str(path), f"no UK Sanctions List XML ({FILE_NAMES[0]}) found")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ListFormatError(str(path), f"several UK Sanctions List files ({names}); name one")
    return found[0]


# ---------------------------------------------------------------- reading


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
    root = parse_xml(file, read_bytes(file))
    if local(root.tag) != "Designations":
        raise ListFormatError(
            str(file),
            f"not a UK Sanctions List (root element <{local(root.tag) or root.tag}>)",
            line=_line(root),
        )
    warnings: list[str] = []
    by_id: dict[str, Entity] = {}
    for pos, line, raw in records(root, warnings, file.name):
        element = f"Designation[{pos}]"
        try:
            entity = to_entity(raw, source)
        except _RecordError as exc:
            raise ListFormatError(str(file), str(exc), line=line, element=element) from exc
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file), f"cannot map record ({exc!r})", line=line, element=element
            ) from exc
        old = by_id.get(entity.id)
        if old is None:
            by_id[entity.id] = entity
        else:
            warnings.append(
                f"{file.name} line {line} ({element}): {entity.native_id} appears again; "
                "merged into one entry"
            )
            _merge(old, entity)
    if not by_id:
        raise ListFormatError(str(file), "the list holds no Designation")
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=_data_date(root),
        files=[file.name],
        warnings=warnings,
    )


def _data_date(root: etree._Element) -> str | None:
    stamp = clean(root.get("dateGenerated"))
    if stamp:
        found = iso_date(stamp[:10])
        if found:
            return found
    for child in root:
        if local(child.tag) == "DateGenerated":
            return uk_iso_date(clean(child.text))
    return None


def records(
    root: etree._Element, warnings: list[str], file_name: str
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """(position, line, record as a dict) for each Designation."""
    pos = 0
    for el in root:
        tag = local(el.tag)
        if not tag or tag == "DateGenerated":
            continue
        if tag != "Designation":
            warnings.append(f"{file_name} line {_line(el)}: unexpected element <{tag}>")
            continue
        pos += 1
        yield pos, _line(el), record_dict(el)


def record_dict(el: etree._Element) -> dict[str, Any]:
    """An element as a JSON-ready dict: children by name, each a list (of their cleaned
    text for a leaf, of dicts otherwise); empty leaves are left out."""
    out: dict[str, Any] = {}
    for child in el:
        tag = local(child.tag)
        if not tag:
            continue
        value: Any = record_dict(child) if len(child) else clean(child.text)
        if value:
            out.setdefault(tag, []).append(value)
    return out


def _line(el: etree._Element) -> int | None:
    line: Any = el.sourceline
    return line if isinstance(line, int) else None


# ---------------------------------------------------------------- mapping


def to_entity(record: dict[str, Any], source: str) -> Entity:
    """Map one Designation (as ``record_dict`` gives it) to an Entity."""
    native = _text(record, "UniqueID")
    if not native:
        raise _RecordError("Designation has no UniqueID")
    kind = _text(record, "IndividualEntityShip")
    etype = _TYPES.get((kind or "").casefold(), EntityType.UNKNOWN)
    unparsed: list[str] = []
    if kind and etype is EntityType.UNKNOWN:
        unparsed.append(f"IndividualEntityShip: {kind}")
    person = etype is EntityType.PERSON

    names = _names(record, person=person)
    if not names:
        raise _RecordError(f"Designation {native} has no name")

    attributes: dict[str, list[str]] = {}

    def add(key: str, values: list[str]) -> None:
        if values:
            attributes[key] = dedupe([*attributes.get(key, []), *values])

    add("ofsi_group_id", _texts(record, "OFSIGroupID"))
    add("un_reference_number", _texts(record, "UNReferenceNumber"))
    add("designation_source", _texts(record, "DesignationSource"))
    add("statement_of_reasons", _texts(record, "UKStatementofReasons"))
    add("phone", _all(record, "PhoneNumbers", "PhoneNumber"))
    add("email", _all(record, "EmailAddresses", "EmailAddress"))
    add("website", _all(record, "Websites", "Website"))

    titles = list(_all(record, "Titles", "Title"))
    birth_dates: list[PartialDate] = []
    birth_places: list[str] = []
    nationalities: list[str] = []
    documents: list[Document] = []
    links: list[str] = []
    gender: str | None = None
    for ind in _path(record, "IndividualDetails", "Individual"):
        for text in _all(ind, "DOBs", "DOB"):
            d = uk_date(text)
            if d is None:
                unparsed.append(f"DOB: {text}")
            else:
                birth_dates.append(d)
        nationalities.extend(
            c for t in _all(ind, "Nationalities", "Nationality") for c in uk_countries(t)
        )
        titles.extend(_all(ind, "Positions", "Position"))
        for loc in _path(ind, "BirthDetails", "Location"):
            town, country = _text(loc, "TownOfBirth"), _text(loc, "CountryOfBirth")
            place = ", ".join(p for p in (town, country) if p)
            if place:
                birth_places.append(place)
        for g in _all(ind, "Genders", "Gender"):
            if g.casefold() in ("male", "female"):
                gender = gender or g.casefold()
            else:
                unparsed.append(f"Gender: {g}")
        for doc in _path(ind, "PassportDetails", "Passport"):
            documents.extend(
                _document(
                    doc, "PassportNumber", "PassportAdditionalInformation", "passport", unparsed
                )
            )
        for doc in _path(ind, "NationalIdentifierDetails", "NationalIdentifier"):
            documents.extend(
                _document(
                    doc,
                    "NationalIdentifierNumber",
                    "NationalIdentifierAdditionalInformation",
                    "national_id",
                    unparsed,
                )
            )
        _leftovers(
            ind,
            {
                "DOBs",
                "Nationalities",
                "Positions",
                "BirthDetails",
                "Genders",
                "PassportDetails",
                "NationalIdentifierDetails",
            },
            unparsed,
        )
    for ent in _path(record, "EntityDetails", "Entity"):
        add("entity_type", _all(ent, "TypeOfEntities", "TypeOfEntity"))
        for number in _all(ent, "BusinessRegistrationNumbers", "BusinessRegistrationNumber"):
            num = number_in(number) or number
            documents.append(Document("registration", num, doc_country(number), number))
        parents = _all(ent, "ParentCompanies", "ParentCompany")
        subsidiaries = _all(ent, "Subsidiaries", "Subsidiary")
        add("parent_company", parents)
        add("subsidiary", subsidiaries)
        links.extend([*parents, *subsidiaries])
        _leftovers(
            ent,
            {"TypeOfEntities", "BusinessRegistrationNumbers", "ParentCompanies", "Subsidiaries"},
            unparsed,
        )
    for ship in _path(record, "ShipDetails", "Ship"):
        for imo in _all(ship, "IMONumbers", "IMONumber"):
            documents.append(Document("imo", re.sub(r"^IMO\s*", "", imo, flags=re.I)))
        owners = _all(ship, "CurrentOwnerOperators", "CurrentOwnerOperator")
        add("owner", owners)
        links.extend(owners)
        add("previous_owner", _all(ship, "PreviousOwnerOperators", "PreviousOwnerOperator"))
        add("flag", _all(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"))
        add("previous_flag", _all(ship, "PreviousFlags", "PreviousFlag"))
        add("vessel_type", _all(ship, "TypeOfShipDetails", "TypeOfShip"))
        add("tonnage", _all(ship, "TonnageOfShipDetails", "TonnageOfShip"))
        add("length", _all(ship, "LengthOfShipDetails", "LengthOfShip"))
        add("year_built", _all(ship, "YearsBuilt", "YearBuilt"))
        add("hin", _all(ship, "HullIdentificationNumbers", "HullIdentificationNumber"))
        _leftovers(
            ship,
            {
                "IMONumbers",
                "CurrentOwnerOperators",
                "PreviousOwnerOperators",
                "CurrentBelievedFlagOfShips",
                "PreviousFlags",
                "TypeOfShipDetails",
                "TonnageOfShipDetails",
                "LengthOfShipDetails",
                "YearsBuilt",
                "HullIdentificationNumbers",
            },
            unparsed,
        )

    addresses: list[Address] = []
    for a in _path(record, "Addresses", "Address"):
        lines: list[str | None] = [_text(a, f"AddressLine{i}") for i in range(1, 7)]
        address = make_address(lines, _text(a, "AddressPostalCode"), _text(a, "AddressCountry"))
        if address is not None:
            addresses.append(address)
    addresses = dedupe_addresses(addresses)

    _leftovers(record, _HANDLED, unparsed)
    listed = uk_iso_date(_text(record, "DateDesignated"))
    amended = uk_iso_date(_text(record, "LastUpdated"))
    return Entity(
        id=f"{source}:{native}",
        source=source,
        native_id=native,
        type=etype,
        name=names[0].full,
        names=names,
        birth_dates=dedupe_dates(birth_dates),
        birth_places=dedupe(birth_places),
        nationalities=dedupe(nationalities),
        countries=dedupe(a.country for a in addresses if a.country),
        gender=gender,
        documents=dedupe_documents(documents),
        addresses=addresses,
        programs=[Program(r, AUTHORITY) for r in _texts(record, "RegimeName")],
        measures=_measures(record),
        titles=dedupe(titles),
        listed_on=listed,
        amended_on=amended,
        links=dedupe(links),
        attributes=attributes,
        remarks="\n".join(_texts(record, "OtherInformation")) or None,
        unparsed=dedupe(unparsed),
        raw=record,
    )


def _names(record: dict[str, Any], *, person: bool) -> list[Name]:
    primary: Name | None = None
    others: list[Name] = []
    for n in _path(record, "Names", "Name"):
        full_text = _text(n, "Name")  # a whole name, where a record gives one
        full, parts = person_name([_text(n, f"Name{i}") for i in range(1, 7)])
        full = full or full_text
        if not full:
            continue
        if not person:
            parts = {}
        name_type = (_text(n, "NameType") or "").casefold()
        strength_text = (_text(n, "AliasStrength") or "").casefold()
        strength = STRONG if "good" in strength_text else WEAK if "low" in strength_text else None
        if name_type.startswith("primary name variation"):
            kind = NameKind.VARIATION
        elif name_type.startswith("primary"):
            kind = NameKind.PRIMARY
        elif "f.k.a" in strength_text or "fka" in strength_text:
            kind = NameKind.FKA
        else:
            kind = NameKind.AKA
        name = Name(full, kind, strength, script_of(full), parts=parts)
        if kind is NameKind.PRIMARY:
            if primary is None:
                primary = name
                continue
            name.kind = NameKind.VARIATION
        others.append(name)
    for n in _path(record, "NonLatinNames", "NonLatinName"):
        text = _text(n, "NameNonLatinScript")
        if not text:
            continue
        script = script_of(text, _text(n, "NonLatinScriptType"))
        lang = lang_code(_text(n, "NonLatinScriptLanguage"))
        kind = NameKind.ORIGINAL_SCRIPT if script else NameKind.AKA
        others.append(Name(text, kind, script=script, lang=lang))
    if primary is None:
        latin = [n for n in others if n.kind is not NameKind.ORIGINAL_SCRIPT] or others
        if not latin:
            return []
        first = latin[0]
        others.remove(first)
        primary = Name(
            first.full, NameKind.PRIMARY, first.strength, first.script, first.lang, first.parts
        )
    return dedupe_names([primary, *others])


def _measures(record: dict[str, Any]) -> list[str]:
    out: list[str] = []
    indicators = _path(record, "SanctionsImposedIndicators")
    for ind in indicators:
        for key, values in ind.items():
            if any(isinstance(v, str) and v.casefold() == "true" for v in values):
                out.append(measure_key(key))
    if not indicators:
        for text in _texts(record, "SanctionsImposed"):
            for part in text.split("|"):
                if clean(part):
                    label = str(clean(part)).casefold()
                    out.append(_MEASURE_NAMES.get(label, measure_key(label)))
    return dedupe(out)


def _document(
    doc: dict[str, Any], number_key: str, info_key: str, dtype: str, unparsed: list[str]
) -> list[Document]:
    number = _text(doc, number_key)
    info = _text(doc, info_key)
    if not number:
        found = number_in(info) if info else None
        if not found:
            if info:
                unparsed.append(f"{dtype}: {info}")
            return []
        number = found
    return [Document(doc_type(dtype, info), number, doc_country(info), info)]


def _leftovers(
    record: dict[str, Any], handled: set[str] | frozenset[str], unparsed: list[str]
) -> None:
    """Elements no rule reads: kept in ``unparsed`` so a schema change shows."""
    for key, values in record.items():
        if key in handled:
            continue
        for v in values:
            if isinstance(v, str):
                unparsed.append(f"{key}: {v}")
            elif isinstance(v, dict):
                for text in _leaf_texts(v):
                    unparsed.append(f"{key}: {text}")


def _leaf_texts(d: dict[str, Any]) -> Iterator[str]:
    for values in d.values():
        for v in values:
            if isinstance(v, str):
                yield v
            elif isinstance(v, dict):
                yield from _leaf_texts(v)


# ---------------------------------------------------------------- small helpers


def _texts(d: dict[str, Any], key: str) -> list[str]:
    return [v for v in d.get(key, ()) if isinstance(v, str)]


def _text(d: dict[str, Any], key: str) -> str | None:
    values = _texts(d, key)
    return values[0] if values else None


def _path(d: dict[str, Any], *keys: str) -> list[dict[str, Any]]:
    """The dicts at the end of a path of child names (``Addresses``, ``Address``)."""
    level = [d]
    for key in keys:
        level = [v for item in level for v in item.get(key, ()) if isinstance(v, dict)]
    return level


def _all(d: dict[str, Any], group: str, item: str) -> list[str]:
    """The texts of the ``item`` children of the ``group`` children (``DOBs``, ``DOB``)."""
    return dedupe(t for g in _path(d, group) for t in _texts(g, item))


def _merge(into: Entity, other: Entity) -> None:
    """Fold a repeated Designation into the first one with the same UniqueID."""
    for field in (
        "birth_places",
        "nationalities",
        "citizenships",
        "countries",
        "measures",
        "titles",
        "links",
        "unparsed",
    ):
        setattr(into, field, dedupe([*getattr(into, field), *getattr(other, field)]))
    for n in other.names:
        if n.kind is NameKind.PRIMARY:
            n.kind = NameKind.VARIATION
    into.names = dedupe_names([*into.names, *other.names])
    into.birth_dates = dedupe_dates([*into.birth_dates, *other.birth_dates])
    into.documents = dedupe_documents([*into.documents, *other.documents])
    into.addresses = dedupe_addresses([*into.addresses, *other.addresses])
    into.programs.extend(p for p in other.programs if p not in into.programs)
    for key, values in other.attributes.items():
        into.attributes[key] = dedupe([*into.attributes.get(key, []), *values])
    into.gender = into.gender or other.gender
    listed = [d for d in (into.listed_on, other.listed_on) if d]
    into.listed_on = min(listed) if listed else None
    amended = [d for d in (into.amended_on, other.amended_on) if d]
    into.amended_on = max(amended) if amended else None
    if other.remarks and other.remarks != into.remarks:
        into.remarks = f"{into.remarks}\n{other.remarks}" if into.remarks else other.remarks
    into.raw = {"records": [*into.raw.get("records", [into.raw]), other.raw]}
