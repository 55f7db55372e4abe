"""EU Financial Sanctions Files XML: real extracts, damaged copies, fuzzing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import eu_fsf

FOLDER = "eu-fsf/2020-04-15"


@pytest.fixture(scope="module")
def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


@pytest.fixture(scope="module")
def both(folder: Path) -> ListData:
    return eu_fsf.read(folder, "eu")


def _get(data: ListData, native_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == native_id)


# ---------------------------------------------------------------- real files


def test_sample_eu_sanctions_counts(folder: Path) -> None:
    data = eu_fsf.read(folder / "sample_eu_sanctions.xml", "eu")
    assert data.format == "eu-fsf-xml" and data.data_date == "2020-04-15"
    assert data.files == ["sample_eu_sanctions.xml"] and data.warnings == []
    assert [e.native_id for e in data.entities] == [
        "EU.27.28",
        "EU.39.56",
        "EU.16.62",
        "EU.11.43",
        "EU.22.9",
        "EU.42.11",
        "EU.35.2",
    ]
    assert all(e.type is EntityType.PERSON for e in data.entities)
    # the README's counts, from the raw records
    assert sum(len(e.raw["nameAlias"]) for e in data.entities) == 29
    assert sum(len(e.raw.get("birthdate", [])) for e in data.entities) == 11
    assert sum(len(e.raw.get("citizenship", [])) for e in data.entities) == 7
    assert all(e.citizenships == ["iq"] for e in data.entities)


def test_sample_eu_counts(folder: Path) -> None:
    data = eu_fsf.read(folder / "sample_eu.xml", "eu")
    assert [e.id for e in data.entities] == [
        "eu:EU.2026.82",
        "eu:EU.4011.64",
        "eu:EU.4009.74",
        "eu:EU.3579.2",
        "eu:EU.3734.6",  # the one indented differently
    ]


def test_folder_reads_both_extracts(both: ListData) -> None:
    assert both.files == ["sample_eu.xml", "sample_eu_sanctions.xml"]
    assert len(both.entities) == 12 and both.warnings == []
    assert both.data_date == "2020-04-15"
    assert all(e.measures == ["asset_freeze"] for e in both.entities)


def test_saddam_hussein(both: ListData) -> None:
    e = _get(both, "EU.27.28")
    assert e.id == "eu:EU.27.28" and e.type is EntityType.PERSON
    # no primary flag in the FSF: the strong, regulation-language alias entered first
    assert e.name == "Saddam Hussein Al-Tikriti"
    assert [(n.full, n.kind, n.strength, n.lang) for n in e.names] == [
        ("Saddam Hussein Al-Tikriti", NameKind.PRIMARY, "strong", None),
        ("Abou Ali", NameKind.AKA, "strong", "fr"),
        ("Abu Ali", NameKind.AKA, "strong", None),
    ]
    assert e.names[0].parts == {"given": "Saddam", "family": "Hussein Al-Tikriti"}
    (dob,) = e.birth_dates
    assert (dob.iso(), dob.circa) == ("1937-04-28", False)
    assert e.birth_places == ["al-Awja, near Tikrit, IRAQ"]
    assert e.citizenships == ["iq"]
    assert e.gender == "male"
    assert [(p.code, p.authority) for p in e.programs] == [("IRQ", "EU")]
    assert e.remarks == "UNSC RESOLUTION 1483"
    assert e.listed_on == "2003-07-08"
    assert e.attributes["eu_logical_id"] == ["13"]
    assert e.raw["euReferenceNumber"] == "EU.27.28"


def test_khalid_sheikh_mohammed(both: ListData) -> None:
    e = _get(both, "EU.3579.2")
    assert e.name == "Khalid Shaikh MOHAMMED"
    assert {n.full for n in e.names} == {
        "Khalid Shaikh MOHAMMED",
        "Fahd Bin Adballah BIN KHALID",
        "Salem ALI",
        "Khalid Adbul WADOOD",
        "Ashraf Refaat Nabith HENIN",
    }
    (passport,) = e.documents
    assert (passport.type, passport.number, passport.country) == ("passport", "488555", None)
    assert passport.note == "National passport"
    assert [d.iso() for d in e.birth_dates] == ["1965-04-14", "1964-03-01"]
    assert e.birth_places == ["PAKISTAN"]
    assert [p.code for p in e.programs] == ["TERR"]
    assert e.amended_on == "2020-01-14"


def test_address_and_circa(both: ListData) -> None:
    e = _get(both, "EU.3734.6")
    (address,) = e.addresses
    assert address.region == "North Kivu" and address.country == "cd"
    assert address.full.startswith("Kikoma forest, Bogoyi, Walikale, North Kivu")
    assert e.countries == ["cd"]
    assert e.attributes["address_note"][0].startswith("FDLR HQ at Kikoma forest")
    assert [d.iso() for d in e.birth_dates] == ["1954", "1953"]
    assert e.birth_places == ["Rushashi (Northern Province), RWANDA", "Kigali, RWANDA"]
    assert e.listed_on == "2010-12-01"  # designationDate
    other = _get(both, "EU.2026.82")
    assert [(d.iso(), d.circa) for d in other.birth_dates] == [
        ("1965-12-12", False),
        ("1958", True),
    ]
    assert other.citizenships == ["dz"]
    assert other.remarks is not None and "Reportedly deceased" in other.remarks  # alias remark


def test_repeated_aliases_and_functions(both: ListData) -> None:
    e = _get(both, "EU.42.11")
    assert e.name == "Izzat Ibrahim al-Duri"
    assert [n.full for n in e.names].count("Izzat Ibrahim al-Duri") == 1
    assert e.titles == [
        "Vice Chairman, Revolutionary Command Council",
        "Deputy Secretary, Ba'th Party Regional Command",
        "Deputy Commander-in-Chief of Iraqi Military",
    ]
    assert [d.iso() for d in e.birth_dates] == ["1942"]
    assert e.birth_places == ["Al-Dur (J.O. ES)", "al-Dur"]


def test_sniff(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    assert eu_fsf.sniff(folder)
    assert eu_fsf.sniff(folder / "sample_eu.xml")
    assert not eu_fsf.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not eu_fsf.sniff(data_dir / "un/2026-02-27")
    assert not eu_fsf.sniff(tmp_path / "missing.xml")


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def sample(folder: Path) -> bytes:
    return (folder / "sample_eu.xml").read_bytes()


def _write(tmp_path: Path, data: bytes, name: str = "eu_fsf.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_truncated_mid_record(tmp_path: Path, sample: bytes) -> None:
    cut = sample.index(b"<identification ")
    with pytest.raises(ListFormatError) as info:
        eu_fsf.read(_write(tmp_path, sample[:cut]), "eu")
    assert info.value.line is not None and info.value.line > 50


def test_malformed(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b'wholeName="Leo Manzi"', b'wholeName="Leo Manzi', 1)
    with pytest.raises(ListFormatError) as info:
        eu_fsf.read(_write(tmp_path, bad), "eu")
    assert info.value.line is not None


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        eu_fsf.read(_write(tmp_path, b"  \n"), "eu")


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not an EU FSF export"):
        eu_fsf.read(data_dir / "un/2026-02-27/consolidated.xml", "eu")
    with pytest.raises(ListFormatError):
        eu_fsf.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", "eu")
    with pytest.raises(ListFormatError, match="no EU"):
        eu_fsf.read(data_dir / "un/2026-02-27", "eu")


def test_record_without_any_id(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b'euReferenceNumber="EU.4011.64" logicalId="5463"', b"", 1)
    with pytest.raises(ListFormatError, match="euReferenceNumber") as info:
        eu_fsf.read(_write(tmp_path, bad), "eu")
    assert info.value.element == "sanctionEntity[2]"
    assert info.value.line == 34  # the line of that <sanctionEntity>


def test_logical_id_fallback(tmp_path: Path, sample: bytes) -> None:
    data = eu_fsf.read(
        _write(tmp_path, sample.replace(b'euReferenceNumber="EU.4011.64"', b"")), "eu"
    )
    assert "eu:5463" in {e.id for e in data.entities}


def test_record_without_name(tmp_path: Path, sample: bytes) -> None:
    bad = re.sub(rb'wholeName="Yu-ro Han"', b'wholeName=""', sample)
    bad = bad.replace(b'firstName="Yu-ro" middleName="" lastName="Han"', b"")
    with pytest.raises(ListFormatError, match="no name") as info:
        eu_fsf.read(_write(tmp_path, bad), "eu")
    assert info.value.element == "sanctionEntity[2]"


def test_repeated_reference_is_merged(tmp_path: Path, sample: bytes) -> None:
    dup = sample.replace(b'euReferenceNumber="EU.4009.74"', b'euReferenceNumber="EU.4011.64"')
    data = eu_fsf.read(_write(tmp_path, dup), "eu")
    assert len(data.entities) == 4
    (warning,) = data.warnings
    assert "EU.4011.64" in warning and "merged" in warning
    e = _get(data, "EU.4011.64")
    assert [(n.full, n.kind) for n in e.names] == [
        ("Yu-ro Han", NameKind.PRIMARY),
        ("Sok-hwa Hwang", NameKind.AKA),
    ]


def test_extracts_of_different_exports(tmp_path: Path, sample: bytes) -> None:
    _write(tmp_path, sample, "a.xml")
    _write(tmp_path, sample.replace(b"2020-04-15T15:29", b"2020-05-01T15:29"), "b.xml")
    with pytest.raises(ListFormatError, match="different EU exports"):
        eu_fsf.read(tmp_path, "eu")


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
        token = draw(st.sampled_from([b"<", b'"', b"&", b"</sanctionEntity>", b"<x/>", b"\xc3"]))
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, sample: bytes, data: st.DataObject) -> None:
    blob = data.draw(_mutated(sample))
    path = _write(tmp_path, blob)
    try:
        result = eu_fsf.read(path, "eu")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
