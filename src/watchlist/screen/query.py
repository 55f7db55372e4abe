"""What a caller asks: a name with optional evidence, and filters on the lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from watchlist.errors import InputError
from watchlist.match.evidence import QueryFacts, norm_document
from watchlist.model import EntityType
from watchlist.sources._parse import country_code, parse_date

MAX_NAME_LENGTH = 500

_TYPE_ALIASES = {"company": "organization", "org": "organization", "entity": "organization", "individual": "person"}


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    dob: str | None = None
    country: str | None = None  # one or more, comma-separated: names or ISO codes
    type: str | None = None
    identifiers: tuple[str, ...] = ()  # document numbers, optionally "NUMBER:CC"
    id: str | None = None  # the caller's reference (customer id, row number)

    def facts(self) -> QueryFacts:
        """Validate and normalise the evidence; a bad field raises InputError naming it."""
        name = (self.name or "").strip()
        if not name:
            raise InputError("name: empty")
        if len(name) > MAX_NAME_LENGTH:
            raise InputError(f"name: longer than {MAX_NAME_LENGTH} characters")
        dob = None
        if self.dob and self.dob.strip():
            dob = parse_date(self.dob, dayfirst=True)
            if dob is None:
                raise InputError(f"dob: {self.dob!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        countries: set[str] = set()
        if self.country:
            for part in self.country.split(","):
                if not part.strip():
                    continue
                code = country_code(part)
                if code is None:
                    raise InputError(f"country: {part.strip()!r} is not a known country or ISO code")
                countries.add(code)
        docs = []
        for ident in self.identifiers:
            number, _, cc = ident.partition(":")
            n = norm_document(number)
            if n:
                docs.append((n, country_code(cc) if cc else None))
        return QueryFacts(dob=dob, countries=frozenset(countries), documents=tuple(docs), type=self.entity_type())

    def entity_type(self) -> str | None:
        if not self.type or not self.type.strip():
            return None
        t = self.type.strip().lower()
        t = _TYPE_ALIASES.get(t, t)
        if t not in {e.value for e in EntityType}:
            raise InputError(f"type: {self.type!r} is not one of person, organization, vessel, aircraft")
        return t


@dataclass(frozen=True, slots=True)
class Filters:
    sources: frozenset[str] = field(default_factory=frozenset)
    programs: frozenset[str] = field(default_factory=frozenset)
    types: frozenset[str] = field(default_factory=frozenset)

    def allows(self, source: str, programs: frozenset[str], type_: str) -> bool:
        if self.sources and source not in self.sources:
            return False
        if self.types and type_ not in self.types:
            return False
        return not (self.programs and not (self.programs & programs))
