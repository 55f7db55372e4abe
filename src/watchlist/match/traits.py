"""What the token-pair rules need to know of one word, computed once per word."""

from __future__ import annotations

import re
from functools import lru_cache

from watchlist.names.equivalents import name_group
from watchlist.names.keys import phonetic_key
from watchlist.names.tokens import patronymic_stem

# (token, key, group, patronymic stem key, stem group, lacks vowels, consonants of the
#  word (Q as K), (key, stem key) with lone H read as G or None, key of the Arabic TH/AW/GH variant or
#  None, the Korean syllable with CH as J or None)
Traits = tuple[
    str,
    str,
    str | None,
    str | None,
    str | None,
    bool,
    str,
    tuple[str, str | None] | None,
    str | None,
    str | None,
]

# Ukrainian and Belarusian write H where Russian writes G (HRYHORIY/GRIGORIY, OLEH/OLEG),
# and Russian writes G for the H of other languages (GASAN/HASAN): an H that is no part
# of KH, SH, CH, ZH, TH, GH, PH or DH.
_LONE_H = re.compile(r"(?<![kscztgpd])h")
_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=200_000)
def traits(token: str, key: str) -> Traits:
    """What the pair rules need of one token, computed once: the token, its phonetic key,
    its given-name group, its patronymic stem's key and group, whether it lacks vowels,
    its consonants, its key with lone H as G, its Arabic TH/AW/GH variant's key, and the
    syllable with a Korean CH read as J."""
    stem = patronymic_stem(token)
    stem_key = phonetic_key(stem) if stem else None
    return (
        token,
        key,
        name_group(key, token),
        stem_key,
        name_group(stem_key, stem) if stem_key is not None else None,
        len(token) >= 2 and token.isalpha() and not _VOWELS.intersection(token),
        _consonants(token),
        _as_g(token),
        _arabic_variant(token, key),
        _korean_j(token),
    )


def _korean_j(token: str) -> str | None:
    """The syllable with its initial CH as J: Korean writes one consonant, which
    McCune-Reischauer romanises CH (CH'ONG, CHANG) and the Revised Romanisation and the
    lists often J (JONG, JANG). Short words only: Korean names are written a syllable to
    a word."""
    if 3 <= len(token) <= 5 and token.isalpha():
        if token.startswith("ch"):
            return "j" + token[2:]
        if token[0] == "j":
            return token
    return None


def _consonants(token: str) -> str:
    """The consonants, doubled ones once, with the letters that romanisations swap for
    one another as one (Q/K: QATIRJI/KATARJI; W/V; PH/F)."""
    if not token.isalpha():
        return ""
    s = token.replace("q", "k").replace("w", "v").replace("ph", "f")
    # a Y before a vowel is a consonant (YASSER/YASIR, YUSUF/YOSEF)
    head = "y" if s[:1] == "y" and s[1:2] in _VOWELS else ""
    return head + _DOUBLED.sub(r"\1", "".join(ch for ch in s[len(head):] if ch not in _VOWELS))


_OU_VOWEL = re.compile(r"ou(?=[aeiy])")


def _arabic_variant(token: str, key: str) -> str | None:
    """The key of the token with TH read as S, AW as O and OU before a vowel as W, if
    that differs: Arabic tha is TH, S or T (OTHMAN/OSMAN/USMAN, HAITHAM/HAISAM), the
    diphthong AW is often written O (NAWFAL/NOFAL, SHAWKAT/SHOKAT), French spellings
    write waw as OU (KHESOUANI/HASWANI, OUALID/WALID); Persian says qaf as GH, so its
    names come both ways (NAGHDI/NAQDI, GHASEMI/QASEMI); Russian GOST romanisation
    writes KH as X (ZAXARCHENKO/ZAKHARCHENKO)."""
    if len(token) < 5 or not ("th" in token or "aw" in token or "ou" in token or "x" in token or "gh" in token):
        return None
    alt = phonetic_key(
        _OU_VOWEL.sub(
            "w", token.replace("th", "s").replace("aw", "o").replace("x", "kh").replace("gh", "q")
        )
    )
    return alt if alt != key else None


def _as_g(token: str) -> tuple[str, str | None] | None:
    """The key and patronymic-stem key of the token with its lone H as G; None if it has
    none or is short (HAMAS is not GAMES; the short given names, OLEH/OLEG, are in the
    equivalence groups)."""
    if len(token) < 7 or not _LONE_H.search(token):
        return None
    g = _LONE_H.sub("g", token)
    stem = patronymic_stem(g)
    return phonetic_key(g), phonetic_key(stem) if stem else None
