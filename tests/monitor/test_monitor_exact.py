"""The delta run gives exactly the alerts of a full re-screen: proven on the real OFAC SDN
change from 2019-01-15 to 2021-07-07 (1,858 entries added, 843 changed, 261 removed),
with a customer book built from real name parts and planted listed persons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.monitor.conftest import Store, write_csv
from tests.monitor.synth import customers
from watchlist.index import ScreeningIndex
from watchlist.model import Entity
from watchlist.screen import screen
from watchlist.screen.engine import build_index
from watchlist.screen.monitor import (
    Customer,
    RunSummary,
    import_customers,
    run_monitor,
)
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.store import ListStore, open_engine
from watchlist.store import monitoring as mon
from watchlist.store.audit import verify

N_CUSTOMERS = 2000
LIMIT = 10


def full_rescreen(store: Store, index: ScreeningIndex) -> set[tuple[str, str]]:
    """From scratch: every customer of the book, screened against the current lists."""
    with store.engine.connect() as conn:
        rows = mon.all_customers(conn)
    out = set()
    for r in rows:
        q = Customer(r.id, r.name, r.dob, r.country, r.type, r.identifiers).query()
        for h in screen(index, q, threshold=DEFAULT_THRESHOLD, limit=LIMIT).hits:
            out.add((r.id, h.entity_id))
    return out


@pytest.fixture(scope="module")
def change(
    tmp_path_factory: pytest.TempPathFactory, sdn19: list[Entity], sdn21: list[Entity]
) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("exact")
    engine = open_engine(str(tmp / "watchlist.db"))
    store = Store(engine, ListStore(engine), tmp)
    store.load(sdn19)
    rows = customers(N_CUSTOMERS, sdn19, sdn21, seed=11)
    rep = import_customers(engine, write_csv(tmp / "book.csv", rows))
    assert rep.errors == [] and rep.added == N_CUSTOMERS
    first = run_monitor(
        engine, store.lists, threshold=DEFAULT_THRESHOLD, limit=LIMIT, cache_dir=tmp / "cache"
    )
    hits19 = mon.hit_pairs(engine)
    store.load(sdn21)
    index21 = build_index(store.lists)  # the index of the current lists, as every run builds it
    # full_share=1: stay on the delta path however much of the book the change reaches
    # (by default a change that reaches most customers runs in full, being cheaper).
    second = run_monitor(
        engine,
        store.lists,
        threshold=DEFAULT_THRESHOLD,
        limit=LIMIT,
        index=index21,
        full_share=1.0,
    )
    return {
        "store": store,
        "rows": rows,
        "first": first,
        "second": second,
        "hits19": hits19,
        "hits21": mon.hit_pairs(engine),
        "full21": full_rescreen(store, index21),
        "index21": index21,
    }


def test_first_run_is_full_and_equals_a_full_screen(change: dict[str, Any]) -> None:
    first: RunSummary = change["first"]
    assert first.mode == "full" and first.why_full == "first run"
    assert first.customers_screened == N_CUSTOMERS
    assert first.new_alerts == len(change["hits19"]) > 0


def test_delta_alerts_equal_full_rescreen_on_real_ofac_change(change: dict[str, Any]) -> None:
    second: RunSummary = change["second"]
    assert second.mode == "delta"
    assert change["hits21"] == change["full21"]
    # ... while screening only the customers the change can reach
    assert 0 < second.customers_screened < N_CUSTOMERS
    lst = second.lists[0]
    assert (lst["added"], lst["changed"], lst["removed"]) == (1858, 843, 261)


def test_delta_finds_persons_added_in_2021(
    change: dict[str, Any], sdn19: list[Entity], sdn21: list[Entity]
) -> None:
    added = {e.id for e in sdn21} - {e.id for e in sdn19}
    new_pairs = change["hits21"] - change["hits19"]
    assert any(eid in added for _, eid in new_pairs)
    second: RunSummary = change["second"]
    assert second.new_alerts >= len({p for p in new_pairs if p[1] in added}) > 0


def test_removed_entities_close_their_alerts(change: dict[str, Any]) -> None:
    second: RunSummary = change["second"]
    assert second.closed_delisted > 0
    store: Store = change["store"]
    with store.engine.connect() as conn:
        closed, _ = mon.list_alerts(conn, statuses=["closed"], limit=1000)
    delisted = [a for a in closed if a.reason and a.reason.startswith("entity removed from")]
    assert len(delisted) == second.closed_delisted
    assert all("ofac-sdn (version 2" in (a.reason or "") for a in delisted)


def test_run_summary_reads_for_a_compliance_officer(change: dict[str, Any]) -> None:
    text = change["second"].text()
    assert "ofac-sdn: version 1 -> 2" in text
    assert "1,858 added, 843 changed, 261 removed" in text
    assert f"{N_CUSTOMERS:,} in the book" in text
    assert "new," in text and "closed" in text


def test_nothing_changed_screens_nobody(change: dict[str, Any], tmp_path: Path) -> None:
    store: Store = change["store"]
    again = run_monitor(
        store.engine,
        store.lists,
        threshold=DEFAULT_THRESHOLD,
        limit=LIMIT,
        index=change["index21"],
    )
    assert again.mode == "delta"
    assert again.customers_screened == 0 and again.new_alerts == 0 and again.closed == 0
    assert mon.hit_pairs(store.engine) == change["full21"]
    assert "No list changed since the last run." in again.text()
    assert verify(store.engine).ok
