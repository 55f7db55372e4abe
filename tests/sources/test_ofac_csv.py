"""OFAC legacy CSV (SDN and consolidated): real files, damaged copies, fuzzing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import STRONG, WEAK, Entity, EntityType, ListData, NameKind
from watchlist.sources import ofac_csv, read_list

SDN_2019 = "ofac-sdn/2019-01-15"
SDN_2021 = "ofac-sdn/2021-07-07"
CONS = "ofac-consolidated/2025-12-19"


@pytest.fixture(scope="module")
def sdn2019(data_dir: Path) -> ListData:
    return ofac_csv.read(data_dir / SDN_2019, "ofac-sdn")


@pytest.fixture(scope="module")
def sdn2021(data_dir: Path) -> ListData:
    return ofac_csv.read(data_dir / SDN_2021, "ofac-sdn")


@pytest.fixture(scope="module")
def cons(data_dir: Path) -> ListData:
    return ofac_csv.read(data_dir / CONS, "ofac-cons")


def _by_id(data: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in data.entities}


def _aliases(e: Entity, strength: str | None = None) -> list[str]:
    return [
        n.full
        for n in e.names
        if n.kind is not NameKind.PRIMARY and (strength is None or n.strength == strength)
    ]


# ---------------------------------------------------------------- real files


@pytest.mark.parametrize(
    ("fixture", "entities", "alias_rows", "strong", "types", "files"),
    [
        (
            "sdn2019",
            7379,
            9682,
            9680,  # 2 alias rows repeat a name already given (8407, 16448)
            {"person": 3845, "organization": 2994, "vessel": 323, "aircraft": 217},
            ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"],
        ),
        (
            "sdn2021",
            8976,
            11910,
            11908,
            {"person": 4620, "organization": 3673, "vessel": 406, "aircraft": 277},
            ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"],
        ),
        (
            "cons",
            442,
            1073,
            1073,
            {"person": 79, "organization": 363},
            ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"],
        ),
    ],
)
def test_counts(
    request: pytest.FixtureRequest,
    fixture: str,
    entities: int,
    alias_rows: int,
    strong: int,
    types: dict[str, int],
    files: list[str],
) -> None:
    data: ListData = request.getfixturevalue(fixture)
    assert data.format == "ofac-csv"
    assert data.data_date is None  # the legacy CSV carries no publication date
    assert data.files == files
    assert data.warnings == []
    assert len(data.entities) == entities
    assert len({e.id for e in data.entities}) == entities
    assert sum(len(e.raw.get("alt", [])) for e in data.entities) == alias_rows
    assert sum(len(_aliases(e, STRONG)) for e in data.entities) == strong
    got: dict[str, int] = {}
    for e in data.entities:
        got[e.type.value] = got.get(e.type.value, 0) + 1
    assert got == types
    assert all(e.id == f"{data.source}:{e.native_id}" for e in data.entities)


def test_weak_aliases_come_from_the_remarks(sdn2021: ListData) -> None:
    weak = sum(len(_aliases(e, WEAK)) for e in sdn2021.entities)
    assert weak == 2437
    unparsed = sum(len(e.unparsed) for e in sdn2021.entities)
    assert unparsed < 100


@pytest.mark.parametrize("fixture", ["sdn2019", "sdn2021"])
def test_kuznetsov(request: pytest.FixtureRequest, fixture: str) -> None:
    e = _by_id(request.getfixturevalue(fixture))["15886"]
    assert e.id == "ofac-sdn:15886"
    assert e.type is EntityType.PERSON
    assert e.name == "KUZNETSOV, Artem"
    assert e.names[0].kind is NameKind.PRIMARY
    assert e.names[0].parts == {"family": "KUZNETSOV", "given": "Artem"}
    assert [(n.full, n.kind, n.strength) for n in e.names[1:]] == [
        ("KUZNETSOV, Artyom", NameKind.AKA, STRONG)
    ]
    assert [p.code for p in e.programs] == ["MAGNIT"]
    assert e.programs[0].authority == "US OFAC"
    assert [d.iso() for d in e.birth_dates] == ["1975-02-28"]
    assert e.birth_places == ["Baku, Azerbaijan"]
    assert e.remarks == "DOB 28 Feb 1975; POB Baku, Azerbaijan."
    assert e.addresses == [] and e.unparsed == []
    assert e.raw["SDN_Name"] == "KUZNETSOV, Artem"
    assert e.raw["alt"] == [
        {"alt_num": "23792", "alt_type": "aka", "alt_name": "KUZNETSOV, Artyom"}
    ]


def test_prigozhin(sdn2021: ListData) -> None:
    e = _by_id(sdn2021)["21171"]
    assert e.name == "PRIGOZHIN, Yevgeniy Viktorovich"
    assert e.names[0].parts == {"family": "PRIGOZHIN", "given": "Yevgeniy Viktorovich"}
    assert _aliases(e) == ["PRIGOZHIN, Evgeny"]
    assert [p.code for p in e.programs] == ["UKRAINE-EO13661", "CYBER2", "ELECTION-EO13848"]
    assert [d.iso() for d in e.birth_dates] == ["1961-06-01"]
    assert e.gender == "male"
    assert e.links == ["INTERNET RESEARCH AGENCY LLC"]
    assert [a.full for a in e.addresses] == ["Russia"] and e.addresses[0].country == "ru"
    assert e.countries == ["ru"]


def test_passports_nationality_and_weak_akas(sdn2021: ListData) -> None:
    e = _by_id(sdn2021)["10689"]  # SAEED, Muhammad (legacy sdn.xml has HAFIZ SAHIB as weak)
    assert e.nationalities == ["pk"]
    assert e.birth_places == ["Sargodha, Punjab, Pakistan"]
    assert [(d.type, d.number, d.country) for d in e.documents] == [
        ("passport", "BE5978421", "pk"),
        ("passport", "A5250088", "pk"),
        ("national_id", "3520025509842-7", "pk"),
        ("national_id", "23250460642", "pk"),
    ]
    assert e.documents[0].note == "Passport; issued 14 Nov 2007 expires 12 Nov 2012"
    assert len(_aliases(e, STRONG)) == 8
    assert _aliases(e, WEAK) == ["HAFIZ SAHIB", "TATA JI"]


def test_aka_in_remarks(sdn2019: ListData) -> None:
    e = _by_id(sdn2019)["306"]
    assert e.type is EntityType.ORGANIZATION
    assert [(n.full, n.strength) for n in e.names] == [
        ("BANCO NACIONAL DE CUBA", None),
        ("NATIONAL BANK OF CUBA", STRONG),
        ("BNC", WEAK),
    ]
    assert e.names[1].parts == {}  # organisations are not split into name parts
    assert [a.country for a in e.addresses] == ["ch", "es", "jp", "pa"]
    assert e.addresses[0].full == "Zweierstrasse 35, Zurich CH-8022, Switzerland"
    assert e.addresses[0].street == "Zweierstrasse 35"


def test_vessel(sdn2021: ListData) -> None:
    e = _by_id(sdn2021)["15036"]
    assert e.type is EntityType.VESSEL
    assert e.name == "ARTAVIL"
    assert [(n.full, n.kind, n.strength) for n in e.names[1:]] == [
        ("ABADAN", NameKind.FKA, STRONG),
        ("SHONA", NameKind.FKA, STRONG),
        ("ALPHA", NameKind.FKA, WEAK),
    ]
    assert e.attributes["call_sign"] == ["T2EU4"]
    assert e.attributes["vessel_type"] == ["Crude/Oil Products Tanker"]
    assert e.attributes["tonnage"] == ["99,144"]
    assert e.attributes["gross_registered_tonnage"] == ["56,068"]
    assert e.attributes["vessel_flag"] == ["Iran"]
    assert e.attributes["former_vessel_flag"] == ["Malta", "Tuvalu", "None Identified", "Tanzania"]
    assert e.countries == ["ir"]
    assert [(d.type, d.number) for d in e.documents] == [("imo", "9187629"), ("mmsi", "572469210")]
    assert e.links == ["NATIONAL IRANIAN TANKER COMPANY"]
    assert e.addresses == []  # its add.csv row is all -0-


def test_organization_with_registration_ids(cons: ListData) -> None:
    e = _by_id(cons)["17016"]
    assert e.id == "ofac-cons:17016"
    assert e.name == "GAZPROMBANK JOINT STOCK COMPANY"
    assert [p.code for p in e.programs] == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert [(d.type, d.number, d.country, d.note) for d in e.documents] == [
        ("swift_bic", "GAZPRUMM", None, "SWIFT/BIC"),
        ("tax_id", "7744001497", "ru", "Tax ID No."),
        ("registration", "253400WSS48YWMBUA688", None, "Legal Entity Number"),
        ("registration", "1027700167110", "ru", "Registration Number"),
    ]
    assert e.attributes["website"] == ["www.gazprombank.ru"]
    assert e.attributes["organization_established_date"] == ["31 Jul 1990"]
    assert e.countries == ["ru", "mn", "kz", "in", "cn"]
    # the Tax ID and registration sit in the comments overflow, joined mid-word
    assert e.raw["comments"][0].startswith("tive Date (EO 14024 Directive)'")
    assert "'Effective Date (EO 14024 Directive)' associated" in (e.remarks or "")


def test_consolidated_person(cons: ListData) -> None:
    e = _by_id(cons)["50476"]
    assert e.name == "MARTELLY, Michel Joseph"
    assert [(n.full, n.strength) for n in e.names[1:]] == [
        ("MARTELLY, Michael", STRONG),
        ("Sweet Micky", WEAK),
    ]
    assert e.nationalities == ["ht"]
    assert [(d.type, d.number, d.country) for d in e.documents] == [
        ("drivers_license", "M634550610520", "us"),
        ("national_id", "0032768386", "ht"),
    ]


def test_comments_overflow_is_appended(sdn2019: ListData, sdn2021: ListData) -> None:
    for data in (sdn2019, sdn2021):
        e = _by_id(data)["12300"]
        assert "Linked To: PROMO RAIZ S.A.S.; Linked To: RED MUNDIAL" in (e.remarks or "")
        assert "PROMO RAIZ S.A.S." in e.links
        assert e.links[-1] == "R D I S.A."
        assert len(e.links) == 25
        assert (e.remarks or "").endswith("Linked To: R D I S.A.")


def test_reading_the_main_file_itself(data_dir: Path) -> None:
    data = ofac_csv.read(data_dir / CONS / "cons_prim.csv", "ofac-cons")
    assert len(data.entities) == 442
    assert data.files[0] == "cons_prim.csv"


def test_registry_reads_it(data_dir: Path) -> None:
    data = read_list(data_dir / CONS, "ofac-cons", "ofac-csv")
    assert len(data.entities) == 442


@pytest.mark.parametrize("folder", [SDN_2019, SDN_2021, CONS])
def test_sniff_real(data_dir: Path, folder: str) -> None:
    assert ofac_csv.sniff(data_dir / folder)


def test_sniff_refuses_other_formats(data_dir: Path, tmp_path: Path) -> None:
    assert not ofac_csv.sniff(data_dir / "un" / "2026-02-27")
    assert not ofac_csv.sniff(data_dir / "un" / "2026-02-27" / "consolidated.xml")
    assert not ofac_csv.sniff(tmp_path / "nope")
    assert not ofac_csv.sniff(tmp_path)
    fake = tmp_path / "sdn.csv"
    fake.write_bytes((data_dir / "bis-dpl" / "2019-07-09" / "dpl.txt").read_bytes())
    assert not ofac_csv.sniff(fake)
    (tmp_path / "sdn.csv").write_bytes(b"")
    assert not ofac_csv.sniff(tmp_path)


# ---------------------------------------------------------------- damaged copies


def _copy(src: Path, dest: Path, names: tuple[str, ...] | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in src.iterdir():
        if names is None or p.name in names:
            shutil.copyfile(p, dest / p.name)
    return dest


def _refused(path: Path) -> ListFormatError:
    with pytest.raises(ListFormatError) as info:
        ofac_csv.read(path, "ofac-sdn")
    return info.value


def test_truncated_inside_the_remarks(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2021, tmp_path / "pub")
    data = (folder / "sdn.csv").read_bytes()
    cut = data.index(b"DOB 28 Feb 1975")  # in record 15886
    (folder / "sdn.csv").write_bytes(data[: cut + 6])
    err = _refused(folder)
    assert err.file.endswith("sdn.csv")
    assert "truncated" in err.reason
    assert err.line == data[:cut].count(b"\n") + 1


def test_truncated_between_fields(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    data = (folder / "sdn.csv").read_bytes()
    start = data.index(b"\n15886,") + 1
    (folder / "sdn.csv").write_bytes(data[: start + 60])  # cut after the program
    err = _refused(folder)
    assert err.line == data[:start].count(b"\n") + 1
    assert "expected 12 columns" in err.reason


def test_row_with_wrong_number_of_columns(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    lines = (folder / "cons_alt.csv").read_bytes().split(b"\r\n")
    lines[4] = lines[4] + b',"extra"'
    (folder / "cons_alt.csv").write_bytes(b"\r\n".join(lines))
    err = _refused(folder)
    assert err.file.endswith("cons_alt.csv")
    assert err.line == 5
    assert "expected 5 columns" in err.reason and "found 6" in err.reason


@pytest.mark.parametrize("missing", ["add.csv", "alt.csv"])
def test_missing_companion_file(data_dir: Path, tmp_path: Path, missing: str) -> None:
    keep = tuple(n for n in ("sdn.csv", "add.csv", "alt.csv") if n != missing)
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub", keep)
    err = _refused(folder)
    assert err.file.endswith(missing)
    assert f"missing {missing}" in err.reason


def test_missing_comments_file_is_a_warning(data_dir: Path, tmp_path: Path) -> None:
    keep = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv")
    folder = _copy(data_dir / CONS, tmp_path / "pub", keep)
    data = ofac_csv.read(folder, "ofac-cons")
    assert len(data.entities) == 442
    assert data.files == list(keep)
    assert any("cons_comments.csv not found" in w for w in data.warnings)
    e = _by_id(data)["17016"]
    assert (e.remarks or "").endswith("on or after the 'Effec")  # cut where OFAC cut it
    assert "7744001497" not in [d.number for d in e.documents]


def test_alias_for_unknown_entity_is_a_warning(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    with (folder / "cons_alt.csv").open("r+b") as fh:
        data = fh.read().rstrip(b"\x1a")
        fh.seek(0)
        fh.write(data + b'99999999,1,"aka","NOBODY",-0- \r\n')
        fh.truncate()
    out = ofac_csv.read(folder, "ofac-cons")
    assert len(out.entities) == 442
    assert out.warnings == [
        "cons_alt.csv line 1074: ent_num 99999999 is not in cons_prim.csv; row ignored"
    ]
    assert all("NOBODY" not in e.all_names() for e in out.entities)


def test_companion_from_another_publication_is_refused(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    shutil.copyfile(data_dir / SDN_2021 / "alt.csv", folder / "cons_alt.csv")
    err = _refused(folder)
    assert err.file.endswith("cons_alt.csv")
    assert "another publication" in err.reason


def test_comments_are_appended_in_file_order(data_dir: Path, tmp_path: Path) -> None:
    keep = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv")
    folder = _copy(data_dir / CONS, tmp_path / "pub", keep)
    (folder / "cons_comments.csv").write_text(
        '9639,"; Linked To: FIRST"\n9639," CO.; Linked To: SECOND"\n'
    )
    e = _by_id(ofac_csv.read(folder, "ofac-cons"))["9639"]
    assert e.remarks == "DOB 1962; POB Shati.; Linked To: FIRST CO.; Linked To: SECOND"
    assert e.links == ["FIRST CO.", "SECOND"]
    assert e.raw["comments"] == ["; Linked To: FIRST", " CO.; Linked To: SECOND"]


def test_empty_comments_file_is_fine(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    (folder / "cons_comments.csv").write_bytes(b"")
    data = ofac_csv.read(folder, "ofac-cons")
    assert len(data.entities) == 442 and data.warnings == []


@pytest.mark.parametrize("name", ["sdn.csv", "add.csv", "alt.csv"])
def test_empty_file(data_dir: Path, tmp_path: Path, name: str) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    (folder / name).write_bytes(b"")
    err = _refused(folder)
    assert err.file.endswith(name) and "empty" in err.reason


def test_only_the_dos_eof_byte(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2021, tmp_path / "pub")
    (folder / "sdn.csv").write_bytes(b"\r\n\x1a")
    assert "empty" in _refused(folder).reason


def test_wrong_format_file(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    shutil.copyfile(data_dir / "un" / "2026-02-27" / "consolidated.xml", folder / "sdn.csv")
    err = _refused(folder)
    assert err.file.endswith("sdn.csv") and err.line == 1
    shutil.copyfile(data_dir / "bis-dpl" / "2019-07-09" / "dpl.txt", folder / "sdn.csv")
    assert _refused(folder).line == 1


def test_folder_without_the_primary_file(tmp_path: Path) -> None:
    err = _refused(tmp_path)
    assert "sdn.csv" in err.reason and "cons_prim.csv" in err.reason


def test_record_without_name(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    data = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(data.replace(b'15886,"KUZNETSOV, Artem"', b"15886,-0- ", 1))
    err = _refused(folder)
    assert "15886 has no name" in err.reason
    assert err.line == data[: data.index(b"\n15886,")].count(b"\n") + 2


def test_record_without_number(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    data = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(data.replace(b"\n15886,", b"\n-0- ,", 1))
    err = _refused(folder)
    assert "ent_num '-0-' is not a number" in err.reason


def test_bytes_no_encoding_reads(data_dir: Path, tmp_path: Path) -> None:
    folder = _copy(data_dir / SDN_2019, tmp_path / "pub")
    data = (folder / "alt.csv").read_bytes()
    (folder / "alt.csv").write_bytes(data[:500] + b"\x81\x8d\xff" + data[500:])
    assert "encodings" in _refused(folder).reason


def test_header_row_unknown_type_repeats_and_weak_alias_remark(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    prim = (folder / "cons_prim.csv").read_bytes()
    first = prim.split(b"\r\n", 1)[0]
    assert first.startswith(b'9639,"HANIYA, Ismail Abdul Salah","individual","NS-PLC"')
    repeat = first.replace(b'"NS-PLC"', b'"SDGT"')
    header = b",".join(c.encode() for c in ofac_csv.MAIN_COLUMNS)
    prim = prim.replace(b'"individual"', b'"robot"', 1)
    (folder / "cons_prim.csv").write_bytes(header + b"\r\n" + prim.rstrip(b"\x1a") + repeat)
    alt = (folder / "cons_alt.csv").read_bytes()
    (folder / "cons_alt.csv").write_bytes(
        alt.replace(b'"HANIYA, Ismail",-0- ', b'"HANIYA, Ismail","weak aka"', 1)
    )
    data = ofac_csv.read(folder, "ofac-cons")
    assert len(data.entities) == 442
    e = _by_id(data)["9639"]
    assert e.type is EntityType.UNKNOWN
    assert [p.code for p in e.programs] == ["NS-PLC", "SDGT"]
    assert [(n.full, n.strength) for n in e.names[1:3]] == [
        ("HANIYA, Ismail", WEAK),
        ("HANIYYA, Ismaeel", STRONG),
    ]
    assert data.warnings == [
        "cons_prim.csv line 444: ent_num 9639 repeats line 2; merged",
        "line 2: unknown SDN_Type 'robot' for 9639",
    ]


def test_sniff_an_unusual_name_needs_companions(data_dir: Path, tmp_path: Path) -> None:
    lone = tmp_path / "lone" / "list.csv"
    lone.parent.mkdir()
    shutil.copyfile(data_dir / SDN_2019 / "sdn.csv", lone)
    assert not ofac_csv.sniff(lone)
    folder = _copy(data_dir / CONS, tmp_path / "pub")
    (folder / "cons_prim.csv").rename(folder / "cons-2025.csv")
    assert ofac_csv.sniff(folder / "cons-2025.csv")
    assert len(ofac_csv.read(folder / "cons-2025.csv", "ofac-cons").entities) == 442


# ---------------------------------------------------------------- fuzzing


@pytest.fixture(scope="module")
def sample(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small real publication: 45 SDN records of 2021 (5 with comments) and their rows."""
    src = data_dir / SDN_2021
    comments = (src / "sdn_comments.csv").read_bytes()
    with_comments = {line.split(b",", 1)[0] + b"," for line in comments.split(b"\r\n")}
    lines = (src / "sdn.csv").read_bytes().split(b"\r\n")
    main = lines[:40] + [line for line in lines if line[:6] in with_comments]
    ids = {line.split(b",", 1)[0] for line in main}
    out = {"sdn.csv": b"\r\n".join(main) + b"\r\n\x1a", "sdn_comments.csv": comments}
    for name in ("add.csv", "alt.csv"):
        rows = [r for r in (src / name).read_bytes().split(b"\r\n") if r.split(b",", 1)[0] in ids]
        out[name] = b"\r\n".join(rows) + b"\r\n\x1a"
    return out


