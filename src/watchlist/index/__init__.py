"""The screening index: an immutable search structure built from one set of list versions.

Candidates are retrieved by phonetic key, so spelling and transliteration variants land
on the same postings, with a one-edit neighbourhood of every key (SymSpell-style deletes)
so that typos do too; names from abjad scripts are also retrieved by consonant skeleton.
Rare keys weigh more than common ones (MUHAMMAD says less than PRIGOZHIN).

The index is never changed after it is built: a new list version builds a new index,
which replaces the old one in a single reference swap, so readers need no locks.
"""

from __future__ import annotations

import math
import operator
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np

from watchlist.index._postings import (
    accumulate,
    merge_best,
    near_keys,
    select,
    typo_matches,
    typo_table,
)
from watchlist.match.evidence import Profile
from watchlist.match.names import name_row
from watchlist.match.traits import Traits, traits
from watchlist.model import Entity, EntityType, NameKind
from watchlist.names import NameForm, analyze_name
from watchlist.names.equivalents import name_group
from watchlist.names.keys import phonetic_key

BIG_POSTINGS = 800  # a key on more names than this only re-ranks names found by rarer keys
MIN_DELETE_KEY = 4
MIN_RAW_TYPO = 5  # shorter words one letter apart are as often other names (LI/LO)
COMMON_KEY = 50  # keys shorter than this get no typo neighbourhood (too many collisions)
FUZZY_KEY_FACTOR = 0.8  # retrieval credit for a neighbouring key
MEMO_SIZE = 100_000  # query words whose merged postings are kept
LAST_SEED = 2**62  # sorts a word's postings after every other's
TIE_BREAK = 0.001  # per word of difference in length, far below any token's weight


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position in ScreeningIndex.profiles
    name: str  # as the list writes it
    kind: str
    strength: str | None
    form: NameForm


JOINED = "+"  # postings of two neighbouring words written as one (CONCORD CATERING)


def _joined_keys(tokens: Sequence[str]) -> list[str]:
    """Keys of neighbouring words written together, both orders for a two-word name
    (LEOPOLDMUJYAMBERE for MUJYAMBERE, Leopold)."""
    out = [phonetic_key(a + b) for a, b in pairwise(tokens) if len(a) > 1 and len(b) > 1]
    if len(tokens) == 2 and len(tokens[0]) > 1 and len(tokens[1]) > 1:
        out.append(phonetic_key(tokens[1] + tokens[0]))
    return out


def _deletes(key: str) -> list[str]:
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


def index_entries(entities: Iterable[Entity]) -> tuple[list[Profile], list[IndexedName]]:
    """The profiles and the (unweighted) name forms an index of these entities is built
    from: every distinct listed name, analysed as a person's or an organisation's."""
    profiles: list[Profile] = []
    names: list[IndexedName] = []
    for e in entities:
        idx = len(profiles)
        profiles.append(Profile.from_entity(e))
        is_org = e.type in (EntityType.ORGANIZATION, EntityType.VESSEL, EntityType.AIRCRAFT)
        listed = e.names or []
        seen: set[str] = set()
        for nm in listed:
            if nm.full in seen:
                continue
            seen.add(nm.full)
            for form in analyze_name(nm.full, is_org=is_org, is_person=not is_org):
                names.append(IndexedName(idx, nm.full, str(nm.kind), nm.strength, form))
        if not listed:
            for form in analyze_name(e.name, is_org=is_org, is_person=not is_org):
                names.append(IndexedName(idx, e.name, str(NameKind.PRIMARY), None, form))
    return profiles, names


def seed_words(form: NameForm) -> list[tuple[str, str, str | None, bool]]:
    """How retrieval looks each word of a query form up: (its key, the word as written
    for typo retrieval or "" for none, the skeleton to retrieve by or None, whether it
    may only add to names other words found). One definition for the index and for the
    monitor's reach, which must follow it."""
    typed = form.script == "Latn"  # a typing error is made in the script one types
    return [
        (
            key,
            tok if typed else "",
            skel if form.abjad and len(skel) >= 2 else None,
            # An abjad word of one consonant (علي, 'LY) is found by its key alone, which
            # names another word (LI): it may add to names, never find them.
            form.abjad and len(skel) < 2,
        )
        for tok, key, skel in zip(form.tokens, form.keys, form.skeletons, strict=True)
    ]


