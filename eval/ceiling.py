"""How much of what watchlist misses on eval/cases.jsonl could any name matcher find?

Every positive case missed at the threshold is aligned directly with every listed name of
the entity it is linked to, bypassing retrieval. A miss whose best alignment stays under
0.4 shares no name with that entity: a maiden or former name, a translated name, or a
wrong link in the lists (the Australian list gives Husain SALEEMI as an aka of Hossein
SALAMI, whom OFAC and the UN list as two people). Those bound the set's reachable recall.

    python eval/ceiling.py [--threshold T]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict

from run_eval import CASES, target_entities

from watchlist.index import IndexedName, ScreeningIndex
from watchlist.match.names import compare_forms
from watchlist.names import analyze_query
from watchlist.screen import Query, screen
from watchlist.settings import DEFAULT_THRESHOLD

NO_NAME_IN_COMMON = 0.4
NEAR = 0.7


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = ap.parse_args()
    cases = [json.loads(x) for x in CASES.read_text(encoding="utf-8").splitlines() if x.strip()]
    targets: dict[str, tuple[ScreeningIndex, dict[str, list[IndexedName]]]] = {}
    for t in sorted({c["target"] for c in cases}):
        ents = target_entities(t)
        index = ScreeningIndex.build(ents)
        by_entity: dict[str, list[IndexedName]] = defaultdict(list)
        for n in index.names:
            by_entity[ents[n.entity].id].append(n)
        targets[t] = (index, by_entity)
    positives = 0
    found: Counter[tuple[str, str]] = Counter()
    for c in cases:
        if not c["expected"]:
            continue
        positives += 1
        index, by_entity = targets[c["target"]]
        qtype = c.get("type") if c.get("type") in ("person", "organization") else None
        hits = screen(index, Query(name=c["query"], type=qtype), threshold=args.threshold, limit=20).hits
        if any(h.entity_id in c["expected"] for h in hits):
            continue
        forms = analyze_query(c["query"], qtype, index.rarity)
        best = max(
            (compare_forms(f, n.form).score for e in c["expected"] for n in by_entity.get(e, []) for f in forms),
            default=0.0,
        )
        kind = "no name in common" if best < NO_NAME_IN_COMMON else "near" if best >= NEAR else "weak"
        found[(c["category"], kind)] += 1
    misses = sum(found.values())
    unreachable = sum(v for (_, kind), v in found.items() if kind == "no name in common")
    print(f"threshold {args.threshold}: {misses} misses of {positives} positives ({1 - misses / positives:.1%} recall)")
    for (cat, kind), v in sorted(found.items()):
        print(f"  {cat:20s} {kind:18s} {v:4d}")
    print(
        f"{unreachable} misses share no name with the linked entity (best direct alignment under "
        f"{NO_NAME_IN_COMMON}): the most recall this set lets a name matcher reach is "
        f"{1 - unreachable / positives:.1%}"
    )


if __name__ == "__main__":
    main()
