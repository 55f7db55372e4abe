"""Screen one query against an index: retrieve, score names, weigh evidence, explain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from watchlist.index import ScreeningIndex
from watchlist.match.evidence import Feature, weigh_evidence
from watchlist.match.names import (
    NameMatch,
    SimCache,
    align,
    best_per_entity,
    candidate_rows,
    explain_alignment,
    fill_for_forms,
)
from watchlist.names import NameForm, analyze_query
from watchlist.screen.query import Filters, Query

WEAK_ALIAS_FACTOR = 0.92  # OFAC "weak" / UN "low quality" aliases alert less readily
# Names compared per query. Arabic-script names give only consonants, which many more
# listed names share (ABD AL-RAHMAN): they get a wider net.
CANDIDATES = 30
ABJAD_CANDIDATES = 60
MAX_POSITIVE_EVIDENCE = 0.26  # the most evidence can add: names below threshold - this are skipped


@dataclass(slots=True)
class Hit:
    entity_id: str
    entity_name: str
    source: str
    type: str
    programs: list[str]
    score: float
    name_score: float
    matched_name: str
    matched_kind: str
    features: list[Feature]
    name_match: NameMatch

    def as_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "source": self.source,
            "type": self.type,
            "programs": self.programs,
            "score": round(self.score, 4),
            "name_score": round(self.name_score, 4),
            "matched_name": self.matched_name,
            "matched_name_kind": self.matched_kind,
            "explanation": self.explanation(),
        }

    def explanation(self) -> dict[str, Any]:
        return {
            "name": self.name_match.explain(),
            "name_score": round(self.name_score, 4),
            "features": [
                {"feature": f.name, "effect": round(f.delta, 3), "detail": f.detail} for f in self.features
            ],
            "score": round(self.score, 4),
            "summary": summary(self),
        }


def summary(h: Hit) -> str:
    parts = [f"name {h.name_score:.2f} ('{h.name_match.query.original}' ~ '{h.matched_name}')"]
    parts += [f"{f.name} {f.delta:+.2f}" for f in h.features if f.delta]
    return "; ".join(parts) + f" => {h.score:.2f}"


@dataclass(slots=True)
class ScreenResult:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    versions: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": {k: v for k, v in {
                "id": self.query.id,
                "name": self.query.name,
                "dob": self.query.dob,
                "country": self.query.country,
                "type": self.query.type,
                "identifiers": list(self.query.identifiers) or None,
            }.items() if v},
            "hits": [h.as_json() for h in self.hits],
            "lists": self.versions,
        }


def query_forms(index: ScreeningIndex, query: Query, type_: str | None) -> list[NameForm]:
    return analyze_query(query.name, type_, index.rarity)


def _filter_key(index: ScreeningIndex, nid: int) -> tuple[str, frozenset[str], str]:
    p = index.profiles[index.names[nid].entity]
    return p.source, p.programs, p.type


def screen(
    index: ScreeningIndex,
    query: Query,
    *,
    threshold: float,
    limit: int = 10,
    filters: Filters | None = None,
) -> ScreenResult:
    """The listed parties that match ``query`` at or above ``threshold``, best first."""
    facts = query.facts()
    forms = query_forms(index, query, facts.type)
    result = ScreenResult(query, versions=index.versions)
    if not forms:
        return result
    filters = filters or Filters()
    floor = threshold - MAX_POSITIVE_EVIDENCE
    caches: list[SimCache] = [{} for _ in forms]
    found = index.candidates(forms, ABJAD_CANDIDATES if any(f.abjad for f in forms) else CANDIDATES)
    if filters.sources or filters.programs or filters.types:
        found = [(nid, fis) for nid, fis in found if filters.allows(*_filter_key(index, nid))]
    fill_for_forms(forms, candidate_rows(found, index.rows, len(forms)), caches, index.traits)
    best = best_per_entity(forms, caches, found, index.rows, WEAK_ALIAS_FACTOR, floor)
    hits = []
    for ent, (name_score, nid, fi) in best.items():
        profile = index.profiles[ent]
        ev = weigh_evidence(facts, profile)
        score = max(0.0, min(1.0, name_score + ev.delta))
        if score < threshold:
            continue
        entry = index.names[nid]
        m = explain_alignment(forms[fi], entry.form, name_score, align(forms[fi], entry.form, caches[fi])[1])
        hits.append(
            Hit(
                entity_id=profile.id,
                entity_name=profile.name,
                source=profile.source,
                type=profile.type,
                programs=sorted(profile.programs),
                score=score,
                name_score=name_score,
                matched_name=entry.name,
                matched_kind=entry.kind,
                features=ev.features,
                name_match=m,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.entity_id))
    result.hits = hits[:limit]
    return result
