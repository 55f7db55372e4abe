"""The audit trail: an append-only, hash-chained log of every list load, screening run,
alert and decision.

Each record carries the hash of the record before it, and its own hash covers its
sequence number, time, kind, actor, subject, data and that previous hash. Changing a
record breaks its own hash; deleting one leaves a gap and breaks the next record's link;
moving records (renumbering) breaks both; cutting records off the end no longer matches
the head row that every append updates. ``verify`` walks the chain and names the first
record that does not hold.

Appends are serialised: every writer first takes the head row (``UPDATE audit_head``),
which is the write lock on SQLite and a row lock on PostgreSQL, so two concurrent
writers never chain onto the same predecessor. The records commit in the transaction
of the change they record: a change is never stored without its audit record, nor an
audit record without its change.

Anyone with write access to the database can recompute a whole chain. Against that, keep
the head (``head()``: sequence number and hash, one short line) outside the database -
in a ticket, an e-mail, a signed report - and give it back to ``verify(anchors=...)``:
no rewrite of the past can then reproduce it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    insert,
    select,
    update,
)

from watchlist.errors import InputError
from watchlist.store.schema import metadata

GENESIS = "0" * 64  # the "previous hash" of the first record
HEAD_ID = 1

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),  # ISO 8601 UTC
    Column("kind", String(64), nullable=False),  # list.loaded, monitor.run, alert.opened, ...
    Column("actor", String(200), nullable=False),
    Column("subject", String(200)),  # what the record is about: alert:12, customer:C1, ...
    Column("data", Text, nullable=False),  # canonical JSON
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

Index("ix_audit_subject", audit_log.c.subject)
Index("ix_audit_kind", audit_log.c.kind)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)


@event.listens_for(audit_head, "after_create")
def _create_head(target: Table, connection: Connection, **_: Any) -> None:
    connection.execute(insert(audit_head).values(id=HEAD_ID, seq=0, hash=GENESIS))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def canonical_json(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


def record_hash(
    prev: str, seq: int, at: str, kind: str, actor: str, subject: str | None, data: str
) -> str:
    """The hash a record must carry: over every stored field and the previous hash."""
    body = orjson.dumps([prev, seq, at, kind, actor, subject, data])
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditEvent:
    kind: str
    data: Mapping[str, Any]
    subject: str | None = None
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: str
    kind: str
    actor: str
    subject: str | None
    data: dict[str, Any]
    prev: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "actor": self.actor,
            "subject": self.subject,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }


@dataclass(slots=True)
class VerifyReport:
    records: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken_seq: int | None = None  # the first record that does not hold
    reason: str | None = None
    anchors_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "broken_seq": self.broken_seq,
            "reason": self.reason,
            "anchors_checked": self.anchors_checked,
        }


# ------------------------------------------------------------------ writing


def lock(conn: Connection) -> None:
    """Take the audit head for this transaction: writers queue here, one at a time.

    Call it first in a transaction that will append, before reading what the change
    depends on, so the reads see every earlier writer's commit.
    """
    res = conn.execute(
        update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=audit_head.c.seq)
    )
    if res.rowcount == 0:  # a table created without its head row (restored by hand?)
        conn.execute(insert(audit_head).values(id=HEAD_ID, seq=0, hash=GENESIS))


def append(conn: Connection, events: Sequence[AuditEvent]) -> list[int]:
    """Chain ``events`` onto the log inside the caller's transaction; their numbers.

    Takes the head lock if the caller has not yet (``lock`` is idempotent in a
    transaction).
    """
    if not events:
        return []
    lock(conn)
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
    ).one()
    seq, prev = int(head.seq), str(head.hash)
    rows: list[dict[str, Any]] = []
    seqs: list[int] = []
    for ev in events:
        seq += 1
        at = now_iso()
        data = canonical_json(dict(ev.data))
        h = record_hash(prev, seq, at, ev.kind, ev.actor, ev.subject, data)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "kind": ev.kind,
                "actor": ev.actor,
                "subject": ev.subject,
                "data": data,
                "prev": prev,
                "hash": h,
            }
        )
        seqs.append(seq)
        prev = h
    conn.execute(insert(audit_log), rows)
    conn.execute(update(audit_head).where(audit_head.c.id == HEAD_ID).values(seq=seq, hash=prev))
    return seqs


@dataclass(slots=True)
class AuditedTransaction:
    """A transaction whose audit records are chained when it commits."""

    conn: Connection
    events: list[AuditEvent] = field(default_factory=list)

    def record(
        self,
        kind: str,
        data: Mapping[str, Any],
        *,
        subject: str | None = None,
        actor: str = "system",
    ) -> None:
        self.events.append(AuditEvent(kind, data, subject, actor))


@contextmanager
def audited(engine: Engine) -> Iterator[AuditedTransaction]:
    """``with audited(engine) as tx:`` - one transaction, holding the audit lock from its
    first statement, whose ``tx.record(...)`` events are appended before it commits."""
    with engine.begin() as conn:
        lock(conn)
        tx = AuditedTransaction(conn)
        yield tx
        append(conn, tx.events)


def record(
    engine: Engine,
    kind: str,
    data: Mapping[str, Any],
    *,
    subject: str | None = None,
    actor: str = "system",
) -> int:
    """Append one record in its own transaction; its sequence number."""
    with engine.begin() as conn:
        return append(conn, [AuditEvent(kind, data, subject, actor)])[0]


def audit_list_load(engine: Engine, result: Any, *, actor: str = "system") -> int | None:
    """Record one list load (an ``ingest.LoadResult``): what was read, from where, and
    whether it made a new version. Called by ingest after every load."""
    v = result.version
    prev = result.previous
    data = {
        "source": result.source,
        "created": bool(result.created),
        "version": v.version,
        "format": v.format,
        "data_date": v.data_date,
        "entities": v.entities,
        "sha256": v.sha256,
        "files_sha256": v.files_sha256,
        "files": list(v.files),
        "origin": v.origin,
        "previous_version": prev.version if prev is not None else None,
        "previous_entities": prev.entities if prev is not None else None,
        "warnings": len(result.warnings),
    }
    return record(engine, "list.loaded", data, subject=f"list:{result.source}", actor=actor)


# ------------------------------------------------------------------ reading


def _to_record(row: Any) -> AuditRecord:
    try:
        data = orjson.loads(row.data)
    except orjson.JSONDecodeError:
        data = {"unreadable": row.data}
    if not isinstance(data, dict):
        data = {"value": data}
    return AuditRecord(row.seq, row.at, row.kind, row.actor, row.subject, data, row.prev, row.hash)


def head(engine: Engine) -> tuple[int, str]:
    """(sequence number, hash) of the last record: the value to keep outside the store."""
    with engine.connect() as conn:
        row = conn.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
        ).first()
    return (int(row.seq), str(row.hash)) if row is not None else (0, GENESIS)


def records(
    engine: Engine,
    *,
    kind: str | None = None,
    subject: str | None = None,
    after: int = 0,
    limit: int = 100,
    newest_first: bool = False,
) -> list[AuditRecord]:
    q = select(audit_log).where(audit_log.c.seq > after)
    if kind:
        q = q.where(audit_log.c.kind.startswith(kind))
    if subject:
        q = q.where(audit_log.c.subject == subject)
    q = q.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq).limit(limit)
    with engine.connect() as conn:
        return [_to_record(r) for r in conn.execute(q)]


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed by ``audit head``."""
    seq, sep, h = text.strip().partition(":")
    if not sep or not seq.isdigit() or len(h) != 64:
        raise InputError(f"anchor {text!r}: expected SEQ:HASH as printed by `audit head`")
    return int(seq), h.lower()


