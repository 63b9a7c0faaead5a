"""Sign in with an OpenID Connect provider: the two HTTP legs of the authorisation-code flow
(with PKCE), done by authlib. The account decision is :func:`civo.services.sso.sign_in_with`.
"""

from __future__ import annotations

import logging

from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from civo.db import run_service
from civo.services import mail, sessions, sso
from civo.services.errors import CivoError
from civo import i18n
from civo.state.base import SECURE_COOKIES, SESSION_MAX_AGE

router = APIRouter(include_in_schema=False)
log = logging.getLogger("civo.sso")
_oauth = OAuth()


def _client(name: str):
    """The authlib client of a configured provider (registered on first use)."""
    found = sso.provider(name)
    if found is None:
        return None
    client = _oauth.create_client(name)
    if client is None:
        _oauth.register(name=name, server_metadata_url=found.metadata_url,
                        client_id=found.client_id, client_secret=found.client_secret,
                        client_kwargs={"scope": "openid email profile",
                                       "code_challenge_method": "S256"})
        client = _oauth.create_client(name)
    return client


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(mail.public_url(path), status_code=303)


@router.get("/api/auth/{name}/start")
async def start(name: str, request: Request):
    client = _client(name)
    if client is None:
        return _back("/login?sso=unknown")
    redirect_uri = mail.api_url(f"/api/auth/{name}/callback")
    return await client.authorize_redirect(request, redirect_uri)


@router.get("/api/auth/{name}/callback")
async def callback(name: str, request: Request):
    client = _client(name)
    if client is None:
        return _back("/login?sso=unknown")
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if claims.get("sub") and not claims.get("email"):
            # Some providers give the email only at their userinfo endpoint.
            more = dict(await client.userinfo(token=token))
            if more.get("sub") == claims["sub"]:
                claims.update({k: more[k] for k in ("email", "email_verified", "name")
                               if k in more and k not in claims})
    except Exception as error:  # noqa: BLE001 - refused, forged state, expired code, an
        # ID token from another issuer or audience, a provider that is down: never a 500
        log.info("sign-in with %s failed: %s: %s", name, type(error).__name__, error)
        return _back("/login?sso=failed")
    locale = i18n.normalize_locale(request.cookies.get("locale")) or i18n.negotiate(
        request.headers.get("accept-language"))
    try:
        signed = await run_service(sso.sign_in_with, provider_name=name, claims=claims,
                                   locale=locale)
    except CivoError as error:
        log.info("sign-in with %s refused: %s", name, error.message)
        return _back("/login?sso=refused")
    # A session this browser had before ends: one browser, one session (as on sign-in
    # with a password).
    await run_service(sessions.end, token=request.cookies.get("civo_session"))
    response = _back("/profile?welcome=1" if signed.created else "/")
    # The same cookie the app's session state reads (civo.state.base.AppState).
    response.set_cookie("civo_session", signed.token, max_age=SESSION_MAX_AGE, path="/",
                        samesite="strict", secure=SECURE_COOKIES)
    return response
