"""Keys and roles: 401/403, hashed storage, revocation at once, the `keys` commands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.api.conftest import Keys, TestClient
from watchlist.api.commands import keys as keys_group
from watchlist.cli import Context
from watchlist.settings import Settings
from watchlist.store import open_engine
from watchlist.store.keys import KeyStore, role_allows

Q = {"name": "Hamza bin Laden"}


def test_missing_unknown_and_wrong_role(client: TestClient, keys: Keys) -> None:
    r = client.post("/screen", json=Q)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert (
        client.post("/screen", json=Q, headers={"Authorization": "Bearer wl_x"}).status_code == 401
    )
    assert client.get("/lists", headers={"Authorization": "Token abc"}).status_code == 401
    for path in ("/lists", "/entities/un:QDi.421", "/metrics", "/lists/un/diff?from=1&to=1"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=keys.h("reader")).status_code != 401, path
    # reader and analyst may screen and look up, not administer
    for role in ("reader", "analyst"):
        assert client.post("/screen", json=Q, headers=keys.h(role)).status_code == 200
        r = client.post("/lists/update", json={"sources": ["un"]}, headers=keys.h(role))
        assert r.status_code == 403 and "admin" in r.json()["message"]
        assert client.get("/keys", headers=keys.h(role)).status_code == 403
        assert (
            client.post(
                "/lists/un/load", json={"location": "/nowhere"}, headers=keys.h(role)
            ).status_code
            == 403
        )
    assert client.get("/keys", headers=keys.h("admin")).status_code == 200
    # health and readiness need no key
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_role_ladder() -> None:
    assert role_allows("admin", "reader") and role_allows("analyst", "reader")
    assert not role_allows("reader", "analyst") and not role_allows("analyst", "admin")
    assert not role_allows("nobody", "reader")


def test_keys_are_stored_hashed_and_revoked_at_once(
    client: TestClient, keys: Keys, db: Path
) -> None:
    rows = sqlite3.connect(db).execute("select name, key_hash, prefix from api_keys").fetchall()
    assert rows and all(keys.reader not in str(r) and len(r[1]) == 64 for r in rows)
    assert client.post("/screen", json=Q, headers=keys.h()).status_code == 200
    KeyStore(open_engine(str(db))).revoke("test-reader")  # another process would do the same
    r = client.post("/screen", json=Q, headers=keys.h())
    assert r.status_code == 401 and "revoked" in r.json()["message"]


def test_keys_over_http(client: TestClient, keys: Keys) -> None:
    r = client.post("/keys", json={"name": "gateway", "role": "reader"}, headers=keys.h("admin"))
    assert r.status_code == 201
    secret = r.json()["secret"]
    assert secret.startswith("wl_") and len(secret) > 40
    listed = client.get("/keys", headers=keys.h("admin")).json()
    assert "gateway" in [k["name"] for k in listed] and secret not in json.dumps(listed)
    h = {"Authorization": f"Bearer {secret}"}
    assert client.post("/screen", json=Q, headers=h).status_code == 200
    r = client.post("/keys", json={"name": "gateway"}, headers=keys.h("admin"))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.name"  # name in use
    r = client.delete("/keys/gateway", headers=keys.h("admin"))
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.post("/screen", json=Q, headers=h).status_code == 401
    assert client.delete("/keys/nosuchkey", headers=keys.h("admin")).status_code == 404


def test_keys_commands(db: Path) -> None:
    obj = Context(Settings(db=str(db)))
    run = CliRunner()
    res = run.invoke(
        keys_group, ["create", "--name", "payments-gateway", "--role", "analyst"], obj=obj
    )
    assert res.exit_code == 0, res.output
    secret = res.stdout.strip()
    assert secret.startswith("wl_") and "cannot be shown again" in res.stderr
    ks = KeyStore(open_engine(str(db)))
    found = ks.verify(secret)
    assert found is not None and found.role == "analyst"
    res = run.invoke(keys_group, ["list", "--json"], obj=obj)
    assert res.exit_code == 0 and secret not in res.output
    assert [k["name"] for k in json.loads(res.output)] == ["payments-gateway"]
    res = run.invoke(keys_group, ["list"], obj=obj)
    assert "payments-gateway" in res.output and "analyst" in res.output and secret not in res.output
    res = run.invoke(keys_group, ["revoke", "payments-gateway"], obj=obj)
    assert res.exit_code == 0 and "revoked" in res.output
    assert ks.verify(secret) is None
    res = run.invoke(keys_group, ["revoke", "nobody"], obj=obj)
    assert res.exit_code == 1 and "no API key" in res.output
    res = run.invoke(keys_group, ["create", "--name", "x", "--role", "god"], obj=obj)
    assert res.exit_code != 0


@pytest.mark.parametrize("bad", ["", " ", "a" * 101, "semi;colon", "new\nline"])
def test_key_names_are_checked(db: Path, bad: str) -> None:
    from watchlist.errors import InputError

    with pytest.raises(InputError):
        KeyStore(open_engine(str(db))).create(bad, "reader")


def test_serve_command_passes_its_options(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchlist.api.server as server
    from watchlist.api.commands import serve

    seen: dict[str, Settings] = {}

    def fake(settings: Settings, *, log_level: str) -> int:
        seen["settings"] = settings
        return 0

    monkeypatch.setattr(server, "serve", fake)
    obj = Context(Settings(db=str(db)))
    args = ["--host", "0.0.0.0", "--port", "9999", "--workers", "3", "--request-log", "off"]
    res = CliRunner().invoke(serve, args, obj=obj)
    assert res.exit_code == 0, res.output
    s = seen["settings"]
    assert (s.api_host, s.api_port, s.api_workers, s.request_log) == ("0.0.0.0", 9999, 3, "off")
    assert CliRunner().invoke(serve, ["--workers", "0"], obj=obj).exit_code != 0
