"""The compiled postings merge against plain numpy statements of what it computes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from watchlist.index._postings import RELATIVE_CUT, accumulate, merge_best, select

ids_lists = st.lists(st.integers(0, 300), max_size=40)
credits = st.sampled_from([1.0, 0.9, 0.8])
weights = st.floats(0.125, 2.0, width=32)


def _sorted(xs: list[int], unique: bool = True) -> np.ndarray:
    return np.array(sorted(set(xs)) if unique else sorted(xs), dtype=np.int32)


@given(st.lists(st.tuples(ids_lists, credits), min_size=1, max_size=6))
def test_merge_best_is_the_best_credit_of_each_id(parts: list[tuple[list[int], float]]) -> None:
    arrays = [_sorted(xs, unique=False) for xs, _ in parts]  # group postings may repeat a name
    ids, credit = merge_best(arrays, [c for _, c in parts])
    best: dict[int, float] = {}
    for a, (_, c) in zip(arrays, parts, strict=True):
        for i in a.tolist():
            best[i] = max(best.get(i, 0.0), float(np.float32(c)))
    assert ids.tolist() == sorted(best)
    assert credit.tolist() == [best[i] for i in sorted(best)]


@given(
    st.lists(st.tuples(ids_lists, weights), min_size=1, max_size=5),
    st.lists(st.tuples(ids_lists, weights), max_size=3),
)
def test_accumulate_sums_in_float64_like_bincount(
    found: list[tuple[list[int], float]], common: list[tuple[list[int], float]]
) -> None:
    rng = np.random.default_rng(len(found))
    f_ids = [_sorted(xs) for xs, _ in found]
    f_cr = [rng.choice([1.0, 0.9, 0.8], len(a)).astype(np.float32) for a in f_ids]
    c_ids = [_sorted(xs) for xs, _ in common]
    c_cr = [rng.choice([1.0, 0.9, 0.8], len(a)).astype(np.float32) for a in c_ids]
    ids, scores = accumulate(
        f_ids, f_cr, [w for _, w in found], c_ids, c_cr, [w for _, w in common]
    )
    # what numpy did before: bincount of the float32 products, then float32 additions
    cat = np.concatenate(f_ids)
    uniq, inverse = np.unique(cat, return_inverse=True)
    want = np.bincount(
        inverse, weights=np.concatenate([c * np.float32(w) for c, (_, w) in zip(f_cr, found, strict=True)])
    ).astype(np.float32)
    for a, c, (_, w) in zip(c_ids, c_cr, common, strict=True):
        if len(a) == 0 or len(uniq) == 0:
            continue
        pos = np.minimum(np.searchsorted(a, uniq), len(a) - 1)
        want += np.where(a[pos] == uniq, c[pos], np.float32(0.0)) * np.float32(w)
    assert ids.tolist() == uniq.tolist()
    assert scores.tolist() == want.tolist()


@settings(max_examples=200)
@given(
    st.lists(st.dictionaries(st.integers(0, 199), st.sampled_from([0.5, 1.0, 1.5, 2.0]), max_size=60), min_size=1, max_size=3),
    st.integers(1, 12),
)
def test_select_takes_the_best_names_ties_to_the_earlier(per_form: list[dict[int, float]], k: int) -> None:
    ntokens = np.array([1 + i % 4 for i in range(200)], dtype=np.float32)
    lens = [2 + fi for fi in range(len(per_form))]
    ids = [np.array(sorted(d), dtype=np.int32) for d in per_form]
    scores = [np.array([d[i] for i in sorted(d)], dtype=np.float32) for d in per_form]
    divisors = [1.0 + 0.7 * fi for fi in range(len(per_form))]
    got = select(ids, scores, divisors, ntokens, lens, k, 0.001)
    kept = []
    for d, n, div in zip(per_form, lens, divisors, strict=True):
        adj = {
            i: float(np.float32(v) / np.float32(div) - np.float32(0.001) * abs(ntokens[i] - np.float32(n)))
            for i, v in d.items()
        }
        kept.append(dict(sorted(adj.items(), key=lambda t: (-t[1], t[0]))[: 2 * k]))
    best: dict[int, float] = {}
    for d in kept:
        for i, v in d.items():
            best[i] = max(best.get(i, -1.0), v)
    top = sorted(best.items(), key=lambda t: (-t[1], t[0]))[:k]
    want = [
        (i, [fi for fi, d in enumerate(kept) if d.get(i, 0.0) >= 0.8 * v])
        for i, v in top
        if top and v >= top[0][1] * RELATIVE_CUT
    ]
    assert got == want
