"""OFAC Sanctions List Service ENHANCED_XML (``SDN_ENHANCED.ZIP`` / ``CONS_ENHANCED.ZIP``).

``<sanctionsData xmlns=".../exports/ENHANCED_XML">`` holds ``publicationInfo`` (``dataAsOf``),
the ``referenceValues`` and ``featureTypes`` lookup tables (every value is also written
inline in the entities, so they are not needed to read them) and ``entities/entity``.
Three steps, each visible below:

1. ``read_records`` finds the file (a ``.zip`` is opened), parses it (lxml, one pass;
   syntax errors name the line) and checks each entity has its id and a name;
2. each ``<entity>`` becomes a plain dict (``record_dict``; element ids, ``refId`` and
   ``versionId`` left out) kept with its line and position in a :class:`RawEntity`;
3. ``to_entity`` maps one RawEntity to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id ``{source}:{id}``. The entity ``id`` is OFAC's ent_num / legacy uid (checked against
  ``cons_prim.csv``: 442 of the 443 ids of the 2025-01-10 file are ent_nums there), so
  the CSV, legacy XML and enhanced XML of one list give the same entity ids.
* names: each ``<name>`` gives one name from its primary translation's
  ``formattedFullName`` (OFAC writes individuals ``LASTNAME, Firstname`` there, as in the
  CSV); ``isPrimary`` -> primary, ``aliasType`` A.K.A./F.K.A./N.K.A. -> aka/fka/nka,
  ``isLowQuality`` -> strength weak (else strong). Other translations in a non-Latin
  script are ``original_script`` names with their ISO 15924 code (Cyrillic -> Cyrl,
  Chinese Simplified -> Hans, ...). Parts given/family (+ middle) for individuals.
  Order: primary, strong aliases, weak aliases, original-script names.
* features: Birthdate (the text as the CSV writes it, else ``valueDate``), Place of
  Birth, Nationality Country, Citizenship Country, Gender map to their fields; vessel
  features to the CSV's vessel attribute keys; every other feature, and every
  ``identityDocument`` (type, number, issuing country, issue/expiry dates), is read with
  the CSV remarks grammar (``ofac_xml.map_fact``), so documents and attributes come out
  as they do from the CSV (a label it does not know: an ``other`` document or an
  attribute, with a warning).
* ``sanctionsPrograms`` -> programs (authority US OFAC); ``sanctionsLists`` ->
  ``attributes["sanctions_list"]`` and ``listed_on`` = the earliest ``datePublished``;
  ``legalAuthorities`` -> ``attributes["legal_authority"]``; ``sanctionsTypes`` ->
  ``attributes["sanctions_type"]`` and ``measures`` (Block asset_freeze, Reject
  transaction_ban, sectoral directives sectoral_sanctions, CMIC investment_ban, 561
  correspondent_account_ban, menu-based/non-blocking menu_based_sanctions).
* relationships -> ``links`` (the related entity's name, as the CSV's ``Linked To``) and
  ``attributes["relationship"]`` (``type: name (id)``).
* addresses: ``full`` as the CSV writes it; non-Latin translations are further addresses.
* ``remarks`` (generalInfo) as written, also read with the CSV remarks grammar.
* ``data_date`` = ``dataAsOf``. An id that appears twice is merged (with a warning).
"""

from __future__ import annotations

import gc
import re
import zipfile
from dataclasses import dataclass
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
    PartialDate,
    Program,
)
from watchlist.sources._parse import clean, dedupe, iso_date, local, parse_xml
from watchlist.sources.ofac_remarks import ParsedRemarks, parse_birth_date
from watchlist.sources.ofac_xml import (
    ALIAS_KINDS,
    absorb,
    address_of,
    candidates,
    country_any,
    dicts_of,
    element_dict,
    head,
    is_true,
    items_of,
    line_of,
    load_bytes,
    locate,
    map_fact,
    merge_into,
    parse_ofac_remarks,
    script_code,
    slug,
    text_of,
)

FORMAT = "ofac-enhanced-xml"
AUTHORITY = "US OFAC"
FILE_NAMES = ("sdn_enhanced.zip", "cons_enhanced.zip", "sdn_enhanced.xml", "cons_enhanced.xml")
NAMESPACE = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
)

