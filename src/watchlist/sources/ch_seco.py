"""Switzerland SECO Swiss Sanctions List, XML (``<swiss-sanctions-list>``).

``<swiss-sanctions-list list-type="whole-list" date="...">`` holds, in the full official
file, ``<sanctions-program>`` blocks (``program-key``, ``program-name`` per language and the
``sanctions-set ssid`` they cover) and ``<place>`` blocks (``location``, ``area``,
``country iso-code``) that targets refer to, then one ``<target ssid>`` per listed party:
``sanctions-set-id``, one of ``individual`` (``sex``), ``entity`` or ``object``
(``object-type`` vessel/aircraft/...), each with ``identity`` blocks (``main="true"`` for the
main one) of ``name/name-part/value`` + ``spelling-variant``, ``day-month-year``,
``place-of-birth``, ``nationality``, ``address``, ``identification-document``; then
``justification``, ``other-information``, ``relation``; and the ``<modification>`` history
(listed / amended / de-listed, with dates and added/removed snapshots). Three steps:

1. ``read`` parses the file (lxml; syntax errors name the line) and the lookup tables;
2. ``records`` yields each top-level ``<target>`` as a plain dict (``record_dict``, without
   the modification snapshots) with its position and line;
3. ``to_entity`` maps one such dict to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id: ``{source}:{target ssid}``. A target whose latest modification is ``de-listed`` is no
  longer on the list: it is not emitted (``read`` says so in ``warnings``).
* The first name of the main identity is the primary name (name parts joined in their
  ``order``); other names are aka / fka by ``name-type``, names of other identities are
  aka; ``quality`` good/low -> strong/weak. Spelling variants are assembled per
  (language, script) across the name parts: Latin ones are variations, others
  original-script names with their ISO 15924 script (``CYRL`` -> ``Cyrl``).
* ``sanctions-set-id`` -> programs via the ``sanctions-program`` table (code = the English
  ``program-key``, name = the English ``program-name``); without the table the code is the
  set id. Authority "Switzerland SECO". The list does not say per target which measures
  apply, so ``measures`` stays empty.
* listed_on = date of the ``listed`` modification; amended_on = latest ``amended`` one
  (effective date, else publication, else enactment date).
* ``justification`` and ``other-information`` -> remarks. ``other-information`` written as
  ``Key: value`` is mapped where the key is known (phone, fax, e-mail, website ->
  attributes; registration / IMO number -> documents; function -> titles; associated
  individual -> links); the rest also goes to ``unparsed``. ``relation`` -> links
  (``{source}:{target-id}``).
"""

from __future__ import annotations

import re
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
    clean,
    country_or_raw,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_xml,
    read_bytes,
)

FORMAT = "ch-seco-xml"
AUTHORITY = "Switzerland SECO"
# what fetch.py saves the download as, and names the SECO portal and mirrors use
FILE_NAMES = ("seco.xml", "swiss-sanctions-list.xml", "Gesamtliste.xml", "ch_seco.xml")
_MARKER = b"<swiss-sanctions-list"
TEXT = "#text"  # key of an element's own text in ``record_dict``
STATUS = "#status"  # "listed" / "de-listed", set by ``records`` from the modifications
DELISTED_ON = "#delisted_on"

_KINDS = {"individual": EntityType.PERSON, "entity": EntityType.ORGANIZATION}
_OBJECT_TYPES = {
    "vessel": EntityType.VESSEL,
    "ship": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
    "airplane": EntityType.AIRCRAFT,
}
_NAME_TYPES = {
    "primary-name": NameKind.PRIMARY,
    "alias": NameKind.AKA,
    "formerly-known-as": NameKind.FKA,
    "now-known-as": NameKind.NKA,
    "spelling-variant": NameKind.VARIATION,
}
_QUALITY = {"good": STRONG, "low": WEAK}
_PART_KEYS = {
    "given-name": "given",
    "further-given-name": "middle",
    "family-name": "family",
    "maiden-name": "family",
    "tribal-name": "family",
    "father-name": "patronymic",
    "title": "title",
    "suffix": "suffix",
}
_DOC_TYPES = {
    "passport": "passport",
    "diplomatic-passport": "passport",
    "service-passport": "passport",
    "id-card": "national_id",
    "identity-card": "national_id",
    "national-id": "national_id",
    "tax-number": "tax_id",
    "registration-number": "registration",
}
_INFO_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z .\-]{1,40}?)\s*:\s*(.+)$", re.S)
_INFO_ATTRIBUTES = {
    "phone": "phone",
    "tel": "phone",
    "tel.": "phone",
    "telephone": "phone",
    "fax": "fax",
    "e-mail": "email",
    "email": "email",
    "website": "website",
    "web": "website",
}
_INFO_DOCUMENTS = {
    "registration number": "registration",
    "registration no": "registration",
    "imo number": "imo",
    "imo": "imo",
    "tax number": "tax_id",
    "inn": "tax_id",
    "ogrn": "registration",
    "swift/bic": "swift_bic",
    "bic": "swift_bic",
}
_INFO_TITLES = frozenset({"function", "position", "title"})
_INFO_LINKS = frozenset({"associated individual", "associated entity", "associated individuals"})


