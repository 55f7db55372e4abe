"""Australia DFAT consolidated list (XLSX): the real 2024-11-11 file, damaged copies, fuzzing."""

from __future__ import annotations

import copy
import io
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import au_dfat

FOLDER = "au-dfat/2024-11-11"
FILE = "regulation8_consolidated.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


@pytest.fixture(scope="module")
def data(folder: Path) -> ListData:
    return au_dfat.read(folder, "au-dfat")


def _get(data: ListData, native_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == native_id)


# ---------------------------------------------------------------- real file


def test_counts(data: ListData) -> None:
    assert data.format == "au-dfat" and data.source == "au-dfat"
    assert data.files == [FILE]
    assert data.data_date == "2024-11-11"  # the latest Control Date
    # README: 9,553 non-empty rows = 3,062 distinct base references
    assert len(data.entities) == 3062
    assert sum(len(e.raw["rows"]) for e in data.entities) == 9553
    assert len({e.id for e in data.entities}) == 3062
    assert Counter(e.type for e in data.entities) == {
        EntityType.PERSON: 2316,
        EntityType.ORGANIZATION: 746,
    }
    assert data.warnings == []
    # 36 committee spellings in the file; 27 once trailing spaces are gone and the one
    # "1970 (Libya) 1973 (Libya)" cell is split
    codes = {p.code for e in data.entities for p in e.programs}
    assert len(codes) == 27
    assert {"1988 (Taliban)", "Autonomous (Russia)", "1973 (Libya)"} <= codes
    assert all(p.authority == "Australia DFAT" for e in data.entities for p in e.programs)
    assert all(e.amended_on for e in data.entities)


def test_akhund_aliases_and_free_text_dates(data: ListData) -> None:
    e = _get(data, "2")
    assert e.id == "au-dfat:2" and e.type is EntityType.PERSON
    assert e.name == "MOHAMMAD HASSAN AKHUND"
    assert [(n.full, n.kind, n.script) for n in e.names] == [
        ("MOHAMMAD HASSAN AKHUND", NameKind.PRIMARY, None),
        ("محمد حسن أخوند", NameKind.ORIGINAL_SCRIPT, "Arab"),
    ]
    # "a) Approximately 1955- 1958 b) Approximately 1945-1950"
    assert [(d.year, d.year_to, d.circa) for d in e.birth_dates] == [
        (1955, 1958, True),
        (1945, 1950, True),
    ]
    assert e.birth_places == ["Pashmul village, Panjwai District, Kandahar Province, Afghanistan"]
    assert e.citizenships == ["af"]
    assert e.addresses == []  # "NA"
    assert e.titles[:2] == ["Mullah", "Haji"]
    assert "First Deputy, Council of Ministers under the Taliban regime" in e.titles
    assert [p.code for p in e.programs] == ["1988 (Taliban)"]
    assert e.listed_on == "2001-01-25"
    assert e.amended_on == "2014-12-15"  # Control Date 41988
    assert e.remarks is not None and e.remarks.startswith("Title: a) Mullah b) Haji.")
    assert [r["Reference"] for r in e.raw["rows"]] == [2, "2a"]
    assert e.attributes["reference"] == ["2", "2a"]


def test_several_aliases_and_dates(data: ListData) -> None:
    e = _get(data, "5")
    assert [(n.full, n.kind) for n in e.names] == [
        ("Muhammad Taher Anwari", NameKind.PRIMARY),
        ("Mohammad Taher Anwari", NameKind.AKA),
        ("Muhammad Tahir Anwari", NameKind.AKA),
        ("Haji Mudir", NameKind.AKA),
        ("Mohammad Tahre Anwari", NameKind.AKA),
        ("محمد طاهر أنوري", NameKind.ORIGINAL_SCRIPT),
    ]
    assert [(d.year, d.circa) for d in e.birth_dates] == [(1961, True)]
    four = _get(data, "4")
    assert [d.year for d in four.birth_dates] == [1966, 1960, 1953]
    assert len(four.birth_places) == 2
    assert four.listed_on == "2000-04-12"


def test_passport_from_additional_information(data: ListData) -> None:
    e = _get(data, "3068")
    assert e.name == "Kil Jong Hun"
    assert [n.full for n in e.names] == ["Kil Jong Hun", "Kil Cho'ng-hun", "Kil Chong-hun"]
    assert [d.iso() for d in e.birth_dates] == ["1972-02-20"]
    assert e.citizenships == ["kp"]  # "North Korean"
    assert (e.documents[0].type, e.documents[0].number) == ("passport", "472410022")
    assert [p.code for p in e.programs] == ["Autonomous (DPRK)"]
    assert e.listed_on == "2015-01-20"
    assert e.amended_on == "2023-12-01"


