"""Canada SEMA XML (sema-lmes.xml): the real file, newer element sets, damaged copies, fuzzing."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import WEAK, Document, Entity, EntityType, ListData, NameKind
from watchlist.sources import ca_sema, read_list

FOLDER = "ca-sema/2020-04-15"
SOURCE = "ca-sema"
_RECORD = re.compile(rb"\s*<record>.*?</record>", re.S)


@pytest.fixture(scope="module")
def sema(data_dir: Path) -> ListData:
    return ca_sema.read(data_dir / FOLDER, SOURCE)


@pytest.fixture(scope="module")
def by_id(sema: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in sema.entities}


@pytest.fixture(scope="module")
def blob(data_dir: Path) -> bytes:
    return (data_dir / FOLDER / "sema-lmes.xml").read_bytes()


@pytest.fixture(scope="module")
def small(blob: bytes) -> bytes:
    """The file with its first 30 records only."""
    records = _RECORD.findall(blob)
    head = blob[: blob.index(records[0])]
    return head + b"".join(records[:30]) + b"\n</data-set>\n"


def _write(tmp_path: Path, data: bytes, name: str = "sema-lmes.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ---------------------------------------------------------------- the real file


def test_counts(sema: ListData) -> None:
    assert sema.format == "ca-sema-xml" and sema.source == SOURCE
    assert sema.data_date is None
    assert sema.files == ["sema-lmes.xml"]
    assert sema.warnings == []
    assert len(sema.entities) == 1369
    types = Counter(e.type for e in sema.entities)
    assert types == {EntityType.PERSON: 985, EntityType.ORGANIZATION: 384}
    ids = [e.id for e in sema.entities]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"ca-sema:[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert Counter(e.programs[0].code for e in sema.entities) == {
        "Syria": 281,
        "Ukraine": 242,
        "Iran": 202,
        "Russia": 197,
        "Zimbabwe": 181,
        "Venezuela": 96,
        "Burma": 89,
        "JVCFOR": 70,
        "Nicaragua": 9,
        "South Sudan": 2,
    }
    assert {e.programs[0].authority for e in sema.entities} == {"Canada SEMA"}


def test_russian_individual_with_dob(by_id: dict[str, Entity]) -> None:
    e = by_id["russia-1-94"]
    assert e.id == "ca-sema:russia-1-94"
    assert e.type == EntityType.PERSON
    assert e.name == "Andrey Igorevich AKIMOV"
    assert e.names[0].parts == {"given": "Andrey Igorevich", "family": "AKIMOV"}
    # the alias "Andrei" is a spelling of the given name, completed with the rest
    assert [(n.full, n.kind) for n in e.names[1:]] == [
        ("Andrei Igorevich AKIMOV", NameKind.VARIATION)
    ]
    assert [d.iso() for d in e.birth_dates] == ["1953-09-22"]
    (p,) = e.programs
    assert (p.code, p.authority, p.name) == ("Russia", "Canada SEMA", "Russia")
    assert e.attributes == {"regime": ["Russia / Russie"], "schedule": ["1"], "item": ["94"]}
    assert e.raw["Aliases"] == " Andrei "


def test_partial_aliases(by_id: dict[str, Entity]) -> None:
    names = {n.full: n for n in by_id["ukraine-1-122"].names}
    assert names["Svetlana Nikolayevna PODLIPAYEVA"].kind == NameKind.VARIATION
    salyaev = [(n.full, n.kind) for n in by_id["russia-1-112"].names[1:]]
    assert salyaev == [
        ("Aleksei Mikhailovich SALYAEV", NameKind.VARIATION),
        ("Oleksii SALYAYEV", NameKind.AKA),
        ("Aleksey Mikhailovich SALIAIEV", NameKind.VARIATION),
    ]
    nick = by_id["ukraine-1-83"].names[1]
    assert (nick.full, nick.kind, nick.strength) == ("Motorola", NameKind.AKA, WEAK)
    full = by_id["iran-2-27"].names[1]  # a whole other spelling, not completed
    assert (full.full, full.kind) == ("Amir Ali Hajizadeh", NameKind.AKA)


def test_entity_aliases(by_id: dict[str, Entity]) -> None:
    e = by_id["burma-1-1"]
    assert e.type == EntityType.ORGANIZATION and e.name == "Air Bagan"
    # "Pte. Ltd." stays with its name although the element is comma-joined
    assert [n.full for n in e.names[1:]] == ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]
    army = [n.full for n in by_id["iran-1-31"].names]
    assert army[0] == "Iranian Army/Armée iranienne"
    assert {"Iranian Army", "Armée iranienne"} <= set(army)
    assert "Rosselkhozbank" in {n.full for e in by_id.values() for n in e.names}


def test_labels_are_normalised(by_id: dict[str, Entity]) -> None:
    # "Venezuela " with a trailing space and schedule N/A
    assert by_id["venezuela-53"].name == "Xavier Antonio MORENO REYES"
    # the JVCFOR label with a no-break space: its abbreviation is the code
    e = by_id["jvcfor-1-54"]
    (p,) = e.programs
    assert p.code == "JVCFOR"
    assert p.name == "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"
    assert [d.iso() for d in e.birth_dates] == ["1972-08-10", "1972-08-11"]  # "... or ..."
    assert by_id["russia-1-part-2-6"].name == "Avia Group Nord LLC"
    assert by_id["syria-2-63"].titles == ["General"]  # "General/général"


def test_ids_are_stable(tmp_path: Path, data_dir: Path, blob: bytes, sema: ListData) -> None:
    again = ca_sema.read(data_dir / FOLDER / "sema-lmes.xml", SOURCE)
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in sema.entities]
    records = _RECORD.findall(blob)
    head = blob[: blob.index(records[0])]
    random.Random(5).shuffle(records)
    shuffled = ca_sema.read(_write(tmp_path, head + b"".join(records) + b"\n</data-set>\n"), SOURCE)
    assert [e.to_dict() for e in shuffled.entities] == [e.to_dict() for e in sema.entities]


def test_sniff_and_registry(data_dir: Path) -> None:
    assert ca_sema.sniff(data_dir / FOLDER)
    assert ca_sema.sniff(data_dir / FOLDER / "sema-lmes.xml")
    assert not ca_sema.sniff(data_dir / "un/2026-02-27")
    assert not ca_sema.sniff(data_dir / "bis-dpl/2019-07-09/dpl.txt")
    assert read_list(data_dir / FOLDER, SOURCE).format == "ca-sema-xml"


# ---------------------------------------------------------------- newer element sets

CURRENT = """<?xml version="1.0" encoding="UTF-8"?>
<data-set>
  <record>
    <Country>Russia / Russie</Country>
    <LastName>AKIMOV</LastName>
    <GivenName>Andrey Igorevich</GivenName>
    <TitleOrShip>Chairman</TitleOrShip>
    <DateOfBirthOrShipBuildDate>1953-09-22</DateOfBirthOrShipBuildDate>
    <Aliases>Andrei</Aliases>
    <Schedule>1</Schedule>
    <Item>94</Item>
    <DateOfListing>2014-03-17</DateOfListing>
  </record>
  <record>
    <Country>Russia / Russie</Country>
    <EntityOrShip>Mekhanik Pogodin</EntityOrShip>
    <TitleOrShip>General cargo ship</TitleOrShip>
    <DateOfBirthOrShipBuildDate>1991</DateOfBirthOrShipBuildDate>
    <ShipIMONumber>8822105</ShipIMONumber>
    <Schedule>1, Part 7</Schedule>
    <Item>3</Item>
    <DateOfListing>2023-05-19</DateOfListing>
  </record>
  <record>
    <Country>Belarus / Bélarus</Country>
    <EntityOrShip>Belaruskali OAO</EntityOrShip>
    <Aliases>Russian: Беларуськалий, Belarusian Potash Company (a.k.a. BPC)</Aliases>
    <Schedule>1, Part 2</Schedule>
    <Item>12</Item>
  </record>
