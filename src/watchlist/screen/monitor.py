"""Continuous monitoring: customers, delta re-screening, alerts and analyst decisions.

The use cases here take the stores and return plain results, so the command line
(``monitor_commands``) and an HTTP router call the same functions.

What a monitoring run screens
-----------------------------
A full re-screen runs ``screen(index, customer)`` for every customer against the current
lists. A delta run gives the same hits while screening only the customers whose result
can have changed since the last run (``plan_delta``):

- customers that are new or whose data changed (content hash);
- customers whose screen could retrieve an entry that left (removed, or the old record of
  a changed one): the screen keeps a bounded candidate list per query, often cut inside
  a tie, so an entry that leaves makes room for names that were crowded out;
- customers with a hit: the rarity weights move with every change, and a hit can fall
  out of the capped candidate list without any entry touching the customer;
- customers whose stored near matches (down to ``threshold - NEAR_MARGIN``) involve a
  changed or removed entity or, re-scored exactly against the new index, land on the
  other side of the threshold;
- customers whose name can match an added or changed entry: the customer index (the
  forward retrieval rules inverted, without the candidate cap: a superset) finds who can
  retrieve it, and the forward alignment decides who can reach the threshold with the
  evidence they give; a customer touched by more names than a screen scores is simply
  screened;

Each of them is then screened exactly as a full re-screen screens it; the others keep
their last result. A change that reaches most of the book runs in full (cheaper).
``docs/monitoring.md`` gives the argument, its one assumption and how it is checked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select, update

from watchlist.diff import field_changes
from watchlist.errors import InputError, NotFoundError, WatchlistError
from watchlist.index import BIG_POSTINGS, LAST_SEED, ScreeningIndex, index_entries, seed_words
from watchlist.match.evidence import (
    COUNTRY_MATCH,
    DOB_EXACT,
    DOCUMENT_MATCH,
    weigh_evidence,
)
from watchlist.match.names import SimCache, align, fill_similarities
from watchlist.model import Entity, EntityType
from watchlist.names import NameForm, analyze_query
from watchlist.screen.batch import InputRow, read_parquet, to_query
from watchlist.screen.query import Query
from watchlist.screen.screener import WEAK_ALIAS_FACTOR, Hit, screen
from watchlist.store import ListStore, VersionInfo
from watchlist.store import monitoring as mon
from watchlist.store.audit import AuditedTransaction, audit_head, audit_log, audited, now_iso

NEAR_MARGIN = 0.15  # near matches this far below the threshold are re-checked on list changes
NEAR_EXTRA = 20  # near matches kept beyond the hit limit
FULL_SHARE = 0.5  # a delta that must screen more of the book than this runs in full
PAIR_BUDGET = 30  # more touching names than the screen scores: cheaper to screen
_EPS = 1e-9

CUSTOMER_FIELDS = ("name", "dob", "country", "type", "identifiers")


# ------------------------------------------------------------------ customers


@dataclass(frozen=True, slots=True)
class Customer:
    """One customer as imported: what is screened, nothing else."""

    id: str
    name: str
    dob: str | None = None
    country: str | None = None
    type: str | None = None  # person / organization / vessel / aircraft, None when unknown
    identifiers: tuple[str, ...] = ()

    def query(self) -> Query:
        return Query(
            name=self.name,
            dob=self.dob,
            country=self.country,
            type=self.type,
            identifiers=self.identifiers,
            id=self.id,
        )

    def fields(self) -> dict[str, Any]:
        """The screened fields, for hashing, display and 'what changed'."""
        return {
            "name": self.name,
            "dob": self.dob,
            "country": self.country,
            "type": self.type,
            "identifiers": list(self.identifiers),
        }

    def digest(self) -> str:
        body = orjson.dumps({"id": self.id, **self.fields()}, option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(body).hexdigest()

    @classmethod
    def from_fields(cls, cid: str, data: dict[str, Any]) -> Customer:
        return cls(
            id=cid,
            name=data["name"],
            dob=data.get("dob"),
            country=data.get("country"),
            type=data.get("type"),
            identifiers=tuple(data.get("identifiers") or ()),
        )


def customer_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [old, new] for the screened fields that differ."""
    out = {}
    for k in CUSTOMER_FIELDS:
        if old.get(k) != new.get(k) and (old.get(k) or new.get(k)):
            out[k] = [old.get(k), new.get(k)]
    return out


def customer_forms(name: str, type_: str | None) -> list[NameForm]:
    """The unweighted name forms ``screen`` analyses for a query of this name and type
    (``query_forms`` in the screener, before ``index.weigh``)."""
    return analyze_query(name, type_)


class CustomerIndex:
    """The customers' names by the list keys that can seed their screen's candidates.

    ``ScreeningIndex`` retrieves a listed name for a query form only through a *seeding*
    token of the query: each token's phonetic key is expanded to the list keys it can find
    (itself, its name group, keys one edit away: ``_key_variants``), plus the consonant
    skeleton for abjad forms; tokens are taken rarest first, and a token found on more
    than ``BIG_POSTINGS`` listed names only adds weight to names a rarer token already
    found, unless none did. Everything else in retrieval (weights, the candidate cap, the
    relative cut) only removes names. So a listed name filed under none of a customer
    form's seed keys or skeletons cannot be among that customer's candidates: ``reach``
    returns every customer form whose seeds meet a name's, a superset of those whose
    screen can retrieve it.

    Built against one screening index (the variants and posting sizes are the index's).
    ``tests/monitor/test_delta_rules.py`` checks the superset against ``candidates``.
    """

    def __init__(
        self,
        index: ScreeningIndex,
        customers: Sequence[Customer],
        forms: Mapping[tuple[str, str | None], list[NameForm]] | None = None,
    ) -> None:
        self.customers = list(customers)
        self.positions = {c.id: i for i, c in enumerate(self.customers)}
        self.forms: list[tuple[int, NameForm]] = []
        self.form_ids: list[list[int]] = [[] for _ in self.customers]
        by_key: dict[str, list[int]] = defaultdict(list)
        by_skeleton: dict[str, list[int]] = defaultdict(list)
        variants: dict[tuple[str, str | None], tuple[tuple[str, ...], int]] = {}
        postings = index._postings
        skeletons = index._skeletons
        for pos, c in enumerate(self.customers):
            cached = forms.get((c.name, c.type)) if forms is not None else None
            for form in customer_forms(c.name, c.type) if cached is None else cached:
                fid = len(self.forms)
                self.forms.append((pos, form))
                self.form_ids[pos].append(fid)
                per_token = []
                for key, word, skel, last in seed_words(form):
                    vkey = index.word_identity(key, word)
                    v = variants.get(vkey)
                    if v is None:
                        ks = tuple(k for k, _ in index._key_variants(key, word))
                        v = variants[vkey] = (ks, sum(len(postings[k]) for k in ks))
                    keys, size = v
                    sk = skel if skel is not None and skel in skeletons else None
                    on_skeleton = len(skeletons[sk]) if sk is not None else 0
                    size = index.commonness(key, size + on_skeleton, on_skeleton)
                    if last:
                        size = LAST_SEED
                    if keys or sk is not None:
                        per_token.append((size, keys, sk))
                per_token.sort(key=lambda t: t[0])
                found = False
                for size, keys, sk in per_token:
                    if found and size > BIG_POSTINGS:
                        continue  # only adds weight to names already found
                    for k in keys:
                        by_key[k].append(fid)
                    if sk is not None:
                        by_skeleton[sk].append(fid)
                    found = True
        self._by_key = dict(by_key)
        self._by_skeleton = dict(by_skeleton)

    def __len__(self) -> int:
        return len(self.customers)

    def reach(self, keys: Iterable[str], skeletons: Iterable[str]) -> set[int]:
        """Positions (in ``forms``) of the customer forms that can retrieve a listed name
        filed under these keys and skeletons (see ``filed_names``)."""
        found: set[int] = set()
        for k in keys:
            found.update(self._by_key.get(k, ()))
        for s in skeletons:
            found.update(self._by_skeleton.get(s, ()))
        return found


