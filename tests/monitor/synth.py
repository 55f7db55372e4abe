"""Synthetic customer books built from real name parts of the lists, for tests and the benchmark.

Most customers are given names and surnames of listed persons recombined at random (and
company words recombined for organisations), so they look like real names and some of
them partly match listed parties, as real customers do. A share are listed parties
*planted* into the book: exact names and lightly varied ones (a typo, a dropped middle
name, given and family name swapped), taken from the old list version, from the parties
the new version adds, changes and removes, so that a monitoring run after the list change
has new alerts to raise and alerts to close.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from watchlist.model import Entity, EntityType

_COUNTRIES = ("us", "gb", "de", "fr", "ir", "sy", "ru", "cn", "mx", "co", "ae", "lb", "pk", "ve")


def _ascii(text: str) -> bool:
    return text.isascii() and any(c.isalpha() for c in text)


def part_pools(entities: Sequence[Entity]) -> tuple[list[str], list[str], list[str]]:
    """(given names, family names, company words) of the listed parties, in Latin script."""
    givens: list[str] = []
    families: list[str] = []
    words: list[str] = []
    for e in entities:
        for nm in e.names[:3]:
            if not _ascii(nm.full):
                continue
            if e.type == EntityType.PERSON:
                fam = nm.parts.get("family")
                giv = nm.parts.get("given")
                if fam and giv:
                    families.append(fam.strip().title())
                    givens.extend(g.title() for g in giv.split()[:2])
                elif "," in nm.full:
                    f, _, g = nm.full.partition(",")
                    families.append(f.strip().title())
                    givens.extend(x.title() for x in g.split()[:2])
            elif e.type == EntityType.ORGANIZATION:
                words.extend(w.title() for w in nm.full.split() if len(w) > 2 and w.isalpha())
    return givens or ["John"], families or ["Smith"], words or ["Trading"]


def natural(entity: Entity) -> str:
    """A listed person's primary name in the order a customer file would write it."""
    nm = entity.names[0] if entity.names else None
    if nm is not None and nm.parts.get("family") and nm.parts.get("given"):
        return f"{nm.parts['given']} {nm.parts['family']}".title()
    if "," in entity.name:
        fam, _, giv = entity.name.partition(",")
        return f"{giv.strip()} {fam.strip()}".title()
    return entity.name


def vary(name: str, rng: random.Random) -> str:
    """A light variation: a typo, a dropped middle name or the order swapped."""
    toks = name.split()
    how = rng.random()
    if how < 0.4 or len(toks) < 2:
        long = [i for i, t in enumerate(toks) if len(t) > 4] or [0]
        i = rng.choice(long)
        t = toks[i]
        j = rng.randrange(1, max(2, len(t) - 1))
        toks[i] = t[:j] + t[j + 1 :] if rng.random() < 0.5 else t[:j] + t[j] + t[j:]
        return " ".join(toks)
    if how < 0.7 and len(toks) >= 3:
        del toks[rng.randrange(1, len(toks) - 1)]
        return " ".join(toks)
    return " ".join([toks[-1], *toks[:-1]])


def _dob(entity: Entity | None, rng: random.Random) -> str | None:
    if entity is not None and entity.birth_dates and rng.random() < 0.5:
        iso = entity.birth_dates[0].iso()
        if iso and "/" not in iso:
            return iso
    if rng.random() < 0.6:
        return f"{rng.randint(1940, 2002):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return None


def customers(
    n: int,
    old: Sequence[Entity],
    new: Sequence[Entity] = (),
    *,
    seed: int = 5,
    planted_share: float = 0.02,
) -> list[dict[str, Any]]:
    """``n`` customer rows (id, name, dob, country, type) for a customer import file."""
    rng = random.Random(seed)
    givens, families, words = part_pools([*old, *new])
    old_ids = {e.id: e for e in old}
    new_ids = {e.id: e for e in new}
    people_old = [e for e in old if e.type == EntityType.PERSON and _ascii(e.name)]
    added = [
        e for e in new if e.id not in old_ids and e.type == EntityType.PERSON and _ascii(e.name)
    ]
    removed = [e for e in old if new and e.id not in new_ids and e.type == EntityType.PERSON]
    orgs = [e for e in [*old, *new] if e.type == EntityType.ORGANIZATION and _ascii(e.name)]
    rows: list[dict[str, Any]] = []
    n_plant = int(n * planted_share)
    pools: list[tuple[list[Entity], float]] = [
        (people_old, 0.45),
        (added, 0.3 if added else 0.0),
        (removed, 0.1 if removed else 0.0),
        (orgs, 0.15),
    ]
    pools = [(p, w) for p, w in pools if p and w]
    for i in range(n_plant):
        pool = rng.choices([p for p, _ in pools], [w for _, w in pools])[0]
        e = rng.choice(pool)
        is_person = e.type == EntityType.PERSON
        name = natural(e) if is_person else e.name
        if rng.random() < 0.5:
            name = vary(name, rng)
        rows.append(
            {
                "id": f"P{i:06d}",
                "name": name,
                "dob": _dob(e, rng) if is_person else None,
                "country": rng.choice(_COUNTRIES) if rng.random() < 0.3 else None,
                "type": "person" if is_person else "organization",
            }
        )
    for i in range(n - n_plant):
        if rng.random() < 0.1:
            name = " ".join(rng.sample(words, 3)) + rng.choice([" Ltd", " LLC", " SA", ""])
            rows.append({"id": f"C{i:07d}", "name": name, "type": "organization"})
            continue
        given = (
            rng.choice(givens)
            if rng.random() < 0.8
            else f"{rng.choice(givens)} {rng.choice(givens)}"
        )
        rows.append(
            {
                "id": f"C{i:07d}",
                "name": f"{given} {rng.choice(families)}",
                "dob": _dob(None, rng),
                "country": rng.choice(_COUNTRIES) if rng.random() < 0.4 else None,
                "type": "person" if rng.random() < 0.9 else None,
            }
        )
    rng.shuffle(rows)
    return rows
