"""The lists watchlist knows, and the formats they come in.

A *source* is a published list (``ofac-sdn``, ``un``); a *format* is one module in this
package that reads one file layout (``ofac_csv``, ``un_xml``). A source may come in several
formats (OFAC publishes CSV, legacy XML and enhanced XML of the same list); the reader is
chosen by sniffing the file. Every format module has the same shape:

    FORMAT: str                                 # e.g. "ofac-csv"
    def sniff(path: Path) -> bool               # can this module read that file or folder?
    def read(path: Path, source: str) -> ListData   # read + map to the model

and, where the records map one by one (the big lists), optionally

    def read_raw(path: Path, source: str) -> RawList  # read, mapping left to do

so that a load can map one list on several cores (``ingest.read_prepared``).

Downloading is the same for all (``fetch.py``), driven by each source's official URLs.
Adding a format is one new module and one line in ``FORMATS``.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from watchlist.errors import ListFormatError, WatchlistError
from watchlist.model import Entity, ListData, RawList

# format name -> module in this package; order is the sniffing order
FORMATS: dict[str, str] = {
    "ofac-csv": "ofac_csv",
    "ofac-xml": "ofac_xml",
    "ofac-enhanced-xml": "ofac_enhanced",
    "un-xml": "un_xml",
    "eu-fsf-xml": "eu_fsf",
    "uk-ofsi": "uk_ofsi",
    "uk-fcdo-xml": "uk_fcdo",
    "bis-dpl": "bis_dpl",
    "us-csl": "us_csl",
    "ca-sema-xml": "ca_sema",
    "au-dfat": "au_dfat",
    "ch-seco-xml": "ch_seco",
    "ftm": "ftm",
    "custom-csv": "custom_csv",
}

_OFAC_SLS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(frozen=True)
class SourceInfo:
    name: str
    title: str
    authority: str
    formats: tuple[str, ...]
    urls: tuple[str, ...]  # every file of one official publication
    mirror_names: tuple[str, ...] = ()  # folder names a local mirror may use for it


SOURCES: dict[str, SourceInfo] = {
    s.name: s
    for s in [
        SourceInfo(
            "ofac-sdn",
            "OFAC Specially Designated Nationals and Blocked Persons (SDN) List",
            "US OFAC",
            ("ofac-csv", "ofac-xml", "ofac-enhanced-xml"),
            tuple(_OFAC_SLS + f for f in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")),
            ("ofac-sdn",),
        ),
        SourceInfo(
            "ofac-cons",
            "OFAC Consolidated Sanctions List (non-SDN)",
            "US OFAC",
            ("ofac-csv", "ofac-xml", "ofac-enhanced-xml"),
            tuple(
                _OFAC_SLS + f
                for f in ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")
            ),
            ("ofac-consolidated", "ofac-consolidated-xml", "ofac-consolidated-enhanced-xml"),
        ),
        SourceInfo(
            "un",
            "UN Security Council Consolidated List",
            "UN Security Council",
            ("un-xml",),
            ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
            ("un",),
        ),
        SourceInfo(
            "eu",
            "EU Consolidated Financial Sanctions List",
            "European Union",
            ("eu-fsf-xml",),
            (
                "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
                "content?token=dG9rZW4tMjAxNw",
            ),
            ("eu-fsf",),
        ),
        SourceInfo(
            "uk-ofsi",
            "UK OFSI Consolidated List of Financial Sanctions Targets",
            "UK HM Treasury (OFSI)",
            ("uk-ofsi",),
            ("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",),
            ("uk-ofsi-conlist",),
        ),
        SourceInfo(
            "uk-fcdo",
            "UK Sanctions List",
            "UK FCDO",
            ("uk-fcdo-xml",),
            ("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
            ("uk-fcdo-sanctions-list",),
        ),
        SourceInfo(
            "us-bis-dpl",
            "BIS Denied Persons List",
            "US Commerce BIS",
            ("bis-dpl",),
            ("https://www.bis.doc.gov/dpl/dpl.txt",),
            ("bis-dpl",),
        ),
        SourceInfo(
            "us-csl",
            "Consolidated Screening List (trade.gov)",
            "US International Trade Administration",
            ("us-csl",),
            ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",),
            ("us-csl",),
        ),
        SourceInfo(
            "ca-sema",
            "Canada Consolidated Special Economic Measures Act Sanctions List",
            "Global Affairs Canada",
            ("ca-sema-xml",),
            (
                "https://www.international.gc.ca/world-monde/assets/office_docs/"
                "international_relations-relations_internationales/sanctions/sema-lmes.xml",
            ),
            ("ca-sema",),
        ),
        SourceInfo(
            "au-dfat",
            "Australia DFAT Consolidated List",
            "Australia DFAT",
            ("au-dfat",),
            ("https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",),
            ("au-dfat",),
        ),
        SourceInfo(
            "ch-seco",
            "Swiss SECO Sanctions List",
            "Switzerland SECO",
            ("ch-seco-xml",),
            (
                "https://www.sesam.search.admin.ch/sesam-search-web/pages/"
                "downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
            ),
            ("ch-seco",),
        ),
        SourceInfo(
            "opensanctions",
            "OpenSanctions consolidated sanctions (FollowTheMoney)",
            "OpenSanctions",
            ("ftm",),
            ("https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json",),
            ("opensanctions-ftm",),
        ),
    ]
}


def format_module(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise WatchlistError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return importlib.import_module(f"watchlist.sources.{FORMATS[fmt]}")


def detect_format(path: Path, source: str) -> str:
    """The format to read ``path`` with: the source's own formats first, then any."""
    info = SOURCES.get(source)
    order = list(info.formats) if info else []
    order += [f for f in FORMATS if f not in order and f != "custom-csv"]
    for fmt in order:
        try:
            mod = format_module(fmt)
        except ImportError:
            continue
        try:
            if mod.sniff(path):
                return fmt
        except (OSError, ValueError, ListFormatError):
            continue
    raise ListFormatError(
        str(path),
        "not a list format watchlist can read"
        + (f" (expected one of {', '.join(info.formats)})" if info else "")
        + "; name one with --format",
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Parsing a list allocates hundreds of thousands of small objects that all stay alive:
    the cyclic garbage collector would only re-scan them over and over (20-30% of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_list(path: Path, source: str, fmt: str | None = None) -> ListData:
    """Read and map a list file or folder, refusing anything that is not a sound list."""
    fmt = fmt or detect_format(path, source)
    with gc_paused():
        data: ListData = format_module(fmt).read(path, source)
    check_entries(path, [e.id for e in data.entities])
    return data


def read_raw_list(path: Path, source: str, fmt: str | None = None) -> tuple[RawList, bool]:
    """The list read, its mapping left to do, and whether that mapping is worth splitting
    across processes: so for formats with ``read_raw``; any other is read and mapped
    here and comes back with entities for records (mapped as they are)."""
    fmt = fmt or detect_format(path, source)
    module = format_module(fmt)
    with gc_paused():
        if hasattr(module, "read_raw"):
            raw: RawList = module.read_raw(path, source)
            return raw, True
        data: ListData = module.read(path, source)
    return RawList(source, data.format, data.entities, _as_is, data.data_date, data.files,
                   data.warnings), False


def _as_is(entity: Entity, source: str) -> tuple[Entity, list[str]]:
    return entity, []


def check_entries(path: Path, ids: list[str]) -> None:
    """A sound list has entries, each once."""
    if not ids:
        raise ListFormatError(str(path), "list holds no entries")
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        for eid in ids:
            if eid in seen:
                raise ListFormatError(str(path), f"entry id {eid} appears twice")
            seen.add(eid)
