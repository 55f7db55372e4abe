"""Screening a file of customers: CSV, JSON lines or Parquet in; JSON lines, CSV or Parquet out.

Rows stream through in windows, so files larger than memory work; windows are screened
on every core by forked workers that share the parent's index copy-on-write. Every input
row yields at least one output row: its hits, a row with ``entity_id`` null when nothing
matched, or a row with ``error`` saying why it could not be screened. Nothing is dropped.
"""

from __future__ import annotations

import csv
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from watchlist.errors import InputError, WatchlistError
from watchlist.index import ScreeningIndex
from watchlist.screen.query import Filters, Query
from watchlist.screen.screener import screen

ID_COLUMNS = ("passport", "national_id", "identifier", "identifiers", "id_number")
OUTPUT_COLUMNS = [
    "id",
    "row",
    "name",
    "entity_id",
    "entity_name",
    "source",
    "programs",
    "score",
    "name_score",
    "matched_name",
    "explanation",
    "error",
]


@dataclass(frozen=True, slots=True)
class InputRow:
    row: int  # 1-based data row number (the line for CSV/JSONL counts the header)
    line: int | None
    data: dict[str, Any] | None
    error: str | None = None


# ------------------------------------------------------------------ readers


def _reader_for(path: Path) -> Callable[[Path], Iterator[InputRow]]:
    ext = path.suffix.lower()
    if ext in (".jsonl", ".ndjson", ".json"):
        return read_jsonl
    if ext == ".parquet":
        return read_parquet
    if ext in (".csv", ".txt", ".tsv"):
        return read_csv
    raise InputError(f"{path}: unknown input format {ext!r} (use .csv, .jsonl or .parquet)")


def read_csv(path: Path) -> Iterator[InputRow]:
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        delimiter = "\t" if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",") else ","
        reader = csv.DictReader(f, delimiter=delimiter)
        fields = [c.strip().lower() for c in (reader.fieldnames or [])]
        if "name" not in fields:
            raise InputError(f"{path} line 1: no 'name' column (columns: {', '.join(fields) or 'none'})")
        reader.fieldnames = fields
        n = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                n += 1
                yield InputRow(n, reader.line_num, None, f"{path} line {reader.line_num}: unreadable row ({exc})")
                return
            n += 1
            if None in rec:  # more cells than header columns
                yield InputRow(n, reader.line_num, None, f"line {reader.line_num}: more cells than columns")
                continue
            yield InputRow(n, reader.line_num, dict(rec))


def read_jsonl(path: Path) -> Iterator[InputRow]:
    with path.open("r", encoding="utf-8-sig") as f:
        n = 0
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputRow(n, line_no, None, f"line {line_no}: not JSON ({exc.msg})")
                continue
            if not isinstance(rec, dict):
                yield InputRow(n, line_no, None, f"line {line_no}: expected a JSON object")
                continue
            yield InputRow(n, line_no, {str(k).lower(): v for k, v in rec.items()})


def read_parquet(path: Path) -> Iterator[InputRow]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise InputError("reading Parquet needs pyarrow (pip install pyarrow)") from exc
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for bad files
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    names = [c.lower() for c in pf.schema_arrow.names]
    if "name" not in names:
        raise InputError(f"{path}: no 'name' column (columns: {', '.join(names)})")
    n = 0
    for batch in pf.iter_batches(batch_size=10_000):
        for rec in batch.to_pylist():
            n += 1
            yield InputRow(n, None, {str(k).lower(): v for k, v in rec.items()})


def to_query(r: InputRow) -> Query:
    d = r.data or {}

    def text(key: str) -> str | None:
        v = d.get(key)
        if v is None:
            return None
        s = str(v).strip()
        return s or None

    idents: list[str] = []
    for col in ID_COLUMNS:
        v = text(col)
        if v:
            idents.extend(p.strip() for p in v.split(";") if p.strip())
    return Query(
        name=text("name") or "",
        dob=text("dob") or text("date_of_birth") or text("birth_date"),
        country=text("country") or text("nationality"),
        type=text("type"),
        identifiers=tuple(idents),
        id=text("id") or str(r.row),
    )


# ------------------------------------------------------------------ screening


@dataclass(frozen=True, slots=True)
class BatchOptions:
    threshold: float
    limit: int
    filters: Filters


_WORKER: tuple[ScreeningIndex, BatchOptions] | None = None


def _init_worker(index: ScreeningIndex, opts: BatchOptions) -> None:
    global _WORKER
    _WORKER = (index, opts)


