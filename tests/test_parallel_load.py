"""Several lists read side by side on worker processes give the store exactly what reading
them one after the other does, fail one source at a time, and are all on the audit trail."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from watchlist.ingest import UpdateOutcome, update_history, update_sources
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine
from watchlist.store.audit import records

# Small real copies, so the test stays quick: (mirror folder, dated copy)
COPIES = [
    ("un", "2020-03-20"),
    ("un", "2026-02-27"),
    ("bis-dpl", "2019-07-09"),
    ("eu-fsf", "2020-04-15"),
    ("ch-seco", "2026-08-15"),
    ("opensanctions-ftm", "2024-03-09"),
    ("opensanctions-ftm", "2024-06-01"),
]
SOURCES = ["un", "us-bis-dpl", "eu", "ch-seco", "opensanctions"]


@pytest.fixture()
def mirror(tmp_path: Path, data_dir: Path) -> Path:
    root = tmp_path / "mirror"
    for folder, day in COPIES:
        shutil.copytree(data_dir / folder / day, root / folder / day)
    return root


def _load(tmp_path: Path, name: str, mirror: Path, workers: int, history: bool) -> tuple[
    list[UpdateOutcome], ListStore
]:
    db = tmp_path / f"{name}.db"
    store = ListStore(open_engine(str(db)))
    settings = Settings(db=str(db), mirror=str(mirror), load_workers=workers)
    if history:
        return update_history(store, settings, [*SOURCES, "nosuch"]), store
    return update_sources(store, settings, [*SOURCES, "nosuch"]), store


def _summary(outcomes: list[UpdateOutcome]) -> list[tuple[str, object, object, object]]:
    return [
        (
            o.source,
            o.result.version.version if o.result else None,
            o.result.version.sha256 if o.result else None,
            o.error,
        )
        for o in outcomes
    ]


@pytest.mark.parametrize("history", [True, False])
def test_parallel_equals_sequential(tmp_path: Path, mirror: Path, history: bool) -> None:
    # history: every dated copy, oldest first; update: the newest copy of each source
    one, store_one = _load(tmp_path, "one", mirror, 1, history)
    two, store_two = _load(tmp_path, "two", mirror, 2, history)
    assert _summary(one) == _summary(two)
    assert one[-1].error == "unknown source 'nosuch'"
    loaded = [o for o in one if o.result]
    assert len(loaded) == (len(COPIES) if history else len(SOURCES))
    expected = [(v.source, v.version, v.sha256, v.files_sha256, v.data_date) for v in store_one.versions()]
    for store in (store_one, store_two):
        assert [
            (v.source, v.version, v.sha256, v.files_sha256, v.data_date) for v in store.versions()
        ] == expected
        trail = records(store.engine, kind="list.loaded", limit=1000)
        assert [(r.data["source"], r.data["version"]) for r in trail] == [
            (o.source, o.result.version.version) for o in loaded if o.result
        ]
    if history:  # the BIS file carries no date: it takes its folder's
        by_source = {(v.source, v.version): v for v in store_two.versions()}
        assert by_source[("us-bis-dpl", 1)].data_date == "2019-07-09"


@pytest.mark.parametrize("history", [True, False])
def test_a_bad_copy_fails_only_its_source(tmp_path: Path, mirror: Path, history: bool) -> None:
    cut = mirror / "un" / "2026-02-27" / "consolidated.xml"
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 3])
    for f in (mirror / "eu-fsf" / "2020-04-15").iterdir():
        f.write_bytes(b"")
    one, _ = _load(tmp_path, "one", mirror, 1, history)
    two, store = _load(tmp_path, "two", mirror, 2, history)
    assert _summary(one) == _summary(two)  # the same outcomes, errors word for word
    failed = [(o.source, o.error or "") for o in two if o.error]
    assert [s for s, _ in failed] == ["un", "eu", "nosuch"]
    assert "2026-02-27/consolidated.xml line " in failed[0][1]
    assert "2020-04-15" in failed[1][1]
    # everything else loaded; the earlier UN copy is what keeps serving
    expected = [("ch-seco", 1), ("opensanctions", 1), ("us-bis-dpl", 1)]
    if history:
        expected = [("ch-seco", 1), ("opensanctions", 1), ("opensanctions", 2), ("un", 1), ("us-bis-dpl", 1)]
    assert [(v.source, v.version) for v in store.versions()] == expected
    assert len(records(store.engine, kind="list.loaded", limit=1000)) == len(expected)


def test_workers_from_a_threaded_process(tmp_path: Path, mirror: Path) -> None:
    """With other threads running (the HTTP service), workers are not forked from this
    process but started clean; the outcome is the same."""
    stop = threading.Event()
    waiter = threading.Thread(target=stop.wait, daemon=True)
    waiter.start()
    try:
        two, _ = _load(tmp_path, "two", mirror, 2, True)
    finally:
        stop.set()
        waiter.join()
    one, _ = _load(tmp_path, "one", mirror, 1, True)
    assert _summary(one) == _summary(two)


def test_load_workers_setting() -> None:
    assert Settings.from_env({"WATCHLIST_LOAD_WORKERS": "3"}).load_workers == 3
    assert Settings.from_env({}).load_workers >= 1


# ---------------------------------------------------------------- one list on several cores


def test_one_list_mapped_on_two_processes_is_the_same(data_dir: Path) -> None:
    """OFAC SDN's records split over this process and a forked one: the same rows, in the
    same order, with the same warnings, as mapping them all here."""
    from watchlist.ingest import read_prepared

    path = data_dir / "ofac-sdn" / "2021-07-07"
    one = read_prepared(path, "ofac-sdn", workers=1)
    two = read_prepared(path, "ofac-sdn", workers=2)
    assert len(one.encoded) == 8976
    assert two.encoded == one.encoded
    assert two.warnings == one.warnings
    assert (two.files, two.files_sha256, two.data_date) == (one.files, one.files_sha256, None)


def test_a_failing_share_is_raised_as_on_one_core(data_dir: Path) -> None:
    """A record that breaks the mapping in the forked share: the child sends nothing, the
    parent maps that share itself and raises the very error one core would."""
    import multiprocessing

    from watchlist.ingest import _map_and_encode
    from watchlist.sources.ofac_csv import read_raw, to_entity

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    raw = read_raw(data_dir / "ofac-sdn" / "2021-07-07", "ofac-sdn")
    bad = raw.records[-1]

    def breaking(rec: object, source: str) -> object:
        if rec is bad:
            raise RuntimeError("record 36xxx cannot be mapped")
        return to_entity(rec, source)  # type: ignore[arg-type]

    raw.to_entity = breaking  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="record 36xxx"):
        _map_and_encode(raw, 2)
    raw.to_entity = to_entity
    assert len(_map_and_encode(raw, 2)[0]) == len(raw.records)


def test_threads_running_keep_the_load_on_one_process(data_dir: Path) -> None:
    """In a process that runs other threads (the HTTP service) forking is not safe: the
    list is mapped in the process itself, with the same result."""
    from watchlist.ingest import _fork_safe, read_prepared

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not _fork_safe()
        got = read_prepared(data_dir / "ofac-sdn" / "2019-01-15", "ofac-sdn", workers=2)
    finally:
        stop.set()
        worker.join()
    assert len(got.encoded) == 7379
