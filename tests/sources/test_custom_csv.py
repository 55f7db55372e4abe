"""Custom CSV lists: the documented example, every rule, damaged files, fuzzing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import EntityType, ListData, NameKind
from watchlist.sources import custom_csv, read_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example() -> str:
    """The example CSV of docs/custom-csv.md, so the documentation cannot drift."""
    doc = (ROOT / "docs" / "custom-csv.md").read_text(encoding="utf-8")
    m = re.search(r"```csv\n(.*?)```", doc, re.S)
    assert m, "docs/custom-csv.md has no ```csv example"
    return m.group(1)


def _write(tmp_path: Path, text: str | bytes, name: str = "list.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, str):
        p.write_text(text, encoding="utf-8")
    else:
        p.write_bytes(text)
    return p


def test_documented_example(tmp_path: Path, example: str) -> None:
    data = read_list(_write(tmp_path, example), "my-list", fmt="custom-csv")
    assert data.format == "custom-csv" and data.warnings == [] and data.data_date is None
    assert [e.id for e in data.entities] == ["my-list:C-001", "my-list:C-002", "my-list:V-7"]
    ivan = data.entities[0]
    assert ivan.type is EntityType.PERSON
    assert [(n.full, n.kind, n.script) for n in ivan.names] == [
        ("Ivan Petrovich SIDOROV", NameKind.PRIMARY, None),
        ("Ivan Sidorov", NameKind.AKA, None),
        ("Иван Петрович Сидоров", NameKind.AKA, "Cyrl"),
        ("Ivan SIDOROFF", NameKind.AKA, None),  # from the repeated id row
    ]
    assert [d.iso() for d in ivan.birth_dates] == ["1970-05-12", "1971"]
    assert ivan.nationalities == ["ru"] and ivan.gender == "male"
    assert [(d.type, d.number) for d in ivan.documents] == [("passport", "7512345678")]
    assert [(p.code, p.authority) for p in ivan.programs] == [("INTERNAL-FRAUD", "my-list")]
    assert ivan.remarks == "Card fraud ring, reported by branch 12"
    assert ivan.listed_on == "2024-03-01"
    assert ivan.attributes == {"email": ["ivan@example.com"]}
    assert ivan.raw["line"] == 2 and ivan.raw["merged_rows"][0]["line"] == 4
    assert data.entities[1].type is EntityType.ORGANIZATION
    assert data.entities[2].type is EntityType.VESSEL


def test_minimal_columns_any_case_any_order(tmp_path: Path) -> None:
    data = custom_csv.read(_write(tmp_path, "Name,ID\nAcme Ltd,1\n\nBob Smith,2\n"), "mine")
    assert [(e.native_id, e.name, e.type) for e in data.entities] == [
        ("1", "Acme Ltd", EntityType.UNKNOWN),
        ("2", "Bob Smith", EntityType.UNKNOWN),
    ]


def test_all_optional_columns(tmp_path: Path) -> None:
    text = (
        "\ufeffid,name,type,aliases,dob,nationality,country,gender,passport,national_id,"
        "program,authority,remarks,listed_on,website\n"
        '9,"Doe, John",Individual,JD;Johnny,circa 1960;1961-02,United Kingdom;FR,Germany,M,'
        "P1;P2,N1,PROG-A;PROG-B,My Bank,Note,2020-01-31,https://example.org\n"
    )
    (e,) = custom_csv.read(_write(tmp_path, text), "mine").entities
    assert e.name == "Doe, John" and e.type is EntityType.PERSON
    assert [n.full for n in e.names] == ["Doe, John", "JD", "Johnny"]
    assert [(d.iso(), d.circa) for d in e.birth_dates] == [("1960", True), ("1961-02", False)]
    assert e.nationalities == ["gb", "fr"] and e.countries == ["de"] and e.gender == "male"
    assert [(d.type, d.number) for d in e.documents] == [
        ("passport", "P1"),
        ("passport", "P2"),
        ("national_id", "N1"),
    ]
    assert [(p.code, p.authority) for p in e.programs] == [
        ("PROG-A", "My Bank"),
        ("PROG-B", "My Bank"),
    ]
    assert e.listed_on == "2020-01-31" and e.remarks == "Note"
    assert e.attributes == {"website": ["https://example.org"]}


def test_recoverable_oddities_are_warnings(tmp_path: Path) -> None:
    text = "id,name,dob,gender,listed_on\n1,Bob,yesterday,x,soon\n2,Al,1970,,,extra\n"
    data = custom_csv.read(_write(tmp_path, text), "mine")
    assert len(data.entities) == 2
    assert data.warnings == [
        "line 2: dob 'yesterday' is not a date; kept in unparsed",
        "line 2: listed_on 'soon' is not a date; kept in unparsed",
        "line 2: unknown gender 'x'; ignored",
        "line 3: 6 cells for 5 columns; extra cells ignored",
    ]
    assert data.entities[0].unparsed == ["dob: yesterday", "listed_on: soon", "gender: x"]


def test_windows_1252_file(tmp_path: Path) -> None:
    data = custom_csv.read(_write(tmp_path, "id,name\n1,Jos\xe9 Mart\xed\n".encode("cp1252")), "m")
    assert data.entities[0].name == "José Martí"
    assert data.warnings == ["list.csv: not UTF-8; read as Windows-1252"]


def test_sniff(tmp_path: Path, data_dir: Path) -> None:
    assert custom_csv.sniff(_write(tmp_path, "id,name\n1,A\n"))
    assert not custom_csv.sniff(_write(tmp_path, "ref,name\n1,A\n", "other.csv"))
    assert not custom_csv.sniff(data_dir / "bis-dpl/2019-07-09/dpl.txt")
    assert not custom_csv.sniff(tmp_path / "missing.csv")


# ---------------------------------------------------------------- refusals


def test_missing_required_column(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="missing required column 'name'") as info:
        custom_csv.read(_write(tmp_path, "id,full_name\n1,A\n"), "m")
    assert info.value.line == 1
    with pytest.raises(ListFormatError, match="not comma-separated"):
        custom_csv.read(_write(tmp_path, "id;name\n1;A\n"), "m")


def test_row_without_id_or_name(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no id") as info:
        custom_csv.read(_write(tmp_path, "id,name\n1,A\n ,B\n"), "m")
    assert info.value.line == 3
    with pytest.raises(ListFormatError, match="row 7 has no name") as info:
        custom_csv.read(_write(tmp_path, "id,name\n1,A\n\n7,\n"), "m")
    assert info.value.line == 4


def test_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="unknown type 'spaceship'") as info:
        custom_csv.read(_write(tmp_path, "id,name,type\n1,A,person\n2,B,spaceship\n"), "m")
    assert info.value.line == 3


def test_conflicting_types_for_one_id(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="id 1 is a person on line 2") as info:
        custom_csv.read(_write(tmp_path, "id,name,type\n1,A,person\n1,B,vessel\n"), "m")
    assert info.value.line == 3


def test_bad_files(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        custom_csv.read(_write(tmp_path, ""), "m")
    with pytest.raises(ListFormatError, match="no rows"):
        custom_csv.read(_write(tmp_path, "id,name\n"), "m")
    with pytest.raises(ListFormatError, match="missing required column"):
        custom_csv.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", "m")
    with pytest.raises(ListFormatError):
        custom_csv.read(data_dir / "au-dfat/2024-11-11/regulation8_consolidated.xlsx", "m")
    with pytest.raises(ListFormatError, match="named twice"):
        custom_csv.read(_write(tmp_path, "id,name,Name\n1,A,B\n"), "m")
    with pytest.raises(ListFormatError, match="no custom CSV"):
        custom_csv.read(tmp_path / "nowhere", "m")


def test_truncated_mid_record(tmp_path: Path, example: str) -> None:
    cut = example[: example.index("Card fraud") + 4]  # inside an open quoted field
    with pytest.raises(ListFormatError) as info:
        custom_csv.read(_write(tmp_path, cut), "m")
    assert info.value.line is not None


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
        token = draw(st.sampled_from([b'"', b",", b"\n", b"\r", b";", b"\x00", b"\xc3"]))
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 200)))
    return base[:at] + base[end:]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, example: str, data: st.DataObject) -> None:
    blob = data.draw(_mutated(example.encode("utf-8")))
    try:
        result = custom_csv.read(_write(tmp_path, blob), "m")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
