# Types of the compiled scorer core (_align.pyx).
from collections.abc import Sequence
from typing import Any

from watchlist.names import NameForm

PAIR_FLOOR: float
FUZZY_FLOOR: float
EXTRA_CANDIDATE_COST: float
EXTRA_QUERY_COST: float
INITIAL_REST_COST: float
HOWS: tuple[str, ...]

def fill_forms(
    forms: list[NameForm],
    candidates: list[Any],
    caches: list[dict[str, list[tuple[int, float, int]]]],
    known: dict[str, Any] | None,
    cdist: Any,
    f32: Any,
    i32: Any,
) -> None: ...
def pair_rows(
    qtoks: tuple[str, ...],
    qkeys: tuple[str, ...],
    qskels: tuple[str, ...],
    q_abjad: bool,
    slots: list[list[tuple[int, int]]],
    toks: list[str],
    keys: list[str],
    skels: list[str],
    abjad_toks: set[str],
    jw_m: Any,
    lev_m: Any,
    jw_keys_m: Any,
    lev_keys_m: Any,
    osa_m: Any,
    jw_skels: Any,
    lev_skels: Any,
    caches: list[dict[str, list[tuple[int, float, int]]]],
    known: dict[str, Any] | None = None,
) -> None: ...
def align(
    q: NameForm, c: NameForm, cache: dict[str, list[tuple[int, float, int]]]
) -> tuple[float, list[tuple[int, int, float, str]]]: ...
def candidate_rows(found: list[tuple[int, list[int]]], rows: list[Any], nforms: int) -> list[list[Any]]: ...
def best_per_entity(
    forms: list[NameForm],
    caches: list[dict[str, list[tuple[int, float, int]]]],
    found: list[tuple[int, list[int]]],
    rows: list[Any],
    weak_factor: float,
    floor: float,
) -> dict[int, tuple[float, int, int]]: ...
def missing_words(
    candidates: list[Sequence[Any]], caches: list[dict[str, list[tuple[int, float, int]]]]
) -> tuple[list[str], list[str], list[str], set[str]]: ...
