"""UK Sanctions List (FCDO) XML: the real extract, damaged copies, fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import detect_format, uk_fcdo

FOLDER = "uk-fcdo-sanctions-list/2026-08-14"
SAMPLE = f"{FOLDER}/uk_sample.xml"
SYNTHETIC = b"<!-- Synthetic edge case"


@pytest.fixture(scope="module")
def sample(data_dir: Path) -> bytes:
    return (data_dir / SAMPLE).read_bytes()


@pytest.fixture(scope="module")
def real(sample: bytes) -> bytes:
    """The sample without the third party's synthetic Designation (the last one)."""
    start = sample.index(SYNTHETIC)
    end = sample.index(b"</Designations>")
    return sample[:start] + sample[end:]


def _write(tmp_path: Path, data: bytes, name: str = "UK-Sanctions-List.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.fixture
def data(tmp_path: Path, real: bytes) -> ListData:
    return uk_fcdo.read(_write(tmp_path, real), "uk-fcdo")


def _get(data: ListData, unique_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == unique_id)


# ---------------------------------------------------------------- the real file


def test_synthetic_designation_without_unique_id_is_refused(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="no UniqueID") as info:
        uk_fcdo.read(data_dir / SAMPLE, "uk-fcdo")
    assert info.value.element == "Designation[5]"
    assert info.value.line == 353  # the line of that <Designation>
    assert info.value.file.endswith("uk_sample.xml")
    with pytest.raises(ListFormatError, match="no UniqueID"):
        uk_fcdo.read(data_dir / FOLDER, "uk-fcdo")


def test_counts(data: ListData) -> None:
    assert data.format == "uk-fcdo-xml" and data.source == "uk-fcdo"
    assert data.data_date == "2026-08-14"
    assert data.files == ["UK-Sanctions-List.xml"] and data.warnings == []
    assert [(e.id, e.type) for e in data.entities] == [
        ("uk-fcdo:AFG0011", EntityType.PERSON),
        ("uk-fcdo:AQD0128", EntityType.PERSON),
        ("uk-fcdo:AQD0377", EntityType.ORGANIZATION),
        ("uk-fcdo:DPR0075", EntityType.VESSEL),
    ]
    assert all(e.unparsed == [] for e in data.entities)


def test_afg0011(data: ListData) -> None:
    e = _get(data, "AFG0011")
    assert e.name == "ABDUL LATIF MANSUR"
    assert [(n.full, n.kind, n.strength, n.script) for n in e.names] == [
        ("ABDUL LATIF MANSUR", NameKind.PRIMARY, None, None),
        ("Abdul Latif MANSOOR", NameKind.AKA, "strong", None),
        ("Wali MOHAMMAD", NameKind.AKA, "strong", None),
        ("عبد اللطيف منصور", NameKind.ORIGINAL_SCRIPT, None, "Arab"),
    ]
    assert e.names[0].parts == {"given": "ABDUL", "middle": "LATIF", "family": "MANSUR"}
    # "dd/mm/1968" is a year; "12/11/1967" is given twice
    assert [(d.text, d.iso()) for d in e.birth_dates] == [
        ("dd/mm/1968", "1968"),
        ("12/11/1967", "1967-11-12"),
    ]
    assert e.birth_places == [
        "Zurmat District, Paktia Province, Afghanistan",
        "Garda Saray District, Paktia Province, Afghanistan",
        "Afghanistan",
    ]
    assert e.nationalities == ["af"]
    # " D0009720": the leading space is not part of the number
    assert [(d.type, d.number, d.country) for d in e.documents] == [
        ("passport", "D0009720", "af"),
        ("passport", "D0010442", "af"),
    ]
    assert e.documents[1].note == (
        "Afghanistan diplomatic passport D0010442, issued on 13 Nov. 2024, expires 13 Nov. 2029"
    )
    (address,) = e.addresses
    assert (address.full, address.country) == ("Darul Aman, Kabul, Afghanistan", "af")
    assert e.titles == [
        "Maulavi",
        "Minister of Agriculture under the previous Taliban regime (1996-2001)",
    ]
    assert [(p.code, p.authority) for p in e.programs] == [
        ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020", "UK FCDO")
    ]
    assert e.measures == ["asset_freeze", "travel_ban"]
    assert (e.listed_on, e.amended_on) == ("2001-01-31", "2026-04-29")
    assert e.attributes == {
        "ofsi_group_id": ["7270"],
        "un_reference_number": ["TAi.007"],
        "designation_source": ["UN"],
    }
    assert e.remarks is not None and e.remarks.startswith("Taliban Shadow Governor")
    assert "statement_of_reasons" not in e.attributes  # the element holds only a newline
    assert e.raw["UniqueID"] == ["AFG0011"]


def test_aqd0128(data: ListData) -> None:
    e = _get(data, "AQD0128")
    assert e.name == "AKRAM TURKI HISHAN AL-MAZIDIH"  # NameType "Primary name"
    assert [(n.full, n.strength) for n in e.names[1:4]] == [
        ("Abu Akram", "weak"),
        ("Akram Turki Al-Hishan", "strong"),
        ("Abu Jarrah", "weak"),
    ]
    assert e.names[4].kind is NameKind.ORIGINAL_SCRIPT and e.names[4].script == "Arab"
    assert [d.iso() for d in e.birth_dates] == ["1974", "1975", "1979", "1958-09", "1985"]
    (doc,) = e.documents
    assert (doc.type, doc.number, doc.note) == ("national_id", "0075258", "Ration card no.")
    assert [a.full for a in e.addresses] == ["Iraq", "Deir ez-Zor Governorate, Syria"]
    assert e.countries == ["iq", "sy"]
    assert e.measures == ["asset_freeze", "arms_embargo", "travel_ban"]
    assert e.attributes["un_reference_number"] == ["QDi.276"]


def test_aqd0377_entity(data: ListData) -> None:
    e = _get(data, "AQD0377")
    assert e.name == "Khatiba al-Tawhid wal-Jihad (KTJ)"
    assert [(n.full, n.kind) for n in e.names] == [
        ("Khatiba al-Tawhid wal-Jihad (KTJ)", NameKind.PRIMARY),
        ("Jama'at al-Tawhid wal-Jihad", NameKind.AKA),
        ("Jannat Oshiklari", NameKind.AKA),  # trailing space trimmed
        ("Катиба ат-Таухид валь-Джихад", NameKind.ORIGINAL_SCRIPT),
    ]
    assert e.names[0].parts == {}
    assert e.names[3].script == "Cyrl"
    assert e.attributes["entity_type"] == ["Terrorist Group"]
    assert e.measures == ["asset_freeze", "arms_embargo"]
    assert e.birth_dates == [] and e.documents == []


def test_dpr0075_ship(data: ListData) -> None:
    e = _get(data, "DPR0075")
    assert e.type is EntityType.VESSEL and e.name == "Petrel 8"
    assert [n.full for n in e.names] == ["Petrel 8", "Jal Vahini", "Jal_Vahini", "Tian Tai 36"]
    assert [(d.type, d.number) for d in e.documents] == [("imo", "9562233")]
    assert e.attributes == {
        "designation_source": ["UN"],
        "owner": ["Global United Shipping India"],
        "flag": ["Comoros"],
        "previous_flag": ["India"],
        "vessel_type": ["Bulk Carrier"],
        "tonnage": ["7078"],
        "length": ["134.5"],
        "year_built": ["2011"],
    }
    assert e.links == ["Global United Shipping India"]
    assert e.measures == ["prohibition_of_port_entry"]
    assert (e.listed_on, e.amended_on) == ("2017-10-03", "2021-12-18")


def test_sniff(data_dir: Path, tmp_path: Path) -> None:
    assert uk_fcdo.sniff(data_dir / SAMPLE)
    assert uk_fcdo.sniff(data_dir / FOLDER)
    assert not uk_fcdo.sniff(data_dir / "README.md")  # mentions <Designations in prose
    assert not uk_fcdo.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not uk_fcdo.sniff(data_dir / "uk-ofsi-conlist/2020-04-27/sample_hmt.csv")
    assert not uk_fcdo.sniff(tmp_path / "missing.xml")
    assert detect_format(data_dir / FOLDER, "uk-fcdo") == "uk-fcdo-xml"


# ---------------------------------------------------------------- bad input


def test_truncated_mid_record(tmp_path: Path, real: bytes) -> None:
    cut = real.index(b"<PassportDetails>")
    with pytest.raises(ListFormatError, match="truncated") as info:
        uk_fcdo.read(_write(tmp_path, real[:cut]), "uk-fcdo")
    assert info.value.line == 98  # the end of the cut file, inside AFG0011


def test_malformed(tmp_path: Path, real: bytes) -> None:
    bad = real.replace(b"<Name6>Petrel 8</Name6>", b"<Name6>Petrel 8</Name>", 1)
    with pytest.raises(ListFormatError) as info:
        uk_fcdo.read(_write(tmp_path, bad), "uk-fcdo")
    assert info.value.line is not None


def test_bad_bytes(tmp_path: Path, real: bytes) -> None:
    at = real.index("عبد".encode())
    bad = real[:at] + b"\xff\xfe" + real[at + 2 :]
    with pytest.raises(ListFormatError):
        uk_fcdo.read(_write(tmp_path, bad), "uk-fcdo")


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        uk_fcdo.read(_write(tmp_path, b"\n  \n"), "uk-fcdo")
    with pytest.raises(ListFormatError, match="no Designation"):
        uk_fcdo.read(_write(tmp_path, b"<Designations dateGenerated='x'/>"), "uk-fcdo")


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a UK Sanctions List"):
        uk_fcdo.read(data_dir / "un/2026-02-27/consolidated.xml", "uk-fcdo")
    with pytest.raises(ListFormatError):
        uk_fcdo.read(data_dir / "uk-ofsi-conlist/2020-04-27/sample_hmt.csv", "uk-fcdo")
    with pytest.raises(ListFormatError, match="no UK Sanctions List"):
        uk_fcdo.read(data_dir / "un/2026-02-27", "uk-fcdo")


def test_designation_without_name(tmp_path: Path, real: bytes) -> None:
    start = real.index(b"<Names>", real.index(b"<UniqueID>AQD0377"))
    end = real.index(b"</NonLatinNames>", start) + len(b"</NonLatinNames>")
    with pytest.raises(ListFormatError, match="no name") as info:
        uk_fcdo.read(_write(tmp_path, real[:start] + real[end:]), "uk-fcdo")
    assert info.value.element == "Designation[3]"


def test_repeated_unique_id_is_merged(tmp_path: Path, real: bytes) -> None:
    dup = real.replace(b"<UniqueID>AQD0128</UniqueID>", b"<UniqueID>AFG0011</UniqueID>")
    data = uk_fcdo.read(_write(tmp_path, dup), "uk-fcdo")
    assert len(data.entities) == 3
    (warning,) = data.warnings
    assert "AFG0011" in warning and "merged" in warning
    e = _get(data, "AFG0011")
    assert e.name == "ABDUL LATIF MANSUR"
    assert any(
        n.full == "AKRAM TURKI HISHAN AL-MAZIDIH" and n.kind is NameKind.VARIATION for n in e.names
    )
    assert len(e.raw["records"]) == 2


def test_unknown_elements_are_kept_in_unparsed(tmp_path: Path, real: bytes) -> None:
    extra = real.replace(
        b"<UniqueID>DPR0075</UniqueID>",
        b"<UniqueID>DPR0075</UniqueID><CallSign>ABCD</CallSign>",
    )
    e = _get(uk_fcdo.read(_write(tmp_path, extra), "uk-fcdo"), "DPR0075")
    assert e.unparsed == ["CallSign: ABCD"]


def test_data_date_from_element(tmp_path: Path, real: bytes) -> None:
    no_attr = real.replace(b'dateGenerated="2026-08-14T23:00:04.744Z"', b"")
    assert uk_fcdo.read(_write(tmp_path, no_attr), "uk-fcdo").data_date == "2026-08-14"


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
        token = draw(
            st.sampled_from([b"<", b"&", b"</Designation>", b"<Designation/>", b"<x/>", b"\xc3"])
        )
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, real: bytes, data: st.DataObject) -> None:
    blob = data.draw(_mutated(real))
    path = _write(tmp_path, blob)
    try:
        result = uk_fcdo.read(path, "uk-fcdo")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