</data-set>
"""

BILINGUAL = """<?xml version="1.0" encoding="UTF-8"?>
<data-set>
  <record>
    <Country-Pays>Russia / Russie</Country-Pays>
    <LastName-NomDeFamille>AKIMOV</LastName-NomDeFamille>
    <GivenName-Prenom>Andrey Igorevich</GivenName-Prenom>
    <DateOfBirthOrShipBuildDate-DateDeNaissanceOuDateDeConstructionDuNavire>1953-09-22</DateOfBirthOrShipBuildDate-DateDeNaissanceOuDateDeConstructionDuNavire>
    <Aliases-Alias>Andrei</Aliases-Alias>
    <Schedule-Annexe>1</Schedule-Annexe>
    <Item-NumeroDarticle>94</Item-NumeroDarticle>
    <DateOfListing-DateDinscription>2014-03-17</DateOfListing-DateDinscription>
  </record>
  <record>
    <Country-Pays>Russia / Russie</Country-Pays>
    <EntityOrShip-EntiteOuNavire>Mekhanik Pogodin</EntityOrShip-EntiteOuNavire>
    <TitleOrShipType-TitreOuTypeDeNavire>General cargo ship | Navire de charge</TitleOrShipType-TitreOuTypeDeNavire>
    <ShipIMONumber-NumeroOMIDuNavire>IMO 8822105</ShipIMONumber-NumeroOMIDuNavire>
    <Schedule-Annexe>1, Part 7</Schedule-Annexe>
    <Item-NumeroDarticle>3</Item-NumeroDarticle>
  </record>
