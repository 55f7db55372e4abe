"""trade.gov Consolidated Screening List CSV (gzip or plain): real file, damaged copies, fuzzing."""

from __future__ import annotations

import csv
import gzip
import io
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Document, Entity, EntityType, ListData, NameKind
from watchlist.sources import read_list, us_csl

FOLDER = "us-csl/2022-05-06"
SOURCE = "us-csl"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
EL = "Entity List (EL) - Bureau of Industry and Security"


@pytest.fixture(scope="module")
def csl(data_dir: Path) -> ListData:
    return us_csl.read(data_dir / FOLDER, SOURCE)


@pytest.fixture(scope="module")
def by_id(csl: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in csl.entities}


@pytest.fixture(scope="module")
def lines(data_dir: Path) -> list[str]:
    """The decompressed file as lines (no multi-line fields in this file)."""
    text = gzip.decompress((data_dir / FOLDER / "consolidated.csv.gz").read_bytes()).decode()
    return text.split("\n")


@pytest.fixture(scope="module")
def small(lines: list[str]) -> bytes:
    """The header and 47 rows of several lists (DPL, SDN, EL...), as plain CSV."""
    picked = lines[1:31] + [ln for ln in lines if ",Entity List (EL)" in ln][:15]
    picked += [ln for ln in lines if ln.startswith("15036,") or ln.startswith("34616,")]
    return ("\n".join([lines[0], *picked]) + "\n").encode()


