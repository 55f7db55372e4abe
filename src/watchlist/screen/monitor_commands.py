"""Command line for monitoring: ``customers import``, ``monitor``, ``alerts``, ``decide``,
``audit verify|head|log``. Registered on the main group by ``watchlist.cli``.

Each command is a thin face over ``watchlist.screen.monitor`` and ``watchlist.store.audit``;
the project's errors print as one line and exit 1.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from watchlist.errors import WatchlistError

if TYPE_CHECKING:  # not at run time: cli.py imports this module to register the commands
    from watchlist.cli import Context

F = TypeVar("F", bound=Callable[..., Any])
pass_ctx = click.pass_obj  # the main group's ctx.obj: a watchlist.cli.Context


def _fail_cleanly(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WatchlistError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _engine(c: Context) -> Any:
    return c.lists.engine


def _os_user() -> str:
    """The account running the command (from the OS, not the environment)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        return "unknown user"


# ---------------------------------------------------------------- customers


@click.group()
def customers() -> None:
    """The customer book that `monitor` keeps screening."""


@customers.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def import_cmd(c: Context, path: Path, as_json: bool) -> None:
    """Import or re-import customers from PATH (CSV, JSONL or Parquet: id, name, dob,
    country, type, identifiers). Changed customers are updated; bad rows are reported
    with their line and left out (exit 2)."""
    from watchlist.screen.monitor import import_customers

    rep = import_customers(_engine(c), path, actor=_os_user())
    if as_json:
        _echo_json(rep.as_json())
    else:
        click.echo(
            f"{path}: {rep.rows:,} rows; {rep.imported:,} imported ({rep.added:,} new,"
            f" {rep.updated:,} updated, {rep.unchanged:,} unchanged); {len(rep.errors):,}"
            f" rejected ({rep.seconds:.1f} s)"
        )
        for e in rep.errors[:20]:
            click.echo(f"  rejected: {e}", err=True)
        if len(rep.errors) > 20:
            click.echo(f"  ... {len(rep.errors) - 20:,} more (see --json)", err=True)
    if rep.errors:
        sys.exit(2)


# ---------------------------------------------------------------- monitor


