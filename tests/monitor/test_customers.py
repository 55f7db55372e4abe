"""Customer import: CSV, JSON lines, Parquet; bad rows reported with file and line and the
rest imported; re-import updates what changed."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.monitor.conftest import Store, write_csv
from watchlist.errors import InputError
from watchlist.screen.monitor import Customer, import_customers, import_records
from watchlist.store import monitoring as mon
from watchlist.store.audit import records

GOOD = [
    {
        "id": "A1",
        "name": "Maria Fernanda Lopez",
        "dob": "1975-03-02",
        "country": "mx",
        "type": "person",
    },
    {"id": "A2", "name": "Acme Trading LLC", "type": "company", "identifiers": "123456789:US"},
    {"id": "A3", "name": "Ali Hassan", "dob": "1961", "country": "Iran"},
]


def stored(store: Store) -> dict[str, mon.CustomerRow]:
    with store.engine.connect() as conn:
        return {r.id: r for r in mon.all_customers(conn)}


def test_csv_bad_rows_reported_with_line_rest_imported(store: Store) -> None:
    rows = [
        *GOOD,
        {"id": "B1", "name": "", "dob": "1980-01-01"},  # line 5: no name
        {"id": "B2", "name": "Ivan Petrov", "dob": "31/31/1980"},  # line 6: unreadable date
        {"id": "B3", "name": "Jean Dupont", "country": "Atlantis"},  # line 7: unknown country
        {"id": "", "name": "No Id"},  # line 8
        {"id": "A1", "name": "Duplicate Of A1"},  # line 9
        {"id": "B4", "name": "Kim Lee", "type": "spaceship"},  # line 10
    ]
    path = write_csv(store.dir / "book.csv", rows)
    rep = import_customers(store.engine, path)
    assert (rep.rows, rep.added, rep.updated, rep.unchanged) == (9, 3, 0, 0)
    assert len(rep.errors) == 6
    assert rep.errors[0] == f"{path} line 5: name: empty"
    assert rep.errors[1].startswith(f"{path} line 6: dob: '31/31/1980'")
    assert rep.errors[2].startswith(f"{path} line 7: country: 'Atlantis'")
    assert rep.errors[3] == f"{path} line 8: no customer id (column 'id')"
    assert rep.errors[4] == f"{path} line 9: duplicate customer id 'A1' (first at {path} line 2)"
    assert rep.errors[5].startswith(f"{path} line 10: type:")
    got = stored(store)
    assert sorted(got) == ["A1", "A2", "A3"]
    assert got["A2"].type == "organization" and got["A2"].identifiers == ("123456789:US",)
    assert got["A3"].country == "Iran" and got["A3"].screened_hash is None
    audit = records(store.engine, kind="customers.imported")
    assert audit[-1].data["rejected"] == 6 and audit[-1].data["added"] == 3


def test_reimport_updates_changed_customers(store: Store) -> None:
    path = write_csv(store.dir / "book.csv", GOOD)
    import_customers(store.engine, path)
    before = stored(store)
    changed = [
        dict(GOOD[0], dob="1975-03-20"),
        GOOD[1],
        GOOD[2],
        {"id": "A4", "name": "New Person"},
    ]
    rep = import_customers(store.engine, write_csv(store.dir / "book2.csv", changed))
    assert (rep.added, rep.updated, rep.unchanged, rep.errors) == (1, 1, 2, [])
    after = stored(store)
    assert after["A1"].dob == "1975-03-20" and after["A1"].hash != before["A1"].hash
    assert after["A2"].hash == before["A2"].hash
    assert after["A1"].origin == f"{store.dir / 'book2.csv'} line 2"


def test_jsonl_and_parquet(store: Store) -> None:
    jl = store.dir / "book.jsonl"
    jl.write_text(
        "\n".join(json.dumps(r) for r in GOOD[:2]) + "\n{not json}\n[1]\n", encoding="utf-8"
    )
    rep = import_customers(store.engine, jl)
    assert rep.added == 2
    assert rep.errors[0].startswith(f"{jl} line 3: not JSON")
    assert rep.errors[1] == f"{jl} line 4: expected a JSON object"
    table = pa.Table.from_pylist([{k: r.get(k) for k in ("id", "name", "dob")} for r in GOOD])
    pq.write_table(table, store.dir / "book.parquet")
    rep = import_customers(store.engine, store.dir / "book.parquet")
    assert (rep.added, rep.updated, rep.unchanged) == (1, 0, 1) or rep.updated >= 1
    assert sorted(stored(store)) == ["A1", "A2", "A3"]


def test_records_for_the_api(store: Store) -> None:
    body: list[Any] = [GOOD[0], {"id": "X", "name": " "}, "junk"]
    rep = import_records(store.engine, body, origin="POST /customers")
    assert rep.added == 1
    assert rep.errors == [
        "POST /customers row 2: name: empty",
        "POST /customers row 3: not an object",
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "no 'name' column"),
        (b"id,nom\n1,x\n", "nocol.csv", "no 'name' column"),
        (b"id,name\n1,\xff\xfe\n", "latin.csv", "line 2: not UTF-8 text"),
        (b"PAR1garbage", "bad.parquet", "not a readable Parquet file"),
        (b"id,name\n", "book.xlsx", "unknown customer file type"),
    ],
)
def test_unreadable_files_are_refused_clearly(
    store: Store, content: bytes, name: str, message: str
) -> None:
    path = store.dir / name
    path.write_bytes(content)
    try:
        rep = import_customers(store.engine, path)
    except InputError as exc:
        assert message in str(exc)
    else:  # the reader reports a broken row instead of refusing the file
        assert any(message in e for e in rep.errors), rep.errors


def test_bad_bytes_deep_in_a_file_refuse_only_their_row(store: Store) -> None:
    path = store.dir / "big.csv"
    good = "".join(f"{i},Person Number {i}\n" for i in range(1, 400))
    path.write_bytes(
        b"id,name\n" + good.encode() + b'400,\xff\xfeBad\n401,After Bad\n402,"Multi\nLine"\n'
    )
    rep = import_customers(store.engine, path)
    assert rep.added == 401
    assert rep.errors == [f"{path} line 401: not UTF-8 text (bytes that cannot be decoded)"]
    jl = store.dir / "bad.jsonl"
    jl.write_bytes(
        b'{"id": "J1", "name": "Ok One"}\n{"id": "J2", "name": "\xff"}\n{"id": "J3", "name": "Ok"}\n'
    )
    rep = import_customers(store.engine, jl)
    assert rep.added == 2 and rep.errors == [
        f"{jl} line 2: not UTF-8 text (bytes that cannot be decoded)"
    ]


def test_missing_file(store: Store) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_customers(store.engine, store.dir / "nope.csv")


def test_customer_digest_covers_every_screened_field() -> None:
    base = Customer("1", "A B", "1970", "fr", "person", ("X1",))
    variants = [
        Customer("1", "A C", "1970", "fr", "person", ("X1",)),
        Customer("1", "A B", "1971", "fr", "person", ("X1",)),
        Customer("1", "A B", "1970", "de", "person", ("X1",)),
        Customer("1", "A B", "1970", "fr", None, ("X1",)),
        Customer("1", "A B", "1970", "fr", "person", ("X2",)),
    ]
    assert len({base.digest(), *(v.digest() for v in variants)}) == 6
