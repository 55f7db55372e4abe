"""Every error answered as JSON ``{"error", "message", "fields"?}``; never a stack trace.

The project's own errors map to their status (unknown entity 404, bad field 422, list
refused as implausible 409, download failed 502, no index yet 503); anything unexpected is
a generic 500 naming a reference that is also in the server log with the traceback.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from watchlist.api.auth import AuthError
from watchlist.api.live import NotReadyError
from watchlist.errors import (
    DownloadError,
    ImplausibleListError,
    InputError,
    ListFormatError,
    NotFoundError,
    WatchlistError,
)

log = logging.getLogger("watchlist.api")

_FIELD_PREFIX = re.compile(r"^([a-z_]{1,30}): ")
_HTTP_ERRORS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    502: "bad_gateway",
    503: "not_ready",
}


class FieldProblem(Exception):
    """A request field that passed the schema but is still unusable (422 naming it)."""

    def __init__(self, loc: Sequence[str], message: str) -> None:
        super().__init__(message)
        self.loc = list(loc)
        self.message = message

    @classmethod
    def from_input_error(cls, exc: InputError, prefix: Sequence[str]) -> FieldProblem:
        text = str(exc)
        m = _FIELD_PREFIX.match(text)
        if m:
            return cls([*prefix, m.group(1)], text[m.end() :])
        return cls(list(prefix), text)


def json_error(
    status: int,
    message: str,
    *,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"error": _HTTP_ERRORS.get(status, "error"), "message": message}
    if fields is not None:
        body["fields"] = fields
    return Response(orjson.dumps(body), status, headers=headers, media_type="application/json")


def _loc(parts: Sequence[Any]) -> str:
    return ".".join(str(p) for p in parts)


def validation_fields(errors: Sequence[Any]) -> list[dict[str, str]]:
    fields = []
    for e in errors:
        msg = str(e.get("msg", "invalid"))
        loc = list(e.get("loc", ()))
        ctx = e.get("ctx") or {}
        if e.get("type") == "json_invalid":
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            msg = f"the body is not valid JSON{where}: {ctx.get('error') or msg}"
            loc = loc[:1]
        fields.append({"field": _loc(loc), "message": msg})
    return fields


def validation_response(fields: list[dict[str, str]]) -> Response:
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return json_error(422, summary or "invalid request", fields=fields)


def error_response(exc: Exception, request: Request | None = None) -> Response:
    """The answer to any exception a request raised (shared by every route)."""
    if isinstance(exc, RequestValidationError):
        return validation_response(validation_fields(exc.errors()))
    if isinstance(exc, FieldProblem):
        field = _loc(exc.loc)
        return json_error(
            422, f"{field}: {exc.message}", fields=[{"field": field, "message": exc.message}]
        )
    if isinstance(exc, AuthError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return json_error(exc.status, exc.message, headers=headers)
    if isinstance(exc, StarletteHTTPException):
        return json_error(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    if isinstance(exc, InputError):
        return error_response(FieldProblem.from_input_error(exc, ["body"]))
    if isinstance(exc, WatchlistError):
        status = 400
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, NotReadyError):
            status = 503
        elif isinstance(exc, ListFormatError):
            status = 422
        elif isinstance(exc, ImplausibleListError):
            status = 409
        elif isinstance(exc, DownloadError):
            status = 502
        headers = {"Retry-After": "1"} if status == 503 else None
        return json_error(status, str(exc), headers=headers)
    ref = secrets.token_hex(6)
    where = f" on {request.method} {request.url.path}" if request is not None else ""
    log.error("internal error %s%s", ref, where, exc_info=exc)
    return json_error(500, f"internal error (reference {ref}); the details are in the server log")


def install(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        return error_response(exc, request)

    for cls in (
        RequestValidationError,
        FieldProblem,
        AuthError,
        StarletteHTTPException,
        WatchlistError,
        Exception,
    ):
        app.add_exception_handler(cls, handle)
