"""``watchlist keys create|list|revoke`` and ``watchlist serve`` (registered in cli.py)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import click

from watchlist.cli import Context, _fail_cleanly, pass_ctx
from watchlist.store.keys import ROLES, KeyStore


def _keys(c: Context) -> KeyStore:
    return KeyStore(c.lists.engine)


@click.group()
def keys() -> None:
    """API keys for the screening service (stored hashed; the secret is shown once)."""


@keys.command(name="create")
@click.option("--name", required=True, help="Who uses the key, e.g. payments-gateway.")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True)
@pass_ctx
@_fail_cleanly
def keys_create(c: Context, name: str, role: str) -> None:
    """Create a key and print it once: only its hash is stored."""
    info, secret = _keys(c).create(name, role)
    click.echo(secret)
    click.echo(
        f"key {info.id} {info.name!r} ({info.role}) created: keep it now, it cannot be shown again",
        err=True,
    )


@keys.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--all", "show_all", is_flag=True, help="Include revoked keys.")
@pass_ctx
@_fail_cleanly
def keys_list(c: Context, as_json: bool, show_all: bool) -> None:
    """Keys without their secrets: id, name, role, prefix, created, revoked."""
    items = _keys(c).list(include_revoked=show_all)
    if as_json:
        click.echo(json.dumps([k.as_json() for k in items], indent=2))
        return
    if not items:
        click.echo("no API key yet: watchlist keys create --name NAME --role reader|analyst|admin")
        return
    click.echo(f"{'id':>4}  {'name':<30} {'role':<8} {'prefix':<9} {'created (UTC)':<25} revoked")
    for k in items:
        click.echo(
            f"{k.id:>4}  {k.name:<30} {k.role:<8} {k.prefix:<9} {k.created_at:<25} {k.revoked_at or '-'}"
        )


@keys.command(name="revoke")
@click.argument("ref")
@pass_ctx
@_fail_cleanly
def keys_revoke(c: Context, ref: str) -> None:
    """Revoke the key named REF (or numbered REF). Every worker refuses it at once."""
    info = _keys(c).revoke(ref)
    click.echo(f"key {info.id} {info.name!r} revoked at {info.revoked_at}")


@click.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1; env WATCHLIST_API_HOST).")
@click.option("--port", type=int, help="Port (default 8000; env WATCHLIST_API_PORT).")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: cores).")
@click.option(
    "--request-log", help="Request log file, '-' for stderr, 'off' (default: beside the store)."
)
@click.option(
    "--log-level", default="info", type=click.Choice(["debug", "info", "warning", "error"])
)
@pass_ctx
@_fail_cleanly
def serve(
    c: Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    request_log: str | None,
    log_level: str,
) -> None:
    """Run the screening service (HTTP API; docs at /docs, OpenAPI at /openapi.json)."""
    from watchlist.api.server import serve as run

    settings = replace(
        c.settings,
        api_host=host or c.settings.api_host,
        api_port=c.settings.api_port if port is None else port,
        api_workers=workers or c.settings.api_workers,
        request_log=request_log if request_log is not None else c.settings.request_log,
    )
    sys.exit(run(settings, log_level=log_level))
