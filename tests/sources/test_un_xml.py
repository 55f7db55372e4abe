"""UN Security Council consolidated XML: real files, damaged copies, fuzzing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import EntityType, ListData, NameKind
from watchlist.sources import un_xml

NEW = "un/2026-02-27"
OLD = "un/2020-03-20"


@pytest.fixture(scope="module")
def new(data_dir: Path) -> ListData:
    return un_xml.read(data_dir / NEW, "un")


@pytest.fixture(scope="module")
def old(data_dir: Path) -> ListData:
    return un_xml.read(data_dir / OLD, "un")


def _by_id(data: ListData) -> dict[str, object]:
    return {e.native_id: e for e in data.entities}


# ---------------------------------------------------------------- real files


@pytest.mark.parametrize(
    ("folder", "date", "persons", "orgs"),
    [(NEW, "2026-02-27", 730, 273), (OLD, "2020-03-20", 709, 305)],
)
def test_counts(data_dir: Path, folder: str, date: str, persons: int, orgs: int) -> None:
    data = un_xml.read(data_dir / folder, "un")
    assert data.format == "un-xml" and data.source == "un"
    assert data.data_date == date
    assert data.files == ["consolidated.xml"]
    assert data.warnings == []
    types = [e.type for e in data.entities]
    assert types.count(EntityType.PERSON) == persons
    assert types.count(EntityType.ORGANIZATION) == orgs
    ids = [e.id for e in data.entities]
    assert len(ids) == len(set(ids)) == persons + orgs
    assert all(re.fullmatch(r"un:[A-Z]{2}[ie]\.\d{3}", i) for i in ids)


def test_reading_the_file_itself(data_dir: Path) -> None:
    data = un_xml.read(data_dir / NEW / "consolidated.xml", "un")
    assert len(data.entities) == 1003


def test_diff_by_reference_number(new: ListData, old: ListData) -> None:
    """The issue's figures: 2020-03-20 -> 2026-02-27 adds 96 and removes 107."""
    before = {e.id for e in old.entities}
    after = {e.id for e in new.entities}
    assert len(after - before) == 96
    assert len(before - after) == 107
    assert "un:QDi.059" in before & after


def test_rich_record(new: ListData) -> None:
    e = _by_id(new)["TAi.011"]
    assert e.id == "un:TAi.011" and e.type is EntityType.PERSON
    assert e.name == "AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED"
    primary = e.names[0]
    assert primary.kind is NameKind.PRIMARY and primary.full == e.name
    assert primary.parts == {
        "name1": "AKHTAR",
        "name2": "MOHAMMAD",
        "name3": "MANSOUR",
        "name4": "SHAH MOHAMMED",
        "given": "AKHTAR",
        "middle": "MOHAMMAD MANSOUR",
        "family": "SHAH MOHAMMED",
    }
    original = [n for n in e.names if n.kind is NameKind.ORIGINAL_SCRIPT]
    assert [(n.full, n.script) for n in original] == [("اختر محمد منصور شاه محمد", "Arab")]
    aliases = [(n.full, n.strength) for n in e.names if n.kind is NameKind.AKA]
    assert aliases == [
        ("Akhtar Mohammad Mansour Khan Muhammad", "strong"),
        ("Akhtar Muhammad Mansoor", "strong"),
        ("Akhtar Mohammad Mansoor", "strong"),
        ("Naib Imam", "weak"),
    ]
    assert [(d.iso(), d.circa) for d in e.birth_dates] == [("1960", True), ("1966", False)]
    assert e.birth_places == [
        "Band-e-Timur village, Maiwand District, Kandahar Province, Afghanistan"
    ]
    assert e.nationalities == ["af"]
    (passport,) = e.documents
    assert (passport.type, passport.number, passport.country) == ("passport", "SE-011697", "af")
    assert passport.note is not None and "1988-01-25" in passport.note
    assert "expired on 23 Feb. 2000" in passport.note
    assert [(p.code, p.authority) for p in e.programs] == [("Taliban", "UN Security Council")]
    assert e.measures == ["asset_freeze", "travel_ban", "arms_embargo"]
    assert e.titles == [
        "Maulavi",
        "Mullah",
        "Minister of Civil Aviation and Transportation under the Taliban regime",
    ]
    assert e.listed_on == "2001-01-25"
    assert e.amended_on == "2016-12-23"  # the latest of six LAST_DAY_UPDATED values
    assert e.remarks is not None and e.remarks.startswith("Involved in drug trafficking")
    assert "\n" not in e.remarks
    assert e.raw["REFERENCE_NUMBER"] == "TAi.011"
    assert len(e.raw["LAST_DAY_UPDATED"]) == 6


