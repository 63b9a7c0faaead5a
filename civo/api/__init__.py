"""The HTTP API beside the app (FastAPI, mounted through ``rx.App(api_transformer=…)``):
the open-data API under ``/api/v1`` and the one-click unsubscribe that emails point to."""

from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException
from starlette.middleware.sessions import SessionMiddleware
from fastapi.responses import FileResponse

from civo.db import run_service
from civo.services import notifications, privacy
from civo.services.errors import CivoError
from civo.services.secrets import secret_key

api = FastAPI(title="Civo open data", version="1.0",
              description="Public, non-personal content of Civo: communities, projects, "
                          "participation modules, contributions (pseudonymous authors) and "
                          "their counts. Private communities are never included.")
# authlib keeps an OpenID Connect sign-in's state, nonce and PKCE verifier here: a signed
# cookie that lives for the ten minutes of a sign-in.
api.add_middleware(SessionMiddleware, secret_key=secret_key().decode(),
                   session_cookie="civo_sso", max_age=600, same_site="lax",
                   https_only=os.environ.get("CIVO_SECURE_COOKIES", "") == "1")


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


from civo.api import auth  # noqa: E402  (its routes)

api.include_router(auth.router)
