"""The pieces the delta's exactness rests on, checked against the screener itself: the
customer index reaches every customer whose screen retrieves a name, the pair check keeps
every customer a changed entry can alert, customer forms are the screen's own, and the
evidence bound is the screener's."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from tests.monitor.synth import customers
from watchlist.index import ScreeningIndex
from watchlist.match.evidence import COUNTRY_MATCH, DOB_EXACT, DOCUMENT_MATCH
from watchlist.model import Entity
from watchlist.screen import screen
from watchlist.screen.monitor import (
    NEAR_MARGIN,
    Customer,
    CustomerIndex,
    FormCache,
    ListChange,
    Stored,
    can_match,
    customer_forms,
    engine_fingerprint,
    evidence_bound,
    filed_names,
    plan_delta,
    reached,
    screen_customer,
    touches,
)
from watchlist.screen.screener import MAX_POSITIVE_EVIDENCE, query_forms

THRESHOLD = 0.8


@pytest.fixture(scope="module")
def world(
    sdn19: list[Entity], sdn21: list[Entity]
) -> tuple[ScreeningIndex, list[Customer], list[Entity]]:
    rng = random.Random(3)
    entities = rng.sample(sdn21, 2500)
    index = ScreeningIndex.build(entities)
    rows = customers(600, entities, seed=4, planted_share=0.2)
    book = [
        Customer(r["id"], r["name"], r.get("dob"), r.get("country"), r.get("type")) for r in rows
    ]
    return index, book, entities


def test_customer_forms_are_the_screens_forms(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, _ = world
    for c in book[:200]:
        weighted = [index.weigh(f) for f in customer_forms(c.name, c.type)]
        assert weighted == query_forms(index, c.query(), c.query().entity_type())


def test_customer_index_reaches_every_retrieved_name(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, _ = world
    cidx = CustomerIndex(index, book)
    keys, skels = index.filing()
    pairs = 0
    for pos, c in enumerate(book):
        forms = query_forms(index, c.query(), c.type)
        for nid, fis in index.candidates(forms, max_names=10_000):
            reached = cidx.reach(keys[nid], skels[nid])
            for fi in fis:
                assert cidx.form_ids[pos][fi] in reached, (c.name, index.names[nid].name)
                pairs += 1
    assert pairs > 5000


def test_filed_names_are_filed_as_the_index_files_them(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, _, entities = world
    keys, skels = index.filing()
    truth: dict[tuple[str, tuple[str, ...]], tuple[set[str], set[str]]] = {}
    for nid, n in enumerate(index.names):
        truth[(index.profiles[n.entity].id + n.name, n.form.tokens)] = (keys[nid], skels[nid])
    sample = entities[:300]
    got = filed_names(sample)
    expected = [
        truth[(e.id + nm, f.tokens)]
        for e in sample
        for nm, f in ((n.name, n.form) for n in index.names if index.profiles[n.entity].id == e.id)
    ]
    assert [(set(g.keys), set(g.skeletons)) for g in got] == expected


def test_pair_check_keeps_every_customer_a_changed_entry_alerts(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, entities = world
    changed = random.Random(5).sample(entities, 400)
    ids = {e.id for e in changed}
    cidx = CustomerIndex(index, book)
    found, busy = can_match(index, cidx, touches(index, cidx, changed), THRESHOLD)
    alerted = {
        c.id
        for c in book
        if any(
            h.entity_id in ids for h in screen(index, c.query(), threshold=THRESHOLD, limit=10).hits
        )
    }
    assert alerted, "the sample should plant some of the changed entries"
    assert alerted <= found | busy
    assert len(found | busy) < len(book) / 2


def test_screen_customer_hits_are_the_screens(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, _ = world
    for c in book[:300]:
        res = screen_customer(index, c, THRESHOLD, 3)
        want = screen(index, c.query(), threshold=THRESHOLD, limit=3).hits
        assert [(m.entity_id, m.score) for m in res.hits] == [(h.entity_id, h.score) for h in want]
        assert all(m.score >= THRESHOLD - NEAR_MARGIN for m in res.matches)


def test_evidence_bound_is_the_screeners() -> None:
    assert abs(DOB_EXACT + COUNTRY_MATCH + DOCUMENT_MATCH - MAX_POSITIVE_EVIDENCE) < 1e-12
    assert evidence_bound(Customer("1", "A")) == 0
    assert evidence_bound(Customer("1", "A", "1970", "fr", None, ("X",))) == pytest.approx(
        MAX_POSITIVE_EVIDENCE
    )


def test_fingerprint_and_form_cache(tmp_path: Path) -> None:
    fp = engine_fingerprint()
    assert fp == engine_fingerprint() and len(fp) == 64
    book = [
        Customer("1", "Ali Hassan", type="person"),
        Customer("2", "Acme Ltd", type="organization"),
    ]
    cache = FormCache.load(tmp_path / "forms.pickle", fp)
    forms = cache.for_customers(book)
    cache.save()
    again = FormCache.load(tmp_path / "forms.pickle", fp)
    assert again.for_customers(book) == forms and not again.dirty
    assert FormCache.load(tmp_path / "forms.pickle", "other").forms == {}
    (tmp_path / "forms.pickle").write_bytes(b"garbage")
    assert FormCache.load(tmp_path / "forms.pickle", fp).forms == {}


def test_plan_is_the_same_on_forked_workers(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, entities = world
    stored = {
        c.id: [
            Stored(m.entity_id, m.score, m.hit)
            for m in screen_customer(index, c, THRESHOLD, 10).matches
        ]
        for c in book
    }
    sample = random.Random(9).sample(entities, 150)
    change = ListChange(
        "ofac-sdn", 1, 2, added=[e.id for e in sample[:100]], changed=[e.id for e in sample[100:]]
    )

    def plan(workers: int) -> Any:
        return plan_delta(
            index,
            book,
            [],
            stored,
            [change],
            sample,
            sample[100:],
            THRESHOLD,
            10,
            full_share=1.0,
            workers=workers,
        )

    one, two = plan(1), plan(2)
    assert one.customers == two.customers and one.reasons == two.reasons
    assert 0 < len(one.customers) < len(book)


def test_reached_is_who_touches_lists_and_stops_past_its_budget(
    world: tuple[ScreeningIndex, list[Customer], list[Entity]],
) -> None:
    index, book, entities = world
    left = random.Random(6).sample(entities, 300)
    cidx = CustomerIndex(index, book)
    every = reached(cidx, left)
    assert every == set(touches(index, cidx, left))
    assert every, "300 entries should reach some customers"
    some = reached(cidx, left, budget=len(every) / 3)
    assert len(every) / 3 < len(some) <= len(every) and some <= every
