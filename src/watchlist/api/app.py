"""The FastAPI application: a thin face over the screening core, the store and ingest.

``create_app(settings)`` gives a self-contained app (it opens the store, and a watcher
thread loads the screening index and swaps in new ones as list versions arrive); this is
what tests and ``uvicorn --factory watchlist.api:create_app`` use. ``watchlist serve``
(``api.server``) passes in a holder with the index it loaded before forking instead.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from watchlist.api import errors
from watchlist.api.live import IndexHolder
from watchlist.api.metrics import MetricsSlot, SharedMetrics
from watchlist.api.middleware import ServiceMiddleware
from watchlist.api.routes import keys as keys_routes
from watchlist.api.routes import lists as lists_routes
from watchlist.api.routes import monitoring as monitoring_routes
from watchlist.api.routes import ops as ops_routes
from watchlist.api.routes import screen as screen_routes
from watchlist.api.service import RequestLog, Service
from watchlist.settings import Settings
from watchlist.store import ListStore, open_engine
from watchlist.store.keys import KeyStore

log = logging.getLogger("watchlist.api")

DESCRIPTION = (
    "Sanctions screening over HTTP. Every route but /healthz and /readyz needs an API key"
    " (`Authorization: Bearer <key>`, from `watchlist keys create`); roles: reader (screen,"
    " look up), analyst (also alerts and decisions), admin (also lists and keys)."
)


def create_app(
    settings: Settings | None = None,
    *,
    holder: IndexHolder | None = None,
    metrics: SharedMetrics | None = None,
    slot: MetricsSlot | None = None,
    store: ListStore | None = None,
    fast_path: bool = True,
) -> FastAPI:
    from importlib.metadata import PackageNotFoundError, version

    settings = settings or Settings.from_env()
    if store is None:
        store = ListStore(open_engine(settings.db_url))
    keys = KeyStore(store.engine)
    if holder is None:
        holder = IndexHolder(store, settings.cache_dir, refresh_seconds=settings.refresh_seconds)
    if metrics is None:
        metrics = SharedMetrics(1)
    if slot is None:
        slot = metrics.slot(0)
    svc = Service(
        settings=settings,
        store=store,
        keys=keys,
        holder=holder,
        metrics=metrics,
        slot=slot,
        request_log=RequestLog.from_settings(settings),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        svc.holder.start()  # in-process mode: load the index in the background, then watch
        try:
            yield
        finally:
            svc.holder.stop()
            if svc.request_log is not None:
                svc.request_log.close()
            svc.keys.close()

    try:
        app_version = version("watchlist")
    except PackageNotFoundError:
        app_version = "0"
    app = FastAPI(
        title="watchlist",
        version=app_version,
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: /docs is served offline instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = svc
    errors.install(app)
    app.include_router(screen_routes.router(svc))
    app.include_router(lists_routes.router(svc))
    app.include_router(keys_routes.router())
    app.include_router(ops_routes.router())
    app.include_router(monitoring_routes.router())
    app.add_middleware(ServiceMiddleware, service=svc, fast_path=fast_path)
    return app
