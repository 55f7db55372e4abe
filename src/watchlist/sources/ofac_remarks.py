"""Split OFAC's free-text ``Remarks`` field into the entity model's fields.

OFAC's legacy files (sdn.csv, cons_prim.csv, sdn.xml ``<remarks>``) pack most identifying
data into one string: ``DOB 11 Oct 1975; POB Baku, Azerbaijan; nationality Russia;
Passport 123 (Russia) issued 2010 expires 2020; a.k.a. 'FOO'; Linked To: BAR.`` This module
turns it into a :class:`ParsedRemarks`. It is pure: no I/O, never raises for any string.

Rules cover the leading keywords that make up the bulk of the real SDN and consolidated
lists (surveyed on the 2019, 2021 and 2025 files). Fragments no rule understands are kept
in ``unparsed`` so nothing is lost. The ``a.k.a.`` names in the remarks are OFAC's *weak*
aliases (the strong ones are in alt.csv / ``<akaList>``), so they come back with
strength ``weak``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watchlist.model import WEAK, Document, Name, NameKind, PartialDate
from watchlist.sources._parse import clean, country_code, country_or_raw, dedupe, parse_date

# ---------------------------------------------------------------- result


@dataclass(slots=True)
class ParsedRemarks:
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO alpha-2, else raw
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # e.g. nationality of registration
    gender: str | None = None
    documents: list[Document] = field(default_factory=list)
    aliases: list[Name] = field(default_factory=list)  # weak a.k.a./f.k.a./n.k.a.
    links: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)
    fragments: int = 0  # how many fragments the text held (for coverage statistics)

    def add_attr(self, key: str, value: str) -> None:
        vals = self.attributes.setdefault(key, [])
        if value not in vals:
            vals.append(value)


# ---------------------------------------------------------------- splitting

_CLOSE_AFTER = frozenset(";.,):!? \t\r\n")
_MAX_PASSES = 4


def split_fragments(text: str) -> list[str]:
    """Split on ``;`` but not inside parentheses or quotes.

    Quotes are apostrophes as often as not (``NU'MAN``, ``Ba'th``), so a ``'`` opens a
    quote only after a space, ``(`` or the start, and closes one only before a space,
    punctuation or the end. An opener that never closes is taken literally.
    """
    ignore: set[int] = set()
    for _ in range(_MAX_PASSES):
        parts, unclosed = _split_once(text, ignore)
        if not unclosed:
            return parts
        ignore.update(unclosed)
    return [p.strip() for p in text.split(";") if p.strip()]


_SPECIAL = re.compile(r"[;()'\"]")


def _split_once(text: str, ignore: set[int]) -> tuple[list[str], list[int]]:
    if "(" not in text and "'" not in text and '"' not in text:
        return [p for p in (x.strip() for x in text.split(";")) if p], []
    parts: list[str] = []
    stack: list[tuple[str, int]] = []
    start = 0
    n = len(text)
    for m in _SPECIAL.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == ";":
            if not stack:
                parts.append(text[start:i])
                start = i + 1
        elif ch == "(":
            if (not stack or stack[-1][0] == "(") and i not in ignore:
                stack.append(("(", i))
        elif ch == ")":
            if stack and stack[-1][0] == "(":
                stack.pop()
        else:
            nxt = text[i + 1] if i + 1 < n else ""
            if stack and stack[-1][0] == ch:
                if nxt == "" or nxt in _CLOSE_AFTER:
                    stack.pop()
            elif (not stack or stack[-1][0] == "(") and i not in ignore:
                prev = text[i - 1] if i else " "
                if (prev.isspace() or prev == "(") and nxt and not nxt.isspace():
                    stack.append((ch, i))
    parts.append(text[start:])
    out = [p.strip() for p in parts]
    return [p for p in out if p], [pos for _, pos in stack]


# Abbreviations whose final dot belongs to the name (``R D I S.A.``, ``CO.``, ``LTD.``).
_KEEP_DOT = re.compile(
    r"(?:\b[A-Za-z]\.){2,}$|\b(?:CO|LTD|INC|CORP|CIA|BHD|Co|Ltd|Inc|Corp|Cia)\.$"
)


def _strip_final_dot(frag: str) -> str:
    # Any match of _KEEP_DOT lies in the last six characters (its longest alternative,
    # "CORP.", and the character before it for \b; a run of initials matches if its last
    # two do), so only those are searched, not every position of a long fragment.
    if frag.endswith(".") and not frag.endswith("..") and not _KEEP_DOT.search(frag[-6:]):
        return frag[:-1].rstrip()
    return frag


# ---------------------------------------------------------------- vocabulary

# document label (lower case) -> document type. The label is kept in Document.note.
_DOC_LABELS: dict[str, str] = {}
for _type, _labels in {
    "passport": [
        "Passport",
        "Passport No.",
        "Passport Number",
        "Diplomatic Passport",
        "British National Overseas Passport",
        "Stateless Person Passport",
        "Travel Document Number",
        "U.S.A. Passport",
    ],
    "national_id": [
        "National ID No.",
        "National ID Number",
        "National ID",
        "Cedula No.",
        "D.N.I.",
        "Identification Number",
        "Personal ID Card",
        "C.U.R.P.",
        "C.U.R.P. #",
        "National Foreign ID Number",
        "Credencial electoral",
        "Electoral Registry No.",
        "I.F.E.",
        "Numero de Identidad",
        "Turkish Identification Number",
        "Turkish Identificiation Number",
        "Kenyan ID No.",
        "Tazkira National ID Card",
        "Bosnian Personal ID No.",
        "Moroccan Personal ID No.",
        "UAE Identification",
        "Citizen's Card Number",
        "Stateless Person ID Card",
        "CNP (Personal Numerical Code)",
        "C.U.I.",
        "SSN",
        "LE Number",
        "N.I.E.",
        "Identity Number",
        "ID No.",
    ],
    "tax_id": [
        "Tax ID No.",
        "NIT #",
        "R.F.C.",
        "R.F.C. #",
        "RFC",
        "RUC #",
        "RIF #",
        "C.U.I.T.",
        "US FEIN",
        "V.A.T. Number",
        "VAT Number",
        "Italian Fiscal Code",
        "Fiscal Code",
        "RTN",
        "Romanian Tax Registration",
        "Paraguayan tax identification number",
        "Numero Unico de Identificacao Tributaria (NUIT)",
        "RSIN",
        "C.I.F.",
        "Tax Identification Number",
    ],
    "registration": [
        "Registration ID",
        "Registration Number",
        "Registration No.",
        "Government Gazette Number",
        "Folio Mercantil No.",
        "Matricula Mercantil No",
        "Matricula Mercantil No.",
        "Commercial Registry Number",
        "Company Number",
        "Company ID: No.",
        "Business Registration Number",
        "Business Registration Document #",
        "C.R. No.",
        "Romanian C.R.",
        "Trade License No.",
        "Legal Entity Number",
        "Public Registration Number",
        "Chamber of Commerce Number",
        "Dubai Chamber of Commerce Membership No.",
        "Istanbul Chamber of Comm. No.",
        "UK Company Number",
        "Certificate of Incorporation Number",
        "Enterprise Number",
        "Branch Unit Number",
        "Business Number",
        "Registered Charity No.",
        "D-U-N-S Number",
        "Unified Social Credit Code (USCC)",
        "United Social Credit Code Certificate (USCCC)",
        "Central Registration System Number",
        "MSB Registration Number",
        "Tourism License No.",
        "Afghan Money Service Provider License Number",
        "File Number",
        "License",
        "Commercial Registration Number",
    ],
    "imo": [
        "Vessel Registration Identification IMO",
        "Vessel Registration Identification",
        "Company Number IMO",
        "Identification Number IMO",
        "International Maritime Organization No.",
        "IMO",
    ],
    "mmsi": ["MMSI"],
    "swift_bic": ["SWIFT/BIC", "SWIFT", "BIC"],
    "drivers_license": ["Driver's License No.", "Driver's License Number", "Driver's License"],
    "residency": ["Residency Number", "Romanian Permanent Resident CAN", "Residence Permit"],
    "visa": ["VisaNumberID", "Visa Number"],
    "other": [
        "BIK (RU)",
        "Birth Certificate Number",
        "Cartilla de Servicio Militar Nacional",
        "C.U.I.P.",
        "Public Security and Immigration No.",
        "Immigration No.",
        "Refugee ID Card",
        "Temporary suspension of deportation No.",
        "SRE Permit No.",
        "Pilot License Number",
        "Seafarer's Identification Document",
        "Tarjeta Profesional",
        "Serial No.",
    ],
}.items():
    for _label in _labels:
        _DOC_LABELS[_label.lower()] = _type

# attribute label (lower case) -> attribute key
_ATTR_LABELS: dict[str, str] = {
    "additional sanctions information -": "additional_sanctions_information",
    "secondary sanctions risk": "secondary_sanctions_risk",
    "transactions prohibited for persons owned or controlled by u.s. financial institutions": (
        "transactions_prohibited"
    ),
    "caatsa section 235 information": "caatsa_section_235",
    "ifca determination -": "ifca_determination",
    "for more information on directives, please visit the following link": "information_url",
    "for more information, please reference the following link": "information_url",
    "organization established date": "organization_established_date",
    "organization type": "organization_type",
    "target type": "target_type",
    "isin": "isin",
    "identification number isin": "isin",
    "equity ticker": "equity_ticker",
    "issuer name": "issuer_name",
    "website": "website",
    "email address": "email",
    "email": "email",
    "e-mail": "email",
    "telephone": "phone",
    "telephone no.": "phone",
    "telephone number": "phone",
    "phone number": "phone",
    "phone no.": "phone",
    "phone": "phone",
    "fax": "fax",
    "fax no.": "fax",
    "fax number": "fax",
    "telex": "telex",
    "aircraft manufacture date": "aircraft_manufacture_date",
    "aircraft manufacturer's serial number (msn)": "aircraft_serial_number",
    "aircraft construction number (also called l/n or s/n or f/n)": "aircraft_construction_number",
    "aircraft model": "aircraft_model",
    "aircraft serial identification": "aircraft_serial_number",
    "un/locode": "un_locode",
    "micex code": "micex_code",
    "aircraft operator": "aircraft_operator",
    "aircraft tail number": "aircraft_tail_number",
    "previous aircraft tail number": "previous_aircraft_tail_number",
    "aircraft mode s transponder code": "aircraft_mode_s_transponder_code",
    "former vessel flag": "former_vessel_flag",
    "other vessel flag": "other_vessel_flag",
    "other vessel call sign": "other_vessel_call_sign",
    "other vessel type": "other_vessel_type",
    "vessel year of build": "vessel_year_of_build",
    "vessel flag": "vessel_flag",
    "vessel type": "vessel_type",
    "nationality of registration": "nationality_of_registration",
    "chinese commercial code": "chinese_commercial_code",
    "arrested": "arrested",
    "digital currency address -": "digital_currency_address",
}

_SIMPLE = {
    "dob": "dob",
    "date of birth": "dob",
    "pob": "pob",
    "place of birth": "pob",
    "nationality": "nationality",
    "citizen": "citizen",
    "citizenship": "citizen",
    "gender": "gender",
    "a.k.a.": "aka",
    "f.k.a.": "fka",
    "n.k.a.": "nka",
    "linked to": "link",
    "title": "title",
    "position": "title",
}

# Dated notices: "Listing Date (EO 14024 Directive 3): 24 Feb 2022", "Effective Date (CMIC) ..."
_DATED = re.compile(
    r"^(Listing Date|Effective Date|Purchase/Sales For Divestment Date)\s*\(([^)]*)\)\s*:?\s*(.*)$",
    re.I,
)
_EO = re.compile(r"^Executive Order (\d+)\s*(.*)$", re.I)
_EO_INFO = re.compile(r"^information\s*[:-]?\s*", re.I)
_ICTY = re.compile(r"^ICTY indictee\b(.*)$", re.I)
_OFFICES = re.compile(
    r"^(?:and )?(?:all )?(?:other )?(?:offices|locations|branches) "
    r"(?:worldwide|within [\w .,'-]+?)\b\.?\s*(.*)$",
    re.I,
)
_RELATIVE = re.compile(
    r"^((?:half-|step-)?(?:wife|husband|spouse|son|daughter|child|brother|sister|father|mother|"
    r"nephew|niece|cousin|uncle|aunt|grandson|granddaughter)(?:-in-law)?) of\s+(.+)$",
    re.I,
)
_ASSOCIATED = re.compile(r"^ass?ocia?ted with\s+(.+)$", re.I)
_KEYED = re.compile(
    r"^(ethnicity|tribe|subtribe|sub-tribe|occupation|profession|religion)\s*:?\s+(.+)$", re.I
)
_STATUS = re.compile(
    r"^(?:currently|believed to be|possibly|reportedly|wanted by|arrested|detained|deceased)\b",
    re.I,
)
_AFFILIATION = re.compile(r"^([A-Z][A-Z-]{2,9})(?: - ([A-Z][\w' .-]+))?$")
_BARE_URL = re.compile(r"^((?:https?://|www\.)\S+?)\.?(?:\s*\(website\))?\.?$", re.I)
_BARE_EMAIL = re.compile(r"^([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\.?(?:\s*\(e-?mail\))?\.?$", re.I)
_CORRESPONDENT = re.compile(r"^United States financial institutions are prohibited\b", re.I)
_DBA = re.compile(r"^d\.b\.a\.\s+(.+)$", re.I)
_HONORIFIC = frozenset(
    s.lower()
    for s in (
        "Doctor",
        "Dr",
        "Dr.",
        "Haji",
        "Hajji",
        "Al-Hajj",
        "Maulana",
        "Maulawi",
        "Mawlawi",
        "Mawlavi",
        "Maulvi",
        "Mullah",
        "Mufti",
        "Hojjatoleslam",
        "Ayatollah",
        "Shaykh",
        "Sheikh",
        "Shaikh",
        "Ustad",
        "Ustadh",
        "Qari",
        "Imam",
        "Sayyid",
        "Lt. Col",
        "Lt. Col.",
        "Mufti or Maulana",
        "Engineer",
        "Eng.",
        "Professor",
        "Prof.",
        "General",
    )
)


_FIRST_WORD = re.compile(r"^(?:alt\.?\s+)?([^\s:#(]+)", re.I)


def _label_regexes() -> dict[str, re.Pattern[str]]:
    """One small anchored pattern per first word of the labels (fast dispatch)."""
    groups: dict[str, list[str]] = {}
    for lab in {*_DOC_LABELS, *_ATTR_LABELS, *_SIMPLE}:
        m = _FIRST_WORD.match(lab)
        if m:
            groups.setdefault(m.group(1).lower(), []).append(lab)
    out = {}
    for word, labels in groups.items():
        labels.sort(key=len, reverse=True)
        alt = "|".join(re.escape(lab) for lab in labels)
        # a label ends at a space, colon, '#', '(' or the end ("Email:adelb@..." too)
        out[word] = re.compile(rf"^(?:alt\.?\s+)?({alt})(?=[\s:#(]|$|(?<=\.))\s*:?\s*", re.I)
    return out


_LABELS = _label_regexes()


def _match_label(frag: str) -> re.Match[str] | None:
    m = _FIRST_WORD.match(frag)
    if m is None:
        return None
    pattern = _LABELS.get(m.group(1).lower())
    return pattern.match(frag) if pattern is not None else None


_ROLE = re.compile(
    r"\b(?:director|deputy|minister|president|vice|chairman|chairperson|chairwoman|chair|"
    r"head|member|general|colonel|major|brigadier|commander|chief|secretary|governor|"
    r"ambassador|official|representative|advisor|adviser|leader|mayor|magistrate|judge|"
    r"justice|officer|manager|employee|founder|owner|spokesman|spokesperson|emir|amir|"
    r"executive|prosecutor|attorney|lieutenant|captain|admiral|marshal|commissioner|"
    r"inspector|consul|senator|legislator|treasurer|financier|shareholder|"
    r"co-founder|associate|operative|agent|coordinator|administrator|supervisor|"
    r"controller|auditor|counsel|counselor|councillor|councilor|diplomat|envoy|"
    r"attache|military|army|police|cleric|imam|mullah|sheikh|prince|king|queen|"
    r"first lady|comptroller|rector|dean|professor|editor|ceo|cfo|coo|counsellor|speaker|"
    r"aide|partner|ombudsman|minster|constituent|superintendent|second-in-command)s?\b",
    re.I,
)
_ISSUE = re.compile(r"\s*,?\s*\b(issued|expires|expired|expiring|issue date|expire date)\b", re.I)
_PAREN = re.compile(r"\(([^()]*)\)")
_ALT = re.compile(r"^alt\.?\s+", re.I)
_POSSIBLY = re.compile(r"^possibly\s+", re.I)
_WS = re.compile(r"\s+")
_IMO = re.compile(r"^IMO\s*", re.I)
_BOOKLET = re.compile(r"^Booklet\s*:?\s*", re.I)
_NUMBER_PREFIX = re.compile(r"^(?:#|No\.?:?|Number:?)\s*", re.I)
_ALIAS_KIND = {"aka": NameKind.AKA, "fka": NameKind.FKA, "nka": NameKind.NKA}


# ---------------------------------------------------------------- parsing


def parse_remarks(text: str) -> ParsedRemarks:
    """Split one OFAC remarks text into fields; never raises, never drops a fragment."""
    out = ParsedRemarks()
    try:
        s = clean(text) if isinstance(text, str) else None
    except Exception:  # pragma: no cover - clean() only does str work
        s = None
    if not s:
        return out
    frags = split_fragments(s)
    if frags:
        frags[-1] = _strip_final_dot(frags[-1])
    for frag in frags:
        if not frag:
            continue
        out.fragments += 1
        try:
            ok = _parse_fragment(frag, out)
        except Exception:  # a rule must never cost the caller the whole record
            ok = False
        if not ok:
            out.unparsed.append(frag)
    out.birth_places = dedupe(out.birth_places)
    out.nationalities = dedupe(out.nationalities)
    out.citizenships = dedupe(out.citizenships)
    out.countries = dedupe(out.countries)
    out.links = dedupe(out.links)
    out.titles = dedupe(out.titles)
    return out


def _parse_fragment(frag: str, out: ParsedRemarks) -> bool:
    m = _match_label(frag)
    if m:
        label = m.group(1).lower()
        rest = frag[m.end() :].strip()
        kind = _SIMPLE.get(label)
        if kind is not None:
            return _simple(kind, rest, out)
        if label in _ATTR_LABELS:
            return _attribute(_ATTR_LABELS[label], rest, out)
        if label in _DOC_LABELS:
            return _document(_DOC_LABELS[label], frag[: m.end()].strip(" :"), rest, out)
    return _special(frag, out)


def _simple(kind: str, rest: str, out: ParsedRemarks) -> bool:
    if not rest:
        return False
    if kind == "dob":
        d = parse_birth_date(rest)
        if d is None:
            return False
        out.birth_dates.append(d)
        return True
    if kind == "pob":
        out.birth_places.append(rest)
        return True
    if kind in ("nationality", "citizen"):
        value = _POSSIBLY.sub("", rest)
        code = country_or_raw(value)
        if not code:
            return False
        (out.nationalities if kind == "nationality" else out.citizenships).append(code)
        return True
    if kind == "gender":
        g = rest.lower()
        if g in ("male", "female"):
            out.gender = g
            return True
        return False
    if kind in _ALIAS_KIND:
        name = _unquote(rest)
        if not name:
            return False
        out.aliases.append(Name(full=name, kind=_ALIAS_KIND[kind], strength=WEAK))
        return True
    if kind == "link":
        out.links.append(rest)
        return True
    if kind == "title":
        out.titles.append(rest)
        return True
    return False  # pragma: no cover - every kind is handled above


def _attribute(key: str, rest: str, out: ParsedRemarks) -> bool:
    if not rest:
        return False
    if key in ("website", "email"):
        # "Website www.alturath.org. Revival of Islamic Heritage Society Offices Worldwide"
        first, _, tail = rest.partition(" ")
        first = first.rstrip(".,")
        out.add_attr(key, first)
        if tail.strip():
            out.unparsed.append(tail.strip())
        return True
    if key == "nationality_of_registration":
        out.add_attr(key, rest)
        code = country_or_raw(rest)
        if code:
            out.countries.append(code)
        return True
    if key == "digital_currency_address":
        # "Digital Currency Address - XBT 1Kuf2..." -> "XBT 1Kuf2..."
        out.add_attr(key, rest)
        return True
    out.add_attr(key, rest)
    return True


def _document(dtype: str, label: str, rest: str, out: ParsedRemarks) -> bool:
    label = _ALT.sub("", label).strip(" :")
    if not rest:
        return False
    head, details = rest, ""
    mi = _ISSUE.search(rest)
    if mi:
        head, details = rest[: mi.start()], rest[mi.start() :].strip(" ,")
    country: str | None = None
    notes: list[str] = []
    for pm in _PAREN.finditer(head):
        inner = pm.group(1).strip()
        code = country_code(inner) if inner else None
        if code and country is None:
            country = code
        elif inner and not (dtype == "imo" and inner.isdigit()):
            notes.append(f"({inner})")
    number = _PAREN.sub(lambda pm: pm.group(1) if pm.group(1).strip().isdigit() else " ", head)
    number = _WS.sub(" ", number).strip(" ,;:#-")
    number = _NUMBER_PREFIX.sub("", number)
    mb = _BOOKLET.match(number)
    if mb:  # "Passport Booklet A5250088": the booklet number is the passport number
        notes.insert(0, "Booklet")
        number = number[mb.end() :]
    if dtype == "imo":
        number = _IMO.sub("", number)
    if not number or (dtype != "swift_bic" and not any(c.isdigit() for c in number)):
        return False
    note = "; ".join([label, *notes, *([details] if details else [])])
    out.documents.append(Document(type=dtype, number=number, country=country, note=note))
    return True


def _special(frag: str, out: ParsedRemarks) -> bool:
    body = _ALT.sub("", frag)
    m = _DATED.match(body)
    if m:
        key = {
            "listing date": "listing_date",
            "effective date": "effective_date",
            "purchase/sales for divestment date": "divestment_date",
        }[m.group(1).lower()]
        out.add_attr(key, f"{m.group(3).strip()} ({m.group(2).strip()})")
        return True
    m = _EO.match(body)
    if m:
        value = _EO_INFO.sub("", m.group(2).strip(" :-"))
        out.add_attr(f"executive_order_{m.group(1)}", value or body)
        return True
    m = _ICTY.match(body)
    if m:
        out.add_attr("icty_status", ("indictee " + m.group(1).strip()).strip())
        return True
    m = _OFFICES.match(body)
    if m:
        tail = m.group(1).strip()
        out.add_attr("offices", body[: len(body) - len(tail)].strip(" ."))
        if tail:
            return _parse_fragment(tail, out) or _unparsed(tail, out)
        return True
    if body.lower() in _HONORIFIC:
        out.titles.append(body)
        return True
    m = _DBA.match(body)
    if m:
        name = _unquote(m.group(1))
        out.aliases.append(Name(full=name, kind=NameKind.AKA, strength=WEAK))
        return True
    m = _RELATIVE.match(body)
    if m:
        out.add_attr("relationship", body)
        out.links.append(m.group(2).strip())
        return True
    m = _ASSOCIATED.match(body)
    if m:
        out.links.append(m.group(1).strip())
        return True
    m = _KEYED.match(body)
    if m:
        key = m.group(1).lower().replace("-", "")
        out.add_attr({"profession": "occupation"}.get(key, key), m.group(2).strip())
        return True
    if _STATUS.match(body) or _CORRESPONDENT.match(body):
        out.add_attr("status" if _STATUS.match(body) else "transactions_prohibited", body)
        return True
    m = _BARE_URL.match(body)
    if m:
        out.add_attr("website", m.group(1))
        return True
    m = _BARE_EMAIL.match(body)
    if m:
        out.add_attr("email", m.group(1))
        return True
    m = _AFFILIATION.match(body)
    if m:
        out.add_attr("affiliation", body)
        return True
    if _looks_like_position(body):
        out.titles.append(body)
        return True
    return False


def _unparsed(text: str, out: ParsedRemarks) -> bool:
    out.unparsed.append(text.strip())
    return True


def _looks_like_position(text: str) -> bool:
    """Free-text positions OFAC lists among the remarks ("Brigadier General", "Head of X")."""
    if len(text) > 200 or "@" in text or "http" in text.lower() or text.startswith("("):
        return False
    if text.count(" ") > 30:
        return False
    return _ROLE.search(text) is not None


def _unquote(text: str) -> str:
    s = text.strip()
    while len(s) > 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip()
    if len(s) > 1 and s[0] in "'\"" and s.count(s[0]) == 1:
        s = s[1:].strip()
    return s


# ---------------------------------------------------------------- dates

_DATE_RANGE = re.compile(r"^(.+?)\s+(?:to|-|–)\s+(.+)$", re.I)


def parse_birth_date(text: str) -> PartialDate | None:
    """An OFAC DOB: ``28 Feb 1975``, ``Apr 1961``, ``1955``, ``circa 1955``, ``1955 to 1958``,
    ``01 Jan 1961 to 31 Dec 1963`` (a year range), ``01 Feb 1960 to 29 Feb 1960`` (a month)."""
    s = clean(text)
    if not s:
        return None
    d = parse_date(s, dayfirst=False)
    if d is not None:
        return d
    m = _DATE_RANGE.match(s)
    if not m:
        return None
    a = parse_date(m.group(1), dayfirst=False)
    b = parse_date(m.group(2), dayfirst=False)
    if a is None or b is None or a.year is None or b.year is None or b.year < a.year:
        return None
    out = PartialDate(text=s, year=a.year, circa=a.circa or b.circa)
    if b.year != a.year:
        out.year_to = b.year
    elif a.month and a.month == b.month:
        out.month = a.month
        if a.day and a.day == b.day:
            out.day = a.day
    return out
