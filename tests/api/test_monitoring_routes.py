"""Alerts and customers over HTTP: analysts list and decide, admins import."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import Keys
from watchlist.screen.monitor import run_monitor
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine


def test_import_list_and_decide(client: TestClient, keys: Keys, settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "customers.csv"
    src.write_text("id,name,dob\nc1,Ayman al-Zawahiri,1951\nc2,Jane Nobody,\nc3,,1970\n", encoding="utf-8")

    body = {"location": str(src)}
    assert client.post("/customers/import", json=body, headers=keys.h("analyst")).status_code == 403
    r = client.post("/customers/import", json=body, headers=keys.h("admin"))
    assert r.status_code == 200, r.text
    assert "line 4" in r.text  # the row without a name is reported, not dropped silently

    engine = open_engine(settings.db)
    run_monitor(engine, ListStore(engine), threshold=settings.threshold, limit=5)

    assert client.get("/alerts", headers=keys.h("reader")).status_code == 403
    r = client.get("/alerts", headers=keys.h("analyst"))
    assert r.status_code == 200, r.text
    alerts = r.json()["alerts"]
    assert alerts and alerts[0]["customer_id"] == "c1"
    aid = alerts[0]["id"]

    r = client.post(f"/alerts/{aid}/decision", json={"decision": "maybe", "reason": "x"}, headers=keys.h("analyst"))
    assert r.status_code == 422 and "decision" in r.text
    r = client.post(
        f"/alerts/{aid}/decision",
        json={"decision": "true_match", "reason": "same person, DOB and photo checked"},
        headers=keys.h("analyst"),
    )
    assert r.status_code == 200, r.text
    got = client.get(f"/alerts/{aid}", headers=keys.h("analyst")).json()
    assert got["status"] == "true_match" and got["decided_by"] == "key:test-analyst"
    assert client.get("/alerts/999999", headers=keys.h("analyst")).status_code == 404