_ROOT = re.compile(rb"<(?:[\w.-]+:)?sanctionsData[\s>/]")
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_LISTS = frozenset(
    {
        "sanctionsLists",
        "sanctionsPrograms",
        "sanctionsTypes",
        "legalAuthorities",
        "names",
        "translations",
        "nameParts",
        "addresses",
        "addressParts",
        "features",
        "identityDocuments",
        "idFeatures",
        "relationships",
    }
)
_DROP_ATTRS = frozenset({"id", "refId", "featureTypeId", "nameId", "nameTranslationId"})
_DROP_ELEMENTS = frozenset({"versionId"})
# OFAC's script names -> ISO 15924
_SCRIPTS = {
    "latin": None,
    "cyrillic": "Cyrl",
    "arabic": "Arab",
    "persian": "Arab",
    "chinese simplified": "Hans",
    "chinese traditional": "Hant",
    "chinese": "Hani",
    "korean": "Kore",
    "hangul": "Hang",
    "japanese": "Jpan",
    "hebrew": "Hebr",
    "greek": "Grek",
    "georgian": "Geor",
    "armenian": "Armn",
    "thai": "Thai",
    "burmese": "Mymr",
    "khmer": "Khmr",
}
_PARTS = {
    "first name": "given",
    "middle name": "middle",
    "last name": "family",
    "patronymic": "patronymic",
    "maiden name": "maiden",
    "title": "title",
    "suffix": "suffix",
}
_VESSEL_FEATURES = {
    "vessel call sign": "call_sign",
    "vessel type": "vessel_type",
    "vessel flag": "vessel_flag",
    "vessel owner": "vessel_owner",
    "vessel tonnage": "tonnage",
    "vessel gross registered tonnage": "gross_registered_tonnage",
}
_ADDRESS_PARTS = {
    "address1": "address1",
    "address2": "address2",
    "address3": "address3",
    "city": "city",
    "state/province": "state",
    "postal code": "postal",
    "region": "region",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


# ---------------------------------------------------------------- raw records


@dataclass
class RawEntity:
    """One ``<entity>`` as read: its fields as plain data, with its place in the file."""

    index: int  # 1-based position among the entities
    line: int | None
    fields: dict[str, Any]

    @property
    def place(self) -> str:
        where = f"entity #{self.index}"
        return f"{where} (line {self.line})" if self.line else where


def _looks_like_enhanced(path: Path) -> bool:
    try:
        start = head(path)
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
        return False
    return _ROOT.search(start) is not None and (
        b"ENHANCED_XML" in start or b"<publicationInfo" in start
    )


def _locate(path: Path) -> Path:
    return locate(path, FILE_NAMES, _looks_like_enhanced, "OFAC enhanced XML")


def record_dict(el: Any) -> dict[str, Any]:
    """One ``<entity>`` element as plain JSON data (the ``raw`` kept on the Entity)."""
    fields = element_dict(el, _LISTS, _DROP_ATTRS, _DROP_ELEMENTS)
    out: dict[str, Any] = {"id": (el.get("id") or "").strip()}
    if isinstance(fields, dict):
        out.update(fields)
    return out


def read_records(path: Path) -> tuple[Path, str | None, list[RawEntity], list[str]]:
    """Parse the file: the file read, its data date, the entities, and warnings."""
    file = _locate(path)
    root = parse_xml(file, load_bytes(file))
    if local(root.tag) != "sanctionsData":
        raise ListFormatError(
            str(file),
            f"not an OFAC enhanced XML list (root element <{local(root.tag) or root.tag}>, "
            "expected <sanctionsData>)",
            line=line_of(root),
        )
    warnings: list[str] = []
    data_date: str | None = None
    info = next((c for c in root if local(c.tag) == "publicationInfo"), None)
    as_of = (
        next((c for c in info if local(c.tag) == "dataAsOf"), None) if info is not None else None
    )
    if as_of is None:
        warnings.append(f"{file.name}: no publicationInfo/dataAsOf; publication date unknown")
    else:
        data_date = iso_date(clean(as_of.text))
        if data_date is None:
            warnings.append(
                f"{file.name} line {line_of(as_of)}: dataAsOf {clean(as_of.text)!r} is not a date"
            )
    container = next((c for c in root if local(c.tag) == "entities"), None)
    if container is None:
        raise ListFormatError(str(file), "no <entities> element", line=line_of(root))
    records: list[RawEntity] = []
    for index, el in enumerate((c for c in container if local(c.tag) == "entity"), start=1):
        rec = RawEntity(index, line_of(el), record_dict(el))
        _check(file, rec)
        records.append(rec)
    if not records:
        raise ListFormatError(str(file), "the list holds no <entity>", line=line_of(container))
    return file, data_date, records, warnings


def _check(file: Path, rec: RawEntity) -> None:
    """The mandatory fields of an entity: a numeric id and a name."""
    element = f"entity #{rec.index}"
    native_id = rec.fields.get("id") or ""
    if not native_id:
        raise ListFormatError(
            str(file), "entity has no id attribute", line=rec.line, element=element
        )
    if not native_id.isdigit():
        raise ListFormatError(
            str(file),
            f"entity id {native_id[:40]!r} is not a number",
            line=rec.line,
            element=element,
        )
    if not any(
        _translation_name(t) for n in dicts_of(rec.fields.get("names")) for t in _translations(n)
    ):
        raise ListFormatError(
            str(file), f"entity {native_id} has no name", line=rec.line, element=element
        )


# ---------------------------------------------------------------- mapping


def _translations(name: dict[str, Any]) -> list[dict[str, Any]]:
    """A name's translations, the primary one first."""
    return sorted(dicts_of(name.get("translations")), key=lambda t: not is_true(t.get("isPrimary")))


def _translation_name(t: dict[str, Any]) -> str | None:
    full = text_of(t.get("formattedFullName"))
    if full:
        return full
    last, first = text_of(t.get("formattedLastName")), text_of(t.get("formattedFirstName"))
    if last and first:
        return f"{last}, {first}"
    return last or first


def _script(t: dict[str, Any], full: str) -> str | None:
    label = (text_of(t.get("script")) or "").lower()
    if label in _SCRIPTS:
        return _SCRIPTS[label]
    return script_code(full)


def _parts(t: dict[str, Any]) -> dict[str, str]:
    parts: dict[str, str] = {}
    last, first = text_of(t.get("formattedLastName")), text_of(t.get("formattedFirstName"))
    if last and first:
        parts = {"family": last, "given": first}
    for p in dicts_of(t.get("nameParts")):
        key = _PARTS.get((text_of(p.get("type")) or "").lower())
        value = text_of(p.get("value"))
        if not key or not value or key in parts or key == "maiden":
            continue
        if key == "middle" and value.lower() in parts.get("given", "").lower().split():
            continue  # OFAC's formatted first name already holds the middle name
        parts[key] = value
    return parts if "family" in parts and "given" in parts else {}


def _names(
    fields: dict[str, Any], person: bool, where: str, warnings: list[str]
) -> tuple[Name | None, list[Name]]:
    primary: Name | None = None
    aliases: list[Name] = []
    scripts: list[Name] = []
    for n in dicts_of(fields.get("names")):
        is_primary = is_true(n.get("isPrimary"))
        if is_primary:
            kind, strength = NameKind.PRIMARY, None
        else:
            kind_text = (text_of(n.get("aliasType")) or "A.K.A.").lower()
            found = ALIAS_KINDS.get(kind_text)
            if found is None:
                warnings.append(f"{where}: unknown aliasType {kind_text!r}; taken as a.k.a.")
                found = NameKind.AKA
            kind = found
            strength = WEAK if is_true(n.get("isLowQuality")) else STRONG
        for i, t in enumerate(_translations(n)):
            full = _translation_name(t)
            if not full:
                continue
            script = _script(t, full)
            name = Name(
                full=full,
                kind=kind,
                strength=strength,
                script=script,
                parts=_parts(t) if person else {},
            )
            if i == 0 and kind is NameKind.PRIMARY and primary is None:
                primary = name
            elif i == 0:
                if kind is NameKind.PRIMARY:  # a second primary name: keep it as an alias
                    name.kind, name.strength = NameKind.AKA, STRONG
                aliases.append(name)
            elif script is not None:
                name.kind = NameKind.ORIGINAL_SCRIPT
                scripts.append(name)
            else:
                aliases.append(name)
    if primary is None and aliases:
        warnings.append(f"{where}: no name is marked primary; the first one is taken")
        primary = aliases.pop(0)
        primary.kind, primary.strength = NameKind.PRIMARY, None
    aliases.sort(key=lambda x: x.strength == WEAK)
    return primary, [*aliases, *scripts]


def period_text(period: Any) -> str | None:
    """A ``datePeriodType`` written as OFAC writes dates in the CSV remarks
    (``14 Nov 2007``, ``Nov 2007``, ``1975``, ``1955 to 1958``, ``circa 1960``)."""
    if not isinstance(period, dict):
        return None
    start = _ymd(text_of(period.get("fromDateBegin")))
    end = _ymd(text_of(period.get("toDateEnd"))) or _ymd(text_of(period.get("fromDateEnd")))
    if start is None:
        return None
    end = end or start
    prefix = "circa " if is_true(period.get("isApproximate")) else ""
    (y1, m1, d1), (y2, m2, d2) = start, end
    if start == end:
        return f"{prefix}{d1:02d} {_MONTHS[m1 - 1]} {y1}"
    if (m1, d1, m2, d2) == (1, 1, 12, 31):
        return f"{prefix}{y1}" if y1 == y2 else f"{prefix}{y1} to {y2}"
    if y1 == y2 and m1 == m2 and d1 == 1 and d2 >= 28:
        return f"{prefix}{_MONTHS[m1 - 1]} {y1}"
    return f"{prefix}{d1:02d} {_MONTHS[m1 - 1]} {y1} to {d2:02d} {_MONTHS[m2 - 1]} {y2}"


def _ymd(text: str | None) -> tuple[int, int, int] | None:
    m = _ISO_DAY.match(text or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return y, mo, d


def _measure(sanctions_type: str) -> str:
    low = sanctions_type.lower()
    if low == "block":
        return "asset_freeze"
    if low == "reject":
        return "transaction_ban"
    if "directive" in low:
        return "sectoral_sanctions"
    if "cmic" in low or "13959" in low:
        return "investment_ban"
    if "561" in low:
        return "correspondent_account_ban"
    if "non-blocking" in low or "menu" in low or "caatsa" in low:
        return "menu_based_sanctions"
    return slug(sanctions_type)


def _features(
    fields: dict[str, Any],
    acc: ParsedRemarks,
    attributes: dict[str, list[str]],
    where: str,
    warnings: list[str],
) -> tuple[list[PartialDate], list[str], list[str], list[str], list[str]]:
    """Map the features; returns birth dates, birth places, nationalities, citizenships
    and vessel-flag countries (the rest goes into ``acc``/``attributes``)."""
    dobs: list[PartialDate] = []
    places: list[str] = []
    nationalities: list[str] = []
    citizenships: list[str] = []
    countries: list[str] = []
    feats = sorted(dicts_of(fields.get("features")), key=lambda f: not is_true(f.get("isPrimary")))
    for feat in feats:
        label = text_of(feat.get("type"))
        value = text_of(feat.get("value")) or period_text(feat.get("valueDate"))
        if not label or not value:
            continue
        low = label.lower()
        if low == "birthdate":
            d = parse_birth_date(value)
            if d is None:
                alt = period_text(feat.get("valueDate"))
                d = parse_birth_date(alt) if alt else None
            if d is None:
                acc.unparsed.append(f"DOB {value}")
            else:
                dobs.append(d)
        elif low == "place of birth":
            places.append(value)
        elif low in ("nationality country", "nationality"):
            code = country_any(value)
            if code:
                nationalities.append(code)
        elif low in ("citizenship country", "citizenship"):
            code = country_any(value)
            if code:
                citizenships.append(code)
        elif low == "gender" and value.lower() in ("male", "female"):
            acc.gender = acc.gender or value.lower()
        elif low in _VESSEL_FEATURES:
            key = _VESSEL_FEATURES[low]
            bucket = attributes.setdefault(key, [])
            if value not in bucket:
                bucket.append(value)
            if key == "vessel_flag":
                code = country_any(value)
                if code:
                    countries.append(code)
        else:
            got, known = map_fact(label, value)
            if not known:
                warnings.append(f"{where}: feature {label!r} not recognised; kept as is")
            absorb(acc, got)
    return dobs, places, nationalities, citizenships, countries


def _documents(fields: dict[str, Any], acc: ParsedRemarks, where: str, warnings: list[str]) -> None:
    for doc in dicts_of(fields.get("identityDocuments")):
        label, number = text_of(doc.get("type")), text_of(doc.get("documentNumber"))
        if not label or not number:
            warnings.append(
                f"{where}: an identity document lacks its {'type' if not label else 'number'}; "
                "skipped"
            )
            continue
        got, known = map_fact(
            label,
            number,
            country=text_of(doc.get("issuingCountry")),
            issued=period_text(doc.get("issueDate")),
            expires=period_text(doc.get("expirationDate")),
        )
        if not known:
            warnings.append(f"{where}: document type {label!r} not recognised; kept as is")
        extra = [
            f"issued by {v}"
            if k == "issuingAuthority"
            else f"issued in {v}"
            if k == "issuingLocation"
            else v
            for k in ("issuingAuthority", "issuingLocation", "comments")
            if (v := text_of(doc.get(k)))
        ]
        if (text_of(doc.get("isValid")) or "").lower() == "false":
            extra.append("not valid")
        if extra:
            for d in got.documents:
                d.note = "; ".join([d.note, *extra]) if d.note else "; ".join(extra)
        absorb(acc, got)


def _addresses(fields: dict[str, Any]) -> tuple[list[Address], list[str]]:
    out: list[Address] = []
    countries: list[str] = []
    for a in dicts_of(fields.get("addresses")):
        country = text_of(a.get("country"))
        translations = sorted(
            dicts_of(a.get("translations")), key=lambda t: not is_true(t.get("isPrimary"))
        )
        made = False
        for t in translations:
            parts: dict[str, str] = {}
            for p in dicts_of(t.get("addressParts")):
                key = _ADDRESS_PARTS.get((text_of(p.get("type")) or "").lower())
                value = text_of(p.get("value"))
                if key and value:
                    parts[key] = f"{parts[key]}, {value}" if key in parts else value
            if not parts and made:
                continue
            addr = address_of(
                [parts.get("address1"), parts.get("address2"), parts.get("address3")],
                parts.get("city"),
                parts.get("state"),
                parts.get("postal"),
                country,
                region=parts.get("region"),
            )
            if addr is not None and all(addr.full != x.full for x in out):
                out.append(addr)
                made = True
        if not made and not translations and country:
            addr = address_of([], None, None, None, country)
            if addr is not None:
                out.append(addr)
        code = country_any(country)
        if code:
            countries.append(code)
    return out, countries


def to_entity(rec: RawEntity, source: str) -> tuple[Entity, list[str]]:
    """Map one ``<entity>`` to an Entity (pure); returns it with any warnings."""
    f = rec.fields
    warnings: list[str] = []
    where = rec.place
    native_id = str(f.get("id") or "")
    general = f.get("generalInfo")
    info: dict[str, Any] = general if isinstance(general, dict) else {}
    type_text = text_of(info.get("entityType"))
    etype = _TYPES.get((type_text or "").lower())
    if etype is None:
        warnings.append(f"{where}: unknown entityType {type_text!r} for id {native_id}")
        etype = EntityType.UNKNOWN
    person = etype is EntityType.PERSON

    primary, aliases = _names(f, person, where, warnings)
    if primary is None:  # read_records refuses such a record; kept total for direct callers
        primary = Name(full="", kind=NameKind.PRIMARY)

    acc = ParsedRemarks()
    attributes: dict[str, list[str]] = {}
    dobs, places, nationalities, citizenships, countries = _features(
        f, acc, attributes, where, warnings
    )
    _documents(f, acc, where, warnings)
    addresses, address_countries = _addresses(f)

    remarks = text_of(info.get("remarks"))
    if remarks:
        absorb(acc, parse_ofac_remarks(remarks))
    titles = [t for t in (clean(x) for x in (text_of(info.get("title")) or "").split(";")) if t]

    links: list[str] = []
    for rel in dicts_of(f.get("relationships")):
        related = rel.get("relatedEntity")
        name = text_of(related)
        if not name:
            continue
        links.append(name)
        rel_id = related.get("entityId") if isinstance(related, dict) else None
        rel_type = text_of(rel.get("type"))
        label = f"{rel_type}: {name}" if rel_type else name
        if isinstance(rel_id, str) and rel_id:
            label += f" ({rel_id})"
        attributes.setdefault("relationship", []).append(label)

    lists = dicts_of(f.get("sanctionsLists")) + [
        {"value": v} for v in items_of(f.get("sanctionsLists")) if isinstance(v, str)
    ]
    published = sorted(d for d in (iso_date(text_of(x.get("datePublished"))) for x in lists) if d)
    sanctions_types = [t for t in (text_of(x) for x in items_of(f.get("sanctionsTypes"))) if t]
    for key, values in (
        ("sanctions_list", [text_of(x) for x in lists]),
        ("sanctions_type", sanctions_types),
        ("legal_authority", [text_of(x) for x in items_of(f.get("legalAuthorities"))]),
    ):
        kept = dedupe(v for v in values if v)
        if kept:
            attributes[key] = kept
    for key, values in acc.attributes.items():
        bucket = attributes.setdefault(key, [])
        bucket.extend(v for v in values if v not in bucket)

    names = [primary]
    seen = {(primary.full, primary.kind)}
    for n in [*aliases, *acc.aliases]:
        if (n.full, n.kind) not in seen:
            seen.add((n.full, n.kind))
            n.script = n.script or script_code(n.full)
            names.append(n)
    dob_texts = {d.text for d in dobs}
    dobs += [d for d in acc.birth_dates if d.text not in dob_texts]

    entity = Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=etype,
        name=primary.full,
        names=names,
        birth_dates=dobs,
        birth_places=dedupe([*places, *acc.birth_places]),
        nationalities=dedupe([*nationalities, *acc.nationalities]),
        citizenships=dedupe([*citizenships, *acc.citizenships]),
        countries=dedupe([*countries, *address_countries, *acc.countries]),
        gender=acc.gender,
        documents=acc.documents,
        addresses=addresses,
        programs=[
            Program(code, AUTHORITY)
            for code in dedupe(
                c for c in (text_of(p) for p in items_of(f.get("sanctionsPrograms"))) if c
            )
        ],
        measures=dedupe(_measure(t) for t in sanctions_types),
        titles=dedupe([*titles, *acc.titles]),
        listed_on=published[0] if published else None,
        links=dedupe([*links, *acc.links]),
        attributes=attributes,
        remarks=remarks,
        unparsed=acc.unparsed,
        raw=f,
    )
    return entity, warnings


# ---------------------------------------------------------------- contract


def sniff(path: Path) -> bool:
    """True for an OFAC ENHANCED_XML file, its zip, or a folder holding one."""
    try:
        found = candidates(path, FILE_NAMES, _looks_like_enhanced)
    except OSError:
        return False
    return len(found) == 1 and _looks_like_enhanced(found[0])


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
    file, data_date, records, warnings = read_records(path)
    by_id: dict[str, Entity] = {}
    for rec in records:
        try:
            entity, more = to_entity(rec, source)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file),
                f"cannot map entity: {exc}",
                line=rec.line,
                element=f"entity #{rec.index}",
            ) from exc
        warnings.extend(f"{file.name} {w}" for w in more)
        first = by_id.get(entity.id)
        if first is None:
            by_id[entity.id] = entity
        else:
            warnings.append(f"{file.name} {rec.place}: id {entity.native_id} appears again; merged")
            merge_into(first, entity)
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=data_date,
        files=[file.name],
        warnings=warnings,
    )