# ------------------------------------------------------------------ the delta


@dataclass(slots=True)
class ListChange:
    """What changed in one source since the version last monitored."""

    source: str
    from_version: int | None
    to_version: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
        }


def member_changes(
    source: str,
    from_version: int | None,
    to_version: int,
    old: dict[str, str],
    new: dict[str, str],
) -> ListChange:
    """Added, changed (record hash differs) and removed entity ids between two versions."""
    return ListChange(
        source,
        from_version,
        to_version,
        added=sorted(set(new) - set(old)),
        changed=sorted(e for e in set(new) & set(old) if new[e] != old[e]),
        removed=sorted(set(old) - set(new)),
    )


@dataclass(frozen=True, slots=True)
class FiledName:
    """One name form of a listed entity and where the index files it."""

    form: NameForm  # unweighted
    factor: float  # the weak-alias factor the screen applies
    keys: frozenset[str]
    skeletons: frozenset[str]


def filed_names(entities: Sequence[Entity]) -> list[FiledName]:
    """The name forms ``ScreeningIndex.build`` makes of these entities, each with the
    posting keys and skeletons the index files it under, as the index itself computes
    them (a small index of just these entities is built and read back)."""
    profiles, names = index_entries(entities)
    if not names:
        return []
    keys, skels = ScreeningIndex(profiles, names).filing()
    return [
        FiledName(
            n.form,
            WEAK_ALIAS_FACTOR if n.strength == "weak" else 1.0,
            frozenset(keys[i]),
            frozenset(skels[i]),
        )
        for i, n in enumerate(names)
    ]


def evidence_bound(c: Customer) -> float:
    """The most ``weigh_evidence`` can add to this customer's name score: each feature
    counts once and only when the customer gives that kind of evidence."""
    bound = 0.0
    if c.dob:
        bound += DOB_EXACT
    if c.country:
        bound += COUNTRY_MATCH
    if c.identifiers:
        bound += DOCUMENT_MATCH
    return bound


Touches = dict[int, list[tuple[int, NameForm, float]]]


def touches(index: ScreeningIndex, customers: CustomerIndex, entities: Sequence[Entity]) -> Touches:
    """customer position -> (customer form, weighted listed-name form, alias factor) for
    every listed name of ``entities`` the customer's screen can retrieve."""
    out: Touches = defaultdict(list)
    for n in filed_names(entities):
        reached = customers.reach(n.keys, n.skeletons)
        if not reached:
            continue
        lf = index.weigh(n.form)
        for fid in reached:
            out[customers.forms[fid][0]].append((fid, lf, n.factor))
    return out


def reached(customers: CustomerIndex, entities: Sequence[Entity], budget: float = math.inf) -> set[int]:
    """The positions of the customers whose screen can retrieve a listed name of
    ``entities`` (the customers ``touches`` lists, without what it keeps of each pair);
    it stops once more than ``budget`` are found."""
    out: set[int] = set()
    forms = customers.forms
    for n in filed_names(entities):
        out.update(forms[fid][0] for fid in customers.reach(n.keys, n.skeletons))
        if len(out) > budget:
            break
    return out


def _check_pairs(
    index: ScreeningIndex,
    customers: CustomerIndex,
    pos: int,
    pairs: Sequence[tuple[int, NameForm, float]],
    threshold: float,
) -> bool:
    """Whether one of these touching names can alert this customer."""
    c = customers.customers[pos]
    floor = threshold - evidence_bound(c) - _EPS
    by_form: dict[int, list[tuple[NameForm, float]]] = defaultdict(list)
    for fid, lf, factor in pairs:
        by_form[fid].append((lf, factor))
    for fid, names in by_form.items():
        qf = index.weigh(customers.forms[fid][1])
        cache: SimCache = {}
        fill_similarities(qf, [lf for lf, _ in names], cache)
        if any(align(qf, lf, cache)[0] * factor >= floor for lf, factor in names):
            return True
    return False


def can_match(
    index: ScreeningIndex,
    customers: CustomerIndex,
    touched: Touches,
    threshold: float,
    *,
    workers: int = 1,
) -> tuple[set[str], set[str]]:
    """(customers that can match, customers touched by too many names to check): the
    ids of the customers whose screen against ``index`` can score one of the touching
    names at a level from which their evidence could lift it to ``threshold``.

    Each pair is aligned exactly as the forward screen aligns it (same forms, same
    weights, same weak-alias factor). A customer touched by more names than the screen
    ever scores (``PAIR_BUDGET``) is cheaper to screen than to check pair by pair.
    """
    busy = {customers.customers[p].id for p, pairs in touched.items() if len(pairs) > PAIR_BUDGET}
    todo = [p for p, pairs in touched.items() if len(pairs) <= PAIR_BUDGET]
    _PLAN.update(index=index, cidx=customers, touched=touched, threshold=threshold)
    try:
        found = set(_fork_map(_can_match_chunk, todo, workers))
    finally:
        _PLAN.clear()
    return found, busy


# Planning state shared with forked planning workers (set just before the pool forks).
_PLAN: dict[str, Any] = {}


def _can_match_chunk(positions: list[int]) -> list[str]:
    index, cidx, touched = _PLAN["index"], _PLAN["cidx"], _PLAN["touched"]
    return [
        cidx.customers[p].id
        for p in positions
        if _check_pairs(index, cidx, p, touched[p], _PLAN["threshold"])
    ]


def _moved_chunk(items: list[tuple[str, int]]) -> list[str]:
    """Customers whose stored hits and near matches now fall on the other side of the
    threshold (re-scored exactly against the new index)."""
    index, cidx, rescorer = _PLAN["index"], _PLAN["cidx"], _PLAN["rescorer"]
    stored, threshold = _PLAN["stored"], _PLAN["threshold"]
    out = []
    for cid, pos in items:
        matches = stored[cid]
        weighted = [index.weigh(cidx.forms[fid][1]) for fid in cidx.form_ids[pos]]
        now = rescorer.scores(cidx.customers[pos], weighted, [m.entity_id for m in matches])
        if any(
            now[m.entity_id] is None or (now[m.entity_id] >= threshold) != m.hit for m in matches
        ):
            out.append(cid)
    return out


def _fork_map(fn: Any, items: Sequence[Any], workers: int, chunk: int = 100) -> list[Any]:
    """``fn`` (taking and returning a list) over ``items``, on forked workers sharing
    ``_PLAN`` copy-on-write when there is enough work."""
    parts = [list(items[i : i + chunk]) for i in range(0, len(items), chunk)]
    if workers <= 1 or len(parts) < 2:
        return [y for part in parts for y in fn(part)]
    import multiprocessing as mp

    with mp.get_context("fork").Pool(workers) as pool:
        return [y for out in pool.map(fn, parts) for y in out]


@dataclass(frozen=True, slots=True)
class Stored:
    """A match kept from a customer's last screening: a hit or a near match."""

    entity_id: str
    score: float
    hit: bool


