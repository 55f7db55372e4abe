"""Alerts and customers over HTTP: the same functions as `watchlist alerts|decide|customers`.

analyst: GET /alerts, GET /alerts/{id}, POST /alerts/{id}/decision (recorded as the key's name)
admin:   POST /customers/import (a file on the server, like POST /lists/{source}/load)
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from watchlist.api.auth import require
from watchlist.api.models import AUTH_ERRORS, BODY_ERRORS, ErrorOut
from watchlist.api.service import service_of
from watchlist.store.keys import KeyInfo

_404: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such alert"}}


class Decision(BaseModel):
    decision: Literal["false_positive", "true_match"]
    reason: str = Field(min_length=1, max_length=2000, description="Why: it goes to the audit trail.")


class CustomerImport(BaseModel):
    location: str = Field(min_length=1, max_length=2000, description="A CSV, JSONL or Parquet file on the server.")


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status, media_type="application/json")


def router() -> APIRouter:
    r = APIRouter(tags=["monitoring"])
    analyst = Depends(require("analyst"))
    admin = Depends(require("admin"))

    @r.get("/alerts", responses={**AUTH_ERRORS}, summary="Alerts, most recently changed first (analyst)")
    def alerts(
        request: Request,
        status: Annotated[Literal["open", "false_positive", "true_match", "closed", "all"], Query()] = "open",
        customer: Annotated[str | None, Query(max_length=200)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        _key: Any = analyst,
    ) -> Response:
        from watchlist.screen.monitor import list_alerts

        rows, total = list_alerts(
            service_of(request).store.engine,
            status=status,
            customer_id=customer,
            entity_id=entity,
            limit=limit,
            offset=offset,
        )
        return _json({"total": total, "alerts": [a.as_json() for a in rows]})

    @r.get("/alerts/{alert_id}", responses={**AUTH_ERRORS, **_404}, summary="One alert (analyst)")
    def alert(request: Request, alert_id: Annotated[int, Path(ge=1)], _key: Any = analyst) -> Response:
        from watchlist.screen.monitor import get_alert

        return _json(get_alert(service_of(request).store.engine, alert_id).as_json())

    @r.post(
        "/alerts/{alert_id}/decision",
        responses={**AUTH_ERRORS, **BODY_ERRORS, **_404},
        summary="Decide an alert: false positive or true match, with the reason (analyst)",
    )
    def decide(
        request: Request,
        body: Decision,
        alert_id: Annotated[int, Path(ge=1)],
        key: KeyInfo = analyst,
    ) -> Response:
        from watchlist.screen.monitor import decide as decide_alert

        row = decide_alert(
            service_of(request).store.engine, alert_id, body.decision, reason=body.reason, by=f"key:{key.name}"
        )
        return _json(row.as_json())

    @r.post(
        "/customers/import",
        responses={**AUTH_ERRORS, **BODY_ERRORS},
        summary="Import or update customers from a file on the server (admin)",
    )
    def import_customers(request: Request, body: CustomerImport, key: KeyInfo = admin) -> Response:
        from watchlist.screen.monitor import import_customers as run_import

        report = run_import(service_of(request).store.engine, FilePath(body.location), actor=f"key:{key.name}")
        return _json(report.as_json())

    return r