def _write(tmp_path: Path, blob: bytes, name: str = "consolidated.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(blob)
    return p


# ---------------------------------------------------------------- the real file


def test_counts(csl: ListData) -> None:
    assert csl.format == "us-csl" and csl.source == SOURCE
    assert csl.data_date is None
    assert csl.files == ["consolidated.csv.gz"]
    rows = Counter(r["source"] for e in csl.entities for r in e.raw.get("rows", [e.raw]))
    assert sum(rows.values()) == 14160
    assert {us_csl.list_code(k): v for k, v in rows.items()} == {
        "SDN": 10026,
        "EL": 2001,
        "DTC": 727,
        "DPL": 462,
        "SSI": 290,
        "UVL": 201,
        "ISN": 163,
        "PLC": 78,
        "MEU": 71,
        "CMIC": 68,
        "CAP": 53,
        "NS-MBS": 17,
        "FSE": 3,
    }
    # one entity per _id: a party on several Treasury lists is one entity
    assert len(csl.entities) == 14048
    ids = [e.id for e in csl.entities]
    assert len(set(ids)) == len(ids)
    types = Counter(e.type for e in csl.entities)
    assert types[EntityType.VESSEL] == 433 and types[EntityType.AIRCRAFT] == 283
    assert types[EntityType.PERSON] > 6000 and types[EntityType.ORGANIZATION] > 6500


def test_warnings(csl: ListData) -> None:
    assert csl.warnings == [
        "consolidated.csv.gz line 2625: cp1252 character '\\x92' repaired",
        "consolidated.csv.gz line 13648: cp1252 character '\\x92' repaired",
        "consolidated.csv.gz line 13693: cp1252 character '\\x92' repaired",
        "consolidated.csv.gz lines 1979, 1980: _id 15268 appears twice on the same list; merged",
    ]
    assert not any("\x92" in n.full for e in csl.entities for n in e.names)


def test_sdn_person_with_passport_and_dob(by_id: dict[str, Entity]) -> None:
    e = by_id["10375"]
    assert e.id == "us-csl:10375"
    assert e.type == EntityType.PERSON
    assert e.name == "AL-AHMAD, Ahmad Muhammad Yunis"
    assert e.names[0].parts == {"family": "AL-AHMAD", "given": "Ahmad Muhammad Yunis"}
    assert [(n.full, n.kind) for n in e.names[1:]] == [
        ("AL-BADANI, Ahmad Muhammad Mahmud 'Abdallah", NameKind.AKA),
        ("AL-BARRANI, Ahmad Muhammad Al-Abdullah", NameKind.AKA),
    ]
    assert [d.iso() for d in e.birth_dates] == ["1978-09-19"]
    assert e.birth_places == ["Al-Anbar, Iraq"]
    assert e.nationalities == ["iq"]
    assert e.documents == [
        Document("passport", "H0347417", "iq", "Passport; expires 2011-02-19; issued 2003-02-20")
    ]
    assert [(p.code, p.authority) for p in e.programs] == [("IRAQ2", SDN)]
    assert e.measures == ["asset_freeze"]
    assert e.addresses[0].country == "sy"
    assert e.remarks == "passport place of issue: Al-Anbar, Iraq"
    assert e.attributes["csl_source"] == [SDN]


def test_sdn_person_with_several_ids(by_id: dict[str, Entity]) -> None:
    e = by_id["10689"]
    assert e.name == "SAEED, Muhammad"
    assert "HAFIZ SAHIB" in {n.full for n in e.names}
    assert [(d.type, d.number, d.country) for d in e.documents] == [
        ("passport", "Booklet A5250088", "pk"),
        ("passport", "BE5978421", "pk"),
        ("national_id", "23250460642", "pk"),
        ("national_id", "3520025509842-7", "pk"),
    ]
    assert e.birth_dates[0].iso() == "1950-06-05"
    assert by_id["24904"].gender == "male"  # ids "Male, Gender"


def test_entity_list_organization_with_addresses(by_id: dict[str, Entity]) -> None:
    e = by_id["1a3ccc08ecbb40155a4cce8d9c9ace917f54cc74"]
    assert e.name == "Huawei Technologies Co., Ltd. (Huawei)"
    assert e.type == EntityType.ORGANIZATION
    assert e.attributes["type_inferred"] == ["organization: name has the word TECHNOLOGIES"]
    assert [n.full for n in e.names] == [
        "Huawei Technologies Co., Ltd. (Huawei)",
        "Huawei Technologies Co., Ltd.",
        "Shenzhen Huawei Technologies",
        "Huawei Technology",
    ]
    assert len(e.addresses) == 5
    assert (
        e.addresses[0].full == "No. 1899 Xi Yuan Road, High-Tech West District, Chengdu, 611731, CN"
    )
    assert {a.country for a in e.addresses} == {"cn"}
    assert [(p.code, p.authority) for p in e.programs] == [("EL", EL)]
    assert e.measures == ["export_license_required"]
    assert e.listed_on == "2019-05-21"
    assert e.attributes["license_policy"] == ["Presumption of denial"]


def test_party_on_two_lists_is_one_entity(by_id: dict[str, Entity]) -> None:
    e = by_id["34616"]
    assert e.name == "ARIMERO HOLDING LIMITED"
    assert len(e.raw["rows"]) == 2
    assert {p.authority for p in e.programs} == {SDN, "Capta List (CAP) - Treasury Department"}
    assert set(e.measures) == {"asset_freeze", "correspondent_account_ban"}
    assert e.documents == [Document("registration", "C146742", "cy", "Registration Number")]
    assert e.links == ["PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA"]
    assert e.attributes["listing_date_eo_14024_directive_2"] == ["24 Feb 2022"]


def test_vessel(by_id: dict[str, Entity]) -> None:
    e = by_id["15036"]
    assert e.type == EntityType.VESSEL and e.name == "ARTAVIL"
    assert Document("imo", "9187629", None, "Vessel Registration Identification") in e.documents
    assert Document("mmsi", "572469210", None, "MMSI") in e.documents
    assert e.attributes["call_sign"] == ["T2EU4"]
    assert e.attributes["vessel_flag"] == ["Iran"]
    assert e.attributes["former_vessel_flag"][:2] == ["Malta", "Tuvalu"]
    assert e.links == ["NATIONAL IRANIAN TANKER COMPANY"]


def test_rows_without_type(csl: ListData) -> None:
    by_list: dict[str, Counter[EntityType]] = {}
    for e in csl.entities:
        for label in e.attributes["csl_source"]:
            by_list.setdefault(us_csl.list_code(label), Counter())[e.type] += 1
    assert set(by_list["EL"]) == {EntityType.ORGANIZATION}
    assert set(by_list["DPL"]) == {EntityType.PERSON, EntityType.ORGANIZATION}
    assert EntityType.UNKNOWN in by_list["ISN"]  # no type, no legal-form word: not guessed


def test_dtc_names_with_aka(csl: ListData) -> None:
    (e,) = [x for x in csl.entities if x.name.startswith("Precision Image Corporation (a.k.a.")]
    assert {n.full for n in e.names if n.kind == NameKind.AKA} >= {
        "Precision Image Corporation",
        "Precision Industries, Inc.",
        "CK Enterprises, Inc.",
    }


def test_parse_id() -> None:
    g = us_csl.parse_id("CD, 2017-06-07, 2012-06-08, DB0004470, Passport")
    assert g == us_csl.IdGroup("Passport", "DB0004470", "CD", ("2017-06-07", "2012-06-08"))
    g = us_csl.parse_id(
        "North Korea Sanctions Regulations, sections 510.201 and 510.210, Secondary sanctions risk:"
    )
    assert g is not None and g.value.startswith("North Korea") and g.country is None
    assert us_csl.parse_id("Male, Gender") == us_csl.IdGroup("Gender", "Male")
    assert us_csl.parse_id("lonely") is None


# ---------------------------------------------------------------- stable ids, plain CSV


def test_plain_csv_and_row_order(tmp_path: Path, small: bytes) -> None:
    plain = us_csl.read(_write(tmp_path, small), SOURCE)
    assert plain.files == ["consolidated.csv"]
    assert len(plain.entities) == 47
    header, *rows = small.decode().rstrip("\n").split("\n")
    random.Random(3).shuffle(rows)
    other = tmp_path / "other"
    other.mkdir()
    shuffled = us_csl.read(_write(other, "\n".join([header, *rows]).encode()), SOURCE)
    assert [e.to_dict() for e in shuffled.entities] == [e.to_dict() for e in plain.entities]
    again = us_csl.read(tmp_path / "consolidated.csv", SOURCE)
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in plain.entities]


