"""EU Financial Sanctions Files (FSF) consolidated list, XML v1.1.

``<export generationDate=... globalFileId=...>`` in namespace
``http://eu.europa.ec/fpi/fsd/export`` holds one ``sanctionEntity`` per listed party
(attributes ``euReferenceNumber``, ``logicalId``, ``unitedNationId``, ``designationDate``,
``designationDetails``; children ``remark``, ``regulation``, ``subjectType``, ``nameAlias``,
``citizenship``, ``birthdate``, ``identification``, ``address``, each detail with its
``regulationSummary``). Three steps, each visible below:

1. ``read`` finds and parses the file(s) (lxml, one pass; syntax errors name the line);
2. ``records`` yields each sanctionEntity as a plain dict (``record_dict``) with its line;
3. ``to_entity`` maps one such dict to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id: ``{source}:{euReferenceNumber}`` (``eu:EU.27.28``, what people cite); a record
  without one falls back to ``logicalId`` (``eu:13``).
* The FSF marks no primary name. The primary is the strong alias in the regulation's
  language (``nameLanguage`` empty or EN) with the lowest ``logicalId`` (the name entered
  first); for EU.27.28 that is "Saddam Hussein Al-Tikriti", not the French "Abou Ali"
  written first. Every other ``nameAlias`` is an aka, ``strong="false"`` (or a remark
  saying "low quality") making it weak; ``nameLanguage`` goes to ``Name.lang``.
* ``function`` and ``title`` (split at "(a) ... (b) ...") go to ``titles``; gender M/F.
* ``regulation`` -> programs (``programme`` code, authority "EU"); ``designationDate`` ->
  listed_on (else the publication date of an original ``regulationType="regulation"``);
  amended_on = the latest publication date of any regulation or regulationSummary.
* Measures: asset_freeze (the FSF list is the financial sanctions list).
* ``countryIso2Code`` "00" / ``UNKNOWN`` mean no country.
* A folder may hold several extracts of one export (same ``generationDate``); they are read
  together. A reference number seen twice is merged into one Entity (with a warning).
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
from watchlist.names.script import detect_script
from watchlist.sources._parse import (
    NULLS,
    clean,
    country_or_raw,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_date,
    parse_xml,
    read_bytes,
)

FORMAT = "eu-fsf-xml"
AUTHORITY = "EU"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
# what the download is saved as (fetch.py), and names the Commission's portal uses
FILE_NAMES = ("eu_fsf.xml", "xmlFullSanctionsList_1_1.xml", "xmlFullSanctionsList.xml")
_MARKER = NAMESPACE.encode()

_SUBJECT_TYPES = {
    "person": EntityType.PERSON,
    "enterprise": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_DOC_TYPES = {
    "passport": "passport",
    "id": "national_id",
    "nrn": "national_id",
    "nationcert": "national_id",
    "ssn": "national_id",
    "fiscalcode": "tax_id",
    "regnumber": "registration",
    "tradelic": "registration",
    "swiftbic": "swift_bic",
    "imo": "imo",
    "drivinglicence": "driving_licence",
    "birthcert": "birth_certificate",
    "residentperm": "residence_permit",
}
_DOC_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_CONTACT_KEYS = {"PHONE": "phone", "FAX": "fax", "EMAIL": "email", "WEB": "website"}
_LETTERED = re.compile(r"\(\s*[a-z]\s*\)")
_NO_COUNTRY = frozenset({"00", ""})


class _RecordError(Exception):
    """A record that cannot be mapped; ``read`` names its line and element."""


# ---------------------------------------------------------------- files


def _head(path: Path, size: int = 4096) -> bytes:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if not n.endswith("/")]
            if not members:
                return b""
            with zf.open(members[0]) as f:
                return f.read(size)
    with path.open("rb") as f:
        return f.read(size)


def _looks_like_eu(path: Path) -> bool:
    try:
        head = _head(path)
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
        return False
    return _MARKER in head and b"export" in head


def _candidates(path: Path) -> list[Path]:
    """The EU file(s) at ``path``: the file itself, or in a folder the official name, else
    every XML/zip file that looks like an FSF export (extracts of one export)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    official = find_file(path, *FILE_NAMES)
    if official is not None:
        return [official]
    try:
        files = sorted(p for p in path.iterdir() if p.is_file())
    except OSError:
        return []
    return [p for p in files if p.suffix.lower() in (".xml", ".zip") and _looks_like_eu(p)]