def screen_rows(index: ScreeningIndex, opts: BatchOptions, rows: list[InputRow]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in rows:
        base = {"id": (r.data or {}).get("id") or str(r.row), "row": r.row}
        if r.error is not None:
            out.append({**base, "name": None, "entity_id": None, "error": r.error})
            continue
        try:
            q = to_query(r)
            base["id"] = q.id
            base["name"] = q.name
            res = screen(index, q, threshold=opts.threshold, limit=opts.limit, filters=opts.filters)
        except WatchlistError as exc:
            where = f"line {r.line}: " if r.line else f"row {r.row}: "
            out.append({**base, "name": (r.data or {}).get("name"), "entity_id": None, "error": where + str(exc)})
            continue
        if not res.hits:
            out.append({**base, "entity_id": None, "score": None})
        for h in res.hits:
            out.append(
                {
                    **base,
                    "entity_id": h.entity_id,
                    "entity_name": h.entity_name,
                    "source": h.source,
                    "programs": h.programs,
                    "score": round(h.score, 4),
                    "name_score": round(h.name_score, 4),
                    "matched_name": h.matched_name,
                    "explanation": h.explanation(),
                }
            )
    return out


def _screen_chunk(rows: list[InputRow]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return screen_rows(_WORKER[0], _WORKER[1], rows)


# ------------------------------------------------------------------ writers


class _Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.ext = path.suffix.lower()
        self._pq: Any = None
        self._f: IO[str] | None = None
        self._csv: Any = None
        if self.ext == ".parquet":
            return
        self._f = path.open("w", encoding="utf-8", newline="")
        if self.ext == ".csv":
            self._csv = csv.DictWriter(self._f, fieldnames=OUTPUT_COLUMNS, extrasaction="ignore")
            self._csv.writeheader()
        elif self.ext not in (".jsonl", ".ndjson", ".json"):
            raise InputError(f"{path}: unknown output format (use .jsonl, .csv or .parquet)")

    def write(self, rows: list[dict[str, Any]]) -> None:
        if self.ext == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            flat = [_flat(r) for r in rows]
            table = pa.Table.from_pylist(flat, schema=_parquet_schema())
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema)
            self._pq.write_table(table)
        elif self._csv is not None:
            self._csv.writerows(_flat(r) for r in rows)
        else:
            assert self._f is not None
            for r in rows:
                self._f.write(json.dumps(r, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._f is not None:
            self._f.close()


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    out = {c: r.get(c) for c in OUTPUT_COLUMNS}
    out["id"] = None if out["id"] is None else str(out["id"])
    if isinstance(out["programs"], list):
        out["programs"] = ";".join(out["programs"])
    if out["explanation"] is not None:
        out["explanation"] = json.dumps(out["explanation"], ensure_ascii=False)
    return out


def _parquet_schema() -> Any:
    import pyarrow as pa

    types = {"row": pa.int64(), "score": pa.float64(), "name_score": pa.float64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in OUTPUT_COLUMNS])


# ------------------------------------------------------------------ driver


@dataclass(slots=True)
class BatchSummary:
    rows: int = 0
    hits: int = 0
    matched_rows: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def run_batch(
    index: ScreeningIndex,
    input_path: Path,
    output_path: Path,
    opts: BatchOptions,
    *,
    workers: int = 1,
    chunk: int = 500,
    progress: IO[str] | None = sys.stderr,
) -> BatchSummary:
    reader = _reader_for(input_path)
    rows = reader(input_path)
    writer = _Writer(output_path)
    summary = BatchSummary()
    started = last = time.perf_counter()
    pool = None
    if workers > 1:
        pool = mp.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(index, opts))
    try:
        while True:
            window = list(islice(rows, chunk * max(1, workers) * 4))
            if not window:
                break
            chunks = [window[i : i + chunk] for i in range(0, len(window), chunk)]
            results = (
                pool.map(_screen_chunk, chunks) if pool else [screen_rows(index, opts, c) for c in chunks]
            )
            for out_rows in results:
                writer.write(out_rows)
                _count(summary, out_rows)
            summary.rows += len(window)
            now = time.perf_counter()
            if progress is not None and now - last >= 1.0:
                last = now
                rate = summary.rows / (now - started)
                progress.write(f"\r{summary.rows:,} rows screened, {summary.matched_rows:,} with hits, {rate:,.0f} rows/s")
                progress.flush()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        writer.close()
    summary.seconds = time.perf_counter() - started
    if progress is not None:
        progress.write(
            f"\r{summary.rows:,} rows screened in {summary.seconds:.1f} s ({summary.rate:,.0f} rows/s):"
            f" {summary.matched_rows:,} with hits, {summary.hits:,} hits, {summary.errors:,} errors\n"
        )
    return summary


def _count(summary: BatchSummary, out_rows: list[dict[str, Any]]) -> None:
    seen_rows: set[int] = set()
    for r in out_rows:
        if r.get("error"):
            summary.errors += 1
        elif r.get("entity_id"):
            summary.hits += 1
            if r["row"] not in seen_rows:
                seen_rows.add(r["row"])
                summary.matched_rows += 1


__all__ = ["BatchOptions", "BatchSummary", "run_batch", "screen_rows", "to_query"]
