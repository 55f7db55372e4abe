# Types of the compiled scorer core (_align.pyx).
from typing import Any

from watchlist.match.traits import Traits
from watchlist.names import NameForm

PAIR_FLOOR: float
FUZZY_FLOOR: float
EXTRA_CANDIDATE_COST: float
EXTRA_QUERY_COST: float
HOWS: tuple[str, ...]

def combine(
    ta: Traits, sa: str, tb: Traits, sb: str, fuzzy: float, sk: float | None
) -> tuple[float, str]: ...
def pair_rows(
    q: NameForm,
    toks: list[str],
    keys: list[str],
    skels: list[str],
    abjad_toks: set[str],
    best: Any,
    sk_matrix: Any,
    cache: dict[str, list[tuple[int, float, int]]],
) -> None: ...
def align(
    q: NameForm, c: NameForm, cache: dict[str, list[tuple[int, float, int]]]
) -> tuple[float, list[tuple[int, int, float, str]]]: ...