@click.command()
@click.option("--full", is_flag=True, help="Re-screen every customer, not only what changed.")
@click.option("--threshold", type=float, help="Minimum score (default from settings).")
@click.option("--limit", type=int, help="Most hits per customer (default from settings).")
@click.option("--workers", type=int, help="Screening processes (default: all cores).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def monitor(
    c: Context,
    full: bool,
    threshold: float | None,
    limit: int | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Screen what changed since the last run: new list versions against all customers,
    new and changed customers against all lists. Prints a run summary."""
    from watchlist.screen.monitor import run_monitor

    s = c.settings
    summary = run_monitor(
        _engine(c),
        c.lists,
        threshold=s.threshold if threshold is None else threshold,
        limit=s.limit if limit is None else limit,
        cache_dir=s.cache_dir,
        full=full,
        workers=s.workers if workers is None else workers,
        actor=_os_user(),
    )
    if as_json:
        _echo_json(summary.as_json())
    else:
        click.echo(summary.text())


# ---------------------------------------------------------------- alerts


@click.command()
@click.option(
    "--status",
    default="open",
    show_default=True,
    type=click.Choice(["open", "false_positive", "true_match", "closed", "all"]),
)
@click.option("--customer", "customer_id", help="Only this customer's alerts.")
@click.option("--entity", "entity_id", help="Only alerts on this listed entity.")
@click.option("--limit", default=50, show_default=True, type=int)
@click.option("--offset", default=0, type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def alerts(
    c: Context,
    status: str,
    customer_id: str | None,
    entity_id: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Alerts, most recently changed first."""
    from watchlist.screen.monitor import list_alerts

    rows, total = list_alerts(
        _engine(c),
        status=status,
        customer_id=customer_id,
        entity_id=entity_id,
        limit=limit,
        offset=offset,
    )
    if as_json:
        _echo_json({"total": total, "alerts": [a.as_json() for a in rows]})
        return
    if not rows:
        click.echo(f"no {status if status != 'all' else ''} alerts".replace("  ", " "))
        return
    click.echo(
        f"{total:,} {status} alerts" + (f", showing {len(rows)}" if total > len(rows) else "")
    )
    for a in rows:
        click.echo(
            f"#{a.id:<6} {a.status:<14} {a.score:.3f}  customer {a.customer_id} {a.customer_name!r}"
            f" ~ {a.entity_id} {a.entity_name!r}"
        )
        summary = (a.detail or {}).get("explanation", {}).get("summary")
        if summary:
            click.echo(f"        {summary}")
        if a.reason:
            click.echo(f"        {a.reason}")
        if a.changes:
            for side, fields in a.changes.items():
                for name, val in (fields or {}).items():
                    click.echo(f"        {side} {name}: {val}")
        if a.decided_by:
            click.echo(
                f"        decided {a.status if a.status != 'open' else ''} by {a.decided_by}"
                f" at {a.decided_at}: {a.decision_reason}".replace("  ", " ")
            )


@click.command()
@click.argument("alert_id", type=int)
@click.option("--false-positive", "fp", is_flag=True, help="Not the listed party.")
@click.option("--true-match", "tm", is_flag=True, help="The listed party: escalate and block.")
@click.option("--reason", required=True, help="Why (goes to the audit trail).")
@click.option("--by", help="Who decides (default: the OS account name).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def decide(
    c: Context,
    alert_id: int,
    fp: bool,
    tm: bool,
    reason: str,
    by: str | None,
    as_json: bool,
) -> None:
    """Decide ALERT_ID: --false-positive or --true-match, with --reason."""
    from watchlist.screen.monitor import decide as decide_alert

    if fp == tm:
        raise WatchlistError("give exactly one of --false-positive and --true-match")
    a = decide_alert(
        _engine(c),
        alert_id,
        "false_positive" if fp else "true_match",
        reason=reason,
        by=by or _os_user(),
    )
    if as_json:
        _echo_json(a.as_json())
        return
    click.echo(
        f"alert {a.id} ({a.customer_id} ~ {a.entity_id}) is now {a.status}: decided by"
        f" {a.decided_by} at {a.decided_at}"
    )


# ---------------------------------------------------------------- audit


@click.group()
def audit() -> None:
    """The tamper-evident audit trail of list loads, runs, alerts and decisions."""


@audit.command()
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="SEQ:HASH printed earlier by `audit head` and kept outside the store (repeatable).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def verify(c: Context, anchors: tuple[str, ...], as_json: bool) -> None:
    """Check the whole chain (and that alerts and decisions agree with it). Exits 3 and
    names the first broken record when it was tampered with."""
    from watchlist.screen.monitor import check_alerts_against_audit
    from watchlist.store.audit import parse_anchor
    from watchlist.store.audit import verify as verify_chain

    parsed = dict(parse_anchor(a) for a in anchors)
    rep = verify_chain(_engine(c), parsed)
    problems = check_alerts_against_audit(_engine(c)) if rep.ok else []
    if as_json:
        _echo_json({**rep.as_json(), "alert_problems": problems})
    elif rep.ok and not problems:
        click.echo(
            f"audit trail intact: {rep.records:,} records, head {rep.head_seq}:{rep.head_hash}"
            + (f"; {rep.anchors_checked} anchors match" if rep.anchors_checked else "")
        )
    else:
        if not rep.ok:
            click.echo(f"AUDIT TRAIL BROKEN at record {rep.broken_seq}: {rep.reason}", err=True)
        for p in problems[:20]:
            click.echo(f"ALERT DATA DISAGREES WITH THE AUDIT TRAIL: {p}", err=True)
        if len(problems) > 20:
            click.echo(f"... {len(problems) - 20} more", err=True)
    if not rep.ok or problems:
        sys.exit(3)


@audit.command()
@pass_ctx
@_fail_cleanly
def head(c: Context) -> None:
    """Print SEQ:HASH of the last record: keep it outside the store, check with --anchor."""
    from watchlist.store.audit import head as audit_head

    seq, h = audit_head(_engine(c))
    click.echo(f"{seq}:{h}")


@audit.command(name="log")
@click.option("--kind", help="Only records of this kind (prefix: alert, monitor.run, ...).")
@click.option("--subject", help="Only records about this subject (alert:12, run:3, ...).")
@click.option("--last", "last", default=20, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def log_cmd(c: Context, kind: str | None, subject: str | None, last: int, as_json: bool) -> None:
    """The latest audit records, newest first."""
    from watchlist.store.audit import records

    recs = records(_engine(c), kind=kind, subject=subject, limit=last, newest_first=True)
    if as_json:
        _echo_json([r.as_json() for r in recs])
        return
    for r in recs:
        data = json.dumps(r.data, ensure_ascii=False, default=str)
        if len(data) > 160:
            data = data[:157] + "..."
        click.echo(f"{r.seq:>7} {r.at[:19]} {r.kind:<22} {r.actor:<12} {r.subject or '-'}  {data}")


COMMANDS = (customers, monitor, alerts, decide, audit)
