"""Live list updates: /screen is hammered while a new list version loads; no request may
fail and every answer comes from a whole index (the old one, then the new one)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from tests.api.conftest import UN_2026, Keys, TestClient

Q = {"name": "Hamza Usama Muhammad bin Laden", "dob": "1989"}


def hammer(post: Any, stop: threading.Event, seen: Counter[Any], failures: list[str]) -> None:
    while not stop.is_set():
        try:
            r = post()
            if r.status_code != 200:
                failures.append(f"{r.status_code} {r.text[:200]}")
                continue
            body = r.json()
            lists = body["lists"]
            assert body["hits"][0]["entity_id"] == "un:QDi.421"
            seen[(lists[0]["version"], len(lists))] += 1
        except Exception as exc:  # a failed request, or a half-built index
            failures.append(repr(exc))


def test_in_process_swap_under_load(client: TestClient, keys: Keys, data_dir: Path) -> None:
    stop = threading.Event()
    seen: Counter[Any] = Counter()
    failures: list[str] = []
    threads = [
        threading.Thread(
            target=hammer,
            args=(lambda: client.post("/screen", json=Q, headers=keys.h()), stop, seen, failures),
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    time.sleep(0.3)
    r = client.post(
        "/lists/un/load", json={"location": str(data_dir / UN_2026)}, headers=keys.h("admin")
    )
    assert r.status_code == 200 and r.json()["version"]["version"] == 2
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and seen[(2, 1)] < 20:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert seen[(1, 1)] > 0 and seen[(2, 1)] >= 20, seen
    assert set(seen) == {(1, 1), (2, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_workers_swap_under_load_and_revoke_at_once(db: Path, keys: Keys, data_dir: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "WATCHLIST_REFRESH_SECONDS": "0.2",
        "WATCHLIST_DRAIN_SECONDS": "3",
        "WATCHLIST_REQUEST_LOG": str(db.parent / "requests.log"),
    }
    cmd = [
        sys.executable,
        "-m",
        "watchlist.api",
        "--db",
        str(db),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.1)
        stop = threading.Event()
        seen: Counter[Any] = Counter()
        failures: list[str] = []
        clients = [httpx.Client(base_url=base, headers=keys.h(), timeout=30) for _ in range(4)]
        threads = [
            threading.Thread(
                target=hammer, args=(lambda c=c: c.post("/screen", json=Q), stop, seen, failures)
            )
            for c in clients
        ]
        for t in threads:
            t.start()
        time.sleep(0.5)
        with httpx.Client(base_url=base, headers=keys.h("admin"), timeout=60) as admin:
            r = admin.post("/lists/un/load", json={"location": str(data_dir / UN_2026)})
            assert r.status_code == 200, r.text
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and seen[(2, 1)] < 50:
                time.sleep(0.05)
            time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join()
            assert failures == [], failures[:5]
            assert seen[(1, 1)] > 0 and seen[(2, 1)] >= 50, seen
            # a new connection lands on the new generation (the old one only drains)
            ready = httpx.get(base + "/readyz").json()
            assert ready["index"]["generation"] == 1 and ready["index"]["lists"][0]["version"] == 2
            # every request was counted, whichever worker answered it or scrapes the metrics
            text = httpx.get(base + "/metrics", headers=keys.h()).text
            line = next(
                x
                for x in text.splitlines()
                if x.startswith(
                    'watchlist_http_requests_total{method="POST",route="/screen",status="200"}'
                )
            )
            assert int(line.split()[-1]) >= sum(seen.values())
            assert 2 <= text.count('kind="rss"') <= 4  # the new generation (and draining ones)
            # revocation: at once, on every connection, whichever worker holds it
            for c in clients:
                assert c.post("/screen", json=Q).status_code == 200
            r = admin.delete("/keys/test-reader")
            assert r.status_code == 200
            for c in clients:
                assert c.post("/screen", json=Q).status_code == 401
            # a worker that dies is replaced: a new generation takes over
            text = httpx.get(base + "/metrics", headers=keys.h("admin")).text
            gen = ready["index"]["generation"]
            pids = set(re.findall(rf'pid="(\d+)",generation="{gen}",kind="rss"', text))
            assert len(pids) == 2
            os.kill(int(pids.pop()), signal.SIGKILL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                r = httpx.get(base + "/readyz")
                assert r.status_code == 200
                if r.json()["index"]["generation"] == gen + 1:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("no new generation after a worker died")
        for c in clients:
            c.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out.decode(errors="replace")[-2000:]
    assert b"Traceback" not in out, out.decode(errors="replace")[-2000:]
