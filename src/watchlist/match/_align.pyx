# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The scorer's inner loops, compiled: the token-pair rules and the alignment.

Every query is compared with some thirty listed names, each a handful of words: in pure
Python these loops were half of a query's time. They keep the exact arithmetic of the
rules as documented in ``watchlist.match.names`` (same operations, same order, doubles),
so the compiled scorer gives the same scores to the last bit.

Why Cython: PyICU already needs a C++ compiler at install time, so a compiled module adds
no new requirement, and Cython keeps the code readable as Python.
"""

from libc.math cimport fabs
from libc.stdlib cimport free, malloc, qsort

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from watchlist._buffers cimport Buffers, open_buffers, release, take
from watchlist.match.traits import traits
from watchlist.names.keys import long_vowels, skeleton

PAIR_FLOOR = 0.6  # below this two tokens are not taken as the same word
FUZZY_FLOOR = 0.825  # _firm() lifts no string similarity below this to PAIR_FLOOR
# How much a well-matched name is forgiven for names one side has and the other lacks.
EXTRA_CANDIDATE_COST = 0.35  # e.g. a patronymic the customer did not give
EXTRA_QUERY_COST = 0.6  # e.g. a middle name the list does not give
# What a listed name weighs beyond the customer's initial for it (S. for SAMUEL), once the
# surname matched: unverified, not contradicted. Priced like a word only the query gives,
# this finds 93% of OFAC names written with a first initial (eval/probe.py; 66% when an
# initial vouched for its own weight alone) and alerts on 17% of negatives so written
# (4 points more, most of them surnames of listed people; 21% at EXTRA_CANDIDATE_COST).
INITIAL_REST_COST = 0.6

cdef double _PAIR_FLOOR = PAIR_FLOOR
cdef double _SHORT_TYPO = 0.75
cdef double _FUZZY_FLOOR = FUZZY_FLOOR
cdef double _EXTRA_C = EXTRA_CANDIDATE_COST
cdef double _EXTRA_Q = EXTRA_QUERY_COST
cdef double _INITIAL_REST = INITIAL_REST_COST

# How a pair of words was found to be the same word; cache entries and alignments carry
# the position in this tuple, explanations the word.
HOWS = ("exact", "initial", "phonetic", "equivalent", "skeleton", "fuzzy", "consonants", "joined")
cdef enum:
    EXACT = 0
    INITIAL = 1
    PHONETIC = 2
    EQUIVALENT = 3
    SKELETON = 4
    FUZZY = 5
    CONSONANTS = 6
    JOINED = 7

cdef object _osa = OSA.distance
cdef object _lev = Levenshtein.normalized_similarity


cdef inline bint _too_unlike(Py_ssize_t la, Py_ssize_t lb) noexcept:
    """Whether words of these lengths are below 0.85 Levenshtein similarity whatever
    their letters: it is at most 1 - (length difference / longer length)."""
    return 1.0 - <double>(la - lb if la > lb else lb - la) / <double>(la if la > lb else lb) < 0.85


cdef double _joined_similarity(str tok, str joined, bint abjad):
    """How alike a word is to two words written together: their string similarity, or,
    where a side is from an abjad script, 0.92 for the same consonant skeleton (Persian
    writes compound names as one word: محمدجواد for MOHAMMAD JAVAD, خسروپناه for
    KHOSROW PANAH; their romanisations lack the vowels). Below 0.85 the value is 0: no
    caller takes a pair so unlike."""
    cdef double sim
    cdef str sk
    if joined == tok:
        return 1.0
    if _too_unlike(len(tok), len(joined)):
        sim = 0.0
    else:
        sim = _lev(tok, joined)
    if abjad and sim < 0.92:
        sk = skeleton(tok)
        if len(sk) >= 4 and sk == skeleton(joined):
            return 0.92
    return sim


cdef inline double _firm(double s):
    """Make a middling similarity count for less: two words at 0.75 are more often two
    different names (SANAYEV/LEONTYEV) than one name misspelt. Above 0.9 unchanged."""
    if s >= 0.9:
        return s
    s = s - 3.0 * (0.9 - s)
    return s if s > 0.0 else 0.0


cdef double _combine(tuple ta, str sa, tuple tb, str sb, double fuzzy, bint has_sk, double sk, int* how):
    """The similarity of two words and how it was found (see ``names.token_similarity``)."""
    cdef str a = ta[0]
    cdef str b = tb[0]
    if a == b:
        how[0] = EXACT
        return 1.0
    cdef Py_ssize_t la = len(a), lb = len(b)
    if la == 1 or lb == 1:
        how[0] = INITIAL
        return 0.85 if a[0] == b[0] else 0.0
    cdef str ka = ta[1]
    cdef str kb = tb[1]
    if ka == kb:
        how[0] = PHONETIC
        return 0.95
    ga = ta[2]
    if ga is not None and ga == tb[2]:
        how[0] = EQUIVALENT
        return 0.9
    pka = ta[3]
    pkb = tb[3]
    if pka is not None and pkb is not None:
        pga = ta[4]
        if pka == pkb or (pga is not None and pga == tb[4]):
            how[0] = EQUIVALENT  # IHOROVYCH = IGOREVICH
            return 0.9
        if min(len(pka), len(pkb)) >= 2 and _osa(pka, pkb) <= 1:
            how[0] = EQUIVALENT  # IUREVICH = YURIYOVYCH (stems IUR, YURIY)
            return 0.88
    if has_sk and sa == sb and len(sa) > 0:
        # ALI is written 'ly in Arabic script: one consonant is all the words share
        how[0] = SKELETON
        if len(sa) < 2:
            return 0.85
        # The long vowels alike too (محمود MHMWD and MAHMOUD, not محمد MHMD): a shade
        # more, so that where two words share a skeleton each pairs with its own.
        return 0.924 if long_vowels(a) == long_vowels(b) else 0.92
    if len(ka) >= 5 and len(kb) >= 5 and ka.replace("c", "s") == kb.replace("c", "s"):
        how[0] = PHONETIC  # French CH for SH: BOUCHRA/BUSHRA, HICHAM/HISHAM
        return 0.88
    cdef double best = fuzzy
    cdef int h = FUZZY
    if has_sk and len(sa) >= 2 and len(sb) >= 2 and sk > best:
        best = sk
        h = SKELETON
    if (la if la < lb else lb) <= 3 and best < 0.95:
        best *= 0.8
    best = _firm(best)
    if (
        best < _SHORT_TYPO
        and (la if la < lb else lb) == 3
        and (a[0] == b[0] or sorted(a) == sorted(b))
        and _osa(a, b) == 1
    ):
        if a[0] == b[0] and (la != lb or sorted(a) == sorted(b)):
            # A letter left out, added or swapped in a three-letter word (SAFA/SFA,
            # RYU/RUY): weak alone, enough beside other words that match.
            best = _SHORT_TYPO
            h = FUZZY
        elif best < _PAIR_FLOOR and la == lb:
            # Another letter (AKI for ALI), or the first two swapped (IMN for MIN), is
            # another name as often (TIM/TOM, LIU/LIN): the least a pair can be, so that
            # it counts only beside words that match, never as a name that contradicts.
            best = _PAIR_FLOOR
            h = FUZZY
    ha = ta[7]
    hb = tb[7]
    if best < 0.9 and (ha is not None or hb is not None):
        hka, hpa = ha if ha is not None else (ka, pka)
        hkb, hpb = hb if hb is not None else (kb, pkb)
        if hka == hkb or (hpa is not None and hpa == hpb):
            how[0] = PHONETIC  # H for G: OLEH/OLEG, HRYHOROVYCH/GRIGOREVICH
            return 0.9
        if (
            best < 0.88
            and hpa is not None
            and hpb is not None
            and min(len(hpa), len(hpb)) >= 2
            and _osa(hpa, hpb) <= 1
        ):
            how[0] = EQUIVALENT  # HENNADIYOVYCH/GENNADEVICH
            return 0.88
    va_alt = ta[8]
    vb_alt = tb[8]
    if best < 0.88 and (va_alt is not None or vb_alt is not None) and la >= 5 and lb >= 5 and (
        (va_alt if va_alt is not None else ka) == (vb_alt if vb_alt is not None else kb)
    ):
        how[0] = PHONETIC  # Arabic TH as S, AW as O, GH as Q: OTHMAN/OSMAN, NAGHDI/NAQDI
        return 0.88
    if best < 0.88 and ta[9] is not None and ta[9] == tb[9] and a[0] != b[0]:
        how[0] = PHONETIC  # Korean CH as J: CHONG/JONG
        return 0.88
    cdef str ca
    cdef bint va, vb
    if best < 0.88:
        ca = ta[6]
        va = ta[5]
        vb = tb[5]
        if (
            (ca == tb[6] and len(ca) >= 2 and (va or vb or (len(ca) >= 3 and _osa(a, b) <= 2)))
            or (va != vb and (la if la < lb else lb) >= 3 and _osa(a, b) == 1)
        ):
            # The same consonants with other vowels (JASSEM/JASIM), or a word typed
            # without its vowels or with a consonant for one (CHL for CHOL, PSK for PAK;
            # not two acronyms, VTB/VVB).
            how[0] = CONSONANTS
            return 0.88
    how[0] = h
    return best


cdef object _JW = JaroWinkler.normalized_similarity
cdef object _LEV = Levenshtein.normalized_similarity
cdef object _OSA_D = OSA.distance


def fill_forms(list forms, list candidates, list caches, dict known, cdist, f32, i32):
    """``names.fill_for_forms`` compiled: per script class of the query forms (abjad or
    not, since skeletons count only where a side is abjad), the words of the candidate
    rows the caches lack, the query words each once with the (form, position) slots
    they stand in, the string-metric matrices from ``cdist`` (rapidfuzz's, with its
    float32 and int32 dtype codes ``f32``, ``i32``), then ``pair_rows``."""
    cdef Py_ssize_t fi, g, i, nf = len(forms)
    cdef dict slots, qkeys
    cdef list group, lst
    cdef tuple ftoks, fkeys, fskels, qtoks, qk, qs
    cdef bint abjad
    for abjad in sorted({<bint>f.abjad for f in forms}):  # False first, as a set of two iterates
        group = [fi for fi in range(nf) if <bint>forms[fi].abjad == abjad]
        toks, keys, skels, abjad_toks = missing_words(
            [candidates[fi] for fi in group], [caches[fi] for fi in group]
        )
        if not toks:
            continue
        slots = {}
        qkeys = {}
        for g in range(len(group)):
            f = forms[<Py_ssize_t>group[g]]
            ftoks = f.tokens
            fkeys = f.keys
            fskels = f.skeletons
            for i in range(len(ftoks)):
                tok = ftoks[i]
                lst = slots.get(tok)
                if lst is None:
                    lst = slots[tok] = []
                lst.append((g, i))
                qkeys[tok] = (fkeys[i], fskels[i])
        qtoks = tuple(slots)
        qk = tuple([(<tuple>qkeys[t])[0] for t in qtoks])
        qs = tuple([(<tuple>qkeys[t])[1] for t in qtoks])
        jw_skels = lev_skels = None
        if abjad or abjad_toks:
            jw_skels = cdist(qs, skels, scorer=_JW, dtype=f32)
            lev_skels = cdist(qs, skels, scorer=_LEV, dtype=f32)
        pair_rows(
            qtoks, qk, qs, abjad, list(slots.values()), toks, keys, skels, abjad_toks,
            cdist(qtoks, toks, scorer=_JW, dtype=f32),
            cdist(qtoks, toks, scorer=_LEV, dtype=f32),
            cdist(qk, keys, scorer=_JW, dtype=f32),
            cdist(qk, keys, scorer=_LEV, dtype=f32),
            cdist(qtoks, toks, scorer=_OSA_D, dtype=i32),
            jw_skels, lev_skels, [caches[fi] for fi in group], known,
        )


def pair_rows(
    tuple qtoks, tuple qkeys, tuple qskels, bint q_abjad, list slots,
    list toks, list keys, list skels, set abjad_toks,
    jw_m, lev_m, jw_keys_m, lev_keys_m, osa_m, jw_skels, lev_skels, list caches,
    dict known=None,
):
    """Fill the caches for the candidate words ``toks``: each word's list of (query word,
    similarity, how) pairs that can align, from the string-metric matrices (query words
    x candidate words: Jaro-Winkler and Levenshtein similarity of the words and of their
    keys, OSA distance of the words; of the skeletons too when a side is abjad).

    The query words are those of one or more forms of a query, each once: ``slots[u]``
    lists the (form, position) pairs where word ``u`` stands, and ``caches[form]`` gets
    the pairs by that form's positions. A pair's similarity depends on the two words
    alone, so every form is served by one computation.

    A word's string similarity is the best of the words' mean JW/Levenshtein, 0.93 of
    their keys', and the typing-error similarity: one error in a word of four letters or
    more is a typo far more often than another name (0.9; 0.92 from seven letters), two
    errors only in long words (0.88 from eight); in a short word another first letter
    makes another name more often than a typo (FANG/LANG/WANG/YANG: 0.85). Computed in
    float32, as the matrices are.

    Most pairs are plainly different words: the string metrics are below what _firm lets
    through (FUZZY_FLOOR) and no rule (same word, key, group, consonants, skeleton,
    patronymic, an initial, a word without vowels) can apply. A candidate word that
    shares none of these with any query word skips the rules for such pairs.

    ``known`` maps listed words to their traits, computed when the index was built.
    """
    cdef Py_ssize_t n = len(qtoks), m = len(toks)
    cdef Buffers bufs
    cdef const float* jw
    cdef const float* lev
    cdef const float* jw_keys
    cdef const float* lev_keys
    cdef const int* osa
    cdef const float* jws = NULL
    cdef const float* levs = NULL
    cdef bint have_sk = jw_skels is not None
    bufs.views = NULL
    open_buffers(&bufs, 7)
    try:
        jw = <const float*>_matrix(&bufs, jw_m, b"f", n, m)
        lev = <const float*>_matrix(&bufs, lev_m, b"f", n, m)
        jw_keys = <const float*>_matrix(&bufs, jw_keys_m, b"f", n, m)
        lev_keys = <const float*>_matrix(&bufs, lev_keys_m, b"f", n, m)
        osa = <const int*>_matrix(&bufs, osa_m, b"i", n, m)
        if have_sk:
            jws = <const float*>_matrix(&bufs, jw_skels, b"f", n, m)
            levs = <const float*>_matrix(&bufs, lev_skels, b"f", n, m)
        _pair_rows(
            qtoks, qkeys, qskels, q_abjad, slots, toks, keys, skels, abjad_toks,
            jw, lev, jw_keys, lev_keys, osa, jws, levs, caches, known,
        )
    finally:
        release(&bufs)


cdef const void* _matrix(Buffers* bufs, object obj, char kind, Py_ssize_t rows, Py_ssize_t cols) except? NULL:
    cdef Py_ssize_t shape[2]
    cdef const void* data = take(bufs, obj, kind, 2, False, shape)
    if shape[0] != rows or shape[1] != cols:
        raise ValueError("a similarity matrix is not query words x candidate words")
    return data


cdef list _NO_PAIRS = []


cdef int _pair_rows(
    tuple qtoks, tuple qkeys, tuple qskels, bint q_abjad, list slots,
    list toks, list keys, list skels, set abjad_toks,
    const float* jw, const float* lev, const float* jw_keys, const float* lev_keys,
    const int* osa, const float* jws, const float* levs, list caches, dict known,
) except -1:
    cdef bint have_sk = jws != NULL
    cdef Py_ssize_t n = len(qtoks), i, j, fi, nforms = len(caches), m = len(toks), cell
    cdef list q_traits = [traits(a, ka) for a, ka in zip(qtoks, qkeys)]
    cdef set q_words = set(qtoks)
    cdef set q_keys = {t[1] for t in q_traits}
    cdef set q_groups = {t[2] for t in q_traits if t[2] is not None}
    cdef set q_cons = {t[6] for t in q_traits}
    cdef set q_cs = {t[1].replace("c", "s") for t in q_traits if len(t[1]) >= 5}
    cdef set q_skels = set(qskels)
    cdef bint q_any = any(len(t[0]) == 1 or t[5] for t in q_traits)  # an initial, a word without vowels
    cdef set q_short = {t[0][0] for t in q_traits if 3 <= len(t[0]) <= 4}  # short-word typos
    cdef bint q_patronymic = any(t[3] is not None for t in q_traits)
    # keys of the query words, lone H read as G where there is one (a patronymic stem
    # read so is one exactly when the word has a stem at all: q_patronymic covers it)
    cdef set q_as_g = {t[7][0] if t[7] is not None else t[1] for t in q_traits}
    cdef bint q_any_g = any(t[7] is not None for t in q_traits)
    cdef set q_alt = {t[8] if t[8] is not None else t[1] for t in q_traits}
    cdef bint q_any_alt = any(t[8] is not None for t in q_traits)
    cdef set q_korean = {t[9] for t in q_traits if t[9] is not None}
    cdef Py_ssize_t lb
    cdef Py_ssize_t* qlen = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_UCS4* qfirst = <Py_UCS4*>malloc((n + 1) * sizeof(Py_UCS4))
    if qlen == NULL or qfirst == NULL:
        free(qlen); free(qfirst)
        raise MemoryError()
    for i in range(n):
        qlen[i] = len(<str>qtoks[i])
        qfirst[i] = (<str>qtoks[i])[0]
    cdef tuple tb
    cdef str b, sb, kb
    cdef bint use_sk, special
    cdef double f, skv, s
    cdef int how
    cdef list found
    cdef Py_UCS4 first
    try:
        for j in range(len(toks)):
            b = toks[j]
            tb = known.get(b) if known is not None else None
            if tb is None:
                tb = traits(b, keys[j])
            sb = skels[j]
            kb = tb[1]
            use_sk = have_sk and (q_abjad or b in abjad_toks)
            special = (
                q_any
                or b in q_words
                or kb in q_keys
                or (tb[2] is not None and tb[2] in q_groups)
                or (tb[3] is not None and q_patronymic)
                or len(b) == 1
                or tb[5]
                or tb[6] in q_cons
                or (len(kb) >= 5 and kb.replace("c", "s") in q_cs)
                or (use_sk and sb in q_skels)
                or (tb[7] is not None and tb[7][0] in q_as_g)
                or (q_any_g and kb in q_as_g)
                or (tb[8] is not None and tb[8] in q_alt)
                or (q_any_alt and kb in q_alt)
                or (tb[9] is not None and tb[9] in q_korean)
                or (3 <= len(b) <= 4 and b[0] in q_short)
            )
            found = None  # made for the first pair: most words pair with no query word
            lb = len(b)
            first = b[0]
            for i in range(n):
                cell = i * m + j
                f = _string_similarity(jw[cell], lev[cell], jw_keys[cell], lev_keys[cell], osa[cell], qlen[i], lb, qfirst[i] == first)
                skv = _SK * (jws[cell] + levs[cell]) if use_sk else 0.0
                if not special and f < _FUZZY_FLOOR and (not use_sk or skv < _FUZZY_FLOOR):
                    continue
                s = _combine(q_traits[i], qskels[i], tb, sb, f, use_sk, skv, &how)
                if s >= _PAIR_FLOOR:
                    if found is None:
                        found = [[] for _ in range(nforms)]
                    for fi, at in <list>slots[i]:
                        (<list>found[fi]).append((at, s, how))
            for fi in range(nforms):
                # a word that pairs with none shares one empty list, which nothing changes
                (<dict>caches[fi])[b] = _NO_PAIRS if found is None else found[fi]
    finally:
        free(qlen)
        free(qfirst)
    return 0


cdef float _HALF = 0.5
cdef float _KEYS = 0.93 * 0.5
cdef float _SK = 0.9 * 0.5


cdef inline float _string_similarity(
    float jw, float lev, float jw_k, float lev_k, int osa, Py_ssize_t la, Py_ssize_t lb, bint same_first
) noexcept:
    cdef float words = _HALF * (jw + lev)
    cdef float by_keys = _KEYS * (jw_k + lev_k)
    cdef float typo = 0.0
    cdef Py_ssize_t shortest = la if la < lb else lb
    if osa == 1:
        if shortest <= 5 and not same_first:
            typo = 0.85
        elif shortest >= 7:
            typo = 0.92
        elif shortest >= 4:
            typo = 0.9
    elif osa == 2 and shortest >= 8:
        typo = 0.88
    cdef float best = words if words > by_keys else by_keys
    return best if best > typo else typo


ctypedef struct Pair:
    double s
    int i
    int j
    int how
    double gap  # how far apart the two words' weights are


cdef int _by_similarity(const void* pa, const void* pb) noexcept nogil:
    """Best similarity first; among equals the words of like weight (a particle with a
    particle: OULD with ولد, not with WALID), then by query word and candidate word."""
    cdef const Pair* a = <const Pair*>pa
    cdef const Pair* b = <const Pair*>pb
    if a.s > b.s:
        return -1
    if a.s < b.s:
        return 1
    if a.gap != b.gap:
        return -1 if a.gap < b.gap else 1
    if a.i != b.i:
        return -1 if a.i < b.i else 1
    if a.j != b.j:
        return -1 if a.j < b.j else 1
    return 0


cdef struct State:
    int n
    int m
    double* qw
    double* cw
    char* used_q
    char* used_c
    Pair* pairs
    int npairs
    double num
    int strong
    double initials_rest  # what the full names paired with initials weigh beyond them


def align(q, c, dict cache):
    """(score, [(query word, candidate word, similarity, how)]): the best one-to-one
    alignment of words (greedy on similarity) and the weighted score. Every candidate
    word must be in ``cache`` (KeyError otherwise)."""
    return _align(_side(q), c.tokens, c.weights, c.abjad, cache, True)


cdef class _Form:
    """What the alignment reads of a query form, read once for all its candidates."""
    cdef tuple tokens
    cdef tuple weights
    cdef tuple keys
    cdef bint abjad
    cdef bint org


cdef _Form _side(f):
    cdef _Form s = _Form.__new__(_Form)
    s.tokens = f.tokens
    s.weights = f.weights
    s.keys = f.keys
    s.abjad = f.abjad
    s.org = f.org
    return s


def candidate_rows(list found, list rows, int nforms):
    """Per query form, the rows of the candidate names to compare with it (``found`` and
    ``rows`` as ``best_per_entity`` takes them)."""
    cdef list out = [[] for _ in range(nforms)]
    cdef int fi
    for nid, fis in found:
        row = rows[nid]
        for fi in fis:
            (<list>out[fi]).append(row)
    return out


def best_per_entity(list forms, list caches, list found, list rows, double weak_factor, double floor):
    """{entity: (score, name position, form position)}: for the candidate names ``found``
    ([(name position, [forms to compare])]), each entity's best-scoring name and query
    form, weak aliases scored ``weak_factor`` lower, scores under ``floor`` (and nothing
    in common) left out; the first of equal scores kept. ``rows[name position]`` is
    (entity, weak alias, tokens, weights, abjad, form, keys, skeletons): the name as
    scoring reads it (``names.name_row``).
    The alignments themselves are not kept: only the few hits are explained (``align``
    gives the same score)."""
    cdef dict best = {}
    cdef Py_ssize_t nid
    cdef int fi
    cdef double s, factor
    cdef tuple prev, ctoks, cw, row
    cdef bint cabjad
    cdef list sides = [_side(f) for f in forms]
    for nid, fis in found:
        row = rows[nid]
        factor = weak_factor if row[1] else 1.0
        ctoks = row[2]
        cw = row[3]
        cabjad = row[4]
        ent = row[0]
        for fi in fis:
            s = <double>_align(<_Form>sides[fi], ctoks, cw, cabjad, caches[fi], False) * factor
            if s >= floor and s > 0.0:
                prev = best.get(ent)
                if prev is None or s > <double>prev[0]:
                    best[ent] = (s, nid, fi)
    return best


cdef object _align(_Form q, tuple ctoks, tuple cw_t, bint c_abjad, dict cache, bint with_pairs):
    cdef double score
    cdef tuple qw_t = q.weights
    cdef int n = len(q.tokens), m = len(ctoks)
    cdef list rows = [cache[tok] for tok in ctoks]
    cdef Py_ssize_t total = 0, k
    cdef int i, j
    for row in rows:
        total += len(<list>row)
    cdef Pair* cells = <Pair*>malloc((total + 1) * sizeof(Pair))
    cdef char* flags = <char*>malloc(n + m + 1)
    cdef double* weights = <double*>malloc((n + m + 1) * sizeof(double))
    cdef Pair* pairs = <Pair*>malloc((n + m + 1) * sizeof(Pair))
    if cells == NULL or flags == NULL or weights == NULL or pairs == NULL:
        free(cells); free(flags); free(weights); free(pairs)
        raise MemoryError()
    cdef State st
    st.n = n
    st.m = m
    st.qw = weights
    st.cw = weights + n
    st.used_q = flags
    st.used_c = flags + n
    st.pairs = pairs
    st.npairs = 0
    st.num = 0.0
    st.strong = 0
    st.initials_rest = 0.0
    try:
        for i in range(n):
            st.qw[i] = qw_t[i]
            st.used_q[i] = 0
        for j in range(m):
            st.cw[j] = cw_t[j]
            st.used_c[j] = 0
        k = 0
        for j in range(m):
            for entry in <list>rows[j]:
                cells[k].i = (<tuple>entry)[0]
                cells[k].s = (<tuple>entry)[1]
                cells[k].how = (<tuple>entry)[2]
                cells[k].j = j
                cells[k].gap = fabs(st.qw[cells[k].i] - st.cw[j])
                k += 1
        qsort(cells, total, sizeof(Pair), _by_similarity)
        score = _score(q, ctoks, c_abjad, cells, total, &st)
        return (score, _pairs_out(&st)) if with_pairs else score
    finally:
        free(cells)
        free(flags)
        free(weights)
        free(pairs)


cdef double _score(_Form q, tuple ctoks, bint c_abjad, Pair* cells, Py_ssize_t total, State* st) except? -1.0:
    cdef Py_ssize_t k
    cdef int i, j, n = st.n, m = st.m, conflicts, nlq, nlc, t
    cdef double s, wq, wc, den, sq = 0.0, sc = 0.0
    for k in range(total):
        i = cells[k].i
        j = cells[k].j
        if st.used_q[i] or st.used_c[j]:
            continue
        st.used_q[i] = 1
        st.used_c[j] = 1
        s = cells[k].s
        st.pairs[st.npairs] = cells[k]
        st.npairs += 1
        wq = st.qw[i]
        wc = st.cw[j]
        # An initial vouches only for as much as it weighs: "P." is not "PUTIN". What the
        # name it stands for weighs beyond it is not a contradiction either (below).
        st.num += s * (2 * (wc if wc < wq else wq) if cells[k].how == INITIAL else wq + wc)
        if cells[k].how == INITIAL and len(<str>q.tokens[i]) == 1:
            st.initials_rest += wc - wq if wc > wq else 0.0
        if s >= 0.8 and wq >= 0.5:
            st.strong += 1
    for i in range(n):
        sq += st.qw[i]
    for j in range(m):
        sc += st.cw[j]
    if st.npairs == n and n == m:  # every word paired: nothing left over to weigh
        den = sq + sc - _initials_discount(st)
        return (st.num / den if st.num / den < 1.0 else 1.0) if den != 0.0 else 0.0
    cdef tuple qtoks = q.tokens
    cdef bint long_left = False
    nlq = nlc = 0
    for i in range(n):
        if not st.used_q[i]:
            nlq += 1
            long_left = long_left or len(<str>qtoks[i]) >= 6
    for j in range(m):
        if not st.used_c[j]:
            nlc += 1
            long_left = long_left or len(<str>ctoks[j]) >= 6
    cdef bint abjad = q.abjad or c_abjad
    if ((nlq and nlc >= 2) or (nlc and nlq >= 2)) and long_left:
        _join_split(qtoks, ctoks, st, abjad)
    if _left(st.used_q, n) or _left(st.used_c, m):
        _rejoin(qtoks, ctoks, st, abjad)
    cdef double extra_q = _EXTRA_Q if st.strong >= 2 else 1.0
    cdef double extra_c = _EXTRA_C if st.strong >= 2 else 1.0
    cdef double* lq = <double*>malloc((n + 1) * sizeof(double))
    cdef double* lc = <double*>malloc((m + 1) * sizeof(double))
    if lq == NULL or lc == NULL:
        free(lq); free(lc)
        raise MemoryError()
    cdef int strong_q = 0, strong_c = 0
    cdef double sum_lq = 0.0, sum_lc = 0.0, head_q = 0.0, head_c = 0.0, tail_q = 0.0, tail_c = 0.0
    cdef double patronymics = 0.0, repeats_q, repeats_c, married
    cdef tuple qkeys = q.keys
    try:
        # A patronymic the query gives and the list does not is an omission, as it is
        # the other way round (lists often leave patronymics out): it costs what a
        # missing candidate word does and never counts as a contradiction. Never the
        # first word: there -OVICH is a surname (GAYKOVICH, 'Abd-Al-Hamid).
        for i in range(1, n):
            if not st.used_q[i] and len(<str>qtoks[i]) >= 7 and (<tuple>traits(qtoks[i], qkeys[i]))[3] is not None:
                st.used_q[i] = 2
                patronymics += st.qw[i]
        # A word the name gives twice, once paired (Kanyama Tshisiku KANYAMA, a surname
        # written again after the whole name; OSMAN MOHAMED HAMID MOHAMED, a grandfather
        # named as the father) says nothing the paired copy did not: it costs nothing,
        # and is never a different name contradicting one left over on the other side.
        # (MOHAMED MOHAMED against MOHAMED ALI stays at 0.5: ALI is still unmatched.)
        repeats_q = _repeats(qtoks, st.used_q, st.qw, n)
        repeats_c = _repeats(ctoks, st.used_c, st.cw, m)
        # Words between a person's first and last name in the query, both paired, that
        # the list does not give, when every listed word is paired, are middle names it
        # left out (Irina Akexandrova TSELIKAVETS, a father's name in بشار حافظ الأسد):
        # an omission, priced like a patronymic. Not at the ends, where a surname the
        # list lacks means another person, nor when the list has words of its own left
        # (but particles: ES SAYED), nor in a company's name, where a word more in the
        # middle is as often another company: there it keeps the price of a word only
        # the query gives.
        if not q.org and n >= 3 and st.used_q[0] and st.used_q[n - 1] and not _strong_left(st.used_c, st.cw, m):
            for i in range(1, n - 1):
                if not st.used_q[i]:
                    st.used_q[i] = 2
                    patronymics += st.qw[i]
        # A married name one side gives and the other does not (_married) is an omission
        # too; on both sides it is two husbands' names (GUIDO DE ROMERO, GUIDO DE PEREZ).
        married = _married(qtoks, st.used_q, st.qw, n, False)
        if (married > 0.0) == (_married(ctoks, st.used_c, st.cw, m, False) > 0.0):
            married = 0.0
        elif married > 0.0:
            _married(qtoks, st.used_q, st.qw, n, True)
        else:
            married = _married(ctoks, st.used_c, st.cw, m, True)
        nlq = _leftover_weights(st.qw, st.used_q, n, lq)
        nlc = _leftover_weights(st.cw, st.used_c, m, lc)
        # Words left over on both sides are different names (JOSE vs ALVARO under the
        # same surnames): a contradiction, counted in full. Only words one side has and
        # the other has nothing to set against (a patronymic, a second given name) are
        # omissions.
        for t in range(nlq):
            sum_lq += lq[t]
            strong_q += lq[t] >= 0.5
        for t in range(nlc):
            sum_lc += lc[t]
            strong_c += lc[t] >= 0.5
        conflicts = strong_q if strong_q < strong_c else strong_c
        for t in range(nlq):
            if t < conflicts:
                head_q += lq[t]
            else:
                tail_q += lq[t]
        for t in range(nlc):
            if t < conflicts:
                head_c += lc[t]
            else:
                tail_c += lc[t]
        den = sq + sc - sum_lq - sum_lc
        den += head_q + head_c
        den += extra_q * tail_q + extra_c * tail_c
        if patronymics or married:
            den += extra_c * (patronymics + married) - (patronymics + married)
        den -= repeats_q + repeats_c
        den -= _initials_discount(st)
        return (st.num / den if st.num / den < 1.0 else 1.0) if den != 0.0 else 0.0
    finally:
        free(lq)
        free(lc)


cdef double _repeats(tuple toks, char* used, double* w, int size):
    """Mark the leftover words that repeat a paired word of the same name (used = 2);
    their total weight."""
    cdef int t, u
    cdef double total = 0.0
    for t in range(size):
        if used[t] or len(<str>toks[t]) < 2:
            continue
        for u in range(size):
            if used[u] == 1 and toks[u] == toks[t]:
                used[t] = 2
                total += w[t]
                break
    return total


cdef inline double _initials_discount(State* st) noexcept:
    """What the alignment's denominator drops for the names paired with an initial: the
    part beyond the initial costs INITIAL_REST_COST, not its weight, once a word matched
    well."""
    if st.initials_rest and st.strong >= 1:
        return (1.0 - _INITIAL_REST) * st.initials_rest
    return 0.0


cdef double _married(tuple toks, char* used, double* w, int size, bint mark):
    """The weight of a married name left over, DE and the husband's surname after a
    paired surname (GUIDO DE ROMERO, Ana Julia: Spanish and Portuguese women add it to
    their own, and lists give the name with or without it); marked (used = 2) if
    ``mark``. Surnames of three letters or more, not a legal form's DE (S. DE R.L.)."""
    cdef int t
    cdef double total = 0.0
    for t in range(2, size):
        if (
            not used[t] and not used[t - 1] and used[t - 2] == 1 and <str>toks[t - 1] == "de"
            and len(<str>toks[t]) >= 3 and len(<str>toks[t - 2]) >= 3
        ):
            if mark:
                used[t] = used[t - 1] = 2
            total += w[t] + w[t - 1]
    return total


