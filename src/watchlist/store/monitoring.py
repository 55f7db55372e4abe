"""Tables for continuous monitoring: customers, their last screening, alerts, decisions,
which list versions were last monitored, and the runs.

Only data access lives here (SQLAlchemy Core, portable types); the use cases are in
``watchlist.screen.monitor``. Writers run inside ``store.audit.audited`` transactions so
every change commits with its audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from watchlist.store.schema import metadata

_CHUNK = 500

customers = Table(
    "customers",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("dob", String(64)),
    Column("country", String(200)),
    Column("type", String(32)),
    Column("identifiers", Text),  # JSON list
    Column("hash", String(64), nullable=False),  # of the screened fields
    Column("origin", Text),  # file and line of the import that last set it
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("screened_hash", String(64)),  # the hash it was last screened with
    Column("screened_at", String(32)),
)

# The last screening of each customer: its hits and near matches.
monitor_matches = Table(
    "monitor_matches",
    metadata,
    Column("customer_id", String(200), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("score", Float, nullable=False),
    Column("hit", Boolean, nullable=False),
    Column("run_id", Integer),
)
Index("ix_matches_entity", monitor_matches.c.entity_id)

ALERT_STATUSES = ("open", "false_positive", "true_match", "closed")

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(200), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("customer_name", Text, nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("source", String(64), nullable=False),
    Column("detail", Text),  # JSON: the hit with its explanation, as last screened
    Column("customer_hash", String(64), nullable=False),  # the data it was last raised on
    Column("entity_hash", String(64)),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("run_id", Integer),  # the run that raised it
    Column("reason", Text),  # why the status last changed (closed, reopened)
    Column("changes", Text),  # JSON: what changed since the decision, when reopened
    Column("decided_by", String(200)),
    Column("decided_at", String(32)),
    Column("decision_reason", Text),
    UniqueConstraint("customer_id", "entity_id", name="uq_alert_pair"),
)
Index("ix_alerts_status", alerts.c.status)
Index("ix_alerts_entity", alerts.c.entity_id)

alert_decisions = Table(
    "alert_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("customer_hash", String(64), nullable=False),  # the data decided on
    Column("entity_hash", String(64)),
    Column("customer", Text),  # JSON snapshot of the customer's screened fields
    Column("audit_seq", Integer),
)
Index("ix_decisions_alert", alert_decisions.c.alert_id)

monitor_sources = Table(
    "monitor_sources",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("version_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("run_id", Integer, nullable=False),
)

monitor_runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("mode", String(8), nullable=False),  # full / delta
    Column("threshold", Float, nullable=False),
    Column("hit_limit", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # of the matcher's behaviour
    Column("actor", String(200), nullable=False),
    Column("summary", Text, nullable=False),  # JSON RunSummary
)


# ------------------------------------------------------------------ rows


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: str
    name: str
    dob: str | None
    country: str | None
    type: str | None
    identifiers: tuple[str, ...]
    hash: str
    screened_hash: str | None
    origin: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(slots=True)
class AlertRow:
    id: int
    customer_id: str
    entity_id: str
    status: str
    score: float
    customer_name: str
    entity_name: str
    source: str
    detail: dict[str, Any] | None
    customer_hash: str
    entity_hash: str | None
    created_at: str
    updated_at: str
    run_id: int | None
    reason: str | None
    changes: dict[str, Any] | None
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, *, detail: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "source": self.source,
            "score": round(self.score, 4),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "reason": self.reason,
            "changes": self.changes,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "decision_reason": self.decision_reason,
        }
        if detail:
            out["detail"] = self.detail
            out["decisions"] = self.decisions
        return out


def _json(text: str | None) -> Any:
    if not text:
        return None
    return orjson.loads(text)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _alert(row: Any) -> AlertRow:
    return AlertRow(
        id=row.id,
        customer_id=row.customer_id,
        entity_id=row.entity_id,
        status=row.status,
        score=row.score,
        customer_name=row.customer_name,
        entity_name=row.entity_name,
        source=row.source,
        detail=_json(row.detail),
        customer_hash=row.customer_hash,
        entity_hash=row.entity_hash,
        created_at=row.created_at,
        updated_at=row.updated_at,
        run_id=row.run_id,
        reason=row.reason,
        changes=_json(row.changes),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )


def _customer(row: Any) -> CustomerRow:
    return CustomerRow(
        id=row.id,
        name=row.name,
        dob=row.dob,
        country=row.country,
        type=row.type,
        identifiers=tuple(_json(row.identifiers) or ()),
        hash=row.hash,
        screened_hash=row.screened_hash,
        origin=row.origin,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _chunks(items: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


# ------------------------------------------------------------------ customers


def customer_hashes(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute(select(customers.c.id, customers.c.hash))}


def all_customers(conn: Connection) -> list[CustomerRow]:
    return [_customer(r) for r in conn.execute(select(customers).order_by(customers.c.id))]


def get_customer(conn: Connection, cid: str) -> CustomerRow | None:
    row = conn.execute(select(customers).where(customers.c.id == cid)).first()
    return _customer(row) if row is not None else None


def count_customers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(customers)).scalar_one())


def insert_customers(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    for part in _chunks(rows):
        conn.execute(insert(customers), list(part))


def update_customers(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Rows with ``cid`` and the new field values (``updated_at`` included)."""
    if not rows:
        return
    stmt = (
        update(customers)
        .where(customers.c.id == bindparam("cid"))
        .values(
            name=bindparam("name"),
            dob=bindparam("dob"),
            country=bindparam("country"),
            type=bindparam("type"),
            identifiers=bindparam("identifiers"),
            hash=bindparam("hash"),
            origin=bindparam("origin"),
            updated_at=bindparam("updated_at"),
        )
    )
    for part in _chunks(rows):
        conn.execute(stmt, list(part))


