"""Versions of lists and the entities each version holds.

A version is written in one transaction: either all of it is there or none of it, so a
failed load never leaves a half list behind and the previous version keeps serving.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, and_, func, insert, select

from watchlist.errors import NotFoundError
from watchlist.model import Entity
from watchlist.store.schema import entity_records, list_versions, version_members

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    source: str
    version: int
    format: str
    loaded_at: str
    data_date: str | None
    sha256: str
    files_sha256: str | None
    entities: int
    origin: str | None
    files: list[str]
    warnings: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.version,
            "format": self.format,
            "loaded_at": self.loaded_at,
            "data_date": self.data_date,
            "entities": self.entities,
            "sha256": self.sha256,
            "files_sha256": self.files_sha256,
            "origin": self.origin,
            "files": self.files,
            "warnings": len(self.warnings),
        }


def canonical(entity: Entity) -> tuple[str, bytes]:
    """(content hash, stored JSON). The hash leaves out ``raw`` so that the same list read
    from another of its official formats is the same content, not a change.

    orjson serialises the dataclasses natively (fields in class order, dict keys sorted,
    so the form is canonical), an order of magnitude faster than building dicts in Python.
    ``raw`` is the last field, so the hashed form is the stored one with ``raw`` cut back
    to ``{}``: one serialisation of the entity instead of two and no copy of it.
    """
    opts = orjson.OPT_SORT_KEYS
    stored = orjson.dumps(entity, option=opts)
    if not entity.raw:
        return hashlib.sha256(stored).hexdigest(), stored
    raw = orjson.dumps(entity.raw, option=opts)
    if stored.endswith(b'"raw":' + raw + b"}"):
        body = stored[: len(stored) - len(raw) - 1] + b"{}}"
    else:  # pragma: no cover - only if the model ever puts a field after ``raw``
        body = orjson.dumps(replace(entity, raw={}), option=opts)
    return hashlib.sha256(body).hexdigest(), stored


# (entity id, content hash, stored JSON): an entity as the store writes it. Small and flat,
# so a list encoded in a worker process crosses back to the parent at memcpy cost, where
# pickling the Entity objects would take a third of the time their parsing did.
Encoded = tuple[str, str, bytes]


def encode_entities(entities: Iterable[Entity]) -> list[Encoded]:
    return [(e.id, *canonical(e)) for e in entities]


def content_hash(members: Iterable[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for eid, digest in sorted(members):
        h.update(f"{eid}\t{digest}\n".encode())
    return h.hexdigest()


def _row_to_version(row: Any) -> VersionInfo:
    return VersionInfo(
        id=row.id,
        source=row.source,
        version=row.version,
        format=row.format,
        loaded_at=row.loaded_at,
        data_date=row.data_date,
        sha256=row.sha256,
        files_sha256=row.files_sha256,
        entities=row.entity_count,
        origin=row.origin,
        files=json.loads(row.files or "[]"),
        warnings=json.loads(row.warnings or "[]"),
    )


class ListStore:
    """Read and write list versions. Holds only an engine; safe to share."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ versions

    def versions(self, source: str | None = None) -> list[VersionInfo]:
        q = select(list_versions).order_by(list_versions.c.source, list_versions.c.version)
        if source:
            q = q.where(list_versions.c.source == source)
        with self.engine.connect() as conn:
            return [_row_to_version(r) for r in conn.execute(q)]

    def sources(self) -> list[str]:
        with self.engine.connect() as conn:
            q = select(list_versions.c.source).distinct().order_by(list_versions.c.source)
            return [r[0] for r in conn.execute(q)]

    def latest(self, source: str) -> VersionInfo | None:
        vs = self.versions(source)
        return vs[-1] if vs else None

    def current_versions(self) -> list[VersionInfo]:
        """The newest version of every source: what screening runs against."""
        with self.engine.connect() as conn:
            newest = (
                select(list_versions.c.source, func.max(list_versions.c.version).label("v"))
                .group_by(list_versions.c.source)
                .subquery()
            )
            q = select(list_versions).join(
                newest,
                and_(
                    list_versions.c.source == newest.c.source,
                    list_versions.c.version == newest.c.v,
                ),
            )
            return sorted((_row_to_version(r) for r in conn.execute(q)), key=lambda v: v.source)

    def resolve(self, source: str, ref: str | int | None = None) -> VersionInfo:
        """A version by number, by date (the one in force that day) or the latest."""
        vs = self.versions(source)
        if not vs:
            raise NotFoundError(f"no version of {source!r} is loaded")
        if ref is None or ref == "latest":
            return vs[-1]
        text = str(ref).strip()
        if text.isdigit() and len(text) < 6:
            for v in vs:
                if v.version == int(text):
                    return v
            raise NotFoundError(
                f"{source} has no version {text} (versions 1 to {vs[-1].version})"
            )
        try:
            day = date.fromisoformat(text[:10])
        except ValueError as exc:
            raise NotFoundError(
                f"{text!r} is neither a version number nor a date (YYYY-MM-DD)"
            ) from exc
        # In force that day: the newest version whose data date (or load date) is not later.
        chosen = [v for v in vs if (v.data_date or v.loaded_at)[:10] <= day.isoformat()]
        if not chosen:
            raise NotFoundError(f"{source} had no version loaded on or before {day}")
        return max(chosen, key=lambda v: ((v.data_date or v.loaded_at)[:10], v.version))

    def add_version(
        self,
        source: str,
        fmt: str,
        entities: Sequence[Entity],
        *,
        data_date: str | None,
        origin: str | None,
        files: Sequence[str] = (),
        files_sha256: str | None = None,
        warnings: Sequence[str] = (),
    ) -> tuple[VersionInfo, bool]:
        """Store a new version unless its content equals the latest one.

        Returns (version, created). Everything happens in one transaction.
        """
        return self.add_encoded(
            source,
            fmt,
            encode_entities(entities),
            data_date=data_date,
            origin=origin,
            files=files,
            files_sha256=files_sha256,
            warnings=warnings,
        )

    def add_encoded(
        self,
        source: str,
        fmt: str,
        encoded: Sequence[Encoded],
        *,
        data_date: str | None,
        origin: str | None,
        files: Sequence[str] = (),
        files_sha256: str | None = None,
        warnings: Sequence[str] = (),
    ) -> tuple[VersionInfo, bool]:
        """``add_version`` for entities already encoded (``encode_entities``)."""
        sha = content_hash((eid, digest) for eid, digest, _ in encoded)
        with self.engine.begin() as conn:
            last = conn.execute(
                select(list_versions)
                .where(list_versions.c.source == source)
                .order_by(list_versions.c.version.desc())
                .limit(1)
            ).first()
            if last is not None and last.sha256 == sha:
                return _row_to_version(last), False
            number = (last.version if last is not None else 0) + 1
            loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
            pk = conn.execute(
                insert(list_versions).values(
                    source=source,
                    version=number,
                    format=fmt,
                    loaded_at=loaded_at,
                    data_date=data_date,
                    sha256=sha,
                    files_sha256=files_sha256,
                    entity_count=len(encoded),
                    origin=origin,
                    files=json.dumps(list(files)),
                    warnings=json.dumps(list(warnings)),
                )
            ).inserted_primary_key
            assert pk is not None
            vid = pk[0]
            hashes = [digest for _, digest, _ in encoded]
            existing: set[str] = set()
            for i in range(0, len(hashes), _CHUNK):
                chunk = hashes[i : i + _CHUNK]
                existing.update(
                    r[0]
                    for r in conn.execute(
                        select(entity_records.c.hash).where(entity_records.c.hash.in_(chunk))
                    )
                )
            new_rows = []
            for eid, digest, body in encoded:
                if digest not in existing:
                    existing.add(digest)
                    new_rows.append((digest, eid, body.decode()))
            members = [(vid, eid, d) for eid, d, _ in encoded]
            if conn.dialect.name == "sqlite":
                # Straight to the driver's executemany: SQLAlchemy's per-row parameter
                # handling costs as much as SQLite's own work for a list of 10^4 rows.
                if new_rows:
                    conn.exec_driver_sql(
                        f"INSERT INTO {entity_records.name} (hash, entity_id, data) VALUES (?, ?, ?)",
                        new_rows,
                    )
                conn.exec_driver_sql(
                    f"INSERT INTO {version_members.name} (version_id, entity_id, hash)"
                    " VALUES (?, ?, ?)",
                    members,
                )
            else:
                if new_rows:
                    conn.execute(
                        insert(entity_records),
                        [{"hash": h, "entity_id": e, "data": b} for h, e, b in new_rows],
                    )
                conn.execute(
                    insert(version_members),
                    [{"version_id": v, "entity_id": e, "hash": h} for v, e, h in members],
                )
            row = conn.execute(select(list_versions).where(list_versions.c.id == vid)).one()
            return _row_to_version(row), True

    # ------------------------------------------------------------ entities

    def members(self, version: VersionInfo) -> dict[str, str]:
        """entity id -> record hash, for one version."""
        with self.engine.connect() as conn:
            q = select(version_members.c.entity_id, version_members.c.hash).where(
                version_members.c.version_id == version.id
            )
            return {r[0]: r[1] for r in conn.execute(q)}

    def records(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """record hash -> entity as a dict."""
        wanted = list(dict.fromkeys(hashes))
        out: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                q = select(entity_records.c.hash, entity_records.c.data).where(
                    entity_records.c.hash.in_(wanted[i : i + _CHUNK])
                )
                for h, data in conn.execute(q):
                    out[h] = orjson.loads(data)
        return out

    def entities(self, version: VersionInfo) -> Iterator[Entity]:
        """Every entity of one version, in id order."""
        with self.engine.connect() as conn:
            q = (
                select(entity_records.c.data)
                .select_from(
                    version_members.join(
                        entity_records, version_members.c.hash == entity_records.c.hash
                    )
                )
                .where(version_members.c.version_id == version.id)
                .order_by(version_members.c.entity_id)
            )
            for (data,) in conn.execute(q):
                yield Entity.from_dict(orjson.loads(data))

    def entity(self, entity_id: str, as_of: str | int | None = None) -> tuple[Entity, VersionInfo]:
        """One entity as it stood in a version (the latest by default)."""
        source, sep, _ = entity_id.partition(":")
        if not sep:
            raise NotFoundError(f"{entity_id!r} is not an entity id (SOURCE:ID)")
        version = self.resolve(source, as_of)
        with self.engine.connect() as conn:
            q = (
                select(entity_records.c.data)
                .select_from(
                    version_members.join(
                        entity_records, version_members.c.hash == entity_records.c.hash
                    )
                )
                .where(
                    version_members.c.version_id == version.id,
                    version_members.c.entity_id == entity_id,
                )
            )
            row = conn.execute(q).first()
        if row is None:
            raise NotFoundError(
                f"{entity_id} is not in {source} version {version.version}"
                f" (data date {version.data_date or 'unknown'})"
            )
        return Entity.from_dict(orjson.loads(row[0])), version
