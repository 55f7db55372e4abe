# Types of the compiled postings merge (_postings.pyx).
from typing import Any

RELATIVE_CUT: float

def merge_best(arrays: list[Any], credits: list[float]) -> tuple[Any, Any]: ...
def accumulate(
    arrays: list[Any],
    credits: list[Any],
    weights: list[float],
    common_ids: list[Any],
    common_credits: list[Any],
    common_weights: list[float],
) -> tuple[Any, Any]: ...
def select(
    ids_per_form: list[Any],
    scores_per_form: list[Any],
    divisors: list[float],
    ntokens: Any,
    form_lens: list[int],
    max_names: int,
    tie_break: float,
) -> list[tuple[int, list[int]]]: ...
def typo_table(words: list[str]) -> tuple[Any, Any]: ...
def typo_matches(word: str, hashes: Any, owners: Any, words: list[str]) -> list[int]: ...
def near_keys(
    key: str,
    postings: dict[str, Any],
    neighbours: dict[str, list[str]],
    out: dict[str, float],
    credit: float,
    max_names: int,
) -> None: ...
