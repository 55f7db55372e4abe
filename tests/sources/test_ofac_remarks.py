"""The OFAC remarks parser: rules on real fragments, coverage of the real lists, fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchlist.model import WEAK, NameKind, PartialDate
from watchlist.sources import ofac_csv
from watchlist.sources.ofac_remarks import (
    ParsedRemarks,
    parse_birth_date,
    parse_remarks,
    split_fragments,
)

DOC_TYPES = {
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "swift_bic",
    "imo",
    "mmsi",
    "drivers_license",
    "residency",
    "visa",
    "other",
}

BRIEF = (
    "DOB 11 Oct 1975; POB Baku, Azerbaijan; nationality Russia; citizen Colombia; "
    "Passport 123 (Russia) issued 2010 expires 2020; Gender Male; a.k.a. 'FOO'; "
    "f.k.a. 'BAR'; Linked To: X; National ID No. 7020783883 (Russia); "
    "Cedula No. 51921171 (Colombia); NIT # 800211718-7 (Colombia); Tax ID No. 7744001497 "
    "(Russia); Registration ID 14063277; SWIFT/BIC HNRBBY2X; Email Address a@b.ru; "
    "Website www.b.ru; Phone Number 982188526300; "
    "Vessel Registration Identification IMO 9187629; MMSI 572469210; "
    "Additional Sanctions Information - Subject to Secondary Sanctions; "
    "Organization Established Date 17 Dec 2016; Title Colonel; alt. DOB 1960; "
    "DOB circa 1955; DOB 1955 to 1958."
)


# ---------------------------------------------------------------- rules


def test_the_fields_of_a_full_remark() -> None:
    r = parse_remarks(BRIEF)
    assert r.unparsed == []
    assert r.fragments == 26
    assert [d.iso() for d in r.birth_dates] == ["1975-10-11", "1960", "1955", "1955/1958"]
    assert r.birth_dates[2].circa and r.birth_dates[0].text == "11 Oct 1975"
    assert r.birth_places == ["Baku, Azerbaijan"]
    assert r.nationalities == ["ru"] and r.citizenships == ["co"]
    assert r.gender == "male"
    assert [(a.full, a.kind, a.strength) for a in r.aliases] == [
        ("FOO", NameKind.AKA, WEAK),
        ("BAR", NameKind.FKA, WEAK),
    ]
    assert r.links == ["X"]
    assert r.titles == ["Colonel"]
    docs = {(d.type, d.number, d.country) for d in r.documents}
    assert docs == {
        ("passport", "123", "ru"),
        ("national_id", "7020783883", "ru"),
        ("national_id", "51921171", "co"),
        ("tax_id", "800211718-7", "co"),
        ("tax_id", "7744001497", "ru"),
        ("registration", "14063277", None),
        ("swift_bic", "HNRBBY2X", None),
        ("imo", "9187629", None),
        ("mmsi", "572469210", None),
    }
    passport = r.documents[0]
    assert passport.note == "Passport; issued 2010 expires 2020"
    cedula = next(d for d in r.documents if d.number == "51921171")
    assert cedula.note == "Cedula No."  # the source's own label is kept
    assert r.attributes["email"] == ["a@b.ru"]
    assert r.attributes["website"] == ["www.b.ru"]
    assert r.attributes["phone"] == ["982188526300"]
    assert r.attributes["additional_sanctions_information"] == ["Subject to Secondary Sanctions"]
    assert r.attributes["organization_established_date"] == ["17 Dec 2016"]


def test_split_keeps_quotes_and_parentheses_whole() -> None:
    text = (
        "a.k.a. 'AL-QA'IDA; THE BASE'; Commander of the Faithful ('Amir; al-Munineen'); "
        "(Following data derived from a passport: Alt. DOB: 10 October 1969; Alt. POB: Keren); "
        "a.k.a. 'LLC 'DSD''; Ba'th party regional command chairman; nationality Iraq"
    )
    assert split_fragments(text) == [
        "a.k.a. 'AL-QA'IDA; THE BASE'",
        "Commander of the Faithful ('Amir; al-Munineen')",
        "(Following data derived from a passport: Alt. DOB: 10 October 1969; Alt. POB: Keren)",
        "a.k.a. 'LLC 'DSD''",
        "Ba'th party regional command chairman",
        "nationality Iraq",
    ]
    r = parse_remarks(text)
    assert [a.full for a in r.aliases] == ["AL-QA'IDA; THE BASE", "LLC 'DSD'"]
    assert r.nationalities == ["iq"]
    assert r.unparsed == [
        "(Following data derived from a passport: Alt. DOB: 10 October 1969; Alt. POB: Keren)"
    ]


def test_an_unclosed_quote_or_parenthesis_does_not_swallow_the_rest() -> None:
    assert split_fragments("Passport 1 (Iran; DOB 1970; a.k.a. 'X; nationality Iran") == [
        "Passport 1 (Iran",
        "DOB 1970",
        "a.k.a. 'X",
        "nationality Iran",
    ]
    assert split_fragments("nationality Iran;arrested 23 Apr 2002") == [
        "nationality Iran",
        "arrested 23 Apr 2002",
    ]


def test_the_final_dot_belongs_to_abbreviations_only() -> None:
    assert parse_remarks("Gender Female.").gender == "female"
    assert parse_remarks("Linked To: R D I S.A.").links == ["R D I S.A."]
    assert parse_remarks("Linked To: ANGLO-CARIBBEAN CO., LTD.").links == [
        "ANGLO-CARIBBEAN CO., LTD."
    ]
    assert parse_remarks("Linked To: MAHAN AIR.").links == ["MAHAN AIR"]
    assert [a.full for a in parse_remarks("a.k.a. 'M.O.G.E.'.").aliases] == ["M.O.G.E."]


@pytest.mark.parametrize(
    ("text", "year", "month", "day", "year_to", "circa"),
    [
        ("28 Feb 1975", 1975, 2, 28, None, False),
        ("Apr 1961", 1961, 4, None, None, False),
        ("1984", 1984, None, None, None, False),
        ("circa 1951", 1951, None, None, None, True),
        ("1951 to 1953", 1951, None, None, 1953, False),
        ("circa 1979-1982", 1979, None, None, 1982, True),
        ("01 Jan 1961 to 31 Dec 1963", 1961, None, None, 1963, False),
        ("01 Jan 1973 to 31 Dec 1973", 1973, None, None, None, False),
        ("01 Feb 1960 to 29 Feb 1960", 1960, 2, None, None, False),
        ("circa 07 Jul 1966", 1966, 7, 7, None, True),
    ],
)
def test_birth_dates(
    text: str, year: int, month: int | None, day: int | None, year_to: int | None, circa: bool
) -> None:
    d = parse_birth_date(text)
    assert d == PartialDate(
        text=text, year=year, month=month, day=day, year_to=year_to, circa=circa
    )


def test_unreadable_dates_stay_unparsed() -> None:
    r = parse_remarks("DOB sometime in the sixties; DOB 1999 to 1950")
    assert r.birth_dates == []
    assert r.unparsed == ["DOB sometime in the sixties", "DOB 1999 to 1950"]


def test_documents_keep_details_and_labels() -> None:
    r = parse_remarks(
        "Passport E590976 (Tunisia) issued 19 Jun 1987 expires 18 Jun 1992; "
        "alt. Passport Booklet A5250088 (Pakistan); "
        "Tarjeta Profesional 186785 (Abogado) (Colombia); "
        "Company Number IMO 5055293; International Maritime Organization No. (5777731); "
        "Driver's License No. M634550610520 (United States); VisaNumberID 2024702 (Mexico); "
        "Residency Number 003-5506420-0100028 (Costa Rica); BIK (RU) 044525607; "
        "Unified Social Credit Code (USCC) 91222401MA0Y31E659 (China)"
    )
    assert r.unparsed == []
    got = [(d.type, d.number, d.country, d.note) for d in r.documents]
    assert got == [
        ("passport", "E590976", "tn", "Passport; issued 19 Jun 1987 expires 18 Jun 1992"),
        ("passport", "A5250088", "pk", "Passport; Booklet"),
        ("other", "186785", "co", "Tarjeta Profesional; (Abogado)"),
        ("imo", "5055293", None, "Company Number IMO"),
        ("imo", "5777731", None, "International Maritime Organization No."),
        ("drivers_license", "M634550610520", "us", "Driver's License No."),
        ("visa", "2024702", "mx", "VisaNumberID"),
        ("residency", "003-5506420-0100028", "cr", "Residency Number"),
        ("other", "044525607", None, "BIK (RU)"),
        ("registration", "91222401MA0Y31E659", "cn", "Unified Social Credit Code (USCC)"),
    ]


def test_a_document_without_a_number_is_not_invented() -> None:
    r = parse_remarks("Passport issued in Sarajevo, Bosnia-Herzegovina; NIT # Provisional")
    assert r.documents == []
    assert len(r.unparsed) == 2


def test_attributes_positions_and_relatives() -> None:
    r = parse_remarks(
        "Aircraft Model IL76-TD; Aircraft Operator Iran Air; Former Vessel Flag Malta; "
        "alt. Former Vessel Flag Tuvalu; Digital Currency Address - XBT 1Kuf2Rd8m; "
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201; "
        "Listing Date (EO 14024 Directive 3): 24 Feb 2022; Effective Date (CMIC) 02 Aug 2021; "
        "Executive Order 13662 Directive Determination - Subject to Directive 1; "
        "Nationality of Registration Korea, North; all offices worldwide; ICTY indictee at large; "
        "Brigadier General and Commander of the IRGC Basij; Hojjatoleslam; "
        "wife of Izzat Ibrahim Al-Duri; Telephone (98)(21)(66153220); HAMAS - Hebron"
    )
    assert r.unparsed == []
    a = r.attributes
    assert a["aircraft_model"] == ["IL76-TD"]
    assert a["aircraft_operator"] == ["Iran Air"]
    assert a["former_vessel_flag"] == ["Malta", "Tuvalu"]
    assert a["digital_currency_address"] == ["XBT 1Kuf2Rd8m"]
    assert a["listing_date"] == ["24 Feb 2022 (EO 14024 Directive 3)"]
    assert a["effective_date"] == ["02 Aug 2021 (CMIC)"]
    assert a["executive_order_13662"] == ["Directive Determination - Subject to Directive 1"]
    assert a["phone"] == ["(98)(21)(66153220)"]
    assert a["offices"] == ["all offices worldwide"]
    assert a["icty_status"] == ["indictee at large"]
    assert a["affiliation"] == ["HAMAS - Hebron"]
    assert r.countries == ["kp"]
    assert r.titles == ["Brigadier General and Commander of the IRGC Basij", "Hojjatoleslam"]
    assert r.links == ["Izzat Ibrahim Al-Duri"]
    assert a["relationship"] == ["wife of Izzat Ibrahim Al-Duri"]


def test_nothing_is_lost() -> None:
    r = parse_remarks("Individual's height is 5 feet 9 inches; DOB 1960")
    assert r.unparsed == ["Individual's height is 5 feet 9 inches"]
    assert r.fragments == 2


@pytest.mark.parametrize("text", ["", "-0-", "   ", ";;;", "."])
def test_empty_remarks(text: str) -> None:
    r = parse_remarks(text)
    assert r.unparsed == [] and r.birth_dates == [] and r.documents == []


# ---------------------------------------------------------------- real lists


@pytest.mark.parametrize(
    ("folder", "max_unparsed"),
    [
        ("ofac-sdn/2019-01-15", 0.005),
        ("ofac-sdn/2021-07-07", 0.005),
        ("ofac-consolidated/2025-12-19", 0.005),
    ],
)
def test_coverage_of_the_real_remarks(data_dir: Path, folder: str, max_unparsed: float) -> None:
    records, _, _ = ofac_csv.read_records(data_dir / folder)
    fragments = unparsed = 0
    for rec in records:
        text = ofac_csv._null(rec.fields["Remarks"])
        if not text:
            continue
        r = parse_remarks(text + "".join(rec.comments))
        fragments += r.fragments
        unparsed += len(r.unparsed)
        assert {d.type for d in r.documents} <= DOC_TYPES
        assert all(d.number for d in r.documents)
        assert r.gender in (None, "male", "female")
    assert fragments > 3000
    assert unparsed / fragments < max_unparsed


# ---------------------------------------------------------------- fuzzing

_PIECES = [
    "DOB",
    "alt.",
    "POB",
    "a.k.a.",
    "f.k.a.",
    "Passport",
    "National ID No.",
    "nationality",
    "citizen",
    "Gender",
    "Linked To:",
    "(",
    ")",
    "'",
    '"',
    ";",
    ".",
    "issued",
    "expires",
    "circa",
    "to",
    "12 Feb 1961",
    "1955",
    "Russia",
    "Korea, North",
    "IMO 1234567",
    "Website",
    "Email Address",
    "Executive Order 13846",
    "Listing Date (",
    "all offices worldwide",
    "wife of",
    "-0-",
]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    assert isinstance(parse_remarks(text), ParsedRemarks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=40))
def test_keyword_soup_parses(pieces: list[str]) -> None:
    r = parse_remarks(" ".join(pieces))
    assert isinstance(r, ParsedRemarks)
    assert {d.type for d in r.documents} <= DOC_TYPES
    assert len(r.unparsed) <= r.fragments
