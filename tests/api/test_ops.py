"""Health, readiness, metrics, the offline docs page, OpenAPI and the request log."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.api.conftest import Keys, TestClient, make_settings
from watchlist.api import create_app
from watchlist.api.metrics import ROUTES, SharedMetrics, process_memory
from watchlist.settings import Settings


def test_not_ready_without_lists(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "empty.db")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "not ready" and r.json()["reason"]
        from watchlist.store import open_engine
        from watchlist.store.keys import KeyStore

        _, secret = KeyStore(open_engine(str(tmp_path / "empty.db"))).create("r", "reader")
        r = c.post("/screen", json={"name": "x"}, headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 503 and r.json()["error"] == "not_ready"


def test_metrics(client: TestClient, keys: Keys) -> None:
    for _ in range(3):
        client.post("/screen", json={"name": "Hamza bin Laden"}, headers=keys.h())
    client.post("/screen", json={"name": "x"})
    r = client.get("/metrics", headers=keys.h())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'watchlist_http_requests_total{method="POST",route="/screen",status="200"} 3' in text
    assert 'watchlist_http_requests_total{method="POST",route="/screen",status="401"} 1' in text
    assert 'watchlist_http_request_duration_seconds_count{method="POST",route="/screen"} 4' in text
    assert "watchlist_index_entities 1014" in text
    assert 'watchlist_list_version{source="un"} 1' in text
    assert 'watchlist_list_entities{source="un"} 1014' in text
    assert re.search(r'watchlist_list_age_seconds\{source="un"\} \d', text)
    assert re.search(r'watchlist_list_data_age_seconds\{source="un"\} \d', text)
    assert re.search(
        r'watchlist_worker_memory_bytes\{worker="0",pid="\d+",generation="0",kind="rss"\} \d+', text
    )
    # well-formed exposition: every sample line is NAME{labels} VALUE
    for line in text.splitlines():
        assert line.startswith("#") or re.match(r"^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$", line), line


def test_metrics_add_up_worker_slots() -> None:
    m = SharedMetrics(3)
    a, b = m.slot(0), m.slot(2, generation=1)
    a.observe("POST", "/screen", 200, 0.003)
    b.observe("POST", "/screen", 200, 0.5)
    b.observe("GET", "/nowhere", 404, 0.001)
    text = "\n".join(m.render_requests())
    assert 'route="/screen",status="200"} 2' in text
    assert 'route="other",status="404"} 1' in text
    assert (
        'watchlist_http_request_duration_seconds_bucket{method="POST",route="/screen",le="0.005"} 1'
        in text
    )
    assert process_memory(1 << 30) == {}


def test_route_labels_cover_the_app(settings: Settings) -> None:
    app = create_app(settings)
    served = set()
    for route in app.routes:
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                served.add((method, getattr(route, "path_format", route.path)))
    assert served <= set(ROUTES), served - set(ROUTES)


def test_docs_work_offline_and_openapi(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "openapi.json" in r.text
    assert not re.search(r"(src|href)=\"(https?:)?//", r.text)  # nothing from a CDN
    assert "cdn" not in r.text.lower()
    spec = client.get("/openapi.json").json()
    assert {
        "/screen",
        "/entities/{entity_id}",
        "/lists",
        "/lists/{source}/diff",
        "/lists/{source}/load",
        "/lists/update",
        "/healthz",
        "/readyz",
        "/metrics",
        "/keys",
    } <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert client.get("/redoc").status_code == 404


def test_request_log(client: TestClient, keys: Keys, settings: Settings) -> None:
    client.post("/screen", json={"name": "Hamza bin Laden"}, headers=keys.h("analyst"))
    client.get("/keys", headers=keys.h("reader"))
    client.get("/lists")
    assert settings.request_log_path is not None
    lines = [json.loads(x) for x in settings.request_log_path.read_text().splitlines()]
    tail = [(x["key"], x["role"], x["method"], x["route"], x["status"]) for x in lines[-3:]]
    assert tail == [
        ("test-analyst", "analyst", "POST", "/screen", 200),
        ("test-reader", "reader", "GET", "/keys", 403),
        (None, None, "GET", "/lists", 401),
    ]
    assert all(x["time"] and x["ms"] >= 0 for x in lines)
