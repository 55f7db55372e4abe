"""The ``watchlist`` command line: a thin face over ingest, store and screen."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from watchlist.errors import WatchlistError
from watchlist.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(fn: F) -> F:
    """Print the project's own errors as one clear line and exit 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WatchlistError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lists: Any = None

    @property
    def lists(self) -> Any:
        if self._lists is None:
            from watchlist.store import ListStore, open_engine

            self._lists = ListStore(open_engine(self.settings.db_url))
        return self._lists


pass_ctx = click.make_pass_decorator(Context)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class _Commands(click.Group):
    """The command group, with the commands that live beside the faces they start (the
    HTTP service, monitoring) imported only when called: startup stays fast and those
    modules may import this one."""

    lazy: ClassVar[dict[str, str]] = {
        "keys": "watchlist.api.commands:keys",
        "serve": "watchlist.api.commands:serve",
        "customers": "watchlist.screen.monitor_commands:customers",
        "monitor": "watchlist.screen.monitor_commands:monitor",
        "alerts": "watchlist.screen.monitor_commands:alerts",
        "decide": "watchlist.screen.monitor_commands:decide",
        "audit": "watchlist.screen.monitor_commands:audit",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, _, attr = self.lazy[name].partition(":")
            cmd: click.Command = getattr(importlib.import_module(module), attr)
            return cmd
        return super().get_command(ctx, name)


@click.group(cls=_Commands)
@click.option("--db", envvar=None, help="Store: a SQLite file path or a SQLAlchemy URL (env WATCHLIST_DB).")
@click.version_option(package_name="watchlist")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """watchlist: sanctions lists in, screening out."""
    ctx.obj = Context(Settings.from_env(db=db))


# ---------------------------------------------------------------- lists


@main.command()
@click.argument("source")
@click.argument("location")
@click.option("--format", "fmt", help="Format of the file (default: detected).")
@click.option("--force", is_flag=True, help="Load even if the list looks implausibly small.")
@pass_ctx
@_fail_cleanly
def load(c: Context, source: str, location: str, fmt: str | None, force: bool) -> None:
    """Load SOURCE from LOCATION: a folder, a file, or a URL (http, https, file)."""
    from watchlist.ingest import load_list

    r = load_list(c.lists, source, location, fmt=fmt, settings=c.settings, force=force)
    _print_load(r)


def _print_load(r: Any) -> None:
    v = r.version
    if r.created:
        prev = f" (was version {r.previous.version}: {r.previous.entities} entities)" if r.previous else ""
        click.echo(
            f"{r.source}: version {v.version} loaded, {v.entities} entities, data date"
            f" {v.data_date or 'not given'}, {r.seconds:.2f} s{prev}"
        )
    else:
        click.echo(f"{r.source}: unchanged, same content as version {v.version} ({v.entities} entities)")
    for w in r.warnings[:5]:
        click.echo(f"  warning: {w}")
    if len(r.warnings) > 5:
        click.echo(f"  ... {len(r.warnings) - 5} more warnings")


@main.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--mirror",
    "mirrors",
    multiple=True,
    help="Folder or URL holding a copy of each source (env WATCHLIST_MIRROR), or"
    " SOURCE=LOCATION for one source (env WATCHLIST_MIRROR_SOURCE); repeatable.",
)
@click.option("--history", is_flag=True, help="With a mirror folder: load every dated copy, oldest first.")
@pass_ctx
@_fail_cleanly
def update(c: Context, sources: tuple[str, ...], mirrors: tuple[str, ...], history: bool) -> None:
    """Fetch every configured source (or the SOURCES named) from its official URL."""
    from dataclasses import replace

    from watchlist.ingest import update_history, update_sources

    per_source = dict(c.settings.source_mirrors)
    mirror = c.settings.mirror
    for m in mirrors:
        name, sep, location = m.partition("=")
        if sep and "/" not in name and ":" not in name:
            per_source[name] = location
        else:
            mirror = m
    settings = replace(c.settings, mirror=mirror, source_mirrors=per_source)
    if history:
        if not settings.mirror:
            raise WatchlistError("--history needs --mirror FOLDER")
        outcomes = update_history(c.lists, settings, list(sources) or None)
    else:
        outcomes = update_sources(
            c.lists,
            settings,
            list(sources) or None,
            progress=lambda s: click.echo(f"fetching {s} ...", err=True),
        )
    failed = 0
    for o in outcomes:
        if o.result is not None:
            _print_load(o.result)
        else:
            failed += 1
            click.echo(f"{o.source}: FAILED, previous version keeps serving: {o.error}", err=True)
    if failed:
        click.echo(f"{failed} of {len(outcomes)} sources failed", err=True)
        sys.exit(2)


