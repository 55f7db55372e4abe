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

from watchlist.names import NameForm
from watchlist.names.equivalents import name_group
from watchlist.names.keys import phonetic_key
from watchlist.names.tokens import patronymic_stem

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
    return out


def _fuzzy(a: str, b: str) -> float:
    return 0.5 * (JaroWinkler.normalized_similarity(a, b) + Levenshtein.normalized_similarity(a, b))


def token_similarity(q: NameForm, i: int, c: NameForm, j: int) -> tuple[float, str]:
    a, b = q.tokens[i], c.tokens[j]
    ka, kb = q.keys[i], c.keys[j]
    sa, sb = q.skeletons[i], c.skeletons[j]
    fuzzy = max(_fuzzy(a, b), 0.93 * _fuzzy(ka, kb), float(_edit_similarity([a], [b])[0][0]))
    sk = 0.9 * _fuzzy(sa, sb) if (q.abjad or c.abjad) else None
    return _combine(a, ka, sa, b, kb, sb, fuzzy, sk)


SimCache = dict[tuple[int, str], tuple[float, str]]


def fill_similarities(q: NameForm, candidates: list[NameForm], cache: SimCache) -> None:
    """Compute, in bulk, every query-token x candidate-token similarity not yet cached.

    Same values as ``token_similarity``, but the string metrics run in rapidfuzz's C++
    ``cdist`` over all pairs at once instead of one Python call per pair.
    """
    todo: dict[str, tuple[str, str]] = {}
    for c in candidates:
        for tok, key, skel in zip(c.tokens, c.keys, c.skeletons, strict=True):
            if tok not in todo and (0, tok) not in cache:
                todo[tok] = (key, skel)
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
    rows = best.tolist()
    sk_rows = abjad_sk.tolist() if abjad_sk is not None else None
    for i, (a, ka, sa) in enumerate(zip(q.tokens, q.keys, q.skeletons, strict=True)):
        row = rows[i]
        for j, b in enumerate(toks):
            cache[(i, b)] = _combine(
                a, ka, sa, b, keys[j], skels[j], row[j], sk_rows[i][j] if sk_rows else None
            )


def _combine(
    a: str, ka: str, sa: str, b: str, kb: str, sb: str, fuzzy: float, sk: float | None
) -> tuple[float, str]:
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        return (0.85, "initial") if a[0] == b[0] else (0.0, "initial")
    if ka == kb:
        return 0.95, "phonetic"
    ga = name_group(ka)
    if ga is not None and ga == name_group(kb):
        return 0.9, "equivalent"
    pa, pb = patronymic_stem(a), patronymic_stem(b)
    if pa and pb:
        ka2, kb2 = phonetic_key(pa), phonetic_key(pb)
        ga = name_group(ka2)
        if ka2 == kb2 or (ga is not None and ga == name_group(kb2)):
            return 0.9, "equivalent"  # IHOROVYCH = IGOREVICH
        if min(len(ka2), len(kb2)) >= 2 and OSA.distance(ka2, kb2) <= 1:
            return 0.88, "equivalent"  # IUREVICH = YURIYOVYCH (stems IUR, YURIY)
    if sk is not None and sa == sb and sa:
        # ALI is written 'ly in Arabic script: one consonant is all the words share
        return (0.92 if len(sa) >= 2 else 0.85), "skeleton"
    best, how = fuzzy, "fuzzy"
    if sk is not None and len(sa) >= 2 and len(sb) >= 2 and sk > best:
        best, how = sk, "skeleton"
    if min(len(a), len(b)) <= 3 and best < 0.95:
        best *= 0.8
    return _firm(best), how


def _firm(s: float) -> float:
    """Make a middling similarity count for less: two words at 0.75 are more often two
    different names (SANAYEV/LEONTYEV) than one name misspelt. Above 0.9 unchanged."""
    if s >= 0.9:
        return s
    return max(0.0, s - 3.0 * (0.9 - s))


Alignment = list[tuple[int, int, float, str]]  # (query token, candidate token, similarity, how)


