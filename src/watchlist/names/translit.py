"""Non-Latin names to Latin, offline, with ICU, in the several ways they get romanised.

One Cyrillic name is written PRIGOZHIN by OFAC (BGN/PCGN), PRIGOZIN by scholarly ISO 9
and PRIGOZHIN or PRIGOJINE elsewhere; a passport uses ICAO Doc 9303. Screening must find
the listed spelling whichever the customer's documents used, so we produce each form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import icu

from watchlist.names.script import ABJADS

# ICAO Doc 9303 (7th ed.) transliteration of Cyrillic, as printed in machine-readable zones.
_ICAO_CYRILLIC = """
:: [:Cyrillic:] lower ();
ж > zh; х > kh; ц > ts; ч > ch; ш > sh; щ > shch; ю > iu; я > ia; й > i; ы > y;
ъ > ie; ь > ; ё > e; э > e; е > e; є > ie; ї > i; і > i; ґ > g; ў > u;
а > a; б > b; в > v; г > g; д > d; з > z; и > i; к > k; л > l; м > m; н > n;
о > o; п > p; р > r; с > s; т > t; у > u; ф > f;
"""

# ICAO Doc 9303's table for Greek in machine-readable passports: letter for letter, so
# ΟΥ is OY and ΕΥ is EY, and Η is I, Β is V (CHRISTODOYLOS, as passports and lists copied
# from them write it), where UNGEGN writes OU and EV and the scholarly scheme B and E.
_GREEK_LETTERS = dict(
    zip("αβγδεζηθικλμνξοπρσςτυφχψω", "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(), strict=True)
)


def _greek_rules(digraphs: str = "", **letters: str) -> str:
    """ICU rules for a letter-for-letter Greek scheme: accents dropped, lower case, the
    ``digraphs`` rules first, then each letter (``letters`` overriding the table)."""
    table = {**_GREEK_LETTERS, **letters}
    return (
        ":: NFD ; :: [:Nonspacing Mark:] Remove ; :: NFC ; :: [:Greek:] lower () ;\n"
        + digraphs
        + "\n"
        + " ".join(f"{g} > {latin} ;" for g, latin in table.items())
        + "\n"
    )


_ICAO_GREEK = _greek_rules()

# Foreign names written in Greek (the Greek Wikipedia's and press's Russian, Arabic and
# Korean names): ΝΤ, ΜΠ, ΓΚ are D, B, G; ΟΥ is U; ΓΙ and Γ before a front vowel are Y;
# a closing -ΟΦ is -OV (Καντίροφ KADIROV, Βλαντίμιρ VLADIMIR, Γιονγκ YONG).
_GREEK_FOREIGN = _greek_rules(
    """