class ScreeningIndex:
    def __init__(
        self,
        profiles: list[Profile],
        names: list[IndexedName],
        versions: Sequence[dict[str, object]] = (),
    ) -> None:
        self.profiles = profiles
        self.versions = list(versions)
        df: dict[str, int] = defaultdict(int)
        for n in names:
            for k in set(n.form.keys):
                df[k] += 1
        self._df = dict(df)
        self._n = max(1, len(names))
        self._log_n = math.log1p(self._n)
        self.names = [replace(n, form=self.weigh(n.form)) for n in names]
        postings: dict[str, list[int]] = defaultdict(list)
        skeletons: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(self.names):
            # Each name once per posting list (two keys of one group, two joins alike):
            # retrieval credits a name once per query word.
            filed = dict.fromkeys(n.form.keys)
            for t, k in zip(n.form.tokens, n.form.keys, strict=True):
                group = name_group(k, t)
                if group is not None:
                    filed.setdefault("=" + group)
            for j in _joined_keys(n.form.tokens):
                if j not in n.form.keys:
                    filed.setdefault(JOINED + j)
            for k in filed:
                postings[k].append(i)
            for s in dict.fromkeys(n.form.skeletons):
                if len(s) >= 2:
                    skeletons[s].append(i)
        self._postings = dict(postings)
        self._ntokens = np.array([len(n.form.tokens) for n in self.names], dtype=np.float32)
        self._np = {k: np.array(v, dtype=np.int32) for k, v in self._postings.items()}
        self._np_skeletons = {k: np.array(v, dtype=np.int32) for k, v in skeletons.items()}
        self._skeletons = dict(skeletons)
        neighbours: dict[str, list[str]] = defaultdict(list)
        for k in self._postings:
            if len(k) >= MIN_DELETE_KEY and k[0] not in "+=":  # real keys only
                for d in dict.fromkeys(_deletes(k)):
                    neighbours[d].append(k)
        self._neighbours = dict(neighbours)
        # each name as the compiled scoring loop reads it, without attribute lookups
        self.rows = [name_row(n.entity, n.strength == "weak", n.form) for n in self.names]
        # what the pair rules need of every listed word, so that no query computes it
        self.traits: dict[str, Traits] = {}
        for n in self.names:
            for t, k in zip(n.form.tokens, n.form.keys, strict=True):
                if t not in self.traits:
                    self.traits[t] = traits(t, k)
        # the listed words by their one-letter deletes, for typo retrieval (_key_variants)
        self._typo_words = sorted(t for t in self.traits if len(t) >= MIN_RAW_TYPO - 1 and t.isalpha())
        self._typo_hashes, self._typo_owners = typo_table(self._typo_words)
        # (word_identity, skeleton) -> _token_postings
        self._memo: dict[tuple[str, str | None, str | None], tuple[Any, Any, int] | None] = {}
        # Every listed key's merged postings, made here once rather than by the first
        # query holding the word: those first lookups were a third of a query's time
        # (the one-letter neighbours found and merged), and most words of a query are
        # listed words. Some 30,000 keys for all the lists: +0.7 s to the build, tens of MB.
        self._listed: dict[str, tuple[Any, Any, int] | None] = {
            k: self._merged(k, None, "") for k in self._postings if k[0] not in "+="
        }

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, entities: Iterable[Entity], versions: Sequence[dict[str, object]] = ()) -> ScreeningIndex:
        return cls(*index_entries(entities), versions)

    def filing(self) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
        """name position -> the posting keys, and the skeletons, it is filed under."""
        keys: dict[int, set[str]] = defaultdict(set)
        skels: dict[int, set[str]] = defaultdict(set)
        for k, ids in self._postings.items():
            for i in ids:
                keys[i].add(k)
        for sk, ids in self._skeletons.items():
            for i in ids:
                skels[i].add(sk)
        return keys, skels

    def weigh(self, form: NameForm) -> NameForm:
        """Scale each token's weight by how rare its key is among the listed names."""
        return NameForm(  # not dataclasses.replace: this runs for every name and query form
            original=form.original,
            latin=form.latin,
            tokens=form.tokens,
            keys=form.keys,
            skeletons=form.skeletons,
            weights=tuple(map(operator.mul, form.weights, map(self.rarity, form.keys))),
            script=form.script,
            abjad=form.abjad,
            org=form.org,
        )

    def rarity(self, key: str) -> float:
        """The factor a word's weight takes for how rare its key is among listed names."""
        df = self._df.get(key, 0)
        rarity = math.log1p(self._n / (df + 1)) / self._log_n
        return 0.5 + 0.8 * min(1.0, rarity)

    # ------------------------------------------------------------ retrieval

    def _key_variants(self, key: str, token: str) -> list[tuple[str, float]]:
        exact = self._postings.get(key)
        out = {key: 1.0} if exact is not None else {}
        group = name_group(key)
        if group is not None and "=" + group in self._postings:
            out["=" + group] = 0.9  # VOLODYMYR finds VLADIMIR
        if len(key) >= 6 and JOINED + key in self._postings:
            out[JOINED + key] = 0.9  # CONCORDCATERING finds CONCORD CATERING
        # A key already common among listed names is a real spelling, not a typo: its
        # one-edit neighbours would only add noise (and time).
        if len(key) >= MIN_DELETE_KEY - 1 and (exact is None or len(exact) < COMMON_KEY):
            # ... and a listed word is one spelling of itself before it is a typo of a
            # word on hundreds of names (REAL of AL)
            most = BIG_POSTINGS if exact is not None else sys.maxsize
            near_keys(key, self._postings, self._neighbours, out, FUZZY_KEY_FACTOR, most)
        if exact is None and len(token) >= MIN_RAW_TYPO:
            # A word whose key no listed word has: a typo can change a key by two
            # letters (RAMCGARAN is RAMKGARAN, RAMCHARAN RAMCARAN; EBRAHII is ABRAHI,
            # EBRAHIMI ABRAHIMI), which the key's neighbourhood misses. The listed words
            # (of letters) one letter left out, added, changed or swapped from the word
            # as written find it.
            for w in typo_matches(token, self._typo_hashes, self._typo_owners, self._typo_words):
                out.setdefault(self.traits[self._typo_words[w]][1], FUZZY_KEY_FACTOR)
        return list(out.items())

    def _token_postings(self, key: str, skeleton: str | None, token: str) -> tuple[Any, Any, int] | None:
        """(sorted names, their best credit, how common the word is) for one query key:
        every key variant's postings (and the skeleton's, for abjad queries) merged once,
        each name with the credit of its best variant. How common: the names holding the
        key itself where listed names do, else all the variants find. A rare word's
        neighbours do not make it common (AHOME is on one name; HUMA, HUMAN one letter
        from its key on hundreds). Memoised: the index never changes, and the same words
        come back query after query."""
        if skeleton is None and key in self._listed:
            return self._listed[key]
        memo_key = (*self.word_identity(key, token), skeleton)
        hit = self._memo.get(memo_key, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        out = self._merged(key, skeleton, token)
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[memo_key] = out
        return out

    def word_identity(self, key: str, word: str) -> tuple[str, str | None]:
        """What a query word's key variants (``_key_variants``) depend on: its key, and
        the word as written where no listed word has the key (its typo lookup reads it).
        Keyed by the word for every unknown key, which only costs some repetition."""
        return (key, None if key in self._postings else word)

    def _merged(self, key: str, skeleton: str | None, token: str) -> tuple[Any, Any, int] | None:
        """``_token_postings`` computed."""
        arrays = [(self._np[k], credit) for k, credit in self._key_variants(key, token)]
        on_skeleton = 0
        if skeleton is not None and skeleton in self._np_skeletons:
            arrays.append((self._np_skeletons[skeleton], 0.9))
            on_skeleton = len(arrays[-1][0])
        out: tuple[Any, Any, int] | None = None
        if len(arrays) == 1:
            ids, credit = arrays[0][0], np.full(len(arrays[0][0]), arrays[0][1], dtype=np.float32)
        elif arrays:
            ids, credit = merge_best([a for a, _ in arrays], [c for _, c in arrays])
        if arrays:
            out = (ids, credit, self.commonness(key, sum(len(a) for a, _ in arrays), on_skeleton))
        return out

    def commonness(self, key: str, found: int, on_skeleton: int = 0) -> int:
        """How common a query word is, for retrieval's rare-words-first order: the
        listed names holding its key where some do, plus those holding its consonant
        skeleton (``on_skeleton``, for an abjad query's word: MHMD is as common as every
        MUHAMMAD), else ``found``, the postings of all its variants and skeleton."""
        exact = self._postings.get(key)
        return len(exact) + on_skeleton if exact is not None else found

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_memo"] = {}
        return state

    def _accumulate(self, form: NameForm) -> tuple[Any, Any]:
        """(name positions, retrieval scores) for one query form, in numpy arrays.

        Each query token adds its weight times the credit of its best key variant to every
        name holding that variant. Rare tokens go first: common ones (MUHAMMAD) only add to
        names already found, unless nothing rarer found any.
        """
        per_token = []
        for (key, word, skel, last), w in zip(seed_words(form), form.weights, strict=True):
            merged = self._token_postings(key, skel, word)
            if merged is not None:
                per_token.append((LAST_SEED if last else merged[2], merged[0], merged[1], w))
        per_token.sort(key=lambda t: t[0])
        found: tuple[list[Any], list[Any], list[float]] = ([], [], [])
        common: tuple[list[Any], list[Any], list[float]] = ([], [], [])
        for size, ids, credit, w in per_token:
            part = common if size > BIG_POSTINGS and found[0] else found
            part[0].append(ids)
            part[1].append(credit)
            part[2].append(w)
        if not found[0]:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        return accumulate(*found, *common)

    def candidates(self, forms: Sequence[NameForm], max_names: int = 30) -> list[tuple[int, list[int]]]:
        """(position in ``names``, the query forms worth comparing with it), best first.

        A name found nearly as well by several renderings of a non-Latin query (BGN,
        ICAO, scholarly) is compared with each of them: the best retrieval credit does
        not always belong to the best-scoring rendering.
        """
        found = [self._accumulate(form) for form in forms]
        # As a share of the form's weight: a form that joins two words (SAADALDIN SAYED)
        # is not outranked by the three-word form for sharing fewer words.
        return select(
            [ids for ids, _ in found],
            [scores for _, scores in found],
            [sum(form.weights) or 1.0 for form in forms],
            self._ntokens,
            [len(form.tokens) for form in forms],
            max_names,
            TIE_BREAK,
        )

    def stats(self) -> dict[str, int]:
        return {
            "entities": len(self.profiles),
            "names": len(self.names),
            "keys": len(self._postings),
            "neighbour_keys": len(self._neighbours),
        }