@dataclass(slots=True)
class DeltaPlan:
    """The customers a delta run screens, and why (counts per reason, a customer counted
    under the first reason that selected it)."""

    customers: set[str] = field(default_factory=set)
    reasons: dict[str, int] = field(default_factory=dict)
    full: bool = False  # the change reaches so much of the book that a full run is cheaper
    timings: dict[str, float] = field(default_factory=dict)

    def lap(self, step: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[step] = now - started
        return now

    def add(self, ids: Iterable[str], reason: str) -> None:
        n = 0
        for cid in ids:
            if cid not in self.customers:
                self.customers.add(cid)
                n += 1
        if n:
            self.reasons[reason] = self.reasons.get(reason, 0) + n


class _Rescorer:
    """The score ``screen`` gives one (customer, listed entity) pair when it retrieves the
    entity: the best weighted alignment of the customer's forms with the entity's names,
    plus the evidence."""

    def __init__(self, index: ScreeningIndex) -> None:
        self.index = index
        self.position = {p.id: i for i, p in enumerate(index.profiles)}
        names: dict[int, list[int]] = defaultdict(list)
        for nid, n in enumerate(index.names):
            names[n.entity].append(nid)
        self.names = dict(names)

    def scores(
        self, c: Customer, forms: Sequence[NameForm], entity_ids: Sequence[str]
    ) -> dict[str, float | None]:
        """entity id -> score now (None when the entity is no longer listed)."""
        out: dict[str, float | None] = {}
        positions = {eid: self.position.get(eid) for eid in entity_ids}
        entries = [
            self.index.names[nid]
            for pos in positions.values()
            if pos is not None
            for nid in self.names.get(pos, ())
        ]
        best: dict[int, float] = defaultdict(float)
        for qf in forms:
            cache: SimCache = {}
            fill_similarities(qf, [e.form for e in entries], cache)
            for e in entries:
                factor = WEAK_ALIAS_FACTOR if e.strength == "weak" else 1.0
                s = align(qf, e.form, cache)[0] * factor
                if s > best[e.entity]:
                    best[e.entity] = s
        facts = c.query().facts()
        for eid, pos in positions.items():
            if pos is None:
                out[eid] = None
                continue
            ev = weigh_evidence(facts, self.index.profiles[pos])
            out[eid] = max(0.0, min(1.0, best[pos] + ev.delta))
        return out


def plan_delta(
    index: ScreeningIndex,
    customers: Sequence[Customer],
    changed_customers: Iterable[str],
    stored: Mapping[str, Sequence[Stored]],
    changes: Sequence[ListChange],
    new_records: Sequence[Entity],
    old_records: Sequence[Entity],
    threshold: float,
    limit: int,
    forms: Mapping[tuple[str, str | None], list[NameForm]] | None = None,
    full_share: float = FULL_SHARE,
    workers: int = 1,
) -> DeltaPlan:
    """Which customers a delta run must screen against ``index`` (the current lists).

    ``stored`` holds every customer's matches from its last screening, ``changes`` the
    list changes since, ``new_records`` the added and changed entities as they are now,
    ``old_records`` the changed and removed ones as they were; ``forms`` optionally the
    customers' analysed names by (name, type), from ``FormCache``.
    """
    plan = DeltaPlan()
    plan.add(changed_customers, "customer new or changed")
    if not any(ch.total for ch in changes):
        return plan
    touched = {eid for ch in changes for eid in (*ch.changed, *ch.removed)}
    t = time.perf_counter()
    cidx = CustomerIndex(index, [c for c in customers if c.id not in plan.customers], forms)
    t = plan.lap("customer index", t)
    # 1. Entries that left (removed, or changed: their old record) make room in the
    #    bounded candidate lists of every customer whose screen could retrieve them, and
    #    let in names that were crowded out, ties at the cap included: screen those.
    #    Only which customers matters here, and past the full-run share not even that.
    old_touch = reached(cidx, old_records, full_share * len(customers) - len(plan.customers))
    plan.add((cidx.customers[pos].id for pos in old_touch), "a removed or changed entry made room")
    t = plan.lap("entries that left", t)
    if len(plan.customers) > full_share * len(customers):
        plan.full = True
        return plan
    # 2. Hits and near matches: an entity that changed or left, a full hit list, or a
    #    score that now lands on the other side of the threshold.
    rescore: list[tuple[str, int]] = []
    for cid, matches in stored.items():
        pos = cidx.positions.get(cid)
        if cid in plan.customers or not matches or pos is None:
            continue
        if any(m.entity_id in touched for m in matches):
            plan.add([cid], "matched entity changed or removed")
        elif sum(m.hit for m in matches) >= limit:
            plan.add([cid], "hit list full")
        elif any(m.hit for m in matches):
            # A hit can fall out of the capped candidate list when the weights move with
            # the change, no entry touching the customer (Ibrahim Al-Tikriti: a tie at
            # the cap among a dozen AL-TIKRITI ... IBRAHIM names), which re-scoring the
            # pair cannot see. Hits are few (4% of a book): they are screened.
            plan.add([cid], "has a hit (weights moved)")
        else:
            rescore.append((cid, pos))
    _PLAN.update(
        index=index, cidx=cidx, rescorer=_Rescorer(index), stored=stored, threshold=threshold
    )
    try:
        moved = _fork_map(_moved_chunk, rescore, workers)
    finally:
        _PLAN.clear()
    plan.add(moved, "match score crossed the threshold")
    t = plan.lap("re-score stored matches", t)
    # 3. Added and changed entries (their new record) a customer's name can match.
    new_touch = touches(index, cidx, new_records)
    for pos in [p for p in new_touch if cidx.customers[p].id in plan.customers]:
        del new_touch[pos]
    found, busy = can_match(index, cidx, new_touch, threshold, workers=workers)
    plan.add(found, "can match a new or changed entry")
    plan.add(busy, "name shares words with many changed entries")
    plan.lap("new and changed entries", t)
    return plan


# ------------------------------------------------------------------ screening


@dataclass(frozen=True, slots=True)
class Match:
    """One listed party a customer's screen returned: a hit, or a near match kept to
    re-check when a list changes."""

    customer_id: str
    entity_id: str
    score: float
    hit: bool
    hit_data: dict[str, Any] | None = None  # Hit.as_json() for hits


@dataclass(slots=True)
class CustomerResult:
    customer_id: str
    matches: list[Match] = field(default_factory=list)
    error: str | None = None

    @property
    def hits(self) -> list[Match]:
        return [m for m in self.matches if m.hit]


def screen_customer(
    index: ScreeningIndex, c: Customer, threshold: float, limit: int
) -> CustomerResult:
    """The customer's hits, exactly those of ``screen(index, query, threshold, limit)``, and
    its near matches (down to ``threshold - NEAR_MARGIN``).

    One screen at the lower threshold with a larger limit gives both: hits are sorted
    first by score, and the floor below which names are not scored only admits more
    names, never changes the best name of an entity that can reach ``threshold``.
    """
    res = CustomerResult(c.id)
    try:
        out = screen(index, c.query(), threshold=threshold - NEAR_MARGIN, limit=limit + NEAR_EXTRA)
    except InputError as exc:
        res.error = str(exc)
        return res
    strict: list[Hit] = [h for h in out.hits if h.score >= threshold][:limit]
    hit_ids = {h.entity_id for h in strict}
    for h in strict:
        res.matches.append(Match(c.id, h.entity_id, h.score, True, h.as_json()))
    for h in out.hits:
        if h.entity_id not in hit_ids:
            res.matches.append(Match(c.id, h.entity_id, h.score, False))
    return res


_WORKER: tuple[ScreeningIndex, float, int] | None = None


def _init_worker(index: ScreeningIndex, threshold: float, limit: int) -> None:
    global _WORKER
    _WORKER = (index, threshold, limit)


def _screen_chunk(chunk: list[Customer]) -> list[CustomerResult]:
    assert _WORKER is not None
    index, threshold, limit = _WORKER
    return [screen_customer(index, c, threshold, limit) for c in chunk]


def screen_customers(
    index: ScreeningIndex,
    customers: Sequence[Customer],
    threshold: float,
    limit: int,
    *,
    workers: int = 1,
    chunk: int = 200,
) -> Iterator[CustomerResult]:
    """Screen customers, on ``workers`` forked processes sharing the index when > 1."""
    if workers <= 1 or len(customers) < 2 * chunk:
        for c in customers:
            yield screen_customer(index, c, threshold, limit)
        return
    import multiprocessing as mp

    parts = [list(customers[i : i + chunk]) for i in range(0, len(customers), chunk)]
    with mp.get_context("fork").Pool(
        workers, initializer=_init_worker, initargs=(index, threshold, limit)
    ) as pool:
        for results in pool.imap(_screen_chunk, parts):
            yield from results


def elapsed(started: float) -> float:
    return round(time.perf_counter() - started, 3)


# ------------------------------------------------------------------ fingerprints and caches

_PROBE_ENTITIES = [
    ("p1", EntityType.PERSON, ["PUTIN, Vladimir Vladimirovich", "Путин Владимир Владимирович"]),
    (
        "p2",
        EntityType.PERSON,
        ["AL-BAGHDADI, Abu Bakr", "أبو بكر البغدادي", "Ibrahim Awwad Ibrahim"],
    ),
    ("p3", EntityType.PERSON, ["KIM, Jong Un", "김정은"]),
    ("p4", EntityType.PERSON, ["HERRERA BUITRAGO, Alvaro", "GUZMAN LOERA, Joaquin"]),
    ("p5", EntityType.PERSON, ["MUHAMMAD, Noor", "NOORMUHAMMAD"]),
    ("o1", EntityType.ORGANIZATION, ["BANCO NACIONAL DE CUBA", "National Bank of Cuba"]),
    ("o2", EntityType.ORGANIZATION, ["OOO Rosneft Trading", "ROSNEFT TRADING S.A."]),
    ("v1", EntityType.VESSEL, ["ADRIAN DARYA 1", "GRACE 1"]),
]
_PROBE_QUERIES = [
    ("Vladimir Putin", "person", "1952-10-07", "ru"),
    ("Wladimir Putin", None, None, None),
    ("Abu Bakr al Baghdadi", "person", None, "iq"),
    ("Kim Jong-un", None, None, None),
    ("Alvaro Herrera", "person", "1970", None),
    ("Noor Muhammad", "person", None, None),
    ("National Bank of Cuba", "organization", None, None),
    ("Rosneft Trading LLC", None, None, "ch"),
    ("Adrian Darya", "vessel", None, None),
    ("Joaquín Guzmán", None, None, "mx"),
]


def engine_fingerprint() -> str:
    """A hash of how names are analysed, retrieved and scored: the matcher's code, and a
    fixed probe run through it (behaviour can change with a library). It changes when the
    matcher does, which makes a delta over results from the old matcher meaningless (the
    next run then re-screens everyone)."""
    from watchlist.model import Name
    from watchlist.screen.engine import code_fingerprint

    entities = [
        Entity(
            id=f"probe:{pid}",
            source="probe",
            native_id=pid,
            type=t,
            name=names[0],
            names=[Name(n) for n in names],
        )
        for pid, t, names in _PROBE_ENTITIES
    ]
    index = ScreeningIndex.build(entities)
    h = hashlib.sha256(code_fingerprint().encode())
    for name, type_, dob, country in _PROBE_QUERIES:
        for f in customer_forms(name, type_):
            h.update(repr((f.tokens, f.keys, f.skeletons, f.weights, f.abjad)).encode())
        q = Query(name=name, type=type_, dob=dob, country=country)
        for hit in screen(index, q, threshold=0.3, limit=20).hits:
            h.update(f"{name}|{hit.entity_id}|{hit.score:.9f}\n".encode())
    return h.hexdigest()


_FORMS_FORMAT = 1


class FormCache:
    """Customers' analysed names kept on disk between runs (analysing 100,000 names costs
    seconds; a delta run needs them all to know whom a list change reaches).

    Keyed by (name, type); invalidated as a whole when ``engine_fingerprint`` changes.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.fingerprint = ""
        self.forms: dict[tuple[str, str | None], list[NameForm]] = {}
        self.dirty = False

    @classmethod
    def load(cls, path: Path | None, fingerprint: str) -> FormCache:
        cache = cls(path)
        cache.fingerprint = fingerprint
        if path is None or not path.exists():
            return cache
        try:
            with path.open("rb") as f:
                data = pickle.load(f)
            if (
                isinstance(data, dict)
                and data.get("format") == _FORMS_FORMAT
                and data.get("fingerprint") == fingerprint
                and isinstance(data.get("forms"), dict)
            ):
                cache.forms = data["forms"]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or damaged cache is rebuilt
        return cache

    def for_customers(
        self, customers: Iterable[Customer]
    ) -> dict[tuple[str, str | None], list[NameForm]]:
        out: dict[tuple[str, str | None], list[NameForm]] = {}
        for c in customers:
            key = (c.name, c.type)
            if key in out:
                continue
            forms = self.forms.get(key)
            if forms is None:
                forms = customer_forms(c.name, c.type)
                self.dirty = True
            out[key] = forms
        if len(out) != len(self.forms):
            self.dirty = True
        self.forms = out
        return out

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        data = {"format": _FORMS_FORMAT, "fingerprint": self.fingerprint, "forms": self.forms}
        with os.fdopen(fd, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self.dirty = False


# ------------------------------------------------------------------ importing customers

ID_FIELDS = ("id", "customer_id", "customer id", "reference")


@dataclass(slots=True)
class ImportReport:
    origin: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "FILE line N: why", one per bad row
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged

    def as_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "rows": self.rows,
            "imported": self.imported,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.errors),
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


def _text(d: dict[str, Any], *keys: str) -> str | None:
    for k in keys:
        v = d.get(k)
        if v is None:
            continue
        s = str(v).strip()
        if s:
            return s
    return None


def row_to_customer(r: InputRow) -> Customer:
    """One input row as a customer; InputError saying which field is unusable."""
    if r.error is not None:
        raise InputError(r.error)
    d = r.data or {}
    cid = _text(d, *ID_FIELDS)
    if cid is None:
        raise InputError("no customer id (column 'id')")
    if len(cid) > 200:
        raise InputError("id: longer than 200 characters")
    q = to_query(r)
    q.facts()  # validates name, dob, country, identifiers
    type_ = q.entity_type()
    return Customer(
        id=cid,
        name=q.name.strip(),
        dob=q.dob,
        country=q.country,
        type=type_,
        identifiers=q.identifiers,
    )


def _where(origin: str, r: InputRow) -> str:
    return f"{origin} line {r.line}" if r.line is not None else f"{origin} row {r.row}"


def _decode(raw: bytes) -> tuple[str, set[int]]:
    """The text of a file and the numbers of its lines that are not UTF-8 (decoded with
    replacement characters, so their rows can be refused one by one)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), set()
    except UnicodeDecodeError:
        pass
    bad: set[int] = set()
    lines = raw.split(b"\n")
    for i, line in enumerate(lines, 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(i)
    return raw.decode("utf-8", errors="replace"), bad


def read_customer_csv(path: Path) -> Iterator[InputRow]:
    """CSV (or tab-separated) customer rows with their line numbers. Unlike a text-mode
    reader it does not stop at bytes that are not UTF-8: the rows on such lines are
    refused, the others read."""
    text, bad = _decode(path.read_bytes())
    sample = text[:4096]
    delimiter = (
        "\t" if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",") else ","
    )
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(f"{path} line 1: unreadable header ({exc})") from exc
    fields = [c.strip().lower() for c in header]
    if "name" not in fields:
        raise InputError(
            f"{path} line 1: no 'name' column (columns: {', '.join(fields) or 'none'})"
        )
    reader.fieldnames = fields
    n = 0
    last = reader.line_num
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            yield InputRow(n, reader.line_num, None, f"unreadable row ({exc})")
            return
        n += 1
        first, last = last + 1, reader.line_num
        if bad.intersection(range(first, last + 1)):
            yield InputRow(n, first, None, "not UTF-8 text (bytes that cannot be decoded)")
        elif None in rec:
            yield InputRow(n, first, None, "more cells than columns")
        else:
            yield InputRow(n, first, dict(rec))


