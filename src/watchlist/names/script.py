"""Which writing system a name is in (ISO 15924 codes)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

# Prefix of the Unicode character name -> ISO 15924 code
_PREFIXES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "THAI": "Thai",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
    "LAO": "Laoo",
    "SINHALA": "Sinh",
    "TIBETAN": "Tibt",
    "MONGOLIAN": "Mong",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
}

# Scripts that write consonants and long vowels only: compare on consonant skeletons.
ABJADS = frozenset({"Arab", "Hebr", "Syrc", "Thaa"})


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str | None:
    if ch.isascii():
        return "Latn" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    return _PREFIXES.get(name.split(" ", 1)[0])


def detect_script(text: str) -> str:
    """The script most letters of ``text`` are written in ("Latn" when it has no letters)."""
    if text.isascii():
        return "Latn"
    counts: Counter[str] = Counter()
    for ch in text:
        s = char_script(ch)
        if s:
            counts[s] += 1
    if not counts:
        return "Latn"
    return counts.most_common(1)[0][0]
