"""UK OFSI Consolidated List (CSV 2020 layout, XLSX 2022 layout): real files, damaged
copies, fuzzing."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import detect_format, uk_ofsi

CSV = "uk-ofsi-conlist/2020-04-27/sample_hmt.csv"
XLSX = "uk-ofsi-conlist/2025-04-10/UK_Sanctions_List.xlsx"


@pytest.fixture(scope="module")
def csv_data(data_dir: Path) -> ListData:
    return uk_ofsi.read(data_dir / CSV, "uk-ofsi")


@pytest.fixture(scope="module")
def xlsx_data(data_dir: Path) -> ListData:
    return uk_ofsi.read(data_dir / XLSX, "uk-ofsi")


def _get(data: ListData, group_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == group_id)


def _common(e: Entity) -> dict[str, str]:
    return {k: v for k, v in e.raw.items() if k != "rows"}


# ---------------------------------------------------------------- real files: counts


def test_csv_counts(csv_data: ListData, data_dir: Path) -> None:
    data = csv_data
    assert data.format == "uk-ofsi" and data.source == "uk-ofsi"
    assert data.data_date == "2020-04-27"
    assert data.files == ["sample_hmt.csv"] and data.warnings == []
    types = Counter(e.type for e in data.entities)
    assert types == {EntityType.PERSON: 1523, EntityType.ORGANIZATION: 591}
    assert len({e.id for e in data.entities}) == 2114
    assert all(re.fullmatch(r"uk-ofsi:\d+", e.id) for e in data.entities)
    assert len({p.code for e in data.entities for p in e.programs}) == 30
    # the README's row counts, from the rows as read
    tab = uk_ofsi.table(data_dir / CSV)
    rows = [r for _line, r in tab.rows]
    assert tab.layout == "2020" and len(rows) == 9492
    assert Counter(r["Alias Type"] for r in rows) == {
        "Prime Alias": 2942,
        "AKA": 6526,
        "FKA": 24,
    }


def test_xlsx_counts(xlsx_data: ListData, data_dir: Path) -> None:
    data = xlsx_data
    assert data.data_date == "2025-04-10"
    assert data.files == ["UK_Sanctions_List.xlsx"]
    types = Counter(e.type for e in data.entities)
    assert types == {
        EntityType.PERSON: 3662,
        EntityType.ORGANIZATION: 1009,
        EntityType.VESSEL: 15,
    }
    assert len({e.id for e in data.entities}) == 4686
    assert len({p.code for e in data.entities for p in e.programs}) == 31
    # the README's row counts: every sheet row, and the distinct rows the records keep
    # (59 rows of the sheet repeat another row of their Group ID exactly)
    with zipfile.ZipFile(data_dir / XLSX) as zf:
        assert zf.read("xl/worksheets/sheet1.xml").count(b"<row ") == 2 + 18796
    rows = [{**_common(e), **r} for e in data.entities for r in e.raw.get("rows") or [{}]]
    assert len(rows) == 18796 - 59
    assert Counter(r["Alias Type"] for r in rows) == {
        "Primary name": 5764,
        "Primary name variation": 5174,
        "AKA": 7772,
        "FKA": 27,
    }
    assert sum(1 for r in rows if r.get("Name Non-Latin Script")) == 3976
    originals = [n for e in data.entities for n in e.names if n.kind is NameKind.ORIGINAL_SCRIPT]
    assert len(originals) == 3061
    # two designations have no primary-name row: the first name stands in, with a warning
    assert len(data.warnings) == 2
    assert all("no primary name row" in w for w in data.warnings)
    assert "Group ID 16601" in data.warnings[0]
    assert _get(data, "16601").name == "33RD SCIENTIFIC RESEARCH AND TESTING INSTITUTE"


def test_every_entity_has_one_primary_name_first(csv_data: ListData, xlsx_data: ListData) -> None:
    for data in (csv_data, xlsx_data):
        for e in data.entities:
            assert e.names[0].kind is NameKind.PRIMARY and e.names[0].full == e.name
            assert [n.kind for n in e.names].count(NameKind.PRIMARY) == 1
            assert len({n.full.casefold() for n in e.names}) == len(e.names)


# ---------------------------------------------------------------- real files: records


def test_csv_individual(csv_data: ListData) -> None:
    e = _get(csv_data, "13349")
    assert e.id == "uk-ofsi:13349" and e.type is EntityType.PERSON
    assert e.name == "Nayef Salam Muhammad Ujaym AL-HABABI"
    assert e.names[0].parts == {
        "given": "Nayef",
        "middle": "Salam Muhammad Ujaym",
        "family": "AL-HABABI",
    }
    assert [(n.full, n.kind) for n in e.names[1:4]] == [
        ("Sheikh Farooq AL-QAHTANI", NameKind.AKA),
        ("Farouq al-Qahtani AL QATARI", NameKind.AKA),
        ("Nayf Salam Muhammad Ujaym AL-HABABI", NameKind.AKA),
    ]
    assert len(e.names) == 8
    # "00/00/1980": year only
    assert [(d.text, d.iso()) for d in e.birth_dates] == [
        ("00/00/1980", "1980"),
        ("00/00/1981", "1981"),
    ]
    assert e.birth_places == ["Saudi Arabia"]
    assert e.nationalities == ["sa", "qa"]  # "1) Saudi Arabia 2) Qatar"
    (passport,) = e.documents
    assert (passport.type, passport.number) == ("passport", "592667")
    assert passport.note == "Passport No: 592667 (Qatari passport issued on 3 May 2007)."
    assert e.addresses[0].full == "Afghanistan (since 2009)"
    assert e.addresses[0].country == "af"
    assert [(p.code, p.authority) for p in e.programs] == [
        ("The ISIL (Da'esh) and Al-Qaida organisations", "UK OFSI")
    ]
    assert e.measures == ["asset_freeze"]
    assert e.attributes["un_reference_number"] == ["QDe.004"]
    assert (e.listed_on, e.amended_on) == ("2016-04-01", "2016-04-01")
    assert e.remarks is not None and e.remarks.startswith("UN Ref QDe.004. Emir")
    # raw: the cells common to all 16 distinct rows once, the rest per row
    assert e.raw["Group ID"] == "13349" and len(e.raw["rows"]) == 16


def test_csv_windows_1252_text(csv_data: ListData) -> None:
    e = _get(csv_data, "13222")
    assert e.name == "PRIZRAK BRIGADE" and e.type is EntityType.ORGANIZATION
    assert e.names[0].parts == {}  # an entity's name is not split into person parts
    assert [n.full for n in e.names] == ["PRIZRAK BRIGADE", "14TH MOTORIZED RIFLE BATTALION"]
    assert (
        e.remarks is not None and "of the ‘Lugansk People´s Republic’" in e.remarks
    )  # 0x91/0xB4/0x92
    assert (e.listed_on, e.amended_on) == ("2015-02-16", "2018-09-20")


def test_csv_vessel_identifiers_from_remarks(csv_data: ListData) -> None:
    e = _get(csv_data, "13556")
    assert e.name == "TONG SAN 2"
    assert e.type is EntityType.ORGANIZATION  # the 2020 layout has no Ship group type
    assert [(d.type, d.number) for d in e.documents] == [
        ("imo", "8937675"),
        ("mmsi", "445539000"),
    ]
    kim = _get(csv_data, "13562")
    assert kim.name == "Kim Kyong IL"
    assert [d.iso() for d in kim.birth_dates] == ["1979-08-01"]
    assert kim.titles == ["Foreign Trade Bank deputy chief representative in Libya"]
    assert kim.attributes["un_reference_number"] == ["KPI.067"]  # "UN Ref.KPI.067."
    assert [d.number for d in kim.documents] == ["836210029"]


def test_xlsx_russian_individual(xlsx_data: ListData) -> None:
    e = _get(xlsx_data, "15829")
    assert e.type is EntityType.PERSON
    assert e.name == "Vladimir Vladmimirovich ARTYAKOV"
    assert [(n.full, n.kind, n.script, n.lang) for n in e.names] == [
        ("Vladimir Vladmimirovich ARTYAKOV", NameKind.PRIMARY, None, None),
        ("Vladimir Vladimirovich ARTJAKOV", NameKind.VARIATION, None, None),
        ("Владимир Владимирович Артяков", NameKind.ORIGINAL_SCRIPT, "Cyrl", "ru"),
    ]
    assert e.names[1].parts == {
        "given": "Vladimir",
        "middle": "Vladimirovich",
        "family": "ARTJAKOV",
    }
    assert [d.iso() for d in e.birth_dates] == ["1959-07-30"]
    assert e.birth_places == ["Russia"]
    assert e.nationalities == ["ru"]
    assert e.gender == "male"  # "(Gender):Male" in Other Information
    assert [(d.type, d.number) for d in e.documents] == [("passport", "511528697")]
    (address,) = e.addresses
    assert address.full == "3 Chobotovskaya Apt., 148, Moscow, 119634, Russia"
    assert (address.city, address.postal_code, address.country) == ("Moscow", "119634", "ru")
    assert [p.code for p in e.programs] == ["Russia"]
    assert e.measures == ["asset_freeze", "trust_services"]
    assert e.titles == [
        "First Deputy General Director of Rostec and member of the Management Board."
    ]
    assert e.attributes["uk_sanctions_list_ref"] == ["RUS1795"]
    assert e.attributes["uk_designated_on"] == ["2023-02-23"]
    assert e.remarks is not None
    assert "(UK Statement of Reasons):Vladimir Vladimirovich ARTYAKOV is" in e.remarks
    assert (e.listed_on, e.amended_on) == ("2023-02-24", "2023-03-21")


def test_xlsx_ship(xlsx_data: ListData) -> None:
    e = _get(xlsx_data, "13651")
    assert e.type is EntityType.VESSEL and e.name == "SAM JONG 2"
    assert len(e.names) == 9 and {n.kind for n in e.names[1:]} == {NameKind.AKA}
    assert [(d.type, d.number) for d in e.documents] == [("imo", "7408873")]
    assert e.attributes["flag"] == ["North Korea"]
    assert e.attributes["previous_flag"] == ["Russia"]
    assert e.attributes["vessel_type"] == ["Oil tanker"]
    assert e.attributes["tonnage"] == ["1676"]
    assert e.attributes["length"] == ["80"]
    assert e.attributes["year_built"] == ["1975"]
    assert e.attributes["owner"] == e.links == ["Korea Samjong Shipping"]
    assert e.attributes["uk_sanctions_list_ref"] == ["DPR0100"]
    assert e.measures == []  # a ship: no asset freeze unless the list says so
    assert [p.code for p in e.programs] == ["Democratic People's Republic of Korea"]


def test_xlsx_entity(xlsx_data: ListData) -> None:
    e = _get(xlsx_data, "16636")
    assert e.type is EntityType.ORGANIZATION and e.name == "ZAPCHASTTRADE LLP"
    assert [(n.full, n.kind) for n in e.names] == [
        ("ZAPCHASTTRADE LLP", NameKind.PRIMARY),
        ('"ZAPCHAST TRADE" LLP', NameKind.VARIATION),
        ('"ZAPCHASTRAYD" LLP', NameKind.VARIATION),
        ('LLC "ZAPCHASTTRADE"', NameKind.VARIATION),
        ("ТОО ЗАПЧАСТЬ ТРЕЙД", NameKind.ORIGINAL_SCRIPT),
    ]
    (reg,) = e.documents
    assert (reg.type, reg.number, reg.country) == ("registration", "170440031562", "kz")
    assert reg.note == "Kazakhstan BIN - 170440031562"
    assert e.attributes["website"] == ["https://armtek.kz/"]
    assert e.attributes["entity_type"] == ["Limited Liability Partnership"]
    assert e.addresses[0].full == "BUILDING 258/4, PROSPECT SUYINBAI, ALMATY, Kazakhstan"
    assert e.countries == ["kz"]


def test_xlsx_contacts_links_and_two_regimes(xlsx_data: ListData) -> None:
    e = _get(xlsx_data, "14082")
    assert e.attributes["phone"] == ["+375 (17) 215-40-51"]
    assert e.attributes["fax"] == ["+375 (17) 213-41-63"]
    assert e.attributes["email"] == ["office@ban.by"]  # filed under (Website)
    assert e.links == [
        "Brest branch",
        "Gomel branch",
        "Grodno branch",
        "Mogilev branch",
        "Vitsebsk branch",
    ]
    irgc = _get(xlsx_data, "11241")
    assert irgc.attributes["uk_sanctions_list_ref"] == ["INU0082", "SYR0310"]
    assert [p.code for p in irgc.programs] == ["Iran (Nuclear)", "Syria"]
    # two different "Primary name" rows: the second is a variation
    assert irgc.names[0].full == "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC) QODS FORCE"
    assert any(
        n.full == "ISLAMIC REVOLUTIONARY GUARDS CORPS - QODS FORCE" and n.kind is NameKind.VARIATION
        for n in irgc.names
    )
    assert any(n.script == "Arab" for n in irgc.names)


def test_xlsx_alias_quality_and_aggregates(xlsx_data: ListData) -> None:
    strengths = Counter(n.strength for e in xlsx_data.entities for n in e.names)
    assert strengths["strong"] > 1000 and strengths["weak"] > 500
    genders = Counter(e.gender for e in xlsx_data.entities)
    assert genders["male"] > 2000 and genders["female"] > 300
    refs = [r for e in xlsx_data.entities for r in e.attributes.get("uk_sanctions_list_ref", [])]
    odd = [r for r in refs if not re.fullmatch(r"[A-Z]{2,4}\d{3,5}", r)]
    assert odd == ["SDi.005", "SDi.006"]  # two records carry their UN reference there
    without = [
        e.native_id for e in xlsx_data.entities if "uk_sanctions_list_ref" not in e.attributes
    ]
    assert without == ["15878"]  # its Other Information has no (UK Sanctions List Ref)


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("(1) Russia (2) Finland (3) Armenia", ["Russia", "Finland", "Armenia"]),
        ("1) Saudi Arabia 2) Qatar", ["Saudi Arabia", "Qatar"]),
        ("a) General, b) Minister for Security", ["General", "Minister for Security"]),
        ("(1) 20645897 (2) -", ["20645897", None]),
        ("(1) Uganda (2) Uganda (3)Uganda", ["Uganda", "Uganda", "Uganda"]),
        ("(1) Germany (b) Algeria", ["Germany", "Algeria"]),
        ("Kyrgyz SSR (now Kyrgyzstan)", ["Kyrgyz SSR (now Kyrgyzstan)"]),
        ("", []),
    ],
)
def test_enumerated(text: str, values: list[str | None]) -> None:
    assert uk_ofsi.enumerated(text) == values


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("00/00/1980", "1980"),
        ("dd/mm/1968", "1968"),
        ("dd/09/1958", "1958-09"),
        ("07/1978", "1978-07"),
        ("12/11/1967", "1967-11-12"),
        ("1985", "1985"),
        ("15/08/19yy", None),
    ],
)
def test_uk_date(text: str, iso: str | None) -> None:
    d = uk_ofsi.uk_date(text)
    assert (d.iso() if d else None) == iso


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Passport No: DM000826 Date of issue 22 November 2011", "DM000826"),
        ("6487 (Egypt). Issued 30 Jan 1986", "6487"),
        ("S/26/3963. Issued on 8 November 2012", "S/26/3963"),
        ("Malaysia number A31142734 issued on 6 Nov 2013", "A31142734"),
        ("Uganda Passport.", None),
        ("(Eqypt). Issued 1993", None),
    ],
)
def test_number_in(text: str, number: str | None) -> None:
    assert uk_ofsi.number_in(text) == number


def test_countries() -> None:
    assert uk_ofsi.uk_countries("(1) Russia. (2) Ukraine") == ["ru", "ua"]
    assert uk_ofsi.uk_countries("Former USSR, now Belarus") == ["by"]
    assert uk_ofsi.uk_countries("Congo (Democratic Republic)") == ["cd"]
    assert uk_ofsi.uk_countries("Germany. Russia") == ["de", "ru"]
    assert uk_ofsi.uk_countries("Kuwaiti citizenship") == ["kw"]
    assert uk_ofsi.uk_countries("Atlantis") == ["Atlantis"]  # nothing thrown away


def test_sniff(data_dir: Path, tmp_path: Path) -> None:
    assert uk_ofsi.sniff(data_dir / CSV)
    assert uk_ofsi.sniff(data_dir / XLSX)
    assert uk_ofsi.sniff(data_dir / "uk-ofsi-conlist/2025-04-10")
    assert not uk_ofsi.sniff(data_dir / "uk-fcdo-sanctions-list/2026-08-14/uk_sample.xml")
    assert not uk_ofsi.sniff(data_dir / "au-dfat/2024-11-11/regulation8_consolidated.xlsx")
    assert not uk_ofsi.sniff(data_dir / "bis-dpl/2019-07-09/dpl.txt")
    assert not uk_ofsi.sniff(data_dir / "README.md")
    assert not uk_ofsi.sniff(tmp_path / "missing.csv")
    assert detect_format(data_dir / "uk-ofsi-conlist/2020-04-27", "uk-ofsi") == "uk-ofsi"


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def csv_bytes(data_dir: Path) -> bytes:
    return (data_dir / CSV).read_bytes()


@pytest.fixture(scope="module")
def small_csv(csv_bytes: bytes) -> bytes:
    """The preface, the header and every row of the first 12 Group IDs (the rows of one
    designation are spread over the file), in file order: 68 data rows."""
    lines = csv_bytes.splitlines(keepends=True)
    groups: list[bytes] = []
    for line in lines[2:]:
        gid = line.rstrip(b"\r\n").rsplit(b",", 1)[1]
        if gid not in groups and len(groups) < 12:
            groups.append(gid)
    rows = [x for x in lines[2:] if x.rstrip(b"\r\n").rsplit(b",", 1)[1] in groups]
    return b"".join(lines[:2] + rows)


def _write(tmp_path: Path, data: bytes, name: str = "ConList.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _line_start(data: bytes, line: int) -> int:
    """Byte offset where a 1-based line starts."""
    return sum(len(x) for x in data.splitlines(keepends=True)[: line - 1])


def test_small_csv_reads(tmp_path: Path, small_csv: bytes) -> None:
    data = uk_ofsi.read(_write(tmp_path, small_csv), "uk-ofsi")
    assert data.warnings == [] and len(data.entities) == 12
    assert data.data_date == "2020-04-27"


def test_bad_header(tmp_path: Path, small_csv: bytes) -> None:
    bad = small_csv.replace(b",Regime,", b",Programme,", 1)
    with pytest.raises(ListFormatError, match="Regime") as info:
        uk_ofsi.read(_write(tmp_path, bad), "uk-ofsi")
    assert info.value.line == 2
    assert "unknown" not in str(info.value)


def test_no_header(tmp_path: Path, small_csv: bytes) -> None:
    lines = small_csv.splitlines(keepends=True)
    with pytest.raises(ListFormatError, match="header"):
        uk_ofsi.read(_write(tmp_path, lines[0] + b"".join(lines[2:])), "uk-ofsi")


def test_truncated_csv_mid_row(tmp_path: Path, small_csv: bytes) -> None:
    cut = _line_start(small_csv, 40) + 30
    with pytest.raises(ListFormatError, match="truncated") as info:
        uk_ofsi.read(_write(tmp_path, small_csv[:cut]), "uk-ofsi")
    assert info.value.line == 40


def test_truncated_csv_in_quoted_field(tmp_path: Path, small_csv: bytes) -> None:
    cut = small_csv.index(b'"UN REF:QE.A.146.14') + 20
    with pytest.raises(ListFormatError) as info:
        uk_ofsi.read(_write(tmp_path, small_csv[:cut]), "uk-ofsi")
    assert info.value.line == 5


def test_csv_ending_without_line_break_warns(tmp_path: Path, small_csv: bytes) -> None:
    data = uk_ofsi.read(_write(tmp_path, small_csv.rstrip(b"\r\n")), "uk-ofsi")
    (warning,) = data.warnings
    assert "line 70" in warning and "cut short" in warning


def test_row_without_group_id(tmp_path: Path, small_csv: bytes) -> None:
    lines = small_csv.splitlines(keepends=True)
    lines[9] = re.sub(rb",\d+\r\n$", b",\r\n", lines[9])
    with pytest.raises(ListFormatError, match="no Group ID") as info:
        uk_ofsi.read(_write(tmp_path, b"".join(lines)), "uk-ofsi")
    assert info.value.line == 10


def test_row_without_name(tmp_path: Path, small_csv: bytes) -> None:
    lines = small_csv.splitlines(keepends=True)
    assert lines[6].startswith(b"TONG SAN 2,")
    lines[6] = lines[6][len(b"TONG SAN 2") :]
    with pytest.raises(ListFormatError, match="no name") as info:
        uk_ofsi.read(_write(tmp_path, b"".join(lines)), "uk-ofsi")
    assert info.value.line == 7


def test_empty_files(tmp_path: Path) -> None:
    for name, blob in (("ConList.csv", b""), ("x.csv", b"\r\n  \r\n"), ("ConList.xlsx", b"")):
        with pytest.raises(ListFormatError):
            uk_ofsi.read(_write(tmp_path, blob, name), "uk-ofsi")
    with pytest.raises(ListFormatError, match="no ConList header") as info:
        uk_ofsi.read(_write(tmp_path, b"Last Updated,27/04/2020\r\n", "h.csv"), "uk-ofsi")
    assert info.value.line == 1


def test_header_only(tmp_path: Path, small_csv: bytes) -> None:
    head = b"".join(small_csv.splitlines(keepends=True)[:2])
    with pytest.raises(ListFormatError, match="no rows"):
        uk_ofsi.read(_write(tmp_path, head), "uk-ofsi")


def test_other_formats(data_dir: Path, tmp_path: Path) -> None:
    for other in (
        "uk-fcdo-sanctions-list/2026-08-14/uk_sample.xml",
        "bis-dpl/2019-07-09/dpl.txt",
        "au-dfat/2024-11-11/regulation8_consolidated.xlsx",
    ):
        with pytest.raises(ListFormatError):
            uk_ofsi.read(data_dir / other, "uk-ofsi")
    with pytest.raises(ListFormatError, match="no OFSI"):
        uk_ofsi.read(data_dir / "un/2026-02-27", "uk-ofsi")
    with pytest.raises(ListFormatError, match=r"NUL|header"):
        uk_ofsi.read(_write(tmp_path, b"\x00\x01\x02binary\x00" * 50, "ConList.csv"), "uk-ofsi")


# ---- XLSX damage


@pytest.fixture(scope="module")
def xlsx_bytes(data_dir: Path) -> bytes:
    return (data_dir / XLSX).read_bytes()


def _rezip(xlsx: bytes, edit: dict[str, bytes | None]) -> bytes:
    """A copy of the workbook with some parts replaced (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename in edit:
                data = edit[item.filename]
                if data is not None:
                    dst.writestr(item.filename, data, zipfile.ZIP_DEFLATED)
            else:
                dst.writestr(item, src.read(item.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _part(xlsx: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        return zf.read(name)


def test_truncated_xlsx(tmp_path: Path, xlsx_bytes: bytes) -> None:
    for cut in (100, len(xlsx_bytes) // 2, len(xlsx_bytes) - 50):
        with pytest.raises(ListFormatError, match=r"zip|damaged|XLSX") as info:
            uk_ofsi.read(_write(tmp_path, xlsx_bytes[:cut], "ConList.xlsx"), "uk-ofsi")
        assert info.value.file.endswith("ConList.xlsx")


def test_xlsx_bad_header(tmp_path: Path, xlsx_bytes: bytes) -> None:
    strings = _part(xlsx_bytes, "xl/sharedStrings.xml")
    bad = _rezip(
        xlsx_bytes,
        {"xl/sharedStrings.xml": strings.replace(b"<t>Passport Number</t>", b"<t>Passport</t>", 1)},
    )
    with pytest.raises(ListFormatError, match="Passport Number") as info:
        uk_ofsi.read(_write(tmp_path, bad, "ConList.xlsx"), "uk-ofsi")
    assert info.value.line == 2


def test_xlsx_damaged_sheet_xml(tmp_path: Path, xlsx_bytes: bytes) -> None:
    sheet = _part(xlsx_bytes, "xl/worksheets/sheet1.xml")
    cut = sheet.index(b'<row r="101"') + 40
    bad = _rezip(xlsx_bytes, {"xl/worksheets/sheet1.xml": sheet[:cut]})
    with pytest.raises(ListFormatError, match="after row 100") as info:
        uk_ofsi.read(_write(tmp_path, bad, "ConList.xlsx"), "uk-ofsi")
    assert info.value.element == "sheet 'Data'"


def test_xlsx_missing_parts(tmp_path: Path, xlsx_bytes: bytes) -> None:
    bad = _rezip(xlsx_bytes, {"xl/workbook.xml": None})
    with pytest.raises(ListFormatError, match=r"workbook\.xml"):
        uk_ofsi.read(_write(tmp_path, bad, "ConList.xlsx"), "uk-ofsi")
    bad = _rezip(xlsx_bytes, {"xl/sharedStrings.xml": None})
    with pytest.raises(ListFormatError, match=r"header|shared string"):
        uk_ofsi.read(_write(tmp_path, bad, "ConList.xlsx"), "uk-ofsi")


def test_xlsx_cells_placed_by_reference(tmp_path: Path, xlsx_bytes: bytes) -> None:
    """Empty cells are left out of the sheet: every value must land in its own column."""
    rows = dict(itertools.islice(uk_ofsi.xlsx_rows(_write(tmp_path, xlsx_bytes, "x.xlsx")), 3))
    header = rows[2]
    row = dict(zip(header, rows[3], strict=False))
    assert row["Name 6"] == "MITHOO" and row["Name 1"] == "Mian"
    assert row["DOB"] is None and row["Country of Birth"] == "Pakistan"  # K3 empty, M3 set
    assert row["Position"] == "Cleric (“Pir”) of Bharchundi Sharif Shrine"  # S3
    assert row["Group ID"] == "15672"  # AJ3


def _col(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _xlsx_from_csv(csv_bytes: bytes, *, serial_date: bool = False) -> bytes:
    """A minimal workbook (sheet ``Data``, inline strings, empty cells left out) holding the
    rows of a ConList CSV; the ``Last Updated`` date as an Excel date number if asked."""
    import csv as csv_module

    text = csv_bytes.decode("cp1252")
    rows = list(csv_module.reader(io.StringIO(text, newline="")))
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r}"
            if r == 1 and c == 1 and serial_date:
                cells.append(f'<c r="{ref}"><v>43948</v></c>')
            elif value:
                esc = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = f'<worksheet xmlns="{main}"><sheetData>{"".join(out)}</sheetData></worksheet>'
    book = (
        f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet.encode())
    return buf.getvalue()


def test_2020_layout_in_a_workbook(tmp_path: Path, small_csv: bytes) -> None:
    """The layout is told by the header, not the container: the 2020 columns in an XLSX
    (inline strings, a date typed as a date) read as the CSV does."""
    from_csv = uk_ofsi.read(_write(tmp_path, small_csv), "uk-ofsi")
    book = _xlsx_from_csv(small_csv, serial_date=True)
    from_xlsx = uk_ofsi.read(_write(tmp_path, book, "ConList.xlsx"), "uk-ofsi")
    assert from_xlsx.data_date == "2020-04-27"
    assert [e.to_dict() for e in from_xlsx.entities] == [e.to_dict() for e in from_csv.entities]


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
        token = draw(st.sampled_from([b'"', b",", b"\r\n", b"\x00", b"\x81", b",,,,"]))
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_csv(tmp_path: Path, small_csv: bytes, data: st.DataObject) -> None:
    blob = data.draw(_mutated(small_csv))
    path = _write(tmp_path, blob)
    try:
        result = uk_ofsi.read(path, "uk-ofsi")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)


@pytest.fixture(scope="module")
def small_sheet(small_csv: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_xlsx_from_csv(small_csv))) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_xlsx_sheet(
    tmp_path: Path, small_csv: bytes, small_sheet: bytes, data: st.DataObject
) -> None:
    """A damaged sheet inside a sound zip (the zip's own checks cannot catch it)."""
    sheet = data.draw(_mutated(small_sheet))
    book = _rezip(_xlsx_from_csv(small_csv), {"xl/worksheets/sheet1.xml": sheet})
    try:
        result = uk_ofsi.read(_write(tmp_path, book, "ConList.xlsx"), "uk-ofsi")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)


def _both_ways(path: Path) -> tuple[list[tuple[int, list[str | None]]] | None, list[tuple[int, list[str | None]]]]:
    """The sheet read with the patterns (None when they step aside) and with lxml."""
    with zipfile.ZipFile(path) as zf:
        sheet, member = uk_ofsi._sheet_member(zf, path)
        strings = uk_ofsi._shared_strings(zf, path)
        plain = uk_ofsi._plain_sheet_rows(zf, member, strings)
        with zf.open(member) as f:
            walked = list(uk_ofsi._sheet_rows(f, strings, path, sheet))
    return plain, walked


def test_plain_sheet_read_equals_lxml(data_dir: Path) -> None:
    """The pattern reader takes the real sheets (another writer's too) and gives what the
    lxml walk gives, row for row."""
    for rel in (XLSX, "au-dfat/2024-11-11/regulation8_consolidated.xlsx"):
        plain, walked = _both_ways(data_dir / rel)
        assert plain is not None and plain == walked


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'<c r="A3" s="0" t="s">', b'<c t="s" r="A3" s="0">'),  # other attribute order
        (b'<c r="A3" s="0" t="s"><v>', b'<c r="A3" s="0" t="str"><v>&amp;'),  # an entity
        (b'<c r="A3" s="0" t="s"><v>', b'<c r="A3" s="0" t="str"><v><![CDATA[x]]>'),
        (b'<c r="A3" s="0" t="s"><v>', b'<c r="A3" s="0" t="inlineStr"><is><t>x</t></is><v>'),
        (b'<c r="A3" s="0" t="s"><v>', b'<!-- note --><c r="A3" s="0" t="s"><v>'),
        (b'<c r="A3" s="0" t="s">', b'<c r="A3" r="A3" s="0" t="s">'),  # not well-formed
        (b'<row r="3">', b'<row r="3" xmlns="urn:x">'),
        (b"</worksheet>", b"</worksheet"),  # damaged after the rows
    ],
)
def test_unusual_sheets_go_through_lxml(tmp_path: Path, xlsx_bytes: bytes, old: bytes, new: bytes) -> None:
    sheet = _part(xlsx_bytes, "xl/worksheets/sheet1.xml")
    assert sheet.count(old) >= 1
    path = _write(tmp_path, _rezip(xlsx_bytes, {"xl/worksheets/sheet1.xml": sheet.replace(old, new, 1)}), "x.xlsx")
    with zipfile.ZipFile(path) as zf:
        _, member = uk_ofsi._sheet_member(zf, path)
        assert uk_ofsi._plain_sheet_rows(zf, member, uk_ofsi._shared_strings(zf, path)) is None
    # and xlsx_rows still gives what lxml makes of it (or its error)
    try:
        walked: object = list(uk_ofsi.xlsx_rows(path))
    except ListFormatError as exc:
        walked = str(exc)
    try:
        _, expected = _both_ways(path)
        assert walked == expected
    except ListFormatError as exc:
        assert walked == str(exc)