def sniff(path: Path) -> bool:
    """True for an EU FSF XML export (or a folder holding one). Never raises."""
    try:
        found = _candidates(path)
    except OSError:
        return False
    return bool(found) and all(_looks_like_eu(p) for p in found)


# ---------------------------------------------------------------- reading


def read(path: Path, source: str) -> ListData:
    # Building many small objects triggers the cyclic GC over and over; none of them form
    # cycles, so pausing it while reading roughly halves the time on a large file.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(path, source)
    finally:
        if enabled:
            gc.enable()


def _read(path: Path, source: str) -> ListData:
    files = _candidates(path)
    if not files:
        raise ListFormatError(str(path), "no EU Financial Sanctions Files XML export found")
    warnings: list[str] = []
    by_id: dict[str, Entity] = {}
    generated: dict[str, str | None] = {}
    for file in files:
        root = parse_xml(file, read_bytes(file))
        if local(root.tag) != "export":
            raise ListFormatError(
                str(file),
                f"not an EU FSF export (root element <{local(root.tag) or root.tag}>)",
                line=_line(root),
            )
        ns = root.tag[1:].split("}", 1)[0] if isinstance(root.tag, str) and "}" in root.tag else ""
        if ns != NAMESPACE:
            warnings.append(f"{file.name}: unexpected namespace {ns or '(none)'!r}")
        generated[file.name] = clean(root.get("generationDate"))
        for pos, line, raw in records(root, warnings, file.name):
            element = f"sanctionEntity[{pos}]"
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
    dates = set(generated.values())
    if len(dates) > 1:
        listing = ", ".join(f"{n}: {d}" for n, d in generated.items())
        raise ListFormatError(
            str(path), f"files are from different EU exports ({listing}); read one at a time"
        )
    stamp = next(iter(dates))
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=iso_date(stamp[:10]) if stamp else None,
        files=[f.name for f in files],
        warnings=warnings,
    )


def records(
    root: etree._Element, warnings: list[str], file_name: str
) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """(position, line, record as a dict) for each sanctionEntity."""
    pos = 0
    for el in root:
        tag = _local(el.tag)
        if not tag:
            continue
        if tag != "sanctionEntity":
            warnings.append(f"{file_name} line {_line(el)}: unexpected element <{tag}>")
            continue
        pos += 1
        yield pos, _line(el), record_dict(el)


def record_dict(el: etree._Element) -> dict[str, Any]:
    """An element as a JSON-ready dict: its non-empty attributes, and its children as lists
    by name (text-only children as their text). ``regulationSummary`` keeps its
    ``numberTitle`` and ``publicationDate`` only, to keep the record small."""
    out: dict[str, Any] = {str(k): str(v) for k, v in el.attrib.items() if v}
    for child in el:
        tag = _local(child.tag)
        if not tag:
            continue
        value: Any
        if tag == "regulationSummary":
            get = child.get
            value = {k: v for k in ("numberTitle", "publicationDate") if (v := get(k))}
        elif len(child) or len(child.attrib):
            value = record_dict(child)
        else:
            text = child.text
            value = text if text and not text.isspace() else None
        if value:
            existing = out.get(tag)
            if isinstance(existing, list):
                existing.append(value)
            else:  # first child of this name (replaces an attribute of the same name)
                out[tag] = [value]
    if out and el.text and not el.text.isspace():
        out["text"] = el.text.strip()
    return out


_LOCAL: dict[str, str] = {}


def _local(tag: Any) -> str:
    """``local`` with a cache: lxml gives each namespaced tag as a new string."""
    if not isinstance(tag, str):
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = local(tag)
        if len(_LOCAL) < 512:
            _LOCAL[tag] = name
    return name


# ---------------------------------------------------------------- mapping


