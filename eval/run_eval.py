"""Measure matching quality on eval/cases.jsonl: recall and false-alert rate per category,
for watchlist and, in the same run, two baselines:

- jaro-winkler: an OFAC-style full scan, Jaro-Winkler (rapidfuzz) of the plain ASCII query
  against every listed name, reported at its usual thresholds and at the threshold that
  gives it the same false-alert rate as watchlist's default;
- nomenklatura logic-v2: OpenSanctions' matcher (if `pip install nomenklatura` is there),
  scoring the union of both systems' top candidates (a full scan is too slow for it).

    python eval/run_eval.py [--threshold T] [--with-dob] [--no-nomenklatura] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from watchlist.index import ScreeningIndex
from watchlist.model import Entity, NameKind
from watchlist.names.script import detect_script
from watchlist.screen import Query, screen
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.sources import read_list

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CASES = ROOT / "eval" / "cases.jsonl"
TARGETS = {
    "ofac_un": [("ofac-sdn", "ofac-sdn/2021-07-07"), ("un", "un/2026-02-27/consolidated.xml")],
    "uk_latin": [("uk-ofsi", "uk-ofsi-conlist/2025-04-10/UK_Sanctions_List.xlsx")],
}


def plain(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    return re.sub(r"[^A-Z0-9]+", " ", s).strip()


def target_entities(name: str) -> list[Entity]:
    ents = [e for s, rel in TARGETS[name] for e in read_list(DATA / rel, s).entities]
    if name == "uk_latin":
        for e in ents:
            e.names = [n for n in e.names if detect_script(n.full) == "Latn" and n.kind != NameKind.ORIGINAL_SCRIPT]
    return ents


class JaroWinklerScan:
    def __init__(self, entities: list[Entity]) -> None:
        self.names: list[str] = []
        self.owner: list[str] = []
        for e in entities:
            for n in e.names or []:
                self.names.append(plain(n.full))
                self.owner.append(e.id)

    def best(self, query: str) -> dict[str, float]:
        q = plain(query)
        out: dict[str, float] = {}
        if not q:
            return out
        for _, score, i in process.extract(q, self.names, scorer=JaroWinkler.normalized_similarity, limit=20):
            eid = self.owner[i]
            out[eid] = max(out.get(eid, 0.0), score)
        return out


def nomenklatura_scorer() -> Any:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError:
        return None
    algo = get_algorithm("logic-v2")
    if algo is None:
        return None
    config = algo.default_config()
    counter = [0]

    def proxy(names: list[str], schema: str, dob: str | None = None) -> Any:
        counter[0] += 1  # its name cache is keyed by entity id: every proxy gets its own
        p = model.make_entity(schema)
        p.id = f"q{counter[0]}"
        for n in names:
            p.add("name", n)
        if dob and schema == "Person":
            p.add("birthDate", dob)
        return p

    def score(query: str, qschema: str, dob: str | None, entity: Entity) -> float:
        schema = "Person" if str(entity.type) == "person" else "Organization" if qschema != "Person" else "LegalEntity"
        q = proxy([query], qschema)
        c = proxy([n.full for n in entity.names] or [entity.name], schema if schema != "LegalEntity" else qschema)
        if dob and str(entity.type) == "person":
            for d in entity.birth_dates:
                if d.iso():
                    c.add("birthDate", (d.iso() or "").split("/")[0])
        return float(algo.compare(q, c, config).score)

    return score


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--with-dob", action="store_true", help="pass the date of birth where the case has one")
    ap.add_argument("--no-nomenklatura", action="store_true")
    ap.add_argument("--limit-cases", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit_cases:
        cases = cases[: args.limit_cases]
    nk = None if args.no_nomenklatura else nomenklatura_scorer()
    entities: dict[str, list[Entity]] = {}
    indexes: dict[str, ScreeningIndex] = {}
    scans: dict[str, JaroWinklerScan] = {}
    by_id: dict[str, Entity] = {}
    for t in sorted({c["target"] for c in cases}):
        entities[t] = target_entities(t)
        by_id.update({e.id: e for e in entities[t]})
        t0 = time.perf_counter()
        indexes[t] = ScreeningIndex.build(entities[t])
        scans[t] = JaroWinklerScan(entities[t])
        print(f"target {t}: {len(entities[t])} entities, index built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    ours: list[tuple[dict[str, Any], float, bool, float]] = []  # case, best expected score, found, max any score
    jw: list[tuple[dict[str, Any], float, float]] = []  # case, expected score, max score
    nkr: list[tuple[dict[str, Any], float, float]] = []
    t0 = time.perf_counter()
    for k, c in enumerate(cases):
        dob = c.get("dob") if args.with_dob else None
        qtype = c.get("type") if c.get("type") in ("person", "organization") else None
        res = screen(indexes[c["target"]], Query(name=c["query"], dob=dob, type=qtype), threshold=0.0, limit=20)
        scores = {h.entity_id: h.score for h in res.hits}
        exp = max((scores.get(e, 0.0) for e in c["expected"]), default=0.0)
        ours.append((c, exp, bool(c["expected"]) and exp > 0, max(scores.values(), default=0.0)))
        js = scans[c["target"]].best(c["query"])
        jw.append((c, max((js.get(e, 0.0) for e in c["expected"]), default=0.0), max(js.values(), default=0.0)))
        if nk is not None:
            qschema = "Person" if qtype == "person" else "Organization" if qtype == "organization" else "LegalEntity"
            pool = set(list(scores)[:10]) | set(sorted(js, key=lambda x: -js[x])[:10]) | set(c["expected"])
            ns = {eid: nk(c["query"], qschema, dob, by_id[eid]) for eid in pool if eid in by_id}
            nkr.append((c, max((ns.get(e, 0.0) for e in c["expected"]), default=0.0), max(ns.values(), default=0.0)))
        if (k + 1) % 500 == 0:
            print(f"  {k + 1}/{len(cases)} cases, {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    report: dict[str, Any] = {"threshold": args.threshold, "with_dob": args.with_dob, "cases": len(cases)}

    def table(name: str, rows: list[tuple[dict[str, Any], float, float]], thr: float) -> dict[str, Any]:
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        pos_hit = pos_n = neg_hit = neg_n = 0
        script_hit = script_n = 0
        for c, exp, top in rows:
            cat = c["category"]
            if c["expected"]:
                ok = int(exp >= thr)
                per[cat][0] += ok
                per[cat][1] += 1
                pos_hit += ok
                pos_n += 1
                if cat.startswith("original_script"):
                    script_hit += ok
                    script_n += 1
            else:
                alert = int(top >= thr)
                per[cat][0] += alert
                per[cat][1] += 1
                neg_hit += alert
                neg_n += 1
        out = {
            "system": name,
            "threshold": round(thr, 3),
            "recall": pos_hit / pos_n if pos_n else None,
            "original_script_recall": script_hit / script_n if script_n else None,
            "false_alert_rate": neg_hit / neg_n if neg_n else None,
            "categories": {k: {"rate": v[0] / v[1], "n": v[1]} for k, v in per.items()},
        }
        return out

    def calibrate(rows: list[tuple[dict[str, Any], float, float]], far: float) -> float:
        negs = sorted((top for c, _, top in rows if not c["expected"]), reverse=True)
        if not negs:
            return 1.0
        allowed = int(far * len(negs))
        return min(1.0, negs[allowed] + 1e-6) if allowed < len(negs) else 0.0

    our_rows = [(c, exp, top) for c, exp, _, top in ours]
    results = [table("watchlist", our_rows, args.threshold)]
    our_far = results[0]["false_alert_rate"] or 0.0
    for thr in (0.85, 0.90, calibrate(jw, max(our_far, 0.01))):
        results.append(table("jaro-winkler full scan", jw, thr))
    if nkr:
        results.append(table("nomenklatura logic-v2", nkr, 0.7))
        results.append(table("nomenklatura logic-v2", nkr, calibrate(nkr, max(our_far, 0.01))))
    report["results"] = results
    cats = sorted({c["category"] for c in cases}, key=lambda x: (x.startswith("negative"), x))
    head = f"{'system':<24} {'thr':>5} {'recall':>7} {'script':>7} {'FAR':>6}  " + "  ".join(f"{c[:14]:>14}" for c in cats)
    print(head)
    for r in results:
        row = f"{r['system']:<24} {r['threshold']:>5.3f} {_pct(r['recall'])} {_pct(r['original_script_recall'])} {_pct(r['false_alert_rate'], 6)}  "
        row += "  ".join(f"{_pct(r['categories'].get(c, {}).get('rate'), 14)}" for c in cats)
        print(row)
    print("\nwatchlist recall / false-alert rate by threshold:")
    for thr in (0.70, 0.75, 0.78, 0.80, 0.82, 0.83, 0.85, 0.88, 0.90):
        r = table("watchlist", our_rows, thr)
        print(f"  {thr:.2f}: recall {_pct(r['recall'])}, original script {_pct(r['original_script_recall'])}, FAR {_pct(r['false_alert_rate'])}")
    counts = {c: sum(1 for x in cases if x["category"] == c) for c in cats}
    print("cases per category: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("(for negative categories the column is the false-alert rate; recall and FAR at each row's threshold)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


def _pct(v: float | None, width: int = 7) -> str:
    return f"{'-':>{width}}" if v is None else f"{100 * v:>{width - 1}.1f}%"


if __name__ == "__main__":
    main()
