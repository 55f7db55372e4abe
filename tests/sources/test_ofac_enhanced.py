"""OFAC Sanctions List Service ENHANCED_XML: the real file, damaged copies, fuzzing."""

from __future__ import annotations

import csv
import io
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
from watchlist.sources import ofac_csv, ofac_enhanced, ofac_xml

FOLDER = "ofac-consolidated-enhanced-xml/2025-01-10"
ZIP = FOLDER + "/CONS_ENHANCED.ZIP"


@pytest.fixture(scope="module")
def data(data_dir: Path) -> ListData:
    return ofac_enhanced.read(data_dir / FOLDER, "ofac-cons")


@pytest.fixture(scope="module")
def xml_text(data_dir: Path) -> str:
    with zipfile.ZipFile(data_dir / ZIP) as zf:
        return zf.read("CONS_ENHANCED.XML").decode("utf-8")


def _by_id(data: ListData) -> dict[str, Entity]:
    return {e.native_id: e for e in data.entities}


# ---------------------------------------------------------------- the real file


def test_counts(data: ListData) -> None:
    assert data.format == "ofac-enhanced-xml" and data.source == "ofac-cons"
    assert data.data_date == "2025-01-10"  # publicationInfo/dataAsOf
    assert data.files == ["CONS_ENHANCED.ZIP"]
    assert data.warnings == []
    types = [e.type for e in data.entities]
    assert len(types) == 443
    assert types.count(EntityType.ORGANIZATION) == 363
    assert types.count(EntityType.PERSON) == 80
    ids = [e.id for e in data.entities]
    assert len(set(ids)) == 443 and all(re.fullmatch(r"ofac-cons:\d+", i) for i in ids)
    # one name per <name> element (1,579), plus the non-Latin translations
    kinds = [n.kind for e in data.entities for n in e.names]
    assert len([k for k in kinds if k is not NameKind.ORIGINAL_SCRIPT]) == 1579
    assert kinds.count(NameKind.PRIMARY) == 443
    assert kinds.count(NameKind.AKA) == 992 and kinds.count(NameKind.FKA) == 144
    scripts = [n.script for e in data.entities for n in e.names if n.script]
    assert (scripts.count("Cyrl"), scripts.count("Hans"), scripts.count("Hant")) == (39, 5, 1)
    programs = [p.code for e in data.entities for p in e.programs]
    assert programs.count("UKRAINE-EO13662") == 286
    assert programs.count("RUSSIA-EO14024") == 82
    assert programs.count("NS-PLC") == 78
    assert programs.count("CMIC-EO13959") == 68
    assert all(not e.unparsed for e in data.entities)


def test_ids_are_the_legacy_uids(data: ListData, data_dir: Path) -> None:
    """The enhanced entity id is OFAC's ent_num: the same ids as the legacy CSV/XML."""
    text = (data_dir / "ofac-consolidated/2025-12-19/cons_prim.csv").read_text("ascii")
    csv_ids = {row[0] for row in csv.reader(io.StringIO(text)) if row and row[0].isdigit()}
    ids = {e.native_id for e in data.entities}
    assert len(ids & csv_ids) == 442 and ids - csv_ids == {"26182"}
    legacy = _by_id(ofac_xml.read(data_dir / "ofac-consolidated-xml/2020-03-17", "ofac-cons"))
    by = _by_id(data)
    assert by["17013"].names[0].full == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert "VTB BANK OAO" in {n.full for n in by["17013"].names}  # the 2020 primary name
    assert legacy["17013"].name == "VTB BANK OAO"
    assert by["26182"].name == legacy["26182"].name == "KAYAKIRAN, Evren"


def test_primary_names_as_in_the_csv(data: ListData, data_dir: Path) -> None:
    """Primary names are written as the CSV writes them ("LASTNAME, Firstname")."""
    csv_names = {
        e.native_id: e.name
        for e in ofac_csv.read(data_dir / "ofac-consolidated/2025-12-19", "ofac-cons").entities
    }
    differ = {e.native_id for e in data.entities if csv_names.get(e.native_id, e.name) != e.name}
    assert differ == {"18284"}  # renamed between January and December 2025
    assert _by_id(data)["9647"].name == csv_names["9647"] == "ZAHHAR, Mahmoud Khaled"


