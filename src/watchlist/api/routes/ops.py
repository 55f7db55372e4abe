"""Operations: GET /healthz, GET /readyz (no key), GET /metrics (Prometheus), GET /docs."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from watchlist.api.auth import require
from watchlist.api.docs_page import DOCS_HTML
from watchlist.api.metrics import gauge
from watchlist.api.models import AUTH_ERRORS, Health, Ready
from watchlist.api.service import service_of

_PROM = "text/plain; version=0.0.4; charset=utf-8"


def _age(iso: str | None, now: float) -> float | None:
    if not iso:
        return None
    try:
        d = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return round(now - d.timestamp(), 1)


def router() -> APIRouter:
    r = APIRouter(tags=["operations"])

    @r.get("/healthz", response_model=Health, summary="The process answers (no key needed)")
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @r.get(
        "/readyz",
        response_model=Ready,
        responses={503: {"model": Ready, "description": "No screening index loaded yet"}},
        summary="Ready once a screening index is loaded (no key needed)",
    )
    async def readyz(request: Request) -> Response:
        holder = service_of(request).holder
        served = holder.served
        if served is None:
            body: dict[str, Any] = {
                "status": "not ready",
                "reason": holder.not_ready_reason(),
                "index": None,
            }
            return Response(
                orjson.dumps(body), 503, media_type="application/json", headers={"Retry-After": "1"}
            )
        return Response(
            orjson.dumps({"status": "ready", "index": served.describe()}),
            media_type="application/json",
        )

    @r.get(
        "/metrics",
        response_class=Response,
        responses={
            200: {
                "content": {_PROM: {"schema": {"type": "string"}}},
                "description": "Prometheus text format",
            },
            **AUTH_ERRORS,
        },
        summary="Request counts and latency, index size, list versions and ages (Prometheus)",
    )
    def metrics(request: Request, _key: Any = Depends(require("reader"))) -> Response:
        s = service_of(request)
        now = time.time()
        lines = s.metrics.render_requests()
        served = s.holder.served
        if served is not None:
            st = served.index.stats()
            lines += gauge(
                "watchlist_index_entities",
                "Entities in the index being screened against.",
                [("", st["entities"])],
            )
            lines += gauge(
                "watchlist_index_names",
                "Name forms in the index being screened against.",
                [("", st["names"])],
            )
            lines += gauge(
                "watchlist_index_loaded_timestamp_seconds",
                "When this worker's index was loaded (unix time).",
                [("", round(served.loaded_at, 3))],
            )
            lines += gauge(
                "watchlist_index_list_version",
                "Version of each list in the index being screened against.",
                [
                    (f'source="{v["source"]}"', int(str(v["version"])))
                    for v in served.index.versions
                ],
            )
        lines += gauge(
            "watchlist_ready",
            "1 when a screening index is loaded.",
            [("", int(served is not None))],
        )
        current = s.store.current_versions()
        lines += gauge(
            "watchlist_list_version",
            "Latest version of each list in the store.",
            [(f'source="{v.source}"', v.version) for v in current],
        )
        lines += gauge(
            "watchlist_list_entities",
            "Entities in the latest version of each list.",
            [(f'source="{v.source}"', v.entities) for v in current],
        )
        ages = [(v.source, _age(v.loaded_at, now)) for v in current]
        lines += gauge(
            "watchlist_list_age_seconds",
            "Seconds since the latest version of each list was loaded.",
            [(f'source="{src}"', a) for src, a in ages if a is not None],
        )
        data_ages = [(v.source, _age(v.data_date, now)) for v in current]
        lines += gauge(
            "watchlist_list_data_age_seconds",
            "Seconds since the data date the list itself gives (publication date).",
            [(f'source="{src}"', a) for src, a in data_ages if a is not None],
        )
        lines += s.metrics.render_workers()
        return Response(("\n".join(lines) + "\n").encode(), media_type=_PROM)

    @r.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_HTML)

    return r
