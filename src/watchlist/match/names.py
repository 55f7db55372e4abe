"""Name similarity: align query tokens with candidate tokens, in any order.

Each token pair is scored by the strongest evidence that they are the same word: equal,
equal phonetic keys (transliteration variants), equal consonant skeletons (one side from
an abjad script), an initial, or a typo-tolerant string similarity. Tokens are weighted:
particles and legal-form words count little, rare words count more than common ones
(weights come with the forms). Tokens left over on either side cost less when the rest
matched well, since lists and customers often give more or fewer middle names.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

from watchlist.names import NameForm

# How much a well-matched name is forgiven for names one side has and the other lacks.
EXTRA_CANDIDATE_COST = 0.35  # e.g. a patronymic the customer did not give
EXTRA_QUERY_COST = 0.6  # e.g. a middle name the list does not give
PAIR_FLOOR = 0.6  # below this two tokens are not taken as the same word


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
                {"query": p.query, "candidate": p.candidate, "similarity": round(p.similarity, 3), "how": p.how}
                for p in self.pairs
            ],
            "unmatched_query_tokens": list(self.extra_query),
            "unmatched_candidate_tokens": list(self.extra_candidate),
        }


def _fuzzy(a: str, b: str) -> float:
    return 0.5 * (JaroWinkler.normalized_similarity(a, b) + Levenshtein.normalized_similarity(a, b))


def token_similarity(q: NameForm, i: int, c: NameForm, j: int) -> tuple[float, str]:
    a, b = q.tokens[i], c.tokens[j]
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        return (0.85, "initial") if a[0] == b[0] else (0.0, "initial")
    ka, kb = q.keys[i], c.keys[j]
    if ka == kb:
        return 0.95, "phonetic"
    abjad = q.abjad or c.abjad
    sa, sb = q.skeletons[i], c.skeletons[j]
    if abjad and sa == sb and len(sa) >= 2:
        return 0.92, "skeleton"
    best = max(_fuzzy(a, b), 0.97 * _fuzzy(ka, kb))
    how = "fuzzy"
    if abjad and len(sa) >= 2 and len(sb) >= 2:
        s = 0.9 * _fuzzy(sa, sb)
        if s > best:
            best, how = s, "skeleton"
    # Short tokens: one edit is a different word (ALI/ALA, LEE/LEO), not a typo.
    if min(len(a), len(b)) <= 3 and best < 0.95:
        best *= 0.8
    return best, how


SimCache = dict[tuple[int, str], tuple[float, str]]


def compare_forms(q: NameForm, c: NameForm, cache: SimCache | None = None) -> NameMatch:
    """Best one-to-one alignment of tokens (greedy on similarity) and the weighted score.

    ``cache`` (one per query form) remembers token similarities across candidates, which
    share many tokens (MUHAMMAD, ALI): it changes the speed, never the result.
    """
    n, m = len(q.tokens), len(c.tokens)
    cells: list[tuple[float, int, int, str]] = []
    for j in range(m):
        tok = c.tokens[j]
        for i in range(n):
            if cache is None:
                s, how = token_similarity(q, i, c, j)
            else:
                hit = cache.get((i, tok))
                if hit is None:
                    hit = cache[(i, tok)] = token_similarity(q, i, c, j)
                s, how = hit
            if s >= PAIR_FLOOR:
                cells.append((s, i, j, how))
    cells.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[TokenPair] = []
    num = 0.0
    strong = 0
    for s, i, j, how in cells:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append(TokenPair(q.tokens[i], c.tokens[j], s, how))
        wq, wc = q.weights[i], c.weights[j]
        # An initial vouches only for as much as it weighs: "P." is not "PUTIN".
        num += s * (2 * min(wq, wc) if how == "initial" else wq + wc)
        if s >= 0.8 and q.weights[i] >= 0.5:
            strong += 1
    forgiving = strong >= 2
    den = 0.0
    for i in range(n):
        w = q.weights[i]
        den += w if i in used_q else w * (EXTRA_QUERY_COST if forgiving else 1.0)
    for j in range(m):
        w = c.weights[j]
        den += w if j in used_c else w * (EXTRA_CANDIDATE_COST if forgiving else 1.0)
    score = num / den if den else 0.0
    return NameMatch(
        score=min(1.0, score),
        query=q,
        candidate=c,
        pairs=tuple(pairs),
        extra_query=tuple(q.tokens[i] for i in range(n) if i not in used_q),
        extra_candidate=tuple(c.tokens[j] for j in range(m) if j not in used_c),
    )
