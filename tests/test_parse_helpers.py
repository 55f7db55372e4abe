from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchlist.sources._parse import clean, country_code, parse_date, parse_dates


@pytest.mark.parametrize(
    ("text", "iso", "circa"),
    [
        ("11 Oct 1975", "1975-10-11", False),
        ("28 Feb 1975", "1975-02-28", False),
        ("1975", "1975", False),
        ("circa 1955", "1955", True),
        ("1955 to 1958", "1955/1958", False),
        ("Oct 1975", "1975-10", False),
        ("00/00/1980", "1980", False),
        ("00/05/1980", "1980-05", False),
        ("11/10/1975", "1975-10-11", False),
        ("1975-10-11T00:00:00", "1975-10-11", False),
        ("approximately 1955-1958", "1955/1958", True),
        ("between 1960 and 1965", "1960/1965", False),
        ("October 11, 1975", "1975-10-11", False),
    ],
)
def test_parse_date(text: str, iso: str, circa: bool) -> None:
    d = parse_date(text)
    assert d is not None and d.iso() == iso and d.circa == circa and d.text == text


def test_us_month_first() -> None:
    d = parse_date("03/17/2020", dayfirst=False)
    assert d is not None and d.iso() == "2020-03-17"


@pytest.mark.parametrize("text", ["", "junk", "-0-", "13/13/1990", "0000", "32 Foo 1990"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_several_dates() -> None:
    ds = parse_dates("a) Approximately 1955- 1958 b) 1960")
    assert [d.iso() for d in ds] == ["1955/1958", "1960"]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Russia", "ru"), ("Russian Federation", "ru"), ("Iran (Islamic Republic of)", "ir"), ("Syria / Syrie", "sy"), ("RU", "ru"), ("Korea, North", "kp")],
)
def test_country_code(text: str, code: str) -> None:
    assert country_code(text) == code


def test_clean_nulls() -> None:
    assert clean("-0- ") is None
    assert clean("  a\u00a0 b ") == "a b"


@given(st.text(max_size=40))
def test_parse_date_never_raises(text: str) -> None:
    d = parse_date(text)
    assert d is None or (d.year is not None and 1800 <= d.year <= 2100)
