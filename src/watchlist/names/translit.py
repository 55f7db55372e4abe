"""Non-Latin names to Latin, offline, with ICU, in the several ways they get romanised.

One Cyrillic name is written PRIGOZHIN by OFAC (BGN/PCGN), PRIGOZIN by scholarly ISO 9
and PRIGOZHIN or PRIGOJINE elsewhere; a passport uses ICAO Doc 9303. Screening must find
the listed spelling whichever the customer's documents used, so we produce each form.
"""

from __future__ import annotations

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

# Per script, the transliterator chains to try (ICU ids or our own rules).
_SCHEMES: dict[str, tuple[str, ...]] = {
    "Cyrl": (
        "Russian-Latin/BGN; Latin-ASCII",
        "icao-cyrillic",
        "Any-Latin; Latin-ASCII",
        "Ukrainian-Latin/BGN; Latin-ASCII",
    ),
    "Arab": ("Any-Latin; Latin-ASCII",),
    "Grek": ("Greek-Latin/UNGEGN; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Hebr": ("Any-Latin; Latin-ASCII",),
    "Hani": ("Han-Latin/Names; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Hang": ("Hangul-Latin; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Geor": ("Georgian-Latin/BGN; Latin-ASCII", "Any-Latin; Latin-ASCII"),
    "Armn": ("Armenian-Latin/BGN; Latin-ASCII", "Any-Latin; Latin-ASCII"),
}
_DEFAULT = ("Any-Latin; Latin-ASCII",)


@lru_cache(maxsize=64)
def _transliterator(scheme: str) -> Any:
    if scheme == "icao-cyrillic":
        return icu.Transliterator.createFromRules(
            "icao-cyrillic", _ICAO_CYRILLIC + ":: Any-Latin; :: Latin-ASCII;", icu.UTransDirection.FORWARD
        )
    try:
        return icu.Transliterator.createInstance(scheme)
    except icu.ICUError:
        return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def _prepare_abjad(text: str) -> str:
    # Ta marbuta is pronounced "a" at the end of a name (Usama, Fatima): write it as heh.
    return text.replace("\u0629", "\u0647")


def to_latin(text: str, script: str) -> list[str]:
    """Every distinct Latin (ASCII) rendering of ``text`` under the schemes for its script."""
    if script in ABJADS:
        text = _prepare_abjad(text)
    out: list[str] = []
    for scheme in _SCHEMES.get(script, _DEFAULT):
        form = _transliterator(scheme).transliterate(text)
        if form and form not in out:
            out.append(form)
    return out


@lru_cache(maxsize=1)
def _fold() -> Any:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def ascii_fold(text: str) -> str:
    """Latin text with its diacritics and ligatures folded to ASCII (Å->A, ß->ss, Ø->O)."""
    if text.isascii():
        return text
    return str(_fold().transliterate(text))
