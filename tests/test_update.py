"""`update`: official URLs replaced by mirrors; a failing source keeps its previous version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from watchlist.cli import main


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["--db", str(db), *args], env=env)
    return res.exit_code, res.output


def test_update_from_mirror_folder_and_failure_keeps_previous(tmp_path: Path, data_dir: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "un").mkdir(parents=True)
    shutil.copy(data_dir / "un/2020-03-20/consolidated.xml", mirror / "un" / "consolidated.xml")
    shutil.copytree(data_dir / "bis-dpl/2019-07-09", mirror / "us-bis-dpl")
    db = tmp_path / "w.db"
    code, out = run(db, "update", "un", "us-bis-dpl", "--mirror", str(mirror))
    assert code == 0, out
    assert "un: version 1 loaded, 1014 entities" in out
    assert "us-bis-dpl: version 1 loaded, 414 entities" in out

    # The UN copy is now cut short: that source fails, the other goes on.
    raw = (data_dir / "un/2026-02-27/consolidated.xml").read_bytes()
    (mirror / "un" / "consolidated.xml").write_bytes(raw[: len(raw) // 3])
    code, out = run(db, "update", "un", "us-bis-dpl", "--mirror", mirror.as_uri())
    assert code == 2
    assert "un: FAILED, previous version keeps serving" in out and "consolidated.xml" in out
    assert "us-bis-dpl: unchanged" in out
    code, out = run(db, "lists", "--json")
    assert [(v["source"], v["version"]) for v in json.loads(out)] == [("un", 1), ("us-bis-dpl", 1)]


def test_per_source_mirror(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "w.db"
    target = data_dir / "un/2026-02-27/consolidated.xml"
    code, out = run(db, "update", "un", "--mirror", f"un={target}")
    assert code == 0 and "un: version 1 loaded, 1003 entities" in out
    env = {"WATCHLIST_MIRROR_US_BIS_DPL": str(data_dir / "bis-dpl/2019-07-09/dpl.txt")}
    code, out = run(db, "update", "us-bis-dpl", env=env)
    assert code == 0 and "us-bis-dpl: version 1 loaded" in out


def test_unreachable_download_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    code, out = run(db, "update", "un", "--mirror", "un=http://127.0.0.1:9/consolidated.xml")
    assert code == 2 and "un: FAILED" in out and "download failed" in out
