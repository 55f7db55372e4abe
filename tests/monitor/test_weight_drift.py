"""A hit can leave a customer's screen with no list entry touching the customer: the
rarity weights move with every change, and with them the order of the capped candidate
list. Found by benchmarks/bench_monitor.py on 18 real OFAC additions: Ibrahim Al-Tikriti
(born 1971-02-27) matched AL-TIKRITI, Omar Sabawi Ibrahim Hasan against the 2019 list,
one of a dozen AL-TIKRITI ... IBRAHIM names tied at the cap, and no longer does once 18
unrelated persons are added; re-scoring the pair alone kept the stale hit."""

from __future__ import annotations

import random

from tests.monitor.conftest import Store, write_csv
from watchlist.model import Entity
from watchlist.screen import screen
from watchlist.screen.engine import build_index
from watchlist.screen.monitor import Customer, import_customers, run_monitor
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.store import monitoring as mon

CUSTOMER = {"id": "C1", "name": "Ibrahim Al-Tikriti", "dob": "1971-02-27", "type": "person"}
OTHERS = [{"id": f"C{i}", "name": name, "type": "person"} for i, name in
          enumerate(["Maria Gonzalez Ruiz", "Peter Novak", "Li Wei", "Olena Shevchenko"], start=2)]


def test_a_hit_weights_push_out_of_the_candidates_is_screened_again(
    store: Store, sdn19: list[Entity], sdn21: list[Entity]
) -> None:
    store.load(sdn19, "2019-01-15")
    import_customers(store.engine, write_csv(store.dir / "book.csv", [CUSTOMER, *OTHERS]))
    run_monitor(store.engine, store.lists, threshold=DEFAULT_THRESHOLD, limit=10, cache_dir=store.dir / "c")
    ids19 = {e.id for e in sdn19}
    added = sorted(e.id for e in sdn21 if e.id not in ids19)
    by_id = {e.id: e for e in sdn21}
    store.load(sdn19 + [by_id[i] for i in random.Random(7).sample(added, 18)], "2019-01-18")
    run = run_monitor(store.engine, store.lists, threshold=DEFAULT_THRESHOLD, limit=10, cache_dir=store.dir / "c")
    assert run.mode == "delta"
    index = build_index(store.lists)
    q = Customer("C1", CUSTOMER["name"], CUSTOMER["dob"], None, "person", ()).query()
    full = {("C1", h.entity_id) for h in screen(index, q, threshold=DEFAULT_THRESHOLD, limit=10).hits}
    assert {p for p in mon.hit_pairs(store.engine) if p[0] == "C1"} == full
