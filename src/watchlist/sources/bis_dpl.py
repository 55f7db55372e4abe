"""US Commerce BIS Denied Persons List, tab-separated text (``dpl.txt``).

Header ``Name, Street_Address, City, State, Country, Postal_Code, Effective_Date,
Expiration_Date, Standard_Order, Last_Update, Action, FR_Citation``; every field is
double-quoted; one row per (party, address) of a denial order. Three steps:

1. ``read`` finds the file; ``rows`` checks the header and yields rows with their line;
2. ``group_rows`` gathers the rows of one party;
3. ``to_entity`` maps one party's rows to a ``model.Entity`` (pure).

The name helpers (``org_word``, ``embedded_aliases``, ``name_key``) and the cheap country
code lookup (``iso2``/``country``) are shared with ``us_csl`` and ``ca_sema``.

Documented choices:

* **id**: the list has no id column. The native id is a slug of the name
  (``name_key``: ASCII-folded, lower case, every run of non-letters/digits becomes ``-``,
  e.g. ``al-naser-airlines``). The name is what stays stable when BIS republishes the
  list: Federal Register citations, actions and last-update dates grow with every
  renewal of an order, and effective dates change on each renewal of a temporary denial
  order, so none of them is part of the id. All rows whose names give the same slug are
  one party (one row per address, the same party under two orders, or spellings that
  differ only in spacing/punctuation such as ``AL-NASER  AIRLINES``): they are merged into
  one Entity with all addresses and orders. The merge sorts the rows first, so neither
  the id nor the entity depends on the row order of the file. A name with no Latin letter
  or digit falls back to ``h-`` + 12 hex digits of the SHA-1 of the name.
* **type** is not given: it is *inferred* from the name (``org_word``):
  a legal-form or business word (INC, LTD, LLC, CORP, CO., GMBH, S.A., TRADING,
  AIRLINES, ...) makes it an organization, anything else a person. The basis is kept in
  ``attributes["type_inferred"]``. A leading PROFESSOR/CAPTAIN/COLONEL/DR of a person
  is also kept in ``titles`` (the name stays as written).
* the primary name is the spelling used on most rows (ties: the alphabetically first);
  other spellings are ``variation`` names; ``A/K/A`` and ``(A.K.A. ...)`` inside a name
  give ``aka`` names; a name with a parenthesised or quoted part also gets the name
  without it as a ``variation``.
* dates: ``Effective_Date``/``Expiration_Date`` are US ``MM/DD/YYYY``, ``Last_Update`` is
  ISO. ``listed_on`` = earliest effective date, ``amended_on`` = latest last update. A date
  that does not parse (the file has ``3017-08-22``) is a warning (with its line), not an
  error, and is kept in ``unparsed``.
* addresses from Street_Address/City/State/Postal_Code/Country (ISO codes; ``PRC`` is
  China). An empty Country with a US state code in State, or a US state code in Country
  (``NM``), is the US; other codes in State are not mapped (the file writes Russia ``RS``
  there, a FIPS code that is Serbia in ISO).
* program ``DPL`` (US Commerce BIS), measure ``export_denial``; Action, FR_Citation,
  Standard_Order, effective and expiration dates go to ``attributes``.
* ``raw`` is ``{"rows": [...]}``: every row of the party as read (header -> value).
* The file carries no date: ``data_date`` is None.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from watchlist.errors import ListFormatError
from watchlist.model import Address, Entity, EntityType, ListData, Name, NameKind, Program
from watchlist.names.script import detect_script
from watchlist.sources._parse import (
    clean,
    country_or_raw,
    csv_rows,
    decode,
    dedupe,
    find_file,
    parse_date,
    read_bytes,
)

FORMAT = "bis-dpl"
AUTHORITY = "US Commerce BIS"
FILE_NAMES = ("dpl.txt",)
COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)
PROGRAM = Program("DPL", AUTHORITY, "Denied Persons List")
MEASURES = ["export_denial"]

# ---------------------------------------------------------------- names (shared with us_csl)

# Legal forms: count anywhere but as the first word (a person may be called "Sa" or "Co").
_LEGAL_FORMS = frozenset(
    """INC INCORPORATED LTD LIMITED LLC LLP LP PLC CORP CORPORATION CO COMPANY GMBH AG SA SL
    SRL SARL SAS SPA BV NV AB OY KG OHG PTE PVT PTY JSC OJSC CJSC PJSC OAO ZAO OOO PAO FZE FZC
    FZCO FZLLC DMCC EST ANSTALT KFT BHD SDN TIC LLLP GIE AS""".split()
)
# Business words: count anywhere.
_BUSINESS_WORDS = frozenset(
    """TRADING TRADE TRADERS AIRLINES AIRLINE AIRWAYS AVIATION AIR ELECTRONICS ELECTRONIC
    TECHNOLOGY TECHNOLOGIES TECH TECHNIK SYSTEMS SOLUTIONS INTERNATIONAL INTERNACIONAL GROUP
    ENTERPRISE ENTERPRISES INDUSTRIES INDUSTRIE INDUSTRIAL INDUSTRY COMPUTERS METALS
    ENGINEERING PRODUCTS SERVICES SERVICE SUPPLY SUPPLIES VERTRIEBS EXPORT EXPORTS IMPORT
    MACHINERY EQUIPMENT REFINING SHIPPING LOGISTICS FREIGHT CARGO HOLDING HOLDINGS BANK
    FOUNDATION INSTITUTE ACADEMY UNIVERSITY CENTER CENTRE LABORATORY LABORATORIES MINISTRY
    AGENCY ORGANIZATION ORGANISATION ASSOCIATION ASSOCIATES CONTRACTING CONSTRUCTION
    MICROWAVE COMMERCIO FACTORY PLANT BUREAU COMMISSION CORPS""".split()
)
_TOKEN = re.compile(r"[A-Z0-9&]+")
_DOMAIN = re.compile(r"\.(?:NET|COM|ORG)\b", re.I)
_AKA_SPLIT = re.compile(r"\s+A/K/A\s+|\s+A\.K\.A\.?\s+", re.I)
_AKA_PAREN = re.compile(r"\(\s*(?:A\.?K\.?A\.?|A/K/A|also known as)\s*:?\s*([^()]*)\)", re.I)
_PAREN = re.compile(r"\s*\([^()]*\)")
_QUOTED = re.compile(r'\s*"[^"]*"')
_SPACE_PUNCT = re.compile(r"\s+([.,;:])")
_DOUBLE_DOT = re.compile(r"\.\.+")
_TITLES = frozenset({"PROFESSOR", "PROF", "CAPTAIN", "CAPT", "COLONEL", "COL", "DR", "GENERAL"})
_US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP""".split()
)