def mark_screened(conn: Connection, screened: Sequence[tuple[str, str]], at: str) -> None:
    """(customer id, hash screened) pairs."""
    if not screened:
        return
    stmt = (
        update(customers)
        .where(customers.c.id == bindparam("cid"))
        .values(screened_hash=bindparam("h"), screened_at=at)
    )
    for part in _chunks(screened, 2000):
        conn.execute(stmt, [{"cid": c, "h": h} for c, h in part])


# ------------------------------------------------------------------ matches


def stored_matches(conn: Connection) -> dict[str, list[tuple[str, float, bool]]]:
    out: dict[str, list[tuple[str, float, bool]]] = {}
    q = select(
        monitor_matches.c.customer_id,
        monitor_matches.c.entity_id,
        monitor_matches.c.score,
        monitor_matches.c.hit,
    )
    for cid, eid, score, hit in conn.execute(q):
        out.setdefault(cid, []).append((eid, float(score), bool(hit)))
    return out


def replace_matches(
    conn: Connection,
    customer_ids: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    everything: bool = False,
) -> None:
    """Replace the stored matches of these customers (of all, with ``everything``)."""
    if everything:
        conn.execute(delete(monitor_matches))
    else:
        for part in _chunks(customer_ids):
            conn.execute(delete(monitor_matches).where(monitor_matches.c.customer_id.in_(part)))
    for part in _chunks(rows, 2000):
        conn.execute(insert(monitor_matches), list(part))


def hit_pairs(engine: Engine) -> set[tuple[str, str]]:
    """Every (customer, entity) hit of the customers' last screening."""
    with engine.connect() as conn:
        q = select(monitor_matches.c.customer_id, monitor_matches.c.entity_id).where(
            monitor_matches.c.hit.is_(True)
        )
        return {(r[0], r[1]) for r in conn.execute(q)}


# ------------------------------------------------------------------ alerts


def alerts_for(
    conn: Connection, customer_ids: Iterable[str] | None = None, entity_ids: Iterable[str] = ()
) -> dict[tuple[str, str], AlertRow]:
    """Alerts of these customers (all when None), and of these entities, by pair."""
    out: dict[tuple[str, str], AlertRow] = {}
    if customer_ids is None:
        for r in conn.execute(select(alerts)):
            out[(r.customer_id, r.entity_id)] = _alert(r)
        return out
    for part in _chunks(list(customer_ids)):
        for r in conn.execute(select(alerts).where(alerts.c.customer_id.in_(part))):
            out[(r.customer_id, r.entity_id)] = _alert(r)
    for part in _chunks(list(entity_ids)):
        for r in conn.execute(select(alerts).where(alerts.c.entity_id.in_(part))):
            out[(r.customer_id, r.entity_id)] = _alert(r)
    return out


def insert_alert(conn: Connection, values: dict[str, Any]) -> int:
    pk = conn.execute(insert(alerts).values(**values)).inserted_primary_key
    assert pk is not None
    return int(pk[0])


