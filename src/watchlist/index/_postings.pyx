# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Merging sorted postings, compiled: the retrieval step of every query.

Posting lists are sorted arrays of name positions. A query word's postings are the union
of its key variants' (best credit per name); a query's retrieval score per name is the
sum over its words. A k-way merge of the sorted arrays does both in one linear pass,
where numpy needed a sort of the concatenation. The arithmetic is numpy's: products in
float32, sums in float64 in word order, rounded to float32 at the end.
"""

import numpy as np

from libc.math cimport fabsf
from libc.stdlib cimport free, malloc, qsort

from watchlist._buffers cimport Buffers, open_buffers, release, take


cdef struct Cursor:
    const int* ids
    Py_ssize_t pos
    Py_ssize_t n


cdef struct Heap:
    Cursor* cur
    int* items  # cursor numbers, a binary min-heap on (current id, cursor number)
    int size


cdef inline bint _before(Heap* h, int a, int b) noexcept nogil:
    cdef int ia = h.cur[a].ids[h.cur[a].pos]
    cdef int ib = h.cur[b].ids[h.cur[b].pos]
    return ia < ib or (ia == ib and a < b)


cdef void _sift_down(Heap* h, int at) noexcept nogil:
    cdef int child, tmp
    while True:
        child = 2 * at + 1
        if child >= h.size:
            return
        if child + 1 < h.size and _before(h, h.items[child + 1], h.items[child]):
            child += 1
        if not _before(h, h.items[child], h.items[at]):
            return
        tmp = h.items[at]
        h.items[at] = h.items[child]
        h.items[child] = tmp
        at = child


cdef void _heapify(Heap* h) noexcept nogil:
    cdef int at = h.size // 2 - 1
    while at >= 0:
        _sift_down(h, at)
        at -= 1


cdef inline void _advance(Heap* h) noexcept nogil:
    """Move the top cursor on; drop it when it is spent."""
    cdef int top = h.items[0]
    h.cur[top].pos += 1
    if h.cur[top].pos >= h.cur[top].n:
        h.size -= 1
        h.items[0] = h.items[h.size]
    _sift_down(h, 0)


cdef int _open(Heap* h, list arrays, Buffers* bufs) except -1:
    """Cursors on the non-empty id arrays, in list order."""
    cdef int k = 0, count = len(arrays)
    cdef Py_ssize_t n
    cdef const int* ids
    h.cur = <Cursor*>malloc((count + 1) * sizeof(Cursor))
    h.items = <int*>malloc((count + 1) * sizeof(int))
    h.size = 0
    if h.cur == NULL or h.items == NULL:
        raise MemoryError()
    for k in range(count):
        ids = <const int*>take(bufs, arrays[k], b"i", 1, False, &n)
        h.cur[k].n = n
        h.cur[k].pos = 0
        h.cur[k].ids = ids if n else NULL
        if n:
            h.items[h.size] = k
            h.size += 1
    _heapify(h)
    return 0


cdef void _close(Heap* h) noexcept:
    free(h.cur)
    free(h.items)


def merge_best(list arrays, list credits):
    """(sorted distinct ids, float32 best credit of each) of sorted id arrays that each
    carry one credit."""
    cdef Heap h
    cdef Buffers bufs
    cdef Py_ssize_t total = 0, count = 0, n
    cdef int top, ident, last = -1
    cdef float c
    cdef int k, nk = len(arrays)
    cdef int* oi
    cdef float* oc
    cdef float* cred = <float*>malloc((nk + 1) * sizeof(float))
    if cred == NULL:
        raise MemoryError()
    h.cur = NULL
    h.items = NULL
    bufs.views = NULL
    try:
        open_buffers(&bufs, nk + 2)
        for k in range(nk):
            cred[k] = credits[k]
            total += len(arrays[k])
        _open(&h, arrays, &bufs)
        out_ids = np.empty(total, dtype=np.int32)
        out_credit = np.empty(total, dtype=np.float32)
        oi = <int*>take(&bufs, out_ids, b"i", 1, True, &n)
        oc = <float*>take(&bufs, out_credit, b"f", 1, True, &n)
        while h.size:
            top = h.items[0]
            ident = h.cur[top].ids[h.cur[top].pos]
            c = cred[top]
            if count and ident == last:
                if c > oc[count - 1]:
                    oc[count - 1] = c
            else:
                oi[count] = ident
                oc[count] = c
                count += 1
                last = ident
            _advance(&h)
    finally:
        release(&bufs)
        free(cred)
        _close(&h)
    return out_ids[:count], out_credit[:count]


def accumulate(list arrays, list credits, list weights, list common_ids, list common_credits, list common_weights):
    """(sorted ids, float32 scores): each id's sum over the words whose postings hold it
    of credit x weight; then the common words' credit x weight added to ids already
    found (a common word alone finds nothing)."""
    cdef Heap h
    cdef Buffers bufs
    cdef Py_ssize_t total = 0, count = 0, p, q, n_common = len(common_ids), n, nc
    cdef int top, ident, last = -1, k, nk = len(arrays)
    cdef double acc = 0.0
    cdef float w
    cdef const float* cr
    cdef const int* cids
    cdef int* oi
    cdef float* os
    cdef const float** cred = <const float**>malloc((nk + 1) * sizeof(float*))
    cdef float* wts = <float*>malloc((nk + 1) * sizeof(float))
    if cred == NULL or wts == NULL:
        free(cred); free(wts)
        raise MemoryError()
    h.cur = NULL
    h.items = NULL
    bufs.views = NULL
    try:
        open_buffers(&bufs, 2 * nk + 2 * n_common + 2)
        for k in range(nk):
            cred[k] = <const float*>take(&bufs, credits[k], b"f", 1, False, &n)
            wts[k] = weights[k]
            total += len(arrays[k])
        _open(&h, arrays, &bufs)
        out_ids = np.empty(total, dtype=np.int32)
        out_scores = np.empty(total, dtype=np.float32)
        oi = <int*>take(&bufs, out_ids, b"i", 1, True, &n)
        os = <float*>take(&bufs, out_scores, b"f", 1, True, &n)
        while h.size:
            top = h.items[0]
            ident = h.cur[top].ids[h.cur[top].pos]
            if count and ident == last:
                acc += <double>(cred[top][h.cur[top].pos] * wts[top])
            else:
                if count:
                    os[count - 1] = <float>acc
                oi[count] = ident
                acc = <double>(cred[top][h.cur[top].pos] * wts[top])
                count += 1
                last = ident
            _advance(&h)
        if count:
            os[count - 1] = <float>acc
        for k in range(n_common):
            cids = <const int*>take(&bufs, common_ids[k], b"i", 1, False, &nc)
            cr = <const float*>take(&bufs, common_credits[k], b"f", 1, False, &n)
            w = common_weights[k]
            q = 0
            for p in range(count):  # both sorted: one walk
                while q < nc and cids[q] < oi[p]:
                    q += 1
                if q < nc and cids[q] == oi[p]:
                    os[p] = os[p] + cr[q] * w
    finally:
        release(&bufs)
        free(cred)
        free(wts)
        _close(&h)
    return out_ids[:count], out_scores[:count]


cdef struct Scored:
    float score
    int id


cdef inline bint _worse(Scored a, Scored b) noexcept nogil:
    """a ranks below b: a lower score, or the same score and a later name."""
    return a.score < b.score or (a.score == b.score and a.id > b.id)


cdef void _heap_down(Scored* h, int size, int at) noexcept nogil:
    """Restore the heap whose top is its worst item."""
    cdef int child
    cdef Scored tmp
    while True:
        child = 2 * at + 1
        if child >= size:
            return
        if child + 1 < size and _worse(h[child + 1], h[child]):
            child += 1
        if not _worse(h[child], h[at]):
            return
        tmp = h[at]
        h[at] = h[child]
        h[child] = tmp
        at = child


cdef int _by_rank(const void* pa, const void* pb) noexcept nogil:
    cdef Scored a = (<const Scored*>pa)[0]
    cdef Scored b = (<const Scored*>pb)[0]
    if _worse(b, a):
        return -1
    if _worse(a, b):
        return 1
    return 0


cdef int _by_id(const void* pa, const void* pb) noexcept nogil:
    cdef int a = (<const Scored*>pa).id
    cdef int b = (<const Scored*>pb).id
    return (a > b) - (a < b)


cdef int _top(Scored* items, int n, int k) noexcept nogil:
    """Move the k best of items to the front (k-heap, in no particular order): their count."""
    cdef int t, at
    cdef Scored tmp
    if n <= k:
        return n
    at = k // 2 - 1
    while at >= 0:
        _heap_down(items, k, at)
        at -= 1
    for t in range(k, n):
        if _worse(items[0], items[t]):
            items[0] = items[t]
            _heap_down(items, k, 0)
    return k


cdef float _find(Scored* items, int n, int ident, bint* found) noexcept nogil:
    """The score of ``ident`` in items sorted by id."""
    cdef int lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid].id < ident:
            lo = mid + 1
        else:
            hi = mid
    found[0] = lo < n and items[lo].id == ident
    return items[lo].score if found[0] else 0.0


# Names that share less than half as much of the query as the best one do not score
# near it. Half, not 0.4: 17% fewer names to align, and not one outcome changed on
# eval/cases.jsonl or eval/probe.py (7,192 and 11,318 cases); at 0.55 one of each is lost.
RELATIVE_CUT = 0.5
cdef double _RELATIVE_CUT = RELATIVE_CUT


def select(list ids_per_form, list scores_per_form, list divisors, ntokens, list form_lens, int max_names, float tie_break):
    """The names to compare: [(name, [forms worth comparing with it])], best first.

    Per form, a name's retrieval score (divided, in float32, by the form's divisor: its
    total weight, so that forms compete by the share of it they find) less
    ``tie_break`` per word of difference in
    length (among names sharing as much of the query, those with about as many words
    come first), and the form's 2 x max_names best; then the max_names best over all
    forms (ties to the earlier name), as far as they reach half the best. A name is
    compared with each form that scores it at least 0.8 of its best.
    """
    cdef int nforms = len(ids_per_form), fi, t, n, total = 0, count, m
    cdef Py_ssize_t size, n_names
    cdef Buffers bufs
    cdef const int* ids
    cdef const float* scores
    cdef const float* ntok
    cdef float length, div
    cdef bint found
    cdef double best, cut, v
    cdef int per_form = 2 * max_names
    cdef int* kept = <int*>malloc((nforms + 1) * sizeof(int))
    cdef Scored** forms = <Scored**>malloc((nforms + 1) * sizeof(Scored*))
    cdef Scored* merged = NULL
    if kept == NULL or forms == NULL:
        free(kept); free(forms)
        raise MemoryError()
    for fi in range(nforms):
        forms[fi] = NULL
    bufs.views = NULL
    try:
        open_buffers(&bufs, 2 * nforms + 1)
        ntok = <const float*>take(&bufs, ntokens, b"f", 1, False, &n_names)
        for fi in range(nforms):
            ids = <const int*>take(&bufs, ids_per_form[fi], b"i", 1, False, &size)
            scores = <const float*>take(&bufs, scores_per_form[fi], b"f", 1, False, &size)
            if size != len(ids_per_form[fi]):
                raise ValueError("a form's ids and scores differ in length")
            length = form_lens[fi]
            div = <float>(<double>divisors[fi])
            n = size
            forms[fi] = <Scored*>malloc((n + 1) * sizeof(Scored))
            if forms[fi] == NULL:
                raise MemoryError()
            for t in range(n):
                if not 0 <= ids[t] < n_names:
                    raise IndexError("name position out of range")
                forms[fi][t].id = ids[t]
                forms[fi][t].score = scores[t] / div - tie_break * fabsf(ntok[ids[t]] - length)
            kept[fi] = _top(forms[fi], n, per_form)
            qsort(forms[fi], kept[fi], sizeof(Scored), _by_id)
            total += kept[fi]
        merged = <Scored*>malloc((total + 1) * sizeof(Scored))
        if merged == NULL:
            raise MemoryError()
        count = 0
        for fi in range(nforms):  # each name once, at its best over the forms
            for t in range(kept[fi]):
                merged[count] = forms[fi][t]
                count += 1
        qsort(merged, count, sizeof(Scored), _by_id)
        m = 0
        for t in range(count):
            if m and merged[m - 1].id == merged[t].id:
                if merged[t].score > merged[m - 1].score:
                    merged[m - 1].score = merged[t].score
            else:
                merged[m] = merged[t]
                m += 1
        m = _top(merged, m, max_names)
        qsort(merged, m, sizeof(Scored), _by_rank)
        out = []
        if m == 0:
            return out
        cut = <double>merged[0].score * _RELATIVE_CUT
        for t in range(m):
            best = merged[t].score
            if best < cut:
                break
            fis = []
            for fi in range(nforms):
                v = _find(forms[fi], kept[fi], merged[t].id, &found)
                if v >= 0.8 * best:  # (0 where the form did not keep the name)
                    fis.append(fi)
            out.append((merged[t].id, fis))
        return out
    finally:
        release(&bufs)
        for fi in range(nforms):
            free(forms[fi])
        free(forms)
        free(kept)
        free(merged)


# ---------------------------------------------------------------- typo neighbourhood
#
# The listed words one typing error (a letter left out, added, changed, or two swapped)
# from a word, found by the words' deletes (SymSpell): two words one error apart share
# the word itself or one of its one-letter deletes. Each listed word is filed under a
# 32-bit hash of itself and of each of its deletes, in one sorted array (a few MB where a
# dict of the delete strings took 60); a hash collision only adds a word the exact check
# (OSA distance 1) then drops.

from rapidfuzz.distance import OSA as _OSA

cdef object _osa_distance = _OSA.distance


cdef inline unsigned int _fnv(str s, Py_ssize_t skip):
    """FNV-1a of the code points of ``s`` but the one at ``skip`` (-1: none)."""
    cdef unsigned int h = 2166136261u
    cdef Py_ssize_t i, n = len(s)
    for i in range(n):
        if i != skip:
            h = (h ^ <unsigned int>s[i]) * 16777619u
    return h


def typo_table(list words):
    """(hashes, owners): int32 arrays sorted by hash, every word of ``words`` filed under
    the hash of itself and of each of its one-letter deletes."""
    cdef Py_ssize_t total = 0, k = 0, i, w
    cdef str word
    for word in words:
        total += len(word) + 1
    hashes = np.empty(total, dtype=np.uint32)
    owners = np.empty(total, dtype=np.int32)
    cdef unsigned int[::1] h = hashes
    cdef int[::1] o = owners
    for w in range(len(words)):
        word = words[w]
        h[k] = _fnv(word, -1)
        o[k] = w
        k += 1
        for i in range(len(word)):
            h[k] = _fnv(word, i)
            o[k] = w
            k += 1
    order = np.lexsort((owners, hashes))
    return hashes[order].view(np.int32), owners[order]


def typo_matches(str word, hashes, owners, list words):
    """The positions in ``words`` of the words one typing error from ``word`` (OSA
    distance 1), in order; ``hashes`` and ``owners`` from ``typo_table(words)``."""
    cdef Buffers bufs
    cdef Py_ssize_t n, lo, hi, mid, i
    cdef const unsigned int* h
    cdef const int* o
    cdef unsigned int x
    cdef set seen = set()
    open_buffers(&bufs, 2)
    try:
        h = <const unsigned int*>take(&bufs, hashes, b"i", 1, False, &n)
        o = <const int*>take(&bufs, owners, b"i", 1, False, &n)
        for i in range(-1, len(word)):
            x = _fnv(word, i)
            lo = 0
            hi = n
            while lo < hi:  # the first entry of hash x
                mid = (lo + hi) // 2
                if h[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            while lo < n and h[lo] == x:
                seen.add(o[lo])
                lo += 1
    finally:
        release(&bufs)
    return [w for w in sorted(seen) if _osa_distance(word, words[w], score_cutoff=1) == 1]


def near_keys(str key, dict postings, dict neighbours, dict out, double credit, Py_ssize_t max_names):
    """Add to ``out`` (as ``dict.setdefault`` with ``credit``) the listed keys one letter
    from ``key`` that are on at most ``max_names`` names: one letter more
    (``neighbours[key]``), one less (a delete of ``key`` that is a key), or another letter
    (the neighbours of a delete), in that order."""
    cdef Py_ssize_t i, n = len(key)
    cdef str d
    cdef object more
    more = neighbours.get(key)
    if more is not None:
        for k in <list>more:
            if k not in out and len(postings[k]) <= max_names:
                out[k] = credit
    for i in range(n):
        d = key[:i] + key[i + 1:]
        if d in postings and d not in out and len(postings[d]) <= max_names:
            out[d] = credit
        more = neighbours.get(d)
        if more is not None:
            for k in <list>more:
                if k not in out and len(postings[k]) <= max_names:
                    out[k] = credit