def org_word(name: str) -> str | None:
    """The legal-form or business word that marks ``name`` as an organization, if any."""
    m = _DOMAIN.search(name)
    if m:
        return m.group(0).upper()
    tokens: list[str] = _TOKEN.findall(name.upper().replace(".", ""))
    for i, tok in enumerate(tokens):
        if tok in _BUSINESS_WORDS or (i > 0 and tok in _LEGAL_FORMS):
            return tok
    return None


def embedded_aliases(name: str) -> list[tuple[str, NameKind]]:
    """Other names written inside one name cell: ``X A/K/A Y``, ``X (a.k.a. Y; Z)``,
    and the name without a parenthesised or quoted part (``AFSHIN (SEAN) NAGHIBI``)."""
    if "(" not in name and '"' not in name and "/" not in name and "." not in name:
        return []  # the common case, without running the regexes
    out: list[tuple[str, NameKind]] = []
    parts = _AKA_SPLIT.split(name)
    if len(parts) > 1:
        out.extend((p, NameKind.AKA) for p in (clean(x) for x in parts) if p)
        return out
    m = _AKA_PAREN.search(name)
    if m:
        rest = clean(_AKA_PAREN.sub(" ", name))
        if rest:
            out.append((rest.strip(" ,"), NameKind.AKA))
        for alias in m.group(1).split(";"):
            a = clean(alias)
            if a:
                out.append((a.strip(" ,"), NameKind.AKA))
        return out
    for pattern in (_PAREN, _QUOTED):
        if pattern.search(name):
            rest = clean(_DOUBLE_DOT.sub(".", _SPACE_PUNCT.sub(r"\1", pattern.sub("", name))))
            if rest and len(rest.split()) >= 2:
                out.append((rest.strip(" ,"), NameKind.VARIATION))
    return out


# Non-ISO country abbreviations the US lists use.
_COUNTRY_ABBREVIATIONS = {
    "PRC": "cn",
    "UK": "gb",
    "USA": "us",
    "UAE": "ae",
    "ROK": "kr",
    "DPRK": "kp",
}