def update_alert(conn: Connection, alert_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def get_alert(conn: Connection, alert_id: int) -> AlertRow | None:
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        return None
    a = _alert(row)
    q = (
        select(alert_decisions)
        .where(alert_decisions.c.alert_id == alert_id)
        .order_by(alert_decisions.c.id)
    )
    a.decisions = [
        {
            "id": d.id,
            "decision": d.decision,
            "by": d.decided_by,
            "at": d.decided_at,
            "reason": d.reason,
            "audit_seq": d.audit_seq,
        }
        for d in conn.execute(q)
    ]
    return a


def list_alerts(
    conn: Connection,
    *,
    statuses: Sequence[str] = (),
    customer_id: str | None = None,
    entity_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AlertRow], int]:
    """A page of alerts, newest first, and how many match in all."""
    q = select(alerts)
    cnt = select(func.count()).select_from(alerts)
    conds: list[ColumnElement[bool]] = []
    if statuses:
        conds.append(alerts.c.status.in_(list(statuses)))
    if customer_id:
        conds.append(alerts.c.customer_id == customer_id)
    if entity_id:
        conds.append(alerts.c.entity_id == entity_id)
    for c in conds:
        q = q.where(c)
        cnt = cnt.where(c)
    q = q.order_by(alerts.c.updated_at.desc(), alerts.c.id.desc()).limit(limit).offset(offset)
    return [_alert(r) for r in conn.execute(q)], int(conn.execute(cnt).scalar_one())


def status_counts(conn: Connection) -> dict[str, int]:
    q = select(alerts.c.status, func.count()).group_by(alerts.c.status)
    return {r[0]: int(r[1]) for r in conn.execute(q)}


def insert_decision(conn: Connection, values: dict[str, Any]) -> int:
    pk = conn.execute(insert(alert_decisions).values(**values)).inserted_primary_key
    assert pk is not None
    return int(pk[0])


def last_decision(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(alert_decisions)
        .where(alert_decisions.c.alert_id == alert_id)
        .order_by(alert_decisions.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return {
        "id": row.id,
        "decision": row.decision,
        "customer_hash": row.customer_hash,
        "entity_hash": row.entity_hash,
        "customer": _json(row.customer) or {},
    }


def all_decisions(conn: Connection) -> list[Any]:
    return list(conn.execute(select(alert_decisions).order_by(alert_decisions.c.id)))


def set_decision_seq(conn: Connection, decision_id: int, seq: int) -> None:
    conn.execute(
        update(alert_decisions).where(alert_decisions.c.id == decision_id).values(audit_seq=seq)
    )


# ------------------------------------------------------------------ monitor state


@dataclass(frozen=True, slots=True)
class MonitoredVersion:
    source: str
    version_id: int
    version: int
    sha256: str


def monitored_versions(conn: Connection) -> dict[str, MonitoredVersion]:
    return {
        r.source: MonitoredVersion(r.source, r.version_id, r.version, r.sha256)
        for r in conn.execute(select(monitor_sources))
    }


def set_monitored_versions(
    conn: Connection, versions: Sequence[MonitoredVersion], run_id: int
) -> None:
    conn.execute(delete(monitor_sources))
    if versions:
        conn.execute(
            insert(monitor_sources),
            [
                {
                    "source": v.source,
                    "version_id": v.version_id,
                    "version": v.version,
                    "sha256": v.sha256,
                    "run_id": run_id,
                }
                for v in versions
            ],
        )


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str
    seconds: float
    mode: str
    threshold: float
    hit_limit: int
    fingerprint: str
    actor: str
    summary: dict[str, Any]


def _run(row: Any) -> RunRow:
    return RunRow(
        row.id,
        row.started_at,
        row.finished_at,
        row.seconds,
        row.mode,
        row.threshold,
        row.hit_limit,
        row.fingerprint,
        row.actor,
        _json(row.summary) or {},
    )


def last_run(conn: Connection) -> RunRow | None:
    row = conn.execute(select(monitor_runs).order_by(monitor_runs.c.id.desc()).limit(1)).first()
    return _run(row) if row is not None else None


def insert_run(conn: Connection, values: dict[str, Any]) -> int:
    values = dict(values)
    values["summary"] = _dumps(values.get("summary") or {})
    pk = conn.execute(insert(monitor_runs).values(**values)).inserted_primary_key
    assert pk is not None
    return int(pk[0])


def update_run_summary(conn: Connection, run_id: int, summary: dict[str, Any]) -> None:
    conn.execute(
        update(monitor_runs).where(monitor_runs.c.id == run_id).values(summary=_dumps(summary))
    )


def runs(engine: Engine, limit: int = 20) -> list[RunRow]:
    with engine.connect() as conn:
        q = select(monitor_runs).order_by(monitor_runs.c.id.desc()).limit(limit)
        return [_run(r) for r in conn.execute(q)]


def dumps(value: Any) -> str:
    """The JSON text stored in this module's JSON columns."""
    return _dumps(value)
