"""Splitting names into tokens, and the small vocabularies that weigh them.

Titles and honorifics are dropped; particles (al-, bin, abu, van, de ...) are kept with a
low weight and also joined to the next token, since lists write AL-AJMI, AL AJMI and
ALAJMI for the same name. Company legal forms in many languages are removed with
rigour's table (OpenSanctions), which knows OOO, ZAO, GmbH, S.A. de C.V. and hundreds more.
"""

from __future__ import annotations

import re
from functools import lru_cache
from string import ascii_lowercase

from rapidfuzz.distance import OSA

_APOSTROPHES = re.compile(
    r"[\u0027\u2018\u2019\u02bb\u02bc\u02bd\u02be\u02bf\u0060\u00b4\u02b9\u02c8]"
)
_SPLIT = re.compile(r"[^a-z0-9]+")

TITLES = frozenset(
    """mr mrs ms miss dr prof professor sir dame lord lady sheikh shaikh shaykh sheik haji hajji
    hadji alhaj mullah mulla maulana maulvi mawlawi moulavi qari hafiz imam general gen colonel col
    major maj captain capt lieutenant lt admiral brigadier commander cmdr sergeant sgt eng engineer
    doctor his her excellency hon honourable honorable rev reverend father brother sister jr sr
    ii iii iv
    mla shykh hajy mwlwy mwlana qary dktwr""".split()  # the last as Arabic script spells them
)

# Joined to the following token as an alternative form (AL AJMI -> ALAJMI).
JOIN_PREFIXES = frozenset(
    "al el ul ad ed ash as ar at az an es er ez ech bn bd abw abd abdul abdel abdal abu abou abo bou bu ibn bin ben bint"
    " ould van von der den de da di du la le del della dos das mac mc st san santa".split()
)
# Joined to the word before (SHAFIQ ALLAH -> SHAFIQULLAH, NASIR UD DIN -> NASIRUDDIN):
# Arabic script writes these apart, most romanisations together.
# Persian ZADEH (son of) too: AKHUND ZADEH -> AKHUNDZADA.
JOIN_SUFFIXES = frozenset(
    "allh allah ullah ollah ulla aldyn aldin uddin eddin eddine zadh zadeh zada zade".split()
)

# Carry little identifying weight on their own.
PARTICLES = frozenset(
    "al el ul ad ed ash as ar at az an es er ez ech bn bin ibn bint ben ould abu abou abo bou bu van von der den de da"
    " di du la le del della dos das do y e and of the wld".split()
)
# "Servant of": half of a name whose other half (AL-RAHMAN, ALLAH) says which, so it
# identifies little alone, and ABD AL-RAHMAN is one name, not two matching words.
SERVANT_OF = frozenset("abd abdul abdel abdal abdol abdou abdu bd".split())
ORG_GENERIC = frozenset(
    """company co corporation corp group holding holdings trading trade international intl
    enterprise enterprises establishment industries industrial limited ltd inc llc services service
    general management investment investments global the and of for de la del des du
    et y i
    sherkat sherkate shirkat sharikat sharikah sharika shrkt shrkh shrka""".split()
)  # (the last: COMPANY in Persian and Arabic, as lists write it and as its script gives it)


# The Arabic article with one letter mistyped, hyphened to the name as the lists write it
# (AK-SHABAAB, SL-QAIDA): two letters before a hyphen are hardly anything else. Not the
# article's other spellings (AD-, AS-, AR-, EL-, UL-), the Tuareg AG-, nor syllables of
# East Asian names (AH-, AI-, AW-, AY-, IL-).
_ARTICLE_TYPO = re.compile(r"(?<![a-z0-9])(?:a[bcefjkmopquvx]|[bcdfghjkmnpqrstvwxz]l)-(?=[a-z]{3})")


def tokenize(latin: str) -> list[str]:
    """Lower-case ASCII tokens of an already Latin, ASCII-folded name."""
    s = _APOSTROPHES.sub("", latin.lower())
    if "-" in s:
        s = _ARTICLE_TYPO.sub("al-", s)
    return [t for t in _SPLIT.split(s) if t]


# Words of company legal forms (LIMITED, S.A. DE C.V., GMBH): a typo in one
# (LIMITWD, FMBH) would keep it from being recognised and leave it to count against
# the match as a word the listed name lacks.
_LEGAL_WORDS = frozenset(
    """limited company corporation incorporated joint venture stock gmbh sociedad anonima
    capital variable limitada responsabilidad societe anonyme aktiengesellschaft
    gesellschaft haftung partnership liability private public sarl unlimited
    aktsionernoe obshchestvo obschestvo otkrytoe zakrytoe publichnoe ogranichennoy
    ogranichennoi otvetstvennostyu otvetstvennostiu""".split()  # the last Russian ones as OFAC writes them
)
_WORD_RE = re.compile(r"[a-z]+")


