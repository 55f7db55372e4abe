"""Each OpenSanctions entity's names in other scripts against its own Latin names.

The OpenSanctions FollowTheMoney files in ../shared/data give many entities their names
in several scripts (Wikidata aliases, EU and Ukrainian list entries): Arabic, Cyrillic
in Russian and Ukrainian, Hebrew, Greek, Chinese and Japanese. Every non-Latin name is
aligned directly with every Latin name of the same entity (no retrieval); the report
counts, per script, the names whose best alignment reaches the threshold, and shows
the weakest. A complement to eval/cases.jsonl, whose other-script names come from the
UK list and OFAC.

    python eval/other_scripts.py [--threshold T]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from watchlist.match.names import compare_forms
from watchlist.names import analyze_name
from watchlist.names.script import detect_script
from watchlist.settings import DEFAULT_THRESHOLD

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "opensanctions-ftm"
COMPANY_SCHEMAS = ("Organization", "Company", "LegalEntity", "PublicBody")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--show", type=int, default=3, help="weakest names shown per script")
    args = ap.parse_args()
    scores: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for path in sorted(DATA.glob("*/*.json")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entity = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}, line {lineno}: not a JSON entity ({exc.msg})") from None
            props = entity.get("properties", {})
            names = sorted(set(props.get("name", []) + props.get("alias", [])))
            company = entity.get("schema") in COMPANY_SCHEMAS
            latin = [n for n in names if detect_script(n) == "Latn"]
            listed = [f for n in latin for f in analyze_name(n, is_org=company, is_person=not company)]
            for name in names:
                script = detect_script(name)
                if script == "Latn" or not listed:
                    continue
                forms = analyze_name(name, is_org=company, is_person=not company)
                best = max((compare_forms(q, c).score for q in forms for c in listed), default=0.0)
                scores[script].append((best, name, latin[0]))
    total = found = 0
    for script, rows in sorted(scores.items()):
        ok = sum(s >= args.threshold for s, _, _ in rows)
        total, found = total + len(rows), found + ok
        print(f"{script}: {ok} of {len(rows)} at {args.threshold}")
        for s, name, latin in sorted(rows)[: args.show]:
            print(f"    {s:.2f}  {name[:50]}  |  {latin[:50]}")
    print(f"all: {found} of {total} ({100 * found / max(total, 1):.1f}%)")


if __name__ == "__main__":
    main()
