"""Benchmark: continuous monitoring, delta run against full re-screen, in the same run.

A customer book of N customers (default 100,000) is built from real name parts of the
OFAC SDN lists (given names and surnames recombined, company words for organisations),
with 2% listed parties planted (exact and lightly varied names, among them persons that
OFAC added between 2019 and 2021). The store starts with the real SDN list of 2019-01-15
and a first (full) monitoring run. Then, for each scenario, the same change is monitored
twice from the same starting state (the SQLite store is copied): once as a delta run,
once as a full re-screen (``run_monitor(full=True)``), both complete runs (read, screen,
alerts, audit) against the same prebuilt index, on the same number of worker processes.
The two must leave the same hits; the benchmark checks it and prints the times and ratio.

Scenarios (in this order, each starting where the previous one ended):
  daily     18 entries OFAC really added by 2021, on top of the 2019 list
            ("OFAC adds eighteen names on a Friday")
  book      1% of the customers change (new address country, corrected date of birth)
  real      the rest of the real change to the 2021-07-07 list (1,840 more added,
            843 changed, 261 removed: two and a half years of OFAC)

    python benchmarks/bench_monitor.py [--customers 100000] [--workers 1]
                                       [--scenarios daily,book,real] [--force-delta]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.monitor.synth, shared with the tests

from tests.monitor.synth import customers  # noqa: E402

from watchlist.model import Entity  # noqa: E402
from watchlist.screen.engine import build_index  # noqa: E402
from watchlist.screen.monitor import FULL_SHARE, RunSummary, import_customers, run_monitor  # noqa: E402
from watchlist.settings import DEFAULT_THRESHOLD  # noqa: E402
from watchlist.sources import read_list  # noqa: E402
from watchlist.store import ListStore, open_engine  # noqa: E402
from watchlist.store import monitoring as mon  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "ofac-sdn"
LIMIT = 10
COLUMNS = ["id", "name", "dob", "country", "type"]


def write_book(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows({k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS} for r in rows)


class Bench:
    def __init__(self, folder: Path, workers: int, full_share: float) -> None:
        self.folder = folder
        self.workers = workers
        self.full_share = full_share
        self.db = folder / "watchlist.db"
        self.engine = open_engine(str(self.db))
        self.lists = ListStore(self.engine)

    def load(self, entities: list[Entity], date: str) -> None:
        self.lists.add_version("ofac-sdn", "ofac-csv", entities, data_date=date, origin="bench")

    def run(self, index: Any, *, full: bool, engine: Any = None, lists: Any = None) -> RunSummary:
        return run_monitor(
            engine or self.engine,
            lists or self.lists,
            threshold=DEFAULT_THRESHOLD,
            limit=LIMIT,
            index=index,
            cache_dir=self.folder / "cache",
            full=full,
            workers=self.workers,
            full_share=self.full_share,
        )

    def compare(self, title: str) -> None:
        """Monitor the change now in the store twice, delta and full, from the same state."""
        t = time.perf_counter()
        index = build_index(self.lists)
        build = time.perf_counter() - t
        copy = self.folder / "full.db"
        self.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.db) + suffix)
            dst = Path(str(copy) + suffix)
            dst.unlink(missing_ok=True)
            if src.exists():
                shutil.copyfile(src, dst)
        full_engine = open_engine(str(copy))
        delta = self.run(index, full=False)
        full = self.run(index, full=True, engine=full_engine, lists=ListStore(full_engine))
        same = mon.hit_pairs(self.engine) == mon.hit_pairs(full_engine)
        full_engine.dispose()
        print(f"\n== {title} ==")
        for x in delta.lists:
            print(
                f"list change: {x['added']:,} added, {x['changed']:,} changed,"
                f" {x['removed']:,} removed; {delta.customers_new_or_changed:,} customers"
                " new or changed"
            )
        print(f"index of the current lists built in {build:.1f} s (both runs use it)")
        print(
            f"delta run: {delta.seconds:.1f} s, screened {delta.customers_screened:,} of"
            f" {delta.customers_total:,} customers;"
            f" steps {', '.join(f'{k} {v:.1f} s' for k, v in delta.timings.items())}"
        )
        print(
            "  why screened: " + ("; ".join(f"{k} {v:,}" for k, v in delta.reasons.items()) or "-")
        )
        print(
            f"full re-screen: {full.seconds:.1f} s, screened {full.customers_screened:,} customers;"
            f" steps {', '.join(f'{k} {v:.1f} s' for k, v in full.timings.items())}"
        )
        print(
            f"ratio: the delta run is {full.seconds / max(delta.seconds, 1e-9):.1f}x faster;"
            f" same hits as the full re-screen: {'YES' if same else 'NO'} ({delta.hits:,} hits);"
            f" {delta.new_alerts:,} new, {delta.reopened:,} reopened, {delta.closed:,} closed alerts"
        )
        if not same:
            print("  MISMATCH: the delta run's hits differ from the full re-screen's")
        sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--scenarios", default="daily,book,real")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--force-delta",
        action="store_true",
        help="stay on the delta path even when a change reaches most of the book",
    )
    args = ap.parse_args()
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    rng = random.Random(args.seed)

    t = time.perf_counter()
    sdn19 = read_list(DATA / "2019-01-15", "ofac-sdn").entities
    sdn21 = read_list(DATA / "2021-07-07", "ofac-sdn").entities
    print(
        f"OFAC SDN 2019-01-15: {len(sdn19):,} entries; 2021-07-07: {len(sdn21):,} (read in {time.perf_counter() - t:.1f} s)"
    )
    rows = customers(args.customers, sdn19, sdn21, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-monitor-") as tmp:
        b = Bench(Path(tmp), args.workers, 1.0 if args.force_delta else FULL_SHARE)
        b.load(sdn19, "2019-01-15")
        book = Path(tmp) / "book.csv"
        write_book(book, rows)
        t = time.perf_counter()
        rep = import_customers(b.engine, book)
        print(
            f"customers: {rep.added:,} imported in {time.perf_counter() - t:.1f} s ({len(rep.errors)} rejected)"
        )
        t = time.perf_counter()
        index = build_index(b.lists)
        first = b.run(index, full=False)
        print(
            f"first run (full, 2019 list): {first.seconds:.1f} s for {first.customers_screened:,}"
            f" customers ({first.customers_screened / first.seconds:,.0f}/s), {first.hits:,} hits;"
            f" {args.workers} worker(s)"
        )
        ids19 = {e.id for e in sdn19}
        added = sorted(e.id for e in sdn21 if e.id not in ids19)
        by_id = {e.id: e for e in sdn21}
        daily = rng.sample(added, 18)
        for name in scenarios:
            if name == "daily":
                b.load(sdn19 + [by_id[i] for i in daily], "2019-01-18")
                b.compare("daily: 18 real additions to the 2019 list")
            elif name == "book":
                changed = rng.sample(range(len(rows)), len(rows) // 100)
                for i in changed:
                    r = rows[i]
                    if rng.random() < 0.5 and r.get("type") != "organization":
                        r["dob"] = (
                            f"{rng.randint(1940, 2002)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                        )
                    else:
                        r["country"] = rng.choice(["de", "fr", "es", "it", "nl", "ae", "tr"])
                write_book(book, rows)
                rep = import_customers(b.engine, book)
                b.compare(f"book: {rep.updated:,} customers changed (1%), lists unchanged")
            elif name == "real":
                b.load(sdn21, "2021-07-07")
                b.compare("real: the rest of the change to the 2021-07-07 list")
            else:
                raise SystemExit(f"unknown scenario {name!r}")
        b.engine.dispose()


if __name__ == "__main__":
    main()
