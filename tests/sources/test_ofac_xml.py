"""OFAC legacy XML (sdn.xml / consolidated.xml): real files, damaged copies, fuzzing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from watchlist.errors import ListFormatError
from watchlist.model import STRONG, WEAK, Entity, EntityType, ListData, NameKind
from watchlist.sources import ofac_csv, ofac_xml

SDN = "ofac-sdn-xml/2020-04-22"
CONS = "ofac-consolidated-xml/2020-03-17"
CONS_FILE = CONS + "/sample_ofac_consolidated.xml"


@pytest.fixture(scope="module")
def sdn(data_dir: Path) -> ListData:
    return ofac_xml.read(data_dir / SDN, "ofac-sdn")


@pytest.fixture(scope="module")
def cons(data_dir: Path) -> ListData:
    return ofac_xml.read(data_dir / CONS, "ofac-cons")


def _by_id(data: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in data.entities}


# ---------------------------------------------------------------- real files


def test_sdn_extract_counts(sdn: ListData) -> None:
    assert sdn.format == "ofac-xml" and sdn.source == "ofac-sdn"
    assert sdn.data_date == "2020-04-22"  # Publish_Date 04/22/2020 (mm/dd/yyyy)
    assert sdn.files == ["sdn.xml"]
    assert [e.native_id for e in sdn.entities] == [
        "10689",
        "18619",
        "19187",
        "19188",
        "12057",
        "15496",
        "15497",
    ]
    assert [e.type for e in sdn.entities].count(EntityType.PERSON) == 5
    # the header still says the full list's Record_Count: an extract, so a warning only
    (warning,) = sdn.warnings
    assert "8197" in warning and "7" in warning and "extract" in warning


def test_consolidated_counts(cons: ListData) -> None:
    assert cons.data_date == "2020-03-17"
    assert cons.files == ["sample_ofac_consolidated.xml"]
    assert cons.warnings == []  # Record_Count 375 = entries
    types = [e.type for e in cons.entities]
    assert len(types) == 375
    assert types.count(EntityType.ORGANIZATION) == 293
    assert types.count(EntityType.PERSON) == 82
    ids = [e.id for e in cons.entities]
    assert len(set(ids)) == 375 and all(re.fullmatch(r"ofac-cons:\d+", i) for i in ids)
    programs = [p.code for e in cons.entities for p in e.programs]
    assert programs.count("UKRAINE-EO13662") == 290
    assert programs.count("NS-PLC") == 78
    assert all(p.authority == "US OFAC" for e in cons.entities for p in e.programs)
    kinds = [(n.kind, n.strength) for e in cons.entities for n in e.names]
    assert kinds.count((NameKind.AKA, STRONG)) == 801
    assert kinds.count((NameKind.AKA, WEAK)) == 29
    assert kinds.count((NameKind.FKA, STRONG)) == 83
    assert all(not e.unparsed for e in cons.entities)


def test_saeed_10689(sdn: ListData) -> None:
    e = _by_id(sdn)["10689"]
    assert e.id == "ofac-sdn:10689" and e.type is EntityType.PERSON
    assert e.name == "SAEED, Muhammad"
    primary = e.names[0]
    assert primary.kind is NameKind.PRIMARY and primary.strength is None
    assert primary.parts == {"family": "SAEED", "given": "Muhammad"}
    aliases = [(n.full, n.strength) for n in e.names[1:]]
    assert len(aliases) == 10
    assert aliases[0] == ("SAEED, Hafiz Muhammad", STRONG)
    assert ("SAEED HAFIZ, Muhammad", STRONG) in aliases
    assert aliases[-2:] == [("HAFIZ SAHIB", WEAK), ("TATA JI", WEAK)]  # weak ones last
    assert all(n.kind is NameKind.AKA for n in e.names[1:])
    assert e.names[-1].parts == {}  # a single-part alias has no given/family split
    (dob,) = e.birth_dates
    assert (dob.year, dob.month, dob.day, dob.text) == (1950, 6, 5, "05 Jun 1950")
    assert e.birth_places == ["Sargodha, Punjab, Pakistan"]
    assert e.nationalities == ["pk"]
    docs = {d.number: d for d in e.documents}
    assert set(docs) == {"A5250088", "BE5978421", "23250460642", "3520025509842-7"}
    assert docs["BE5978421"].type == "passport" and docs["BE5978421"].country == "pk"
    assert docs["BE5978421"].note == "Passport; issued 14 Nov 2007 expires 12 Nov 2012"
    assert docs["A5250088"].type == "passport"  # idNumber "Booklet A5250088"
    assert docs["A5250088"].note == "Passport; Booklet"
    assert docs["23250460642"].type == "national_id"
    assert docs["23250460642"].note == "National ID No."
    (addr,) = e.addresses
    assert addr.street == "House No. 116 E, Mohalla Johar, Town: Lahore, Tehsil:"
    assert addr.city == "Lahore City, Lahore District" and addr.country == "pk"
    assert addr.full.endswith("Lahore City, Lahore District, Pakistan")
    assert [p.code for p in e.programs] == ["SDGT"]
    assert e.remarks is None and e.unparsed == []
    assert e.raw["uid"] == "10689" and len(e.raw["akaList"]) == 10
    json.dumps(e.raw)  # raw is plain JSON data


def test_naqdi_12057(sdn: ListData) -> None:
    e = _by_id(sdn)["12057"]
    assert e.name == "NAQDI, Mohammad Reza"
    assert [n.full for n in e.names][:3] == [
        "NAQDI, Mohammad Reza",
        "NAGHDI, Mohammad Reza",
        "SHAMS, Mohammad Reza",
    ]
    assert len(e.names) == 8
    assert [p.code for p in e.programs] == [
        "IFSR",
        "IRGC",
        "NPWMD",
        "IRAN-HR",
        "SDGT",
        "IRAN-EO13876",
    ]
    assert e.titles == [
        "Brigadier General and Commander of the IRGC Basij Resistance Force",
        "President of the Organization of the Basij of the Oppressed",
        "Chief of the Mobilization of the Oppressed Organization",
        "Head of the Basij",  # from the remarks
    ]
    assert e.remarks == "Head of the Basij"
    assert e.gender == "male"  # idType Gender
    assert e.documents == []  # neither id is a document
    assert e.attributes["additional_sanctions_information"] == ["Subject to Secondary Sanctions"]
    dobs = [(d.text, d.year, d.month, d.year_to) for d in e.birth_dates]
    assert dobs == [
        ("1951 to 1953", 1951, None, 1953),
        ("1960 to 1962", 1960, None, 1962),
        ("Apr 1961", 1961, 4, None),
        ("1953", 1953, None, None),
    ]
    assert e.birth_places == ["Najaf, Iraq", "Tehran, Iran"]
    assert e.nationalities == ["ir"] and e.countries == ["ir"]


def test_date_ranges_and_links(sdn: ListData) -> None:
    by = _by_id(sdn)
    khan = by["18619"]
    assert [(d.year, d.year_to) for d in khan.birth_dates] == [(1976, 1978), (1977, 1979)]
    assert khan.birth_dates[0].text == "01 Jan 1976 to 31 Dec 1978"
    yakuza = by["15496"]
    assert yakuza.remarks == "(Linked To: SUMIYOSHI-KAI)"
    assert yakuza.links == ["SUMIYOSHI-KAI"] and yakuza.unparsed == []
    assert yakuza.addresses[0].full == "c/o 6-4-21 Akasaka, Minato-ku, Tokyo, Japan"


def test_entity_with_tax_id(sdn: ListData) -> None:
    e = _by_id(sdn)["19187"]
    assert e.type is EntityType.ORGANIZATION and e.name == "TROLL PROPERTIES, INC."
    assert e.names[0].parts == {}  # no name parts for organisations
    (doc,) = e.documents
    assert (doc.type, doc.number, doc.country, doc.note) == (
        "tax_id",
        "991715-1-534344",
        "pa",
        "RUC #",
    )
    assert e.addresses[0].full == "Panama" and e.countries == ["pa"]


def test_consolidated_records(cons: ListData) -> None:
    by = _by_id(cons)
    vtb = by["17013"]
    assert vtb.name == "VTB BANK OAO" and len(vtb.names) == 11
    assert ("VNESHTORGBANK", NameKind.FKA) in {(n.full, n.kind) for n in vtb.names}
    assert {(d.type, d.number) for d in vtb.documents} == {
        ("registration", "00032520"),
        ("tax_id", "7702070139"),
        ("registration", "1000"),
        ("registration", "1027739609391"),
        ("swift_bic", "VTBRRUMM"),
    }
    assert vtb.attributes["website"] == ["www.vtb.com"]
    assert vtb.attributes["executive_order_13662"] == [
        "Directive Determination - Subject to Directive 1"
    ]
    assert vtb.addresses[0].full == "29, Bolshaya Morskaya str., St. Petersburg 190000, Russia"
    assert vtb.addresses[0].postal_code == "190000"
    person = by["26182"]
    assert person.name == "KAYAKIRAN, Evren" and person.gender == "male"
    assert person.citizenships == ["tr"]
    (passport,) = person.documents
    assert (passport.type, passport.number, passport.country) == ("passport", "U00242309", "tr")
    assert person.birth_dates[0].iso() == "1980-02-08"
    hebron = by["9642"]
    (addr,) = hebron.addresses
    assert (addr.city, addr.region, addr.full) == (
        "Hebron",
        "West Bank",
        "Hebron, West Bank, Palestinian",
    )
    linked = [e for e in cons.entities if "OPEN JOINT STOCK COMPANY GAZPROM" in e.links]
    assert len(linked) == 51


def test_same_fields_as_the_csv(sdn: ListData, data_dir: Path, tmp_path: Path) -> None:
    """The XML and the CSV of the SDN list map the same records alike (only the remarks
    text differs: the XML has structured fields where the CSV packs them in remarks)."""
    uids = {e.native_id for e in sdn.entities}
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):  # just these records
        lines = (data_dir / "ofac-sdn/2021-07-07" / name).read_bytes().splitlines(keepends=True)
        keep = [line for line in lines if line.split(b",", 1)[0] in {u.encode() for u in uids}]
        (tmp_path / name).write_bytes(b"".join(keep))
    csv = _by_id(ofac_csv.read(tmp_path, "ofac-sdn"))
    assert set(csv) == uids

    def comparable(e: Entity) -> dict[str, object]:
        d = e.to_dict()
        for key in ("raw", "remarks"):
            d.pop(key, None)
        for key in ("names", "documents", "programs", "addresses"):
            d[key] = sorted(json.dumps(x, sort_keys=True) for x in d.get(key, []))
        return d

    for e in sdn.entities:
        assert comparable(e) == comparable(csv[e.native_id]), e.native_id


def test_vessel_info_mapping() -> None:
    entry = ofac_xml.RawEntry(
        1,
        10,
        {
            "uid": "9999",
            "lastName": "SEA STAR",
            "sdnType": "Vessel",
            "programList": ["IRAN"],
            "idList": [
                {
                    "uid": "1",
                    "idType": "Vessel Registration Identification",
                    "idNumber": "IMO 9187629",
                },
                {"uid": "2", "idType": "MMSI", "idNumber": "422000000"},
                {"uid": "3", "idType": "Quux Code", "idNumber": "QX-12"},
            ],
            "vesselInfo": {
                "callSign": "9BXX",
                "vesselType": "Crude Oil Tanker",
                "vesselFlag": "Iran",
                "vesselOwner": "NITC",
                "grossRegisteredTonnage": "156000",
            },
        },
    )
    e, warnings = ofac_xml.to_entity(entry, "ofac-sdn")
    assert e.type is EntityType.VESSEL and e.name == "SEA STAR"
    assert e.attributes["call_sign"] == ["9BXX"]
    assert e.attributes["vessel_flag"] == ["Iran"] and e.countries == ["ir"]
    assert e.attributes["gross_registered_tonnage"] == ["156000"]
    docs = {(d.type, d.number) for d in e.documents}
    assert {("imo", "9187629"), ("mmsi", "422000000"), ("other", "QX-12")} <= docs
    assert len(warnings) == 1 and "Quux Code" in warnings[0]


def test_read_the_file_or_a_zip(data_dir: Path, tmp_path: Path) -> None:
    assert len(ofac_xml.read(data_dir / CONS_FILE, "ofac-cons").entities) == 375
    z = tmp_path / "sdn_xml.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(data_dir / SDN / "sdn.xml", "sdn.xml")
    assert ofac_xml.sniff(z)
    assert len(ofac_xml.read(z, "ofac-sdn").entities) == 7
    assert ofac_xml.sniff(tmp_path)  # a folder with the official zip name


def test_sniff(data_dir: Path, tmp_path: Path) -> None:
    assert ofac_xml.sniff(data_dir / SDN)
    assert ofac_xml.sniff(data_dir / SDN / "sdn.xml")
    assert ofac_xml.sniff(data_dir / CONS)  # found by content: not an official name
    assert not ofac_xml.sniff(data_dir / "ofac-consolidated-enhanced-xml/2025-01-10")
    assert not ofac_xml.sniff(
        data_dir / "ofac-consolidated-enhanced-xml/2025-01-10/CONS_ENHANCED.ZIP"
    )
    assert not ofac_xml.sniff(data_dir / "ofac-sdn/2021-07-07")
    assert not ofac_xml.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not ofac_xml.sniff(tmp_path / "missing.xml")
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert not ofac_xml.sniff(empty)
    garbage = tmp_path / "x.zip"
    garbage.write_bytes(b"PK\x03\x04garbage")
    assert not ofac_xml.sniff(garbage)


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small(data_dir: Path) -> bytes:
    """The header and the first three entries of the real sdn.xml, closed properly."""
    text = (data_dir / SDN / "sdn.xml").read_text(encoding="ascii")
    entries = re.findall(r"  <sdnEntry>.*?</sdnEntry>\n", text, re.S)[:3]
    head = text[: text.index("  <sdnEntry>")]
    return (head + "".join(entries) + "</sdnList>\n").encode("ascii")


def _write(tmp_path: Path, data: bytes, name: str = "sdn.xml") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_small_sample_reads(tmp_path: Path, small: bytes) -> None:
    data = ofac_xml.read(_write(tmp_path, small), "ofac-sdn")
    assert [e.native_id for e in data.entities] == ["10689", "18619", "19187"]


def test_truncated_mid_entry(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"<akaList>", small.index(b"<uid>18619</uid>"))
    with pytest.raises(ListFormatError) as info:
        ofac_xml.read(_write(tmp_path, small[:cut]), "ofac-sdn")
    assert info.value.line is not None and info.value.line > 100
    assert "sdn.xml" in str(info.value) and "truncated" in info.value.reason


def test_malformed(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b"</lastName>", b"</lastNam>", 1)
    with pytest.raises(ListFormatError) as info:
        ofac_xml.read(_write(tmp_path, bad), "ofac-sdn")
    assert info.value.line == 10  # <lastName>SAEED</lastName>


def test_bad_bytes(tmp_path: Path, small: bytes) -> None:
    pos = small.index(b"SAEED")
    bad = small[:pos] + b"\xff\xfe\xfa" + small[pos + 3 :]
    with pytest.raises(ListFormatError):
        ofac_xml.read(_write(tmp_path, bad), "ofac-sdn")


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        ofac_xml.read(_write(tmp_path, b""), "ofac-sdn")
    with pytest.raises(ListFormatError, match="no <sdnEntry>"):
        ofac_xml.read(_write(tmp_path, b'<sdnList xmlns="http://tempuri.org/sdnList.xsd"/>'), "x")


def test_other_formats(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="not an OFAC legacy XML"):
        ofac_xml.read(data_dir / "un/2026-02-27/consolidated.xml", "ofac-sdn")
    with pytest.raises(ListFormatError, match="not an OFAC legacy XML"):
        ofac_xml.read(
            data_dir / "ofac-consolidated-enhanced-xml/2025-01-10/CONS_ENHANCED.ZIP", "ofac-cons"
        )
    with pytest.raises(ListFormatError) as info:  # a CSV given to the XML reader
        ofac_xml.read(data_dir / "ofac-sdn/2021-07-07/sdn.csv", "ofac-sdn")
    assert info.value.line == 1
    with pytest.raises(ListFormatError, match="no OFAC legacy XML file"):
        ofac_xml.read(data_dir / "ofac-sdn/2021-07-07", "ofac-sdn")
    garbage = tmp_path / "sdn_xml.zip"
    garbage.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    with pytest.raises(ListFormatError, match="zip"):
        ofac_xml.read(garbage, "ofac-sdn")


def test_entry_without_uid_or_name(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b"<uid>18619</uid>", b"")
    with pytest.raises(ListFormatError, match="no <uid>") as info:
        ofac_xml.read(_write(tmp_path, bad), "ofac-sdn")
    assert info.value.element == "sdnEntry #2" and info.value.line == 145  # the line of <sdnEntry>
    bad = small.replace(b"<uid>18619</uid>", b"<uid>X18619</uid>")
    with pytest.raises(ListFormatError, match="not a number"):
        ofac_xml.read(_write(tmp_path, bad), "ofac-sdn")
    bad = small.replace(b"<lastName>TROLL PROPERTIES, INC.</lastName>", b"")
    with pytest.raises(ListFormatError, match="no name") as info:
        ofac_xml.read(_write(tmp_path, bad), "ofac-sdn")
    assert info.value.element == "sdnEntry #3"


def test_odd_values_are_warnings(tmp_path: Path, small: bytes) -> None:
    odd = small.replace(b"<sdnType>Entity</sdnType>", b"<sdnType>Spaceship</sdnType>")
    odd = odd.replace(
        b"<Publish_Date>04/22/2020</Publish_Date>", b"<Publish_Date>soon</Publish_Date>"
    )
    data = ofac_xml.read(_write(tmp_path, odd), "ofac-sdn")
    assert data.data_date is None
    assert _by_id(data)["19187"].type is EntityType.UNKNOWN
    assert any("Spaceship" in w and "sdnEntry #3" in w for w in data.warnings)
    assert any("Publish_Date" in w for w in data.warnings)


def test_repeated_uid_is_merged(tmp_path: Path, small: bytes) -> None:
    dup = small.replace(b"<uid>18619</uid>", b"<uid>10689</uid>")
    data = ofac_xml.read(_write(tmp_path, dup), "ofac-sdn")
    assert [e.native_id for e in data.entities] == ["10689", "19187"]
    assert any("10689" in w and "merged" in w for w in data.warnings)
    e = data.entities[0]
    assert e.name == "SAEED, Muhammad"
    assert "KHAN, Hafiz Saeed" in {n.full for n in e.names}
    assert len(e.raw["repeated"]) == 1


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
        junk = draw(st.sampled_from([b"<", b">", b"&", b"</sdnEntry>", b"<X>", b"\x00", b"\xc3"]))
        junk = draw(st.one_of(st.just(junk), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 400)))
    return base[:at] + base[end:]


_XML_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cc", "Cs", "Cn")), st.sampled_from(" \t\n;,()'")
    ),
    max_size=30,
)


@st.composite
def _reshaped(draw: st.DrawFn, base: bytes) -> bytes:
    """Well-formed XML with odd content: a value replaced, an element dropped or doubled."""
    root = etree.fromstring(base)
    elements = list(root.iter())[1:]
    for _ in range(draw(st.integers(1, 4))):
        el = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "drop", "double", "nest"]))
        parent = el.getparent()
        if op == "text":
            el.text = draw(_XML_TEXT)
        elif op == "drop" and parent is not None:
            parent.remove(el)
        elif op == "double" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(el)))
        elif op == "nest":
            etree.SubElement(el, el.tag).text = draw(_XML_TEXT)
    return etree.tostring(root)


def _read_or_refuse(path: Path) -> None:
    try:
        result = ofac_xml.read(path, "ofac-sdn")
    except ListFormatError:
        return
    assert isinstance(result, ListData)
    assert len({e.id for e in result.entities}) == len(result.entities)
    for e in result.entities:
        json.dumps(e.to_dict())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_bytes(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    _read_or_refuse(_write(tmp_path, data.draw(_mutated(small))))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_structure(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    _read_or_refuse(_write(tmp_path, data.draw(_reshaped(small))))
