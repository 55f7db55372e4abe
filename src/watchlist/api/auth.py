"""API keys on every route but health and readiness: 401 without a valid key, 403 for a
role that may not do what is asked. The key is checked against the store on every
request, so a revoked key stops working at once in every worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from watchlist.api.service import Service, service_of
from watchlist.store.keys import KeyInfo, role_allows

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `watchlist keys create`: `Authorization: Bearer <key>`.",
)


class AuthError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def authenticate(svc: Service, secret: str | None, role: str, state: dict[str, Any]) -> KeyInfo:
    """The key behind ``secret`` if it may act as ``role``; AuthError (401/403) otherwise.
    Records the key's name and role in ``state`` for the request log."""
    if not secret:
        raise AuthError(401, "an API key is needed: send 'Authorization: Bearer <key>'")
    key = svc.keys.verify(secret)
    if key is None:
        raise AuthError(401, "unknown or revoked API key")
    state["key_name"] = key.name
    state["key_role"] = key.role
    if not role_allows(key.role, role):
        raise AuthError(
            403, f"key {key.name!r} has role {key.role}; this needs role {role} or above"
        )
    return key


def bearer_secret(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (as FastAPI's HTTPBearer)."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require(role: str) -> Callable[..., Awaitable[KeyInfo]]:
    """A dependency admitting keys of ``role`` or above."""

    async def check(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ) -> KeyInfo:
        secret = credentials.credentials if credentials is not None else None
        state: dict[str, Any] = request.scope.setdefault("state", {})
        return authenticate(service_of(request), secret, role, state)

    return check
