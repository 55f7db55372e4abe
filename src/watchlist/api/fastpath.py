"""The two hottest routes, POST /screen and GET /healthz, served straight from ASGI.

FastAPI's routing and dependency resolution cost about 0.5 ms a request here, as much as
screening a name. These routes are therefore answered before FastAPI sees them, with the
same pieces the FastAPI route uses (``auth.authenticate``, the ``ScreenRequest`` model,
``routes.screen.run_screen``, ``errors.error_response``), so responses are identical; the
FastAPI routes stay declared for the OpenAPI document (and serve when ``fast_path=False``,
which the tests use to check both give the same answers).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from starlette.types import Message, Receive, Scope, Send

from watchlist.api.auth import authenticate, bearer_secret
from watchlist.api.errors import error_response, validation_fields, validation_response
from watchlist.api.models import ScreenRequest
from watchlist.api.routes.screen import run_screen
from watchlist.api.service import Service

_JSON = (b"content-type", b"application/json")


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return str(v.decode("latin-1"))
    return None


def _json_error(raw: bytes) -> list[dict[str, Any]] | None:
    """The error FastAPI reports for a body that is not JSON (it parses with ``json``)."""
    if not raw:
        return [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
    try:
        json.loads(raw)
    except json.JSONDecodeError as e:
        return [
            {
                "type": "json_invalid",
                "loc": ("body", e.pos),
                "msg": "JSON decode error",
                "ctx": {"error": e.msg},
            }
        ]
    except (UnicodeDecodeError, RecursionError):
        return [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "ctx": {}}]
    return None


async def healthz(scope: Scope, receive: Receive, send: Send) -> None:
    await _send_json(send, 200, b'{"status":"ok"}')


async def screen(svc: Service, scope: Scope, receive: Receive, send: Send) -> None:
    state: dict[str, Any] = scope.setdefault("state", {})
    try:
        chunks = []
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        authenticate(svc, bearer_secret(_header(scope, b"authorization")), "reader", state)
        raw = b"".join(chunks)
        try:
            body = ScreenRequest.model_validate_json(raw)
        except ValidationError as exc:
            errors = _json_error(raw) or [
                dict(e, loc=("body", *e["loc"])) for e in exc.errors(include_url=False)
            ]
            await validation_response(validation_fields(errors))(scope, receive, send)
            return
        content = await run_screen(svc, body)
    except Exception as exc:  # the same answers as the FastAPI route's handlers
        await error_response(exc)(scope, receive, send)
        return
    await _send_json(send, 200, content)