cdef inline bint _strong_left(char* used, double* w, int size):
    """Whether a word that weighs (not a particle: ES SAYED) is left unpaired."""
    cdef int t
    for t in range(size):
        if not used[t] and w[t] >= 0.5:
            return True
    return False


cdef inline bint _left(char* used, int size):
    cdef int t
    for t in range(size):
        if not used[t]:
            return True
    return False


cdef int _leftover_weights(double* w, char* used, int size, double* out):
    """The weights of the words left unpaired into ``out``, heaviest first."""
    cdef int t, u, count = 0
    cdef double x
    for t in range(size):
        if not used[t]:
            x = w[t]
            u = count
            while u > 0 and out[u - 1] < x:
                out[u] = out[u - 1]
                u -= 1
            out[u] = x
            count += 1
    return count


cdef list _pairs_out(State* st):
    cdef int k
    return [
        (st.pairs[k].i, st.pairs[k].j, st.pairs[k].s, HOWS[st.pairs[k].how]) for k in range(st.npairs)
    ]


cdef void _add_pair(State* st, int i, int j, double s, int how):
    st.pairs[st.npairs].i = i
    st.pairs[st.npairs].j = j
    st.pairs[st.npairs].s = s
    st.pairs[st.npairs].how = how
    st.npairs += 1