@lru_cache(maxsize=1024)
def iso2(code: str | None) -> str | None:
    """ISO alpha-2 (lower case) for a country *code* (``US``, ``PRC``), else None.

    A cheap direct lookup: country names are not tried (see ``country``).
    """
    s = clean(code)
    if not s or len(s) > 4 or not s.isascii() or not s.isalpha():
        return None
    if s.upper() in _COUNTRY_ABBREVIATIONS:
        return _COUNTRY_ABBREVIATIONS[s.upper()]
    if len(s) != 2:
        return None
    from rigour.territories import get_territory

    terr = get_territory(s.lower())
    return str(terr.ftm_country or terr.code).lower() if terr is not None else None


def country(text: str | None) -> str | None:
    """ISO alpha-2 for a country code or name, else the cleaned text as written.

    Codes are looked up directly (``iso2``); only longer text goes through
    ``country_or_raw``, whose first call loads rigour's whole table of country names
    (about 2 s), so a file of codes never pays for it.
    """
    s = clean(text)
    if not s:
        return None
    if len(s) <= 4 and s.isascii() and s.isalpha():
        return iso2(s) or s
    return country_or_raw(s)


def script_of(text: str) -> str | None:
    """ISO 15924 code for a name not in Latin script (None for Latin)."""
    if text.isascii():
        return None
    s = detect_script(text)
    return None if s == "Latn" else s


def unique_names(names: Iterable[Name]) -> list[Name]:
    """The names with repeats of the same text dropped (the first one is kept)."""
    seen: set[str] = set()
    out = []
    for n in names:
        if n.full not in seen:
            seen.add(n.full)
            out.append(n)
    return out


def name_key(name: str) -> str:
    """A stable, URL/CLI friendly key for a name (see the module notes)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if slug:
        return slug
    return "h-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------- files


def _locate(path: Path) -> Path | None:
    if path.is_file():
        return path
    return find_file(path, *FILE_NAMES)


def sniff(path: Path) -> bool:
    """True for a BIS DPL tab-separated file (or a folder holding ``dpl.txt``)."""
    try:
        f = _locate(path)
        if f is None:
            return False
        with f.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    cells = [c.strip().strip(b'"').strip().lower() for c in first.split(b"\t")]
    return cells[:3] == [b"name", b"street_address", b"city"]


# ---------------------------------------------------------------- reading


@dataclass(slots=True)
class Row:
    line: int
    fields: dict[str, str]


def read(path: Path, source: str) -> ListData:
    f = _locate(path)
    if f is None:
        raise ListFormatError(str(path), f"no BIS Denied Persons List file ({FILE_NAMES[0]}) found")
    text = decode(read_bytes(f), f)
    warnings: list[str] = []
    entities = []
    for group in group_rows(rows(text, f)):
        entities.append(to_entity(group, source))
        for line, col, value in row_dates(group)[1]:
            warnings.append(f"{f.name} line {line}: {col} {value!r} is not a date; ignored")
    return ListData(
        source=source,
        format=FORMAT,
        entities=entities,
        data_date=None,
        files=[f.name],
        warnings=warnings,
    )


def rows(text: str, path: Path) -> Iterator[Row]:
    """The data rows with their line numbers; a bad header or row is an error."""
    # A CSV writer doubles every quote inside a quoted field: an odd count means the file
    # ends inside a quoted field, which the csv module would silently accept.
    if text.count('"') % 2:
        raise ListFormatError(
            str(path), "a quoted field is never closed (file truncated?)", line=text.count("\n") + 1
        )
    it = csv_rows(text, path, delimiter="\t")
    header: list[str] | None = None
    for line, row in it:
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            if [h.lower() for h in header] != [c.lower() for c in COLUMNS]:
                raise ListFormatError(
                    str(path),
                    "not a BIS Denied Persons List: header should be "
                    + ", ".join(COLUMNS)
                    + f", found {', '.join(header[:14])}",
                    line=line,
                )
            continue
        if len(row) != len(COLUMNS):
            raise ListFormatError(
                str(path),
                f"row has {len(row)} fields, the header has {len(COLUMNS)} (truncated or malformed)",
                line=line,
            )
        fields = dict(zip(COLUMNS, row, strict=True))
        if not clean(fields["Name"]):
            raise ListFormatError(str(path), "row has no Name", line=line)
        yield Row(line, fields)
    if header is None:
        raise ListFormatError(str(path), "no header row")


def group_rows(rows: Iterable[Row]) -> list[list[Row]]:
    """Rows of one party together (same ``name_key``), each group and the groups sorted so
    the result does not depend on the order of the file."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[name_key(clean(r.fields["Name"]) or "")].append(r)
    return [
        sorted(groups[k], key=lambda r: tuple(r.fields[c] for c in COLUMNS)) for k in sorted(groups)
    ]