def verify(engine: Engine, anchors: Mapping[int, str] | None = None) -> VerifyReport:
    """Walk the whole chain; the report names the first record that does not hold."""
    anchors = dict(anchors or {})
    rep = VerifyReport()
    expected_prev = GENESIS
    expected_seq = 1

    def broken(seq: int, reason: str) -> VerifyReport:
        rep.broken_seq, rep.reason = seq, reason
        return rep

    with engine.connect() as conn:
        hrow = conn.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == HEAD_ID)
        ).first()
        if hrow is None:
            return broken(0, "the audit head row is missing")
        rep.head_seq, rep.head_hash = int(hrow.seq), str(hrow.hash)
        rows = conn.execution_options(yield_per=2000).execute(
            select(audit_log).order_by(audit_log.c.seq)
        )
        for row in rows:
            seq = int(row.seq)
            if seq != expected_seq:
                if seq > expected_seq:
                    missing = (
                        f"record {expected_seq} is missing"
                        if seq == expected_seq + 1
                        else f"records {expected_seq} to {seq - 1} are missing"
                    )
                    return broken(expected_seq, f"{missing} (deleted or renumbered)")
                return broken(seq, f"record number {seq} out of sequence")
            if row.prev != expected_prev:
                return broken(
                    seq,
                    f"record {seq} ({row.kind}, {row.at}) does not follow record {seq - 1}:"
                    " its link to the previous record is broken (a record before it was"
                    " changed, removed or moved)",
                )
            h = record_hash(row.prev, seq, row.at, row.kind, row.actor, row.subject, row.data)
            if h != row.hash:
                return broken(
                    seq,
                    f"record {seq} ({row.kind}, {row.at}) was changed: its content no longer"
                    " matches its hash",
                )
            if seq in anchors:
                rep.anchors_checked += 1
                if anchors[seq] != row.hash:
                    return broken(
                        seq,
                        f"record {seq} differs from the anchor kept outside the store: the"
                        " chain up to it was rewritten",
                    )
            rep.records += 1
            expected_prev = row.hash
            expected_seq = seq + 1
    last = expected_seq - 1
    for seq in sorted(anchors):
        if seq > last:
            return broken(seq, f"anchored record {seq} is missing: the log ends at {last}")
    if rep.head_seq != last or rep.head_hash != expected_prev:
        if rep.head_seq > last:
            return broken(
                last + 1,
                f"records {last + 1} to {rep.head_seq} are missing: the log was cut"
                f" after record {last}",
            )
        return broken(
            last, f"the head (record {rep.head_seq}) does not match the last record {last}"
        )
    return rep