cdef _join_split(tuple qtoks, tuple ctoks, State* st, bint abjad):
    """Words written together on one side and apart on the other (PUBLIOELIECER,
    NOOR MUHAMMAD / NOORMUHAMMAD): a leftover word against two adjacent leftovers."""
    cdef int side, x, y, yy, na, nb
    cdef tuple a_toks, b_toks
    cdef char* used_a
    cdef char* used_b
    cdef double* w_a
    cdef double* w_b
    cdef bint a_is_q
    cdef double sim
    cdef str tok, joined
    for side in range(2):
        a_is_q = side == 0
        if a_is_q:
            a_toks, b_toks = qtoks, ctoks
            used_a, used_b, w_a, w_b = st.used_q, st.used_c, st.qw, st.cw
        else:
            a_toks, b_toks = ctoks, qtoks
            used_a, used_b, w_a, w_b = st.used_c, st.used_q, st.cw, st.qw
        na = len(a_toks)
        nb = len(b_toks)
        for x in range(na):
            tok = a_toks[x]
            if used_a[x] or len(tok) < 6:
                continue
            for y in range(nb - 1):
                if used_b[y] or used_b[y + 1]:
                    continue
                if not abjad and _too_unlike(len(tok), len(<str>b_toks[y]) + len(<str>b_toks[y + 1])):
                    continue  # (either order: the same length)
                joined = b_toks[y] + b_toks[y + 1]
                sim = _joined_similarity(tok, joined, abjad)
                if sim < 0.85 and nb == 2:  # a two-word name written together backwards
                    sim = _lev(tok, b_toks[1] + b_toks[0])
                if sim < 0.85:
                    continue
                used_a[x] = used_b[y] = used_b[y + 1] = 1
                sim *= 0.97
                for yy in range(y, y + 2):
                    if a_is_q:
                        _add_pair(st, x, yy, sim, JOINED)
                    else:
                        _add_pair(st, yy, x, sim, JOINED)
                st.num += sim * (w_a[x] + (w_b[y] + w_b[y + 1]))
                st.strong += 1
                break


