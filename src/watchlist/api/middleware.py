"""One pure-ASGI middleware for every request: body size limit, timing and metrics,
the request log, and ``Connection: close`` while a worker drains before it is replaced.

(Pure ASGI rather than Starlette's BaseHTTPMiddleware, which costs far more per request.)
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchlist.api import fastpath
from watchlist.api.service import Service

KEEPALIVE_REQUESTS = 100


class BodyTooLarge(Exception):
    pass


def _error_body(error: str, message: str) -> bytes:
    return orjson.dumps({"error": error, "message": message})


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, service: Service, fast_path: bool = True) -> None:
        self.app = app
        self.service = service
        self.fast_path = fast_path
        self._served: dict[Any, int] = {}  # (client address, port) -> requests on that connection

    def _recycle(self, client: Any) -> bool:
        """True for the last request a keep-alive connection may carry (then it closes).

        Several workers accept from one socket, and a worker accepts every connection
        waiting when it wakes, so a burst of new connections can land mostly on one worker
        and stay there. Closing each connection after KEEPALIVE_REQUESTS requests (as
        nginx does after 1,000) lets clients reconnect, and the idlest worker, the one
        waiting in accept, tends to get the new connection: the load evens out.
        """
        if not client or len(client) < 2:
            return False
        client = (client[0], client[1])
        n = self._served.get(client, 0) + 1
        if n >= KEEPALIVE_REQUESTS:
            self._served.pop(client, None)
            return True
        if len(self._served) > 10_000:  # connections closed by their clients are forgotten
            self._served.clear()
        self._served[client] = n
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        svc = self.service
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 0
        fast_route = None
        limit = svc.settings.max_body_bytes
        draining = svc.draining

        close = draining.is_set() or self._recycle(scope.get("client"))

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if close:  # the client reconnects: to a worker of the new generation, or the idlest
                    headers = [
                        h for h in message.get("headers", []) if h[0].lower() != b"connection"
                    ]
                    message["headers"] = [*headers, (b"connection", b"close")]
            await send(message)

        if scope.get("method") in ("POST", "PUT", "PATCH"):
            _as_json(scope)
        try:
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                raise BodyTooLarge
            received = 0

            async def receive_wrapper() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:  # a chunked body that outgrew the limit
                        raise HTTPException(413, _too_large(limit))
                return message

            path = scope.get("path")
            if self.fast_path and path == "/screen" and scope.get("method") == "POST":
                fast_route = "/screen"
                await fastpath.screen(svc, scope, receive_wrapper, send_wrapper)
            elif self.fast_path and path == "/healthz" and scope.get("method") == "GET":
                fast_route = "/healthz"
                await fastpath.healthz(scope, receive_wrapper, send_wrapper)
            else:
                await self.app(scope, receive_wrapper, send_wrapper)
        except BodyTooLarge:
            if status == 0:
                body = _error_body("body_too_large", _too_large(limit))
                await send_wrapper(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = (
                fast_route or getattr(route, "path_format", None) or getattr(route, "path", None)
            )
            method = scope.get("method", "")
            final = status or 500  # no response started: the error handler answered 500
            svc.slot.observe(method, template or "other", final, elapsed)
            if svc.request_log is not None:
                client = scope.get("client")
                svc.request_log.write(
                    {
                        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "key": state.get("key_name"),
                        "role": state.get("key_role"),
                        "method": method,
                        "route": template or scope.get("path", "")[:200],
                        "status": final,
                        "ms": round(elapsed * 1000, 2),
                        "client": client[0] if client else None,
                    }
                )


def _as_json(scope: Scope) -> None:
    """Read every body as JSON, whatever its Content-Type says: ``curl -d '{...}'`` sends
    application/x-www-form-urlencoded. This is safe here because keys travel in the
    Authorization header, never in a cookie, so a cross-site form post cannot carry one
    (the CSRF that FastAPI's strict content type guards against cannot happen)."""
    headers = [h for h in scope.get("headers", []) if h[0] != b"content-type"]
    for name, value in scope.get("headers", []):
        if name == b"content-type" and b"json" in value.lower():
            return
    scope["headers"] = [*headers, (b"content-type", b"application/json")]


def _too_large(limit: int) -> str:
    return f"request body larger than {limit} bytes (max_body_bytes)"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