def test_excel_serial_date_of_birth(data: ListData) -> None:
    e = _get(data, "7355")
    assert e.name == "Ella Aleksandrovna PAMFILOVA"
    assert [d.iso() for d in e.birth_dates] == ["1953-09-12"]  # cell value 19614
    assert e.raw["rows"][0]["Date of Birth"] == 19614
    assert e.birth_places == ["Almalyk, Tashkent oblast, Uzbekistan"]
    assert e.citizenships == ["ru"]
    assert [p.code for p in e.programs] == ["Autonomous (Ukraine)"]


def test_entity_identifiers_and_website(data: ListData) -> None:
    e = _get(data, "2936")
    assert e.name == "Avia Group Nord LLC" and e.type is EntityType.ORGANIZATION
    assert [(d.type, d.number) for d in e.documents] == [
        ("tax_id", "7841424184"),
        ("registration", "1107847114572"),
    ]
    assert e.attributes["website"] == ["http://www.ag-nord.ru", "https://a-group.aero/"]


def test_messy_type_and_name_type_cells(data: ListData) -> None:
    # Type "Entity " with a trailing space, Name Type "Aka " / "Primary Name "
    e = _get(data, "7572")
    assert e.raw["rows"][0]["Type"] == "Entity "
    assert e.type is EntityType.ORGANIZATION
    assert [n.kind for n in e.names] == [NameKind.PRIMARY] + [NameKind.AKA] * 3
    # "Formerly known as" rows
    adf = _get(data, "2943")
    assert [(n.full, n.kind) for n in adf.names][-2:] == [
        ("ADF/NALU", NameKind.FKA),
        ("NALU", NameKind.FKA),
    ]


def test_rows_of_one_reference_need_not_be_adjacent(data: ListData) -> None:
    e = _get(data, "2940")
    lines = [r["line"] for r in e.raw["rows"]]
    assert len(lines) == 11 and lines != list(range(lines[0], lines[0] + 11))


