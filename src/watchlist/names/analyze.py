"""From a name as written to the forms the matcher compares."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Collection
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from watchlist.names import arabic, chinese
from watchlist.names.glossary import english_org_name
from watchlist.names.keys import phonetic_key, skeleton
from watchlist.names.script import ABJADS, detect_script
from watchlist.names.tokens import (
    JOIN_PREFIXES,
    JOIN_SUFFIXES,
    LEADING_ARTICLE,
    TITLES,
    org_text,
    strip_org_forms,
    token_weight,
    tokenize,
)
from watchlist.names.translit import ascii_fold, to_latin

# an aside in brackets; one left open at the end too (a name cut short, or a
# right-to-left name whose brackets came out mirrored: "(شركت ... (صدرا")
_PARENS = re.compile(r"\([^()]*\)")
_OPEN_PAREN = re.compile(r"\([^()]*$")
# A company's own name in quotes inside what describes it (FEDERAL STATE BUDGETARY
# ENTERPRISE 'SANATORIUM "NIZHNYAYA OREANDA"' OF THE ADMINISTRATION OF THE PRESIDENT...,
# ООО «НИЖНЯЯ ОРЕАНДА»): the innermost quoted words, which customers give alone. Not
# ASCII apostrophes, which are letters of names (O'NEIL, SA'ID).
_QUOTED = re.compile(r'["“«„‘]([^"“”«»„‘’]{3,})["”»“’]')


class NameForm(NamedTuple):
    """One comparable rendering of a name: Latin tokens with their keys and weights.

    Immutable; a named tuple rather than a frozen dataclass, whose ``__init__`` (one
    ``object.__setattr__`` per field) cost three times as much, for every query form."""

    original: str  # the name as written
    latin: str  # the Latin rendering this form was made from
    tokens: tuple[str, ...]
    keys: tuple[str, ...]  # phonetic_key per token
    skeletons: tuple[str, ...]  # consonant skeleton per token
    weights: tuple[float, ...]
    script: str  # ISO 15924 code of the original
    abjad: bool  # original written without short vowels (Arabic, Hebrew)
    org: bool = False  # analysed as a company's name


def _joined_variant(tokens: list[str]) -> list[str] | None:
    """AL AJMI -> ALAJMI, ABD AL RAHMAN -> ABDALRAHMAN, SHAFIQ ALLAH -> SHAFIQALLAH;
    None when nothing joins."""
    out: list[str] = []
    pending = ""
    changed = False
    for t in tokens:
        if t in JOIN_SUFFIXES and out and not pending:
            out[-1] += t
            changed = True
            continue
        if t in JOIN_PREFIXES:
            pending += t
            continue
        if pending:
            word = pending + t
            if word in JOIN_SUFFIXES and out:
                out[-1] += word  # SAAD AL DIN -> SAADALDIN, as SAAD ALDIN is
            else:
                out.append(word)
            pending = ""
            changed = True
        else:
            out.append(t)
    if pending:
        out.append(pending)
    return out if changed and out else None


def _given_joined(tokens: list[str]) -> list[str] | None:
    """LI FANG WEI -> LI FANGWEI: a Chinese or Korean given name is one word written in
    two syllables or together (the lists write FANGWEI, customers FANG WEI). Only the
    last two of three or more short words (syllables of up to five letters: KYONG,
    ZHANG), so a typo in one syllable is one letter of the given name (KYONGHOL)."""
    if len(tokens) < 3:
        return None
    a, b = tokens[-2], tokens[-1]
    if not (2 <= len(a) <= 5 and 2 <= len(b) <= 5 and a.isalpha() and b.isalpha()):
        return None
    if any(len(t) > 5 for t in tokens[:-2]):
        return None
    return [*tokens[:-2], a + b]


@lru_cache(maxsize=200_000)
def _token_parts(token: str, is_org: bool) -> tuple[str, str, float]:
    return phonetic_key(token), skeleton(token), token_weight(token, is_org)


Rarity = Callable[[str], float]  # a key -> the factor its word's weight takes


def _form(
    original: str, latin: str, tokens: list[str], script: str, is_org: bool, rarity: Rarity | None
) -> NameForm:
    # one cached lookup per word, the columns made in C: this runs for every query
    keys, skeletons, weights = zip(*map(_token_parts, tokens, repeat(is_org)), strict=True)
    if rarity is not None:
        weights = tuple(map(operator.mul, weights, map(rarity, keys)))
    return NameForm(
        original=original,
        latin=latin,
        tokens=tuple(tokens),
        keys=keys,
        skeletons=skeletons,
        weights=weights,
        script=script,
        abjad=script in ABJADS,
        org=is_org,
    )


# Company legal forms written in CJK scripts, without spaces to tell them apart (rigour
# finds words): Chinese 有限公司 and kin, Japanese 株式会社 and kin.
_CJK_LEGAL_FORMS = re.compile(
    "股份有限公司|有限責任公司|有限责任公司|有限公司|股份公司|公開株式会社|株式会社|有限会社|合同会社|合資会社|合名会社"
)


# Greek legal forms rigour does not know (it knows ΑΕ and Α.Ε.), written
# without accents: the EU list gives its companies' names in Greek too.
_GREEK_LEGAL_FORMS = re.compile(
    r"(?<!\w)(?:εταιρε?ια περιορισμενης ευθυνης|ιδιωτικη κεφαλαιουχικη εταιρε?ια"
    r"|ομορρυθμη εταιρε?ια|ετερορρυθμη εταιρε?ια|ανωνυμ[ηο]ς? εταιρε?ια|ε\.?π\.?ε\.?|ι\.?κ\.?ε\.?)(?!\w)"
)


def _unaccented(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@lru_cache(maxsize=20_000)
def non_latin_org_text(name: str, script: str) -> str:
    """A company name in another script without its legal forms, before it is
    transliterated: rigour knows them as written (ТОВАРИСТВО З ОБМЕЖЕНОЮ
    ВІДПОВІДАЛЬНІСТЮ, ТОО, АДКРЫТАЕ АКЦЫЯНЕРНАЕ ТАВАРЫСТВА, المحدودة), where the
    transliterations of Ukrainian, Belarusian or Kazakh ones are no words it knows."""
    if script in ("Hani", "Jpan"):
        out = _CJK_LEGAL_FORMS.sub(" ", name).strip()
    elif script == "Grek":
        out = _GREEK_LEGAL_FORMS.sub(" ", strip_org_forms(_unaccented(name.lower()))).strip()
    else:
        out = strip_org_forms(name.lower())
    return out or name


_ORG_TYPES = ("organization", "vessel", "aircraft")


def analyze_query(name: str, type_: str | None, rarity: Rarity | None = None) -> list[NameForm]:
    """The forms a query of this name and entity type is compared by: as a person's or a
    company's name, or, the type unknown, as both (the company forms that differ).
    ``rarity`` (the index's) scales the weights as ``ScreeningIndex.weigh`` does."""
    if type_ in _ORG_TYPES:
        return analyze_name(name, is_org=True, is_person=False, rarity=rarity)
    forms = analyze_name(name, is_org=False, is_person=True, rarity=rarity)
    if type_ == "person":
        return forms
    exclude = {f.tokens for f in forms}
    return forms + analyze_name(name, is_org=True, is_person=False, exclude=exclude, rarity=rarity)


def analyze_name(
    name: str,
    *,
    is_org: bool = False,
    is_person: bool = True,
    exclude: Collection[tuple[str, ...]] = (),
    rarity: Rarity | None = None,
) -> list[NameForm]:
    """All comparable forms of one name (several for non-Latin scripts and for names with
    joinable particles), but those whose tokens are in ``exclude``; weights scaled by
    ``rarity`` where given. Empty when the name has no letters or digits."""
    script = detect_script(name)
    written = name if script == "Latn" or not is_org else non_latin_org_text(name, script)
    latins = [ascii_fold(name)] if script == "Latn" else to_latin(written, script)
    if "(" in written:
        # "ABU AHMAD AL-AMRIKI (The American)", "... (IRGC)": also without the aside
        bare = written
        while "(" in bare and (shorter := _PARENS.sub(" ", bare)) != bare:  # nested too
            bare = shorter
        if "(" in bare and _OPEN_PAREN.sub(" ", bare).strip(" ("):
            bare = _OPEN_PAREN.sub(" ", bare)
        bare = bare.strip()
        if bare and bare != written:
            latins += [ascii_fold(bare)] if script == "Latn" else to_latin(bare, script)
    if (
        is_org
        and (quoted := _QUOTED.findall(written))
        and " " in (own := quoted[-1].strip())  # (one word alone is too often a common one: REGION, MOLOT)
        and own != written.strip()
    ):
        latins += [ascii_fold(own)] if script == "Latn" else to_latin(own, script)
    if script == "Cyrl" and is_org:
        english = english_org_name(name)
        if english is not None:
            latins += to_latin(english, "Cyrl")[:1]
    elif script == "Arab" and is_org:
        english = arabic.english_org_name(name)
        if english is not None:
            latins += to_latin(english, "Arab")[:1]
    elif script == "Hani" and is_org:
        english = chinese.english_org_name(name)
        if english is not None:
            latins.append(ascii_fold(english))
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for latin in latins:
        text = latin.lower()
        if is_org:
            text = org_text(text)
        tokens = tokenize(text)
        if is_person and not is_org:
            kept = [t for t in tokens if t not in TITLES]
            tokens = kept or tokens
        elif is_org and len(tokens) > 1 and tokens[0] == LEADING_ARTICLE:
            tokens = tokens[1:]
        if not tokens:
            continue
        given = _given_joined(tokens) if is_person and not is_org and script == "Latn" else None
        for variant in (tokens, _joined_variant(tokens), given):
            if variant and tuple(variant) not in seen:
                seen.add(tuple(variant))
                if tuple(variant) not in exclude:
                    forms.append(_form(name, latin, variant, script, is_org, rarity))
    return forms