def test_qdi_059(new: ListData) -> None:
    e = _by_id(new)["QDi.059"]
    assert e.name == "KHALID ABD AL-RAHMAN HAMD AL-FAWAZ"
    assert e.names[1].full == "خالد عبد الرحمن حمد الفواز" and e.names[1].script == "Arab"
    assert {n.full for n in e.names} >= {"Khaled Al-Fauwaz", "Khalid Al-Fawwaz", "ABU-KHALIL"}
    assert [d.iso() for d in e.birth_dates] == ["1962-08-24"]
    assert e.birth_places == ["Kuwait"]
    assert e.nationalities == ["sa"]
    assert [(d.type, d.number) for d in e.documents] == [("passport", "456682")]
    assert e.addresses[0].country == "us" and e.countries == ["us"]
    assert e.listed_on == "2002-04-24"


def test_date_of_birth_kinds(new: ListData) -> None:
    by_id = _by_id(new)
    between = by_id["TAi.002"].birth_dates
    assert [(d.year, d.year_to, d.circa) for d in between] == [
        (1955, 1958, True),
        (1945, 1950, True),
    ]
    assert by_id["QDi.395"].birth_dates[0].iso() == "1958-09"  # YEAR + NOTE "Sep."
    assert by_id["CDi.004"].birth_dates[0].iso() == "1973-11"  # only NOTE "Nov. 1973"
    assert "date of birth: 24/06/1402 (Hijri Calendar)" in by_id["QDi.291"].unparsed


def test_entity_record(new: ListData) -> None:
    e = _by_id(new)["QDe.157"]
    assert e.type is EntityType.ORGANIZATION
    assert e.name == "AL-KAWTHAR MONEY EXCHANGE"
    assert e.measures == ["asset_freeze", "arms_embargo"]
    names = [(n.full, n.kind, n.script) for n in e.names]
    assert ("شركة الكوثر", NameKind.ORIGINAL_SCRIPT, "Arab") in names  # from the alias NOTE
    assert ("Al Kawthar Company", NameKind.AKA, None) in names
    assert e.addresses[0].city == "Al-Qaim" and e.addresses[0].country == "iq"
    joined = _by_id(new)["CDe.003"]
    assert [n.full for n in joined.names][:3] == [
        "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)",
        "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)",
        "GREAT LAKES BUSINESS COMPANY (GLBC)",
    ]


def test_fka_alias(old: ListData) -> None:
    kinds = {(n.full, n.kind) for e in old.entities for n in e.names}
    assert any(k is NameKind.FKA for _, k in kinds)


def test_original_script_inside_alias(new: ListData) -> None:
    e = _by_id(new)["QDi.396"]
    names = [(n.full, n.kind, n.script) for n in e.names]
    assert ("Amir Khazmat", NameKind.AKA, None) in names
    assert ("Амир Хазмат", NameKind.ORIGINAL_SCRIPT, "Cyrl") in names
    assert not any("original script" in n.full for n in e.names)


def test_old_serialisation_spaces(old: ListData) -> None:
    by_id = _by_id(old)
    e = by_id["KPi.033"]  # <FIRST_NAME> RI </FIRST_NAME>
    assert e.name == "RI WON HO"
    assert e.names[0].parts["family"] == "RI" and e.names[0].parts["given"] == "WON HO"
    assert [(d.type, d.number) for d in e.documents] == [("passport", "381310014")]
    assert "KPi.034" in by_id  # <REFERENCE_NUMBER>KPi.034 </REFERENCE_NUMBER>
    assert by_id["KPi.034"].id == "un:KPi.034"


def test_sniff(data_dir: Path, tmp_path: Path) -> None:
    assert un_xml.sniff(data_dir / NEW)
    assert un_xml.sniff(data_dir / OLD / "consolidated.xml")
    assert not un_xml.sniff(data_dir / "eu-fsf/2020-04-15/sample_eu.xml")
    assert not un_xml.sniff(data_dir / "bis-dpl/2019-07-09")
    assert not un_xml.sniff(tmp_path / "missing.xml")
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert not un_xml.sniff(empty)


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small(data_dir: Path) -> bytes:
    """A small, valid UN list: the first records of each section of the real file."""
    text = (data_dir / NEW / "consolidated.xml").read_text(encoding="utf-8")
    head = text[: text.index("<INDIVIDUALS>")]
    people = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, re.S)[:6]
    orgs = re.findall(r"<ENTITY>.*?</ENTITY>", text, re.S)[:3]
    body = "<INDIVIDUALS>\n" + "\n".join(people) + "\n</INDIVIDUALS>\n<ENTITIES>\n"
    body += "\n".join(orgs) + "\n</ENTITIES>\n</CONSOLIDATED_LIST>\n"
    return (head + body).encode("utf-8")