def to_entity(record: dict[str, Any], source: str) -> Entity:
    """Map one sanctionEntity (as ``record_dict`` gives it) to an Entity."""
    native = _attr(record, "euReferenceNumber") or _attr(record, "logicalId")
    if not native:
        raise _RecordError("sanctionEntity has neither euReferenceNumber nor logicalId")
    subject = next(iter(_dicts(record, "subjectType")), {})
    code = (_attr(subject, "code") or "").lower()
    etype = _SUBJECT_TYPES.get(code, EntityType.UNKNOWN)
    unparsed: list[str] = []
    if code and etype is EntityType.UNKNOWN:
        unparsed.append(f"subject type {code}")
    remarks = [r for r in (clean(t) for t in _texts(record, "remark")) if r]
    attributes: dict[str, list[str]] = {}

    names, titles, gender = _names(_dicts(record, "nameAlias"), remarks)
    if not names:
        raise _RecordError(f"sanctionEntity {native} has no name (no nameAlias wholeName)")

    citizenships = dedupe(c for c in (_country(x) for x in _dicts(record, "citizenship")) if c)
    birth_dates: list[PartialDate] = []
    birth_places: list[str] = []
    for b in _dicts(record, "birthdate"):
        date = _birth_date(b)
        if date is not None:
            birth_dates.append(date)
        place = _place(b)
        if place:
            birth_places.append(place)
        calendar = _attr(b, "calendarType")
        if calendar and calendar.upper() != "GREGORIAN" and date is not None:
            unparsed.append(f"birth date {date.text} in calendar {calendar}")

    documents = [d for i in _dicts(record, "identification") for d in _documents(i)]
    addresses = []
    for a in _dicts(record, "address"):
        address = _address(a)
        if address is not None:
            addresses.append(address)
        for r in _texts(a, "remark"):
            if clean(r):
                attributes.setdefault("address_note", []).append(str(clean(r)))
        for info in _dicts(a, "contactInfo"):
            key = _CONTACT_KEYS.get((_attr(info, "key") or "").upper(), "contact")
            value = _attr(info, "value")
            if value:
                attributes.setdefault(key, []).append(value)

    programs: list[Program] = []
    pub_dates: list[str] = []
    original_dates: list[str] = []
    for reg in _dicts(record, "regulation"):
        prog = _attr(reg, "programme")
        if prog and all(p.code != prog for p in programs):
            programs.append(Program(prog, AUTHORITY))
        published = _iso(_attr(reg, "publicationDate"))
        if published:
            pub_dates.append(published)
            if (_attr(reg, "regulationType") or "").lower() == "regulation":
                original_dates.append(published)
    pub_dates.extend(d for d in map(_iso, _summary_dates(record)) if d)

    for key, attr in (
        ("unitedNationId", "un_reference_number"),
        ("designationDetails", "designation_details"),
        ("logicalId", "eu_logical_id"),
    ):
        value = _attr(record, key)
        if value:
            attributes.setdefault(attr, []).append(value)

    listed_on = _iso(_attr(record, "designationDate"))
    if listed_on is None and original_dates:
        listed_on = min(original_dates)
    return Entity(
        id=f"{source}:{native}",
        source=source,
        native_id=native,
        type=etype,
        name=names[0].full,
        names=names,
        birth_dates=_dedupe_dates(birth_dates),
        birth_places=dedupe(birth_places),
        citizenships=citizenships,
        countries=dedupe(a.country for a in addresses if a.country),
        gender=gender,
        documents=documents,
        addresses=addresses,
        programs=programs,
        measures=["asset_freeze"],
        titles=titles,
        listed_on=listed_on,
        amended_on=max(pub_dates) if pub_dates else None,
        attributes=attributes,
        remarks="\n".join(dedupe(remarks)) or None,
        unparsed=unparsed,
        raw=record,
    )


