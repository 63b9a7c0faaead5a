"""The HTTP API beside the app (FastAPI, mounted through ``rx.App(api_transformer=…)``):
the open-data API under ``/api/v1`` and the one-click unsubscribe that emails point to."""

from __future__ import annotations

from pathlib import Path

from fastapi import HTTPException
from fastapi_offline import FastAPIOffline
from starlette.middleware.sessions import SessionMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from civo.db import run_service
from civo.services import notifications, privacy
from civo.services.errors import CivoError
from civo.services.secrets import secret_key
from civo.state.base import SECURE_COOKIES

# The OpenAPI document (/openapi.json) and its docs page (/docs: Swagger UI, its files
# served from here, nothing fetched from another site). The page itself is ours (below):
# Swagger UI as shipped fails WCAG contrast and has no language or landmarks.
_DOCS_STATIC = "/docs/static"
api = FastAPIOffline(title="Civo open data", version="1.0", docs_url=None, redoc_url=None,
                     static_url=_DOCS_STATIC,
                     swagger_ui_parameters={"deepLinking": False, "defaultModelsExpandDepth": 0,
                                            "syntaxHighlight": False},
                     description="Public, non-personal content of Civo: communities, "
                                 "projects, participation modules, contributions "
                                 "(pseudonymous authors) and their counts. Private "
                                 "communities are never included.")
_DOCS_FILES = {"civo.css": (Path(__file__).with_name("docs.css"), "text/css"),
               "civo.js": (Path(__file__).with_name("docs.js"), "text/javascript")}


@api.get("/docs", include_in_schema=False)
async def api_reference() -> HTMLResponse:
    """Swagger UI in an English page with a main landmark and Civo's contrast fixes."""
    page = get_swagger_ui_html(
        openapi_url=api.openapi_url or "/openapi.json", title="Civo open data API",
        swagger_js_url=f"{_DOCS_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{_DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url="/favicon.ico",
        swagger_ui_parameters=api.swagger_ui_parameters).body.decode()
    page = (page.replace("<html>", '<html lang="en">', 1)
            .replace("</head>", '<link rel="stylesheet" href="/docs/civo.css">\n</head>', 1)
            .replace('<div id="swagger-ui">\n    </div>',
                     '<main><div id="swagger-ui"></div></main>', 1)
            .replace("</body>", '<script src="/docs/civo.js"></script>\n</body>', 1))
    return HTMLResponse(page)


@api.get("/docs/{name}", include_in_schema=False)
async def api_reference_file(name: str) -> FileResponse:
    if name not in _DOCS_FILES:
        raise HTTPException(status_code=404)
    path, media_type = _DOCS_FILES[name]
    return FileResponse(path, media_type=media_type)


# authlib keeps an OpenID Connect sign-in's state, nonce and PKCE verifier here: a signed
# cookie that lives for the ten minutes of a sign-in.
api.add_middleware(SessionMiddleware, secret_key=secret_key().decode(),
                   session_cookie="civo_sso", max_age=600, same_site="lax",
                   https_only=SECURE_COOKIES)


@api.post("/api/unsubscribe/{token}", include_in_schema=False)
async def one_click_unsubscribe(token: str) -> dict[str, list[str]]:
    """RFC 8058 one-click unsubscribe (``List-Unsubscribe-Post``)."""
    try:
        stopped = await run_service(notifications.unsubscribe, token=token)
    except CivoError as error:
        raise HTTPException(status_code=400, detail=error.message) from None
    return {"stopped": stopped}


@api.get("/api/events/{item_id}.ics", include_in_schema=False)
async def event_calendar(item_id: int) -> Response:
    """A public event as an iCalendar file (the feed card's "Add to calendar" link)."""
    from civo import policy
    from civo.services import announcements

    try:
        text = await run_service(announcements.ics, actor=policy.ANONYMOUS, item_id=item_id)
    except CivoError as error:
        raise HTTPException(status_code=404, detail=error.message) from None
    return Response(text, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="event-{item_id}.ics"'})


@api.get("/api/me/export/{token}", include_in_schema=False)
async def download_archive(token: str) -> FileResponse:
    """A "download my data" archive, while its link is valid (7 days)."""
    try:
        path = await run_service(privacy.archive_path, token=token)
    except CivoError as error:
        raise HTTPException(status_code=410, detail=error.message) from None
    return FileResponse(path, media_type="application/zip", filename="civo-my-data.zip",
                        headers={"Cache-Control": "no-store"})


from civo.api import auth, v1  # noqa: E402  (their routes)

api.include_router(auth.router)
api.include_router(v1.router)
