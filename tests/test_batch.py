"""Batch screening: CSV, JSON lines and Parquet in and out; no row is ever lost."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from watchlist.cli import main
from watchlist.index import ScreeningIndex
from watchlist.screen.batch import BatchOptions, run_batch
from watchlist.screen.query import Filters
from watchlist.sources import read_list


@pytest.fixture(scope="module")
def index(data_dir: Path) -> ScreeningIndex:
    return ScreeningIndex.build(read_list(data_dir / "ofac-sdn/2021-07-07", "ofac-sdn").entities)


OPTS = BatchOptions(threshold=0.8, limit=3, filters=Filters())

CSV = """id,name,dob,country
c1,Artyom Kouznetsov,1975,
c2,Пригожин Евгений Викторович,,RU
c3,Jane Q. Nobody,,
c4,,1970,
c5,Arkadiy Rotenberg,not a date,
c6,Kim Jong Un,,Atlantis
"""


def _rows(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("out_ext", [".jsonl", ".csv", ".parquet"])
@pytest.mark.parametrize("workers", [1, 2])
def test_every_row_accounted_for(index: ScreeningIndex, tmp_path: Path, out_ext: str, workers: int) -> None:
    src = tmp_path / "customers.csv"
    src.write_text(CSV, encoding="utf-8")
    out = tmp_path / f"hits{out_ext}"
    summary = run_batch(index, src, out, OPTS, workers=workers, chunk=2, progress=None)
    rows = _rows(out)
    assert summary.rows == 6
    by_id: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_id.setdefault(str(r["id"]), []).append(r)
    assert set(by_id) == {"c1", "c2", "c3", "c4", "c5", "c6"}
    assert any(r["entity_id"] == "ofac-sdn:15886" for r in by_id["c1"])
    assert any(r["entity_id"] == "ofac-sdn:21171" for r in by_id["c2"])
    assert [r["entity_id"] for r in by_id["c3"]] in ([None], [""])  # screened, nothing found
    assert "name" in str(by_id["c4"][0]["error"]) and "line 5" in str(by_id["c4"][0]["error"])
    assert "dob" in str(by_id["c5"][0]["error"])
    assert "country" in str(by_id["c6"][0]["error"])
    assert summary.errors == 3


def test_jsonl_and_parquet_input(index: ScreeningIndex, tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text('{"id": "a", "name": "KUZNETSOV, Artem"}\nnot json\n[1, 2]\n{"name": "Nobody Special"}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run_batch(index, src, out, OPTS, progress=None)
    rows = _rows(out)
    assert rows[0]["entity_id"] == "ofac-sdn:15886"
    assert "line 2" in str(rows[-3]["error"]) and "line 3" in str(rows[-2]["error"])
    assert rows[-1]["id"] == "4" and rows[-1]["entity_id"] is None

    table = pa.table({"id": ["p1", "p2"], "name": ["ROTENBERG, Arkady", None]})
    pq.write_table(table, tmp_path / "c.parquet")
    run_batch(index, tmp_path / "c.parquet", out, OPTS, progress=None)
    rows = _rows(out)
    assert rows[0]["entity_id"] == "ofac-sdn:16669"
    assert rows[-1]["id"] == "p2" and "name" in str(rows[-1]["error"])


def test_missing_name_column_is_refused(index: ScreeningIndex, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("id,full_name\n1,x\n", encoding="utf-8")
    with pytest.raises(Exception, match="no 'name' column"):
        run_batch(index, src, tmp_path / "o.jsonl", OPTS, progress=None)


def test_cli_batch_and_single(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "w.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "load", "ofac-sdn", str(data_dir / "ofac-sdn/2021-07-07")]).exit_code == 0
    res = runner.invoke(main, ["--db", str(db), "screen", "Artyom Kouznetsov", "--program", "MAGNIT", "--json"])
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)["hits"]
    assert hits[0]["entity_id"] == "ofac-sdn:15886"
    assert hits[0]["explanation"]["name"]["pairs"] and "name_score" in hits[0]
    res = runner.invoke(main, ["--db", str(db), "screen", "Artyom Kouznetsov", "--program", "SDGT"])
    assert "no match" in res.output
    res = runner.invoke(main, ["--db", str(db), "screen", "Artyom Kouznetsov", "--dob", "1990-01-01", "--json"])
    top = json.loads(res.output)["hits"]
    assert not top or top[0]["score"] < hits[0]["score"]  # a contradicting date of birth lowers it
    src = tmp_path / "c.csv"
    src.write_text(CSV, encoding="utf-8")
    res = runner.invoke(main, ["--db", str(db), "screen", "--input", str(src), "--output", str(tmp_path / "o.jsonl"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert len({json.loads(x)["id"] for x in (tmp_path / "o.jsonl").read_text().splitlines()}) == 6
