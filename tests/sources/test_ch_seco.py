"""Swiss SECO sanctions list XML: the real extract, program tables, damaged copies, fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchlist.errors import ListFormatError
from watchlist.model import Entity, EntityType, ListData, NameKind
from watchlist.sources import ch_seco
from watchlist.sources._parse import parse_xml

FOLDER = "ch-seco/2026-08-15"
FILE = "ch_sample.xml"


@pytest.fixture(scope="module")
def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


@pytest.fixture(scope="module")
def data(folder: Path) -> ListData:
    return ch_seco.read(folder, "ch-seco")


@pytest.fixture(scope="module")
def sample(folder: Path) -> bytes:
    return (folder / FILE).read_bytes()


def _get(data: ListData, native_id: str) -> Entity:
    return next(e for e in data.entities if e.native_id == native_id)


def _write(tmp_path: Path, blob: bytes, name: str = "seco.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(blob)
    return p


# ---------------------------------------------------------------- real file


def test_counts_and_delisted(data: ListData, folder: Path) -> None:
    assert data.format == "ch-seco-xml" and data.files == [FILE]
    assert data.data_date == "2026-08-15"
    # 7 real targets, 3 of them de-listed: those are not on the list any more
    assert [e.native_id for e in data.entities] == ["44348", "85396", "34461", "52941"]
    assert data.warnings == [
        "line 4 (target[1]): target 5142 was de-listed on 2016-03-01; not emitted",
        "line 5 (target[2]): target 5816 was de-listed on 2013-12-20; not emitted",
        "line 6 (target[3]): target 5374 was de-listed on 2016-03-01; not emitted",
    ]
    recs = list(ch_seco.records(parse_xml(folder / FILE)))
    assert [(r["ssid"], r[ch_seco.STATUS]) for _, _, r in recs] == [
        ("5142", "de-listed"),
        ("5816", "de-listed"),
        ("5374", "de-listed"),
        ("44348", "listed"),
        ("85396", "listed"),
        ("34461", "listed"),
        ("52941", "listed"),
    ]
    # a de-listed target is still recognised and mappable, just not emitted
    delisted = ch_seco.to_entity(recs[0][2], "ch-seco")
    assert delisted.name == "Lukashenka Dzmitry Aliaksandravich"


def test_mzkt_entity(data: ListData) -> None:
    e = _get(data, "44348")
    assert e.id == "ch-seco:44348" and e.type is EntityType.ORGANIZATION
    assert [(n.full, n.kind, n.script, n.lang) for n in e.names] == [
        ("MZKT", NameKind.PRIMARY, None, "eng"),
        ("МЗКТ - Минский завод колёсных тягачей", NameKind.ORIGINAL_SCRIPT, "Cyrl", "bel"),
        ("VOLAT", NameKind.AKA, None, "eng"),
    ]
    assert all(n.strength == "strong" for n in e.names)  # quality="good"
    (address,) = e.addresses
    assert (address.street, address.postal_code) == ("150 Partizansky Ave.", "220021")
    assert [(d.type, d.number) for d in e.documents] == [("registration", "100534485")]
    assert e.attributes["phone"] == ["+375 (17) 330-17-09"]
    assert e.attributes["email"] == ["link@mzkt.by"]
    assert e.attributes["website"] == ["www.mzkt.by"]
    assert [(p.code, p.authority) for p in e.programs] == [("4387", "Switzerland SECO")]
    assert e.listed_on == "2021-03-22"
    assert e.amended_on == "2026-05-22"
    assert e.remarks is not None and e.remarks.count("\n") >= 3  # four justifications
    # modification snapshots are not kept in raw, only the modification dates
    assert e.raw["modification"][0] == {
        "modification-type": "amended",
        "enactment-date": "2026-05-21",
        "publication-date": "2026-05-22",
        "effective-date": "2026-05-22",
    }


def test_zamulevich_person(data: ListData) -> None:
    e = _get(data, "85396")
    assert e.type is EntityType.PERSON and e.gender == "male"
    primary = e.names[0]
    assert primary.full == "Zamulevich Dzmitry Mihaylavych"
    assert primary.parts == {
        "family": "Zamulevich",
        "given": "Dzmitry",
        "patronymic": "Mihaylavych",
    }
    assert [(n.full, n.kind, n.script, n.lang) for n in e.names[1:]] == [
        ("ЗАМУЛЕВIЧ Дзмітрьій Міхайлавіч", NameKind.ORIGINAL_SCRIPT, "Cyrl", "bel"),
        ("Zamulevich Dmitriy Mikhailovich", NameKind.VARIATION, None, "rus"),
        ("ЗАМУЛЕВИЧ Дмитрий Михайлович", NameKind.ORIGINAL_SCRIPT, "Cyrl", "rus"),
    ]
    assert [d.iso() for d in e.birth_dates] == ["1974-05-07"]
    assert e.nationalities == ["by"]
    assert [(d.type, d.number, d.country) for d in e.documents] == [
        ("passport", "BM2229283", "by"),
        ("national_id", "3070574E057PB8", "by"),
    ]
    assert e.listed_on == "2024-12-24" and e.amended_on is None
    assert e.unparsed == ["Part-owner of Vlate Logistik LLC"]


def test_vessel_object(data: ListData) -> None:
    e = _get(data, "34461")
    assert e.type is EntityType.VESSEL
    assert [n.full for n in e.names] == ["Hui Chon", "Hwang Gum San 2"]
    assert [(d.type, d.number) for d in e.documents] == [("imo", "8405270")]
    assert [p.code for p in e.programs] == ["34422"]


def test_vorontsova_fka_and_siblings(data: ListData) -> None:
    e = _get(data, "52941")
    assert e.gender == "female" and e.nationalities == ["ru"]
    assert [(n.full, n.kind) for n in e.names] == [
        ("Vorontsova Maria Vladimirovna", NameKind.PRIMARY),
        ("ВОРОНЦОВА Мария Владимировна", NameKind.ORIGINAL_SCRIPT),
        ("Putina", NameKind.FKA),
        ("Mariya Vorontsova", NameKind.AKA),
        ("Maria Faassen", NameKind.AKA),
    ]
    assert e.names[2].parts == {"family": "Putina"}  # maiden-name
    assert [d.iso() for d in e.birth_dates] == ["1985-04-28"]
    assert e.titles and e.titles[0].startswith("Co-owner of 20 % of the company Nomenko")
    assert e.links == ["President Vladimir Putin (father)"]
    assert e.remarks is not None and e.remarks.count("\n") == 3  # 2 justifications + 2 infos


def test_sniff(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    assert ch_seco.sniff(folder)
    assert ch_seco.sniff(folder / FILE)
    assert not ch_seco.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not ch_seco.sniff(data_dir / "eu-fsf/2020-04-15")
    assert not ch_seco.sniff(tmp_path / "missing.xml")


# ---------------------------------------------------------------- full-file features

_HEADER = b"""<sanctions-program ssid="4364" version-date="2024-01-01">
<program-key lang="ger">Belarus</program-key><program-key lang="eng">Belarus</program-key>
<program-name lang="ger">Verordnung \xc3\xbcber Massnahmen gegen\xc3\xbcber Belarus</program-name>
<program-name lang="eng">Ordinance on measures against Belarus (SR 946.231.116.9)</program-name>
<sanctions-set lang="eng" ssid="4387">Annex 1</sanctions-set>
<origin>EU</origin>
</sanctions-program>
<place ssid="319"><location>Minsk</location><country iso-code="BY">Belarus</country></place>
"""


def test_program_and_place_tables(tmp_path: Path, sample: bytes) -> None:
    at = sample.index(b"<target ")
    data = ch_seco.read(_write(tmp_path, sample[:at] + _HEADER + sample[at:]), "ch-seco")
    mzkt = _get(data, "44348")
    (program,) = mzkt.programs
    assert (program.code, program.authority, program.name) == (
        "Belarus",
        "Switzerland SECO",
        "Ordinance on measures against Belarus (SR 946.231.116.9)",
    )
    (address,) = mzkt.addresses
    assert (address.city, address.country) == ("Minsk", "by")
    assert address.full == "150 Partizansky Ave., 220021 Minsk, Belarus"
    assert mzkt.countries == ["by"]
    # a set id the table does not know falls back to the id itself
    assert [p.code for p in _get(data, "34461").programs] == ["34422"]


def test_relisted_target_is_emitted(tmp_path: Path, sample: bytes) -> None:
    relist = b'<modification modification-type="listed" effective-date="2020-01-01"></modification>'
    blob = sample.replace(
        b"</individual><modification", b"</individual>" + relist + b"<modification", 1
    )
    data = ch_seco.read(_write(tmp_path, blob), "ch-seco")
    assert "5142" in {e.native_id for e in data.entities}
    assert len(data.warnings) == 2


# ---------------------------------------------------------------- bad input


def test_truncated_mid_record(tmp_path: Path, sample: bytes) -> None:
    cut = sample.index(b"<identification-document ")
    with pytest.raises(ListFormatError) as info:
        ch_seco.read(_write(tmp_path, sample[:cut]), "ch-seco")
    assert info.value.line == 8  # the Zamulevich target line, cut off
    assert "truncated" in info.value.reason


def test_malformed(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b"<value>Hui Chon</value>", b"<value>Hui Chon</valu>", 1)
    with pytest.raises(ListFormatError) as info:
        ch_seco.read(_write(tmp_path, bad), "ch-seco")
    assert info.value.line == 9


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        ch_seco.read(_write(tmp_path, b"\n"), "ch-seco")


def test_other_formats(data_dir: Path) -> None:
    with pytest.raises(ListFormatError, match="not a Swiss sanctions list"):
        ch_seco.read(data_dir / "un/2026-02-27/consolidated.xml", "ch-seco")
    with pytest.raises(ListFormatError):
        ch_seco.read(data_dir / "bis-dpl/2019-07-09/dpl.txt", "ch-seco")
    with pytest.raises(ListFormatError, match="no Swiss"):
        ch_seco.read(data_dir / "un/2026-02-27", "ch-seco")


def test_target_without_ssid(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b'<target ssid="34461">', b"<target>", 1)
    with pytest.raises(ListFormatError, match="no ssid") as info:
        ch_seco.read(_write(tmp_path, bad), "ch-seco")
    assert (info.value.line, info.value.element) == (9, "target[6]")


def test_target_without_name(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b"<value>Hui Chon</value>", b"<value></value>", 1)
    bad = bad.replace(b"<value>Hwang Gum San 2</value>", b"<value> </value>", 1)
    with pytest.raises(ListFormatError, match="no name") as info:
        ch_seco.read(_write(tmp_path, bad), "ch-seco")
    assert info.value.element == "target[6]"


def test_repeated_target_is_merged(tmp_path: Path, sample: bytes) -> None:
    bad = sample.replace(b'<target ssid="52941">', b'<target ssid="34461">', 1)
    data = ch_seco.read(_write(tmp_path, bad), "ch-seco")
    assert len(data.entities) == 3
    assert any("34461 appears again; merged" in w for w in data.warnings)
    assert "Maria Faassen" in {n.full for n in _get(data, "34461").names}


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
            st.sampled_from([b"<", b'"', b"&", b"</target>", b"<target/>", b'year="x"', b"\xd0"])
        )
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
    try:
        result = ch_seco.read(_write(tmp_path, blob), "ch-seco")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