def align(q: NameForm, c: NameForm, cache: SimCache | None = None) -> tuple[float, Alignment]:
    """Best one-to-one alignment of tokens (greedy on similarity) and the weighted score.

    ``cache`` (one per query form) holds token similarities shared across candidates
    (see ``fill_similarities``): it changes the speed, never the result.
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
                cells.append((-s, i, j, how))
    cells.sort()
    used_q = [False] * n
    used_c = [False] * m
    pairs: Alignment = []
    num = 0.0
    strong = 0
    qw, cw = q.weights, c.weights
    for neg, i, j, how in cells:
        if used_q[i] or used_c[j]:
            continue
        used_q[i] = used_c[j] = True
        s = -neg
        pairs.append((i, j, s, how))
        wq, wc = qw[i], cw[j]
        # An initial vouches only for as much as it weighs: "P." is not "PUTIN".
        num += s * (2 * min(wq, wc) if how == "initial" else wq + wc)
        if s >= 0.8 and wq >= 0.5:
            strong += 1
    left_q = [i for i in range(n) if not used_q[i]]
    left_c = [j for j in range(m) if not used_c[j]]
    if (left_q and len(left_c) >= 2) or (left_c and len(left_q) >= 2):
        num, strong = _join_split(q, c, used_q, used_c, pairs, num, strong)
        left_q = [i for i in range(n) if not used_q[i]]
        left_c = [j for j in range(m) if not used_c[j]]
    forgiving = strong >= 2
    extra_q = EXTRA_QUERY_COST if forgiving else 1.0
    extra_c = EXTRA_CANDIDATE_COST if forgiving else 1.0
    lq = sorted((qw[i] for i in left_q), reverse=True)
    lc = sorted((cw[j] for j in left_c), reverse=True)
    # Words left over on both sides are different names (JOSE vs ALVARO under the same
    # surnames): a contradiction, counted in full. Only words one side has and the other
    # has nothing to set against (a patronymic, a second given name) are omissions.
    conflicts = min(sum(1 for w in lq if w >= 0.5), sum(1 for w in lc if w >= 0.5))
    den = sum(qw) + sum(cw) - sum(lq) - sum(lc)
    den += sum(lq[:conflicts]) + sum(lc[:conflicts])
    den += extra_q * sum(lq[conflicts:]) + extra_c * sum(lc[conflicts:])
    return (min(1.0, num / den) if den else 0.0), pairs


def _join_split(
    q: NameForm, c: NameForm, used_q: list[bool], used_c: list[bool], pairs: Alignment, num: float, strong: int
) -> tuple[float, int]:
    """Words written together on one side and apart on the other (PUBLIOELIECER,
    NOOR MUHAMMAD / NOORMUHAMMAD): a leftover word against two adjacent leftovers."""
    qw, cw = q.weights, c.weights
    for a_toks, b_toks, used_a, used_b, a_is_q in (
        (q.tokens, c.tokens, used_q, used_c, True),
        (c.tokens, q.tokens, used_c, used_q, False),
    ):
        for x, tok in enumerate(a_toks):
            if used_a[x] or len(tok) < 6:
                continue
            for y in range(len(b_toks) - 1):
                if used_b[y] or used_b[y + 1]:
                    continue
                joined = b_toks[y] + b_toks[y + 1]
                sim = 1.0 if joined == tok else Levenshtein.normalized_similarity(tok, joined)
                if sim < 0.85 and len(b_toks) == 2:  # a two-word name written together backwards
                    sim = Levenshtein.normalized_similarity(tok, b_toks[1] + b_toks[0])
                if sim < 0.85:
                    continue
                used_a[x] = used_b[y] = used_b[y + 1] = True
                sim *= 0.97
                for yy in (y, y + 1):
                    i, j = (x, yy) if a_is_q else (yy, x)
                    pairs.append((i, j, sim, "joined"))
                w_a = (qw if a_is_q else cw)[x]
                w_b = sum((cw if a_is_q else qw)[yy] for yy in (y, y + 1))
                num += sim * (w_a + w_b)
                strong += 1
                break
    return num, strong


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