def test_russian_bank_18268(data: ListData) -> None:
    e = _by_id(data)["18268"]
    assert e.id == "ofac-cons:18268" and e.type is EntityType.ORGANIZATION
    assert e.name == "EXIMBANK OF RUSSIA JSC"
    assert e.names[0].kind is NameKind.PRIMARY and e.names[0].parts == {}
    aliases = [(n.full, n.kind, n.strength) for n in e.names[1:] if n.script is None]
    assert len(aliases) == 7
    assert ("ROSEKSIMBANK, ZAO", NameKind.AKA, STRONG) in aliases
    cyrillic = [n for n in e.names if n.script == "Cyrl"]
    assert [n.full for n in cyrillic] == [
        "ГОСУДАРСТВЕННЫЙ СПЕЦИАЛИЗИРОВАННЫЙ РОССИЙСКИЙ ЭКСПОРТНО-ИМПОРТНЫЙ БАНК "
        "АКЦИОНЕРНОЕ ОБЩЕСТВО",
        "АО РОСЭКСИМБАНК",
    ]
    assert all(n.kind is NameKind.ORIGINAL_SCRIPT for n in cyrillic)
    docs = {(d.type, d.number, d.country, d.note) for d in e.documents}
    assert docs == {
        ("swift_bic", "EXIRRUMM", None, "SWIFT/BIC"),  # a feature
        ("registration", "1027739109133", "ru", "Registration Number"),
        ("tax_id", "7704001959", "ru", "Tax ID No."),
        ("registration", "253400HA6URWT39X2982", None, "Legal Entity Number"),
    }
    assert e.attributes["website"] == ["eximbank.ru"]
    assert e.attributes["organization_established_date"] == ["24 May 1994"]
    assert e.attributes["target_type"] == ["Financial Institution"]
    assert e.attributes["executive_order_13662"] == [
        "Directive Determination - Subject to Directive 1"
    ]
    assert e.attributes["secondary_sanctions_risk"] == [
        "Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 and/or 589.209",
        "See Section 11 of Executive Order 14024",
    ]
    assert e.attributes["sanctions_list"] == [
        "Sectoral Sanctions Identifications List",
        "Consolidated List",
        "SDN List",
    ]
    assert e.attributes["legal_authority"] == [
        "Executive Order 13662 (Ukraine)",
        "Executive Order 14024 (Russia)",
    ]
    assert e.listed_on == "2015-07-30"
    assert e.measures == ["asset_freeze", "sectoral_sanctions"]
    assert [p.code for p in e.programs] == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert e.links == [
        "STATE CORPORATION BANK FOR DEVELOPMENT AND FOREIGN ECONOMIC AFFAIRS VNESHECONOMBANK"
    ]
    assert e.attributes["relationship"][0].startswith("Owned or Controlled By: STATE")
    assert e.attributes["relationship"][0].endswith("(17015)")
    (addr,) = e.addresses
    assert addr.full == "12 Krasnopresnenskaya Embankments, Moscow 123610, Russia"
    assert (addr.street, addr.city, addr.postal_code, addr.country) == (
        "12 Krasnopresnenskaya Embankments",
        "Moscow",
        "123610",
        "ru",
    )
    assert e.countries == ["ru"]
    assert e.remarks is not None and e.remarks.startswith("All offices worldwide;")
    assert e.attributes["offices"] == ["All offices worldwide"]
    assert e.raw["id"] == "18268" and len(e.raw["names"]) == 8
    json.dumps(e.raw)


