"""Benchmark: screening speed and memory, with a full-scan baseline in the same run.

1. Every list in ../shared/data (newest copy of each source): index build time and memory,
   single-query latency (p50/p99, in process), batch throughput on one core; baseline: an
   OFAC-style Jaro-Winkler full scan (rapidfuzz, C++) over the same names.
2. ``--scale N`` (default 1,000,000): a corpus of N names built from real name parts of the
   lists (given names x surnames, company words), with listed names planted; p50 latency
   and recall on typo'd planted names for watchlist and for the full scan, and the ratio.

    python benchmarks/bench_screen.py [--queries 2000] [--scale 1000000] [--scan-queries 100]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from watchlist.errors import WatchlistError
from watchlist.index import ScreeningIndex
from watchlist.ingest import mirror_history
from watchlist.model import Entity, EntityType, Name
from watchlist.screen import Query, screen
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.sources import SOURCES, read_list

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CASES = ROOT / "eval" / "cases.jsonl"
WARM_UP = 1000  # queries answered before the timed ones


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


def plain(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    return re.sub(r"[^A-Z0-9]+", " ", s).strip()


def all_lists() -> list[Entity]:
    """The newest copy of every source that loads (the FCDO sample is refused by design)."""
    out: list[Entity] = []
    for s in SOURCES:
        paths = mirror_history(DATA, s)
        if paths:
            try:
                out.extend(read_list(paths[-1], s).entities)
            except WatchlistError as exc:
                print(f"  (skipped: {exc})")
    return out


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def time_queries(index: ScreeningIndex, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        screen(index, Query(q), threshold=DEFAULT_THRESHOLD, limit=10)
        out.append(time.perf_counter() - t)
    return out


def scan_times(names: list[str], queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        process.extract(plain(q), names, scorer=JaroWinkler.normalized_similarity, limit=10, score_cutoff=0.8)
        out.append(time.perf_counter() - t)
    return out


def real_queries(entities: list[Entity], n: int, rng: random.Random) -> list[str]:
    if CASES.exists():
        qs = [json.loads(x)["query"] for x in CASES.read_text(encoding="utf-8").splitlines() if x.strip()]
        rng.shuffle(qs)
        return qs[:n]
    return [e.name for e in rng.sample(entities, min(n, len(entities)))]


def part_pools(entities: list[Entity]) -> tuple[list[str], list[str], list[str]]:
    givens, families, words = [], [], []
    for e in entities:
        for nm in e.names[:3]:
            if not nm.full.isascii():
                continue
            if e.type == EntityType.PERSON:
                if "," in nm.full:
                    fam, _, giv = nm.full.partition(",")
                    families.append(fam.strip())
                    givens.extend(giv.split()[:2])
                else:
                    toks = nm.full.split()
                    if len(toks) >= 2:
                        givens.append(toks[0])
                        families.append(toks[-1])
            else:
                words.extend(w for w in nm.full.split() if len(w) > 2)
    return givens, families, words


def typo(s: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(s) - 1))
    return s[:i] + s[i + 1 :] if rng.random() < 0.5 else s[:i] + s[i] + s[i:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--scale", type=int, default=1_000_000)
    ap.add_argument("--scan-queries", type=int, default=100)
    args = ap.parse_args()
    rng = random.Random(7)

    print("== all lists in ../shared/data ==")
    entities = all_lists()
    gc.collect()
    m0 = rss_mb()
    t = time.perf_counter()
    index = ScreeningIndex.build(entities)
    build = time.perf_counter() - t
    gc.collect()
    st = index.stats()
    print(f"index: {st['entities']:,} entities, {st['names']:,} name forms, built in {build:.1f} s, +{rss_mb() - m0:.0f} MB RSS")
    # A service answers query after query: its memo of query words and the analysers'
    # caches are warm. Other queries than the timed ones warm them (the first after a
    # fresh build are reported too).
    pool = real_queries(entities, args.queries + WARM_UP, rng)
    warm, queries = pool[:WARM_UP], pool[WARM_UP:]
    cold = time_queries(index, warm)
    lat = time_queries(index, queries)
    total = sum(lat)
    names = [plain(n.full) for e in entities for n in e.names]
    scan = scan_times(names, queries[: args.scan_queries])
    p50, p99, sp50 = statistics.median(lat), pct(lat, 0.99), statistics.median(scan)
    print(f"watchlist single query: p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms; batch on one core: {len(queries) / total:,.0f} queries/s ({len(queries)} queries)")
    print(f"  the first {len(cold)} queries after the build (cold caches, other queries): p50 {statistics.median(cold) * 1000:.2f} ms")
    print(f"baseline Jaro-Winkler full scan over {len(names):,} names: p50 {sp50 * 1000:.2f} ms ({len(scan)} queries)")
    print(f"ratio: watchlist p50 is {sp50 / p50:.0f}x faster than the full scan")

    if args.scale <= 0:
        return
    print(f"\n== scale corpus: {args.scale:,} names from real name parts ==")
    givens, families, words = part_pools(entities)
    planted = [e for e in entities if e.type == EntityType.PERSON and e.name.isascii() and "," in e.name]
    planted = rng.sample(planted, min(500, len(planted)))
    corpus: list[Entity] = [
        Entity(id=f"plant:{i}", source="plant", native_id=str(i), type=EntityType.PERSON, name=e.name, names=[Name(e.name)])
        for i, e in enumerate(planted)
    ]
    n_org = args.scale // 5
    for i in range(args.scale - len(corpus) - n_org):
        name = f"{rng.choice(families)}, {rng.choice(givens)} {rng.choice(givens)}" if i % 3 == 0 else f"{rng.choice(families)}, {rng.choice(givens)}"
        corpus.append(Entity(id=f"p:{i}", source="scale", native_id=str(i), type=EntityType.PERSON, name=name, names=[Name(name)]))
    for i in range(n_org):
        name = " ".join(rng.sample(words, 3))
        corpus.append(Entity(id=f"o:{i}", source="scale", native_id=str(i), type=EntityType.ORGANIZATION, name=name, names=[Name(name)]))
    del entities, index
    gc.collect()
    m0 = rss_mb()
    t = time.perf_counter()
    big = ScreeningIndex.build(corpus)
    build = time.perf_counter() - t
    gc.collect()
    print(f"index: {len(corpus):,} names, built in {build:.0f} s, +{rss_mb() - m0:,.0f} MB RSS")
    pq = [(f"plant:{i}", typo(e.name, rng)) for i, e in enumerate(planted)]
    lat = []
    found = 0
    for eid, q in pq:
        t = time.perf_counter()
        res = screen(big, Query(q), threshold=DEFAULT_THRESHOLD, limit=10)
        lat.append(time.perf_counter() - t)
        found += any(h.entity_id == eid for h in res.hits)
    names = [plain(e.name) for e in corpus]
    owner = [e.id for e in corpus]
    sample = pq[: args.scan_queries // 2]
    scan = []
    sfound = 0
    for eid, q in sample:
        t = time.perf_counter()
        got = process.extract(plain(q), names, scorer=JaroWinkler.normalized_similarity, limit=10, score_cutoff=0.9)
        scan.append(time.perf_counter() - t)
        sfound += any(owner[i] == eid for _, _, i in got)
    p50, sp50 = statistics.median(lat), statistics.median(scan)
    print(f"watchlist: p50 {p50 * 1000:.2f} ms, p99 {pct(lat, 0.99) * 1000:.2f} ms, recall on typo'd planted names {found / len(pq):.1%} ({len(pq)})")
    print(f"baseline Jaro-Winkler full scan (cutoff 0.9): p50 {sp50 * 1000:.1f} ms, recall {sfound / len(sample):.1%} ({len(sample)})")
    print(f"ratio: watchlist p50 is {sp50 / p50:.0f}x faster than the full scan")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
