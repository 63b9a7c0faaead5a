"""The session cookie's HTTP routes, and sign in with an OpenID Connect provider.

``civo_session`` is set and cleared here only, never by page scripts: ``HttpOnly``,
``SameSite=Strict``, ``Path=/``, ``Secure`` behind HTTPS (``CIVO_SECURE_COOKIES=1`` or an
https request). The app (a websocket, which cannot set cookies) signs a browser in by
sending it to ``/api/auth/claim`` with a single-use code, and signs it out by ending the
session on the server, then sending it to ``/api/auth/forget``, which clears a cookie whose
session has ended (and only then: a link from another site signs nobody out).

OpenID Connect: the two HTTP legs of the authorisation-code flow (with PKCE), done by
authlib. The account decision is :func:`civo.services.sso.sign_in_with`.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

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


_LOCAL_NAMES = ("localhost", "0.0.0.0", "::")


def _back_to_page(request: Request, path: str) -> RedirectResponse:
    """Like :func:`_back`, but to the hostname the browser used when the site's address
    is a localhost one (development): the app's frontend then reaches the backend on the
    page's own hostname (e.g. 127.0.0.1), which is where this route set the cookie. Only
    for "localhost" and IP-address hostnames, never a name another site could point here."""
    url = mail.public_url(path)
    parts = urlsplit(url)
    host = request.url.hostname or ""
    if parts.hostname in _LOCAL_NAMES and host != parts.hostname and _local_or_ip(host):
        netloc = (f"[{host}]" if ":" in host else host) + (
            f":{parts.port}" if parts.port else "")
        url = urlunsplit(parts._replace(netloc=netloc))
    return RedirectResponse(url, status_code=303)


def _local_or_ip(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _private(response: RedirectResponse) -> RedirectResponse:
    """Never cached, and the code in the address is not passed on as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _secure(request: Request) -> bool:
    return SECURE_COOKIES or request.url.scheme == "https"


def set_session_cookie(response: RedirectResponse, request: Request, token: str) -> None:
    """The browser's session cookie (the one the app reads from its websocket handshake)."""
    response.set_cookie(sessions.COOKIE_NAME, token, max_age=SESSION_MAX_AGE, path="/",
                        samesite="strict", httponly=True, secure=_secure(request))


def _cross_site(request: Request) -> bool:
    """A navigation that another site started (browsers say so in Sec-Fetch-Site)."""
    return request.headers.get("sec-fetch-site", "") == "cross-site"


@router.get("/api/auth/claim")
async def claim(request: Request, code: str = "", next: str = "/"):  # noqa: A002
    """Swap a sign-in's claim code (single use, 60 seconds) for the session cookie, then
    go on to ``next`` (a path on this site). Another site cannot sign a visitor into an
    account of its choosing with a code it obtained: cross-site requests are refused
    (the code stays unused)."""
    if _cross_site(request):
        return _private(_back_to_page(request, "/login?signin=expired"))
    token = await run_service(sessions.claim, code=code)
    if token is None:
        return _private(_back_to_page(request, "/login?signin=expired"))
    # A session this browser had before ends: one browser, one session.
    await run_service(sessions.end, token=request.cookies.get(sessions.COOKIE_NAME))
    response = _private(_back_to_page(request, sessions.safe_next(next)))
    set_session_cookie(response, request, token)
    return response


@router.get("/api/auth/forget")
async def forget(request: Request, next: str = "/"):  # noqa: A002
    """Clear the session cookie once its session has ended (signed out, signed out
    everywhere, account deleted, expired), then go on to ``next``. A live session's cookie
    stays: signing out ends the session on the server first (from the app)."""
    response = _private(_back_to_page(request, sessions.safe_next(next)))
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token is not None and not _cross_site(request) and (
            await run_service(sessions.resolve, token=token)) is None:
        response.delete_cookie(sessions.COOKIE_NAME, path="/", samesite="strict",
                               httponly=True, secure=_secure(request))
    return response


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
    await run_service(sessions.end, token=request.cookies.get(sessions.COOKIE_NAME))
    response = _private(_back("/profile?welcome=1" if signed.created else "/"))
    set_session_cookie(response, request, signed.token)
    return response
