"""Benchmark: parse and store lists (issue: OFAC SDN 2021 well under Watchman's 1.8 s;
every list in the mirror together in a few seconds).

Prints medians over several runs, each into a fresh SQLite store, and the ratio to a
baseline measured in the same run: a bare ``csv.reader`` pass over the same OFAC files
(the floor any CSV loader pays), so the figures travel between machines.

* OFAC SDN 2021: ``read_list`` (parse, one core) and ``load_list`` (parse, encode and write:
  what ``watchlist load`` runs) on one core and on ``--workers`` (the list's records mapped
  side by side), in this process, lookup tables warmed by one load first (they are built
  once per process).
* Every source's latest copy: ``update_sources`` from the mirror (what ``watchlist update
  --mirror`` runs), one worker vs ``--workers``.
* All lists: ``update_history`` over the whole mirror (every dated copy of every source,
  oldest first: what ``watchlist update --history`` runs), one worker vs ``--workers``
  (default: every core); the same again end to end as a fresh ``watchlist`` process, which
  also pays the interpreter start, the imports and the cold lookup tables.

    python benchmarks/bench_load.py [--runs 7] [--workers N] [--no-cli]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from watchlist.ingest import (
    UpdateOutcome,
    load_list,
    mirror_history,
    update_history,
    update_sources,
)
from watchlist.settings import Settings
from watchlist.sources import SOURCES, read_list
from watchlist.store import ListStore, open_engine

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SDN_2021 = DATA / "ofac-sdn" / "2021-07-07"
WATCHMAN_OFAC_LOAD = 1.8  # seconds, Moov Watchman's own figure for its OFAC load


def bare_csv(folder: Path) -> int:
    n = 0
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        with (folder / name).open(encoding="latin-1", newline="") as f:
            for _ in csv.reader(f):
                n += 1
    return n


def load_sdn(workers: int) -> tuple[float, float, float, int]:
    """(parse, load on one core, load on ``workers``) seconds and the entity count."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        n = len(read_list(SDN_2021, "ofac-sdn").entities)
        parse = time.perf_counter() - t0
        loads = []
        for i, w in enumerate((1, workers)):
            db = str(Path(tmp) / f"b{i}.db")
            store = ListStore(open_engine(db))
            settings = replace(Settings(db=db), load_workers=w, min_count_ratio=0.0)
            t0 = time.perf_counter()
            load_list(store, "ofac-sdn", str(SDN_2021), settings=settings)
            loads.append(time.perf_counter() - t0)
            store.engine.dispose()
    return parse, loads[0], loads[1], n


def timed_update(run: Callable[..., list[UpdateOutcome]], workers: int) -> tuple[float, int, int, int]:
    """``update_history`` or ``update_sources`` over the mirror into a fresh store:
    (seconds, lists loaded, lists refused, entities)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "b.db")
        store = ListStore(open_engine(db))
        settings = replace(Settings(db=db, mirror=str(DATA)), load_workers=workers)
        t0 = time.perf_counter()
        outcomes = run(store, settings)
        seconds = time.perf_counter() - t0
        store.engine.dispose()
    loaded = [o.result for o in outcomes if o.result is not None]
    return seconds, len(loaded), len(outcomes) - len(loaded), sum(r.version.entities for r in loaded)


def cli_all(workers: int) -> float:
    """``watchlist update --history`` as a fresh process, wall clock."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WATCHLIST_LOAD_WORKERS": str(workers)}
        cmd = [sys.executable, "-m", "watchlist.cli", "--db", str(Path(tmp) / "b.db")]
        cmd += ["update", "--history", "--mirror", str(DATA)]
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        return time.perf_counter() - t0


def busy_seconds() -> float | None:
    """CPU seconds every process on the machine has used so far (Linux), to tell how much
    of it other jobs took while this ran: their load slows both the figures and the
    parallel speed-up."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI runs")
    args = ap.parse_args()
    n_copies = sum(len(mirror_history(DATA, s)) for s in SOURCES)
    started, busy0, own0 = time.perf_counter(), busy_seconds(), own_seconds()
    load_sdn(args.workers)  # warm caches (imports, country tables)

    base, sdn_parse, sdn_one, sdn_par = [], [], [], []
    n_sdn = 0
    for _ in range(args.runs):
        t = time.perf_counter()
        bare_csv(SDN_2021)
        base.append(time.perf_counter() - t)
        p, one, par_, n_sdn = load_sdn(args.workers)
        sdn_parse.append(p)
        sdn_one.append(one)
        sdn_par.append(par_)
    b = med(base)
    print(f"machine baseline: bare csv.reader over the OFAC SDN 2021 files: {b * 1000:.0f} ms (median of {args.runs})")
    print(
        f"OFAC SDN 2021 ({n_sdn} entities, median of {args.runs}): parse {med(sdn_parse):.3f} s"
        f" ({med(sdn_parse) / b:.1f}x the bare CSV pass); load (parse, encode, store):"
        f" 1 worker {med(sdn_one):.3f} s ({med(sdn_one) / b:.1f}x the bare CSV pass;"
        f" {med(sdn_one) / WATCHMAN_OFAC_LOAD:.0%} of Watchman's {WATCHMAN_OFAC_LOAD} s for its"
        f" OFAC load), {args.workers} workers {med(sdn_par):.3f} s"
        f" ({med(sdn_par) / WATCHMAN_OFAC_LOAD:.0%} of Watchman's)"
    )

    seq, par = [], []
    loaded = refused = n_all = 0
    for _ in range(max(3, args.runs // 2)):
        s, loaded, refused, n_all = timed_update(update_history, 1)
        seq.append(s)
        p, *_ = timed_update(update_history, args.workers)
        par.append(p)
    print(
        f"all lists ({n_copies} dated copies in {DATA}: {loaded} loaded, {refused} refused by design,"
        f" {n_all} entities), update_history, median of {len(seq)}: 1 worker {med(seq):.2f} s,"
        f" {args.workers} workers {med(par):.2f} s ({med(seq) / med(par):.2f}x);"
        f" {med(par) / b:.0f}x the bare CSV pass"
    )
    cur_seq, cur_par = [], []
    n_cur = n_cur_ent = 0
    for _ in range(max(3, args.runs // 2)):
        s, n_cur, _, n_cur_ent = timed_update(update_sources, 1)
        cur_seq.append(s)
        cur_par.append(timed_update(update_sources, args.workers)[0])
    print(
        f"every source's latest copy ({n_cur} lists, {n_cur_ent} entities), `update` from the"
        f" mirror, median of {len(cur_seq)}: 1 worker {med(cur_seq):.2f} s, {args.workers} workers"
        f" {med(cur_par):.2f} s ({med(cur_seq) / med(cur_par):.2f}x)"
    )
    if not args.no_cli:
        cli_seq, cli_par = [], []
        for _ in range(3):
            cli_seq.append(cli_all(1))
            cli_par.append(cli_all(args.workers))
        print(
            f"  the same as a fresh `watchlist update --history` process (start, imports and cold"
            f" tables included), median of 3: 1 worker {med(cli_seq):.2f} s,"
            f" {args.workers} workers {med(cli_par):.2f} s"
        )
    busy1 = busy_seconds()
    if busy0 is not None and busy1 is not None:
        others = max(0.0, (busy1 - busy0) - (own_seconds() - own0)) / (time.perf_counter() - started)
        print(
            f"other jobs on the machine meanwhile: {others:.2f} of {os.cpu_count()} cores on average"
            " (figures with more than ~0.2 are slowed, the parallel ones most)"
        )


if __name__ == "__main__":
    main()