# legal-form words by length, in a fixed order (a word one typo from two of them is
# read as the first)
_LEGAL_BY_LENGTH: dict[int, tuple[str, ...]] = {
    n: tuple(sorted(w for w in _LEGAL_WORDS if abs(len(w) - n) <= 1 and (len(w) >= 5 or w == "gmbh")))
    for n in range(4, 1 + max(len(w) for w in _LEGAL_WORDS) + 1)
}


@lru_cache(maxsize=100_000)
def _legal_word(token: str) -> str:
    if len(token) < 4 or token in _LEGAL_WORDS:
        return token
    for w in _LEGAL_BY_LENGTH.get(len(token), ()):
        if OSA.distance(token, w, score_cutoff=1) <= 1:
            return w
    return token


# Short legal forms a name closes with, which one typing error hides from rigour (AVUAR
# OOOO, KOMPLEKT LTDD): corrected where the last word is one of them with a letter added,
# two letters swapped, or a letter left out of a four-letter one. Not a letter changed,
# which makes words (ZOO, LLP, INK), nor one left out of three (OO, LT, IN).
_CLOSING_SHORT_FORMS = tuple("ooo oao zao pao llc ltd inc plc jsc srl spa ojsc pjsc cjsc sarl gmbh".split())


def _closing_form_typos() -> dict[str, str]:
    """Each typing error of a closing short form, as above, with the form it is of."""
    out: dict[str, str] = {}
    for form in _CLOSING_SHORT_FORMS:
        typos = {form[:i] + c + form[i:] for i in range(len(form) + 1) for c in ascii_lowercase}  # added, doubled
        typos |= {form[:i] + form[i + 1] + form[i] + form[i + 2 :] for i in range(len(form) - 1)}  # swapped
        if len(form) == 4:
            typos |= {form[:i] + form[i + 1 :] for i in range(len(form))}  # left out
        for typo in sorted(typos):
            out.setdefault(typo, form)
    for form in _CLOSING_SHORT_FORMS:
        out.pop(form, None)
    return out


_CLOSING_FORM_TYPOS = _closing_form_typos()


@lru_cache(maxsize=100_000)
def strip_org_forms_typos(latin_lower: str) -> str:
    """``strip_org_forms``, also when a legal-form word has one typing error (LIMITWD,
    FMBH); a corrected word that is not part of a legal form stays as written (VENTURA)."""
    # most names have no such word: looked for first, written over only where found
    words = _WORD_RE.findall(latin_lower)
    typos = {w: legal for w in words if (legal := _legal_word(w)) != w}
    if words and (closing := _CLOSING_FORM_TYPOS.get(words[-1])) is not None:
        typos[words[-1]] = closing
    if not typos:
        return strip_org_forms(latin_lower)
    fixed = {typos[w]: w for w in words if w in typos}  # the last spelling of each
    text = _WORD_RE.sub(lambda m: typos.get(m.group(0), m.group(0)), latin_lower)
    return _WORD_RE.sub(lambda m: fixed.get(m.group(0), m.group(0)), strip_org_forms(text))


# A run of single letters written apart is one abbreviation (S A DE C V, C.N.A., L L C):
# lists and customers dot, space or run them together at will.
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])[a-z](?:[ .]+[a-z](?![a-z0-9]))+\.?")
_NOT_LETTER = re.compile(r"[^a-z]")
# letters a run closing a name ends with that are its legal form (G L G S A is G.L.G. S.A.)
_RUN_FORMS = ("sas", "srl", "sro", "spa", "sal", "llc", "plc", "wll", "sa", "sl", "ag", "bv", "nv", "eu")


def _run_together(m: re.Match[str]) -> str:
    letters = _NOT_LETTER.sub("", m.group(0))
    if m.end() >= len(m.string.rstrip(" .,")):
        for form in _RUN_FORMS:
            if letters.endswith(form) and len(letters) - len(form) >= 2:
                return f" {letters[: -len(form)]} {form} "
    return f" {letters} "


# Company words written short (CO, INTL, TRDG): written out, so that HARA CO is HARA
# COMPANY and JOINT STOCK CO is the legal form JOINT STOCK COMPANY. Only abbreviations
# that stand for one word; IND (industrial, industries, India) and TECH stay as written.
ORG_ABBREVIATIONS = {
    "co": "company",
    "cos": "companies",
    "corp": "corporation",
    "intl": "international",
    "trdg": "trading",
    "ltd": "limited",
    "inc": "incorporated",
    "mfg": "manufacturing",
    "natl": "national",
    "hldg": "holding",
    "hldgs": "holdings",
    "grp": "group",
    "svc": "service",
    "svcs": "services",
    "bros": "brothers",
    "assn": "association",
    "mgmt": "management",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(ORG_ABBREVIATIONS) + r")\b\.?")
# A company name's leading article is no part of it (THE IS BANK is IS BANK); inside a
# name THE and AND stay, where a name run together holds them (IMPORTAND EXPORT).
LEADING_ARTICLE = "the"


