"""Lists, versions, diffs and entities over HTTP; loading and updating lists (admin)."""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import UN_2026, Keys, TestClient


def test_lists_and_entity(client: TestClient, keys: Keys) -> None:
    r = client.get("/lists", headers=keys.h())
    assert r.status_code == 200
    data = r.json()
    assert [(v["source"], v["version"], v["entities"], v["current"]) for v in data["versions"]] == [
        ("un", 1, 1014, True)
    ]
    assert data["index"]["entities"] == 1014 and data["index"]["lists"][0]["source"] == "un"
    r = client.get("/entities/un:QDi.421", headers=keys.h())
    assert r.status_code == 200
    e = r.json()
    assert e["name"] == "HAMZA USAMA MUHAMMAD BIN LADEN" and e["type"] == "person"
    assert e["version"]["version"] == 1 and e["birth_dates"]
    assert client.get("/entities/un:QDi.421?as_of=1", headers=keys.h()).status_code == 200
    for path, status in [
        ("/entities/un:NOPE", 404),
        ("/entities/nosource:1", 404),
        ("/entities/un:QDi.421?as_of=7", 404),
        ("/entities/un:QDi.421?as_of=1999-01-01", 404),
        ("/entities/un:QDi.421?as_of=" + "9" * 50, 422),
        ("/lists/UPPER/diff", 422),
    ]:
        r = client.get(path, headers=keys.h())
        assert r.status_code == status, (path, r.text)
        assert r.json()["message"]


def test_load_diff_and_update(client: TestClient, keys: Keys, data_dir: Path) -> None:
    admin = keys.h("admin")
    r = client.get("/lists/un/diff", headers=keys.h())
    assert r.status_code == 400 and "only one version" in r.json()["message"]
    r = client.post("/lists/un/load", json={"location": str(data_dir / UN_2026)}, headers=admin)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["created"] and out["version"]["version"] == 2 and out["version"]["entities"] == 1003
    assert out["previous"]["version"] == 1
    r = client.get("/lists/un/diff", headers=keys.h())
    d = r.json()
    assert (d["from"], d["to"], len(d["added"]), len(d["removed"])) == (1, 2, 96, 107)
    assert client.get("/lists/un/diff?from=1&to=2", headers=keys.h()).json() == d
    # refusals: not a list, nowhere, implausibly small, unknown source
    bad = [
        ("/lists/un/load", {"location": str(data_dir / "README.md")}, 422),
        ("/lists/un/load", {"location": "/no/such/place"}, 400),
        (
            "/lists/un/load",
            {"location": str(data_dir / "eu-fsf" / "2020-04-15"), "format": "eu-fsf-xml"},
            409,
        ),
        ("/lists/nosuch/load", {"location": str(data_dir / UN_2026)}, 400),
        ("/lists/un/load", {"location": ""}, 422),
        ("/lists/un/load", {}, 422),
    ]
    for path, body, status in bad:
        r = client.post(path, json=body, headers=admin)
        assert r.status_code == status, (body, r.text)
        assert "Traceback" not in r.text
    # update from a mirror folder: the same UN copies, so nothing new
    r = client.post(
        "/lists/update", json={"sources": ["un"], "mirror": str(data_dir)}, headers=admin
    )
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["failed"] == 0 and u["outcomes"][0]["result"]["created"] is False
    r = client.post(
        "/lists/update", json={"sources": ["nosuch"], "mirror": str(data_dir)}, headers=admin
    )
    assert r.json()["failed"] == 1 and "unknown source" in r.json()["outcomes"][0]["error"]
