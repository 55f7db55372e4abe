"""Recall under generic rewritings of listed names, one kind at a time.

``eval/cases.jsonl`` holds the real variants the lists give of one another. This probe
asks a narrower question of each kind of rewriting a customer file or a payment makes
of a listed name: how much of it the default threshold still finds. It takes primary
names of OFAC SDN 2021 persons and organisations (a fixed random sample) and rewrites
each in one way at a time:

- people: given name first, surname first, a middle name left out, a first or middle
  initial, a title, hyphens as spaces or left out, given names run together, lower case;
- companies: abbreviations (CO, INTL, TRDG), abbreviations written out, a legal form
  added, a leading THE, lower case without punctuation, a legal form run onto the name
  (TECHNOLOGIESSARL), the first or the last word left out;
- typing errors: one letter changed (a neighbour on the keyboard), left out, added,
  doubled, swapped with the next, one space left out; two such errors.

- negatives: the evaluation's real names of people on no list (``negative_person`` in
  ``eval/cases.jsonl``) as given and with a first initial; their rows give the share
  that alerts (a false alert), not recall.

A rewriting that drops a distinctive word (a company's first word, a first initial for
a given name) is not one every screening should find; its row says how often this one
still does. Jaro-Winkler's full scan (at the threshold where it gives the evaluation's
false-alert rate, 0.941) runs beside it with ``--baseline``.

    python eval/probe.py [--sample 600] [--seed 5] [--baseline]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable

from run_eval import CASES, JaroWinklerScan, target_entities

from watchlist.index import ScreeningIndex
from watchlist.model import Entity
from watchlist.screen import Query, screen
from watchlist.settings import DEFAULT_THRESHOLD

JW_THRESHOLD = 0.941  # Jaro-Winkler's threshold at the evaluation's false-alert rate (run_eval.py)
TITLES = ("Mr ", "Dr. ", "Sheikh ", "Mrs ", "General ", "Haji ")
ABBREVIATE = [("COMPANY", "CO"), ("CORPORATION", "CORP"), ("INTERNATIONAL", "INTL"), ("LIMITED", "LTD"),
              ("INCORPORATED", "INC"), (" AND ", " & "), ("TRADING", "TRDG")]
LEGAL_FORMS = ["LLC", "LTD", "LIMITED", "INC", "GMBH", "S.A.", "OOO", "JSC", "CO., LTD.", "FZE", "PLC"]
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
Case = tuple[str, str]  # (query, the entity it should find)


def _parts(e: Entity) -> tuple[list[str], list[str]]:
    """(given names, surname words) of an OFAC primary name, SURNAME, Given."""
    sur, _, giv = e.names[0].full.partition(",")
    return giv.split(), sur.split()


def person_cases(people: list[Entity], rng: random.Random) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = defaultdict(list)
    for e in people:
        giv, sur = _parts(e)
        if not giv or not sur:
            continue

        def add(kind: str, words: list[str], eid: str = e.id) -> None:
            out[kind].append((" ".join(words), eid))

        add("given name first", giv + sur)
        add("surname first", sur + giv)
        add("lower case", [w.lower() for w in giv + sur])
        add("title", [rng.choice(TITLES).strip(), *giv, *sur])
        add("first initial", [giv[0][0] + ".", *giv[1:], *sur])
        if len(giv) >= 2:
            add("middle name left out", giv[:1] + sur)
            add("middle initial", [*giv[:1], giv[1][0] + ".", *giv[2:], *sur])
        if len(giv) == 2:
            add("given names run together", ["".join(giv), *sur])
        if any("-" in w for w in giv + sur):
            add("hyphens as spaces", [w.replace("-", " ") for w in giv + sur])
            add("hyphens left out", [w.replace("-", "") for w in giv + sur])
    return out


def company_cases(companies: list[Entity], rng: random.Random) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = defaultdict(list)
    for e in companies:
        n = e.names[0].full

        def add(kind: str, text: str, eid: str = e.id) -> None:
            out[kind].append((text, eid))

        for long, short in ABBREVIATE:
            if long in n:
                add("company: abbreviated", n.replace(long, short))
                break
        for long, short in ABBREVIATE:
            if short.strip() != "&" and re.search(rf"\b{re.escape(short.strip())}\b", n):
                add("company: abbreviation written out", re.sub(rf"\b{re.escape(short.strip())}\b", long.strip(), n))
                break
        add("company: legal form added", f"{n} {rng.choice(LEGAL_FORMS)}")
        add("company: leading THE", f"THE {n}")
        add("company: lower case, no punctuation", re.sub(r"[^\w ]", " ", n).lower())
        glued = re.sub(r"\s+(LLC|LTD|LIMITED|INC|GMBH|SARL)\b", r"\1", n)
        if glued != n:
            add("company: legal form run onto the name", glued)
        words = n.split()
        if len(words) >= 3:
            add("company: last word left out", " ".join(words[:-1]))
            add("company: first word left out", " ".join(words[1:]))
    return out


def _near_key(c: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        i = row.find(c.lower())
        if i >= 0:
            x = rng.choice([row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)])
            return x.upper() if c.isupper() else x
    return c


def typo(s: str, kind: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if not letters:
        return s
    i = rng.choice(letters)
    if kind == "changed":
        return s[:i] + _near_key(s[i], rng) + s[i + 1 :]
    if kind == "left out":
        return s[:i] + s[i + 1 :]
    if kind == "added":
        return s[:i] + _near_key(s[i], rng) + s[i:]
    if kind == "doubled":
        return s[:i] + s[i] + s[i:]
    if kind == "swapped":
        j = i + 1 if i + 1 < len(s) and s[i + 1].isalpha() else i - 1
        a, b = min(i, j), max(i, j)
        return s[:a] + s[b] + s[a] + s[b + 1 :] if a >= 0 else s
    if kind == "space left out":
        spaces = [j for j, c in enumerate(s) if c == " "]
        j = rng.choice(spaces) if spaces else -1
        return s[:j] + s[j + 1 :] if j >= 0 else s
    raise ValueError(kind)


def typo_cases(entities: list[Entity], rng: random.Random) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = defaultdict(list)
    single = ("changed", "left out", "added", "doubled", "swapped", "space left out")
    for e in entities:
        n = e.names[0].full
        who = "person" if e.type.value == "person" else "company"
        for kind in single:
            q = typo(n, kind, rng)
            if q != n:
                out[f"typo, {who}: one letter {kind}" if kind != "space left out" else f"typo, {who}: {kind}"].append((q, e.id))
        q = typo(typo(n, rng.choice(single[:5]), rng), rng.choice(single[:5]), rng)
        if q != n:
            out[f"typo, {who}: two errors"].append((q, e.id))
    return out


def first_initial(name: str) -> str | None:
    """WOLF, Hans Peter -> WOLF, H. Peter; Hans Peter Wolf -> H. Peter Wolf."""
    if "," in name:
        surname, _, given = name.partition(",")
        words = given.split()
        return f"{surname}, {' '.join([words[0][0] + '.', *words[1:]])}" if words else None
    words = name.split()
    return " ".join([words[0][0] + ".", *words[1:]]) if len(words) >= 2 else None


def negative_cases() -> dict[str, list[Case]]:
    """The evaluation's negatives screened against these lists: as given, with a first
    initial. (The entity id is empty: any alert is a false one.)"""
    names = [
        c["query"] for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()
        for c in [json.loads(line)] if c["category"] == "negative_person" and c["target"] == "ofac_un"
    ]
    initials = [q for q in map(first_initial, names) if q is not None]
    return {"negatives, person: as given": [(q, "") for q in names],
            "negatives, person: first initial": [(q, "") for q in initials]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=600, help="people and companies each")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--baseline", action="store_true", help="also Jaro-Winkler's full scan (slow)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    entities = target_entities("ofac_un")
    index = ScreeningIndex.build(entities)
    scan = JaroWinklerScan(entities) if args.baseline else None
    ofac = [e for e in entities if e.id.startswith("ofac-sdn:") and e.names]
    people = rng.sample([e for e in ofac if e.type.value == "person"], args.sample)
    companies = rng.sample([e for e in ofac if e.type.value == "organization"], args.sample)
    kinds = {**person_cases(people, rng), **company_cases(companies, rng),
             **typo_cases(rng.sample(people, args.sample // 2) + rng.sample(companies, args.sample // 2), rng)}
    kinds.update(negative_cases())
    # found: the entity among the hits; for a negative (no entity), any hit at all
    finders: list[tuple[str, Callable[[str, str], bool]]] = [
        ("watchlist", lambda q, eid: any(
            h.entity_id == eid or not eid for h in screen(index, Query(name=q), threshold=args.threshold, limit=10).hits)),
    ]
    if scan is not None:
        finders.append(("jaro-winkler", lambda q, eid: (
            scan.best(q).get(eid, 0.0) if eid else max(scan.best(q).values(), default=0.0)) >= JW_THRESHOLD))
    print(f"{'rewriting':45} {'cases':>6} " + " ".join(f"{name:>13}" for name, _ in finders))
    totals = [0] * len(finders)
    n_all = 0
    printed_all = False
    order = sorted(kinds, key=lambda k: (k.startswith("negatives"), k.startswith("typo"), k.startswith("company"), k))
    for kind in order:
        cases = kinds[kind]
        found = [sum(f(q, eid) for q, eid in cases) for _, f in finders]
        if kind.startswith("negatives") and n_all and not printed_all:
            print(f"{'all':45} {n_all:6} " + " ".join(f"{100 * t / n_all:12.1f}%" for t in totals))
            print("false alerts:")
            printed_all = True
        if not kind.startswith("negatives"):
            totals = [t + x for t, x in zip(totals, found, strict=True)]
            n_all += len(cases)
        print(f"{kind:45} {len(cases):6} " + " ".join(f"{100 * x / len(cases):12.1f}%" for x in found))


if __name__ == "__main__":
    main()
