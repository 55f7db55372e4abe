"""Phonetic keys that survive transliteration: one key for Mohammed, Muhammad and Mohamad.

Two keys per token:
- ``phonetic_key``: consonants normalised across romanisation systems (kh/h, ph/f, x/ks,
  zh/j, w/v, ck/k, q/k), vowels folded into three classes (a/e, o/u, i/y), doubled letters
  and Slavic endings (-iy, -ij, -ii, -y; feminine -skaya as -ska; Belarusian -au, -eu
  as -ov, -ev) collapsed, a leading y before a vowel dropped
  (Yelena/Elena). Used to retrieve candidates and as a second opinion when scoring.
- ``skeleton``: the consonants only, without w/y/v/h-at-end: what an Arabic or Hebrew
  spelling (which omits short vowels) shares with its Latin romanisation.
"""

from __future__ import annotations

import re
from functools import lru_cache

_ENDINGS = ("iy", "ij", "yi", "ii", "yy")  # Slavic -IY, -IJ, -II, -YY: one I
# Russian and Belarusian feminine -SKAYA is Ukrainian and Polish -SKA (POKLONSKAYA,
# POKLONSKA)
_FEMININE = re.compile(r"(?<=k)(?:aya|aia|aja)$")
# Belarusian writes ў as U and an unstressed O as A: its -AU and -EU are Russian -OV and
# -EV (SIVAKAU/SIVAKOV, NAVUMAU/NAUMOV, KARAEU/KARAEV). Not the French -EAU (BUREAU).
_BELARUSIAN_U = re.compile(r"(?:(?<=[bcdfghjklmnpqrstvxz])au|(?<=[bcdfghjklmnpqrstvxza])eu)$")
_LEADING_Y = re.compile(r"^(?:[yj](?=[aeiou])|i(?=[aeou]))")
_SUBS = [
    ("ee", "i"),  # DEEB/DIB, KHAMEES/KHAMIS: English spelling of a long i
    ("x", "ks"),
    ("tsch", "C"),
    ("sch", "S"),
    ("tch", "C"),
    ("dzh", "J"),
    ("dsh", "J"),
    ("dge", "J"),  # English DGE is Russian ДЖ: BRIDGE, БРИДЖ (BRIDZH)
    ("zh", "J"),
    ("dj", "J"),
    ("ch", "C"),
    ("sh", "S"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("tz", "ts"),
    ("q", "k"),
    ("w", "v"),
    ("j", "J"),
]
# the letters a consonant skeleton reads as one consonant too: X as KS, the digraphs
_SKELETON_SUBS = [
    (a, b) for a, b in _SUBS if a in "x tsch sch tch dzh dsh zh dj ch sh kh gh ph th".split()
]
_C_SOFT = re.compile(r"c(?=[eiy])")
_GU = re.compile(r"gu(?=[ei])")
# Russian ё is written YO after a consonant by some (FYODOROV, PYOTR, SEMYONOV) and E by
# others (FEDOROV, PETR, SEMENOV).
_YO = re.compile(r"(?<=[bcdfgklmnprstvz])yo")
# Russian Е after a vowel or a soft sign is YE to some and E to others (NIKOLAYEV,
# NIKOLAEV; GRIGORYEV, GRIGOREV; DMITRIYEV, DMITRIEV), and Ukrainian Є IE or YE
# (HUBARIEVA, HUBARYEVA for ГУБАРЄВА, Russian GUBAREVA). Before V (-EV, -EVA, -EVICH).
_YE_V = re.compile(r"(?<=[a-z])(?:iy|ii|i|y)e(?=v)")
# Arabic writes the article's l before a "sun" consonant but says it as that consonant:
# AL-SABBAR is ES-SABBAR, SAAD AL-DIN is SADUDDIN, ABD AL-RAHMAN is ABDURRAHMAN.
_SUN_L = re.compile(r"(?<=[aeiu])l(?=[tdrzsn])")
_VOWEL_CLASS = str.maketrans({"e": "a", "o": "u", "y": "i"})
_DOUBLES = re.compile(r"(.)\1+")
_TRAILING_H = re.compile(r"(?<=[aeiou])h$")
_NOT_SKELETON = re.compile(r"[aeiouywv]")


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Key for one lower-case ASCII token."""
    if len(token) <= 1 or not token.isalpha():
        return token
    # old GOST writes Й as JJ (VITALIJJ): one J, so the -IJ ending below applies
    s = token.replace("jj", "j") if "jj" in token else token
    # (each rule only where it can apply: this runs for every new word of every query)
    if s.endswith(_ENDINGS):
        s = s[:-2] + "i"
    if len(s) >= 7 and s.endswith(("aya", "aia", "aja")):
        s = _FEMININE.sub("a", s)
    if len(s) >= 5 and s.endswith(("au", "eu")):
        s = _BELARUSIAN_U.sub(lambda m: "ov" if m.group() == "au" else "ev", s)
    if len(s) >= 6 and s.endswith("ine"):
        s = s[:-1]  # French for Russian -IN: PRIGOJINE, POUTINE
    if "gu" in s:
        s = _GU.sub("g", s)  # French and Spanish GU before E, I: EVGUENI, MIGUEL
    if "yo" in s:
        s = _YO.sub("e", s)
    if "ev" in s:
        s = _YE_V.sub("e", s)
    if s.endswith("h"):
        s = _TRAILING_H.sub("", s)
    if s.startswith(("y", "j", "i")):
        s = _LEADING_Y.sub("", s)
    for a, b in _SUBS:
        if a in s:
            s = s.replace(a, b)
    if "c" in s:
        s = _C_SOFT.sub("s", s).replace("c", "k")
    s = s.translate(_VOWEL_CLASS)
    s = _DOUBLES.sub(r"\1", s)
    return s.lower()


def _skeleton_letters(token: str) -> str:
    """The letters a skeleton is made of, vowels still in: digraphs as one letter, the
    classes romanisations mix up as one."""
    s = token
    for a, b in _SKELETON_SUBS:
        if a in s:
            s = s.replace(a, b)
    s = s.lower()
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    # The letters romanised D, DH or Z by one system are Z in Persian and Urdu (REZA,
    # ZAKIR for Arabic RIDA, DHAKIR): one class.
    if "l" in s:
        s = _SUN_L.sub("", s)
    s = s.replace("dh", "d").replace("z", "d")
    # Qaf is Q, K or G in Latin spellings (ABDELKADER, QADHAFI/GADDAFI), and said GH in
    # Persian, where ghain is too (QASEM/GHASEM, AQAJANI/AGHAJANI): one class.
    return s.replace("q", "k").replace("g", "k")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of one lower-case ASCII token (for abjad-script comparisons).

    w, y and v are dropped too: in Arabic script they also write the long vowels."""
    if not token.isalpha():
        return token
    s = _skeleton_letters(token)
    s = _NOT_SKELETON.sub("", s[1:]) if s[:1] in "aeiou" else s[:1] + _NOT_SKELETON.sub("", s[1:])
    s = s.lstrip("aeiouywv")  # Persian writes waw V (VAHEDI), Arabic W
    return _DOUBLES.sub(r"\1", s)


_LONG_U = re.compile(r"ou|oo|[ouw]")
_LONG_I = re.compile(r"ee|[iy]")
_SHORT = re.compile(r"[ae]")


@lru_cache(maxsize=200_000)
def long_vowels(token: str) -> str:
    """The skeleton with the long vowels Arabic script writes (waw as U or O, ya as I):
    MAHMOUD and محمود (MHMWD) give MHMWD, MUHAMMAD MWHMD and محمد MHMD. Only to tell
    apart words whose skeletons are equal; on its own it is no evidence (a Latin U or I
    is as often a short vowel)."""
    s = _LONG_I.sub("y", _LONG_U.sub("w", _skeleton_letters(token)))
    return _DOUBLES.sub(r"\1", _SHORT.sub("", s))
