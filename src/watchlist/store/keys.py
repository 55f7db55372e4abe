"""API keys: who may call the screening service, and with which role.

A key is ``wl_`` followed by 43 characters of ``secrets.token_urlsafe(32)``: 256 random
bits. Only its SHA-256 is stored. A slow password hash (bcrypt, argon2) exists to make
guessing *low-entropy* human passwords expensive; against a 256-bit random secret
guessing is already hopeless, so a fast hash loses nothing, and it lets every request be
checked with one indexed lookup (the hash is the lookup key) in microseconds, where a
deliberately slow hash would cost tens of milliseconds per request. A stolen database
copy gives hashes that cannot be turned back into usable keys.

Keys are listed without their secret (name, role, a short non-secret prefix, dates) and
revoked by name or id. Revocation is a row update: every worker checks the store on each
request (``KeyStore.verify``), so it takes effect at once everywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from watchlist.errors import InputError, NotFoundError
from watchlist.store.schema import metadata

ROLES = ("reader", "analyst", "admin")  # each role may do everything the ones before it may
_RANK = {r: i for i, r in enumerate(ROLES)}
KEY_PREFIX = "wl_"
_NAME = re.compile(r"^[\w .@:/+-]{1,100}$")
_MAX_KEY_LENGTH = 200  # anything longer is not one of ours; refused before hashing

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),  # first characters, to tell keys apart
    Column("created_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("revoked_at", String(32)),
)

Index("ix_api_keys_name", api_keys.c.name)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "prefix": self.prefix,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "active": self.active,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def role_allows(have: str, need: str) -> bool:
    """Does a key of role ``have`` cover what role ``need`` may do?"""
    return _RANK.get(have, -1) >= _RANK[need]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _row(r: Any) -> KeyInfo:
    return KeyInfo(r.id, r.name, r.role, r.prefix, r.created_at, r.revoked_at)


class KeyStore:
    """Create, list, revoke and verify API keys. Holds only an engine; safe to share."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # The per-request check runs on every call of the service, so it skips SQLAlchemy's
        # per-execution work: the statement is compiled once for the engine's dialect and
        # run on a DB-API connection kept per thread (about 10 us on SQLite instead of 100).
        q = select(api_keys.c.id, api_keys.c.name, api_keys.c.role).where(
            api_keys.c.key_hash == bindparam("h", type_=String(64)),
            api_keys.c.revoked_at.is_(None),
        )
        compiled = q.compile(dialect=engine.dialect)
        self._verify_sql = str(compiled)
        self._verify_positional = compiled.positiontup
        self._local = threading.local()

    def create(self, name: str, role: str) -> tuple[KeyInfo, str]:
        """A new key: (its record, the secret). The secret is shown once and never stored."""
        name = name.strip()
        if not _NAME.match(name):
            raise InputError(
                "name: 1 to 100 letters, digits, spaces or . @ : / + - _ (e.g. payments-gateway)"
            )
        if role not in _RANK:
            raise InputError(f"role: {role!r} is not one of {', '.join(ROLES)}")
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            clash = conn.execute(
                select(api_keys.c.id).where(
                    api_keys.c.name == name, api_keys.c.revoked_at.is_(None)
                )
            ).first()
            if clash is not None:
                raise InputError(f"name: an active key named {name!r} exists; revoke it first")
            pk = conn.execute(
                insert(api_keys).values(
                    name=name,
                    role=role,
                    key_hash=hash_secret(secret),
                    prefix=secret[:8],
                    created_at=_now(),
                    revoked_at=None,
                )
            ).inserted_primary_key
            assert pk is not None
            row = conn.execute(select(api_keys).where(api_keys.c.id == pk[0])).one()
        return _row(row), secret

    def list(self, *, include_revoked: bool = True) -> list[KeyInfo]:
        q = select(api_keys).order_by(api_keys.c.id)
        if not include_revoked:
            q = q.where(api_keys.c.revoked_at.is_(None))
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def revoke(self, ref: str | int) -> KeyInfo:
        """Revoke the active key with this name, or the key with this id."""
        text = str(ref).strip()
        with self.engine.begin() as conn:
            if text.isdigit():
                row = conn.execute(select(api_keys).where(api_keys.c.id == int(text))).first()
            else:
                row = conn.execute(
                    select(api_keys)
                    .where(api_keys.c.name == text)
                    .order_by(api_keys.c.revoked_at.is_not(None), api_keys.c.id.desc())
                    .limit(1)
                ).first()
            if row is None:
                raise NotFoundError(f"no API key named or numbered {text!r}")
            if row.revoked_at is None:
                conn.execute(
                    update(api_keys).where(api_keys.c.id == row.id).values(revoked_at=_now())
                )
            row = conn.execute(select(api_keys).where(api_keys.c.id == row.id)).one()
        return _row(row)

    def verify(self, secret: str) -> KeyInfo | None:
        """The active key this secret belongs to, or None (unknown or revoked)."""
        if not secret or len(secret) > _MAX_KEY_LENGTH:
            return None
        h = hash_secret(secret)
        params: Any = [h] if self._verify_positional else {"h": h}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                cur = conn.cursor()
                try:
                    cur.execute(self._verify_sql, params)
                    row = cur.fetchone()
                finally:
                    cur.close()
                conn.rollback()  # end the read: the next check sees the latest revocations
                break
            except Exception:
                self._drop_connection()  # a broken connection is replaced once
                if attempt == 2:
                    raise
        if row is None:
            return None
        return KeyInfo(int(row[0]), str(row[1]), str(row[2]), "", "", None)

    def _connection(self) -> Any:
        pid, conn = getattr(self._local, "conn", (None, None))
        if conn is None or pid != os.getpid():  # never reuse a connection across fork
            conn = self.engine.raw_connection()
            self._local.conn = (os.getpid(), conn)
        return conn

    def _drop_connection(self) -> None:
        pid, conn = getattr(self._local, "conn", (None, None))
        self._local.conn = (None, None)
        if conn is not None and pid == os.getpid():
            with contextlib.suppress(Exception):
                conn.invalidate()

    def close(self) -> None:
        self._drop_connection()