def read_customer_jsonl(path: Path) -> Iterator[InputRow]:
    """JSON lines customer rows; a line that is not UTF-8 or not a JSON object is refused."""
    text, bad = _decode(path.read_bytes())
    n = 0
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        n += 1
        if line_no in bad:
            yield InputRow(n, line_no, None, "not UTF-8 text (bytes that cannot be decoded)")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputRow(n, line_no, None, f"not JSON ({exc.msg})")
            continue
        if not isinstance(rec, dict):
            yield InputRow(n, line_no, None, "expected a JSON object")
            continue
        yield InputRow(n, line_no, {str(k).lower(): v for k, v in rec.items()})


def read_customer_file(path: Path) -> Iterator[InputRow]:
    """Rows of a customer file: CSV (or TSV), JSON lines or Parquet, by extension."""
    ext = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if ext in (".csv", ".tsv", ".txt"):
        return read_customer_csv(path)
    if ext in (".jsonl", ".ndjson", ".json"):
        return read_customer_jsonl(path)
    if ext == ".parquet":
        return read_parquet(path)
    raise InputError(f"{path}: unknown customer file type {ext!r} (use .csv, .jsonl or .parquet)")


def import_customers(engine: Engine, path: Path, *, actor: str = "system") -> ImportReport:
    """Import (or re-import) a customer file: new customers are added, changed ones
    updated, bad rows reported with file and line and left out; nothing else is dropped."""
    try:
        return import_rows(engine, read_customer_file(path), origin=str(path), actor=actor)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def import_records(
    engine: Engine, records: Sequence[Mapping[str, Any]], *, origin: str, actor: str = "system"
) -> ImportReport:
    """Import customers given as dicts (an API request body); rows are numbered from 1."""
    rows = (
        InputRow(i, None, {str(k).lower(): v for k, v in rec.items()})
        if isinstance(rec, Mapping)
        else InputRow(i, None, None, "not an object")
        for i, rec in enumerate(records, 1)
    )
    return import_rows(engine, rows, origin=origin, actor=actor)


