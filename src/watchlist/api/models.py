"""Request and response bodies of the HTTP API (pydantic), hence its OpenAPI document.

Requests are validated here (types, lengths, ranges); the meaning of a field (is this a
date, a country) is checked by the same code the CLI uses (``screen.Query.facts``).
Responses are produced by the core's own ``as_json`` methods and serialised as they are;
these models only describe them, and the schemathesis tests check they match.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchlist.screen.query import MAX_NAME_LENGTH

EntityTypeName = Literal["person", "organization", "vessel", "aircraft"]
RoleName = Literal["reader", "analyst", "admin"]

SOURCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
HARD_MAX_BATCH = 10_000  # the configured max_batch (default 100) is checked on top of this

Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        pattern=r"\S",
        description="Name to screen, in any script.",
        examples=["Artyom Kouznetsov"],
    ),
]
Dob = Annotated[
    str,
    Field(
        max_length=40,
        description="Date of birth: YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY.",
        examples=["1975"],
    ),
]
Country = Annotated[
    str,
    Field(
        max_length=200,
        description="Nationality or country: a name or ISO code; several comma-separated.",
        examples=["ru"],
    ),
]
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="Identity document number, optionally NUMBER:CC with the issuing country.",
    ),
]
Reference = Annotated[str, Field(max_length=200, description="Your reference, echoed back.")]
SourceName = Annotated[str, Field(min_length=1, max_length=64, pattern=SOURCE_PATTERN)]
ProgramCode = Annotated[str, Field(min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScreenQuery(_Strict):
    """One name with optional evidence."""

    name: Name
    dob: Dob | None = None
    country: Country | None = None
    type: EntityTypeName | None = Field(None, description="What the screened party is.")
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)
    id: Reference | None = None


class ScreenRequest(_Strict):
    """One query (``name`` and its evidence at the top level) or a batch (``queries``),
    with the options of ``watchlist screen``."""

    name: Name | None = None
    dob: Dob | None = None
    country: Country | None = None
    type: EntityTypeName | None = Field(None, description="What the screened party is.")
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)
    id: Reference | None = None
    queries: list[ScreenQuery] | None = Field(
        None,
        min_length=1,
        max_length=HARD_MAX_BATCH,
        description="A batch: each query is screened with the same options.",
    )
    threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Minimum score (default from the settings)."
    )
    limit: int | None = Field(None, ge=1, le=100, description="Most hits per query.")
    source: list[SourceName] = Field(
        default_factory=list, max_length=50, description="Only these lists."
    )
    program: list[ProgramCode] = Field(
        default_factory=list, max_length=100, description="Only entities under these programs."
    )
    only_type: list[EntityTypeName] = Field(
        default_factory=list, max_length=4, description="Only listed entities of these types."
    )


# ---------------------------------------------------------------- screening results


class TokenPair(BaseModel):
    query: str
    candidate: str
    similarity: float
    how: str


class NameExplanation(BaseModel):
    query_form: str
    candidate_form: str
    pairs: list[TokenPair]
    unmatched_query_tokens: list[str]
    unmatched_candidate_tokens: list[str]


class FeatureEffect(BaseModel):
    feature: str
    effect: float
    detail: str


class Explanation(BaseModel):
    name: NameExplanation
    name_score: float
    features: list[FeatureEffect]
    score: float
    summary: str


class HitOut(BaseModel):
    entity_id: str
    entity_name: str
    source: str
    type: str
    programs: list[str]
    score: float
    name_score: float
    matched_name: str
    matched_name_kind: str
    explanation: Explanation


class QueryEcho(BaseModel):
    id: str | None = None
    name: str | None = None
    dob: str | None = None
    country: str | None = None
    type: str | None = None
    identifiers: list[str] | None = None


class ListRef(BaseModel):
    source: str
    version: int
    data_date: str | None
    sha256: str


class ScreenResultOut(BaseModel):
    """The same JSON as ``watchlist screen --json``."""

    query: QueryEcho
    hits: list[HitOut]
    lists: list[ListRef]


class BatchResultOut(BaseModel):
    results: list[ScreenResultOut]


# ---------------------------------------------------------------- lists and entities


class VersionOut(BaseModel):
    source: str
    version: int
    format: str
    loaded_at: str
    data_date: str | None
    entities: int
    sha256: str
    files_sha256: str | None
    origin: str | None
    files: list[str]
    warnings: int


class ListVersionOut(VersionOut):
    current: bool


class IndexInfo(BaseModel):
    entities: int
    names: int
    loaded_at: str
    generation: int
    lists: list[ListRef]


class ListsOut(BaseModel):
    versions: list[ListVersionOut]
    index: IndexInfo | None


class EntityOut(BaseModel):
    """A listed entity as stored (every field of the entity model), with its list version."""

    model_config = ConfigDict(extra="allow")

    id: str
    source: str
    native_id: str
    type: str
    name: str
    version: VersionOut


class EntityChangeOut(BaseModel):
    id: str
    fields: dict[str, list[Any]]


class DiffOut(BaseModel):
    source: str
    from_: int = Field(alias="from")
    to: int
    added: list[str]
    removed: list[str]
    changed: list[EntityChangeOut]


class LoadRequest(_Strict):
    location: str = Field(
        min_length=1,
        max_length=2000,
        description="A folder or file on the server, or an http(s)/file URL.",
    )
    format: str | None = Field(None, max_length=64, description="Default: detected.")
    force: bool = Field(False, description="Load even if the list looks implausibly small.")


class LoadOut(BaseModel):
    source: str
    created: bool
    version: VersionOut
    previous: VersionOut | None
    seconds: float
    warnings: list[str]
    index: str


class UpdateRequest(_Strict):
    sources: list[SourceName] | None = Field(
        None, max_length=50, description="Default: every configured source."
    )
    mirror: str | None = Field(
        None, max_length=2000, description="Folder or URL holding a copy of each source."
    )
    history: bool = Field(False, description="With a mirror folder: load every dated copy.")


class UpdateOutcomeOut(BaseModel):
    source: str
    result: LoadOut | None
    error: str | None


class UpdateOut(BaseModel):
    outcomes: list[UpdateOutcomeOut]
    failed: int


# ---------------------------------------------------------------- keys, health, errors


class KeyCreate(_Strict):
    name: str = Field(min_length=1, max_length=100, examples=["payments-gateway"])
    role: RoleName = "reader"


class KeyOut(BaseModel):
    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None
    active: bool


class KeyCreated(BaseModel):
    key: KeyOut
    secret: str = Field(description="The API key. Shown once: only its hash is stored.")


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    reason: str | None = None
    index: IndexInfo | None = None


class FieldError(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    error: str
    message: str
    fields: list[FieldError] | None = None


_ERR = {"model": ErrorOut}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {**_ERR, "description": "Missing or unknown API key"},
    403: {**_ERR, "description": "The key's role may not do this"},
}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {**_ERR, "description": "Request body too large"},
    422: {**_ERR, "description": "Invalid request: the fields at fault are named"},
}
