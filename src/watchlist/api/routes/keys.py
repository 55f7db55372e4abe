"""API keys over HTTP (admin): list, create, revoke. Same store as `watchlist keys`."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request, Response

from watchlist.api.auth import require
from watchlist.api.models import AUTH_ERRORS, BODY_ERRORS, ErrorOut, KeyCreate, KeyCreated, KeyOut
from watchlist.api.service import service_of


def router() -> APIRouter:
    r = APIRouter(tags=["admin"])
    admin = Depends(require("admin"))

    @r.get(
        "/keys",
        response_model=list[KeyOut],
        responses={**AUTH_ERRORS},
        summary="API keys, without their secrets (admin)",
    )
    def list_keys(request: Request, _key: Any = admin) -> Response:
        keys = service_of(request).keys.list()
        return Response(orjson.dumps([k.as_json() for k in keys]), media_type="application/json")

    @r.post(
        "/keys",
        status_code=201,
        response_model=KeyCreated,
        responses={**AUTH_ERRORS, **BODY_ERRORS},
        summary="Create an API key; the secret is in this response only (admin)",
    )
    def create_key(request: Request, body: KeyCreate, _key: Any = admin) -> Response:
        info, secret = service_of(request).keys.create(body.name, body.role)
        return Response(
            orjson.dumps({"key": info.as_json(), "secret": secret}),
            201,
            media_type="application/json",
        )

    @r.delete(
        "/keys/{ref}",
        response_model=KeyOut,
        responses={
            **AUTH_ERRORS,
            404: {"model": ErrorOut, "description": "No such key"},
            422: BODY_ERRORS[422],
        },
        summary="Revoke a key by name or id; effective at once in every worker (admin)",
    )
    def revoke_key(
        request: Request, ref: Annotated[str, Path(min_length=1, max_length=100)], _key: Any = admin
    ) -> Response:
        info = service_of(request).keys.revoke(ref)
        return Response(orjson.dumps(info.as_json()), media_type="application/json")

    return r
