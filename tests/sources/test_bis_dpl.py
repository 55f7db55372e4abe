"""BIS Denied Persons List (dpl.txt): the real file, damaged copies, fuzzing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import bis_dpl, read_list

FOLDER = "bis-dpl/2019-07-09"
SOURCE = "us-bis-dpl"


@pytest.fixture(scope="module")
def dpl(data_dir: Path) -> ListData:
    return bis_dpl.read(data_dir / FOLDER, SOURCE)


@pytest.fixture(scope="module")
def raw_text(data_dir: Path) -> str:
    return (data_dir / FOLDER / "dpl.txt").read_text("ascii")


@pytest.fixture(scope="module")
def small(raw_text: str) -> bytes:
    """The header and the first 40 rows."""
    return ("\n".join(raw_text.split("\n")[:41]) + "\n").encode("ascii")


def _by_id(data: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in data.entities}


def _write(tmp_path: Path, blob: bytes, name: str = "dpl.txt") -> Path:
    p = tmp_path / name
    p.write_bytes(blob)
    return p


# ---------------------------------------------------------------- the real file


def test_counts(dpl: ListData) -> None:
    assert dpl.format == "bis-dpl" and dpl.source == SOURCE
    assert dpl.data_date is None
    assert dpl.files == ["dpl.txt"]
    # 546 rows (one per party and address) are 414 parties
    assert sum(len(e.raw["rows"]) for e in dpl.entities) == 546
    assert len(dpl.entities) == 414
    ids = [e.id for e in dpl.entities]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("us-bis-dpl:") and " " not in i for i in ids)
    types = [e.type for e in dpl.entities]
    assert types.count(EntityType.PERSON) == 311
    assert types.count(EntityType.ORGANIZATION) == 103
    assert all(
        e.programs[0].code == "DPL" and e.measures == ["export_denial"] for e in dpl.entities
    )
    assert all(e.attributes["type_inferred"] for e in dpl.entities)


def test_the_typo_date_is_a_warning(dpl: ListData) -> None:
    assert dpl.warnings == ["dpl.txt line 326: Last_Update '3017-08-22' is not a date; ignored"]
    e = _by_id(dpl)["mansour-zadeh"]
    assert e.amended_on == "2017-08-22"
    assert e.unparsed == ["Last_Update: 3017-08-22"]


def test_record_with_address(dpl: ListData) -> None:
    e = _by_id(dpl)["aaron-robert-henderson"]
    assert e.id == "us-bis-dpl:aaron-robert-henderson"
    assert e.name == "AARON ROBERT HENDERSON"
    assert e.type == EntityType.PERSON
    assert [n.full for n in e.names] == ["AARON ROBERT HENDERSON"]
    (a,) = e.addresses
    assert a.full == "740 JESSIE ST., NORTH LIBERTY, IA, 52317, US"
    assert (a.street, a.city, a.region, a.postal_code, a.country) == (
        "740 JESSIE ST.",
        "NORTH LIBERTY",
        "IA",
        "52317",
        "us",
    )
    assert e.listed_on == "2010-05-28"
    assert e.amended_on == "2010-06-09"
    assert e.attributes["expiration_date"] == ["2019-09-18"]
    assert e.attributes["fr_citation"] == ["75 F.R. 32740 6/9/10"]
    assert e.attributes["action"] == ["10 YEAR DENIAL/F.R. NOTICE UPDATED"]
    assert e.attributes["standard_order"] == ["Y"]
    assert (e.programs[0].code, e.programs[0].authority) == ("DPL", "US Commerce BIS")
    assert e.raw["rows"][0]["Name"] == "AARON ROBERT HENDERSON"


def test_rows_of_one_party_are_merged(dpl: ListData) -> None:
    e = _by_id(dpl)["al-naser-airlines"]
    assert e.type == EntityType.ORGANIZATION
    assert e.attributes["type_inferred"] == ["organization: name has the word AIRLINES"]
    # "AL NASER AIRLINES" and "AL-NASER  AIRLINES" are one party, 8 rows, 4 addresses
    assert e.name == "AL NASER AIRLINES"
    assert [(n.full, n.kind) for n in e.names] == [
        ("AL NASER AIRLINES", NameKind.PRIMARY),
        ("AL-NASER AIRLINES", NameKind.VARIATION),
    ]
    assert len(e.raw["rows"]) == 8
    assert {a.country for a in e.addresses} == {"iq", "ae", "jo"}
    assert len(e.addresses) == 4
    # an order for the same person in two years: earliest effective date is the listing
    ash = _by_id(dpl)["i-ash"]
    assert ash.name == "I. ASH"  # the leading space inside the quotes is gone
    assert ash.listed_on == "2002-03-04"
    assert ash.attributes["effective_date"] == ["2002-03-04", "2003-06-19"]
    assert len(ash.addresses) == 3


def test_leading_space_and_state_only_address(dpl: ListData) -> None:
    e = _by_id(dpl)["adrian-manuel-hernandez"]
    assert e.name == "ADRIAN MANUEL HERNANDEZ"
    (a,) = e.addresses
    assert a.region == "AZ" and a.country == "us"  # Country column empty


def test_names_inside_names(dpl: ListData) -> None:
    by = _by_id(dpl)
    assert [(n.full, n.kind) for n in by["fuyi-sun-a-k-a-frank-sun"].names] == [
        ("FUYI SUN A/K/A FRANK SUN", NameKind.PRIMARY),
        ("FUYI SUN", NameKind.AKA),
        ("FRANK SUN", NameKind.AKA),
    ]
    pearl = by["pearl-a-k-a-nei-chien-chu-li"]
    assert {n.full for n in pearl.names[1:]} == {"PEARL LI", "NEI-CHIEN CHU"}
    assert [n.full for n in by["afshin-sean-naghibi"].names] == [
        "AFSHIN (SEAN) NAGHIBI",
        "AFSHIN NAGHIBI",
    ]


def test_type_inference(dpl: ListData) -> None:
    by = _by_id(dpl)
    for key in ("air-freight-ltd", "elmont-ag", "koto-commercio-iberica-s-l", "mynet-net-corp"):
        assert by[key].type == EntityType.ORGANIZATION, key
    for key in ("kim-song-ii", "joel-prado-jr", "ali-m-hijazi"):
        assert by[key].type == EntityType.PERSON, key
    assert by["professor-mojtaba-atarodi"].titles == ["PROFESSOR"]
    assert bis_dpl.org_word("SHUTTLE LONG CO, LTD.") == "CO"
    assert bis_dpl.org_word("CO LONG") is None  # a legal form as first word is not one


def test_country_codes(dpl: ListData) -> None:
    by = _by_id(dpl)
    assert by["johnson-hu"].addresses[0].country == "cn"  # "PRC"
    assert by["stephen-edward-smith"].addresses[0].country == "us"  # "NM" in Country
    # "RS" in State with an empty Country is Russia in the file's FIPS code: not mapped
    assert by["simon-fox"].addresses[0].country is None


def test_reading_the_file_itself_and_the_registry(data_dir: Path, dpl: ListData) -> None:
    assert bis_dpl.sniff(data_dir / FOLDER)
    assert bis_dpl.sniff(data_dir / FOLDER / "dpl.txt")
    assert not bis_dpl.sniff(data_dir / "ca-sema/2020-04-15")
    assert not bis_dpl.sniff(data_dir / "us-csl/2022-05-06/consolidated.csv.gz")
    assert not bis_dpl.sniff(data_dir / "does-not-exist")
    data = read_list(data_dir / FOLDER / "dpl.txt", SOURCE)
    assert data.format == "bis-dpl"
    assert [e.to_dict() for e in data.entities] == [e.to_dict() for e in dpl.entities]


# ---------------------------------------------------------------- stable ids


def test_ids_are_stable_across_reads_and_row_order(
    tmp_path: Path, data_dir: Path, raw_text: str, dpl: ListData
) -> None:
    again = bis_dpl.read(data_dir / FOLDER, SOURCE)
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in dpl.entities]
    header, *rows = raw_text.split("\n")
    random.Random(7).shuffle(rows)
    shuffled = bis_dpl.read(_write(tmp_path, "\n".join([header, *rows]).encode()), SOURCE)
    assert {e.id: e.to_dict() for e in shuffled.entities} == {
        e.id: e.to_dict() for e in dpl.entities
    }


def test_name_key() -> None:
    assert bis_dpl.name_key("AL-NASER  AIRLINES") == bis_dpl.name_key("AL NASER AIRLINES")
    assert bis_dpl.name_key(" I. ASH") == "i-ash"
    assert bis_dpl.name_key("Société Générale") == "societe-generale"
    assert bis_dpl.name_key("Иван").startswith("h-")


# ---------------------------------------------------------------- bad input


def test_truncated_inside_a_field(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"PHONEIX") + 3
    with pytest.raises(ListFormatError, match="never closed") as info:
        bis_dpl.read(_write(tmp_path, small[:cut]), SOURCE)
    assert info.value.line == 2


def test_truncated_between_fields(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b'"PHONEIX"') + len(b'"PHONEIX"')
    with pytest.raises(ListFormatError, match="3 fields") as info:
        bis_dpl.read(_write(tmp_path, small[:cut]), SOURCE)
    assert info.value.line == 2


def test_header_missing_a_column(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b'"Postal_Code"\t', b"", 1)
    with pytest.raises(ListFormatError, match="header should be") as info:
        bis_dpl.read(_write(tmp_path, bad), SOURCE)
    assert info.value.line == 1


def test_row_without_name(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b'"AARON ROBERT HENDERSON"', b'"  "')
    with pytest.raises(ListFormatError, match="no Name") as info:
        bis_dpl.read(_write(tmp_path, bad), SOURCE)
    assert info.value.line == 5


def test_empty_and_header_only(tmp_path: Path, small: bytes) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        bis_dpl.read(_write(tmp_path, b""), SOURCE)
    with pytest.raises(ListFormatError, match="empty"):
        bis_dpl.read(_write(tmp_path, b"\n\n"), SOURCE)
    header_only = bis_dpl.read(_write(tmp_path, small.split(b"\n")[0]), SOURCE)
    assert header_only.entities == []  # read_list refuses a list with no entries


def test_bad_bytes(tmp_path: Path, small: bytes) -> None:
    pos = small.index(b"HENDERSON")
    bad = small[:pos] + b"\x81\x8d\x90" + small[pos + 3 :]
    with pytest.raises(ListFormatError, match="encodings"):
        bis_dpl.read(_write(tmp_path, bad), SOURCE)


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a BIS Denied Persons List"):
        bis_dpl.read(data_dir / "ca-sema/2020-04-15/sema-lmes.xml", SOURCE)
    with pytest.raises(ListFormatError):
        bis_dpl.read(data_dir / "us-csl/2022-05-06/consolidated.csv.gz", SOURCE)
    with pytest.raises(ListFormatError, match="no BIS Denied Persons List file"):
        bis_dpl.read(data_dir / "un/2026-02-27", SOURCE)


# ---------------------------------------------------------------- fuzzing


@st.composite
def _mutated(draw: st.DrawFn, base: bytes) -> bytes:
    n = len(base)
    op = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
    at = draw(st.integers(0, n - 1))
    if op == "truncate":
        return base[:at]
    if op == "overwrite":
        junk = draw(st.binary(min_size=1, max_size=16))
        return base[:at] + junk + base[at + len(junk) :]
    if op == "insert":
        junk = draw(
            st.one_of(
                st.sampled_from([b'"', b"\t", b"\n", b"\r", b"\x00", b"\xc3", b'""', b"\t\t"]),
                st.binary(min_size=1, max_size=16),
            )
        )
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 300)))
    return base[:at] + base[end:]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    path = _write(tmp_path, data.draw(_mutated(small)))
    try:
        result = bis_dpl.read(path, SOURCE)
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