def _write(tmp_path: Path, data: bytes, name: str = "consolidated.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_small_sample_reads(tmp_path: Path, small: bytes) -> None:
    data = un_xml.read(_write(tmp_path, small), "un")
    assert len(data.entities) == 9


def test_truncated_mid_record(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"<INDIVIDUAL_ALIAS>", small.index(b"CDi.003"))
    with pytest.raises(ListFormatError) as info:
        un_xml.read(_write(tmp_path, small[:cut]), "un")
    assert info.value.line is not None and info.value.line > 1
    assert "consolidated.xml" in str(info.value)


def test_malformed(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b"</FIRST_NAME>", b"</FIRST_NAM>", 1)
    with pytest.raises(ListFormatError) as info:
        un_xml.read(_write(tmp_path, bad), "un")
    assert info.value.line is not None


def test_bad_bytes(tmp_path: Path, small: bytes) -> None:
    pos = small.index(b"BADEGE")
    bad = small[:pos] + b"\xff\xfe\xfa" + small[pos + 3 :]
    with pytest.raises(ListFormatError):
        un_xml.read(_write(tmp_path, bad), "un")


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        un_xml.read(_write(tmp_path, b""), "un")


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a UN consolidated list"):
        un_xml.read(data_dir / "eu-fsf/2020-04-15/sample_eu.xml", "un")
    with pytest.raises(ListFormatError):
        un_xml.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", "un")
    with pytest.raises(ListFormatError, match="no UN consolidated list"):
        un_xml.read(data_dir / "bis-dpl/2019-07-09", "un")


def test_record_without_reference_number(tmp_path: Path, small: bytes) -> None:
    bad = re.sub(rb"<REFERENCE_NUMBER>CDi.002</REFERENCE_NUMBER>", b"", small)
    with pytest.raises(ListFormatError, match="REFERENCE_NUMBER") as info:
        un_xml.read(_write(tmp_path, bad), "un")
    assert info.value.element == "INDIVIDUAL[2]"
    assert info.value.line is not None


def test_record_without_name(tmp_path: Path, small: bytes) -> None:
    bad = re.sub(
        rb"<FIRST_NAME>GASTON</FIRST_NAME>\s*<SECOND_NAME>IYAMUREMYE</SECOND_NAME>", b"", small
    )
    with pytest.raises(ListFormatError, match="no name") as info:
        un_xml.read(_write(tmp_path, bad), "un")
    assert info.value.element == "INDIVIDUAL[3]"
    entity_bad = re.sub(
        rb"(<ENTITY>.*?)<FIRST_NAME>[^<]*</FIRST_NAME>", rb"\1", small, count=1, flags=re.S
    )
    with pytest.raises(ListFormatError, match="no name") as info:
        un_xml.read(_write(tmp_path, entity_bad), "un")
    assert info.value.element == "ENTITY[1]"


def test_repeated_reference_number_is_merged(tmp_path: Path, small: bytes) -> None:
    dup = small.replace(b"CDi.002", b"CDi.001")
    data = un_xml.read(_write(tmp_path, dup), "un")
    assert len(data.entities) == 8
    (warning,) = data.warnings
    assert "CDi.001" in warning and "merged" in warning
    e = next(x for x in data.entities if x.native_id == "CDi.001")
    assert {"ERIC BADEGE", "FRANK KAKOLELE BWAMBALE"} <= {n.full for n in e.names}
    assert e.names[0].full == "ERIC BADEGE"
    assert len(e.raw["records"]) == 2


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
        junk = draw(st.sampled_from([b"<", b">", b"&", b"</INDIVIDUAL>", b"<X>", b"\x00", b"\xc3"]))
        junk = draw(st.one_of(st.just(junk), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    blob = data.draw(_mutated(small))
    path = _write(tmp_path, blob)
    try:
        result = un_xml.read(path, "un")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