@main.command(name="lists")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def lists_cmd(c: Context, as_json: bool) -> None:
    """Sources, versions, data dates, entity counts and content hashes."""
    versions = c.lists.versions()
    if as_json:
        _echo_json([v.as_json() for v in versions])
        return
    if not versions:
        click.echo("no list loaded yet: try `watchlist update` or `watchlist load SOURCE PATH`")
        return
    click.echo(f"{'source':<14} {'ver':>3} {'data date':<10} {'loaded at (UTC)':<25} {'entities':>8}  sha256")
    for v in versions:
        click.echo(
            f"{v.source:<14} {v.version:>3} {v.data_date or '-':<10} {v.loaded_at:<25}"
            f" {v.entities:>8}  {v.sha256[:12]}"
        )


@main.command()
@click.argument("source")
@click.option("--from", "from_", help="Version number or date (default: the one before --to).")
@click.option("--to", help="Version number or date (default: the latest).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--show", default=10, help="How many added/removed/changed records to list.")
@pass_ctx
@_fail_cleanly
def diff(c: Context, source: str, from_: str | None, to: str | None, as_json: bool, show: int) -> None:
    """What changed in SOURCE between two versions (default: the last two)."""
    from watchlist.diff import diff_members

    store = c.lists
    new = store.resolve(source, to)
    if from_ is None:
        older = [v for v in store.versions(source) if v.version < new.version]
        if not older:
            raise WatchlistError(f"{source} has only one version up to {new.version}: nothing to compare")
        old = older[-1]
    else:
        old = store.resolve(source, from_)
    d = diff_members(source, old.version, new.version, store.members(old), store.members(new), store.records)
    if as_json:
        _echo_json(d.as_json())
        return
    click.echo(
        f"{source}: version {old.version} ({old.data_date or old.loaded_at[:10]}) -> version"
        f" {new.version} ({new.data_date or new.loaded_at[:10]}): {len(d.added)} added,"
        f" {len(d.removed)} removed, {len(d.changed)} changed"
    )
    names_new = store.records(store.members(new)[i] for i in d.added[:show])
    members_new, members_old = store.members(new), store.members(old)
    for eid in d.added[:show]:
        click.echo(f"  + {eid}  {names_new[members_new[eid]]['name']}")
    names_old = store.records(members_old[i] for i in d.removed[:show])
    for eid in d.removed[:show]:
        click.echo(f"  - {eid}  {names_old[members_old[eid]]['name']}")
    for ch in d.changed[:show]:
        click.echo(f"  ~ {ch.id}  fields: {', '.join(ch.fields)}")


