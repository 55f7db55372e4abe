"""Table definitions (SQLAlchemy Core), one metadata for every part of the store.

Portable types only, so the same schema runs on SQLite (embedded default) and PostgreSQL.
Entity records are content-addressed: a record unchanged between two versions is stored
once, and a version is the set of (entity id, record hash) pairs it holds.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("format", String(64), nullable=False),
    Column("loaded_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("data_date", String(32)),
    Column("sha256", String(64), nullable=False),  # of the version's content (ids + record hashes)
    Column("files_sha256", String(64)),  # of the bytes read, for provenance
    Column("entity_count", Integer, nullable=False),
    Column("origin", Text),
    Column("files", Text),  # JSON list
    Column("warnings", Text),  # JSON list
    UniqueConstraint("source", "version", name="uq_source_version"),
)

entity_records = Table(
    "entity_records",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("entity_id", String(200), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of model.Entity, raw included
)

version_members = Table(
    "version_members",
    metadata,
    Column("version_id", Integer, primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("hash", String(64), nullable=False),
)

Index("ix_members_entity", version_members.c.entity_id)
Index("ix_records_entity", entity_records.c.entity_id)
