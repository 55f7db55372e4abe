"""POST /screen: the same results as the CLI, batches, filters, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.api.conftest import Keys, TestClient, wait_ready
from watchlist.api import create_app
from watchlist.cli import main
from watchlist.settings import Settings

BIN_LADEN = {"name": "Hamza Usama Muhammad bin Laden", "dob": "1989"}


def test_one_query_is_the_cli_json(client: TestClient, keys: Keys, db: Path) -> None:
    r = client.post("/screen", json=BIN_LADEN, headers=keys.h())
    assert r.status_code == 200, r.text
    api = r.json()
    res = CliRunner().invoke(
        main, ["--db", str(db), "screen", BIN_LADEN["name"], "--dob", "1989", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert api == json.loads(res.output)
    top = api["hits"][0]
    assert top["entity_id"] == "un:QDi.421" and top["score"] >= 0.9
    assert top["explanation"]["summary"] and top["explanation"]["name"]["pairs"]
    assert api["lists"][0]["source"] == "un" and api["lists"][0]["version"] == 1


def test_curl_style_body_without_json_content_type(client: TestClient, keys: Keys) -> None:
    body = json.dumps(BIN_LADEN).encode()
    headers = {**keys.h(), "Content-Type": "application/x-www-form-urlencoded"}
    r = client.post("/screen", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["hits"][0]["entity_id"] == "un:QDi.421"


def test_batch_filters_and_options(client: TestClient, keys: Keys) -> None:
    body = {
        "queries": [BIN_LADEN, {"name": "Nobody Inparticular Smithers", "id": "c-2"}],
        "threshold": 0.85,
        "limit": 1,
    }
    r = client.post("/screen", json=body, headers=keys.h())
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == 2 and len(results[0]["hits"]) == 1
    assert results[1]["query"]["id"] == "c-2" and results[1]["hits"] == []
    # filters: another list only, or a program the entity is not under, leave nothing
    for extra in ({"source": ["ofac-sdn"]}, {"program": ["NOPE"]}, {"only_type": ["vessel"]}):
        r = client.post("/screen", json={**BIN_LADEN, **extra}, headers=keys.h())
        assert r.status_code == 200 and r.json()["hits"] == [], extra
    r = client.post("/screen", json={**BIN_LADEN, "source": ["un"]}, headers=keys.h())
    assert r.json()["hits"]


def _field(r: object) -> str:
    data = r.json()  # type: ignore[attr-defined]
    assert data["error"] == "invalid_request" and "Traceback" not in json.dumps(data)
    return str(data["fields"][0]["field"])


def test_validation_names_the_field(client: TestClient, keys: Keys) -> None:
    h = keys.h()
    cases = [
        ({"name": "x", "dob": "not a date"}, "body.dob"),
        ({"name": "x", "country": "Narnia"}, "body.country"),
        ({"name": "x" * 501}, "body.name"),
        ({"name": "x", "threshold": 2}, "body.threshold"),
        ({"name": "x", "limit": 0}, "body.limit"),
        ({"name": "x", "type": "spaceship"}, "body.type"),
        ({"name": "x", "colour": "red"}, "body.colour"),
        ({"queries": [{"name": "a"}, {"name": "b", "dob": "31/31/2000"}]}, "body.queries.1.dob"),
        ({"queries": [{"name": "a"}] * 101}, "body.queries"),
        ({"name": "a", "queries": [{"name": "b"}]}, "body.name"),
        ({}, "body.name"),
    ]
    for body, field in cases:
        r = client.post("/screen", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert _field(r) == field, (body, r.text)
    r = client.post("/screen", content=b'{"name": ', headers=h)
    assert r.status_code == 422 and _field(r).startswith("body")


def test_size_limits(db: Path, keys: Keys) -> None:
    from tests.api.conftest import make_settings

    settings = make_settings(db, max_body_bytes=2000, max_batch=3)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        wait_ready(c)
        r = c.post("/screen", json={"name": "x" * 3000}, headers=keys.h())
        assert r.status_code == 413 and r.json()["error"] == "body_too_large"
        r = c.post("/screen", json={"queries": [{"name": "a"}] * 4}, headers=keys.h())
        assert r.status_code == 422 and "at most 3" in r.json()["message"]

        def chunks():  # no Content-Length: the limit still holds while reading
            for _ in range(10):
                yield b" " * 500

        r = c.post("/screen", content=chunks(), headers=keys.h())
        assert r.status_code == 413


def test_fast_path_answers_as_fastapi_does(settings: Settings, keys: Keys) -> None:
    requests = [
        ({"json": BIN_LADEN}, keys.h()),
        ({"json": {"queries": [BIN_LADEN, {"name": "Kim"}]}}, keys.h()),
        ({"json": {"name": "x", "dob": "bad"}}, keys.h()),
        ({"json": {"name": "x", "limit": "many"}}, keys.h()),
        ({"json": {"name": 5}}, keys.h()),
        ({"content": b"[1, 2"}, keys.h()),
        ({"content": b""}, keys.h()),
        ({"content": b"\xff\xfe"}, keys.h()),
        ({"json": BIN_LADEN}, {}),
        ({"json": BIN_LADEN}, {"Authorization": "Bearer wl_nope"}),
        ({"json": BIN_LADEN}, {"Authorization": "Basic abc"}),
    ]
    answers = []
    for fast in (True, False):
        with TestClient(create_app(settings, fast_path=fast), raise_server_exceptions=False) as c:
            wait_ready(c)
            answers.append(
                [
                    (r.status_code, r.json())
                    for kw, h in requests
                    for r in [c.post("/screen", headers=h, **kw)]
                ]
            )
    assert answers[0] == answers[1]
    assert [s for s, _ in answers[0]] == [200, 200, 422, 422, 422, 422, 422, 422, 401, 401, 401]


def test_internal_errors_are_generic(client: TestClient, keys: Keys, monkeypatch: object) -> None:
    import watchlist.api.routes.screen as route

    def boom(*_a: object, **_k: object) -> object:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(route, "screen", boom)  # type: ignore[attr-defined]
    r = client.post("/screen", json=BIN_LADEN, headers=keys.h())
    assert r.status_code == 500
    body = r.json()
    assert body["error"] == "internal_error" and "reference" in body["message"]
    assert "secret" not in r.text and "Traceback" not in r.text