def test_individual_9647(data: ListData) -> None:
    e = _by_id(data)["9647"]
    assert e.type is EntityType.PERSON
    assert e.names[0].parts == {"family": "ZAHHAR", "given": "Mahmoud Khaled"}
    assert [(n.full, n.strength) for n in e.names[1:]] == [
        ("AL ZAHAR, Mahmoud Khaled", STRONG),
        ("ZAHAR, Mahmoud", WEAK),  # isLowQuality
        ("AL-ZAHAR, Mahmoud", WEAK),
    ]
    (dob,) = e.birth_dates
    assert (dob.text, dob.year, dob.month) == ("1945", 1945, None)
    assert e.birth_places == ["Gaza Strip"]
    assert e.nationalities == ["ps"] and e.gender == "male"
    assert e.links == ["HAMAS"]
    assert e.attributes["secondary_sanctions_risk"] == [
        "section 1(b) of Executive Order 13224, as amended by Executive Order 13886"
    ]
    assert [a.full for a in e.addresses] == ["Gaza"] and e.addresses[0].region == "Gaza"
    assert e.listed_on == "2006-04-12"
    assert e.measures == ["transaction_ban", "asset_freeze"]  # Reject, Block


def test_individual_with_documents_50476(data: ListData) -> None:
    e = _by_id(data)["50476"]
    assert e.name == "MARTELLY, Michel Joseph"
    assert e.names[0].parts == {"family": "MARTELLY", "given": "Michel Joseph"}
    assert ("Sweet Micky", WEAK) in {(n.full, n.strength) for n in e.names}
    docs = {(d.type, d.number, d.country) for d in e.documents}
    assert docs == {
        ("national_id", "0032768386", "ht"),
        ("drivers_license", "M634550610520", "us"),
    }
    assert e.birth_dates[0].iso() == "1961-02-12"
    assert e.birth_places == ["Port-au-Prince, Haiti"] and e.nationalities == ["ht"]
    assert e.measures == ["menu_based_sanctions"]
    assert "executive_order_14059" in e.attributes


def test_chinese_company_features(data: ListData) -> None:
    e = _by_id(data)["33113"]
    assert [(n.full, n.kind, n.script) for n in e.names] == [
        ("DAWNING INFORMATION INDUSTRY CO., LTD", NameKind.PRIMARY, None),
        ("SUGON", NameKind.AKA, None),
        ("曙光信息产业股份有限公司", NameKind.ORIGINAL_SCRIPT, "Hans"),
    ]
    assert e.attributes["isin"] == ["CNE100001TW7"]
    assert e.attributes["equity_ticker"] == ["603019CN"]
    assert e.attributes["listing_date"] == ["16 Dec 2021 (CMIC)"]
    assert e.measures == ["investment_ban"]
    assert e.documents[0].type == "registration" and e.documents[0].number.startswith("9112")


def test_vessel_and_document_dates_mapping() -> None:
    """Fields the consolidated file does not use (vessels, document dates), as a record."""
    day = {"fromDateBegin": "2007-11-14", "toDateEnd": "2007-11-14", "isApproximate": "false"}
    rec = ofac_enhanced.RawEntity(
        1,
        5,
        {
            "id": "777",
            "generalInfo": {"entityType": "Vessel", "remarks": "(Linked To: OCEAN LINE)"},
            "names": [
                {
                    "isPrimary": "true",
                    "isLowQuality": "false",
                    "translations": [
                        {"isPrimary": "true", "script": "Latin", "formattedFullName": "SEA STAR"}
                    ],
                }
            ],
            "features": [
                {"type": "Vessel Flag", "value": "Iran", "isPrimary": "true"},
                {"type": "Vessel Call Sign", "value": "9BXX", "isPrimary": "true"},
                {"type": "VESSEL TYPE", "value": "Crude Oil Tanker", "isPrimary": "true"},
                {"type": "MMSI", "value": "422000000", "isPrimary": "true"},
            ],
            "identityDocuments": [
                {
                    "type": "Vessel Registration Identification",
                    "documentNumber": "IMO 9187629",
                    "isValid": "true",
                },
                {
                    "type": "Passport",
                    "documentNumber": "A123456",
                    "isValid": "false",
                    "issuingCountry": "Iran",
                    "issueDate": day,
                    "expirationDate": {
                        **day,
                        "fromDateBegin": "2012-11-12",
                        "toDateEnd": "2012-11-12",
                    },
                },
            ],
            "sanctionsPrograms": ["IRAN"],
            "sanctionsTypes": ["Block"],
            "sanctionsLists": [{"value": "SDN List", "datePublished": "2019-05-01"}],
        },
    )
    e, warnings = ofac_enhanced.to_entity(rec, "ofac-sdn")
    assert warnings == []
    assert e.type is EntityType.VESSEL and e.name == "SEA STAR" and e.id == "ofac-sdn:777"
    assert e.attributes["vessel_flag"] == ["Iran"] and e.countries == ["ir"]
    assert e.attributes["call_sign"] == ["9BXX"]
    assert e.attributes["vessel_type"] == ["Crude Oil Tanker"]
    docs = {d.number: d for d in e.documents}
    assert docs["9187629"].type == "imo" and docs["422000000"].type == "mmsi"
    passport = docs["A123456"]
    assert (passport.type, passport.country) == ("passport", "ir")
    assert passport.note == "Passport; issued 14 Nov 2007 expires 12 Nov 2012; not valid"
    assert e.links == ["OCEAN LINE"] and e.listed_on == "2019-05-01"
    assert e.measures == ["asset_freeze"]


