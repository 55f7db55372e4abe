"""Evidence beyond the name: date of birth, country, identity documents, entity type.

Each feature returns a signed adjustment of the score and a sentence saying why, so an
analyst (or a regulator) can read exactly what moved the score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watchlist.model import Entity, PartialDate

# Adjustments to the name score. A contradicting date of birth is strong evidence of a
# different person; a matching one is supporting evidence, never enough on its own.
DOB_EXACT = 0.08
DOB_TRANSPOSED = 0.04
DOB_YEAR = 0.04
DOB_CONTRADICTS = -0.20
COUNTRY_MATCH = 0.03
COUNTRY_MISMATCH = -0.03
DOCUMENT_MATCH = 0.15
TYPE_MISMATCH = -0.25

_ALNUM = re.compile(r"[^0-9A-Z]")


def norm_document(number: str) -> str:
    return _ALNUM.sub("", number.upper())


@dataclass(frozen=True, slots=True)
class Profile:
    """What the matcher needs of a listed entity (slim, built once per index)."""

    id: str
    source: str
    type: str
    name: str
    birth_dates: tuple[PartialDate, ...] = ()
    countries: frozenset[str] = frozenset()
    documents: tuple[tuple[str, str | None, str], ...] = ()  # (number, country, type)
    programs: frozenset[str] = frozenset()

    @classmethod
    def from_entity(cls, e: Entity) -> Profile:
        countries = {c for c in (*e.nationalities, *e.citizenships, *e.countries) if len(c) == 2}
        countries.update(a.country for a in e.addresses if a.country and len(a.country) == 2)
        docs = tuple(
            (norm_document(d.number), d.country, d.type)
            for d in e.documents
            if len(norm_document(d.number)) >= 4
        )
        return cls(
            id=e.id,
            source=e.source,
            type=str(e.type),
            name=e.name,
            birth_dates=tuple(d for d in e.birth_dates if d.year),
            countries=frozenset(countries),
            documents=docs,
            programs=frozenset(p.code for p in e.programs),
        )


@dataclass(frozen=True, slots=True)
class QueryFacts:
    """The evidence a query brings besides its name."""

    dob: PartialDate | None = None
    countries: frozenset[str] = frozenset()
    documents: tuple[tuple[str, str | None], ...] = ()  # (number, country)
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    delta: float
    detail: str


@dataclass(slots=True)
class Evidence:
    features: list[Feature] = field(default_factory=list)
    document_match: bool = False

    @property
    def delta(self) -> float:
        return sum(f.delta for f in self.features)


def _dob_feature(q: PartialDate, listed: tuple[PartialDate, ...]) -> Feature | None:
    if not listed or q.year is None:
        return None
    best: Feature | None = None
    for d in listed:
        assert d.year is not None
        lo, hi = d.year, d.year_to or d.year
        if d.circa:
            lo, hi = lo - 1, hi + 1
        f: Feature | None
        if q.month and q.day and d.month and d.day and d.year_to is None and q.year == d.year:
            if (q.month, q.day) == (d.month, d.day):
                f = Feature("dob", DOB_EXACT, f"date of birth {q.iso()} equals listed {d.text}")
            elif (q.month, q.day) == (d.day, d.month):
                f = Feature(
                    "dob",
                    DOB_TRANSPOSED,
                    f"date of birth {q.iso()} is listed {d.text} with day and month swapped",
                )
            else:
                f = Feature("dob", 0.0, f"same year as listed {d.text}, other day")
        elif lo <= q.year <= hi:
            f = Feature("dob", DOB_YEAR, f"year of birth {q.year} fits listed {d.text}")
        elif lo - 1 <= q.year <= hi + 1:
            f = Feature("dob", 0.0, f"year of birth {q.year} is one year from listed {d.text}")
        else:
            f = None
        if f is not None and (best is None or f.delta > best.delta):
            best = f
    if best is None:
        shown = "; ".join(d.text for d in listed[:3])
        return Feature(
            "dob", DOB_CONTRADICTS, f"date of birth {q.iso()} contradicts listed {shown}"
        )
    return best


def weigh_evidence(q: QueryFacts, p: Profile) -> Evidence:
    ev = Evidence()
    if q.dob is not None and p.type in ("person", "unknown"):
        f = _dob_feature(q.dob, p.birth_dates)
        if f is not None:
            ev.features.append(f)
    if q.countries and p.countries:
        common = q.countries & p.countries
        if common:
            ev.features.append(
                Feature(
                    "country",
                    COUNTRY_MATCH,
                    f"country {', '.join(sorted(common))} is linked to the listed party",
                )
            )
        else:
            ev.features.append(
                Feature(
                    "country",
                    COUNTRY_MISMATCH,
                    f"country {', '.join(sorted(q.countries))} not among listed {', '.join(sorted(p.countries))}",
                )
            )
    for number, country in q.documents:
        for lnum, lcountry, ltype in p.documents:
            # A number counts only when the issuing countries agree or one is unknown.
            if number == lnum and (not country or not lcountry or country == lcountry):
                ev.features.append(
                    Feature("document", DOCUMENT_MATCH, f"{ltype} number {lnum} matches")
                )
                ev.document_match = True
                break
        if ev.document_match:
            break
    if q.type and p.type != "unknown" and q.type != p.type:
        ev.features.append(
            Feature("type", TYPE_MISMATCH, f"query is a {q.type}, listed party is a {p.type}")
        )
    return ev
