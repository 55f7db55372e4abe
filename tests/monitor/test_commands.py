"""The command line: customers import, monitor, alerts, decide, audit verify/head/log."""

from __future__ import annotations

import json
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from tests.monitor.conftest import Store, write_csv
from tests.monitor.synth import natural
from watchlist.cli import Context
from watchlist.model import Entity, EntityType
from watchlist.screen.monitor_commands import alerts, audit, customers, decide, monitor
from watchlist.settings import Settings


@pytest.fixture
def cli(store: Store, sdn21: list[Entity]) -> Any:
    small = sorted(sdn21, key=lambda e: e.id)[:600]
    store.load(small)
    settings = Settings(db=str(store.dir / "watchlist.db"), workers=1)
    runner = CliRunner()

    def invoke(cmd: click.Command, *args: str) -> Result:
        return runner.invoke(cmd, list(args), obj=Context(settings), catch_exceptions=False)

    people = [e for e in small if e.type == EntityType.PERSON and e.name.isascii()][:3]
    book = [{"id": f"K{i}", "name": natural(e), "type": "person"} for i, e in enumerate(people)]
    book.append({"id": "K9", "name": "Nobody Inparticular"})
    invoke.book = write_csv(store.dir / "book.csv", book)  # type: ignore[attr-defined]
    return invoke


def test_import_monitor_alerts_decide_verify(cli: Any, store: Store) -> None:
    r = cli(customers, "import", str(cli.book))
    assert r.exit_code == 0, r.output
    assert "4 rows; 4 imported (4 new, 0 updated, 0 unchanged); 0 rejected" in r.output

    r = cli(monitor)
    assert r.exit_code == 0, r.output
    assert "Monitoring run 1 (full: first run)" in r.output
    assert "4 in the book" in r.output

    r = cli(alerts, "--json")
    data = json.loads(r.output)
    assert data["total"] >= 3
    first = data["alerts"][0]
    assert first["status"] == "open" and first["detail"]["explanation"]["summary"]

    r = cli(alerts)
    assert f"#{first['id']}" in r.output and "open" in r.output

    r = cli(
        decide, str(first["id"]), "--false-positive", "--reason", "different DOB", "--by", "alice"
    )
    assert r.exit_code == 0, r.output
    assert "is now false_positive: decided by alice" in r.output
    r = cli(alerts, "--status", "false_positive", "--json")
    assert [a["id"] for a in json.loads(r.output)["alerts"]] == [first["id"]]

    r = cli(monitor, "--json")
    summary = json.loads(r.output)
    assert summary["mode"] == "delta" and summary["customers"]["screened"] == 0

    r = cli(audit, "verify")
    assert r.exit_code == 0 and "audit trail intact" in r.output
    anchor = cli(audit, "head").output.strip()
    assert cli(audit, "verify", "--anchor", anchor).exit_code == 0
    r = cli(audit, "log", "--kind", "alert.decided")
    assert "alert.decided" in r.output and "alice" in r.output


def test_bad_rows_exit_2_with_lines(cli: Any, store: Store) -> None:
    rows = [{"id": "1", "name": "Ok Name"}, {"id": "2", "name": ""}]
    path = write_csv(store.dir / "bad.csv", rows)
    r = cli(customers, "import", str(path))
    assert r.exit_code == 2
    assert "1 imported" in r.stdout
    assert f"rejected: {path} line 3: name: empty" in r.stderr


def test_decide_needs_one_decision(cli: Any) -> None:
    cli(customers, "import", str(cli.book))
    cli(monitor)
    r = cli(decide, "1", "--reason", "x")
    assert r.exit_code == 1 and "exactly one of" in r.output
    r = cli(decide, "999999", "--true-match", "--reason", "x", "--by", "bob")
    assert r.exit_code == 1 and "no alert 999999" in r.output


def test_tampering_makes_verify_fail(cli: Any, store: Store) -> None:
    cli(customers, "import", str(cli.book))
    cli(monitor)
    alert_id = json.loads(cli(alerts, "--json").output)["alerts"][0]["id"]
    cli(decide, str(alert_id), "--true-match", "--reason", "same passport", "--by", "carol")
    assert cli(audit, "verify").exit_code == 0

    # Someone flips the decision in the alerts table behind the application's back.
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE alerts SET status = 'false_positive' WHERE id = :i"), {"i": alert_id}
        )
    r = cli(audit, "verify")
    assert r.exit_code == 3
    assert f"alert {alert_id} is 'false_positive' but the audit trail" in r.output

    # ... or edits the decision record itself, or the audit log.
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alerts SET status = 'true_match' WHERE id = :i"), {"i": alert_id})
        conn.execute(text("UPDATE alert_decisions SET reason = 'looked fine'"))
    r = cli(audit, "verify", "--json")
    assert r.exit_code == 3
    assert any("differs from its audit record" in p for p in json.loads(r.output)["alert_problems"])

    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alert_decisions SET reason = 'same passport'"))
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    r = cli(audit, "verify")
    assert r.exit_code == 3 and "AUDIT TRAIL BROKEN at record 2: record 2 is missing" in r.output
