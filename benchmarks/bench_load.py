"""Benchmark: parse and store lists (issue: OFAC SDN 2021 well under Watchman's 1.8 s).

Prints medians over several runs, each into a fresh SQLite store, and the ratio to a
baseline measured in the same run: a bare ``csv.reader`` pass over the same OFAC files
(the floor any CSV loader pays), so the figures travel between machines.

    python benchmarks/bench_load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from watchlist.ingest import mirror_history, store_list
from watchlist.sources import SOURCES, read_list
from watchlist.store import ListStore, open_engine

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SDN_2021 = DATA / "ofac-sdn" / "2021-07-07"


def bare_csv(folder: Path) -> int:
    n = 0
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        with (folder / name).open(encoding="latin-1", newline="") as f:
            for _ in csv.reader(f):
                n += 1
    return n


def load_once(paths: list[tuple[str, Path]]) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = ListStore(open_engine(str(Path(tmp) / "b.db")))
        t0 = time.perf_counter()
        parsed = [(read_list(p, s), p) for s, p in paths]
        t1 = time.perf_counter()
        n = 0
        for data, p in parsed:
            store_list(store, data, p, str(p), min_count_ratio=0.0)
            n += len(data.entities)
        t2 = time.perf_counter()
        store.engine.dispose()
    return t1 - t0, t2 - t0, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    every = [(s, p) for s in SOURCES for p in mirror_history(DATA, s) if s != "uk-fcdo"]
    # (the FCDO sample holds a synthetic record without an id: it is refused, by design)
    load_once([("ofac-sdn", SDN_2021)])  # warm caches (imports, country tables)

    base = []
    for _ in range(args.runs):
        t = time.perf_counter()
        bare_csv(SDN_2021)
        base.append(time.perf_counter() - t)
    sdn_parse, sdn_total, all_parse, all_total = [], [], [], []
    n_sdn = n_all = 0
    for _ in range(args.runs):
        p, t, n_sdn = load_once([("ofac-sdn", SDN_2021)])
        sdn_parse.append(p)
        sdn_total.append(t)
    for _ in range(max(1, args.runs // 2)):
        p, t, n_all = load_once(every)
        all_parse.append(p)
        all_total.append(t)
    b = statistics.median(base)
    print(f"machine baseline: bare csv.reader over OFAC SDN 2021 files: {b * 1000:.0f} ms (median of {args.runs})")
    print(
        f"OFAC SDN 2021 ({n_sdn} entities): parse {statistics.median(sdn_parse):.3f} s,"
        f" parse+store {statistics.median(sdn_total):.3f} s (median of {args.runs});"
        f" {statistics.median(sdn_total) / b:.1f}x the bare CSV pass; Watchman's figure for its OFAC load: 1.8 s"
    )
    print(
        f"all {len(every)} list files in {DATA} ({n_all} entities): parse {statistics.median(all_parse):.2f} s,"
        f" parse+store {statistics.median(all_total):.2f} s (median of {len(all_total)})"
    )


if __name__ == "__main__":
    main()