def import_rows(
    engine: Engine, rows: Iterable[InputRow], *, origin: str, actor: str = "system"
) -> ImportReport:
    started = time.perf_counter()
    rep = ImportReport(origin)
    parsed: dict[str, tuple[Customer, str]] = {}
    first_seen: dict[str, str] = {}
    for r in rows:
        rep.rows += 1
        where = _where(origin, r)
        try:
            c = row_to_customer(r)
        except InputError as exc:
            msg = str(exc)
            if r.data is None and msg.startswith("unreadable row"):  # the CSV reader stops
                msg += ": reading stopped there, the rows after it were not imported"
            rep.errors.append(f"{where}: {msg}")
            continue
        if c.id in parsed:
            rep.errors.append(
                f"{where}: duplicate customer id {c.id!r} (first at {first_seen[c.id]})"
            )
            continue
        parsed[c.id] = (c, where)
        first_seen[c.id] = where
    now = now_iso()
    with audited(engine) as tx:
        existing = mon.customer_hashes(tx.conn)
        new_rows, upd_rows = [], []
        for cid, (c, where) in parsed.items():
            h = c.digest()
            values = {
                "name": c.name,
                "dob": c.dob,
                "country": c.country,
                "type": c.type,
                "identifiers": mon.dumps(list(c.identifiers)),
                "hash": h,
                "origin": where,
                "updated_at": now,
            }
            old = existing.get(cid)
            if old is None:
                new_rows.append({"id": cid, "created_at": now, **values})
            elif old != h:
                upd_rows.append({"cid": cid, **values})
            else:
                rep.unchanged += 1
        mon.insert_customers(tx.conn, new_rows)
        mon.update_customers(tx.conn, upd_rows)
        rep.added, rep.updated = len(new_rows), len(upd_rows)
        rep.seconds = time.perf_counter() - started
        data = rep.as_json()
        data["errors"] = rep.errors[:50]
        data["updated_ids"] = [r["cid"] for r in upd_rows[:200]]
        tx.record("customers.imported", data, subject=f"customers:{origin}"[:200], actor=actor)
    return rep


# ------------------------------------------------------------------ the monitoring run


@dataclass(slots=True)
class RunSummary:
    """What a compliance officer reads after a run."""

    run_id: int = 0
    mode: str = "delta"
    why_full: str | None = None
    started_at: str = ""
    seconds: float = 0.0
    threshold: float = 0.0
    customers_total: int = 0
    customers_new_or_changed: int = 0
    customers_screened: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    lists: list[dict[str, Any]] = field(default_factory=list)
    hits: int = 0  # current hits across all customers
    new_alerts: int = 0
    reopened: int = 0
    closed: int = 0
    closed_delisted: int = 0
    decided_delisted: int = 0  # decided alerts whose entity left its list
    errors: list[str] = field(default_factory=list)
    open_alerts: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "mode": self.mode,
            "why_full": self.why_full,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 3),
            "threshold": self.threshold,
            "customers": {
                "total": self.customers_total,
                "new_or_changed": self.customers_new_or_changed,
                "screened": self.customers_screened,
                "why_screened": self.reasons,
            },
            "lists": self.lists,
            "alerts": {
                "new": self.new_alerts,
                "reopened": self.reopened,
                "closed": self.closed,
                "closed_delisted": self.closed_delisted,
                "decided_delisted": self.decided_delisted,
                "open_now": self.open_alerts,
                "by_status": self.status_counts,
            },
            "hits": self.hits,
            "errors": self.errors,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def text(self) -> str:
        lines = [
            f"Monitoring run {self.run_id} ({self.mode}"
            + (f": {self.why_full}" if self.why_full else "")
            + f"), started {self.started_at[:19].replace('T', ' ')} UTC, took {self.seconds:.1f} s"
        ]
        changed = [x for x in self.lists if x.get("added") or x.get("changed") or x.get("removed")]
        for x in self.lists:
            frm = x.get("from_version")
            label = (
                f"version {frm} -> {x['to_version']}"
                if frm
                else f"version {x['to_version']} (first run)"
            )
            lines.append(
                f"List {x['source']}: {label}, data date {x.get('data_date') or 'not given'}:"
                f" {x.get('added', 0):,} added, {x.get('changed', 0):,} changed,"
                f" {x.get('removed', 0):,} removed"
            )
        if not changed:
            lines.append("No list changed since the last run.")
        lines.append(
            f"Customers: {self.customers_total:,} in the book, {self.customers_new_or_changed:,} new or"
            f" changed; {self.customers_screened:,} screened"
            + (
                " (all)"
                if self.mode == "full"
                else f", the other {self.customers_total - self.customers_screened:,} cannot be"
                " affected by these changes"
            )
        )
        if self.mode == "delta" and self.reasons:
            lines.append(
                "  why screened: " + "; ".join(f"{k}: {v:,}" for k, v in self.reasons.items())
            )
        lines.append(
            f"Alerts: {self.new_alerts:,} new, {self.reopened:,} reopened, {self.closed:,} closed"
            + (
                f" ({self.closed_delisted:,} because the entity left its list)"
                if self.closed_delisted
                else ""
            )
        )
        if self.decided_delisted:
            lines.append(
                f"  {self.decided_delisted:,} decided alerts concern entities that left their list"
                " (review true matches: the party may no longer be sanctioned)"
            )
        sc = self.status_counts
        lines.append(
            f"Now: {sc.get('open', 0):,} open, {sc.get('true_match', 0):,} true matches,"
            f" {sc.get('false_positive', 0):,} false positives, {sc.get('closed', 0):,} closed;"
            f" {self.hits:,} current hits"
        )
        if self.errors:
            lines.append(f"{len(self.errors):,} customers could not be screened:")
            lines.extend(f"  {e}" for e in self.errors[:10])
        return "\n".join(lines)