ντ > d ; μπ > b ; γκ > g ; γγ > ng ; τζ > dz ; τσ > ts ;
ου > u ; αι > e ; ει > i ; οι > i ; ευ > ev ; αυ > av ;
γι } [αεηοουω] > y ; γ } [εηιυ] > y ;
οφ } [^[:L:]] > ov ; οφ } $ > ov ; εφ } [^[:L:]] > ev ; εφ } $ > ev ;""",
    χ="kh",
    υ="i",
)

# Tigrinya and Amharic names as Eritrean and Ethiopian passports and the lists write them:
# the sixth-order vowel (ǝ) as I after a word's first letter and unwritten elsewhere, the
# first-order one as E (ግርማይ is GIRMAY, ፍትዊ FITWI, ገብረመድህን GEBREMEDHIN), where
# ICU's scheme writes GǝRǝMAY, FǝTǝWI, GABǝRAMADǝHǝN.
_ETHIOPIC_NAMES = """
:: Any-Latin ;
^ [:L:] [:M:]* { \u01dd > i ;
[:Z:] [:L:] [:M:]* { \u01dd > i ;
\u01dd > ; a > e ; \u02be > ; \u02bf > ;
"""

# Hebrew letters with two readings, ICU's scheme gives one (P, B, K; S for SHIN, Z for
# TSADI): the other, as Israeli passports and the lists mostly write names (FEDERMAN for
# פדרמן, GOPSHTEIN, TSION, AVRAHAM).
_HEBREW_SOFT = """
פ > f ; ף > f ; ב > v ; כ > kh ; ך > kh ; ש > sh ; צ > ts ; ץ > ts ;
"""

_OWN_SCHEMES = {
    "icao-cyrillic": _ICAO_CYRILLIC,
    "icao-greek": _ICAO_GREEK,
    "greek-foreign": _GREEK_FOREIGN,
    "ethiopic-names": _ETHIOPIC_NAMES,
    "hebrew-soft": _HEBREW_SOFT,
}

# Per script, the transliterator chains to try (ICU ids or our own rules).
_SCHEMES: dict[str, tuple[str, ...]] = {
    "Cyrl": (
        "Russian-Latin/BGN; Latin-ASCII",
        "icao-cyrillic",
        "Any-Latin; Latin-ASCII",
        "Ukrainian-Latin/BGN; Latin-ASCII",
    ),
    "Arab": ("Any-Latin; Latin-ASCII",),
    "Grek": (
        "Greek-Latin/UNGEGN; Latin-ASCII",
        "icao-greek",
        "Any-Latin; Latin-ASCII",
        "el-el_Latn/BGN; Latin-ASCII",  # KH for Χ, as in Arabic names (Σαάντ αλ-Χαρίρι)
        "greek-foreign",
    ),
    "Hebr": ("Any-Latin; Latin-ASCII", "hebrew-soft"),
    "Ethi": ("Any-Latin; Latin-ASCII", "ethiopic-names"),
    "Hani": ("Han-Latin/Names; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Hang": ("Hangul-Latin; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Geor": ("Georgian-Latin/BGN; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Armn": ("Armenian-Latin/BGN; Latin-ASCII", "Any-Latin; Latin-ASCII"),
}
_DEFAULT = ("Any-Latin; Latin-ASCII",)


@lru_cache(maxsize=64)
def _transliterator(scheme: str) -> Any:
    rules = _OWN_SCHEMES.get(scheme)
    if rules is not None:
        return icu.Transliterator.createFromRules(
            scheme, rules + ":: Any-Latin; :: Latin-ASCII;", icu.UTransDirection.FORWARD
        )
    if "Any-Latin" not in scheme:
        # Letters the scheme does not know (Belarusian ў, Ukrainian ї, Latin look-alikes
        # mixed in) still come out Latin rather than splitting the word.
        scheme = scheme.replace("; Latin-ASCII", "; Any-Latin; Latin-ASCII")
    try:
        return icu.Transliterator.createInstance(scheme)
    except icu.ICUError:
        return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


# Ta marbuta is pronounced "a" at the end of a name (Usama, Fatima): write it as heh.
# The Urdu and Pashto forms of heh (do-chashmee, goal) and ta marbuta, which the Arabic
# transliterators leave untouched (ابراھیم came out ABRA YM), are heh too. Direction
# marks and the Persian zero-width non-joiner are no letters.
_ABJAD_LETTERS = str.maketrans(
    {
        "\u0629": "\u0647",
        "\u06be": "\u0647",
        "\u06c1": "\u0647",
        "\u06c3": "\u0647",
        "\u06d5": "\u0647",
        # Pashto and Urdu letters as their Arabic neighbours (ZADRAN ځدران, GIDAR گیدڑ)
        "\u0681": "\u0632",
        "\u0679": "\u062a",
        "\u0688": "\u062f",
        "\u0691": "\u0631",
        "\u0693": "\u0631",
        "\u0696": "\u0698",
        "\u069a": "\u0634",
        "\u06ab": "\u06af",
        "\u06ba": "\u0646",
        "\u06bc": "\u0646",
        "\u06cd": "\u064a",
        "\u06d0": "\u064a",
        "\u06d2": "\u064a",
        "\u0689": "\u062f",  # Pashto DDAL, TSE, TTE
        "\u0685": "\u0633",
        "\u067c": "\u062a",
        # Kurdish (Sorani), Uyghur, Sindhi and Maghrebi letters, which no transliterator
        # here knows: the word was cut at them. Kurdish O, E, RR, LL, V (KOBANÊ کۆبانێ)
        "\u06c6": "\u0648",
        "\u06ce": "\u064a",
        "\u0695": "\u0631",
        "\u06b5": "\u0644",
        "\u06a4": "\u0641",
        # Uyghur U, UE, W, NG
        "\u06c7": "\u0648",
        "\u06c8": "\u0648",
        "\u06cb": "\u0648",
        "\u06ad": "\u0646",
        # Sindhi implosives and aspirates as the plain letter
        "\u06aa": "\u0643",
        "\u067b": "\u0628",
        "\u0684": "\u062c",
        "\u068f": "\u062f",
        "\u068d": "\u062f",
        "\u068a": "\u062f",
        "\u067a": "\u062a",
        "\u067d": "\u062a",
        "\u067f": "\u062a",
        "\u06a6": "\u0641",
        "\u06b3": "\u06af",
        "\u06bb": "\u0646",
        "\u0687": "\u0686",
        # ALEF WASLA and Persian HEH with YEH (ezafe) as plain ALEF and HEH
        "\u0671": "\u0627",
        "\u06c0": "\u0647",
        # Maghrebi QAF (G: ڨ), and the Jawi NGA
        "\u06a8": "\u0642",
        "\u06a0": "\u063a",
        "\u200c": None,
        "\u200e": None,
        "\u200f": None,
        "\u202a": None,
        "\u202b": None,
        "\u202c": None,
        "\u202d": None,
        "\u202e": None,
    }
)


# What the transliterators leave that is no ASCII letter, and Latin letters ICU's
# Latin-ASCII leaves as they are (tokenising would drop them: ƏLIYEV came out LIYEV):
# BGN's middle dot (B·ECH for БЭЧ) and the scholarly macron under the soft sign's
# apostrophe mark letters, not word breaks; the schwa of Azerbaijani, Tatar and Kazakh
# names (ƏLIYEV, ӘЛИНӘ) is A, as the lists write it, Ethiopic's sixth-order vowel E; the
# open O and gamma of West African alphabets (Akan, Ewe) are O and G; the katakana
# middle dot separates words.
_LEFTOVERS = str.maketrans(
    {"·": None, "ə": "a", "Ə": "A", "ǝ": "e", "ɔ": "o", "Ɔ": "O", "ɣ": "g", "Ɣ": "G", "・": " "}
)


def _latin_leftovers(form: str) -> str:
    if form.isascii():
        return form
    form = unicodedata.normalize("NFKD", form.translate(_LEFTOVERS))
    return "".join(ch for ch in form if not unicodedata.combining(ch))


# Persian writes a word's final silent heh (the vowel E) before a zero-width non-joiner
# when a suffix follows: خامنه‌ای is KHAMENEI, not KHAMNHAY. As a kasra it stays a vowel.
_SILENT_HEH = re.compile("[\u0647\u06c1\u06d5]\u200c")


# Arabic writes its article joined to the word (الحبيب, AL-HABIB), and lists often leave
# it out (BEN HABIB): apart, as Latin spellings write it, it pairs like theirs (a light
# AL, the word, and AL and the word joined as another form). Not in الله (ALLAH), whose
# rest is two letters.
_ARTICLE = re.compile(r"(?<!\w)\u0627\u0644(?=\w{3})")


# MUHAMMAD run into the name after it (محمدعبد, محمدديب): data entry drops the space,
# the lists write two words. Not where the rest makes one Persian surname with it
# (محمدی MOHAMMADI, محمدیان MOHAMMADIAN, محمدپور, محمدزاده, محمدنیا, محمدخانی, محمدلو).
_MUHAMMAD = "\u0645\u062d\u0645\u062f"
_MUHAMMAD_JOINED = re.compile(
    rf"(?<!\w){_MUHAMMAD}(?=\w{{3}})"
    r"(?!(?:[\u06cc\u064a\u0649]\u0627\u0646|\u067e\u0648\u0631|\u0632\u0627\u062f|\u0646[\u06cc\u064a]\u0627|\u062e\u0627\u0646|\u0644\u0648))"
)


def _prepare_abjad(text: str) -> str:
    if "\u200c" in text:
        text = _SILENT_HEH.sub("\u0650", text)
    if "\u0627\u0644" in text:
        text = _ARTICLE.sub("\u0627\u0644 ", text)
    if _MUHAMMAD in text:
        text = _MUHAMMAD_JOINED.sub(_MUHAMMAD + " ", text)
    return text.translate(_ABJAD_LETTERS)


# Korean syllables as the lists spell them (McCune-Reischauer / DPRK style: KIM Jong Un,
# PAK Pong Ju, RI Yong Ho) from ICU's Revised Romanization (gim jeong eun, bag bong ju).
_KO_VOWELS = (("yeo", "yo"), ("eo", "o"), ("eu", "u"))
_KO_INITIAL = {"g": "k", "b": "p", "d": "t", "l": "r"}
_KO_SURNAMES = {
    "i": ("ri", "lee", "yi"),
    "ri": ("ri", "lee", "yi"),
    "pak": ("pak", "park"),
    "choe": ("choe", "choi"),
    "jong": ("jong", "jung", "chung"),
}


def _korean_syllable(rr: str) -> str:
    s = rr
    for a, b in _KO_VOWELS:
        s = s.replace(a, b)
    if s[:1] in _KO_INITIAL:
        s = _KO_INITIAL[s[0]] + s[1:]
    if s.endswith("g") and not s.endswith("ng"):
        s = s[:-1] + "k"
    return s


def _syllabic_forms(text: str, script: str) -> list[str]:
    """Chinese and Korean names, syllable by syllable: the family name first, then the
    given name both joined (XI Jinping) and split (XI Jin Ping)."""
    out: list[str] = []
    for word in text.split():
        if script == "Hang":
            rr = [
                str(_transliterator("Hangul-Latin; Latin-ASCII").transliterate(ch))
                for ch in word
                if ch.strip()
            ]
            schemes = [[_korean_syllable(x) for x in rr], rr]
        else:
            schemes = [
                [
                    str(_transliterator("Han-Latin/Names; Latin-ASCII").transliterate(ch))
                    for ch in word
                    if ch.strip()
                ]
            ]
        for k, syl in enumerate(schemes):
            syl = [x for x in syl if x.isalpha()]
            if len(syl) < 2:
                continue
            families = _KO_SURNAMES.get(syl[0], (syl[0],)) if script == "Hang" else (syl[0],)
            for f, fam in enumerate(families):
                joined = f"{fam} {''.join(syl[1:])}"
                split = " ".join([fam, *syl[1:]])
                # The main spelling both ways; other surname spellings and RR split only.
                for form in (joined, split) if k == 0 and f == 0 else (split,):
                    if form not in out:
                        out.append(form)
    return out


# Kazakh, Kyrgyz, Uzbek, Tajik, Tatar, Bashkir and Azerbaijani letters Russian has not,
# as Russian writes these names (Тоқаев TOKAYEV, Нұрсұлтан NURSULTAN, Раҳмон RAKHMON):
# the Russian schemes left them as they were, or split the word at them. The Caucasian
# palochka (ХӀусейн, Chechen HUSEYN) marks the sound before it and is dropped. Not І,
# which Ukrainian and Belarusian write too, and which every scheme reads as I.
_CENTRAL_ASIAN_CYRILLIC = str.maketrans(
    "ҚқҒғҢңҮүҰұҺһӘәӨөҲҳҶҷӢӣӮӯҘҙҠҡҪҫҖҗҜҝҸҹ",
    "КкГгНнУуУуХхАаОоХхЧчИиУуЗзКкСсЖжГгЧч",
    "Ӏӏ",
)


def to_latin(text: str, script: str) -> list[str]:
    """Every distinct Latin (ASCII) rendering of ``text`` under the schemes for its script."""
    return list(_to_latin(text, script))


@lru_cache(maxsize=20_000)  # a query is read as a person's name and as a company's
def _to_latin(text: str, script: str) -> tuple[str, ...]:
    if script in ("Hang", "Hani") and len(text.split()) == 1:
        forms = _syllabic_forms(text, script)
        if forms:
            return tuple(forms)
    if script in ABJADS:
        text = _prepare_abjad(text)
    elif script == "Cyrl":
        text = text.translate(_CENTRAL_ASIAN_CYRILLIC)
    out: list[str] = []
    for scheme in _SCHEMES.get(script, _DEFAULT):
        form = _latin_leftovers(_transliterator(scheme).transliterate(text))
        if form and form not in out:
            out.append(form)
    return tuple(out)


@lru_cache(maxsize=1)
def _fold() -> Any:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def ascii_fold(text: str) -> str:
    """Latin text with its diacritics and ligatures folded to ASCII (Å->A, ß->ss, Ø->O,
    Ə->A)."""
    if text.isascii():
        return text
    return str(_fold().transliterate(text.translate(_LEFTOVERS)))