def test_sniff_and_registry(data_dir: Path, tmp_path: Path, small: bytes) -> None:
    assert us_csl.sniff(data_dir / FOLDER)
    assert us_csl.sniff(data_dir / FOLDER / "consolidated.csv.gz")
    assert us_csl.sniff(_write(tmp_path, small, "csl-copy.csv"))
    assert not us_csl.sniff(data_dir / "bis-dpl/2019-07-09")
    assert not us_csl.sniff(data_dir / "ca-sema/2020-04-15/sema-lmes.xml")
    assert not us_csl.sniff(_write(tmp_path, b"\x1f\x8b\x08broken", "x.gz"))
    data = read_list(_write(tmp_path, gzip.compress(small), "consolidated.csv.gz"), SOURCE)
    assert data.format == "us-csl" and len(data.entities) == 47


# ---------------------------------------------------------------- bad input


def test_truncated_gzip(tmp_path: Path, data_dir: Path) -> None:
    blob = (data_dir / FOLDER / "consolidated.csv.gz").read_bytes()
    for cut in (10, 5000, len(blob) // 2, len(blob) - 3):
        with pytest.raises(ListFormatError, match="gzip"):
            us_csl.read(_write(tmp_path, blob[:cut], "consolidated.csv.gz"), SOURCE)
    damaged = blob[:2000] + bytes(200) + blob[2200:]
    with pytest.raises(ListFormatError, match="gzip"):
        us_csl.read(_write(tmp_path, damaged, "consolidated.csv.gz"), SOURCE)


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        us_csl.read(_write(tmp_path, b""), SOURCE)
    with pytest.raises(ListFormatError, match="empty"):
        us_csl.read(_write(tmp_path, gzip.compress(b""), "consolidated.csv.gz"), SOURCE)


def test_truncated_csv(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"Scientific Studies and Research Center Employee") + 5
    with pytest.raises(ListFormatError, match="fields") as info:
        us_csl.read(_write(tmp_path, small[:cut]), SOURCE)
    assert info.value.line == 3
    inside_quotes = small.index(b"\"'ABBAS, Yasir") + 5
    with pytest.raises(ListFormatError, match="never closed"):
        us_csl.read(_write(tmp_path, small[:inside_quotes]), SOURCE)


def test_header_missing_a_column(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b",name,", b",nom,", 1)
    with pytest.raises(ListFormatError, match="header lacks name") as info:
        us_csl.read(_write(tmp_path, bad), SOURCE)
    assert info.value.line == 1
    # an optional column gone (from the header and every row) is only a warning
    header, *rows = small.decode().rstrip("\n").split("\n")
    drop = header.split(",").index("source_list_url")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in csv.reader([header, *rows]):
        w.writerow(row[:drop] + row[drop + 1 :])
    data = us_csl.read(_write(tmp_path, out.getvalue().encode()), SOURCE)
    assert len(data.entities) == 47
    assert data.warnings == ["consolidated.csv line 1: header lacks source_list_url"]


def test_row_without_id_or_name(tmp_path: Path, small: bytes) -> None:
    with pytest.raises(ListFormatError, match="no _id") as info:
        us_csl.read(_write(tmp_path, small.replace(b"\n21944,", b"\n,", 1)), SOURCE)
    assert info.value.line == 3
    bad = small.replace(b'"\'ABBAS, Rim"', b'"  "', 1)
    with pytest.raises(ListFormatError, match="no name") as info:
        us_csl.read(_write(tmp_path, bad), SOURCE)
    assert info.value.line == 3


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a Consolidated Screening List"):
        us_csl.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", SOURCE)
    with pytest.raises(ListFormatError):
        us_csl.read(data_dir / "ca-sema/2020-04-15/sema-lmes.xml", SOURCE)
    with pytest.raises(ListFormatError, match="no Consolidated Screening List file"):
        us_csl.read(data_dir / "bis-dpl/2019-07-09", SOURCE)


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
                st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b"\xc3", b";", b", ,;"]),
                st.binary(min_size=1, max_size=16),
            )
        )
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


def _check(path: Path) -> None:
    try:
        result = us_csl.read(path, SOURCE)
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_csv(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    _check(_write(tmp_path, data.draw(_mutated(small))))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_gzip(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    blob = gzip.compress(small, mtime=0)
    _check(_write(tmp_path, data.draw(_mutated(blob)), "consolidated.csv.gz"))
