"""Name similarity: align query tokens with candidate tokens, in any order.

Each token pair is scored by the strongest evidence that they are the same word: equal,
equal phonetic keys (transliteration variants), equal consonant skeletons (one side from
an abjad script), an initial, or a typo-tolerant string similarity. Tokens are weighted:
particles and legal-form words count little, rare words count more than common ones
(weights come with the forms). Tokens left over on either side cost less when the rest
matched well, since lists and customers often give more or fewer middle names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cdist

from watchlist.match._align import (
    EXTRA_CANDIDATE_COST,
    EXTRA_QUERY_COST,
    FUZZY_FLOOR,
    HOWS,
    PAIR_FLOOR,
    combine,
    pair_rows,
)
from watchlist.match._align import align as _align
from watchlist.match.traits import traits
from watchlist.names import NameForm

__all__ = [
    "EXTRA_CANDIDATE_COST",
    "EXTRA_QUERY_COST",
    "FUZZY_FLOOR",
    "HOWS",
    "PAIR_FLOOR",
    "Alignment",
    "NameMatch",
    "SimCache",
    "TokenPair",
    "align",
    "compare_forms",
    "explain_alignment",
    "fill_similarities",
    "token_similarity",
]


@dataclass(frozen=True, slots=True)
class TokenPair:
    query: str
    candidate: str
    similarity: float
    how: str  # exact, phonetic, skeleton, initial, fuzzy


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    query: NameForm
    candidate: NameForm
    pairs: tuple[TokenPair, ...]
    extra_query: tuple[str, ...]
    extra_candidate: tuple[str, ...]

    def explain(self) -> dict[str, object]:
        return {
            "query_form": " ".join(self.query.tokens),
            "candidate_form": " ".join(self.candidate.tokens),
            "pairs": [
                {
                    "query": p.query,
                    "candidate": p.candidate,
                    "similarity": round(p.similarity, 3),
                    "how": p.how,
                }
                for p in self.pairs
            ],
            "unmatched_query_tokens": list(self.extra_query),
            "unmatched_candidate_tokens": list(self.extra_candidate),
        }


def _edit_similarity(a: Sequence[str], b: Sequence[str]) -> Any:
    """Similarity from the number of typing errors (insert, delete, substitute, swap two
    neighbours): one error in a word of four letters or more is a typo far more often than
    another name; two errors only in long words."""
    dist = cdist(a, b, scorer=OSA.distance, dtype=np.int32)
    shortest = np.minimum.outer(np.array([len(x) for x in a]), np.array([len(x) for x in b]))
    out = np.zeros(dist.shape, dtype=np.float32)
    out[(dist == 1) & (shortest >= 4)] = 0.9
    out[(dist == 1) & (shortest >= 7)] = 0.92
    out[(dist == 2) & (shortest >= 8)] = 0.88
    # In a short word another first letter makes another name more often than a typo
    # (FANG/LANG/WANG/YANG): it counts for less.
    first = np.equal.outer(np.array([x[:1] for x in a]), np.array([x[:1] for x in b]))
    out[(dist == 1) & (shortest <= 5) & ~first] = 0.85
    return out


def _fuzzy(a: str, b: str) -> float:
    return 0.5 * (JaroWinkler.normalized_similarity(a, b) + Levenshtein.normalized_similarity(a, b))


def token_similarity(q: NameForm, i: int, c: NameForm, j: int) -> tuple[float, str]:
    """How alike the i-th query word and the j-th candidate word are, and why: the
    strongest of equal words, equal phonetic keys (transliteration variants), the same
    given-name group or patronymic stem, equal consonant skeletons (a side from an abjad
    script), an initial, the same consonants, or a typo-tolerant string similarity."""
    a, b = q.tokens[i], c.tokens[j]
    ka, kb = q.keys[i], c.keys[j]
    sa, sb = q.skeletons[i], c.skeletons[j]
    fuzzy = max(_fuzzy(a, b), 0.93 * _fuzzy(ka, kb), float(_edit_similarity([a], [b])[0][0]))
    sk = 0.9 * _fuzzy(sa, sb) if (q.abjad or c.abjad) else None
    return combine(traits(a, ka), sa, traits(b, kb), sb, fuzzy, sk)


# candidate token -> the (query token position, similarity, how) pairs that can align
# (similarity at least PAIR_FLOOR), for one query form; ``how`` indexes HOWS
SimCache = dict[str, list[tuple[int, float, int]]]


def fill_similarities(q: NameForm, candidates: list[NameForm], cache: SimCache) -> None:
    """Compute, in bulk, every query-token x candidate-token similarity not yet cached.

    Same values as ``token_similarity``, but the string metrics run in rapidfuzz's C++
    ``cdist`` over all pairs at once instead of one Python call per pair.
    """
    todo: dict[str, tuple[str, str]] = {}
    abjad_toks: set[str] = set()  # consonant skeletons only count where a side is abjad
    for c in candidates:
        for tok, key, skel in zip(c.tokens, c.keys, c.skeletons, strict=True):
            if tok not in todo and tok not in cache:
                todo[tok] = (key, skel)
            if c.abjad:
                abjad_toks.add(tok)
    if not todo:
        return
    toks = list(todo)
    keys = [todo[t][0] for t in toks]
    skels = [todo[t][1] for t in toks]
    fuzzy = 0.5 * (
        cdist(q.tokens, toks, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)
        + cdist(q.tokens, toks, scorer=Levenshtein.normalized_similarity, dtype=np.float32)
    )
    fuzzy_keys = (
        0.93
        * 0.5
        * (
            cdist(q.keys, keys, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)
            + cdist(q.keys, keys, scorer=Levenshtein.normalized_similarity, dtype=np.float32)
        )
    )
    best = np.maximum(np.maximum(fuzzy, fuzzy_keys), _edit_similarity(q.tokens, toks))
    abjad_sk = None
    if q.abjad or any(c.abjad for c in candidates):
        abjad_sk = (
            0.9
            * 0.5
            * (
                cdist(
                    q.skeletons, skels, scorer=JaroWinkler.normalized_similarity, dtype=np.float32
                )
                + cdist(
                    q.skeletons, skels, scorer=Levenshtein.normalized_similarity, dtype=np.float32
                )
            )
        )
    pair_rows(q, toks, keys, skels, abjad_toks, best, abjad_sk, cache)


Alignment = list[tuple[int, int, float, str]]  # (query token, candidate token, similarity, how)


def align(q: NameForm, c: NameForm, cache: SimCache | None = None) -> tuple[float, Alignment]:
    """Best one-to-one alignment of tokens (greedy on similarity) and the weighted score.

    Pairs are taken best first; an initial vouches only for as much as it weighs. Words
    written together on one side and apart on the other are paired as one. Words left
    over on both sides are different names, counted in full; words one side has and the
    other lacks (a patronymic, a middle name) cost less when two or more strong pairs
    matched. ``cache`` (one per query form) holds token similarities shared across
    candidates (see ``fill_similarities``): it changes the speed, never the result.
    """
    if cache is None:
        cache = {}
    try:
        return _align(q, c, cache)
    except KeyError:
        fill_similarities(q, [c], cache)
        return _align(q, c, cache)


def explain_alignment(q: NameForm, c: NameForm, score: float, pairs: Alignment) -> NameMatch:
    used_q = {i for i, _, _, _ in pairs}
    used_c = {j for _, j, _, _ in pairs}
    return NameMatch(
        score=score,
        query=q,
        candidate=c,
        pairs=tuple(TokenPair(q.tokens[i], c.tokens[j], s, how) for i, j, s, how in pairs),
        extra_query=tuple(t for i, t in enumerate(q.tokens) if i not in used_q),
        extra_candidate=tuple(t for j, t in enumerate(c.tokens) if j not in used_c),
    )


def compare_forms(q: NameForm, c: NameForm, cache: SimCache | None = None) -> NameMatch:
    score, pairs = align(q, c, cache)
    return explain_alignment(q, c, score, pairs)