def test_sniff(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    assert au_dfat.sniff(folder)
    assert au_dfat.sniff(folder / FILE)
    assert not au_dfat.sniff(data_dir / "uk-ofsi-conlist/2025-04-10/UK_Sanctions_List.xlsx")
    assert not au_dfat.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not au_dfat.sniff(data_dir / "un/2026-02-27")
    assert not au_dfat.sniff(tmp_path / "missing.xlsx")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert not au_dfat.sniff(empty)


# ---------------------------------------------------------------- damaged copies


@pytest.fixture(scope="module")
def members(folder: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(folder / FILE) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def _small(members: dict[str, bytes], last_row: int = 40) -> dict[str, bytes]:
    """The workbook cut to its first ``last_row`` rows, with a matching small string table."""
    sheet = etree.fromstring(members[SHEET])
    sst = etree.fromstring(members[SST])
    items = list(sst)
    data = sheet.find(f"{NS}sheetData")
    assert data is not None
    for row in list(data):
        if int(row.get("r", "0")) > last_row:
            data.remove(row)
    new_sst = etree.Element(sst.tag, nsmap={None: NS[1:-1]})  # type: ignore[dict-item]
    index: dict[str, int] = {}
    for c in data.iter(f"{NS}c"):
        v = c.find(f"{NS}v")
        if c.get("t") == "s" and v is not None and v.text is not None:
            old = v.text
            if old not in index:
                index[old] = len(index)
                new_sst.append(copy.deepcopy(items[int(old)]))
            v.text = str(index[old])
    out = dict(members)
    out[SHEET] = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8", standalone=True)
    out[SST] = etree.tostring(new_sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


@pytest.fixture(scope="module")
def small(members: dict[str, bytes]) -> dict[str, bytes]:
    return _small(members)


def _write(tmp_path: Path, blob: bytes, name: str = FILE) -> Path:
    p = tmp_path / name
    p.write_bytes(blob)
    return p


def _edit_sheet(small: dict[str, bytes], edit: Callable[[bytes], bytes]) -> bytes:
    out = dict(small)
    out[SHEET] = edit(small[SHEET])
    return _zip(out)


def test_small_copy_reads(tmp_path: Path, small: dict[str, bytes]) -> None:
    data = au_dfat.read(_write(tmp_path, _zip(small)), "au-dfat")
    assert [e.native_id for e in data.entities][:4] == ["2", "3", "4", "5"]
    assert sum(len(e.raw["rows"]) for e in data.entities) == 39


def test_truncated_workbook(tmp_path: Path, folder: Path) -> None:
    blob = (folder / FILE).read_bytes()
    with pytest.raises(ListFormatError, match=r"not an XLSX workbook|damaged"):
        au_dfat.read(_write(tmp_path, blob[: len(blob) // 2]), "au-dfat")


def test_truncated_sheet_xml(tmp_path: Path, small: dict[str, bytes]) -> None:
    blob = _edit_sheet(small, lambda s: s[: s.index(b'<row r="20"')])
    with pytest.raises(ListFormatError, match="not well-formed"):
        au_dfat.read(_write(tmp_path, blob), "au-dfat")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        au_dfat.read(_write(tmp_path, b""), "au-dfat")


def test_other_formats(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not an XLSX workbook"):
        au_dfat.read(data_dir / "un/2026-02-27/consolidated.xml", "au-dfat")
    with pytest.raises(ListFormatError, match="not an XLSX workbook"):
        au_dfat.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", "au-dfat")
    with pytest.raises(ListFormatError, match="no DFAT"):
        au_dfat.read(data_dir / "un/2026-02-27", "au-dfat")
    plain_zip = _zip({"readme.txt": b"hello"})
    with pytest.raises(ListFormatError, match=r"no xl/workbook\.xml"):
        au_dfat.read(_write(tmp_path, plain_zip), "au-dfat")


def test_other_spreadsheet(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="header lacks") as info:
        au_dfat.read(data_dir / "uk-ofsi-conlist/2025-04-10/UK_Sanctions_List.xlsx", "au-dfat")
    assert info.value.line == 1


def test_row_without_name(tmp_path: Path, small: dict[str, bytes]) -> None:
    def drop_name(sheet: bytes) -> bytes:
        root = etree.fromstring(sheet)
        cell = next(c for c in root.iter(f"{NS}c") if c.get("r") == "B5")
        row = cell.getparent()
        assert row is not None
        row.remove(cell)
        return etree.tostring(root)

    with pytest.raises(ListFormatError, match="has no name") as info:
        au_dfat.read(_write(tmp_path, _edit_sheet(small, drop_name)), "au-dfat")
    assert info.value.line is not None and info.value.line <= 5


def test_row_without_reference(tmp_path: Path, small: dict[str, bytes]) -> None:
    blob = _edit_sheet(small, lambda s: s.replace(b'<c r="A7" ', b'<c r="M7" ', 1))
    with pytest.raises(ListFormatError, match="no Reference") as info:
        au_dfat.read(_write(tmp_path, blob), "au-dfat")
    assert info.value.line == 7


def test_bad_shared_string_index(tmp_path: Path, small: dict[str, bytes]) -> None:
    def bad_index(sheet: bytes) -> bytes:
        root = etree.fromstring(sheet)
        cell = next(c for c in root.iter(f"{NS}c") if c.get("r") == "B9")
        v = cell.find(f"{NS}v")
        assert v is not None
        v.text = "99999"
        return etree.tostring(root)

    with pytest.raises(ListFormatError, match="bad cell") as info:
        au_dfat.read(_write(tmp_path, _edit_sheet(small, bad_index)), "au-dfat")
    assert info.value.line == 9


def test_unknown_name_type_is_a_warning(tmp_path: Path, small: dict[str, bytes]) -> None:
    out = dict(small)
    out[SST] = small[SST].replace(b"<t>aka</t>", b"<t>nickname</t>", 1)
    data = au_dfat.read(_write(tmp_path, _zip(out)), "au-dfat")
    assert any("unknown Name Type 'nickname'" in w for w in data.warnings)


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
        token = draw(st.sampled_from([b"<", b'"', b"&", b"</row>", b'<c r="A1"/>', b"\xc3"]))
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, small: dict[str, bytes], data: st.DataObject) -> None:
    """Damage the zip itself, or the sheet / string table inside an intact zip."""
    target = data.draw(st.sampled_from(["zip", SHEET, SST]))
    if target == "zip":
        blob = data.draw(_mutated(_zip(small)))
    else:
        damaged = dict(small)
        damaged[target] = data.draw(_mutated(small[target]))
        blob = _zip(damaged)
    try:
        result = au_dfat.read(_write(tmp_path, blob), "au-dfat")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
