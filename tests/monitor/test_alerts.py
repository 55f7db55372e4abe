"""Alerts and analyst decisions on a small store of real OFAC SDN records: open, decided,
not raised again, reopened when the customer's data or the list entry changes (showing
what changed), closed when the entity leaves the list."""

from __future__ import annotations

import copy

import pytest

from tests.monitor.conftest import Store, write_csv
from tests.monitor.synth import natural
from watchlist.errors import InputError, NotFoundError
from watchlist.model import Entity, EntityType, Name, NameKind
from watchlist.screen.monitor import (
    RunSummary,
    check_alerts_against_audit,
    decide,
    get_alert,
    import_customers,
    list_alerts,
    run_monitor,
)
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.store import monitoring as mon
from watchlist.store.audit import records, verify


def _person_with_dob(entities: list[Entity], skip: int = 0) -> Entity:
    found = [
        e
        for e in entities
        if e.type == EntityType.PERSON
        and e.name.isascii()
        and e.names[0].parts.get("given")
        and any(d.iso() and len(d.iso() or "") == 10 for d in e.birth_dates)
    ]
    return found[skip]


@pytest.fixture
def small(sdn21: list[Entity]) -> list[Entity]:
    """800 real records (persons with a full date of birth among them)."""
    return sorted(sdn21, key=lambda e: e.id)[:800]


def run(store: Store) -> RunSummary:
    return run_monitor(store.engine, store.lists, threshold=DEFAULT_THRESHOLD, limit=10)


def only_alert(store: Store, customer_id: str, status: str = "all") -> mon.AlertRow:
    rows, _ = list_alerts(store.engine, status=status, customer_id=customer_id)
    assert len(rows) == 1, rows
    return get_alert(store.engine, rows[0].id)


def test_false_positive_stays_quiet_until_data_changes(store: Store, small: list[Entity]) -> None:
    x = _person_with_dob(small)
    store.load(small)
    book = [
        {"id": "C1", "name": natural(x), "type": "person"},
        {"id": "C2", "name": "Jonathan Whitfield-Abernathy", "type": "person"},
    ]
    import_customers(store.engine, write_csv(store.dir / "book.csv", book))
    first = run(store)
    assert first.new_alerts >= 1
    a = only_alert(store, "C1")
    assert (a.status, a.entity_id) == ("open", x.id)
    assert list_alerts(store.engine, customer_id="C2")[1] == 0

    decided = decide(
        store.engine, a.id, "false_positive", reason="different DOB, verified passport", by="alice"
    )
    assert decided.status == "false_positive" and decided.decided_by == "alice"
    assert decided.decision_reason == "different DOB, verified passport"
    assert decided.decided_at and decided.decisions[0]["by"] == "alice"

    # Nothing changed: no new alert, the decision stands.
    again = run(store)
    assert (again.customers_screened, again.new_alerts, again.reopened) == (0, 0, 0)
    assert only_alert(store, "C1").status == "false_positive"

    # Re-import unchanged: still nothing.
    rep = import_customers(store.engine, write_csv(store.dir / "book.csv", book))
    assert (rep.unchanged, rep.updated, rep.added) == (2, 0, 0)
    assert run(store).customers_screened == 0

    # The customer's data changes (a date of birth is added): the alert reopens, saying what.
    dob = next(d.iso() or "" for d in x.birth_dates if len(d.iso() or "") == 10)
    book[0]["dob"] = dob
    rep = import_customers(store.engine, write_csv(store.dir / "book.csv", book))
    assert (rep.updated, rep.unchanged) == (1, 1)
    after = run(store)
    assert after.customers_screened == 1 and after.reopened == 1 and after.new_alerts == 0
    a = only_alert(store, "C1")
    assert a.status == "open"
    assert a.changes == {"customer": {"dob": [None, dob]}}
    assert "customer's data changed" in (a.reason or "")


