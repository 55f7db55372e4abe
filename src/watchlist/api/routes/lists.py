"""Lists and entities: GET /lists, GET /lists/{source}/diff, GET /entities/{id};
admin: POST /lists/{source}/load, POST /lists/update (the same functions as the CLI)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from watchlist.api.auth import require
from watchlist.api.models import (
    AUTH_ERRORS,
    BODY_ERRORS,
    SOURCE_PATTERN,
    DiffOut,
    EntityOut,
    ErrorOut,
    ListsOut,
    LoadOut,
    LoadRequest,
    UpdateOut,
    UpdateRequest,
)
from watchlist.api.service import Service, service_of
from watchlist.diff import diff_members
from watchlist.errors import WatchlistError
from watchlist.ingest import LoadResult, load_list, update_history, update_sources

_404: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such source, version or entity"}
}
_ADMIN: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorOut,
        "description": "List refused: implausibly small against the last version",
    },
    502: {"model": ErrorOut, "description": "The list could not be downloaded"},
}
SourcePath = Annotated[str, Path(min_length=1, max_length=64, pattern=SOURCE_PATTERN)]
VersionRef = Annotated[
    str | None,
    Query(
        max_length=40,
        pattern=r"^[0-9A-Za-z:.+-]+$",
        description="Version number or date (YYYY-MM-DD).",
    ),
]


def _json(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status, media_type="application/json")


def _load_json(r: LoadResult, index_note: str) -> dict[str, Any]:
    return {
        "source": r.source,
        "created": r.created,
        "version": r.version.as_json(),
        "previous": r.previous.as_json() if r.previous else None,
        "seconds": round(r.seconds, 3),
        "warnings": r.warnings[:100],
        "index": index_note,
    }


def router(svc: Service) -> APIRouter:
    r = APIRouter()
    reader = Depends(require("reader"))
    admin = Depends(require("admin"))
    note = (
        f"the service screens against the new version within about {svc.settings.refresh_seconds:g} s"
        " plus the index build; GET /readyz shows the versions being screened against"
    )

    @r.get(
        "/lists",
        tags=["lists"],
        response_model=ListsOut,
        responses={**AUTH_ERRORS},
        summary="Every list version in the store, and the ones the served index holds",
    )
    def lists(request: Request, _key: Any = reader) -> Response:
        s = service_of(request)
        current = {v.id for v in s.store.current_versions()}
        served = s.holder.served
        return _json(
            {
                "versions": [
                    {**v.as_json(), "current": v.id in current} for v in s.store.versions()
                ],
                "index": served.describe() if served else None,
            }
        )

    @r.get(
        "/lists/{source}/diff",
        tags=["lists"],
        response_model=DiffOut,
        responses={**AUTH_ERRORS, **_404, 422: BODY_ERRORS[422]},
        summary="What changed in a list between two versions (default: the last two)",
    )
    def diff(
        request: Request,
        source: SourcePath,
        from_: Annotated[VersionRef, Query(alias="from")] = None,
        to: VersionRef = None,
        _key: Any = reader,
    ) -> Response:
        store = service_of(request).store
        new = store.resolve(source, to)
        if from_ is None:
            older = [v for v in store.versions(source) if v.version < new.version]
            if not older:
                raise WatchlistError(
                    f"{source} has only one version up to {new.version}: nothing to compare"
                )
            old = older[-1]
        else:
            old = store.resolve(source, from_)
        d = diff_members(
            source, old.version, new.version, store.members(old), store.members(new), store.records
        )
        return _json(d.as_json())

    @r.get(
        "/entities/{entity_id:path}",
        tags=["lists"],
        response_model=EntityOut,
        responses={**AUTH_ERRORS, **_404, 422: BODY_ERRORS[422]},
        summary="One listed entity as it stood in a version (default: the latest)",
    )
    def entity(
        request: Request,
        entity_id: Annotated[
            str, Path(min_length=3, max_length=200, description="SOURCE:ID, e.g. un:QDi.059")
        ],
        as_of: VersionRef = None,
        _key: Any = reader,
    ) -> Response:
        ent, version = service_of(request).store.entity(entity_id, as_of)
        data = ent.to_dict()
        data["version"] = version.as_json()
        return _json(data)

    @r.post(
        "/lists/{source}/load",
        tags=["admin"],
        response_model=LoadOut,
        responses={**AUTH_ERRORS, **BODY_ERRORS, **_ADMIN},
        summary="Load a list version from a file, folder or URL (admin)",
    )
    def load(
        request: Request, source: SourcePath, body: LoadRequest, _key: Any = admin
    ) -> Response:
        s = service_of(request)
        with s.admin_lock:
            result = load_list(
                s.store,
                source,
                body.location,
                fmt=body.format,
                settings=s.settings,
                force=body.force,
            )
        s.holder.poke()
        return _json(_load_json(result, note))

    @r.post(
        "/lists/update",
        tags=["admin"],
        response_model=UpdateOut,
        responses={**AUTH_ERRORS, **BODY_ERRORS, **_ADMIN},
        summary="Fetch every configured source (or those named) and load what changed (admin)",
    )
    def update(request: Request, body: UpdateRequest | None = None, _key: Any = admin) -> Response:
        s = service_of(request)
        body = body or UpdateRequest.model_validate({})  # no body: every configured source
        settings = replace(s.settings, mirror=body.mirror or s.settings.mirror)
        with s.admin_lock:
            if body.history:
                outcomes = update_history(s.store, settings, body.sources)
            else:
                outcomes = update_sources(s.store, settings, body.sources)
        s.holder.poke()
        out = [
            {
                "source": o.source,
                "result": _load_json(o.result, note) if o.result else None,
                "error": o.error,
            }
            for o in outcomes
        ]
        return _json({"outcomes": out, "failed": sum(1 for o in outcomes if o.result is None)})

    return r