def test_period_text() -> None:
    def p(a: str, b: str, approx: str = "false") -> dict[str, str]:
        return {"fromDateBegin": a, "toDateEnd": b, "isApproximate": approx}

    assert ofac_enhanced.period_text(p("2007-11-14", "2007-11-14")) == "14 Nov 2007"
    assert ofac_enhanced.period_text(p("1975-01-01", "1975-12-31")) == "1975"
    assert ofac_enhanced.period_text(p("1955-01-01", "1958-12-31")) == "1955 to 1958"
    assert ofac_enhanced.period_text(p("1961-04-01", "1961-04-30")) == "Apr 1961"
    assert ofac_enhanced.period_text(p("1960-01-01", "1960-12-31", "true")) == "circa 1960"
    assert ofac_enhanced.period_text({"fromDateBegin": "soon"}) is None
    assert ofac_enhanced.period_text("1975") is None


def test_sniff(data_dir: Path, tmp_path: Path, xml_text: str) -> None:
    assert ofac_enhanced.sniff(data_dir / FOLDER)
    assert ofac_enhanced.sniff(data_dir / ZIP)
    assert not ofac_enhanced.sniff(data_dir / "ofac-sdn-xml/2020-04-22/sdn.xml")
    assert not ofac_enhanced.sniff(data_dir / "ofac-consolidated-xml/2020-03-17")
    assert not ofac_enhanced.sniff(data_dir / "ofac-consolidated/2025-12-19")
    assert not ofac_enhanced.sniff(data_dir / "un/2026-02-27/consolidated.xml")
    assert not ofac_enhanced.sniff(tmp_path / "missing.zip")
    plain = tmp_path / "CONS_ENHANCED.XML"  # the unzipped file reads too
    plain.write_text(xml_text, encoding="utf-8")
    assert ofac_enhanced.sniff(plain) and ofac_enhanced.sniff(tmp_path)
    assert len(ofac_enhanced.read(plain, "ofac-cons").entities) == 443
    garbage = tmp_path / "SDN_ENHANCED.ZIP"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    assert not ofac_enhanced.sniff(garbage)


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small(xml_text: str) -> bytes:
    """The real header (a few lookup values) and three real entities, closed properly."""
    head = xml_text[: xml_text.index("<referenceValues>")]
    refs = re.findall(r"<referenceValue refId.*?</referenceValue>", xml_text, re.S)[:3]
    types = re.findall(r"<featureType .*?</featureType>", xml_text, re.S)[:2]
    entities = [
        re.search(rf'<entity id="{i}">.*?</entity>', xml_text, re.S).group(0)  # type: ignore[union-attr]
        for i in ("9647", "18268", "50476")
    ]
    body = (
        "<referenceValues>\n" + "\n".join(refs) + "\n</referenceValues>\n"
        "<featureTypes>\n" + "\n".join(types) + "\n</featureTypes>\n"
        "<entities>\n" + "\n".join(entities) + "\n</entities>\n</sanctionsData>\n"
    )
    return (head + body).encode("utf-8")


