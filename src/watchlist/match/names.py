"""Name similarity: align query tokens with candidate tokens, in any order.

Each token pair is scored by the strongest evidence that they are the same word: equal,
equal phonetic keys (transliteration variants), equal consonant skeletons (one side from
an abjad script), an initial, or a typo-tolerant string similarity. Tokens are weighted:
particles and legal-form words count little, rare words count more than common ones
(weights come with the forms). Tokens left over on either side cost less when the rest
matched well, since lists and customers often give more or fewer middle names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz.process import cdist

from watchlist.match._align import HOWS, best_per_entity, candidate_rows
from watchlist.match._align import align as _align
from watchlist.match._align import fill_forms as _fill_forms
from watchlist.match.traits import Traits
from watchlist.names import NameForm

__all__ = [
    "HOWS",
    "Alignment",
    "NameMatch",
    "NameRow",
    "SimCache",
    "TokenPair",
    "align",
    "best_per_entity",
    "candidate_rows",
    "compare_forms",
    "explain_alignment",
    "fill_for_forms",
    "fill_similarities",
    "name_row",
]


# Named tuples: immutable, and made for every hit at a third of a frozen dataclass' cost
class TokenPair(NamedTuple):
    query: str
    candidate: str
    similarity: float
    how: str  # one of HOWS: exact, initial, phonetic, equivalent, skeleton, fuzzy, ...


class NameMatch(NamedTuple):
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


def _matrices() -> tuple[Callable[..., Any], Any, Any]:
    """rapidfuzz's compiled ``cdist`` and its dtype codes. Its Python wrapper looks the
    dtype up on every call, which costs as much as the few dozen pairs a query compares;
    where the compiled entry point is not there (another rapidfuzz), the public one."""
    try:
        from rapidfuzz.process_cpp_impl import FLOAT32, INT32
        from rapidfuzz.process_cpp_impl import cdist as compiled
    except ImportError:
        return cdist, np.float32, np.int32
    return compiled, FLOAT32, INT32


_cdist, _FLOAT32, _INT32 = _matrices()


# candidate token -> the (query token position, similarity, how) pairs that can align
# (similarity at least _align.PAIR_FLOOR), for one query form; ``how`` indexes HOWS
SimCache = dict[str, list[tuple[int, float, int]]]


NameRow = tuple[int, bool, tuple[str, ...], tuple[float, ...], bool, NameForm, tuple[str, ...], tuple[str, ...]]


def name_row(entity: int, weak: bool, form: NameForm) -> NameRow:
    """A listed name as the compiled scoring reads it, without attribute lookups: (its
    entity, weak alias, tokens, weights, abjad script, the form, keys, skeletons)."""
    return (entity, weak, form.tokens, form.weights, form.abjad, form, form.keys, form.skeletons)


def fill_similarities(q: NameForm, candidates: list[NameForm], cache: SimCache) -> None:
    """Compute, in bulk, every query-token x candidate-token similarity not yet cached."""
    fill_for_forms([q], [[name_row(-1, False, c) for c in candidates]], [cache])


def fill_for_forms(
    forms: Sequence[NameForm],
    candidates: Sequence[Sequence[NameRow]],
    caches: Sequence[SimCache],
    known: dict[str, Traits] | None = None,
) -> None:
    """``fill_similarities`` for several forms of one query at once (``caches[i]`` is
    ``forms[i]``'s, for the names in ``candidates[i]``, as ``name_row`` gives them): each
    distinct word pair is compared once, however many forms hold the word.

    The string metrics run in rapidfuzz's C++ ``cdist`` over all pairs at once; the
    rules that judge each pair (``_align.pair_rows``) are compiled. ``known`` holds the
    traits of listed words, computed once with the index.
    """
    _fill_forms(list(forms), list(candidates), list(caches), known, _cdist, _FLOAT32, _INT32)


Alignment = list[tuple[int, int, float, str]]  # (query token, candidate token, similarity, how)


def align(q: NameForm, c: NameForm, cache: SimCache | None = None) -> tuple[float, Alignment]:
    """Best one-to-one alignment of tokens (greedy on similarity) and the weighted score.

    Pairs are taken best first; an initial vouches only for as much as it weighs, and
    what the name it stands for weighs beyond it counts as a word only one side gives
    (``INITIAL_REST_COST``) once another word matched well. Words
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
