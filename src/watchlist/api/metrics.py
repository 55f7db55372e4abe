"""Request counts and latencies in Prometheus' text format, shared by every worker.

Counters live in one block of shared memory (an anonymous ``mmap`` made by the serving
process before it forks its workers). Each worker writes only its own slot, so there are
no locks and no lost increments; ``/metrics``, whichever worker answers it, adds up
every slot, so a scrape sees the whole service. A slot outlives its worker (a replaced
worker's successor keeps adding to it), so counters never go backwards.

Labels are a fixed set (the app's routes, a list of status codes, fixed latency buckets),
which is what lets the layout be fixed in advance; anything else counts as "other".
"""

from __future__ import annotations

import mmap
import os
import time
from collections.abc import Iterable
from pathlib import Path

# (method, route template) of every route the app serves; a test checks the list is complete
ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", "/screen"),
    ("GET", "/entities/{entity_id}"),
    ("GET", "/lists"),
    ("GET", "/lists/{source}/diff"),
    ("POST", "/lists/{source}/load"),
    ("POST", "/lists/update"),
    ("GET", "/keys"),
    ("POST", "/keys"),
    ("DELETE", "/keys/{ref}"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("", "other"),
)
STATUSES: tuple[int, ...] = (200, 201, 400, 401, 403, 404, 405, 409, 413, 422, 500, 502, 503, 0)
BUCKETS: tuple[float, ...] = (
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)

_ROUTE_INDEX = {r: i for i, r in enumerate(ROUTES)}
_OTHER_ROUTE = len(ROUTES) - 1
_STATUS_INDEX = {s: i for i, s in enumerate(STATUSES)}
_OTHER_STATUS = len(STATUSES) - 1
_NR, _NS, _NB = len(ROUTES), len(STATUSES), len(BUCKETS) + 1  # + the +Inf bucket

_HEADER = 4  # pid, generation, started (unix s), spare
_COUNTS = _HEADER
_HIST = _COUNTS + _NR * _NS
_SUMS = _HIST + _NR * _NB  # latency sums in microseconds
SLOT_WORDS = _SUMS + _NR


class SharedMetrics:
    """``slots`` metric slots in memory shared with every process forked after this."""

    def __init__(self, slots: int = 1) -> None:
        self.slots = max(1, slots)
        self._buf = mmap.mmap(-1, self.slots * SLOT_WORDS * 8)  # MAP_SHARED | MAP_ANONYMOUS
        self._words = memoryview(self._buf).cast("q")

    def slot(self, index: int, generation: int = 0) -> MetricsSlot:
        if not 0 <= index < self.slots:
            raise ValueError(f"metrics slot {index} out of range 0..{self.slots - 1}")
        s = MetricsSlot(self._words, index * SLOT_WORDS)
        s.claim(generation)
        return s

    def workers(self) -> list[tuple[int, int, int]]:
        """(slot, pid, generation) of every slot a live process holds."""
        out = []
        for i in range(self.slots):
            base = i * SLOT_WORDS
            pid = self._words[base]
            if pid and _alive(pid):
                out.append((i, pid, self._words[base + 1]))
        return out

    def totals(self) -> tuple[list[int], list[int], list[int]]:
        counts = [0] * (_NR * _NS)
        hist = [0] * (_NR * _NB)
        sums = [0] * _NR
        w = self._words
        for i in range(self.slots):
            base = i * SLOT_WORDS
            for j in range(_NR * _NS):
                counts[j] += w[base + _COUNTS + j]
            for j in range(_NR * _NB):
                hist[j] += w[base + _HIST + j]
            for j in range(_NR):
                sums[j] += w[base + _SUMS + j]
        return counts, hist, sums

    def render_requests(self) -> list[str]:
        counts, hist, sums = self.totals()
        out = [
            "# HELP watchlist_http_requests_total HTTP requests answered, by route and status.",
            "# TYPE watchlist_http_requests_total counter",
        ]
        for r, (method, path) in enumerate(ROUTES):
            for s, status in enumerate(STATUSES):
                n = counts[r * _NS + s]
                if n:
                    code = str(status) if status else "other"
                    out.append(
                        f'watchlist_http_requests_total{{method="{method}",route="{path}",'
                        f'status="{code}"}} {n}'
                    )
        out += [
            "# HELP watchlist_http_request_duration_seconds Time to answer, by route.",
            "# TYPE watchlist_http_request_duration_seconds histogram",
        ]
        for r, (method, path) in enumerate(ROUTES):
            row = hist[r * _NB : (r + 1) * _NB]
            total = sum(row)
            if not total:
                continue
            labels = f'method="{method}",route="{path}"'
            acc = 0
            for b, bound in enumerate(BUCKETS):
                acc += row[b]
                out.append(
                    f'watchlist_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {acc}'
                )
            out.append(
                f'watchlist_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {total}'
            )
            out.append(
                f"watchlist_http_request_duration_seconds_sum{{{labels}}} {sums[r] / 1e6:.6f}"
            )
            out.append(f"watchlist_http_request_duration_seconds_count{{{labels}}} {total}")
        return out

    def render_workers(self) -> list[str]:
        out = [
            "# HELP watchlist_workers Serving processes alive.",
            "# TYPE watchlist_workers gauge",
        ]
        workers = self.workers()
        out.append(f"watchlist_workers {len(workers)}")
        out += [
            "# HELP watchlist_worker_memory_bytes Memory of each serving process: rss (resident),"
            " pss (resident, shared pages divided among their sharers), uss (private to it).",
            "# TYPE watchlist_worker_memory_bytes gauge",
        ]
        for slot, pid, gen in workers:
            mem = process_memory(pid)
            for kind in ("rss", "pss", "uss"):
                if kind in mem:
                    out.append(
                        f'watchlist_worker_memory_bytes{{worker="{slot}",pid="{pid}",'
                        f'generation="{gen}",kind="{kind}"}} {mem[kind]}'
                    )
        return out


class MetricsSlot:
    """One process's counters. Only its owner writes it."""

    __slots__ = ("_base", "_w")

    def __init__(self, words: memoryview, base: int) -> None:
        self._w = words
        self._base = base

    def claim(self, generation: int) -> None:
        self._w[self._base] = os.getpid()
        self._w[self._base + 1] = generation
        self._w[self._base + 2] = int(time.time())

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        r = _ROUTE_INDEX.get((method, route), _OTHER_ROUTE)
        s = _STATUS_INDEX.get(status, _OTHER_STATUS)
        base = self._base
        self._w[base + _COUNTS + r * _NS + s] += 1
        b = 0
        while b < len(BUCKETS) and seconds > BUCKETS[b]:
            b += 1
        self._w[base + _HIST + r * _NB + b] += 1
        self._w[base + _SUMS + r] += int(seconds * 1e6)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_memory(pid: int) -> dict[str, int]:
    """rss, pss and uss of a process in bytes (Linux ``smaps_rollup``); {} elsewhere."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    fields: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB" and parts[0].isdigit():
            fields[name.strip()] = int(parts[0]) * 1024
    out = {}
    if "Rss" in fields:
        out["rss"] = fields["Rss"]
    if "Pss" in fields:
        out["pss"] = fields["Pss"]
    if "Private_Clean" in fields or "Private_Dirty" in fields:
        out["uss"] = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return out


def gauge(name: str, help_text: str, samples: Iterable[tuple[str, float | int]]) -> list[str]:
    """Lines for one gauge: ``samples`` are (label text, value), label text like 'source="un"'."""
    out = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        out.append(f"{name}{{{labels}}} {value}" if labels else f"{name} {value}")
    return out
