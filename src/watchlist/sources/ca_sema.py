"""Canada Consolidated Special Economic Measures Act (SEMA) list, XML (``sema-lmes.xml``).

``<data-set>`` of flat ``<record>`` elements. Three element sets are read, matched by the
English part of the element name (before a ``-``):

* older: ``Country, LastName, GivenName, Entity, Title, DateOfBirth, Aliases, Schedule,
  Item``;
* current: ``EntityOrShip, TitleOrShip, DateOfBirthOrShipBuildDate, DateOfListing,
  ShipIMONumber`` instead of ``Entity, Title, DateOfBirth``;
* bilingual names such as ``LastName-NomDeFamille``, ``TitleOrShipType-TitreOuTypeDeNavire``.

Three steps: ``read`` parses the file (lxml; syntax errors name the line); ``records``
yields each ``<record>`` as a dict of English element name -> text with its line and
position; ``to_entity`` maps one such dict to a ``model.Entity`` (pure).

Documented choices:

* **id**: the list has no id. The key is (regime, Schedule, Item), written as a slug:
  ``syria-2-23``, ``russia-1-part-2-5``, ``zimbabwe-161`` (Schedule ``N/A`` or absent is
  left out). The regime is the English part of the bilingual ``Country`` label
  (``Syria / Syrie`` -> ``syria``), white space (trailing spaces, no-break spaces)
  normalised; a label ending in an abbreviation in parentheses uses it
  (``Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)`` -> ``jvcfor``).
  Should two records give the same key, each gets its name slug appended (so ids do not
  depend on record order) and a warning is given; two such records with the same name
  too are merged.
* **type**: LastName/GivenName -> person; Entity/EntityOrShip -> organization, or vessel
  when the record has a ShipIMONumber (a 7-digit number becomes an ``imo`` document; a
  name found there instead becomes an alias). A ship's TitleOrShip is its type
  (``attributes["vessel_type"]``), anyone else's a title.
* **names**: persons ``GivenName LastName`` with parts given/family; entities as written.
  **Aliases** are one comma-joined element. They are split at ``;``, at ``,`` (except
  before a legal form such as ``Ltd.``, which belongs to the name before it) and at ``/``
  between two names of three or more letters (English/French pairs such as
  ``GORT/ORTAS``). A ``Russian:``-style label before an alias is dropped; an alias not
  in Latin script is ``original_script``. For persons the list often
  gives only a spelling variant of the given or family name (``Andrei`` for Andrey
  AKIMOV, ``PODLIPAYEVA`` for PODLIPAEVA): an alias that is similar to the given name(s)
  (or, in capitals, to the family name) is completed with the rest of the name and kept
  as a ``variation``; other one-word aliases are nicknames (``Motorola``), kept as weak
  ``aka`` (the weakness is inferred, the list does not say). Several-word aliases are
  ``aka`` as written. The original Aliases text stays in ``raw``.
* **program**: code = the regime (``Syria``, ``JVCFOR``), name = the full English label,
  authority ``Canada SEMA``; Schedule and Item go to ``attributes``. Measures are not
  stated per record and are left empty.
* **titles** keep the English part of bilingual titles (``Major General/major-général``).
* DateOfBirth may hold two dates (``1961-09-28 or 1961-10-20``); a ship's build date goes to
  ``attributes["build_date"]``; DateOfListing -> ``listed_on``.
* The file has no date: ``data_date`` is None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from rapidfuzz import fuzz

from watchlist.errors import ListFormatError
from watchlist.model import (
    WEAK,
    Document,
    Entity,
    EntityType,
    ListData,
    Name,
    NameKind,
    PartialDate,
    Program,
)
from watchlist.sources._parse import clean, find_file, iso_date, local, parse_date, parse_xml
from watchlist.sources.bis_dpl import embedded_aliases, name_key, script_of, unique_names

FORMAT = "ca-sema-xml"
AUTHORITY = "Canada SEMA"
FILE_NAMES = ("sema-lmes.xml",)
_ROOT = "data-set"
# English element name (lower case) -> field
_FIELDS = {
    "country": "country",
    "lastname": "last",
    "givenname": "given",
    "entity": "entity",
    "entityorship": "entity",
    "title": "title",
    "titleorship": "title",
    "titleorshiptype": "title",
    "dateofbirth": "dob",
    "dateofbirthorshipbuilddate": "dob",
    "dateoflisting": "listed",
    "shipimonumber": "imo",
    "aliases": "aliases",
    "alias": "aliases",
    "schedule": "schedule",
    "item": "item",
}
_LEGAL_FORM = re.compile(
    r"^(?:ltd|limited|inc|llc|co|corp|s\.?a|jsc|pjsc|ojsc|cjsc|oao|zao|ooo|gmbh|plc|pte)\b\.?",
    re.I,
)
_LABEL = re.compile(r"^([A-Za-z]+)\s*:\s*(.+)$", re.S)
_SLASH = re.compile(r"(?<=\w{3})\s*/\s*(?=\w{3})")
_AKA = re.compile(r"\(?\s*\b(?:a\.k\.a\.|also known as|alias:)\s*", re.I)
_ABBREVIATION = re.compile(r"\(([A-Za-z]{2,})\)\s*$")
_IMO = re.compile(r"^(?:IMO\s*)?(\d{7})$", re.I)
_OR = re.compile(r"\s+or\s+|\s*;\s*", re.I)
_SIMILAR = 60.0  # rapidfuzz ratio above which an alias is a spelling of a name part


def _locate(path: Path) -> Path | None:
    if path.is_file():
        return path
    return find_file(path, *FILE_NAMES)


def sniff(path: Path) -> bool:
    """True for a SEMA XML file (or a folder holding ``sema-lmes.xml``)."""
    try:
        f = _locate(path)
        if f is None:
            return False
        with f.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return b"<data-set" in head and b"<record" in head


# ---------------------------------------------------------------- reading


@dataclass(slots=True)
class Record:
    line: int | None
    position: int  # 1-based index among the <record> elements
    fields: dict[str, str]
    raw: dict[str, str]


def read(path: Path, source: str) -> ListData:
    f = _locate(path)
    if f is None:
        raise ListFormatError(str(path), f"no SEMA list file ({FILE_NAMES[0]}) found")
    root = parse_xml(f)
    if local(root.tag) != _ROOT:
        raise ListFormatError(
            str(f), f"not a SEMA list: root element is <{local(root.tag)}>, not <{_ROOT}>"
        )
    warnings: list[str] = []
    groups: dict[str, list[Record]] = defaultdict(list)
    for rec in records(root, f):
        groups[record_key(rec.fields)].append(rec)
    entities: list[Entity] = []
    for key in sorted(groups):
        group = groups[key]
        by_name: dict[str, list[Record]] = defaultdict(list)
        for rec in group:
            by_name[name_key(primary_name(rec.fields))].append(rec)
        if len(group) > 1:
            where = ", ".join(_where(r) for r in group)
            if len(by_name) > 1:
                warnings.append(f"{f.name} {where}: same key {key}; the name is added to each id")
            else:
                warnings.append(f"{f.name} {where}: record {key} repeated; merged")
        for nkey in sorted(by_name):
            native_id = key if len(by_name) == 1 else f"{key}-{nkey}"
            same = sorted(by_name[nkey], key=lambda r: sorted(r.raw.items()))  # order-free
            entity = to_entity(same[0].fields, source, native_id, same[0].raw)
            for extra in same[1:]:
                _merge(entity, to_entity(extra.fields, source, native_id, extra.raw))
            entities.append(entity)
    return ListData(
        source=source,
        format=FORMAT,
        entities=entities,
        data_date=None,
        files=[f.name],
        warnings=warnings,
    )


def _where(rec: Record) -> str:
    return f"line {rec.line} (record {rec.position})" if rec.line else f"record {rec.position}"


def records(root: etree._Element, path: Path) -> Iterator[Record]:
    """Each ``<record>`` as a dict of known fields (cleaned text) and its raw elements."""
    position = 0
    for el in root:
        if local(el.tag) != "record":
            continue
        position += 1
        fields: dict[str, str] = {}
        raw: dict[str, str] = {}
        for child in el:
            tag = local(child.tag)
            if not tag:
                continue  # comments, processing instructions
            text = child.text or ""
            raw[tag] = text if tag not in raw else f"{raw[tag]}; {text}"
            key = _FIELDS.get(tag.split("-", 1)[0].lower())
            value = clean(text)
            if key and value:
                fields[key] = value if key not in fields else f"{fields[key]}; {value}"
        where = f"record {position}"
        line = el.sourceline if isinstance(el.sourceline, int) else None
        if not fields.get("country") or not fields.get("item"):
            missing = "Country" if not fields.get("country") else "Item"
            raise ListFormatError(str(path), f"record has no {missing}", line=line, element=where)
        if not (fields.get("last") or fields.get("given") or fields.get("entity")):
            raise ListFormatError(
                str(path),
                "record has no name (LastName/GivenName/Entity)",
                line=line,
                element=where,
            )
        yield Record(line, position, fields, raw)
    if position == 0:
        raise ListFormatError(str(path), "no <record> elements (empty or truncated list)")


# ---------------------------------------------------------------- mapping


def regime(country: str) -> tuple[str, str]:
    """(code, English label) of the ``Country`` label: ``Syria / Syrie`` -> (Syria, Syria)."""
    english = (clean(country.split(" / ", 1)[0]) or country).strip(" /")
    m = _ABBREVIATION.search(english)
    return (m.group(1) if m else english), english


def record_key(fields: dict[str, str]) -> str:
    """The native id: regime, schedule (unless N/A) and item, as a slug."""
    code, _ = regime(fields.get("country", ""))
    schedule = fields.get("schedule")  # clean() already dropped "N/A"
    parts = [code, schedule, fields.get("item", "")]
    return name_key("-".join(p for p in parts if p))


def primary_name(fields: dict[str, str]) -> str:
    if fields.get("entity"):
        return fields["entity"]
    return " ".join(p for p in (fields.get("given"), fields.get("last")) if p)


def split_slash(text: str) -> list[str]:
    """Split ``English/French`` at a ``/`` between two words of three or more letters,
    outside parentheses (``MEC Steel Mills (Hmaw Bi/Pyi/Ywama)`` stays whole)."""
    out, depth, start = [], 0, 0
    for m in _SLASH.finditer(text):
        depth = text.count("(", 0, m.start()) - text.count(")", 0, m.start())
        if depth == 0:
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return [c for c in (clean(x) for x in out) if c]


def split_aliases(text: str) -> list[str]:
    """Aliases from the comma-joined element (see the module notes)."""
    out: list[str] = []
    for chunk in _AKA.sub(";", text).split(";"):
        pieces: list[str] = []
        for piece in chunk.split(","):
            p = piece.strip()
            if pieces and _LEGAL_FORM.match(p):
                pieces[-1] = f"{pieces[-1]}, {p}"
            elif p:
                pieces.append(p)
        for p in pieces:
            if p.endswith(")") and p.count(")") > p.count("("):
                p = p[:-1].strip()  # the end of a "(a.k.a. X)"
            if p.startswith("(") and p.endswith(")") and p.count("(") == 1:
                p = p[1:-1].strip()  # "(Rosselkhozbank)"
            out.extend(split_slash(p))
    return out


def _is_caps(word: str) -> bool:
    return word.isupper() and len(word) > 1


def person_alias(
    alias: str, given: str | None, last: str | None
) -> tuple[str, NameKind, str | None]:
    """Complete a partial person alias: (full name, kind, strength)."""
    words = alias.split()
    given_words = given.split() if given else []
    if (
        last
        and len(words) == 1
        and _is_caps(alias)
        and not _is_caps(given or "x")
        and fuzz.ratio(alias.lower(), last.lower()) >= _SIMILAR
    ):
        return " ".join([*given_words, alias]), NameKind.VARIATION, None
    if given_words and not any(_is_caps(w) for w in words) and len(words) <= len(given_words):
        head = " ".join(given_words[: len(words)]).lower()
        whole = " ".join([*given_words, last or ""]).strip().lower()
        similarity = fuzz.ratio(alias.lower(), head)
        # a spelling of the given name(s), not of the whole name ("Amir Ali Hajizadeh")
        if similarity >= _SIMILAR and similarity > fuzz.ratio(alias.lower(), whole):
            full = [*words, *given_words[len(words) :]]
            if last:
                full.append(last)
            return " ".join(full), NameKind.VARIATION, None
    if len(words) == 1:
        return alias, NameKind.AKA, WEAK  # a nickname
    return alias, NameKind.AKA, None


def _alias_names(aliases: str, fields: dict[str, str], person: bool) -> list[Name]:
    out: list[Name] = []
    for alias in split_aliases(aliases):
        kind, strength = NameKind.AKA, None
        m = _LABEL.match(alias)
        if m:
            alias = m.group(2).strip()  # "Russian: ...", "ALIAS: ..."
        if script_of(alias):
            kind = NameKind.ORIGINAL_SCRIPT
        elif person:
            alias, kind, strength = person_alias(alias, fields.get("given"), fields.get("last"))
        out.append(Name(alias, kind, strength=strength, script=script_of(alias)))
    return out


def _dates(text: str) -> tuple[list[PartialDate], list[str]]:
    dates, bad = [], []
    for part in _OR.split(text):
        p = clean(part)
        if not p:
            continue
        d = parse_date(p)
        if d is None:
            bad.append(p)
        else:
            dates.append(d)
    return dates, bad


def to_entity(
    fields: dict[str, str], source: str, native_id: str, raw: dict[str, str] | None = None
) -> Entity:
    """Map one record (English field name -> cleaned text) to an Entity (pure)."""
    code, label = regime(fields["country"])
    name = primary_name(fields)
    person = not fields.get("entity")
    imo_text = fields.get("imo")
    imo_match = _IMO.match(imo_text) if imo_text else None
    title = fields.get("title")
    if person:
        etype = EntityType.PERSON
    elif imo_text:
        etype = EntityType.VESSEL
    else:
        etype = EntityType.ORGANIZATION

    parts: dict[str, str] = {}
    if person:
        if fields.get("given"):
            parts["given"] = fields["given"]
        if fields.get("last"):
            parts["family"] = fields["last"]
    names = [Name(name, NameKind.PRIMARY, script=script_of(name), parts=parts)]
    if not person:
        halves = split_slash(name)
        if len(halves) > 1:
            names += [Name(h, NameKind.AKA, script=script_of(h)) for h in halves]
        for n in halves:
            names += [Name(a, k, script=script_of(a)) for a, k in embedded_aliases(n)]
    if fields.get("aliases"):
        names += _alias_names(fields["aliases"], fields, person)
    if imo_text and not imo_match:
        names.append(Name(imo_text, NameKind.AKA, script=script_of(imo_text)))

    e = Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=etype,
        name=name,
        names=unique_names(names),
        programs=[Program(code, AUTHORITY, label)],
        listed_on=iso_date(fields["listed"]) if fields.get("listed") else None,
        raw=dict(raw) if raw is not None else dict(fields),
    )
    e.attributes["regime"] = [fields["country"]]
    if fields.get("schedule"):
        e.attributes["schedule"] = [fields["schedule"]]
    e.attributes["item"] = [fields["item"]]
    if title:
        english = clean(title.split(" | ", 1)[0].split("/", 1)[0]) or title
        if etype == EntityType.VESSEL:
            e.attributes["vessel_type"] = [english]
        else:
            e.titles.append(english)
    if imo_match:
        e.documents.append(Document("imo", imo_match.group(1)))
    if fields.get("dob"):
        dates, bad = _dates(fields["dob"])
        if etype == EntityType.PERSON:
            e.birth_dates = dates
            e.unparsed += [f"date of birth: {b}" for b in bad]
        else:
            e.attributes["build_date"] = [d.text for d in dates] + bad
    return e


def _merge(e: Entity, other: Entity) -> None:
    """Add a repeated record's facts to the entity with the same id."""
    e.names = unique_names([*e.names, *other.names])
    e.birth_dates += [d for d in other.birth_dates if all(d.text != x.text for x in e.birth_dates)]
    e.titles += [t for t in other.titles if t not in e.titles]
    e.documents += [d for d in other.documents if d not in e.documents]
    e.unparsed += [u for u in other.unparsed if u not in e.unparsed]
    for k, vs in other.attributes.items():
        e.attributes.setdefault(k, [])
        e.attributes[k] += [v for v in vs if v not in e.attributes[k]]
    prior = e.raw.get("records", [e.raw])
    e.raw = {"records": [*prior, other.raw]}