def _entities(lists: ListStore, hashes: Iterable[str]) -> list[Entity]:
    recs = lists.records(hashes)
    return [Entity.from_dict(d) for d in recs.values()]


def _index_versions(lists: ListStore, index: ScreeningIndex) -> list[VersionInfo]:
    """The store versions an index was built from (it says which, by number)."""
    out = []
    for v in index.versions:
        source, number = str(v["source"]), v["version"]
        info = lists.resolve(source, int(str(number)))
        if info.sha256 != v.get("sha256"):
            raise WatchlistError(f"the index does not match {source} version {number}")
        out.append(info)
    return out


def run_monitor(
    engine: Engine,
    lists: ListStore,
    *,
    threshold: float,
    limit: int,
    index: ScreeningIndex | None = None,
    cache_dir: Path | None = None,
    full: bool = False,
    workers: int = 1,
    actor: str = "monitor",
    full_share: float = FULL_SHARE,
) -> RunSummary:
    """Screen what can have changed since the last run (everything on the first run, with
    ``full``, or when the threshold, limit or matcher changed), update the alerts, write
    the run and its alerts to the audit trail, and say what happened."""
    t0 = time.perf_counter()
    summary = RunSummary(started_at=now_iso(), threshold=threshold)
    timings: dict[str, float] = {}
    if index is None:
        from watchlist.screen.engine import load_index

        if not lists.current_versions():
            raise WatchlistError(
                "no list loaded yet: run `watchlist update` or `watchlist load SOURCE PATH` first"
            )
        index = load_index(lists, cache_dir)
        timings["index"] = time.perf_counter() - t0
    versions = _index_versions(lists, index)
    if not versions:
        raise WatchlistError("no list loaded yet: nothing to monitor against")
    tf = time.perf_counter()
    fingerprint = engine_fingerprint()
    timings["matcher fingerprint"] = time.perf_counter() - tf
    tf = time.perf_counter()
    with engine.connect() as conn:
        prev_run = mon.last_run(conn)
        monitored = mon.monitored_versions(conn)
        rows = mon.all_customers(conn)
        stored_raw = mon.stored_matches(conn) if prev_run is not None else {}
    timings["read"] = time.perf_counter() - tf
    customers = [Customer(r.id, r.name, r.dob, r.country, r.type, r.identifiers) for r in rows]
    hashes = {r.id: r.hash for r in rows}
    changed_customers = {r.id for r in rows if r.hash != r.screened_hash}
    summary.customers_total = len(customers)
    summary.customers_new_or_changed = len(changed_customers)
    # What changed in each list since the version last monitored.
    t = time.perf_counter()
    members: dict[str, dict[str, str]] = {}
    changes: list[ListChange] = []
    old_hashes: dict[str, str] = {}
    for v in versions:
        new = lists.members(v)
        members[v.source] = new
        prev = monitored.get(v.source)
        if prev is not None and prev.version_id == v.id:
            changes.append(ListChange(v.source, v.version, v.version))
            continue
        old = lists.members(lists.resolve(v.source, prev.version)) if prev is not None else {}
        ch = member_changes(v.source, prev.version if prev else None, v.version, old, new)
        changes.append(ch)
        old_hashes.update({eid: old[eid] for eid in (*ch.changed, *ch.removed)})
    for v, ch in zip(versions, changes, strict=True):
        summary.lists.append({**ch.as_json(), "data_date": v.data_date})
    entity_hash = {eid: h for m in members.values() for eid, h in m.items()}
    timings["list changes"] = time.perf_counter() - t
    # Full or delta?
    why_full = None
    if full:
        why_full = "asked for"
    elif prev_run is None:
        why_full = "first run"
    elif abs(prev_run.threshold - threshold) > 1e-12 or prev_run.hit_limit != limit:
        why_full = (
            f"threshold or hit limit changed (was {prev_run.threshold} / {prev_run.hit_limit})"
        )
    elif prev_run.fingerprint != fingerprint:
        why_full = "the matcher changed since the last run"
    elif prev_run.summary.get("near_margin") != NEAR_MARGIN:
        why_full = "monitoring parameters changed"
    elif set(monitored) - {v.source for v in versions}:
        why_full = "a monitored list is no longer loaded"
    forms_path = cache_dir / "customer-forms.pickle" if cache_dir is not None else None
    forms_cache: FormCache | None = None
    t = time.perf_counter()
    if why_full is not None:
        summary.mode, summary.why_full = "full", why_full
        todo = customers
    else:
        stored = {
            cid: [Stored(eid, score, hit) for eid, score, hit in ms]
            for cid, ms in stored_raw.items()
        }
        new_ids = [eid for ch in changes for eid in (*ch.added, *ch.changed)]
        new_records = _entities(lists, (entity_hash[e] for e in new_ids))
        old_records = _entities(lists, old_hashes.values())
        forms = None
        if any(ch.total for ch in changes):
            tf = time.perf_counter()
            forms_cache = FormCache.load(forms_path, fingerprint)
            forms = forms_cache.for_customers(customers)
            timings["customer forms"] = time.perf_counter() - tf
        plan = plan_delta(
            index,
            customers,
            changed_customers,
            stored,
            changes,
            new_records,
            old_records,
            threshold,
            limit,
            forms,
            full_share,
            workers,
        )
        summary.reasons = plan.reasons
        timings.update({f"plan: {k}": v for k, v in plan.timings.items()})
        if plan.full:
            summary.mode = "full"
            summary.why_full = (
                f"the list change reaches more than {full_share:.0%} of the customers"
            )
            todo = customers
        else:
            todo = [c for c in customers if c.id in plan.customers]
    timings["plan"] = time.perf_counter() - t
    t = time.perf_counter()
    results = list(screen_customers(index, todo, threshold, limit, workers=workers))
    timings["screen"] = time.perf_counter() - t
    if forms_cache is None and forms_path is not None and len(todo) == len(customers):
        # A full run keeps the customers' analysed names for the next delta run.
        t = time.perf_counter()
        forms_cache = FormCache.load(forms_path, fingerprint)
        forms_cache.for_customers(customers)
        timings["customer forms"] = time.perf_counter() - t
    summary.customers_screened = len(todo)
    t = time.perf_counter()
    with audited(engine) as tx:
        latest = mon.last_run(tx.conn)
        if (latest.id if latest else None) != (prev_run.id if prev_run else None):
            raise WatchlistError(
                "another monitoring run finished while this one was running; nothing was"
                " written: run `watchlist monitor` again"
            )
        run_id = mon.insert_run(
            tx.conn,
            {
                "started_at": summary.started_at,
                "finished_at": summary.started_at,
                "seconds": 0.0,
                "mode": summary.mode,
                "threshold": threshold,
                "hit_limit": limit,
                "fingerprint": fingerprint,
                "actor": actor,
                "summary": {},
            },
        )
        summary.run_id = run_id
        _apply_results(
            tx,
            lists,
            summary,
            results,
            {c.id: c for c in todo},
            hashes,
            entity_hash,
            changes,
            versions,
            run_id,
            actor,
            full=summary.mode == "full",
        )
        mon.set_monitored_versions(
            tx.conn,
            [mon.MonitoredVersion(v.source, v.id, v.version, v.sha256) for v in versions],
            run_id,
        )
        summary.status_counts = mon.status_counts(tx.conn)
        summary.open_alerts = summary.status_counts.get("open", 0)
        summary.hits = int(
            tx.conn.execute(
                select(func.count())
                .select_from(mon.monitor_matches)
                .where(mon.monitor_matches.c.hit.is_(True))
            ).scalar_one()
        )
        timings["write"] = time.perf_counter() - t
        summary.seconds = time.perf_counter() - t0
        summary.timings = timings
        data = summary.as_json()
        data["near_margin"] = NEAR_MARGIN
        data["versions"] = [
            {"source": v.source, "version": v.version, "sha256": v.sha256} for v in versions
        ]
        mon.update_run_summary(tx.conn, run_id, data)
        tx.conn.execute(
            update(mon.monitor_runs)
            .where(mon.monitor_runs.c.id == run_id)
            .values(finished_at=now_iso(), seconds=summary.seconds)
        )
        audit_data = {k: v for k, v in data.items() if k != "timings"}
        audit_data["errors"] = summary.errors[:50]
        tx.record("monitor.run", audit_data, subject=f"run:{run_id}", actor=actor)
    if forms_cache is not None:
        forms_cache.save()
    return summary


