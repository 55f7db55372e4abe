"""``python -m watchlist.api [--db DB] serve|keys ...``: the service's commands on their own
(the same commands ``watchlist serve`` and ``watchlist keys`` run)."""

from __future__ import annotations

import click

from watchlist.api.commands import keys, serve
from watchlist.cli import Context
from watchlist.settings import Settings


@click.group()
@click.option("--db", help="Store: a SQLite file path or a SQLAlchemy URL (env WATCHLIST_DB).")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """watchlist screening service."""
    ctx.obj = Context(Settings.from_env(db=db))


main.add_command(keys)
main.add_command(serve)

if __name__ == "__main__":
    main()
