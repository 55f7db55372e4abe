"""Build the matching evaluation set from the real lists in ../shared/data.

Writes eval/cases.jsonl: one screening query per line with the entity ids it must find
(positives) or must not alert on (negatives, ``expected`` empty). Deterministic (seeded).

Target lists (what is screened against):
  ``ofac_un``   OFAC SDN 2021-07-07 + UN 2026-02-27, all names as published
  ``uk_latin``  UK OFSI 2025-04-10 with its non-Latin-script names removed

Categories:
  cross_list       the same person on another list (UK OFSI, Australia DFAT, Canada SEMA,
                   EU, Switzerland), spelled as that list spells it, linked to the OFAC/UN
                   entity by identity-document number, or by full date of birth plus a
                   shared surname (Levenshtein <= 1 on plain ASCII, independent of our
                   phonetic rules); names identical to a target name are left out
  original_script  that person's name in its own script (Cyrillic, Arabic, ...) as the
                   other list writes it, against ofac_un
  original_script_uk  every non-Latin-script name of the UK list against uk_latin
  typo             OFAC/UN names with one or two realistic typing errors
  negative_person  real given names and surnames of different listed people recombined,
                   kept only when no target name holds both
  negative_org     company names from lists not screened (US BIS DPL, trade.gov CSL
                   Entity List and others), kept only when no target name shares most words
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from watchlist.model import Entity, EntityType, NameKind
from watchlist.names.script import detect_script
from watchlist.sources import read_list

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "eval" / "cases.jsonl"
SEED = 20261128
CAP = {"cross_list": 1200, "original_script": 600, "original_script_uk": 1200, "typo": 1000, "negative_person": 2500, "negative_org": 1200}

TARGETS = {
    "ofac_un": [("ofac-sdn", "ofac-sdn/2021-07-07"), ("un", "un/2026-02-27/consolidated.xml")],
}
OTHERS = [
    ("uk-ofsi", "uk-ofsi-conlist/2025-04-10/UK_Sanctions_List.xlsx"),
    ("au-dfat", "au-dfat/2024-11-11/regulation8_consolidated.xlsx"),
    ("ca-sema", "ca-sema/2020-04-15/sema-lmes.xml"),
    ("eu", "eu-fsf/2020-04-15/sample_eu.xml"),
    ("eu", "eu-fsf/2020-04-15/sample_eu_sanctions.xml"),
    ("ch-seco", "ch-seco/2026-08-15/ch_sample.xml"),
]
ORG_SOURCES = [("us-bis-dpl", "bis-dpl/2019-07-09/dpl.txt"), ("us-csl", "us-csl/2022-05-06/consolidated.csv.gz")]


def plain(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def words(text: str) -> list[str]:
    return [w for w in plain(text).split() if len(w) > 1]


def load(source: str, rel: str) -> list[Entity]:
    return read_list(DATA / rel, source).entities


def doc_keys(e: Entity) -> set[str]:
    return {re.sub(r"[^0-9A-Z]", "", d.number.upper()) for d in e.documents if len(re.sub(r"[^0-9A-Z]", "", d.number.upper())) >= 6}


def full_dobs(e: Entity) -> set[str]:
    return {d.iso() or "" for d in e.birth_dates if d.day and d.month and d.year and not d.year_to}


def latin_names(e: Entity) -> list[str]:
    return [n.full for n in e.names if detect_script(n.full) == "Latn" and n.kind != NameKind.ORIGINAL_SCRIPT]


def other_script_names(e: Entity) -> list[str]:
    return [n.full for n in e.names if detect_script(n.full) != "Latn"]


def shares_surname(a: Entity, b: Entity) -> bool:
    wa = {w for n in latin_names(a) for w in words(n) if len(w) >= 4}
    wb = {w for n in latin_names(b) for w in words(n) if len(w) >= 4}
    return any(Levenshtein.distance(x, y) <= 1 for x in wa for y in wb)


def link(others: Iterable[Entity], targets: list[Entity]) -> list[tuple[Entity, Entity, str]]:
    by_doc: dict[str, list[Entity]] = defaultdict(list)
    by_dob: dict[str, list[Entity]] = defaultdict(list)
    for t in targets:
        if t.type != EntityType.PERSON:
            continue
        for k in doc_keys(t):
            by_doc[k].append(t)
        for d in full_dobs(t):
            by_dob[d].append(t)
    links = []
    for o in others:
        if o.type != EntityType.PERSON:
            continue
        found: dict[str, tuple[Entity, str]] = {}
        for k in doc_keys(o):
            for t in by_doc.get(k, []):
                found[t.id] = (t, "document")
        if not found:
            for d in full_dobs(o):
                for t in by_dob.get(d, []):
                    if shares_surname(o, t):
                        found[t.id] = (t, "dob+surname")
        if len(found) == 1:
            t, how = next(iter(found.values()))
            links.append((o, t, how))
    return links


TYPO_KEYS = "qwertyuiop asdfghjkl zxcvbnm".split()
NEIGHBOURS = {c: set() for row in TYPO_KEYS for c in row}
for row in TYPO_KEYS:
    for i, c in enumerate(row):
        if i > 0:
            NEIGHBOURS[c].add(row[i - 1])
        if i < len(row) - 1:
            NEIGHBOURS[c].add(row[i + 1])


TITLES = {"haji", "hajji", "sheikh", "shaykh", "mullah", "hafiz", "dr", "mr", "mrs", "maulana", "qari", "imam", "sayyid", "sayed", "syed"}


def covered(qw: set[str], word_sets: list[set[str]], word_index: dict[str, list[int]]) -> bool:
    """Does one target name hold every query word, each within one typing error?"""
    cands: set[int] = set()
    for w in qw:
        cands.update(word_index.get(w, []))
    for i in cands:
        ws = word_sets[i]
        if all(any(Levenshtein.distance(w, t) <= 1 for t in ws) for w in qw):
            return True
    return False


def typo(name: str, rng: random.Random) -> str:
    s = list(name)
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 5:
        return name
    op = rng.choice(["swap", "drop", "double", "neighbour", "neighbour", "space"])
    i = rng.choice(letters[1:-1])
    if op == "swap" and s[i + 1].isalpha():
        s[i], s[i + 1] = s[i + 1], s[i]
    elif op == "drop":
        del s[i]
    elif op == "double":
        s.insert(i, s[i])
    elif op == "space":
        spaces = [j for j, c in enumerate(s) if c in " -"]
        if spaces:
            del s[rng.choice(spaces)]
        else:
            s.insert(i, " ")
    else:
        c = s[i].lower()
        if NEIGHBOURS.get(c):
            r = rng.choice(sorted(NEIGHBOURS[c]))
            s[i] = r.upper() if s[i].isupper() else r
    return "".join(s)


def given_and_family(e: Entity) -> tuple[list[str], list[str]]:
    given: list[str] = []
    family: list[str] = []
    for n in e.names[:1]:
        if n.parts.get("family") and n.parts.get("given"):
            family.append(n.parts["family"])
            given.append(n.parts["given"].split()[0])
        elif "," in n.full:
            fam, _, giv = n.full.partition(",")
            if giv.strip():
                family.append(fam.strip())
                given.append(giv.strip().split()[0])
    return given, family


def main() -> None:
    rng = random.Random(SEED)
    targets = [e for s, rel in TARGETS["ofac_un"] for e in load(s, rel)]
    target_names = {plain(n): e.id for e in targets for n in latin_names(e)}
    target_word_sets = [set(words(n)) for e in targets for n in latin_names(e)]
    word_index: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(target_word_sets):
        for w in ws:
            word_index[w].append(i)
    print(f"targets: {len(targets)} entities", file=sys.stderr)
    others = {f"{s}:{rel}": load(s, rel) for s, rel in OTHERS}
    cases: dict[str, list[dict[str, object]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()

    def add(cat: str, query: str, expected: list[str], target: str = "ofac_un", **extra: object) -> None:
        if (cat, query) in seen:
            return
        seen.add((cat, query))
        cases[cat].append({"category": cat, "target": target, "query": query, "expected": expected, **extra})

    for key, ents in others.items():
        for o, t, how in link(ents, targets):
            dob = sorted(full_dobs(o))[0] if full_dobs(o) else None
            for n in latin_names(o):
                if plain(n) not in target_names:
                    add("cross_list", n, [t.id], link=how, from_list=key.split(":")[0], dob=dob, type="person")
            for n in other_script_names(o):
                add("original_script", n, [t.id], link=how, from_list=key.split(":")[0], script=detect_script(n), dob=dob, type="person")

    uk = others[f"uk-ofsi:{OTHERS[0][1]}"]
    for e in uk:
        for n in other_script_names(e):
            add("original_script_uk", n, [e.id], target="uk_latin", script=detect_script(n), type=str(e.type))

    persons = [e for e in targets if e.type == EntityType.PERSON]
    orgs = [e for e in targets if e.type == EntityType.ORGANIZATION]
    for e in rng.sample(persons, min(700, len(persons))) + rng.sample(orgs, min(400, len(orgs))):
        t = typo(e.name, rng)
        if t != e.name and plain(t) not in target_names:
            add("typo", t, [e.id], type=str(e.type))

    givens: list[str] = []
    families: list[str] = []
    for ents in [targets, *others.values()]:
        for e in ents:
            if e.type == EntityType.PERSON:
                g, f = given_and_family(e)
                givens += [x for x in g if detect_script(x) == "Latn" and len(x) > 1]
                families += [x for x in f if detect_script(x) == "Latn" and len(x) > 1]
    tries = 0
    while len(cases["negative_person"]) < CAP["negative_person"] and tries < 100_000:
        tries += 1
        g, f = rng.choice(givens), rng.choice(families)
        qw = set(words(g)) | set(words(f))
        if not qw:
            continue
        if g.lower() in TITLES or f.lower() in TITLES:
            continue  # "Haji", "Sheikh": an honorific, not a given name
        first = min(qw, key=lambda w: len(word_index.get(w, [])))
        if any(qw <= target_word_sets[i] for i in word_index.get(first, [])):
            continue  # a listed name holds all these words: not a clean negative
        if covered(qw, target_word_sets, word_index):
            continue  # ... or all of them within one typing error: a variant, not a negative
        name = f"{g.title()} {f.title()}" if rng.random() < 0.5 else f"{f.upper()}, {g.title()}"
        add("negative_person", name, [], type="person")

    org_candidates = []
    for s, rel in ORG_SOURCES:
        for e in load(s, rel):
            if e.type != EntityType.ORGANIZATION:
                continue
            if s == "us-csl" and any("Specially Designated" in p.authority or "Treasury" in p.authority for p in e.programs):
                continue  # CSL repeats OFAC's lists: those are not negatives
            org_candidates.append(e.name)
    rng.shuffle(org_candidates)
    for name in org_candidates:
        if len(cases["negative_org"]) >= CAP["negative_org"]:
            break
        qw = set(words(name))
        if not qw or plain(name) in target_names:
            continue
        overlap = max((len(qw & target_word_sets[i]) / len(qw) for w in qw for i in word_index.get(w, [])[:2000]), default=0.0)
        if overlap >= 0.5:
            continue
        add("negative_org", name, [], type="organization")

    OUT.parent.mkdir(exist_ok=True)
    total = 0
    with OUT.open("w", encoding="utf-8") as f:
        for cat in CAP:
            rows = cases[cat]
            if len(rows) > CAP[cat]:
                rows = rng.sample(rows, CAP[cat])
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
            total += len(rows)
            print(f"{cat:<20} {len(rows):>5}", file=sys.stderr)
    print(f"{total} cases written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