def _names(
    aliases: list[dict[str, Any]], remarks: list[str]
) -> tuple[list[Name], list[str], str | None]:
    """All names (primary first), the titles/functions, and the gender the aliases give."""
    candidates: list[tuple[tuple[int, int, int], int, Name]] = []
    titles: list[str] = []
    gender: str | None = None
    for order, alias in enumerate(aliases):
        first, middle, last = (_attr(alias, k) for k in ("firstName", "middleName", "lastName"))
        full = _attr(alias, "wholeName") or " ".join(p for p in (first, middle, last) if p)
        strong = _code(alias, "strong").lower() != "false"
        for remark in _texts(alias, "remark") if "remark" in alias else ():
            low = remark.lower()
            if "low quality" in low:
                strong = False
            elif "good quality" in low or "high quality" in low:
                strong = True
            elif clean(remark):
                remarks.append(str(clean(remark)))
        title = _attr(alias, "title")
        titles.extend(_split_lettered(title))
        titles.extend(_split_lettered(_attr(alias, "function")))
        g = _code(alias, "gender").upper()
        if gender is None and g in ("M", "F"):
            gender = "male" if g == "M" else "female"
        if not full:
            continue
        lang = _code(alias, "nameLanguage").strip().lower() or None
        parts = {
            k: v
            for k, v in (
                ("given", first),
                ("middle", middle),
                ("family", last),
                ("title", title),
            )
            if v
        }
        script = detect_script(full)
        name = Name(
            full,
            NameKind.AKA,
            strength=STRONG if strong else WEAK,
            script=None if script == "Latn" else script,
            lang=lang,
            parts=parts,
        )
        logical = _code(alias, "logicalId")
        rank = (
            0 if strong else 1,
            0 if lang in (None, "en") else 1,
            int(logical) if logical.isdigit() else 1 << 62,
        )
        candidates.append((rank, order, name))
    if not candidates:
        return [], dedupe(titles), gender
    primary = min(candidates, key=lambda c: (c[0], c[1]))[2]
    primary.kind = NameKind.PRIMARY
    names = [primary]
    seen = {(primary.full, primary.lang)}
    for _, _, n in candidates:
        if (n.full, n.lang) not in seen:
            seen.add((n.full, n.lang))
            names.append(n)
    return names, dedupe(titles), gender


def _split_lettered(text: str | None) -> list[str]:
    """``(a) Mullah, (b) Maulavi`` -> [Mullah, Maulavi]."""
    if not text:
        return []
    if "(" not in text:
        return [text.strip(" ,;")] if text.strip(" ,;") else []
    return [p for p in (clean(x.strip(" ,;")) for x in _LETTERED.split(text)) if p]


def _birth_date(b: dict[str, Any]) -> PartialDate | None:
    circa = (_attr(b, "circa") or "").lower() == "true"
    prefix = "circa " if circa else ""
    full = _attr(b, "birthdate")
    if full:
        d = parse_date(full)
        if d is not None:
            d.circa = circa
            d.text = prefix + d.text
            return d
    year = _int(_attr(b, "year"), 1800, 2100)
    month = _int(_attr(b, "monthOfYear"), 1, 12)
    day = _int(_attr(b, "dayOfMonth"), 1, 31)
    y1 = _int(_attr(b, "yearRangeFrom"), 1800, 2100)
    y2 = _int(_attr(b, "yearRangeTo"), 1800, 2100)
    if year is None and (y1 is not None or y2 is not None):
        lo, hi = (y1 if y1 is not None else y2), (y2 if y2 is not None else y1)
        if lo is not None and hi is not None:
            lo, hi = min(lo, hi), max(lo, hi)
            text = f"{prefix}{lo}-{hi}" if hi != lo else f"{prefix}{lo}"
            return PartialDate(text, year=lo, year_to=hi if hi != lo else None, circa=circa)
    if year is None and month is None:
        return None
    if month is None:
        day = None
    text = "-".join(
        s
        for s in (
            f"{year:04d}" if year is not None else "",
            f"{month:02d}" if month is not None else "",
            f"{day:02d}" if day is not None else "",
        )
        if s
    )
    return PartialDate(prefix + text, year=year, month=month, day=day, circa=circa)


def _iso(text: str | None) -> str | None:
    """An ISO date; the FSF writes them as YYYY-MM-DD already (fast path)."""
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        return text
    return iso_date(text)


def _int(text: str | None, lo: int, hi: int) -> int | None:
    if text and text.isdigit() and lo <= int(text) <= hi:
        return int(text)
    return None


def _place(b: dict[str, Any]) -> str | None:
    country = _attr(b, "countryDescription")
    if country and country.upper() == "UNKNOWN":
        country = None
    parts = [_attr(b, k) for k in ("place", "city", "zipCode", "region")]
    text = ", ".join(dedupe(p for p in (*parts, country) if p))
    return text or None


def _country(el: dict[str, Any]) -> str | None:
    code = (_attr(el, "countryIso2Code") or "").strip()
    if code and code not in _NO_COUNTRY and code.isalpha() and len(code) == 2:
        return code.lower()
    desc = _attr(el, "countryDescription")
    if desc and desc.upper() != "UNKNOWN":
        return country_or_raw(desc)
    return None


