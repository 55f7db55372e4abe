"""FollowTheMoney JSON lines: import of the real OpenSanctions files, export, round trip."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from followthemoney import model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import (
    Address,
    Document,
    Entity,
    EntityType,
    ListData,
    Name,
    NameKind,
    PartialDate,
    Program,
)
from watchlist.sources import ftm

ZALA = "opensanctions-ftm/2026-04-29/entities.ftm.json"
EU = "opensanctions-ftm/2024-06-01/entities.ftm.json"
NESTED = "opensanctions-ftm/2024-03-09/targets.nested.json"


@pytest.fixture(scope="module")
def zala(data_dir: Path) -> ListData:
    return ftm.read(data_dir / ZALA, "opensanctions")


@pytest.fixture(scope="module")
def eu(data_dir: Path) -> ListData:
    return ftm.read(data_dir / EU, "opensanctions")


@pytest.fixture(scope="module")
def nested(data_dir: Path) -> ListData:
    return ftm.read(data_dir / NESTED, "opensanctions")


def _get(data: ListData, native_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == native_id)


def _write(tmp_path: Path, blob: bytes | str, name: str = "entities.ftm.json") -> Path:
    p = tmp_path / name
    if isinstance(blob, str):
        p.write_text(blob, encoding="utf-8")
    else:
        p.write_bytes(blob)
    return p


# ---------------------------------------------------------------- real files


def test_zala_counts(zala: ListData, data_dir: Path) -> None:
    lines = (data_dir / ZALA).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 91  # README: 91 entities, 14 targets
    assert zala.format == "ftm" and zala.files == ["entities.ftm.json"]
    assert zala.data_date == "2026-04-29"  # latest last_seen
    assert len(zala.entities) == 14 and zala.warnings == []
    assert Counter(e.raw["schema"] for e in zala.entities) == {"Company": 8, "Person": 6}
    assert Counter(e.type for e in zala.entities) == {
        EntityType.ORGANIZATION: 8,
        EntityType.PERSON: 6,
    }
    assert all(e.raw["target"] is True for e in zala.entities)
    assert all(e.id == f"opensanctions:{e.native_id}" for e in zala.entities)


def test_zakharov(zala: ListData) -> None:
    e = _get(zala, "NK-aU5ybkbRFJucf8YMwsJvDw")
    assert e.name == "Alexander Vyacheslavovich ZAKHAROV" and e.type is EntityType.PERSON
    assert e.names[0].parts == {
        "given": "Alexander",
        "middle": "Vyacheslavovich",
        "family": "Zakharov",
        "patronymic": "Vyacheslavovich",
    }
    names = {(n.full, n.kind, n.script) for n in e.names}
    assert ("Александр Вячеславович Захаров", NameKind.AKA, "Cyrl") in names
    assert ("Aleksandr Vyacheslavovich Zakharov", NameKind.AKA, None) in names
    assert [d.iso() for d in e.birth_dates] == ["1965-09-21"]
    assert e.nationalities == ["ru"] and e.citizenships == ["ru"] and e.gender == "male"
    assert [(d.type, d.number) for d in e.documents] == [("tax_id", "183111242406")]
    # Sanction entities pointing at him
    programs = {(p.code, p.authority) for p in e.programs}
    assert ("US-RUSHAR", "Office of Foreign Assets Control") in programs
    assert ("GB-RUS", "Foreign, Commonwealth & Development Office") in programs
    assert ("SECO-UKRAINE", "State Secretariat for Economic Affairs") in programs
    us = next(p for p in e.programs if p.code == "US-RUSHAR")
    assert us.name == "RUSSIA-EO14024"
    assert set(e.measures) == {"asset_freeze", "travel_ban"}
    assert e.listed_on == "2023-07-01"
    # Address entity via addressEntity, plus a bare address text
    assert e.addresses[0] == Address(
        full="272 Pushkinskaya Street, Apt 41, Izhevsk, 426008",
        street="272 Pushkinskaya Street, Apt 41",
        city="Izhevsk",
        postal_code="426008",
        country="ru",
    )
    # Family / Directorship / Ownership edges
    assert "LLC CST" in e.links and "Maria Aleksandrovna Osetrova" in e.links
    assert "Owner of LLC CST" in e.titles
    assert "sanction" in e.attributes["topics"]


def test_osetrova_previous_names(zala: ListData) -> None:
    e = _get(zala, "NK-2Tbri3s6GgNtAwsSXh4qpL")
    assert e.name == "Maria Aleksandrovna Osetrova"  # the caption
    kinds = {n.full: n.kind for n in e.names}
    assert kinds["Maria Aleksandrovna Zakharova"] is NameKind.FKA
    assert kinds["Zakharova Mariia Oleksandrivna"] is NameKind.AKA
    assert e.gender == "female" and e.birth_places == ["Russia", "Izhevsk"]
    # no Sanction entity for her in the file: her programId values stand alone
    assert [(p.code, p.authority) for p in e.programs] == [
        ("UA-SA1644", "OpenSanctions"),
        ("US-RUSHAR", "OpenSanctions"),
        ("GB-RUS", "OpenSanctions"),
    ]
    # idNumber, innCode and taxNumber hold the same number: one document
    assert [(d.type, d.number) for d in e.documents] == [("tax_id", "183116181362")]


def test_company_target(zala: ListData) -> None:
    e = _get(zala, "NK-abdzbEBkqyT29GyREbiURZ")
    assert e.name == "LLC CST" and e.type is EntityType.ORGANIZATION
    assert len(e.programs) >= 10
    assert {"registration", "tax_id"} <= {d.type for d in e.documents}


def test_eu_subset(eu: ListData) -> None:
    assert len(eu.entities) == 6  # 7 lines: 4 Person, 2 Organization, 1 Address
    assert eu.data_date == "2024-06-01"
    e = _get(eu, "NK-2GdmHtZTeNXjNVrBGEXZNj")
    assert e.name == "RAB „Inter Tobacco“"
    assert len(e.names) == 12
    assert [(d.type, d.number) for d in e.documents] == [("registration", "808000714")]
    assert e.countries[0] == "by"
    k = _get(eu, "NK-2Ka3UvopqbpZmVDFjWd4LA")
    assert k.name == "Vitaly Yurievich KUZMENKO"
    assert [d.iso() for d in k.birth_dates] == ["1971-01-22"]
    assert k.titles == ["General Director of JSC 163 Armor Repair Plant"]
    assert k.listed_on == "2024-02-23"  # createdAt: no Sanction entity in this file


def test_nested_export(nested: ListData) -> None:
    assert len(nested.entities) == 10
    assert all(e.type is EntityType.PERSON for e in nested.entities)
    hariri = _get(nested, "Q296771")
    assert hariri.name == "Saad Hariri"
    assert hariri.nationalities == ["lb", "sa", "fr"]
    assert "سعد الدين رفيق الحريري" in {n.full for n in hariri.names}
    # relatives nested inside familyPerson become links, not entities
    assert "Nidal Boustany" in hariri.links
    assert "Nidal Boustany" not in {e.name for e in nested.entities}
    assert hariri.raw["properties"]["familyPerson"][0]["schema"] == "Family"


def test_sniff(data_dir: Path, tmp_path: Path) -> None:
    assert ftm.sniff(data_dir / ZALA)
    assert ftm.sniff(data_dir / "opensanctions-ftm/2026-04-29")
    assert ftm.sniff(data_dir / NESTED)
    assert not ftm.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not ftm.sniff(data_dir / "un/2026-02-27")
    assert not ftm.sniff(tmp_path / "missing.json")
    assert not ftm.sniff(_write(tmp_path, '{"a": 1}\n', "other.json"))


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def sample(data_dir: Path) -> bytes:
    return (data_dir / EU).read_bytes()


def test_truncated_mid_line(tmp_path: Path, sample: bytes) -> None:
    lines = sample.split(b"\n")
    cut = b"\n".join(lines[:3]) + b"\n" + lines[3][:50]
    with pytest.raises(ListFormatError, match="cut off") as info:
        ftm.read(_write(tmp_path, cut), "os")
    assert info.value.line == 4


def test_wrong_shape(tmp_path: Path, sample: bytes) -> None:
    lines = sample.decode().split("\n")
    cases = {
        '["a", "list"]': "JSON list",
        '{"schema": "Person", "properties": {}}': "no entity id",
        '{"id": "x", "properties": {}}': "has no schema",
        '{"id": "x", "schema": "Person", "properties": []}': "properties is not an object",
        '{"id": "x", "schema": "Person", "properties": {"name": "Bob"}}': "not a list",
        '{"id": "x", "schema": "Person", "properties": {"name": [1]}}': "not a list",
    }
    for bad, reason in cases.items():
        blob = "\n".join([*lines[:2], bad, *lines[2:]])
        with pytest.raises(ListFormatError, match=reason) as info:
            ftm.read(_write(tmp_path, blob), "os")
        assert info.value.line == 3, bad


def test_target_without_name(tmp_path: Path) -> None:
    line = {"id": "p1", "schema": "Person", "properties": {"birthDate": ["1970"]}, "target": True}
    with pytest.raises(ListFormatError, match="has no name") as info:
        ftm.read(_write(tmp_path, json.dumps(line) + "\n"), "os")
    assert info.value.line == 1


def test_unknown_schema_is_a_warning(tmp_path: Path, sample: bytes) -> None:
    extra = b'{"id": "z", "schema": "Spaceship", "properties": {"name": ["Z"]}}\n'
    data = ftm.read(_write(tmp_path, sample.replace(b"\n", b"\n" + extra, 1)), "os")
    assert len(data.entities) == 6
    assert data.warnings == ["line 2: unknown FtM schema 'Spaceship' of z; skipped"]


def test_empty_and_other_formats(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        ftm.read(_write(tmp_path, b"\n\n"), "os")
    with pytest.raises(ListFormatError, match="not valid JSON") as info:
        ftm.read(data_dir / "un/2026-02-27/consolidated.xml", "os")
    assert info.value.line == 1
    with pytest.raises(ListFormatError, match="not valid JSON"):
        ftm.read(_write(tmp_path, b"\xff\xfe{}\n"), "os")
    with pytest.raises(ListFormatError, match="no FollowTheMoney"):
        ftm.read(data_dir / "un/2026-02-27", "os")


def test_files_without_target_flags(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "schema": "Company", "properties": {"name": ["Acme"]}},
        {"id": "b", "schema": "Address", "properties": {"full": ["1 Main St"]}},
    ]
    data = ftm.read(_write(tmp_path, "\n".join(json.dumps(x) for x in lines)), "os")
    assert [e.name for e in data.entities] == ["Acme"]  # every thing is a target


# ---------------------------------------------------------------- export and round trip


def _hand_built() -> list[Entity]:
    return [
        Entity(
            id="test:P1",
            source="test",
            native_id="P1",
            type=EntityType.PERSON,
            name="Ivan Petrovich SIDOROV",
            names=[
                Name(
                    "Ivan Petrovich SIDOROV",
                    parts={"given": "Ivan", "patronymic": "Petrovich", "family": "SIDOROV"},
                ),
                Name("Иван Петрович Сидоров", NameKind.ORIGINAL_SCRIPT, script="Cyrl"),
                Name("Vanya Sidorov", NameKind.AKA, strength="weak"),
                Name("Ivan SIDOROFF", NameKind.FKA),
            ],
            birth_dates=[PartialDate("1970-05-12", 1970, 5, 12), PartialDate("1971", 1971)],
            birth_places=["Moscow"],
            nationalities=["ru"],
            citizenships=["cy"],
            gender="male",
            documents=[
                Document("passport", "7512345678", country="ru", note="expires 2030"),
                Document("national_id", "AB-123"),
            ],
            addresses=[Address("1 Tverskaya St, Moscow", city="Moscow", country="ru")],
            programs=[
                Program("RUSSIA-EO14024", "US OFAC", "Russia-related"),
                Program("INTERNAL", "test"),
            ],
            measures=["asset_freeze", "travel_ban"],
            titles=["Director"],
            listed_on="2022-03-01",
            amended_on="2023-01-02",
            remarks="Hand-built test entity.",
        ),
        Entity(
            id="test:V 9",  # a space: the FtM id gets a hash suffix
            source="test",
            native_id="V 9",
            type=EntityType.VESSEL,
            name="OCEAN STAR",
            names=[Name("OCEAN STAR"), Name("STAR OF THE OCEAN", NameKind.AKA)],
            documents=[Document("imo", "9074729")],
            programs=[Program("EMBARGO", "test")],
            attributes={"flag": ["pa"], "callSign": ["3FAB2"]},
        ),
        Entity(
            id="test:X",
            source="test",
            native_id="X",
            type=EntityType.UNKNOWN,
            name="Mystery Holdings",
            names=[Name("Mystery Holdings")],
            documents=[Document("registration", "R-77")],
        ),
    ]


def _export(entities: list[Entity]) -> list[dict[str, object]]:
    out = io.StringIO()
    n = ftm.export_entities(entities, out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert n == len(lines)
    return lines


def test_export_is_valid_ftm() -> None:
    lines = _export(_hand_built())
    schemata = Counter(str(x["schema"]) for x in lines)
    assert schemata == {
        "Person": 1,
        "Vessel": 1,
        "LegalEntity": 1,
        "Address": 1,
        "Passport": 1,
        "Identification": 2,
        "Sanction": 3,
    }
    for x in lines:
        # followthemoney accepts every entity and every value as already clean
        proxy = model.get_proxy(dict(x), cleaned=False)
        assert proxy.to_dict()["properties"] == x["properties"], x
        assert proxy.id == x["id"]
    person = next(x for x in lines if x["schema"] == "Person")
    assert person["id"] == "wl-test-P1" and person["target"] is True
    assert person["properties"]["topics"] == ["sanction"]  # type: ignore[index]
    vessel = next(x for x in lines if x["schema"] == "Vessel")
    assert str(vessel["id"]).startswith("wl-test-V-9-")
    assert ftm.ftm_id("test:V 9") == vessel["id"]  # stable
    sanctions = [x for x in lines if x["schema"] == "Sanction"]
    assert {s["properties"]["entity"][0] for s in sanctions} >= {"wl-test-P1"}  # type: ignore[index]


def _same(a: Entity, b: Entity) -> None:
    assert b.name == a.name and b.type is a.type
    assert {(n.full, n.kind) for n in b.names} >= {
        (
            n.full,
            NameKind.AKA
            if n.kind in (NameKind.ORIGINAL_SCRIPT, NameKind.VARIATION, NameKind.NKA)
            else n.kind,
        )
        for n in a.names
    }
    assert {n.full for n in b.names} == {n.full for n in a.names}
    assert [d.iso() for d in b.birth_dates] == [d.iso() for d in a.birth_dates]
    assert b.nationalities == a.nationalities
    assert b.citizenships == a.citizenships
    assert b.gender == a.gender
    assert {(d.type, d.number, d.country) for d in b.documents} == {
        (d.type, d.number, d.country) for d in a.documents
    }
    assert {(p.code, p.authority) for p in b.programs} >= {
        (p.code, p.authority) for p in a.programs
    }
    assert set(b.measures) >= set(a.measures)
    assert b.listed_on == a.listed_on


def test_invalid_imo_is_kept() -> None:
    vessel = _hand_built()[1]
    vessel.documents = [Document("imo", "9123456")]  # check digit fails
    (thing, _) = _export([vessel])
    assert thing["properties"]["registrationNumber"] == ["9123456"]  # type: ignore[index]
    assert "imoNumber" not in thing["properties"]  # type: ignore[operator]


def test_round_trip_hand_built(tmp_path: Path) -> None:
    entities = _hand_built()
    out = io.StringIO()
    ftm.export_entities(entities, out)
    back = ftm.read(_write(tmp_path, out.getvalue()), "test")
    assert len(back.entities) == 3 and back.warnings == []
    for a, b in zip(entities, back.entities, strict=True):
        _same(a, b)
        assert b.native_id == ftm.ftm_id(a.id)
    person = back.entities[0]
    assert person.names[0].parts == entities[0].names[0].parts
    assert next(n for n in person.names if n.full == "Vanya Sidorov").strength == "weak"
    assert person.documents[0].note == "expires 2030"
    assert person.addresses == entities[0].addresses
    assert person.amended_on == "2023-01-02"
    assert {(p.code, p.name) for p in person.programs} == {
        ("RUSSIA-EO14024", "Russia-related"),
        ("INTERNAL", None),
    }
    assert back.entities[1].attributes["callSign"] == ["3FAB2"]


@pytest.mark.parametrize("rel", [ZALA, EU, NESTED])
def test_round_trip_real_files(tmp_path: Path, data_dir: Path, rel: str) -> None:
    first = ftm.read(data_dir / rel, "opensanctions")
    out = io.StringIO()
    ftm.export_entities(first.entities, out)
    for line in out.getvalue().splitlines():
        model.get_proxy(json.loads(line), cleaned=False)
    back = ftm.read(_write(tmp_path, out.getvalue()), "opensanctions")
    assert len(back.entities) == len(first.entities)
    for a, b in zip(first.entities, back.entities, strict=True):
        _same(a, b)


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
        token = draw(st.sampled_from([b"{", b"}", b'"', b"[", b"]", b"\n", b"null", b"1", b"\xc3"]))
        junk = draw(st.one_of(st.just(token), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read(tmp_path: Path, sample: bytes, data: st.DataObject) -> None:
    blob = data.draw(_mutated(sample))
    try:
        result = ftm.read(_write(tmp_path, blob), "os")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