cdef _rejoin(tuple qtoks, tuple ctoks, State* st, bint abjad):
    """A long word paired loosely with one word when it is really that word and the
    leftover next to it written together (PARTOVCO for PARTOV CO, GHIASSOUDDINEAGHA for
    GHIASSOUDDINE AGHA): re-pair it with both."""
    cdef int k, i, j, x, y, y2, lo, hi, side, n_others
    cdef double s, sim, w_long, w_parts
    cdef bint long_is_q
    cdef str long_tok, joined
    cdef tuple others
    cdef char* used_other
    cdef int npairs = st.npairs
    for k in range(npairs):
        i = st.pairs[k].i
        j = st.pairs[k].j
        s = st.pairs[k].s
        if s >= 0.95 or st.pairs[k].how == INITIAL or st.pairs[k].how == JOINED:
            continue
        for side in range(2):
            long_is_q = side == 0
            x, y = (i, j) if long_is_q else (j, i)
            long_tok = (qtoks if long_is_q else ctoks)[x]
            others = ctoks if long_is_q else qtoks
            used_other = st.used_c if long_is_q else st.used_q
            if len(long_tok) < 6:
                continue
            n_others = len(others)
            for y2 in (y - 1, y + 1):
                if not 0 <= y2 < n_others or used_other[y2]:
                    continue
                lo, hi = (y, y2) if y < y2 else (y2, y)
                if not abjad and _too_unlike(len(long_tok), len(<str>others[lo]) + len(<str>others[hi])):
                    continue
                joined = others[lo] + others[hi]
                sim = _joined_similarity(long_tok, joined, abjad)
                sim *= 0.97
                if sim < 0.85 * 0.97 or sim <= s:
                    continue
                used_other[y2] = 1
                w_long = (st.qw if long_is_q else st.cw)[x]
                w_parts = (st.cw if long_is_q else st.qw)[lo] + (st.cw if long_is_q else st.qw)[hi]
                st.num += sim * (w_long + w_parts) - s * (st.qw[i] + st.cw[j])
                if not (s >= 0.8 and st.qw[i] >= 0.5):
                    st.strong += 1
                if long_is_q:
                    st.pairs[k].i, st.pairs[k].j = x, lo
                    _add_pair(st, x, hi, sim, JOINED)
                else:
                    st.pairs[k].i, st.pairs[k].j = lo, x
                    _add_pair(st, hi, x, sim, JOINED)
                st.pairs[k].s = sim
                st.pairs[k].how = JOINED
                return