@main.command()
@click.argument("entity_id")
@click.option("--as-of", help="Version number or date.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def show(c: Context, entity_id: str, as_of: str | None, as_json: bool) -> None:
    """One listed entity, as it stood in a version."""
    entity, version = c.lists.entity(entity_id, as_of)
    if as_json:
        data = entity.to_dict()
        data["version"] = version.as_json()
        _echo_json(data)
        return
    click.echo(f"{entity.id}  {entity.name}  [{entity.type}]")
    click.echo(f"  list: {version.source} version {version.version}, data date {version.data_date or '-'}")
    for n in entity.names[1:]:
        extra = ", ".join(x for x in (n.strength, n.script) if x)
        click.echo(f"  {n.kind}: {n.full}" + (f" ({extra})" if extra else ""))
    rows: list[tuple[str, Any]] = [
        ("born", "; ".join(d.text for d in entity.birth_dates)),
        ("birthplace", "; ".join(entity.birth_places)),
        ("nationality", ", ".join(entity.nationalities)),
        ("citizenship", ", ".join(entity.citizenships)),
        ("gender", entity.gender),
        ("programs", ", ".join(f"{p.code} ({p.authority})" for p in entity.programs)),
        ("measures", ", ".join(entity.measures)),
        ("listed on", entity.listed_on),
        ("titles", "; ".join(entity.titles)),
        ("linked to", "; ".join(entity.links)),
        ("remarks", entity.remarks),
    ]
    for label, value in rows:
        if value:
            click.echo(f"  {label}: {value}")
    for d in entity.documents:
        click.echo(f"  document: {d.type} {d.number}" + (f" ({d.country})" if d.country else "") + (f" {d.note}" if d.note else ""))
    for a in entity.addresses:
        click.echo(f"  address: {a.full}")
    for k, vals in entity.attributes.items():
        click.echo(f"  {k}: {'; '.join(vals)}")


@main.command(name="export")
@click.argument("source")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", help="Version number or date.")
@pass_ctx
@_fail_cleanly
def export_cmd(c: Context, source: str, output: Path, as_of: str | None) -> None:
    """Export a list version as FollowTheMoney JSON lines (OpenSanctions' format)."""
    from watchlist.sources.ftm import export_entities

    version = c.lists.resolve(source, as_of)
    with output.open("w", encoding="utf-8") as out:
        n = export_entities(c.lists.entities(version), out)
    click.echo(f"{source} version {version.version}: {n} FtM entities written to {output}")


# ---------------------------------------------------------------- screening


@main.command(name="screen")
@click.argument("name", required=False)
@click.option("--dob", help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD (DD/MM/YYYY too).")
@click.option("--country", help="Nationality or country: name or ISO code; several comma-separated.")
@click.option("--type", "type_", type=click.Choice(["person", "organization", "vessel", "aircraft"]))
@click.option("--id-number", "identifiers", multiple=True, help="Identity document number (NUMBER or NUMBER:CC).")
@click.option("--source", "sources", multiple=True, help="Only these lists (repeatable).")
@click.option("--program", "programs", multiple=True, help="Only entities under these programs (repeatable).")
@click.option("--only-type", "types", multiple=True, help="Only listed entities of this type (repeatable).")
@click.option("--threshold", type=float, help="Minimum score (default from settings).")
@click.option("--limit", type=int, help="Most hits per query.")
@click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Batch: CSV, JSONL or Parquet with a 'name' column.")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, path_type=Path), help="Batch output: .jsonl, .csv or .parquet.")
@click.option("--workers", type=int, help="Batch worker processes (default: all cores).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@_fail_cleanly
def screen_cmd(
    c: Context,
    name: str | None,
    dob: str | None,
    country: str | None,
    type_: str | None,
    identifiers: tuple[str, ...],
    sources: tuple[str, ...],
    programs: tuple[str, ...],
    types: tuple[str, ...],
    threshold: float | None,
    limit: int | None,
    input_path: Path | None,
    output_path: Path | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Screen NAME (or a file of names with --input) against the loaded lists."""
    from watchlist.screen import Filters, Query, screen
    from watchlist.screen.engine import load_index

    filters = Filters(frozenset(sources), frozenset(programs), frozenset(types))
    thr = c.settings.threshold if threshold is None else threshold
    lim = c.settings.limit if limit is None else limit
    if not c.lists.current_versions():
        raise WatchlistError("no list loaded yet: run `watchlist update` or `watchlist load SOURCE PATH` first")
    if input_path is not None:
        from watchlist.screen.batch import BatchOptions, run_batch

        if output_path is None:
            raise WatchlistError("--input needs --output (a .jsonl, .csv or .parquet file)")
        index = load_index(c.lists, c.settings.cache_dir)
        run_batch(
            index,
            input_path,
            output_path,
            BatchOptions(thr, lim, filters),
            workers=workers or c.settings.workers,
        )
        return
    if not name:
        raise WatchlistError("give a NAME to screen, or --input FILE")
    index = load_index(c.lists, c.settings.cache_dir)
    result = screen(
        index,
        Query(name=name, dob=dob, country=country, type=type_, identifiers=identifiers),
        threshold=thr,
        limit=lim,
        filters=filters,
    )
    if as_json:
        _echo_json(result.as_json())
        return
    if not result.hits:
        click.echo(f"no match at or above {thr:.2f} for {name!r}")
        return
    for h in result.hits:
        click.echo(f"{h.score:.3f}  {h.entity_id:<22} {h.entity_name}  [{h.type}; {', '.join(h.programs)}]")
        click.echo(f"       matched {h.matched_kind} name {h.matched_name!r}; name score {h.name_score:.3f}")
        for p in h.name_match.pairs:
            click.echo(f"         {p.query} ~ {p.candidate}: {p.similarity:.2f} ({p.how})")
        for f in h.features:
            click.echo(f"       {f.name} {f.delta:+.2f}: {f.detail}")


if __name__ == "__main__":
    main()
