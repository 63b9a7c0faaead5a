"""The HTTP API beside the app (FastAPI, mounted through ``rx.App(api_transformer=…)``):
the open-data API under ``/api/v1`` and the one-click unsubscribe that emails point to."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from civo.db import run_service
from civo.services import notifications, privacy
from civo.services.errors import CivoError

api = FastAPI(title="Civo open data", version="1.0",
              description="Public, non-personal content of Civo: communities, projects, "
                          "participation modules, contributions (pseudonymous authors) and "
                          "their counts. Private communities are never included.")


@api.post("/api/unsubscribe/{token}", include_in_schema=False)
async def one_click_unsubscribe(token: str) -> dict[str, list[str]]:
    """RFC 8058 one-click unsubscribe (``List-Unsubscribe-Post``)."""
    try:
        stopped = await run_service(notifications.unsubscribe, token=token)
    except CivoError as error:
        raise HTTPException(status_code=400, detail=error.message) from None
    return {"stopped": stopped}


@api.get("/api/me/export/{token}", include_in_schema=False)
async def download_archive(token: str) -> FileResponse:
    """A "download my data" archive, while its link is valid (7 days)."""
    try:
        path = await run_service(privacy.archive_path, token=token)
    except CivoError as error:
        raise HTTPException(status_code=410, detail=error.message) from None
    return FileResponse(path, media_type="application/zip", filename="civo-my-data.zip",
                        headers={"Cache-Control": "no-store"})
