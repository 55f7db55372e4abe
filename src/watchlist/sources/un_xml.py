"""UN Security Council Consolidated List, XML (``consolidated.xml``, ``sc-sanctions.xsd``).

``<CONSOLIDATED_LIST dateGenerated=...>`` holds ``INDIVIDUALS/INDIVIDUAL`` and
``ENTITIES/ENTITY``. Three steps, each visible below:

1. ``read`` finds and parses the file (lxml, one pass; syntax errors name the line);
2. ``records`` yields each INDIVIDUAL/ENTITY as a plain dict (``record_dict``) with its
   line and element position;
3. ``to_entity`` maps one such dict to a ``model.Entity`` (pure).

Mapping notes (documented choices):

* id: ``{source}:{REFERENCE_NUMBER}`` (e.g. ``un:QDi.059``; trailing spaces, which the
  2020 files carry on some numbers, are removed). DATAID is kept in ``attributes``.
* person name: FIRST_NAME SECOND_NAME THIRD_NAME FOURTH_NAME joined in that order, as
  the UN writes them. ``parts`` holds the numbered parts as ``name1``..``name4`` and, when
  there are two or more parts, ``given`` / ``middle`` / ``family``: the first part is the
  given name and the last the family name, except on the DPRK list where names are written
  family name first (``KIM CHOL SAM``). Entity name: FIRST_NAME as written; a name that
  joins two names with `` ; `` also gets each half as an alias.
* NAME_ORIGINAL_SCRIPT, alias notes such as ``original script: ...`` / ``In Arabic: ...``
  and non-Latin text inside an alias cell become ``original_script`` names; Latin
  spellings written beside a non-Latin alias become aliases of their own (``split_alias``).
* Individual aliases: QUALITY Good/Low -> strength strong/weak, kind aka. Entity aliases:
  QUALITY a.k.a./f.k.a. -> kind aka/fka. Alias dates and places of birth join the
  entity's birth dates and places. Alias notes that only label the alias ("previously
  listed as", "nom de guerre", "call sign"...) go to ``attributes["alias_note"]``, any
  other alias note (DOB, passport... of that identity) to ``unparsed``.
* DOB: TYPE_OF_DATE EXACT/APPROXIMATELY/BETWEEN with DATE, YEAR, FROM_YEAR/TO_YEAR;
  a NOTE that is a date (``Nov. 1973``) or a month for the YEAR (``Sep.``) is used, any
  other NOTE goes to ``unparsed``.
* Documents without a NUMBER (the number is only in the note) go to ``unparsed``.
* Address NOTE: an address that is only a note uses it as its text; otherwise the note is
  kept in ``attributes["address_note"]``.
* Measures as the brief fixes them: individuals asset_freeze, travel_ban, arms_embargo;
  entities asset_freeze, arms_embargo.
* A reference number that appears twice is merged into one Entity (with a warning).
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
    clean,
    country_code,
    country_or_raw,
    dedupe,
    find_file,
    iso_date,
    local,
    parse_date,
    parse_xml,
    read_bytes,
)

FORMAT = "un-xml"
AUTHORITY = "UN Security Council"
FILE_NAMES = ("consolidated.xml",)
_MARKER = b"<CONSOLIDATED_LIST"

# UN_LIST_TYPE -> sanctions committee / regime
REGIMES = {
    "Al-Qaida": "ISIL (Da'esh) and Al-Qaida (resolutions 1267/1989/2253)",
    "Taliban": "Taliban (resolution 1988)",
    "DPRK": "Democratic People's Republic of Korea (resolution 1718)",
    "Iraq": "Iraq (resolution 1518)",
    "DRC": "Democratic Republic of the Congo (resolution 1533)",
    "Iran": "Iran (resolution 2231)",
    "Libya": "Libya (resolution 1970)",
    "Somalia": "Somalia / Al-Shabaab (resolutions 751, 2713)",
    "CAR": "Central African Republic (resolution 2127)",
    "GB": "Guinea-Bissau (resolution 2048)",
    "Yemen": "Yemen (resolution 2140)",
    "Haiti": "Haiti (resolution 2653)",
    "Mali": "Mali (resolution 2374)",
    "SouthSudan": "South Sudan (resolution 2206)",
    "Sudan": "Sudan (resolution 1591)",
    "Lebanon": "Lebanon (resolution 1636)",
}
_PERSON_MEASURES = ["asset_freeze", "travel_ban", "arms_embargo"]
_ENTITY_MEASURES = ["asset_freeze", "arms_embargo"]
_SECTIONS = {"INDIVIDUALS": "INDIVIDUAL", "ENTITIES": "ENTITY"}
_NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ENTITY_ALIAS_KINDS = {
    "a.k.a.": NameKind.AKA,
    "aka": NameKind.AKA,
    "f.k.a.": NameKind.FKA,
    "fka": NameKind.FKA,
    "n.k.a.": NameKind.NKA,
    "nka": NameKind.NKA,
}
_ORIGINAL_NOTE = re.compile(
    r"(?:original script|in arabic(?: script)?|in cyrillic(?: script)?)\s*:\s*(.+)$", re.I | re.S
)
_ORIGINAL_PREFIX = re.compile(r"^\s*original script\s*:\s*", re.I)
_PARENS = re.compile(r"\(([^()]*)\)")
_DOC_TYPES = [
    (re.compile(r"passport|passeport|pasaporte", re.I), "passport"),
    (re.compile(r"fiscal code|\btax\b", re.I), "tax_id"),
    (re.compile(r"driv", re.I), "driving_licence"),
    (re.compile(r"birth cert", re.I), "birth_certificate"),
    (re.compile(r"identi|\bid\b|tazkira|national number|civil|personal", re.I), "national_id"),
]


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


def _looks_like_un(path: Path) -> bool:
    try:
        return _MARKER in _head(path)
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError):
        return False


def _candidates(path: Path) -> list[Path]:
    """The UN list file(s) at ``path``: the file itself, or in a folder the official name,
    else every XML/zip file that looks like a UN list."""
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
    return [p for p in files if p.suffix.lower() in (".xml", ".zip") and _looks_like_un(p)]


def sniff(path: Path) -> bool:
    """True for a UN consolidated XML file (or a folder holding one). Never raises."""
    try:
        found = _candidates(path)
    except OSError:
        return False
    return len(found) == 1 and _looks_like_un(found[0])


def _locate(path: Path) -> Path:
    found = _candidates(path)
    if not found:
        raise ListFormatError(str(path), f"no UN consolidated list file ({FILE_NAMES[0]}) found")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ListFormatError(str(path), f"several UN list files ({names}); name one of them")
    return found[0]


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
    file = _locate(path)
    root = parse_xml(file, read_bytes(file))
    if local(root.tag) != "CONSOLIDATED_LIST":
        raise ListFormatError(
            str(file),
            f"not a UN consolidated list (root element <{local(root.tag) or root.tag}>)",
            line=_line(root),
        )
    generated = clean(root.get("dateGenerated"))
    data_date = iso_date(generated[:10]) if generated else None
    warnings: list[str] = []
    by_id: dict[str, Entity] = {}
    seen_section = False
    for section in root:
        tag = local(section.tag)
        if tag in _SECTIONS:
            seen_section = True
        elif tag:
            warnings.append(f"{file.name} line {_line(section)}: unexpected element <{tag}>")
    if not seen_section:
        raise ListFormatError(str(file), "no INDIVIDUALS or ENTITIES section", line=_line(root))
    for kind, pos, line, raw in records(root, warnings, file.name):
        element = f"{kind}[{pos}]"
        try:
            entity = to_entity(raw, source, kind=kind)
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
                f"{file.name} line {line} ({element}): reference number {entity.native_id} "
                "appears again; merged into one entry"
            )
            _merge(old, entity)
    return ListData(
        source=source,
        format=FORMAT,
        entities=list(by_id.values()),
        data_date=data_date,
        files=[file.name],
        warnings=warnings,
    )


def records(
    root: etree._Element, warnings: list[str], file_name: str
) -> Iterator[tuple[str, int, int | None, dict[str, Any]]]:
    """(INDIVIDUAL|ENTITY, position in its section, line, record as a dict) for each record."""
    for section in root:
        record_tag = _SECTIONS.get(local(section.tag))
        if record_tag is None:
            continue
        pos = 0
        for el in section:
            tag = local(el.tag)
            if not tag:
                continue
            if tag != record_tag:
                warnings.append(
                    f"{file_name} line {_line(el)}: unexpected <{tag}> in <{local(section.tag)}>"
                )
                continue
            pos += 1
            yield record_tag, pos, _line(el), record_dict(el)


def record_dict(el: etree._Element) -> dict[str, Any]:
    """An element as a JSON-ready dict: leaf elements give their text, repeated elements a
    list, ``<X><VALUE>a</VALUE>...</X>`` a list of values; empty elements are left out."""
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in el:
        tag = local(child.tag)
        if not tag:
            continue
        value = _value(child)
        if value is None or value == {} or value == []:
            continue
        prev = out.get(tag)
        if prev is None:
            out[tag] = value
        elif tag in repeated:
            prev.append(value)
        elif isinstance(prev, list) and isinstance(value, list):  # <X><VALUE/></X> twice
            prev.extend(value)
        else:
            out[tag] = [prev, value]
            repeated.add(tag)
    return out


def _value(el: etree._Element) -> Any:
    kids = [c for c in el if local(c.tag)]
    if not kids:
        text = el.text
        return text if text is not None and text.strip() else None
    if all(local(c.tag) == "VALUE" for c in kids):
        return [t for t in (c.text for c in kids) if t is not None and t.strip()]
    return record_dict(el)


# ---------------------------------------------------------------- mapping


def to_entity(record: dict[str, Any], source: str, *, kind: str = "INDIVIDUAL") -> Entity:
    """Map one INDIVIDUAL/ENTITY record (as ``record_dict`` gives it) to an Entity."""
    ref = _text(record.get("REFERENCE_NUMBER"))
    if not ref:
        raise _RecordError("record has no REFERENCE_NUMBER")
    ref = ref.replace(" ", "")
    is_person = kind == "INDIVIDUAL"
    list_type = _text(record.get("UN_LIST_TYPE"))
    unparsed: list[str] = []
    attributes: dict[str, list[str]] = {}

    names: list[Name] = []
    if is_person:
        parts_text = [_text(record.get(t)) for t in _NAME_TAGS]
        present = [p for p in parts_text if p]
        if not present:
            raise _RecordError(f"individual {ref} has no name")
        name = " ".join(present)
        parts = {f"name{i + 1}": p for i, p in enumerate(parts_text) if p}
        parts.update(_person_parts(present, family_first=list_type == "DPRK"))
        names.append(Name(name, NameKind.PRIMARY, script=_script(name), parts=parts))
    else:
        name = _text(record.get("FIRST_NAME")) or ""
        if not name:
            raise _RecordError(f"entity {ref} has no name")
        names.append(Name(name, NameKind.PRIMARY, script=_script(name)))
        if " ; " in name:
            for half in name.split(" ; "):
                if clean(half):
                    names.append(Name(str(clean(half)), NameKind.AKA, script=_script(half)))

    original = _text(record.get("NAME_ORIGINAL_SCRIPT"))
    if original:
        _add_original(names, original)

    birth_dates: list[PartialDate] = []
    birth_places: list[str] = []
    alias_tag = "INDIVIDUAL_ALIAS" if is_person else "ENTITY_ALIAS"
    for alias in _dicts(record.get(alias_tag)):
        _map_alias(alias, is_person, names, birth_dates, birth_places, unparsed, attributes)

    for dob in _dicts(record.get("INDIVIDUAL_DATE_OF_BIRTH")):
        date, note = _birth_date(dob)
        if date is not None:
            birth_dates.append(date)
        if note:
            unparsed.append(f"date of birth: {note}")
    for pob in _dicts(record.get("INDIVIDUAL_PLACE_OF_BIRTH")):
        place = _place(pob)
        if place:
            birth_places.append(place)

    documents: list[Document] = []
    for doc in _dicts(record.get("INDIVIDUAL_DOCUMENT")):
        document, leftover = _document(doc)
        if document is not None:
            documents.append(document)
        if leftover:
            unparsed.append(leftover)

    addresses: list[Address] = []
    for adr in _dicts(record.get("INDIVIDUAL_ADDRESS" if is_person else "ENTITY_ADDRESS")):
        address, note = _address(adr)
        if address is not None:
            addresses.append(address)
        if note:
            attributes.setdefault("address_note", []).append(note)

    nationalities = dedupe(
        c for c in (country_or_raw(v) for v in _texts(record.get("NATIONALITY"))) if c
    )
    titles = dedupe([*_texts(record.get("TITLE")), *_texts(record.get("DESIGNATION"))])
    updated = [d for d in (iso_date(v) for v in _texts(record.get("LAST_DAY_UPDATED"))) if d]
    gender = (_text(record.get("GENDER")) or "").lower()
    for key, attr in (
        ("DATAID", "un_dataid"),
        ("SUBMITTED_BY", "submitted_by"),
        ("SUBMITTED_ON", "submitted_on"),
    ):
        for v in _texts(record.get(key)):
            attributes.setdefault(attr, []).append(v)

    return Entity(
        id=f"{source}:{ref}",
        source=source,
        native_id=ref,
        type=EntityType.PERSON if is_person else EntityType.ORGANIZATION,
        name=name,
        names=_dedupe_names(names),
        birth_dates=_dedupe_dates(birth_dates),
        birth_places=dedupe(birth_places),
        nationalities=nationalities,
        countries=dedupe(a.country for a in addresses if a.country),
        gender=gender if gender in ("male", "female") else None,
        documents=documents,
        addresses=addresses,
        programs=[Program(list_type, AUTHORITY, REGIMES.get(list_type))] if list_type else [],
        measures=list(_PERSON_MEASURES if is_person else _ENTITY_MEASURES),
        titles=titles,
        listed_on=iso_date(_text(record.get("LISTED_ON"))),
        amended_on=max(updated) if updated else None,
        attributes=attributes,
        remarks=_text(record.get("COMMENTS1")),
        unparsed=dedupe(unparsed),
        raw=record,
    )


def _person_parts(present: list[str], *, family_first: bool) -> dict[str, str]:
    if len(present) < 2:
        return {}
    if family_first:
        return {"family": present[0], "given": " ".join(present[1:])}
    out = {"given": present[0], "family": present[-1]}
    if len(present) > 2:
        out["middle"] = " ".join(present[1:-1])
    return out


def _map_alias(
    alias: dict[str, Any],
    is_person: bool,
    names: list[Name],
    birth_dates: list[PartialDate],
    birth_places: list[str],
    unparsed: list[str],
    attributes: dict[str, list[str]],
) -> None:
    full = _text(alias.get("ALIAS_NAME")) or ""
    quality = (_text(alias.get("QUALITY")) or "").lower()
    note = _text(alias.get("NOTE"))
    if is_person:
        strength = STRONG if quality == "good" else WEAK if quality == "low" else None
        kind = NameKind.AKA
    else:
        strength = None
        kind = _ENTITY_ALIAS_KINDS.get(quality, NameKind.AKA)
    full, originals, spellings = split_alias(full)
    if full:
        names.append(Name(full, kind, strength=strength, script=_script(full)))
    if note:
        m = _ORIGINAL_NOTE.search(note)
        if m and _script(m.group(1)):
            originals.append(m.group(1))
            note = None
        elif full and _script(full) and ":" not in note and not any(c.isdigit() for c in note):
            # a non-Latin alias with its Latin spellings in the note
            groups = _PARENS.findall(note) or [note]
            spellings.extend(sp for g in groups for sp in g.split(";"))
            note = None
    for text in originals:
        _add_original(names, text)
    for text in spellings:
        spelling = clean(text)
        if spelling:
            names.append(Name(spelling, kind, strength=strength, script=_script(spelling)))
    dob = parse_date(_text(alias.get("DATE_OF_BIRTH")))
    if dob is not None:
        birth_dates.append(dob)
    place = ", ".join(
        p for p in (_text(alias.get("CITY_OF_BIRTH")), _text(alias.get("COUNTRY_OF_BIRTH"))) if p
    )
    if place:
        birth_places.append(place)
    if note:
        text = f"{full}: {note}" if full else note
        if note.lower().strip(" .") in _ALIAS_LABELS:
            attributes.setdefault("alias_note", []).append(text)
        else:
            unparsed.append(f"alias {text}")


# Alias notes that only label the alias (kept in attributes, not "unparsed")
_ALIAS_LABELS = frozenset(
    {
        "previously listed as",
        "formerly listed as",
        "nom de guerre",
        "combat name",
        "call sign",
        "initials",
        "the moroccan",
        "the american",
    }
)


def split_alias(full: str) -> tuple[str, list[str], list[str]]:
    """Separate what one UN alias cell holds: (the alias, names in their own script,
    further Latin spellings).

    ``Amir Khazmat (original script: Амир Хазмат)``, ``Akhter Mohmad (اختر محمد)``,
    ``أنصار الشريعة بليبيا (Ansar al Charia in Libya (ASL))``, ``Hay'at Tahrir al-Sham (HTS)
    (هيئة تحرير الشام (original script); Hay'at ...; ...)`` and ``Agha Jan Alizai اغا جان عالیزی``.
    Parentheses that are part of the name, like ``(HTS)``, stay.
    """
    originals: list[str] = []
    spellings: list[str] = []
    spans = _outer_parens(full)
    outside = clean("".join(full[a:b] for a, b in _gaps(spans, len(full)))) or ""
    outside_script = _script(outside) if outside else None
    drop: list[tuple[int, int]] = []
    for start, end in spans:
        inner = clean(full[start + 1 : end - 1]) or ""
        if not inner:
            continue
        m = _ORIGINAL_NOTE.match(inner)
        if m and _script(m.group(1)):
            originals.append(m.group(1))
        elif ";" in inner:
            for item in inner.split(";"):
                item = re.sub(r"\(original script\)", "", item, flags=re.I)
                if clean(item):
                    (originals if _script(item) else spellings).append(item)
        elif _script(inner) and not outside_script:
            originals.append(inner)
        elif outside_script and not _script(inner):
            spellings.append(inner)
        else:
            continue
        drop.append((start, end))
    if drop:
        full = "".join(full[a:b] for a, b in _gaps(drop, len(full)))
    full = (clean(full) or "").strip(" ,;")
    # "Latin words non-Latin words": two runs of different scripts
    tokens = full.split()
    scripts = [_script(t) for t in tokens]
    changes = [i for i in range(1, len(tokens)) if scripts[i] != scripts[i - 1]]
    if len(changes) == 1:
        cut = changes[0]
        first, second = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        latin, other = (first, second) if scripts[0] is None else (second, first)
        if scripts[0] is None or scripts[-1] is None:
            originals.append(other)
            full = latin
    return full, originals, spellings


def _outer_parens(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost balanced ``(...)`` groups, parentheses included."""
    spans = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for a, b in spans:
        out.append((pos, a))
        pos = b
    out.append((pos, length))
    return out


def _add_original(names: list[Name], text: str) -> None:
    s = clean(_ORIGINAL_PREFIX.sub("", text))
    if not s:
        return
    # "ፍትዊ ዓብዱረዛቕ (Tigrinya)": drop a Latin language label after the name
    s = re.sub(r"\s*\([A-Za-z ]+\)\s*$", "", s).strip(" ,;") or s
    names.append(Name(s, NameKind.ORIGINAL_SCRIPT, script=detect_script(s)))


def _birth_date(dob: dict[str, Any]) -> tuple[PartialDate | None, str | None]:
    """One INDIVIDUAL_DATE_OF_BIRTH as a PartialDate, and any note it could not use."""
    type_ = (_text(dob.get("TYPE_OF_DATE")) or "").upper()
    note = _text(dob.get("NOTE"))
    circa = type_ == "APPROXIMATELY"
    if note and note.lower() in ("approximately", "approx.", "circa", "about"):
        circa, note = True, None
    prefix = "approximately " if circa else ""
    date = _text(dob.get("DATE"))
    year = _year(dob.get("YEAR"))
    y1, y2 = _year(dob.get("FROM_YEAR")), _year(dob.get("TO_YEAR"))
    if date:
        d = parse_date(date)
        if d is not None:
            d.circa = d.circa or circa
            if circa:
                d.text = prefix + d.text
            return d, note
        return None, f"{date} {note}" if note else date
    if y1 is not None or y2 is not None:
        lo = y1 if y1 is not None else y2
        hi = y2 if y2 is not None else y1
        assert lo is not None and hi is not None
        lo, hi = min(lo, hi), max(lo, hi)
        text = f"{prefix}{lo}-{hi}" if hi != lo else f"{prefix}{lo}"
        return PartialDate(text, year=lo, year_to=hi if hi != lo else None, circa=circa), note
    if year is not None:
        if note:  # "Sep." with YEAR 1958 -> Sep. 1958
            d = parse_date(f"{note} {year}")
            if d is not None and d.year == year:
                d.circa = d.circa or circa
                return d, None
        return PartialDate(f"{prefix}{year}", year=year, circa=circa), note
    if note:
        d = parse_date(note)
        if d is not None:
            d.circa = d.circa or circa
            return d, None
        return None, note
    return None, None


def _year(value: Any) -> int | None:
    s = _text(value)
    if s and s.isdigit() and len(s) == 4 and 1800 <= int(s) <= 2100:
        return int(s)
    return None


def _place(pob: dict[str, Any]) -> str | None:
    parts = [_text(pob.get(k)) for k in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
    text = ", ".join(p for p in parts if p)
    note = _text(pob.get("NOTE"))
    if note:
        text = f"{text} ({note.strip('()')})" if text else note
    return text or None


def _document(doc: dict[str, Any]) -> tuple[Document | None, str | None]:
    type1 = _text(doc.get("TYPE_OF_DOCUMENT"))
    type2 = _text(doc.get("TYPE_OF_DOCUMENT2"))
    number = _text(doc.get("NUMBER"))
    issuing = _text(doc.get("ISSUING_COUNTRY"))
    issue_country = _text(doc.get("COUNTRY_OF_ISSUE"))
    country_text = issuing or issue_country
    country = country_code(country_text)
    details: list[str] = []
    if type2:
        details.append(type2)
    if _text(doc.get("DATE_OF_ISSUE")):
        details.append(f"issued {_text(doc.get('DATE_OF_ISSUE'))}")
    if _text(doc.get("CITY_OF_ISSUE")):
        details.append(f"issued in {_text(doc.get('CITY_OF_ISSUE'))}")
    for label, c in (("issuing country", issuing), ("country of issue", issue_country)):
        if c and (country_code(c) != country or not country):
            details.append(f"{label} {c}")
    if _text(doc.get("NOTE")):
        details.append(str(_text(doc.get("NOTE"))))
    dtype = _doc_type(type2, type1)
    note = "; ".join(details) or None
    if number:
        return Document(dtype, number, country, note), None
    if note or type1:
        return None, f"document ({type1 or dtype}): {note or 'no number'}"
    return None, None


def _doc_type(*texts: str | None) -> str:
    for t in texts:
        if not t:
            continue
        for rx, dtype in _DOC_TYPES:
            if rx.search(t):
                return dtype
    return "other"


def _address(adr: dict[str, Any]) -> tuple[Address | None, str | None]:
    street = _text(adr.get("STREET"))
    city = _text(adr.get("CITY"))
    region = _text(adr.get("STATE_PROVINCE"))
    postal = _text(adr.get("ZIP_CODE"))
    country_text = _text(adr.get("COUNTRY"))
    note = _text(adr.get("NOTE"))
    full = ", ".join(p for p in (street, city, region, postal, country_text) if p)
    if not full:
        return (Address(note), None) if note else (None, None)
    address = Address(full, street, city, region, postal, country_code(country_text))
    return address, f"{full}: {note}" if note else None


# ---------------------------------------------------------------- small helpers


def _line(el: etree._Element) -> int | None:
    line: Any = el.sourceline
    return line if isinstance(line, int) else None


def _text(value: Any) -> str | None:
    """Cleaned text of a leaf value (None for containers and empties)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return clean(value[0])
    return None


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (clean(v) for v in items if isinstance(v, str)) if t]


def _dicts(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, dict)]


def _script(text: str) -> str | None:
    s = detect_script(text)
    return None if s == "Latn" else s


def _dedupe_names(names: list[Name]) -> list[Name]:
    seen: set[tuple[str, str]] = set()
    out = []
    for n in names:
        key = (n.full.casefold(), "orig" if n.kind is NameKind.ORIGINAL_SCRIPT else "name")
        if key in seen:
            continue
        seen.add(key)
        out.append(n)
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
    into.names = _dedupe_names([*into.names, *other.names])
    into.birth_dates = _dedupe_dates([*into.birth_dates, *other.birth_dates])
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
    for field in ("documents", "addresses", "programs"):
        mine = getattr(into, field)
        mine.extend(x for x in getattr(other, field) if x not in mine)
    for key, values in other.attributes.items():
        into.attributes[key] = dedupe([*into.attributes.get(key, []), *values])
    into.gender = into.gender or other.gender
    listed = [d for d in (into.listed_on, other.listed_on) if d]
    into.listed_on = min(listed) if listed else None
    dates = [d for d in (into.amended_on, other.amended_on) if d]
    into.amended_on = max(dates) if dates else None
    if other.remarks and other.remarks != into.remarks:
        into.remarks = f"{into.remarks}\n{other.remarks}" if into.remarks else other.remarks
    into.raw = {"records": [*into.raw.get("records", [into.raw]), other.raw]}
