"""Screening against a real list: candidates are found however the query is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchlist.index import ScreeningIndex
from watchlist.screen import Query, screen
from watchlist.settings import DEFAULT_THRESHOLD
from watchlist.sources import read_list


@pytest.fixture(scope="module")
def index(data_dir: Path) -> ScreeningIndex:
    return ScreeningIndex.build(read_list(data_dir / "ofac-sdn/2021-07-07", "ofac-sdn").entities)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Пригожин Евгений Викторович", "ofac-sdn:21171"),
        ("Artyom Kouznetsov", "ofac-sdn:15886"),
        # every word is common, and علي ('LY) has one consonant, which its key reads as
        # the Chinese LI: the rarer words must still find SALEH, Ahmad Ali Abdullah
        ("أحمد علي عبد الله صالح", "ofac-sdn:17928"),
        ("محمدجواد ظریف", "ofac-sdn:26950"),
        # a typo that changes the phonetic key by two letters (CH for CG): the word as
        # written is one letter from the listed one
        ("RAMCGARAN, Leebert", "ofac-sdn:8241"),
    ],
)
def test_found_at_the_default_threshold(index: ScreeningIndex, query: str, expected: str) -> None:
    hits = screen(index, Query(query, type="person"), threshold=DEFAULT_THRESHOLD, limit=10).hits
    assert expected in [h.entity_id for h in hits]


@given(
    st.lists(st.text(alphabet="abcdef", min_size=4, max_size=8), min_size=1, max_size=60, unique=True),
    st.text(alphabet="abcdefg", min_size=1, max_size=9),
)
def test_typo_table_finds_every_word_one_typing_error_away(words: list[str], word: str) -> None:
    from rapidfuzz.distance import OSA

    from watchlist.index._postings import typo_matches, typo_table

    hashes, owners = typo_table(words)
    expected = [i for i, w in enumerate(words) if OSA.distance(word, w) == 1]
    assert typo_matches(word, hashes, owners, words) == expected


def test_unknown_type_is_read_as_a_person_and_as_a_company() -> None:
    from watchlist.names import analyze_query

    person = [f.tokens for f in analyze_query("Bank Melli Iran ZAO", "person")]
    either = [f.tokens for f in analyze_query("Bank Melli Iran ZAO", None)]
    company = [f.tokens for f in analyze_query("Bank Melli Iran ZAO", "organization")]
    assert either[: len(person)] == person
    assert set(either) == set(person) | set(company)  # each form once
    assert len(either) == len(set(either))
