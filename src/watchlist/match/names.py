"""Name similarity: align query tokens with candidate tokens, in any order.

Each token pair is scored by the strongest evidence that they are the same word: equal,
equal phonetic keys (transliteration variants), equal consonant skeletons (one side from
an abjad script), an initial, or a typo-tolerant string similarity. Tokens are weighted:
particles and legal-form words count little, rare words count more than common ones
(weights come with the forms). Tokens left over on either side cost less when the rest
matched well, since lists and customers often give more or fewer middle names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
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
FUZZY_FLOOR = 0.825  # _firm() lifts no string similarity below this to PAIR_FLOOR


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
    a, b = q.tokens[i], c.tokens[j]
    ka, kb = q.keys[i], c.keys[j]
    sa, sb = q.skeletons[i], c.skeletons[j]
    fuzzy = max(_fuzzy(a, b), 0.93 * _fuzzy(ka, kb), float(_edit_similarity([a], [b])[0][0]))
    sk = 0.9 * _fuzzy(sa, sb) if (q.abjad or c.abjad) else None
    return _combine(_traits(a, ka), sa, _traits(b, kb), sb, fuzzy, sk)


# candidate token -> the (query token position, similarity, how) pairs that can align
# (similarity at least PAIR_FLOOR), for one query form
SimCache = dict[str, list[tuple[int, float, str]]]


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
    # Most pairs are plainly different words: the string metrics are far below the floor
    # and no rule (same key, same group, same patronymic stem, same skeleton, an initial)
    # can lift them. Only the rest go through _combine.
    # Most pairs are plainly different words: the string metrics are below what _firm
    # lets through (FUZZY_FLOOR) and no rule (same word, key, group, consonants, skeleton,
    # patronymic, an initial, a word without vowels) can apply. A candidate word that
    # shares none of these with any query word skips _combine for such pairs.
    rows = best.tolist()
    sk_rows = abjad_sk.tolist() if abjad_sk is not None else None
    q_traits = [_traits(a, ka) for a, ka in zip(q.tokens, q.keys, strict=True)]
    q_words = set(q.tokens)
    q_keys = {t[1] for t in q_traits}
    q_groups = {t[2] for t in q_traits if t[2] is not None}
    q_cons = {t[6] for t in q_traits}
    q_cs = {t[1].replace("c", "s") for t in q_traits if len(t[1]) >= 5}
    q_skels = set(q.skeletons)
    q_any = any(len(t[0]) == 1 or t[5] for t in q_traits)  # an initial, a word without vowels
    q_patronymic = any(t[3] is not None for t in q_traits)
    # keys of the query words, lone H read as G where there is one (a patronymic stem
    # read so is one exactly when the word has a stem at all: q_patronymic covers it)
    q_as_g = {t[7][0] if t[7] is not None else t[1] for t in q_traits}
    q_any_g = any(t[7] is not None for t in q_traits)
    for j, b in enumerate(toks):
        tb = _traits(b, keys[j])
        sb = skels[j]
        use_sk = sk_rows is not None and (q.abjad or b in abjad_toks)
        special = (
            q_any
            or b in q_words
            or tb[1] in q_keys
            or (tb[2] is not None and tb[2] in q_groups)
            or (tb[3] is not None and q_patronymic)
            or len(b) == 1
            or tb[5]
            or tb[6] in q_cons
            or (len(tb[1]) >= 5 and tb[1].replace("c", "s") in q_cs)
            or (use_sk and sb in q_skels)
            or (tb[7] is not None and tb[7][0] in q_as_g)
            or (q_any_g and tb[1] in q_as_g)
        )
        found: list[tuple[int, float, str]] = []
        for i, ta in enumerate(q_traits):
            f = rows[i][j]
            sk = sk_rows[i][j] if use_sk and sk_rows is not None else None
            if not special and f < FUZZY_FLOOR and (sk is None or sk < FUZZY_FLOOR):
                continue
            s, how = _combine(ta, q.skeletons[i], tb, sb, f, sk)
            if s >= PAIR_FLOOR:
                found.append((i, s, how))
        cache[b] = found


_Traits = tuple[str, str, str | None, str | None, str | None, bool, str, tuple[str, str | None] | None]
# Ukrainian and Belarusian write H where Russian writes G (HRYHORIY/GRIGORIY, OLEH/OLEG),
# and Russian writes G for the H of other languages (GASAN/HASAN): an H that is no part
# of KH, SH, CH, ZH, TH, GH, PH or DH.
_LONE_H = re.compile(r"(?<![kscztgpd])h")
_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=200_000)
def _traits(token: str, key: str) -> _Traits:
    """What the pair rules need of one token, computed once: the token, its phonetic key,
    its given-name group, its patronymic stem's key and group, whether it lacks vowels,
    and its consonants."""
    stem = patronymic_stem(token)
    stem_key = phonetic_key(stem) if stem else None
    return (
        token,
        key,
        name_group(key),
        stem_key,
        name_group(stem_key) if stem_key is not None else None,
        len(token) >= 2 and token.isalpha() and not _VOWELS.intersection(token),
        _DOUBLED.sub(r"\1", "".join(ch for ch in token if ch not in _VOWELS)) if token.isalpha() else "",
        _as_g(token),
    )


def _as_g(token: str) -> tuple[str, str | None] | None:
    """The key and patronymic-stem key of the token with its lone H as G; None if it has
    none or is short (HAMAS is not GAMES; the short given names, OLEH/OLEG, are in the
    equivalence groups)."""
    if len(token) < 7 or not _LONE_H.search(token):
        return None
    g = _LONE_H.sub("g", token)
    stem = patronymic_stem(g)
    return phonetic_key(g), phonetic_key(stem) if stem else None


def _combine(
    ta: _Traits, sa: str, tb: _Traits, sb: str, fuzzy: float, sk: float | None
) -> tuple[float, str]:
    a, ka, ga, pka, pga, va, ca, ha = ta
    b, kb, gb, pkb, pgb, vb, cb, hb = tb
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        return (0.85, "initial") if a[0] == b[0] else (0.0, "initial")
    if ka == kb:
        return 0.95, "phonetic"
    if ga is not None and ga == gb:
        return 0.9, "equivalent"
    if pka is not None and pkb is not None:
        if pka == pkb or (pga is not None and pga == pgb):
            return 0.9, "equivalent"  # IHOROVYCH = IGOREVICH
        if min(len(pka), len(pkb)) >= 2 and OSA.distance(pka, pkb) <= 1:
            return 0.88, "equivalent"  # IUREVICH = YURIYOVYCH (stems IUR, YURIY)
    if sk is not None and sa == sb and sa:
        # ALI is written 'ly in Arabic script: one consonant is all the words share
        return (0.92 if len(sa) >= 2 else 0.85), "skeleton"
    if len(ka) >= 5 and len(kb) >= 5 and ka.replace("c", "s") == kb.replace("c", "s"):
        return 0.88, "phonetic"  # French CH for SH: BOUCHRA/BUSHRA, HICHAM/HISHAM
    best, how = fuzzy, "fuzzy"
    if sk is not None and len(sa) >= 2 and len(sb) >= 2 and sk > best:
        best, how = sk, "skeleton"
    if min(len(a), len(b)) <= 3 and best < 0.95:
        best *= 0.8
    best = _firm(best)
    if best < 0.9 and (ha is not None or hb is not None):
        hka, hpa = ha or (ka, pka)
        hkb, hpb = hb or (kb, pkb)
        if hka == hkb or (hpa is not None and hpa == hpb):
            return 0.9, "phonetic"  # H for G: OLEH/OLEG, HRYHOROVYCH/GRIGOREVICH
        if (
            best < 0.88
            and hpa is not None
            and hpb is not None
            and min(len(hpa), len(hpb)) >= 2
            and OSA.distance(hpa, hpb) <= 1
        ):
            return 0.88, "equivalent"  # HENNADIYOVYCH/GENNADEVICH
    if best < 0.88 and (
        (ca == cb and len(ca) >= 2 and (va or vb or (len(ca) >= 3 and OSA.distance(a, b) <= 2)))
        or (va != vb and min(len(a), len(b)) >= 3 and OSA.distance(a, b) == 1)
    ):
        # The same consonants with other vowels (JASSEM/JASIM), or a word typed without
        # its vowels or with a consonant for one (CHL for CHOL, PSK for PAK; not two
        # acronyms, VTB/VVB).
        return 0.88, "consonants"
    return best, how


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
    if cache is None:
        for j in range(m):
            for i in range(n):
                s, how = token_similarity(q, i, c, j)
                if s >= PAIR_FLOOR:
                    cells.append((-s, i, j, how))
    else:
        ctoks = c.tokens
        for tok in ctoks:
            if tok not in cache:
                fill_similarities(q, [c], cache)
                break
        cells = [(-s, i, j, how) for j, tok in enumerate(ctoks) for i, s, how in cache[tok]]
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
    if len(pairs) == n == m:  # every word paired: nothing left over to weigh
        den = sum(qw) + sum(cw)
        return (min(1.0, num / den) if den else 0.0), pairs
    left_q = [i for i in range(n) if not used_q[i]]
    left_c = [j for j in range(m) if not used_c[j]]
    if ((left_q and len(left_c) >= 2) or (left_c and len(left_q) >= 2)) and (
        any(len(q.tokens[i]) >= 6 for i in left_q) or any(len(c.tokens[j]) >= 6 for j in left_c)
    ):
        num, strong = _join_split(q, c, used_q, used_c, pairs, num, strong)
        left_q = [i for i in range(n) if not used_q[i]]
        left_c = [j for j in range(m) if not used_c[j]]
    if left_q or left_c:
        num, strong = _rejoin(q, c, used_q, used_c, pairs, num, strong)
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


def _rejoin(
    q: NameForm, c: NameForm, used_q: list[bool], used_c: list[bool], pairs: Alignment, num: float, strong: int
) -> tuple[float, int]:
    """A long word paired loosely with one word when it is really that word and the
    leftover next to it written together (PARTOVCO for PARTOV CO, GHIASSOUDDINEAGHA for
    GHIASSOUDDINE AGHA): re-pair it with both."""
    qw, cw = q.weights, c.weights
    for k, (i, j, s, how) in enumerate(pairs):
        if s >= 0.95 or how in ("initial", "joined"):
            continue
        for long_is_q in (True, False):
            x, y = (i, j) if long_is_q else (j, i)
            long_tok = (q.tokens if long_is_q else c.tokens)[x]
            others = c.tokens if long_is_q else q.tokens
            used_other = used_c if long_is_q else used_q
            if len(long_tok) < 6:
                continue
            for y2 in (y - 1, y + 1):
                if not 0 <= y2 < len(others) or used_other[y2]:
                    continue
                lo, hi = min(y, y2), max(y, y2)
                joined = others[lo] + others[hi]
                sim = 1.0 if joined == long_tok else Levenshtein.normalized_similarity(long_tok, joined)
                sim *= 0.97
                if sim < 0.85 * 0.97 or sim <= s:
                    continue
                used_other[y2] = True
                w_long = (qw if long_is_q else cw)[x]
                w_parts = sum((cw if long_is_q else qw)[t] for t in (lo, hi))
                num += sim * (w_long + w_parts) - s * (qw[i] + cw[j])
                if not (s >= 0.8 and qw[i] >= 0.5):
                    strong += 1
                pairs[k] = (x, lo, sim, "joined") if long_is_q else (lo, x, sim, "joined")
                pairs.append((x, hi, sim, "joined") if long_is_q else (hi, x, sim, "joined"))
                return num, strong
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