def _close_reason(
    a: mon.AlertRow,
    entity_hash: Mapping[str, str],
    customer_hash: str | None,
    where: Mapping[str, tuple[str, int, str | None]],
) -> tuple[str, bool]:
    """(why an open alert no longer stands, whether it is because the entity left)."""
    if a.entity_id not in entity_hash:
        src = where.get(a.entity_id.partition(":")[0])
        if src is not None:
            return (
                f"entity removed from {src[0]} (version {src[1]}, data date {src[2] or 'not given'})",
                True,
            )
        return "entity removed from its list", True
    if customer_hash is None:
        return "customer no longer in the book", False
    if customer_hash != a.customer_hash:
        return "no longer matches: the customer's data changed", False
    if entity_hash.get(a.entity_id) != a.entity_hash:
        return "no longer matches: the list entry changed", False
    return "no longer matches after a list change (score now below the threshold)", False


def _entity_changes(lists: ListStore, old: str | None, new: str | None) -> dict[str, Any]:
    if not old or not new or old == new:
        return {}
    recs = lists.records([old, new])
    if old not in recs or new not in recs:
        return {}
    return {k: [o, n] for k, (o, n) in field_changes(recs[old], recs[new]).items()}


def _apply_results(
    tx: AuditedTransaction,
    lists: ListStore,
    summary: RunSummary,
    results: Sequence[CustomerResult],
    screened: Mapping[str, Customer],
    customer_hash: Mapping[str, str],
    entity_hash: Mapping[str, str],
    changes: Sequence[ListChange],
    versions: Sequence[VersionInfo],
    run_id: int,
    actor: str,
    *,
    full: bool,
) -> None:
    """Store the new matches and move the alerts: open new ones, reopen false positives
    whose data changed, close open ones that no longer stand."""
    conn = tx.conn
    now = now_iso()
    where = {v.source: (v.source, v.version, v.data_date) for v in versions}
    removed = sorted({eid for ch in changes for eid in ch.removed})
    ok = [r for r in results if r.error is None]
    summary.errors = [f"customer {r.customer_id}: {r.error}" for r in results if r.error]
    ok_ids = [r.customer_id for r in ok]
    match_rows = [
        {
            "customer_id": m.customer_id,
            "entity_id": m.entity_id,
            "score": m.score,
            "hit": m.hit,
            "run_id": run_id,
        }
        for r in ok
        for m in r.matches
    ]
    mon.replace_matches(conn, ok_ids, match_rows, everything=full)
    mon.mark_screened(conn, [(cid, customer_hash[cid]) for cid in ok_ids], now)
    existing = mon.alerts_for(conn, None if full else ok_ids, removed)
    hits_now: set[tuple[str, str]] = set()
    for r in ok:
        c = screened[r.customer_id]
        ch = customer_hash[c.id]
        for m in r.hits:
            pair = (c.id, m.entity_id)
            hits_now.add(pair)
            eh = entity_hash.get(m.entity_id)
            detail = m.hit_data or {}
            a = existing.get(pair)
            subject = None
            if a is None:
                aid = mon.insert_alert(
                    conn,
                    {
                        "customer_id": c.id,
                        "entity_id": m.entity_id,
                        "status": "open",
                        "score": m.score,
                        "customer_name": c.name,
                        "entity_name": str(detail.get("entity_name", "")),
                        "source": str(detail.get("source", "")),
                        "detail": mon.dumps(detail),
                        "customer_hash": ch,
                        "entity_hash": eh,
                        "created_at": now,
                        "updated_at": now,
                        "run_id": run_id,
                    },
                )
                summary.new_alerts += 1
                tx.record(
                    "alert.opened",
                    {
                        "alert": aid,
                        "customer_id": c.id,
                        "customer_name": c.name,
                        "entity_id": m.entity_id,
                        "entity_name": detail.get("entity_name"),
                        "score": round(m.score, 4),
                        "run": run_id,
                    },
                    subject=f"alert:{aid}",
                    actor=actor,
                )
                continue
            subject = f"alert:{a.id}"
            fresh = {
                "score": m.score,
                "customer_name": c.name,
                "entity_name": str(detail.get("entity_name", a.entity_name)),
                "detail": mon.dumps(detail),
                "customer_hash": ch,
                "entity_hash": eh,
            }
            if a.status == "open":
                if (a.customer_hash, a.entity_hash) != (ch, eh):
                    mon.update_alert(conn, a.id, {**fresh, "updated_at": now})
                    tx.record(
                        "alert.updated",
                        {"alert": a.id, "score": round(m.score, 4), "run": run_id},
                        subject=subject,
                        actor=actor,
                    )
                elif abs(a.score - m.score) > 1e-9:
                    mon.update_alert(conn, a.id, fresh)
                continue
            if a.status == "false_positive":
                d = mon.last_decision(conn, a.id)
                d_ch = d["customer_hash"] if d else a.customer_hash
                d_eh = d["entity_hash"] if d else a.entity_hash
                if (d_ch, d_eh) == (ch, eh):
                    continue  # decided on this very data: no new alert
                what: dict[str, Any] = {}
                if d_ch != ch:
                    what["customer"] = customer_changes((d or {}).get("customer") or {}, c.fields())
                if d_eh != eh:
                    what["entity"] = _entity_changes(lists, d_eh, eh)
                reason = (
                    "reopened: "
                    + " and ".join(
                        x
                        for x, on in (
                            ("the customer's data changed", d_ch != ch),
                            ("the list entry changed", d_eh != eh),
                        )
                        if on
                    )
                    + " since it was decided a false positive"
                )
            elif a.status == "closed":
                what = {}
                if a.customer_hash != ch:
                    what["customer"] = {"changed": True}
                if a.entity_hash != eh:
                    what["entity"] = _entity_changes(lists, a.entity_hash, eh)
                reason = "reopened: matches again"
            else:  # true_match: stays confirmed
                if (a.customer_hash, a.entity_hash) != (ch, eh):
                    mon.update_alert(conn, a.id, {**fresh, "updated_at": now})
                    tx.record(
                        "alert.updated",
                        {"alert": a.id, "status": a.status, "run": run_id},
                        subject=subject,
                        actor=actor,
                    )
                continue
            mon.update_alert(
                conn,
                a.id,
                {
                    **fresh,
                    "status": "open",
                    "reason": reason,
                    "changes": mon.dumps(what),
                    "updated_at": now,
                },
            )
            summary.reopened += 1
            tx.record(
                "alert.reopened",
                {"alert": a.id, "was": a.status, "reason": reason, "changes": what, "run": run_id},
                subject=subject,
                actor=actor,
            )
    # Alerts that no longer stand.
    ok_set = set(ok_ids)
    for pair, a in existing.items():
        if pair in hits_now:
            continue
        if a.customer_id not in ok_set and a.entity_id in entity_hash:
            continue  # not screened this run and still listed: unchanged
        gone = a.entity_id not in entity_hash
        if a.status == "open":
            reason, delisted = _close_reason(
                a, entity_hash, customer_hash.get(a.customer_id), where
            )
            mon.update_alert(conn, a.id, {"status": "closed", "reason": reason, "updated_at": now})
            summary.closed += 1
            summary.closed_delisted += int(delisted)
            tx.record(
                "alert.closed",
                {"alert": a.id, "reason": reason, "run": run_id},
                subject=f"alert:{a.id}",
                actor=actor,
            )
        elif (
            gone and a.status in ("true_match", "false_positive") and a.reason != "entity delisted"
        ):
            reason, _ = _close_reason(a, entity_hash, customer_hash.get(a.customer_id), where)
            mon.update_alert(conn, a.id, {"reason": "entity delisted", "updated_at": now})
            summary.decided_delisted += 1
            tx.record(
                "alert.entity_removed",
                {"alert": a.id, "status": a.status, "reason": reason, "run": run_id},
                subject=f"alert:{a.id}",
                actor=actor,
            )


