"""Which writing system a name is in (ISO 15924 codes)."""

from __future__ import annotations

import unicodedata
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
    """The script most letters of ``text`` are written in ("Latn" when it has no letters);
    of equal counts, the first seen. The letters are counted in C (``map``, ``count``):
    loading a list asks this of every name."""
    if text.isascii():
        return "Latn"
    marks = list(map(char_script, text))
    found = dict.fromkeys(marks)  # the scripts, first seen first
    found.pop(None, None)  # not a letter
    if len(found) <= 1:  # the letters of one script (most names), or none
        return next(iter(found), None) or "Latn"
    return max(found, key=marks.count) or "Latn"