</data-set>
"""


@pytest.mark.parametrize("xml", [CURRENT, BILINGUAL])
def test_current_element_sets(tmp_path: Path, xml: str) -> None:
    data = ca_sema.read(_write(tmp_path, xml.encode()), SOURCE)
    by = {e.native_id: e for e in data.entities}
    person = by["russia-1-94"]
    assert person.type == EntityType.PERSON and person.name == "Andrey Igorevich AKIMOV"
    assert person.birth_dates[0].iso() == "1953-09-22"
    assert person.listed_on == "2014-03-17"
    assert person.names[1].full == "Andrei Igorevich AKIMOV"
    ship = by["russia-1-part-7-3"]
    assert ship.type == EntityType.VESSEL and ship.name == "Mekhanik Pogodin"
    assert ship.documents == [Document("imo", "8822105")]
    assert ship.attributes["vessel_type"] == ["General cargo ship"]
    assert not ship.birth_dates
    if xml is CURRENT:
        assert person.titles == ["Chairman"]
        assert ship.attributes["build_date"] == ["1991"]
        org = by["belarus-1-part-2-12"]
        assert org.type == EntityType.ORGANIZATION
        kinds = {n.full: n.kind for n in org.names}
        assert kinds["Беларуськалий"] == NameKind.ORIGINAL_SCRIPT
        assert org.names[1].script == "Cyrl"
        assert {"Belarusian Potash Company", "BPC"} <= set(kinds)


def test_repeated_key(tmp_path: Path, small: bytes) -> None:
    # another name under the same key: both get their name in the id, with a warning
    dup = small.replace(b"<Item>2</Item>", b"<Item>1</Item>", 1)
    data = ca_sema.read(_write(tmp_path, dup), SOURCE)
    ids = {e.native_id for e in data.entities}
    assert {"burma-1-1-air-bagan", "burma-1-1-bandoola-transportation-co-ltd"} <= ids
    assert len(data.entities) == 30
    (warning,) = data.warnings
    assert "burma-1-1" in warning and "line" in warning
    # the very same record twice: merged
    records = _RECORD.findall(small)
    twice = small.replace(records[0], records[0] + records[0], 1)
    data = ca_sema.read(_write(tmp_path, twice), SOURCE)
    assert len(data.entities) == 30
    assert "merged" in data.warnings[0]
    assert len(data.entities[0].raw["records"]) == 2


# ---------------------------------------------------------------- bad input


def test_truncated(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"Berger Paint")
    with pytest.raises(ListFormatError, match="truncated") as info:
        ca_sema.read(_write(tmp_path, small[:cut]), SOURCE)
    assert info.value.line is not None


def test_record_without_item_or_name(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b"<Item>3</Item>", b"", 1)
    with pytest.raises(ListFormatError, match="no Item") as info:
        ca_sema.read(_write(tmp_path, bad), SOURCE)
    assert info.value.element == "record 3"
    assert info.value.line == 16  # where the record starts
    bad = small.replace(b"<Entity>Dagon Brewery</Entity>", b"<Entity> </Entity>", 1)
    with pytest.raises(ListFormatError, match="no name") as info:
        ca_sema.read(_write(tmp_path, bad), SOURCE)
    assert info.value.element == "record 4"


def test_empty_and_wrong_formats(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        ca_sema.read(_write(tmp_path, b"  \n"), SOURCE)
    with pytest.raises(ListFormatError, match="no <record>"):
        ca_sema.read(_write(tmp_path, b"<data-set></data-set>"), SOURCE)
    with pytest.raises(ListFormatError, match="not a SEMA list"):
        ca_sema.read(data_dir / "un/2026-02-27/consolidated.xml", SOURCE)
    with pytest.raises(ListFormatError):
        ca_sema.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", SOURCE)
    with pytest.raises(ListFormatError, match="no SEMA list file"):
        ca_sema.read(data_dir / "us-csl/2022-05-06", SOURCE)


def test_bad_bytes(tmp_path: Path, small: bytes) -> None:
    pos = small.index(b"Air Bagan")
    with pytest.raises(ListFormatError):
        ca_sema.read(_write(tmp_path, small[:pos] + b"\xff\xfe" + small[pos + 2 :]), SOURCE)


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
                st.sampled_from(
                    [b"<", b">", b"&", b"</record>", b"<Item>", b"\x00", b"\xc3", b",", b"/"]
                ),
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
        result = ca_sema.read(path, SOURCE)
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)


@given(st.text(max_size=80))
def test_fuzz_aliases(text: str) -> None:
    for alias in ca_sema.split_aliases(text):
        assert alias and alias == alias.strip()
    ca_sema.person_alias(text.strip() or "x", "Andrey Igorevich", "AKIMOV")
