"""POST /screen: one query or a batch, same fields, filters and results as `watchlist screen`.

``run_screen`` is the whole of it; the FastAPI route below declares it (OpenAPI, docs),
and ``api.fastpath`` serves the same function without FastAPI's per-request machinery.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Body, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from watchlist.api.auth import require
from watchlist.api.errors import FieldProblem
from watchlist.api.models import (
    AUTH_ERRORS,
    BODY_ERRORS,
    BatchResultOut,
    ErrorOut,
    ScreenRequest,
    ScreenResultOut,
)
from watchlist.api.service import Service, service_of
from watchlist.errors import InputError
from watchlist.index import ScreeningIndex
from watchlist.screen import Filters, Query, screen


def _query(fields: Any) -> Query:
    return Query(
        name=fields.name or "",
        dob=fields.dob,
        country=fields.country,
        type=fields.type,
        identifiers=tuple(fields.identifiers),
        id=fields.id,
    )


def _screen_all(
    index: ScreeningIndex,
    queries: list[Query],
    threshold: float,
    limit: int,
    filters: Filters,
    batch: bool,
) -> bytes:
    results = []
    for i, q in enumerate(queries):
        try:
            r = screen(index, q, threshold=threshold, limit=limit, filters=filters)
        except InputError as exc:
            prefix = ["body", "queries", str(i)] if batch else ["body"]
            raise FieldProblem.from_input_error(exc, prefix) from exc
        results.append(r.as_json())
    return orjson.dumps({"results": results} if batch else results[0])


async def run_screen(svc: Service, body: ScreenRequest) -> bytes:
    """Screen a validated request; the JSON of ``ScreenResult.as_json`` (one) or a batch."""
    if (body.name is None) == (body.queries is None):
        raise FieldProblem(
            ["body", "name"], "give `name` for one query, or `queries` for a batch (not both)"
        )
    max_batch = svc.settings.max_batch
    if body.queries is not None and len(body.queries) > max_batch:
        raise FieldProblem(
            ["body", "queries"], f"at most {max_batch} queries per request (max_batch)"
        )
    index = svc.holder.current().index  # taken once: a swap during this request changes nothing
    threshold = svc.settings.threshold if body.threshold is None else body.threshold
    limit = svc.settings.limit if body.limit is None else body.limit
    filters = Filters(frozenset(body.source), frozenset(body.program), frozenset(body.only_type))
    if body.queries is None:
        return _screen_all(index, [_query(body)], threshold, limit, filters, False)
    queries = [_query(q) for q in body.queries]
    # A batch is CPU work of up to a few hundred ms: off the event loop.
    return await run_in_threadpool(_screen_all, index, queries, threshold, limit, filters, True)


def router(svc: Service) -> APIRouter:
    r = APIRouter(tags=["screening"])
    max_batch = svc.settings.max_batch

    @r.post(
        "/screen",
        response_model=ScreenResultOut | BatchResultOut,
        responses={
            **AUTH_ERRORS,
            **BODY_ERRORS,
            503: {"model": ErrorOut, "description": "No screening index loaded yet"},
        },
        summary="Screen a name (or a batch of names) against the loaded lists",
        description=(
            "Give `name` (and optionally `dob`, `country`, `type`, `identifiers`) for one query,"
            f" or `queries` for a batch of up to {max_batch}. `threshold`, `limit`, `source`,"
            " `program` and `only_type` work as the options of `watchlist screen`; the results"
            " and explanations are the same JSON as `watchlist screen --json`. Role: reader."
        ),
    )
    async def screen_route(
        request: Request,
        body: ScreenRequest = Body(
            openapi_examples={
                "one": {"value": {"name": "Artyom Kouznetsov", "dob": "1975"}},
                "batch": {
                    "value": {
                        "queries": [
                            {"name": "Kim Jong Un"},
                            {"name": "Acme Trading LLC", "type": "organization"},
                        ],
                        "threshold": 0.85,
                    }
                },
            }
        ),
        _key: Any = Depends(require("reader")),
    ) -> Response:
        content = await run_screen(service_of(request), body)
        return Response(content, media_type="application/json")

    return r