# ------------------------------------------------------------------ alerts and decisions

DECISIONS = ("false_positive", "true_match")


def list_alerts(
    engine: Engine,
    *,
    status: str | Sequence[str] | None = None,
    customer_id: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[mon.AlertRow], int]:
    """A page of alerts (newest change first) and the total that match the filters."""
    statuses = [status] if isinstance(status, str) else list(status or ())
    if "all" in statuses:
        statuses = []
    for s in statuses:
        if s not in mon.ALERT_STATUSES:
            raise InputError(f"status: {s!r} is not one of {', '.join(mon.ALERT_STATUSES)}, all")
    if limit < 1 or offset < 0:
        raise InputError("limit must be at least 1 and offset not negative")
    with engine.connect() as conn:
        return mon.list_alerts(
            conn,
            statuses=statuses,
            customer_id=customer_id,
            entity_id=entity_id,
            limit=limit,
            offset=offset,
        )


def get_alert(engine: Engine, alert_id: int) -> mon.AlertRow:
    with engine.connect() as conn:
        a = mon.get_alert(conn, alert_id)
    if a is None:
        raise NotFoundError(f"no alert {alert_id}")
    return a


def decide(engine: Engine, alert_id: int, decision: str, *, reason: str, by: str) -> mon.AlertRow:
    """Record an analyst's decision on an alert: who, when, why, on which data."""
    decision = decision.strip().lower().replace("-", "_")
    if decision not in DECISIONS:
        raise InputError(f"decision: {decision!r} is not one of false_positive, true_match")
    reason = (reason or "").strip()
    by = (by or "").strip()
    if not reason:
        raise InputError("reason: say why (it goes to the audit trail)")
    if not by:
        raise InputError("by: say who decides")
    if len(by) > 200:
        raise InputError("by: longer than 200 characters")
    with audited(engine) as tx:
        a = mon.get_alert(tx.conn, alert_id)
        if a is None:
            raise NotFoundError(f"no alert {alert_id}")
        if a.status == "closed":
            raise InputError(
                f"alert {alert_id} is closed ({a.reason or 'no longer matches'}): nothing to decide"
            )
        cust = mon.get_customer(tx.conn, a.customer_id)
        snapshot = (
            Customer(
                cust.id, cust.name, cust.dob, cust.country, cust.type, cust.identifiers
            ).fields()
            if cust is not None
            else {}
        )
        at = now_iso()
        did = mon.insert_decision(
            tx.conn,
            {
                "alert_id": a.id,
                "decision": decision,
                "decided_by": by,
                "decided_at": at,
                "reason": reason,
                "customer_hash": a.customer_hash,
                "entity_hash": a.entity_hash,
                "customer": mon.dumps(snapshot),
            },
        )
        mon.update_alert(
            tx.conn,
            a.id,
            {
                "status": decision,
                "decided_by": by,
                "decided_at": at,
                "decision_reason": reason,
                "reason": None,
                "changes": None,
                "updated_at": at,
            },
        )
        tx.record(
            "alert.decided",
            {
                "alert": a.id,
                "decision_id": did,
                "decision": decision,
                "was": a.status,
                "reason": reason,
                "customer_id": a.customer_id,
                "entity_id": a.entity_id,
                "customer_hash": a.customer_hash,
                "entity_hash": a.entity_hash,
            },
            subject=f"alert:{a.id}",
            actor=by,
        )
        # The decision row points at its audit record (the next number in the chain).
        head_seq = tx.conn.execute(select(audit_head.c.seq)).scalar_one()
        mon.set_decision_seq(tx.conn, did, int(head_seq) + len(tx.events))
    return get_alert(engine, alert_id)


def check_alerts_against_audit(engine: Engine) -> list[str]:
    """Alerts and decisions whose stored state the audit trail does not back: each alert's
    status must be the one its last audit record gives it, and each decision must have its
    audit record with the same decision, author and reason. Catches edits of the alert
    tables made behind the application's back (the audit chain itself is ``verify``'s)."""
    problems: list[str] = []
    with engine.connect() as conn:
        last: dict[str, dict[str, Any]] = {}
        decided: dict[int, dict[str, Any]] = {}
        q = (
            select(
                audit_log.c.seq,
                audit_log.c.kind,
                audit_log.c.subject,
                audit_log.c.actor,
                audit_log.c.data,
            )
            .where(audit_log.c.kind.startswith("alert."))
            .order_by(audit_log.c.seq)
        )
        for seq, kind, subject, actor_, data in conn.execute(q):
            try:
                d = orjson.loads(data)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(d, dict) or not subject:
                continue
            status = {
                "alert.opened": "open",
                "alert.reopened": "open",
                "alert.closed": "closed",
                "alert.decided": d.get("decision"),
            }.get(kind)
            if status is not None:
                last[subject] = {"status": status, "seq": seq}
            if kind == "alert.decided" and isinstance(d.get("decision_id"), int):
                decided[d["decision_id"]] = {**d, "actor": actor_, "seq": seq}
        for a in conn.execute(select(mon.alerts.c.id, mon.alerts.c.status)):
            rec = last.get(f"alert:{a.id}")
            if rec is None:
                problems.append(f"alert {a.id} ({a.status}) has no audit record")
            elif rec["status"] != a.status:
                problems.append(
                    f"alert {a.id} is {a.status!r} but the audit trail (record {rec['seq']})"
                    f" says {rec['status']!r}"
                )
        for d in mon.all_decisions(conn):
            rec = decided.get(d.id)
            if rec is None:
                problems.append(f"decision {d.id} on alert {d.alert_id} has no audit record")
            elif (rec.get("decision"), rec.get("actor"), rec.get("reason"), rec.get("alert")) != (
                d.decision,
                d.decided_by,
                d.reason,
                d.alert_id,
            ):
                problems.append(
                    f"decision {d.id} on alert {d.alert_id} differs from its audit record"
                    f" {rec['seq']}"
                )
    return problems