class _RecordError(Exception):
    """A target that cannot be mapped; ``read`` names its line and element."""


# ---------------------------------------------------------------- files


def _looks_like_seco(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return _MARKER in head


def _candidate(path: Path) -> Path | None:
    if path.is_file():
        return path
    if not path.is_dir():
        return None
    found = find_file(path, *FILE_NAMES)
    if found is not None:
        return found
    try:
        xml = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    except OSError:
        return None
    matches = [p for p in xml if _looks_like_seco(p)]
    return matches[0] if len(matches) == 1 else None


def sniff(path: Path) -> bool:
    """True for a Swiss sanctions list XML file (or a folder holding one). Never raises."""
    try:
        found = _candidate(path)
    except OSError:
        return False
    return found is not None and _looks_like_seco(found)


# ---------------------------------------------------------------- reading


def read(path: Path, source: str) -> ListData:
    file = _candidate(path)
    if file is None:
        raise ListFormatError(str(path), "no Swiss SECO sanctions list XML found")
    root = parse_xml(file, read_bytes(file))
    if local(root.tag) != "swiss-sanctions-list":
        raise ListFormatError(
            str(file),
            f"not a Swiss sanctions list (root element <{local(root.tag) or root.tag}>)",
            line=_line(root),
        )
    warnings: list[str] = []
    program_table = programs(root)
    place_table = places(root)
    by_id: dict[str, Entity] = {}
    for pos, line, rec in records(root):
        element = f"target[{pos}]"
        ssid = rec.get("ssid")
        if rec.get(STATUS) == "de-listed":
            warnings.append(
                f"line {line} ({element}): target {ssid} was de-listed"
                + (f" on {rec[DELISTED_ON]}" if rec.get(DELISTED_ON) else "")
                + "; not emitted"
            )
            continue
        try:
            entity = to_entity(rec, source, program_table, place_table)
        except _RecordError as exc:
            raise ListFormatError(str(file), str(exc), line=line, element=element) from exc
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ListFormatError(
                str(file), f"cannot map target ({exc!r})", line=line, element=element
            ) from exc
        old = by_id.get(entity.id)
        if old is None:
            by_id[entity.id] = entity
        else:
            warnings.append(f"line {line} ({element}): target {ssid} appears again; merged")
            _merge(old, entity)
    if not by_id and not warnings:
        raise ListFormatError(str(file), "the list holds no <target>")
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=iso_date(root.get("date"), dayfirst=True),
        files=[file.name],
        warnings=warnings,
    )


def _lang_text(el: etree._Element, name: str) -> str | None:
    """Text of the child ``name`` in English, else the first one."""
    first = None
    for c in el:
        if local(c.tag) == name:
            text = clean(c.text)
            if text and (c.get("lang") or "").lower() in ("eng", "en"):
                return text
            first = first or text
    return first


def programs(root: etree._Element) -> dict[str, Program]:
    """sanctions-set ssid -> Program, from the ``<sanctions-program>`` blocks (if any)."""
    out: dict[str, Program] = {}
    for sp in root:
        if local(sp.tag) != "sanctions-program":
            continue
        key = _lang_text(sp, "program-key")
        name = _lang_text(sp, "program-name")
        for s in sp:
            if local(s.tag) == "sanctions-set" and s.get("ssid"):
                set_id = str(s.get("ssid")).strip()
                out.setdefault(set_id, Program(code=key or set_id, authority=AUTHORITY, name=name))
    return out


def places(root: etree._Element) -> dict[str, dict[str, str]]:
    """place ssid -> {location, area, country, country_code}, from ``<place>`` blocks."""
    out: dict[str, dict[str, str]] = {}
    for pl in root:
        if local(pl.tag) != "place" or not pl.get("ssid"):
            continue
        entry: dict[str, str] = {}
        for c in pl:
            tag = local(c.tag)
            text = clean(c.text)
            if tag in ("location", "area") and text and tag not in entry:
                entry[tag] = text
            elif tag == "country":
                if text:
                    entry["country"] = text
                code = clean(c.get("iso-code"))
                if code:
                    entry["country_code"] = code.lower()
        out[str(pl.get("ssid"))] = entry
    return out