def missing_words(list candidates, list caches):
    """(words, their keys, their skeletons, the words of abjad-script names): the words
    of the candidate names (``candidates[g]``, rows as ``best_per_entity`` reads them,
    for the form with cache ``caches[g]``) that a form's cache lacks, each once. A name
    on several forms' lists is read once when the caches are all empty (one query's
    fresh caches)."""
    cdef dict todo = {}
    cdef set abjad_toks = set()
    cdef set seen = set()
    cdef bint fresh = all(not c for c in caches)
    cdef dict cache
    cdef tuple toks, keys, skels
    cdef Py_ssize_t g, t
    for g in range(len(candidates)):
        cache = caches[g]
        for c in <list>candidates[g]:
            if fresh:
                if id(c) in seen:
                    continue
                seen.add(id(c))
            toks = (<tuple>c)[2]
            keys = (<tuple>c)[6]
            skels = (<tuple>c)[7]
            abjad = (<tuple>c)[4]
            for t in range(len(toks)):
                tok = toks[t]
                if tok not in todo and tok not in cache:
                    todo[tok] = (keys[t], skels[t])
                if abjad:
                    abjad_toks.add(tok)
    words = list(todo)
    return words, [todo[w][0] for w in words], [todo[w][1] for w in words], abjad_toks
