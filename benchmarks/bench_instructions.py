"""Benchmark: instructions per query, counted by valgrind (callgrind), for screening and
for the Jaro-Winkler full-scan baseline in the same run.

Wall-clock figures on a shared machine move by a third from run to run; the number of
instructions a query executes does not. Each system screens a first batch of evaluation
queries (start-up, caches, one-time set-up) and then more: the difference over the
extra queries is the steady cost of one query. Index: OFAC SDN 2021.

    python benchmarks/bench_instructions.py [--queries 1000] [--scan-queries 40]

Needs valgrind (Debian package ``valgrind``); takes some minutes, as valgrind runs the
code some 50 times slower.
"""

from __future__ import annotations

import argparse
import pickle
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))

WARM = 300  # queries before the counted ones (watchlist); the scan needs no warming
SCAN_WARM = 10


def child(index_path: str, system: str, n: int) -> None:
    import bench_screen as b
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    from watchlist.screen import Query, screen
    from watchlist.settings import DEFAULT_THRESHOLD

    with open(index_path, "rb") as f:
        index = pickle.load(f)
    queries = b.real_queries([], 7192, random.Random(7))[:n]
    if system == "watchlist":
        for q in queries:
            screen(index, Query(q), threshold=DEFAULT_THRESHOLD, limit=10)
    else:
        names = [b.plain(nm.name) for nm in index.names]
        for q in queries:
            process.extract(b.plain(q), names, scorer=JaroWinkler.normalized_similarity, limit=10, score_cutoff=0.8)


def instructions(index_path: Path, system: str, n: int) -> int:
    cmd = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", str(index_path), system, str(n),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    m = re.search(r"Collected : (\d+)", out)
    if m is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1))


def per_query(index_path: Path, system: str, first: int, more: int) -> float:
    a = instructions(index_path, system, first)
    b = instructions(index_path, system, first + more)
    return (b - a) / more


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--scan-queries", type=int, default=40)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    from watchlist.index import ScreeningIndex
    from watchlist.sources import read_list

    entities = read_list(DATA / "ofac-sdn" / "2021-07-07", "ofac-sdn").entities
    index = ScreeningIndex.build(entities)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.pickle"
        with path.open("wb") as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"index: OFAC SDN 2021, {len(index.profiles):,} entities, {len(index.names):,} name forms")
        ours = per_query(path, "watchlist", WARM, args.queries)
        print(f"watchlist: {ours / 1e6:.2f} million instructions per query ({args.queries} queries after {WARM})")
        scan = per_query(path, "scan", SCAN_WARM, args.scan_queries)
        print(f"baseline Jaro-Winkler full scan: {scan / 1e6:.1f} million instructions per query ({args.scan_queries} queries)")
        print(f"ratio: the full scan executes {scan / ours:.0f}x the instructions of a watchlist query")


if __name__ == "__main__":
    main()