def _address(f: dict[str, str]) -> Address | None:
    street, city, state = clean(f["Street_Address"]), clean(f["City"]), clean(f["State"])
    postal, country_raw = clean(f["Postal_Code"]), clean(f["Country"])
    if not any((street, city, state, postal, country_raw)):
        return None
    code = iso2(country_raw)
    if code is None and country_raw and not state and country_raw.upper() in _US_STATES:
        code = "us"  # a US state written in the Country column ("NM")
    elif code is None and not country_raw and state and state.upper() in _US_STATES:
        # An empty Country with a US state code. Other codes in State are not mapped: the
        # file writes Russia "RS" there (FIPS, not ISO, where RS is Serbia).
        code = "us"
    full = ", ".join(p for p in (street, city, state, postal, country_raw) if p)
    return Address(
        full=full, street=street, city=city, region=state, postal_code=postal, country=code
    )


_DATE_COLUMNS = ("Effective_Date", "Expiration_Date", "Last_Update")


def row_dates(group: list[Row]) -> tuple[dict[str, list[str]], list[tuple[int, str, str]]]:
    """ISO dates per date column, and (line, column, text) of the values that are no date."""
    dates: dict[str, list[str]] = {c: [] for c in _DATE_COLUMNS}
    bad: list[tuple[int, str, str]] = []
    for r in group:
        for col in _DATE_COLUMNS:
            text = clean(r.fields[col])
            if not text:
                continue
            d = parse_date(text, dayfirst=False)  # US month/day order; ISO is unaffected
            iso = d.iso() if d is not None and d.day else None
            if iso:
                dates[col].append(iso)
            else:
                bad.append((r.line, col, text))
    return dates, bad


def to_entity(group: list[Row], source: str) -> Entity:
    """Map the rows of one party to an Entity (pure). A date that does not parse is left
    out (``read`` warns about it) and kept in ``unparsed``."""
    spellings = Counter(clean(r.fields["Name"]) or "" for r in group)
    primary = min(spellings, key=lambda n: (-spellings[n], n))
    native_id = name_key(primary)

    names = [Name(primary, NameKind.PRIMARY, script=script_of(primary))]
    titles: list[str] = []
    for spelling in sorted(spellings):
        if spelling != primary:
            names.append(Name(spelling, NameKind.VARIATION, script=script_of(spelling)))
    for spelling in sorted(spellings):
        for alias, kind in embedded_aliases(spelling):
            names.append(Name(alias, kind, script=script_of(alias)))
    names = unique_names(names)

    word = org_word(" ".join(spellings))
    if word:
        etype = EntityType.ORGANIZATION
        basis = f"organization: name has the word {word}"
    else:
        etype = EntityType.PERSON
        basis = "person: no legal-form or business word in the name"
        first = primary.split(" ", 1)[0].rstrip(".").upper()
        if first in _TITLES and " " in primary:
            titles.append(primary.split(" ", 1)[0])

    addresses: list[Address] = []
    for r in group:
        a = _address(r.fields)
        if a is not None and all(a.full != b.full for b in addresses):
            addresses.append(a)
    dates, bad = row_dates(group)
    effective, expiration, updates = (dates[c] for c in _DATE_COLUMNS)

    attributes: dict[str, list[str]] = {"type_inferred": [basis]}
    for key, values in (
        ("effective_date", sorted(set(effective))),
        ("expiration_date", sorted(set(expiration))),
        ("standard_order", dedupe(v for r in group if (v := clean(r.fields["Standard_Order"])))),
        ("action", dedupe(v for r in group if (v := clean(r.fields["Action"])))),
        ("fr_citation", dedupe(v for r in group if (v := clean(r.fields["FR_Citation"])))),
    ):
        if values:
            attributes[key] = list(values)

    return Entity(
        id=f"{source}:{native_id}",
        source=source,
        native_id=native_id,
        type=etype,
        name=primary,
        names=names,
        addresses=addresses,
        programs=[Program(PROGRAM.code, PROGRAM.authority, PROGRAM.name)],
        measures=list(MEASURES),
        titles=titles,
        listed_on=min(effective) if effective else None,
        amended_on=max(updates) if updates else None,
        attributes=attributes,
        unparsed=[f"{col}: {text}" for _, col, text in bad],
        raw={"rows": [dict(r.fields) for r in group]},
    )
