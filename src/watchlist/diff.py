"""Record-by-record, field-by-field comparison of two list versions. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Fields that describe provenance rather than the listed party: not reported as changes.
_IGNORED = frozenset({"raw"})


@dataclass(slots=True)
class EntityChange:
    id: str
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "fields": {k: [o, n] for k, (o, n) in self.fields.items()}}


@dataclass(slots=True)
class ListDiff:
    source: str
    from_version: int
    to_version: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.from_version,
            "to": self.to_version,
            "added": self.added,
            "removed": self.removed,
            "changed": [c.as_json() for c in self.changed],
        }


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in _IGNORED]
    return {k: (old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)}


def diff_members(
    source: str,
    from_version: int,
    to_version: int,
    old: Mapping[str, str],
    new: Mapping[str, str],
    load: Callable[[Iterable[str]], Mapping[str, Mapping[str, Any]]],
) -> ListDiff:
    """Compare two versions given as {entity id: record hash}.

    Only records whose hash differs are loaded (``load`` maps hashes to records), so a
    diff of two large versions that share most records touches little data.
    """
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    both = sorted(eid for eid in set(old) & set(new) if old[eid] != new[eid])
    records = load([old[e] for e in both] + [new[e] for e in both])
    changed = []
    for eid in both:
        fields = field_changes(records[old[eid]], records[new[eid]])
        if fields:
            changed.append(EntityChange(eid, fields))
    return ListDiff(source, from_version, to_version, added, removed, changed)
