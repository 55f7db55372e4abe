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
