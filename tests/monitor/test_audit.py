"""The audit trail: hash-chained, append-only; tampering with the store directly (UPDATE,
DELETE, reordering rows with SQL) is caught and the first broken record named."""

from __future__ import annotations

import itertools
import multiprocessing as mp
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.monitor.conftest import Store
from watchlist.errors import InputError
from watchlist.ingest import LoadResult
from watchlist.store import open_engine
from watchlist.store.audit import (
    GENESIS,
    AuditEvent,
    append,
    audit_list_load,
    audited,
    head,
    parse_anchor,
    record,
    record_hash,
    records,
    verify,
)


def fill(engine: Engine, n: int = 10) -> None:
    for i in range(n):
        record(
            engine, "test.event", {"i": i, "text": f"event {i}"}, subject=f"t:{i}", actor="tester"
        )


def sql(engine: Engine, *statements: str, **params: object) -> None:
    with engine.begin() as conn:
        for s in statements:
            conn.execute(text(s), params)


def test_empty_and_intact_chain(store: Store) -> None:
    rep = verify(store.engine)
    assert rep.ok and rep.records == 0 and (rep.head_seq, rep.head_hash) == (0, GENESIS)
    fill(store.engine)
    rep = verify(store.engine)
    assert rep.ok and rep.records == 10 and rep.head_seq == 10
    recs = records(store.engine)
    assert [r.seq for r in recs] == list(range(1, 11))
    assert recs[0].prev == GENESIS and all(b.prev == a.hash for a, b in itertools.pairwise(recs))
    assert head(store.engine) == (10, recs[-1].hash)


def test_changed_record_is_caught(store: Store) -> None:
    fill(store.engine)
    sql(store.engine, "UPDATE audit_log SET data = :d WHERE seq = 5", d='{"i":4,"text":"other"}')
    rep = verify(store.engine)
    assert not rep.ok and rep.broken_seq == 5 and "was changed" in (rep.reason or "")


@pytest.mark.parametrize("column", ["actor", "kind", "at", "subject"])
def test_any_changed_field_is_caught(store: Store, column: str) -> None:
    fill(store.engine)
    sql(store.engine, f"UPDATE audit_log SET {column} = 'x' WHERE seq = 3")
    assert verify(store.engine).broken_seq == 3


def test_deleted_record_is_caught(store: Store) -> None:
    fill(store.engine)
    sql(store.engine, "DELETE FROM audit_log WHERE seq = 4")
    rep = verify(store.engine)
    assert rep.broken_seq == 4 and "record 4 is missing" in (rep.reason or "")


def test_deleted_and_renumbered_is_caught(store: Store) -> None:
    fill(store.engine)
    sql(
        store.engine,
        "DELETE FROM audit_log WHERE seq = 4",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 4",
        "UPDATE audit_head SET seq = seq - 1",
    )
    rep = verify(store.engine)
    assert rep.broken_seq == 4 and "does not follow record 3" in (rep.reason or "")


def test_cut_off_tail_is_caught(store: Store) -> None:
    fill(store.engine)
    sql(store.engine, "DELETE FROM audit_log WHERE seq >= 9")
    rep = verify(store.engine)
    assert rep.broken_seq == 9 and "cut after record 8" in (rep.reason or "")


def test_reordered_records_are_caught(store: Store) -> None:
    fill(store.engine)
    sql(
        store.engine,
        "UPDATE audit_log SET seq = -1 WHERE seq = 6",
        "UPDATE audit_log SET seq = 6 WHERE seq = 7",
        "UPDATE audit_log SET seq = 7 WHERE seq = -1",
    )
    rep = verify(store.engine)
    assert rep.broken_seq == 6 and not rep.ok


def test_rewritten_chain_is_caught_by_an_anchor(store: Store) -> None:
    fill(store.engine)
    anchor = f"{head(store.engine)[0]}:{head(store.engine)[1]}"
    # Someone who knows the algorithm rewrites record 2 and recomputes every hash after it.
    sql(store.engine, "UPDATE audit_log SET data = :d WHERE seq = 2", d='{"i":1,"text":"new"}')
    with store.engine.begin() as conn:
        rows = conn.execute(
            text("SELECT seq, at, kind, actor, subject, data FROM audit_log ORDER BY seq")
        ).all()
        prev = GENESIS
        for seq, at, kind, actor, subject, data in rows:
            h = record_hash(prev, seq, at, kind, actor, subject, data)
            conn.execute(
                text("UPDATE audit_log SET prev = :p, hash = :h WHERE seq = :s"),
                {"p": prev, "h": h, "s": seq},
            )
            prev = h
        conn.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    assert verify(store.engine).ok  # the chain alone cannot tell
    seq, h = parse_anchor(anchor)
    rep = verify(store.engine, {seq: h})
    assert rep.broken_seq == 10 and "anchor" in (rep.reason or "")
    with pytest.raises(InputError):
        parse_anchor("12:abc")


def test_audited_transaction_rolls_back_with_its_records(store: Store) -> None:
    fill(store.engine, 2)
    with pytest.raises(RuntimeError), audited(store.engine) as tx:
        tx.record("test.event", {"i": 99})
        raise RuntimeError("boom")
    assert head(store.engine)[0] == 2 and verify(store.engine).ok


def _writer(db: str, worker: int, n: int) -> None:
    engine = open_engine(db)
    for i in range(n):
        if i % 2:
            record(engine, "test.concurrent", {"worker": worker, "i": i}, actor=f"w{worker}")
        else:
            with engine.begin() as conn:
                append(
                    conn,
                    [
                        AuditEvent("test.batch", {"worker": worker, "i": i, "j": j})
                        for j in range(3)
                    ],
                )
    engine.dispose()


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    db = str(tmp_path / "concurrent.db")
    open_engine(db).dispose()
    procs = [mp.get_context("fork").Process(target=_writer, args=(db, w, 12)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    engine = open_engine(db)
    rep = verify(engine)
    assert rep.ok, rep.reason
    assert rep.records == 4 * (6 * 1 + 6 * 3)


def test_list_load_record(store: Store, tmp_path: Path) -> None:
    from watchlist.model import Entity, EntityType

    e = Entity(id="t:1", source="t", native_id="1", type=EntityType.PERSON, name="A B")
    v, created = store.lists.add_version("t", "custom", [e], data_date="2024-01-02", origin="here")
    seq = audit_list_load(store.engine, LoadResult("t", v, created, None, 0.1, ["w1"]))
    (rec,) = records(store.engine, kind="list.loaded")
    assert rec.seq == seq and rec.subject == "list:t"
    assert rec.data["version"] == 1 and rec.data["entities"] == 1 and rec.data["warnings"] == 1
    assert rec.data["sha256"] == v.sha256 and rec.data["created"] is True