_SPACES = re.compile(r"\s+")
# A legal form written onto the word before it (TECHNOLOGIESSARL, TRADINGCOMPANY); the
# short ones only where a name ends, which few words do with them (SUPLINKASRL,
# BEACHSAL, LACNOS.R.O.)
_GLUED_LONG = ("company", "limited", "ltd", "llc", "gmbh", "sarl")
_GLUED_SHORT = ("sal", "srl", "jsc", "corp", "fze", "inc", "ltda", "eood", "sro")
_GLUED_FORM = re.compile(
    rf"\b((?!un)[a-z]{{3,}}?)({'|'.join(_GLUED_LONG)})\b"
    rf"|\b([a-z0-9]{{3,}}?)({'|'.join(_GLUED_SHORT)}|(?:[a-z]\.){{2,}})(?=[\s,.]*$)"
)
# COMPANY closing a name, once legal forms are gone, is one too: HARA COMPANY is HARA CO,
# and GALAX TRADING COMPANY LIMITED is GALAX TRADING CO., LTD. So are forms rigour does
# not know, once their letters are run together: E.U. (Colombia's empresa unipersonal),
# W.L.L. (the Gulf's with limited liability), S.A.L. (Lebanon's societe anonyme).
_CLOSING_COMPANY = ("company", "companies")
# Estonia's OU (OÜ as the lists write it in ASCII), Kazakhstan's TOO (ТОО), Denmark's A/S,
# and the PRIVATE or PVT of South Asia's PRIVATE LIMITED once LIMITED is gone.
_CLOSING_FORMS = ("eu", "wll", "sal", "ou", "too", "a/s", "pvt", "private")
_LAST_FORM = re.compile(
    rf"(?<=[a-z0-9])[\s,.&]+(?:(?:and\s+)?(?:{'|'.join(_CLOSING_COMPANY)})|{'|'.join(map(re.escape, _CLOSING_FORMS))})[\s,.]*$"
)


@lru_cache(maxsize=100_000)
def org_text(latin_lower: str) -> str:
    """A company name as compared: legal forms removed (``strip_org_forms_typos``); then
    its spaced letters run together and its abbreviated words written out, and legal
    forms removed again (S A DE C V, JOINT STOCK CO); and a closing COMPANY."""
    # J & P is J AND P; rigour misses a form written with two spaces (PTE  LTD)
    text = strip_org_forms_typos(_SPACES.sub(" ", latin_lower.replace("&", " and ")))
    if not any(len(w) == 1 or w in ORG_ABBREVIATIONS for w in _WORD_RE.findall(text)):
        return text
    again = _SPACED_LETTERS.sub(_run_together, text)
    again = _ABBREVIATION.sub(lambda m: ORG_ABBREVIATIONS[m.group(1)], again)
    if again != text:
        text = strip_org_forms(_SPACES.sub(" ", again).strip())
    return text


def _unglue(m: re.Match[str]) -> str:
    return " ".join(g for g in m.groups() if g)


@lru_cache(maxsize=100_000)
def strip_org_forms(latin_lower: str) -> str:
    """Remove company legal forms (LLC, OOO, GmbH, S.A. de C.V., ...) from a lower-case name."""
    from rigour.names import remove_org_types

    text = latin_lower
    end = text.rstrip(" ,.")
    # plain substring tests first: most names need neither pattern, whose scans cost more
    if any(f in text for f in _GLUED_LONG) or end.endswith(_GLUED_SHORT) or "." in end[-4:]:
        text = _GLUED_FORM.sub(_unglue, text)
    out = str(remove_org_types(text))
    if out.rstrip(" ,.").endswith(_CLOSING_COMPANY + _CLOSING_FORMS):
        out = _LAST_FORM.sub("", out)
    return out.strip() or latin_lower


_PATRONYMIC = re.compile(
    r"(?:ovich|evich|ovych|evych|ovitch|evitch|ovitj|evitj|ovic|evic|avich|avych|ovna|evna|ivna|yivna|ichna|ovn[ae]|yevna|ievna|auna|ouna|euna)$"
)


@lru_cache(maxsize=200_000)
def patronymic_stem(token: str) -> str | None:
    """IGOREVICH -> IGOR, IHOROVYCH -> IHOR; None when the token is no patronymic."""
    if len(token) < 7:
        return None
    m = _PATRONYMIC.search(token)
    if m is None:
        return None
    stem = token[: m.start()]
    return stem if len(stem) >= 3 else None


@lru_cache(maxsize=200_000)
def token_weight(token: str, is_org: bool) -> float:
    if len(token) == 1:
        return 0.4  # an initial
    if not is_org and patronymic_stem(token) is not None:
        return 0.6  # a father's name identifies less than one's own, and is often left out
    if is_org and len(token) <= 3 and not token.isdigit():
        return 0.5  # abbreviations and leftover legal forms: CIA, SS, CO
    if token in PARTICLES:
        return 0.25
    if token in SERVANT_OF:
        return 0.55
    if is_org and token in ORG_GENERIC:
        return 0.35
    if token.isdigit():
        return 0.6
    return 1.0
