"""The map's open-data routes (mounted under ``/api/v1`` by the core, with its rate limit):
a map phase's pins as GeoJSON — id, coordinates, category; nothing else (details load when
a pin is opened). Without a key: public phases only, like the rest of ``/api/v1``; the app's
own map passes the signed viewer key of the citizen reading it."""

from __future__ import annotations

import gzip
import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from civo.db import run_service
from civo.modules.map import services
from civo.services.errors import CivoError, NotFound

router = APIRouter(prefix="/modules/map", responses={
    403: {"description": "The viewer key is invalid or expired (reload the page)"}})
Key = Annotated[str | None, Query(max_length=300, pattern=r"^[A-Za-z0-9_.\-]*$",
                                  description="the app's viewer key (omit for open data)")]
MEDIA = "application/geo+json"


def _pins(*, session, key, phase_ids):
    actor = services.viewer(session=session, key=key)
    return services.geojson_many(session=session, actor=actor, phase_ids=phase_ids)


async def _respond(request: Request, key: str | None, phase_ids: list[int]) -> Response:
    try:
        data = await run_service(_pins, key=key, phase_ids=phase_ids)
    except NotFound as error:
        raise HTTPException(status_code=404, detail=error.message) from None
    except CivoError as error:  # only the viewer key can be refused here
        raise HTTPException(status_code=403, detail=error.message) from None
    body = json.dumps(data, separators=(",", ":")).encode()
    headers = {"Cache-Control": "no-store", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", "") and len(body) > 1024:
        body = gzip.compress(body, compresslevel=6)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=MEDIA, headers=headers)


@router.get("/phases/{phase_id}/pins.geojson", response_class=Response,
            responses={200: {"content": {MEDIA: {}},
                             "description": "A map phase's pins (GeoJSON FeatureCollection: "
                                            "id, coordinates, property c = category id)"}})
async def phase_pins(request: Request, phase_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
                     key: Key = None) -> Response:
    return await _respond(request, key, [phase_id])


@router.get("/pins.geojson", response_class=Response,
            responses={200: {"content": {MEDIA: {}},
                             "description": "The pins of several map phases"}})
async def many_pins(request: Request, phases: Annotated[str, Query(
        max_length=600, pattern=r"^\d{1,10}(,\d{1,10}){0,49}$")], key: Key = None) -> Response:
    return await _respond(request, key, [int(p) for p in phases.split(",")])