def _mutate(data: bytes, draw: st.DataObject) -> bytes:
    op = draw.draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
    pos = draw.draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:pos]
    junk = draw.draw(
        st.one_of(
            st.binary(min_size=1, max_size=8),
            st.sampled_from([b'"', b",", b"\r\n", b"\x1a", b"-0- ", b"\n", b'"",']),
        )
    )
    if op == "overwrite":
        return data[:pos] + junk + data[pos + len(junk) :]
    if op == "insert":
        return data[:pos] + junk + data[pos:]
    end = draw.draw(st.integers(pos, min(len(data), pos + 200)))
    return data[:pos] + data[end:]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draw=st.data())
def test_fuzz_read(
    sample: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory, draw: st.DataObject
) -> None:
    base = tmp_path_factory.getbasetemp()
    folder = Path(tempfile.mkdtemp(dir=base))
    victim = draw.draw(st.sampled_from(sorted(sample)))
    for name, data in sample.items():
        (folder / name).write_bytes(_mutate(data, draw) if name == victim else data)
    try:
        result = ofac_csv.read(folder, "ofac-sdn")
    except ListFormatError as exc:
        assert exc.file and exc.reason
    else:
        assert isinstance(result, ListData)
        assert len({e.id for e in result.entities}) == len(result.entities)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_sample_reads_clean(sample: dict[str, bytes], tmp_path: Path) -> None:
    for name, data in sample.items():
        (tmp_path / name).write_bytes(data)
    out = ofac_csv.read(tmp_path, "ofac-sdn")
    assert len(out.entities) == 45
    assert out.warnings == []