def test_entity_change_reopens_and_removal_closes(store: Store, small: list[Entity]) -> None:
    x = _person_with_dob(small)
    store.load(small)
    import_customers(
        store.engine, write_csv(store.dir / "b.csv", [{"id": "C1", "name": natural(x)}])
    )
    run(store)
    a = only_alert(store, "C1")
    decide(store.engine, a.id, "false-positive", reason="other person", by="bob")

    # The list entry changes (OFAC adds an alias): the false positive reopens.
    changed = copy.deepcopy(small)
    y = next(e for e in changed if e.id == x.id)
    y.names.append(Name("TEST ALIAS ADDED", NameKind.AKA, strength="strong"))
    store.load(changed)
    s = run(store)
    assert s.reopened == 1 and s.lists[0]["changed"] == 1
    a = only_alert(store, "C1")
    assert a.status == "open" and "list entry changed" in (a.reason or "")
    assert a.changes is not None and "names" in a.changes["entity"]
    old_names, new_names = a.changes["entity"]["names"]
    assert len(new_names) == len(old_names) + 1

    # The entity leaves the list: its open alert closes with that reason.
    store.load([e for e in changed if e.id != x.id])
    s = run(store)
    assert s.closed == 1 and s.closed_delisted == 1
    a = only_alert(store, "C1")
    assert a.status == "closed"
    assert a.reason == "entity removed from ofac-sdn (version 3, data date not given)"
    with pytest.raises(InputError, match="closed"):
        decide(store.engine, a.id, "true_match", reason="x", by="bob")

    # ... and comes back: the alert reopens.
    store.load(changed)
    s = run(store)
    assert s.reopened == 1
    assert only_alert(store, "C1").status == "open"
    assert check_alerts_against_audit(store.engine) == []
    assert verify(store.engine).ok


def test_true_match_kept_and_flagged_when_delisted(store: Store, small: list[Entity]) -> None:
    x = _person_with_dob(small, 1)
    store.load(small)
    import_customers(
        store.engine, write_csv(store.dir / "b.csv", [{"id": "T1", "name": natural(x)}])
    )
    run(store)
    a = only_alert(store, "T1")
    decide(store.engine, a.id, "true_match", reason="passport matches; account frozen", by="carol")
    store.load([e for e in small if e.id != x.id])
    s = run(store)
    assert s.decided_delisted == 1 and s.closed == 0
    a = only_alert(store, "T1")
    assert a.status == "true_match" and a.reason == "entity delisted"
    assert "left their list" in s.text()
    kinds = [r.kind for r in records(store.engine, subject=f"alert:{a.id}")]
    assert kinds == ["alert.opened", "alert.decided", "alert.entity_removed"]


def test_decide_refuses_bad_requests(store: Store, small: list[Entity]) -> None:
    x = _person_with_dob(small)
    store.load(small)
    import_customers(
        store.engine, write_csv(store.dir / "b.csv", [{"id": "C1", "name": natural(x)}])
    )
    run(store)
    a = only_alert(store, "C1")
    with pytest.raises(NotFoundError):
        decide(store.engine, 999_999, "true_match", reason="x", by="y")
    with pytest.raises(InputError, match="reason"):
        decide(store.engine, a.id, "true_match", reason="  ", by="y")
    with pytest.raises(InputError, match="by"):
        decide(store.engine, a.id, "true_match", reason="r", by="")
    with pytest.raises(InputError, match="decision"):
        decide(store.engine, a.id, "maybe", reason="r", by="y")
    with pytest.raises(InputError, match="status"):
        list_alerts(store.engine, status="pending")
    with pytest.raises(NotFoundError):
        get_alert(store.engine, 999_999)
    # A decision can be revised; both stay on record.
    decide(store.engine, a.id, "false_positive", reason="first look", by="dan")
    b = decide(store.engine, a.id, "true_match", reason="second look: same passport", by="erin")
    assert [d["decision"] for d in b.decisions] == ["false_positive", "true_match"]
    assert all(d["audit_seq"] for d in b.decisions)


def test_changed_threshold_forces_full_run(store: Store, small: list[Entity]) -> None:
    store.load(small)
    import_customers(
        store.engine, write_csv(store.dir / "b.csv", [{"id": "C1", "name": "Ann Lee"}])
    )
    assert run(store).mode == "full"
    assert run(store).mode == "delta"
    s = run_monitor(store.engine, store.lists, threshold=0.9, limit=10)
    assert s.mode == "full" and "threshold" in (s.why_full or "")
    s = run_monitor(store.engine, store.lists, threshold=0.9, limit=10, full=True)
    assert s.why_full == "asked for"


def test_change_reaching_most_customers_runs_in_full(store: Store, small: list[Entity]) -> None:
    people = [e for e in small if e.type == EntityType.PERSON and e.name.isascii()][:10]
    store.load(small)
    book = [{"id": f"C{i}", "name": natural(e)} for i, e in enumerate(people)]
    import_customers(store.engine, write_csv(store.dir / "b.csv", book))
    run(store)
    gone = {e.id for e in people}
    store.load([e for e in small if e.id not in gone])
    s = run(store)
    assert s.mode == "full" and "reaches more than 50% of the customers" in (s.why_full or "")
    assert s.closed_delisted >= len(people)
    assert list_alerts(store.engine, status="open")[1] == 0