def records(root: etree._Element) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
    """(position, line, record) for each top-level target. The record is the target as a
    dict plus ``#status`` (listed / de-listed) and ``#delisted_on`` from its modifications."""
    pos = 0
    for el in root:
        if local(el.tag) != "target":
            continue
        pos += 1
        rec = record_dict(el)
        mods = rec.get("modification", [])
        dated = [
            (i, m) for i, m in enumerate(mods) if isinstance(m, dict) and m.get("modification-type")
        ]
        if dated:
            # latest by date; undated entries (old listings) count as the oldest
            _, last = max(dated, key=lambda im: (_mod_date(im[1]) or "", -im[0]))
            if last.get("modification-type") == "de-listed":
                rec[STATUS] = "de-listed"
                rec[DELISTED_ON] = _mod_date(last)
            else:
                rec[STATUS] = "listed"
        yield pos, _line(el), rec


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def _mod_date(mod: dict[str, Any]) -> str | None:
    for key in ("effective-date", "publication-date", "enactment-date"):
        d = iso_date(mod.get(key))
        if d:
            return d
    return None


def record_dict(el: etree._Element) -> dict[str, Any]:
    """An element as a JSON-ready dict: attributes, children as lists by tag (text-only
    children as their text), own text as ``#text``. Modification snapshots are dropped."""
    out: dict[str, Any] = {str(k): str(v) for k, v in el.attrib.items() if v}
    for child in el:
        tag = local(child.tag)
        if not tag:
            continue
        value: Any
        if tag == "modification":
            value = {str(k): str(v) for k, v in child.attrib.items() if v}
        elif len(child) or len(child.attrib):
            value = record_dict(child)
        else:
            value = clean(child.text)
        if value:
            out.setdefault(tag, []).append(value)
    text = clean(el.text)
    if text and (out or len(el)):
        out[TEXT] = text
    return out


# ---------------------------------------------------------------- mapping


