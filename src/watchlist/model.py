"""The one entity model every list maps to, every store keeps and every matcher reads.

Plain dataclasses, no I/O. ``to_dict``/``from_dict`` give the canonical JSON form the
store hashes and diffs, so field order and empty-value handling live here only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    PRIMARY = "primary"
    AKA = "aka"  # also known as
    FKA = "fka"  # formerly known as
    NKA = "nka"  # now known as
    VARIATION = "variation"  # spelling variation of the primary name (UK "Primary name variation")
    ORIGINAL_SCRIPT = "original_script"  # the name as written in its own script


# Strength as the source states it: OFAC "strong"/"weak" aka, UK "Good quality"/"Low quality",
# UN "Good"/"Low". Kept as a small closed vocabulary so the matcher can weigh it.
STRONG = "strong"
WEAK = "weak"


@dataclass(slots=True)
class Name:
    full: str
    kind: NameKind = NameKind.PRIMARY
    strength: str | None = None  # STRONG, WEAK or None when the source does not say
    script: str | None = None  # ISO 15924 code where the source says or it is not Latin
    lang: str | None = None
    # Name parts where the source gives them: given, middle, family, patronymic, title, suffix
    parts: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PartialDate:
    """A date as precise as the source gives it: year only, year-month, a range, or circa."""

    text: str  # as written in the source
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_to: int | None = None  # end of a year range ("1955 to 1958"), inclusive
    circa: bool = False

    def iso(self) -> str | None:
        if self.year is None:
            return None
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        if self.year_to and self.year_to != self.year:
            out += f"/{self.year_to:04d}"
        return out


@dataclass(slots=True)
class Document:
    type: str  # passport, national_id, tax_id, registration, imo, mmsi, swift_bic, ...
    number: str
    country: str | None = None  # ISO 3166-1 alpha-2, lower case, where known
    note: str | None = None  # issue/expiry dates, issuing authority, as given


@dataclass(slots=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO alpha-2, lower case, where known


@dataclass(slots=True)
class Program:
    code: str  # e.g. MAGNIT, GLOMAG, SDGT, UKRAINE-EO13661, "Russia" (UK regime)
    authority: str  # e.g. "US OFAC", "UN Security Council", "EU", "UK OFSI"
    name: str | None = None


@dataclass(slots=True)
class Entity:
    id: str  # SOURCE:NATIVE_ID, stable across versions
    source: str
    native_id: str
    type: EntityType
    name: str  # primary name as the source writes it
    names: list[Name] = field(default_factory=list)  # primary first, then aliases
    birth_dates: list[PartialDate] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO alpha-2 lower case, else raw
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # other country links (address, registration)
    gender: str | None = None  # "male" / "female"
    documents: list[Document] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)  # asset_freeze, travel_ban, arms_embargo, ...
    titles: list[str] = field(default_factory=list)  # honorifics and positions
    listed_on: str | None = None  # ISO date
    amended_on: str | None = None  # ISO date
    links: list[str] = field(default_factory=list)  # names or ids of linked parties
    attributes: dict[str, list[str]] = field(default_factory=dict)  # vessel flag, email, website...
    remarks: str | None = None
    unparsed: list[str] = field(default_factory=list)  # remark fragments no rule understood
    raw: dict[str, Any] = field(default_factory=dict)  # the source record, as read

    def all_names(self) -> list[str]:
        return [n.full for n in self.names] or [self.name]

    def to_dict(self) -> dict[str, Any]:
        """Canonical plain form: empty values left out, ``raw`` passed through as is."""
        out: dict[str, Any] = {}
        for f in _ENTITY_FIELDS:
            v = getattr(self, f)
            if f == "raw":
                if v:
                    out[f] = v
                continue
            v = _plain(v)
            if v is not None and v != [] and v != {} and v is not False and v != "":
                out[f] = v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return Entity(
            id=data["id"],
            source=data["source"],
            native_id=data["native_id"],
            type=EntityType(data.get("type", "unknown")),
            name=data["name"],
            names=[
                Name(
                    full=n["full"],
                    kind=NameKind(n.get("kind", "primary")),
                    strength=n.get("strength"),
                    script=n.get("script"),
                    lang=n.get("lang"),
                    parts=dict(n.get("parts", {})),
                )
                for n in data.get("names", [])
            ],
            birth_dates=[PartialDate(**d) for d in data.get("birth_dates", [])],
            birth_places=list(data.get("birth_places", [])),
            nationalities=list(data.get("nationalities", [])),
            citizenships=list(data.get("citizenships", [])),
            countries=list(data.get("countries", [])),
            gender=data.get("gender"),
            documents=[Document(**d) for d in data.get("documents", [])],
            addresses=[Address(**a) for a in data.get("addresses", [])],
            programs=[Program(**p) for p in data.get("programs", [])],
            measures=list(data.get("measures", [])),
            titles=list(data.get("titles", [])),
            listed_on=data.get("listed_on"),
            amended_on=data.get("amended_on"),
            links=list(data.get("links", [])),
            attributes={k: list(v) for k, v in data.get("attributes", {}).items()},
            remarks=data.get("remarks"),
            unparsed=list(data.get("unparsed", [])),
            raw=dict(data.get("raw", {})),
        )


def _plain(value: Any) -> Any:
    """JSON-ready copy without None, empty and False values (small, stable canonical form).

    Hand-written rather than ``dataclasses.asdict``, which deep-copies and is ten times slower.
    """
    if isinstance(value, StrEnum):
        return str(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _plain(v)
            if v is None or v == [] or v == {} or v is False or v == "":
                continue
            out[k] = v
        return out
    fields = _FIELDS.get(type(value))
    if fields is None:
        fields = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    out = {}
    for k in fields:
        v = _plain(getattr(value, k))
        if v is None or v == [] or v == {} or v is False or v == "":
            continue
        out[k] = v
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


_ENTITY_FIELDS = tuple(f.name for f in dataclasses.fields(Entity))


@dataclass(slots=True)
class ListData:
    """What reading one published list file (or folder of files) gives."""

    source: str
    format: str
    entities: list[Entity]
    data_date: str | None = None  # ISO date the publisher gives the data, if it says
    files: list[str] = field(default_factory=list)  # names of the files read
    warnings: list[str] = field(default_factory=list)  # recoverable oddities, with place


@dataclass(slots=True)
class RawList:
    """A list read but not yet mapped: its records and the pure function that maps one to
    an entity (with any warnings). Mapping is most of a load's work and each record maps
    on its own, so a big list can be mapped on several cores (``ingest.read_prepared``)."""

    source: str
    format: str
    records: Sequence[Any]
    to_entity: Callable[[Any, str], tuple[Entity, list[str]]]
    data_date: str | None = None
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # of the reading; mapping adds its own

    def map(self, start: int = 0, stop: int | None = None) -> tuple[list[Entity], list[str]]:
        """Records ``start:stop`` mapped, in order, and the warnings their mapping gave."""
        entities: list[Entity] = []
        warnings: list[str] = []
        to_entity, source = self.to_entity, self.source
        for rec in self.records[start:stop]:
            entity, more = to_entity(rec, source)
            entities.append(entity)
            warnings.extend(more)
        return entities, warnings

    def mapped(self) -> ListData:
        entities, warnings = self.map()
        return ListData(
            self.source, self.format, entities, self.data_date, list(self.files),
            [*self.warnings, *warnings],
        )