def _write(tmp_path: Path, data: bytes, name: str = "CONS_ENHANCED.XML") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _zip(tmp_path: Path, data: bytes) -> Path:
    p = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("CONS_ENHANCED.XML", data)
    return p


def test_small_sample_reads(tmp_path: Path, small: bytes) -> None:
    data = ofac_enhanced.read(_zip(tmp_path, small), "ofac-cons")
    assert [e.native_id for e in data.entities] == ["9647", "18268", "50476"]
    assert data.data_date == "2025-01-10" and data.warnings == []


def test_truncated_mid_entity(tmp_path: Path, small: bytes) -> None:
    cut = small.index(b"<features>", small.index(b'<entity id="18268">'))
    for path in (_write(tmp_path, small[:cut]), _zip(tmp_path, small[:cut])):
        with pytest.raises(ListFormatError) as info:
            ofac_enhanced.read(path, "ofac-cons")
        assert info.value.line is not None and info.value.line > 100
        assert "truncated" in info.value.reason
    zipped = _zip(tmp_path, small).read_bytes()
    with pytest.raises(ListFormatError, match="zip"):  # the archive itself cut short
        ofac_enhanced.read(_write(tmp_path, zipped[: len(zipped) // 2], "CONS.ZIP"), "x")


def test_malformed(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b"</formattedLastName>", b"</formattedLastNam>", 1)
    with pytest.raises(ListFormatError) as info:
        ofac_enhanced.read(_write(tmp_path, bad), "ofac-cons")
    assert info.value.line is not None


def test_bad_bytes(tmp_path: Path, small: bytes) -> None:
    pos = small.index(b"ZAHHAR")
    bad = small[:pos] + b"\xff\xfe\xfa" + small[pos + 3 :]
    with pytest.raises(ListFormatError):
        ofac_enhanced.read(_write(tmp_path, bad), "ofac-cons")


def test_empty(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="empty"):
        ofac_enhanced.read(_write(tmp_path, b""), "ofac-cons")
    with pytest.raises(ListFormatError, match="zip archive holds no file"):
        p = tmp_path / "SDN_ENHANCED.ZIP"
        with zipfile.ZipFile(p, "w"):
            pass
        ofac_enhanced.read(p, "ofac-cons")
    with pytest.raises(ListFormatError, match="no <entities>"):
        ofac_enhanced.read(_write(tmp_path, b"<sanctionsData/>"), "x")


def test_other_formats(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="not an OFAC enhanced XML"):
        ofac_enhanced.read(data_dir / "ofac-sdn-xml/2020-04-22/sdn.xml", "ofac-sdn")
    with pytest.raises(ListFormatError) as info:  # a CSV given to it
        ofac_enhanced.read(data_dir / "ofac-consolidated/2025-12-19/cons_prim.csv", "ofac-cons")
    assert info.value.line == 1
    with pytest.raises(ListFormatError, match="no OFAC enhanced XML file"):
        ofac_enhanced.read(data_dir / "ofac-consolidated/2025-12-19", "ofac-cons")
    garbage = tmp_path / "CONS_ENHANCED.ZIP"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(ListFormatError, match="zip"):
        ofac_enhanced.read(garbage, "ofac-cons")
    other = tmp_path / "other"
    other.mkdir()
    with zipfile.ZipFile(other / "CONS_ENHANCED.ZIP", "w") as zf:
        zf.writestr("CONS_ENHANCED.XML", b"\x00\x01 not xml at all")
    with pytest.raises(ListFormatError):
        ofac_enhanced.read(other, "ofac-cons")


def test_entity_without_id_or_name(tmp_path: Path, small: bytes) -> None:
    bad = small.replace(b'<entity id="18268">', b"<entity>")
    with pytest.raises(ListFormatError, match="no id") as info:
        ofac_enhanced.read(_write(tmp_path, bad), "ofac-cons")
    assert info.value.element == "entity #2" and info.value.line is not None
    bad = small.replace(b'<entity id="18268">', b'<entity id="abc">')
    with pytest.raises(ListFormatError, match="not a number"):
        ofac_enhanced.read(_write(tmp_path, bad), "ofac-cons")
    bad = re.sub(rb'(<entity id="9647">.*?)<names>.*?</names>', rb"\1", small, flags=re.S)
    with pytest.raises(ListFormatError, match="no name") as info:
        ofac_enhanced.read(_write(tmp_path, bad), "ofac-cons")
    assert info.value.element == "entity #1"


def test_odd_values_are_warnings(tmp_path: Path, small: bytes) -> None:
    odd = small.replace(b">Individual</entityType>", b">Robot</entityType>", 1)
    odd = odd.replace(b">Website</type>", b">Carrier Pigeon</type>", 1)
    odd = odd.replace(b"<dataAsOf>2025-01-10T00:00:00</dataAsOf>", b"<dataAsOf>x</dataAsOf>")
    data = ofac_enhanced.read(_write(tmp_path, odd), "ofac-cons")
    assert data.data_date is None
    by = _by_id(data)
    assert by["9647"].type is EntityType.UNKNOWN
    assert by["18268"].attributes["carrier_pigeon"] == ["eximbank.ru"]
    assert any("Robot" in w for w in data.warnings)
    assert any("Carrier Pigeon" in w and "entity #2" in w for w in data.warnings)
    assert any("dataAsOf" in w for w in data.warnings)


def test_repeated_id_is_merged(tmp_path: Path, small: bytes) -> None:
    dup = small.replace(b'<entity id="50476">', b'<entity id="9647">')
    data = ofac_enhanced.read(_write(tmp_path, dup), "ofac-cons")
    assert [e.native_id for e in data.entities] == ["9647", "18268"]
    assert any("9647" in w and "merged" in w for w in data.warnings)
    e = data.entities[0]
    assert e.name == "ZAHHAR, Mahmoud Khaled"
    assert "MARTELLY, Michel Joseph" in {n.full for n in e.names}
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
        junk = draw(st.sampled_from([b"<", b">", b"&", b"</entity>", b"<X>", b"\x00", b"\xc3"]))
        junk = draw(st.one_of(st.just(junk), st.binary(min_size=1, max_size=16)))
        return base[:at] + junk + base[at:]
    end = draw(st.integers(at, min(n, at + 600)))
    return base[:at] + base[end:]


_XML_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cc", "Cs", "Cn")), st.sampled_from(" \t\n;,()'-")
    ),
    max_size=30,
)


@st.composite
def _reshaped(draw: st.DrawFn, base: bytes) -> bytes:
    """Well-formed XML with odd content: a value or attribute replaced, an element dropped,
    doubled or given a child of its own name."""
    root = etree.fromstring(base)
    elements = list(root.iter(etree.Element))[1:]
    for _ in range(draw(st.integers(1, 4))):
        el = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "attr", "drop", "double", "nest"]))
        parent = el.getparent()
        if op == "text":
            el.text = draw(_XML_TEXT)
        elif op == "attr":
            el.set(draw(st.sampled_from(["id", "datePublished", "entityId"])), draw(_XML_TEXT))
        elif op == "drop" and parent is not None:
            parent.remove(el)
        elif op == "double" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(el)))
        elif op == "nest":
            etree.SubElement(el, el.tag).text = draw(_XML_TEXT)
    return etree.tostring(root)


def _read_or_refuse(path: Path) -> None:
    try:
        result = ofac_enhanced.read(path, "ofac-cons")
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
    blob = data.draw(_mutated(small))
    zipped = data.draw(st.booleans())
    _read_or_refuse(_zip(tmp_path, blob) if zipped else _write(tmp_path, blob))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzz_read_structure(tmp_path: Path, small: bytes, data: st.DataObject) -> None:
    _read_or_refuse(_write(tmp_path, data.draw(_reshaped(small))))