def _documents(i: dict[str, Any]) -> list[Document]:
    code = (_attr(i, "identificationTypeCode") or "").lower()
    dtype = _DOC_TYPES.get(code, "other")
    number = _attr(i, "number")
    latin = _attr(i, "latinNumber")
    details: list[str] = []
    desc = _attr(i, "identificationTypeDescription")
    if desc:
        details.append(desc)
    elif code and code not in _DOC_TYPES:
        details.append(code)
    for key, label in (
        ("issuedBy", "issued by"),
        ("issueDate", "issued"),
        ("validFrom", "valid from"),
        ("validTo", "valid to"),
        ("region", "region"),
        ("nameOnDocument", "name on document"),
    ):
        value = _attr(i, key)
        if value:
            details.append(f"{label} {value}")
    desc_country = _attr(i, "countryDescription")
    country = _country(i)
    if country is None and desc_country and desc_country.upper() != "UNKNOWN":
        details.append(f"country {desc_country}")
    details.extend(f for f in _DOC_FLAGS if (_attr(i, f) or "").lower() == "true")
    details.extend(r for r in (clean(t) for t in _texts(i, "remark")) if r)
    note = "; ".join(details) or None
    country_code = country if country and len(country) == 2 else None
    out = []
    if number:
        out.append(Document(dtype, number, country_code, note))
    if latin and latin != number:
        out.append(Document(dtype, latin, country_code, note))
    return out


def _address(a: dict[str, Any]) -> Address | None:
    street = _attr(a, "street")
    po_box = _attr(a, "poBox")
    city = _attr(a, "city")
    place = _attr(a, "place")
    zip_code = _attr(a, "zipCode")
    region = _attr(a, "region")
    country_desc = _attr(a, "countryDescription")
    if country_desc and country_desc.upper() == "UNKNOWN":
        country_desc = None
    country = _country(a)
    box = f"PO Box {po_box}" if po_box and not po_box.lower().startswith(("po", "p.o")) else po_box
    full = ", ".join(p for p in (street, box, place, city, zip_code, region, country_desc) if p)
    if not full:
        return None
    return Address(
        full,
        street=street,
        city=city,
        region=region,
        postal_code=zip_code,
        country=country if country and len(country) == 2 else None,
    )


def _summary_dates(record: dict[str, Any]) -> Iterator[str]:
    """Publication dates of the regulationSummary of each detail (name, birth date...)."""
    for values in record.values():
        if not isinstance(values, list):
            continue
        for v in values:
            if isinstance(v, dict):
                for summary in _dicts(v, "regulationSummary"):
                    d = summary.get("publicationDate")
                    if isinstance(d, str):
                        yield d


# ---------------------------------------------------------------- small helpers


def _line(el: etree._Element) -> int | None:
    line: Any = el.sourceline
    return line if isinstance(line, int) else None


def _attr(d: dict[str, Any], key: str) -> str | None:
    value = d.get(key)
    if not value or not isinstance(value, str):
        return None
    # most FSF values are already clean: skip the regex when nothing needs collapsing
    if value.isprintable() and "  " not in value and value[0] != " " and value[-1] != " ":
        return None if len(value) <= 9 and value.lower() in NULLS else value
    return clean(value)


def _code(d: dict[str, Any], key: str) -> str:
    """A short code attribute (strong, gender, logicalId...) as is, or ""."""
    value = d.get(key)
    return value if isinstance(value, str) else ""


def _dicts(d: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = d.get(key)
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, dict)]


def _texts(d: dict[str, Any], key: str) -> list[str]:
    value = d.get(key)
    items = value if isinstance(value, list) else [value]
    out = []
    for v in items:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict) and isinstance(v.get("text"), str):
            out.append(v["text"])
    return out


def _dedupe_dates(dates: list[PartialDate]) -> list[PartialDate]:
    seen: set[tuple[str | None, bool]] = set()
    out = []
    for d in dates:
        key = (d.iso() or d.text, d.circa)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _merge(into: Entity, other: Entity) -> None:
    """Fold a repeated record into the first one with the same id."""
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
    for field in ("names", "birth_dates", "documents", "addresses", "programs"):
        mine = getattr(into, field)
        for x in getattr(other, field):
            if field == "names" and x.kind is NameKind.PRIMARY:
                x.kind = NameKind.AKA
            if x not in mine and not (
                field == "names" and any(n.full == x.full and n.lang == x.lang for n in mine)
            ):
                mine.append(x)
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
