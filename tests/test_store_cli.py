"""Versions, diffs and refusals through the command line, on the real UN lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from watchlist.cli import main

UN_2020 = "un/2020-03-20/consolidated.xml"
UN_2026 = "un/2026-02-27/consolidated.xml"


def run(db: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["--db", str(db), *args])
    return res.exit_code, res.output


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.db"


def test_versions_diff_and_as_of(db: Path, data_dir: Path) -> None:
    code, out = run(db, "load", "un", str(data_dir / UN_2020))
    assert code == 0, out
    assert "version 1 loaded, 1014 entities" in out
    code, out = run(db, "load", "un", (data_dir / UN_2026).as_uri())  # a file:// URL
    assert code == 0, out
    assert "version 2 loaded, 1003 entities" in out

    code, out = run(db, "load", "un", str(data_dir / UN_2026))
    assert code == 0 and "unchanged" in out  # same content: no new version

    code, out = run(db, "lists", "--json")
    versions = json.loads(out)
    assert [(v["source"], v["version"], v["entities"], v["data_date"]) for v in versions] == [
        ("un", 1, 1014, "2020-03-20"),
        ("un", 2, 1003, "2026-02-27"),
    ]
    assert all(len(v["sha256"]) == 64 and v["loaded_at"] for v in versions)

    code, out = run(db, "diff", "un", "--json")
    d = json.loads(out)
    assert (len(d["added"]), len(d["removed"])) == (96, 107)
    assert d["changed"] and all(set(c) == {"id", "fields"} for c in d["changed"])
    some = d["changed"][0]
    assert all(len(v) == 2 for v in some["fields"].values())

    removed = d["removed"][0]
    code, out = run(db, "show", removed, "--json")
    assert code == 1 and "not in un version 2" in out
    code, out = run(db, "show", removed, "--as-of", "2020-06-01", "--json")
    assert code == 0 and json.loads(out)["id"] == removed
    code, out = run(db, "show", removed, "--as-of", "1")
    assert code == 0 and removed in out


def test_truncated_list_is_refused_and_previous_keeps_serving(db: Path, data_dir: Path, tmp_path: Path) -> None:
    assert run(db, "load", "un", str(data_dir / UN_2026))[0] == 0
    raw = (data_dir / UN_2026).read_bytes()
    cut = tmp_path / "consolidated.xml"
    cut.write_bytes(raw[: len(raw) // 2])
    code, out = run(db, "load", "un", str(cut))
    assert code == 1
    assert "consolidated.xml" in out and "line" in out
    code, out = run(db, "lists", "--json")
    assert [v["version"] for v in json.loads(out)] == [1]


def test_implausibly_small_list_is_refused(db: Path, data_dir: Path, tmp_path: Path) -> None:
    assert run(db, "load", "un", str(data_dir / UN_2026))[0] == 0
    text = (data_dir / UN_2026).read_text(encoding="utf-8")
    # Keep the first 100 individuals and no entities: well-formed, but a tenth of the list.
    head, _, rest = text.partition("<INDIVIDUAL>")
    parts = rest.split("<INDIVIDUAL>")
    small = head + "<INDIVIDUAL>" + "<INDIVIDUAL>".join(parts[:100])
    small = small[: small.rindex("</INDIVIDUAL>") + len("</INDIVIDUAL>")] + "</INDIVIDUALS><ENTITIES></ENTITIES></CONSOLIDATED_LIST>"
    f = tmp_path / "small.xml"
    f.write_text(small, encoding="utf-8")
    code, out = run(db, "load", "un", str(f))
    assert code == 1 and "drop of more than 50%" in out
    code, out = run(db, "load", "un", str(f), "--force")
    assert code == 0 and "version 2 loaded, 100 entities" in out


def test_unknown_source_and_missing_file(db: Path, tmp_path: Path) -> None:
    code, out = run(db, "load", "nosuch", str(tmp_path))
    assert code == 1 and "unknown source" in out
    code, out = run(db, "load", "un", str(tmp_path / "missing.xml"))
    assert code == 1 and "no such file" in out
    code, out = run(db, "diff", "un")
    assert code == 1 and "no version" in out