def _dicts(rec: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [v for v in rec.get(key, []) if isinstance(v, dict)]


def _texts(rec: dict[str, Any], key: str) -> list[str]:
    out = []
    for v in rec.get(key, []):
        text = v.get(TEXT) if isinstance(v, dict) else v
        if isinstance(text, str) and text:
            out.append(text)
    return out


def _script(code: str | None, text: str) -> str | None:
    if code:
        s = code.strip().title()
        return None if s == "Latn" else s
    detected = detect_script(text)
    return None if detected == "Latn" else detected


def _parts(name: dict[str, Any]) -> list[dict[str, Any]]:
    def order(p: dict[str, Any]) -> int:
        try:
            return int(p.get("order", 0))
        except ValueError:
            return 0

    return sorted(_dicts(name, "name-part"), key=order)


def _names(identities: list[dict[str, Any]]) -> list[Name]:
    out: list[Name] = []
    seen: set[str] = set()

    def add(n: Name) -> None:
        if n.full and n.full not in seen:
            seen.add(n.full)
            out.append(n)

    for identity in identities:
        main = identity.get("main") == "true"
        for name in _dicts(identity, "name"):
            parts = _parts(name)
            values = [(p, _texts(p, "value")) for p in parts]
            full = clean(" ".join(v[0] for _, v in values if v))
            if not full:
                continue
            kind = _NAME_TYPES.get(name.get("name-type", ""), NameKind.AKA)
            if not out and main:
                kind = NameKind.PRIMARY
            elif kind is NameKind.PRIMARY:
                kind = NameKind.AKA
            strength = _QUALITY.get(name.get("quality", ""))
            part_map: dict[str, str] = {}
            for p, v in values:
                key = _PART_KEYS.get(p.get("name-part-type", ""))
                if key and v:
                    part_map[key] = f"{part_map[key]} {v[0]}" if key in part_map else v[0]
            add(
                Name(
                    full=full,
                    kind=kind,
                    strength=strength,
                    script=_script(None, full),
                    lang=(name.get("lang") or "").lower() or None,
                    parts=part_map,
                )
            )
            # spelling variants, assembled per (language, script) across the parts
            variants: dict[tuple[str, str], list[str]] = {}
            for p, _v in values:
                for sv in _dicts(p, "spelling-variant"):
                    key2 = (sv.get("lang", ""), sv.get("script", ""))
                    variants.setdefault(key2, [])
            for lang, script in variants:
                words = []
                for p, v in values:
                    match = next(
                        (
                            sv.get(TEXT)
                            for sv in _dicts(p, "spelling-variant")
                            if (sv.get("lang", ""), sv.get("script", "")) == (lang, script)
                        ),
                        None,
                    )
                    if match:
                        words.append(match)
                    elif v and script.upper() in ("LATN", ""):
                        words.append(v[0])
                variant = clean(" ".join(words))
                if not variant:
                    continue
                code = _script(script or None, variant)
                add(
                    Name(
                        full=variant,
                        kind=NameKind.VARIATION if code is None else NameKind.ORIGINAL_SCRIPT,
                        strength=strength,
                        script=code,
                        lang=lang.lower() or None,
                    )
                )
    return out


def _date(d: dict[str, Any]) -> PartialDate | None:
    try:
        year = int(d["year"]) if d.get("year") else None
        month = int(d["month"]) if d.get("month") else None
        day = int(d["day"]) if d.get("day") else None
    except ValueError:
        return None
    if year is None or not 1000 <= year <= 2999:
        return None
    if month is not None and not 1 <= month <= 12:
        month = day = None
    if day is not None and not 1 <= day <= 31:
        day = None
    text = (
        f"{year:04d}"
        + (f"-{month:02d}" if month else "")
        + (f"-{day:02d}" if month and day else "")
    )
    return PartialDate(text=text, year=year, month=month, day=day if month else None)


def _place(ref: dict[str, Any], table: dict[str, dict[str, str]]) -> dict[str, str]:
    return table.get(ref.get("place-id", ""), {})


def _country(el: dict[str, Any], code_attr: str = "iso-code") -> str | None:
    code = el.get(code_attr)
    if isinstance(code, str) and code.strip():
        return code.strip().lower()
    text = el.get(TEXT)
    return country_or_raw(text) if isinstance(text, str) else None


def _address(a: dict[str, Any], table: dict[str, dict[str, str]]) -> Address | None:
    place = _place(a, table)
    street = next(iter(_texts(a, "address-details")), None)
    city = next(iter(_texts(a, "location")), None) or place.get("location")
    region = next(iter(_texts(a, "area")), None) or place.get("area")
    postal = next(iter(_texts(a, "zip-code")), None)
    country_el = next(iter(_dicts(a, "country")), None)
    country = _country(country_el) if country_el else place.get("country_code")
    country_text = (country_el or {}).get(TEXT) or place.get("country")
    pieces = [
        *_texts(a, "c-o"),
        street,
        *_texts(a, "p-o-box"),
        " ".join(x for x in (postal, city) if x) or None,
        region,
        country_text,
    ]
    full = ", ".join(p for p in pieces if p)
    if not full:
        return None
    return Address(
        full=full, street=street, city=city, region=region, postal_code=postal, country=country
    )


def _document(d: dict[str, Any]) -> Document | None:
    number = next(iter(_texts(d, "number")), None)
    if not number:
        return None
    raw_type = (d.get("document-type") or "").lower()
    issuer = next(iter(_dicts(d, "issuer")), None)
    country = _country(issuer, "code") if issuer else None
    notes = [] if raw_type in _DOC_TYPES else [raw_type] if raw_type else []
    for key, values in d.items():
        if key in ("number", "issuer", "document-type", "ssid") or not isinstance(values, list):
            continue
        for v in values:
            text = v.get(TEXT) if isinstance(v, dict) else v
            if isinstance(v, dict) and not text:
                text = " ".join(f"{k}={x}" for k, x in v.items() if isinstance(x, str))
            if text:
                notes.append(f"{key}: {text}")
    return Document(
        type=_DOC_TYPES.get(raw_type, "other"),
        number=number,
        country=country,
        note="; ".join(notes) or None,
    )


def to_entity(
    rec: dict[str, Any],
    source: str,
    program_table: dict[str, Program] | None = None,
    place_table: dict[str, dict[str, str]] | None = None,
) -> Entity:
    """Map one target (as ``records`` gives it) to an Entity."""
    program_table = program_table or {}
    place_table = place_table or {}
    ssid = clean(rec.get("ssid"))
    if not ssid:
        raise _RecordError("target has no ssid")
    body: dict[str, Any] | None = None
    etype = EntityType.UNKNOWN
    attributes: dict[str, list[str]] = {}
    for kind in ("individual", "entity", "object"):
        found = _dicts(rec, kind)
        if found:
            body = found[0]
            if kind == "object":
                otype = (body.get("object-type") or "").lower()
                etype = _OBJECT_TYPES.get(otype, EntityType.UNKNOWN)
                if otype:
                    attributes["object_type"] = [otype]
            else:
                etype = _KINDS[kind]
            break
    if body is None:
        raise _RecordError(f"target {ssid} has no <individual>, <entity> or <object>")

    identities = _dicts(body, "identity")
    identities.sort(key=lambda i: i.get("main") != "true")
    names = _names(identities)
    if not names:
        raise _RecordError(f"target {ssid} has no name")

    dobs: list[PartialDate] = []
    pobs: list[str] = []
    nationalities: list[str] = []
    documents: list[Document] = []
    addresses: list[Address] = []
    for identity in identities:
        for d in _dicts(identity, "day-month-year"):
            pd = _date(d)
            if pd is not None and all(pd.text != o.text for o in dobs):
                dobs.append(pd)
        for p in _dicts(identity, "place-of-birth"):
            place = _place(p, place_table)
            text = ", ".join(
                x for x in (place.get("location"), place.get("area"), place.get("country")) if x
            )
            text = text or clean(p.get(TEXT)) or ""
            if text:
                pobs.append(text)
        for n in _dicts(identity, "nationality"):
            for c in _dicts(n, "country"):
                code = _country(c)
                if code:
                    nationalities.append(code)
        for doc in _dicts(identity, "identification-document"):
            document = _document(doc)
            if document is not None:
                documents.append(document)
        for a in _dicts(identity, "address"):
            address = _address(a, place_table)
            if address is not None and all(address.full != o.full for o in addresses):
                addresses.append(address)

    remarks = [*_texts(body, "justification")]
    unparsed: list[str] = []
    titles: list[str] = []
    links: list[str] = []
    for info in _texts(body, "other-information"):
        remarks.append(info)
        m = _INFO_KEY.match(info)
        key = m.group(1).strip().lower() if m else ""
        value = clean(m.group(2)) if m else None
        if m and value and key in _INFO_ATTRIBUTES:
            attributes.setdefault(_INFO_ATTRIBUTES[key], []).append(value)
        elif m and value and key in _INFO_DOCUMENTS:
            documents.append(Document(type=_INFO_DOCUMENTS[key], number=value))
        elif m and value and key in _INFO_TITLES:
            titles.append(value)
        elif m and value and key in _INFO_LINKS:
            links.append(value)
        else:
            unparsed.append(info)
    for r in _dicts(body, "relation"):
        target = clean(r.get("target-id"))
        if target:
            links.append(f"{source}:{target}")
            attributes.setdefault("relation", []).append(
                f"{r.get('relation-type') or 'related-to'} {target}"
            )

    progs: list[Program] = []
    for set_id in _texts(rec, "sanctions-set-id"):
        prog = program_table.get(set_id) or Program(code=set_id, authority=AUTHORITY)
        if all((prog.code, prog.name) != (o.code, o.name) for o in progs):
            progs.append(prog)
    if progs and program_table:
        attributes["sanctions_set_id"] = _texts(rec, "sanctions-set-id")

    listed: list[str] = []
    amended: list[str] = []
    for mod in rec.get("modification", []):
        if not isinstance(mod, dict):
            continue
        when = _mod_date(mod)
        if not when:
            continue
        if mod.get("modification-type") == "listed":
            listed.append(when)
        elif mod.get("modification-type") == "amended":
            amended.append(when)

    sex = (body.get("sex") or "").lower()
    return Entity(
        id=f"{source}:{ssid}",
        source=source,
        native_id=ssid,
        type=etype,
        name=names[0].full,
        names=names,
        birth_dates=dobs,
        birth_places=dedupe(pobs),
        nationalities=dedupe(nationalities),
        countries=dedupe(a.country for a in addresses if a.country),
        gender=sex if sex in ("male", "female") else None,
        documents=documents,
        addresses=addresses,
        programs=progs,
        titles=dedupe(titles),
        listed_on=min(listed) if listed else None,
        amended_on=max(amended) if amended else None,
        links=dedupe(links),
        attributes={k: dedupe(v) for k, v in attributes.items()},
        remarks="\n".join(dedupe(remarks)) or None,
        unparsed=dedupe(unparsed),
        raw=rec,
    )


def _merge(into: Entity, other: Entity) -> None:
    known = {n.full for n in into.names}
    into.names.extend(n for n in other.names if n.full not in known)
    for attr in ("birth_places", "nationalities", "countries", "titles", "links", "unparsed"):
        target = getattr(into, attr)
        target.extend(v for v in getattr(other, attr) if v not in target)
    into.documents.extend(d for d in other.documents if d not in into.documents)
    into.addresses.extend(a for a in other.addresses if a not in into.addresses)
    into.programs.extend(p for p in other.programs if p not in into.programs)
    into.birth_dates.extend(d for d in other.birth_dates if d not in into.birth_dates)
