"""Load benchmark of the screening service: real HTTP on loopback, bounded in time.

1. Loads every list in ../shared/data into a temporary store (as ``watchlist update
   --mirror ../shared/data --history`` does), unless ``--db`` names a store to reuse.
2. Starts ``watchlist serve`` (``python -m watchlist.api serve``) with ``--workers`` worker
   processes and the request log on, as in production, and makes a reader key.
3. Drives ``POST /screen`` with single-name queries using wrk (Debian package ``wrk``; a
   small asyncio HTTP/1.1 client when wrk is absent), at several connection counts:
   requests/s, p50, p99, errors. The queries are a fixed mix (seeded): half names as the
   lists write them (they hit, with explanations), half names recombined from given
   names and surnames of different listed people (what screening mostly sees: near
   misses and clean customers).
4. Baselines measured in the same run, so the figures travel between machines:
   the same queries screened in process on one core without HTTP (``screen`` +
   ``as_json`` + ``orjson``), and ``GET /healthz`` over HTTP (the server's floor).
5. Memory of the supervisor and of each worker (RSS, PSS, USS from smaps_rollup): PSS
   counts pages shared copy-on-write once among their sharers, USS is what a worker holds
   alone.

    python benchmarks/bench_api.py [--workers 2] [--duration 10] [--connections 4,8,16]

This machine has 2 cores, shared by the server's workers and the load generator.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from watchlist.api.metrics import process_memory
from watchlist.ingest import update_history
from watchlist.model import EntityType
from watchlist.screen import Query, screen
from watchlist.screen.engine import load_index
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine
from watchlist.store.keys import KeyStore

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TARGET_RPS, TARGET_P99_MS = 1500.0, 20.0

WRK_SCRIPT = r"""
local bodies = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  i = math.random(#bodies)
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/screen", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. args_key}, bodies[i])
end
"""


# ------------------------------------------------------------------ the store and queries


def build_store(db: Path) -> None:
    settings = Settings(db=str(db), mirror=str(DATA), min_count_ratio=0.0)
    store = ListStore(open_engine(settings.db_url))
    t = time.perf_counter()
    outcomes = update_history(store, settings)
    ok = [o for o in outcomes if o.result is not None]
    failed = sorted({o.source for o in outcomes if o.result is None})
    print(f"store: {len(ok)} list versions loaded in {time.perf_counter() - t:.1f} s", end="")
    print(f"; not readable yet: {', '.join(failed)}" if failed else "")
    store.engine.dispose()


def make_queries(store: ListStore, n: int, rng: random.Random) -> list[dict[str, Any]]:
    listed: list[str] = []
    givens: list[str] = []
    families: list[str] = []
    for v in store.current_versions():
        for e in store.entities(v):
            listed.append(e.name)
            if e.type == EntityType.PERSON:
                for nm in e.names[:2]:
                    if nm.parts.get("given") and nm.parts.get("family"):
                        givens.append(nm.parts["given"].split()[0])
                        families.append(nm.parts["family"])
                    elif "," in nm.full:
                        fam, _, giv = nm.full.partition(",")
                        if giv.split():
                            givens.append(giv.split()[0])
                            families.append(fam.strip())
    half = n // 2
    queries = [{"name": name} for name in rng.sample(listed, min(half, len(listed)))]
    while len(queries) < n and givens:
        queries.append({"name": f"{rng.choice(givens)} {rng.choice(families)}"})
    rng.shuffle(queries)
    return queries


def in_process_baseline(
    store: ListStore, cache_dir: Path, queries: list[dict[str, Any]]
) -> tuple[float, float, float, int]:
    index = load_index(store, cache_dir)
    # Warm up on the whole set: the load runs send each query many times, so the server
    # answers from warm caches (postings memo, word traits); the baseline must too, or
    # the HTTP overhead derived from it comes out negative.
    for q in queries:
        screen(index, Query(q["name"]), threshold=Settings().threshold, limit=10)
    lat = []
    c0 = time.process_time()
    for q in queries:
        t = time.perf_counter()
        orjson.dumps(
            screen(index, Query(q["name"]), threshold=Settings().threshold, limit=10).as_json()
        )
        lat.append(time.perf_counter() - t)
    cpu = time.process_time() - c0  # CPU time: other jobs on the machine do not count
    lat.sort()
    return (
        len(queries) / cpu,
        lat[len(lat) // 2] * 1000,
        lat[int(len(lat) * 0.99)] * 1000,
        index.stats()["entities"],
    )


# ------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
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
        str(workers),
        "--request-log",
        str(log),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become ready")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def worker_pids(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        out += [int(c) for c in children]
    return out


# ------------------------------------------------------------------ load generators


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    url: str,
    connections: int,
    duration: float,
    script: Path | None,
    bodies: Path | None,
    key: str | None,
) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "10s"]
    if script is not None and bodies is not None and key is not None:
        cmd += ["-s", str(script), url, str(bodies)]
        env = {**os.environ}
        script.write_text(WRK_SCRIPT.replace("args_key", json.dumps(key)))
    else:
        cmd += [url]
        env = {**os.environ}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p = {q: _ms(re.search(rf"^\s+{q}%\s+(\S+)", out, re.M).group(1)) for q in ("50", "99")}  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return {"rps": rps, "p50": p["50"], "p99": p["99"], "errors": errors}


async def _client(
    host: str, port: int, requests: list[bytes], stop: float, lat: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = random.randrange(len(requests))
    while time.perf_counter() < stop:
        i = (i + 1) % len(requests)
        t = time.perf_counter()
        writer.write(requests[i])
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        lat.append(time.perf_counter() - t)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(1)
    writer.close()


def run_python_load(
    port: int, connections: int, duration: float, requests: list[bytes]
) -> dict[str, float]:
    """A lean asyncio HTTP/1.1 keep-alive client (used when wrk is not installed)."""
    lat: list[float] = []
    errors: list[int] = []

    async def main() -> None:
        stop = time.perf_counter() + duration
        await asyncio.gather(
            *(_client("127.0.0.1", port, requests, stop, lat, errors) for _ in range(connections))
        )

    t = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - t
    lat.sort()
    return {
        "rps": len(lat) / elapsed,
        "p50": lat[len(lat) // 2] * 1000,
        "p99": lat[int(len(lat) * 0.99)] * 1000,
        "errors": len(errors),
    }


def raw_request(path: str, body: bytes | None, key: str | None) -> bytes:
    head = f"{'POST' if body is not None else 'GET'} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if key:
        head += f"Authorization: Bearer {key}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + (body or b"")


# ------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--db", type=Path, help="Reuse this store (default: load ../shared/data into a temp one)."
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--duration", type=float, default=10.0, help="Seconds per measured run.")
    ap.add_argument("--connections", default="4,8,16")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument(
        "--python-client", action="store_true", help="Use the asyncio client even if wrk is there."
    )
    args = ap.parse_args()
    rng = random.Random(7)
    use_wrk = shutil.which("wrk") is not None and not args.python_client

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp_name:
        tmp = Path(tmp_name)
        if args.db is None:
            db = tmp / "w.db"
            build_store(db)
        else:
            db = args.db
        settings = Settings(db=str(db))
        store = ListStore(open_engine(settings.db_url))
        print(
            "lists: "
            + ", ".join(f"{v.source} v{v.version} ({v.entities})" for v in store.current_versions())
        )
        queries = make_queries(store, args.queries, rng)
        qps, bp50, bp99, n_entities = in_process_baseline(store, settings.cache_dir, queries)
        print(
            f"index: {n_entities:,} entities; load average before the runs: {os.getloadavg()[0]:.2f}"
        )
        print(
            f"baseline, in process on one core (no HTTP): {qps:,.0f} queries/s, p50 {bp50:.2f} ms, p99 {bp99:.2f} ms"
        )
        _, key = KeyStore(store.engine).create(f"bench-{os.getpid()}-{time.time():.0f}", "reader")
        bodies = tmp / "bodies.jsonl"
        bodies.write_text("\n".join(json.dumps(q) for q in queries) + "\n")
        requests = [raw_request("/screen", json.dumps(q).encode(), key) for q in queries]

        port = free_port()
        proc = start_server(db, port, args.workers, tmp / "requests.log")
        try:
            url = f"http://127.0.0.1:{port}"

            def load(path: str, c: int, duration: float) -> dict[str, float]:
                """One run; adds the CPU time the server and the load generator used per request."""
                pids = [proc.pid, *worker_pids(proc.pid)]
                s0, g0 = cpu_seconds(pids), children_cpu()
                r = _load(path, c, duration)
                server, gen = cpu_seconds(pids) - s0, children_cpu() - g0
                n = max(1.0, r["rps"] * duration)
                r["server_ms"] = 1000 * server / n
                r["client_ms"] = 1000 * gen / n if use_wrk else float("nan")
                return r

            def _load(path: str, c: int, duration: float) -> dict[str, float]:
                if use_wrk:
                    if path == "/screen":
                        return run_wrk(url + path, c, duration, tmp / "screen.lua", bodies, key)
                    return run_wrk(url + path, c, duration, None, None, None)
                reqs = requests if path == "/screen" else [raw_request(path, None, None)]
                return run_python_load(port, c, duration, reqs)

            client = "wrk (1 thread)" if use_wrk else "asyncio client"
            print(f"server: {args.workers} workers; load generator: {client} on the same machine")
            load("/screen", 8, 3)  # warm up: first requests fault in pages, fill caches
            health = load("/healthz", 8, min(5.0, args.duration))
            print(
                f"baseline, GET /healthz over HTTP: {health['rps']:,.0f} req/s, p50 {health['p50']:.2f} ms, p99 {health['p99']:.2f} ms"
            )
            print(
                f"{'connections':>11}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  {'errors':>6}  {'vs in-process':>13}  {'vs /healthz':>11}  target"
            )
            results = []
            for c in [int(x) for x in args.connections.split(",")]:
                r = load("/screen", c, args.duration)
                results.append((c, r))
                ok = r["rps"] >= TARGET_RPS and r["p99"] <= TARGET_P99_MS
                print(
                    f"{c:>11}  {r['rps']:>8,.0f}  {r['p50']:>7.2f}  {r['p99']:>7.2f}  {int(r['errors']):>6}"
                    f"  {r['rps'] / qps:>12.2f}x  {r['rps'] / health['rps']:>10.2f}x  {r['server_ms']:>17.3f}"
                    f"  {r['client_ms']:>14.3f}  {'met' if ok else 'missed'}"
                )
            print("memory (after the runs):")
            mem = process_memory(proc.pid)
            print(
                f"  supervisor pid {proc.pid}: rss {mem.get('rss', 0) / 2**20:.0f} MB, pss {mem.get('pss', 0) / 2**20:.0f} MB, uss {mem.get('uss', 0) / 2**20:.0f} MB"
            )
            total_pss = mem.get("pss", 0)
            for pid in worker_pids(proc.pid):
                m = process_memory(pid)
                total_pss += m.get("pss", 0)
                print(
                    f"  worker pid {pid}: rss {m.get('rss', 0) / 2**20:.0f} MB, pss {m.get('pss', 0) / 2**20:.0f} MB, uss (private) {m.get('uss', 0) / 2**20:.0f} MB"
                )
            print(f"  all processes together (sum of pss): {total_pss / 2**20:.0f} MB")
            best = max(results, key=lambda cr: cr[1]["rps"] if cr[1]["p99"] <= TARGET_P99_MS else 0)
            cores = os.cpu_count() or 1
            top = max(results, key=lambda cr: cr[1]["rps"])[1]
            per_req = top["server_ms"] + (top["client_ms"] if use_wrk else 0.0)
            print(
                f"CPU budget: {top['server_ms']:.3f} ms server + {top['client_ms']:.3f} ms wrk per request;"
                f" with {cores} cores to themselves that is at most {1000 * cores / per_req:,.0f} req/s"
                f" (HTTP, keys, validation, logging and metrics cost {top['server_ms'] - 1000 / qps:.3f} ms"
                " over screening in process)"
            )
            print(
                f"load average after the runs: {os.getloadavg()[0]:.2f} (other jobs on the machine skew req/s, not CPU/request)"
            )
            print(
                f"summary: best run within p99 {TARGET_P99_MS:g} ms: {best[0]} connections, {best[1]['rps']:,.0f} req/s, "
                f"p99 {best[1]['p99']:.1f} ms (target {TARGET_RPS:,.0f} req/s, p99 {TARGET_P99_MS:g} ms)"
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        store.engine.dispose()


if __name__ == "__main__":
    main()
