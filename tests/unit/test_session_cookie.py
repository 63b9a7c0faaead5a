"""The HttpOnly session cookie: claim codes (single use, 60 seconds), the backend routes
that set and clear the cookie (the real FastAPI app over ASGI, on the test database), and
the app reading the session from its websocket handshake only."""

from __future__ import annotations

import warnings
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from civo.models import UserSession
from civo.models._common import utcnow
from civo.services import sessions
from tests.unit.conftest import make_user, with_session

warnings.filterwarnings("ignore", category=DeprecationWarning)

from civo.api import api  # noqa: E402


def _client(**kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                             base_url="http://localhost:8000", **kwargs)


def test_a_claim_code_works_once_and_only_for_a_minute(session):
    user_id = make_user(session)
    now = utcnow()
    code = sessions.begin(session=session, user_id=user_id, now=now)
    # Until claimed, the code is no session token, and the session has none.
    assert sessions.resolve(session=session, token=code) is None
    assert sessions.resolve(session=session, token="claim:" + code) is None
    token = sessions.claim(session=session, code=code, now=now + timedelta(seconds=30))
    assert token and token != code
    assert sessions.resolve(session=session, token=token) == user_id
    # A second use gives nothing, and the session stays the first claimer's.
    assert sessions.claim(session=session, code=code) is None
    assert sessions.resolve(session=session, token=token) == user_id
    # Claimed, the session lives its 24 hours from the claim.
    assert sessions.resolve(session=session, token=token,
                            now=now + timedelta(hours=23, minutes=59)) == user_id
    # Too late: 61 seconds after.
    late = sessions.begin(session=session, user_id=user_id, now=now)
    assert sessions.claim(session=session, code=late, now=now + timedelta(seconds=61)) is None
    # Logged out everywhere before claiming: nothing to claim.
    pending = sessions.begin(session=session, user_id=user_id)
    sessions.end_all(session=session, user_id=user_id)
    assert sessions.claim(session=session, code=pending) is None
    # Forged or malformed codes.
    for forged in ("", None, "x" * 500, code[:-2] + "zz", "a b", 42):
        assert sessions.claim(session=session, code=forged) is None
    # The database keeps digests only: neither the code nor the token.
    stored = " ".join(session.exec(select(UserSession.token_hash)).all())
    for secret in (code, late, pending, token):
        assert secret not in stored


def test_the_cookie_header_is_parsed_strictly():
    read = sessions.token_from_cookie_header
    assert read("locale=fr; civo_session=abc; civo_consent=1") == "abc"
    assert read('civo_session="abc"') == "abc"
    assert read("xcivo_session=abc; civo_sessionx=def") == ""
    assert read("") == read(None) == ""


@pytest.mark.parametrize(("asked", "safe"), [
    ("/following", "/following"), ("/c/lyon?tab=ideas#top", "/c/lyon?tab=ideas#top"),
    ("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil.example", "/"),
    ("evil.example", "/"), ("/\nSet-Cookie: x=1", "/"), ("javascript:alert(1)", "/"),
    ("/api/auth/claim?code=x", "/"), ("", "/"), (None, "/"), (["/x"], "/"),
])
def test_next_is_a_path_on_this_site(asked, safe):
    assert sessions.safe_next(asked) == safe


def _set_cookie(response: httpx.Response) -> str:
    return "; ".join(v for k, v in response.headers.multi_items() if k == "set-cookie")


async def test_the_claim_route_sets_an_httponly_strict_cookie_once(session, monkeypatch):
    user_id = make_user(session)
    code = sessions.begin(session=session, user_id=user_id)
    async with _client() as client:
        response = await client.get("/api/auth/claim", params={"code": code,
                                                               "next": "/following"})
        assert response.status_code == 303
        assert response.headers["location"].endswith("/following")
        assert response.headers["cache-control"] == "no-store"
        cookie = _set_cookie(response)
        assert cookie.startswith("civo_session=")
        for flag in ("HttpOnly", "SameSite=strict", "Path=/", "Max-Age=86400"):
            assert flag.lower() in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http, CIVO_SECURE_COOKIES unset
        token = response.cookies["civo_session"]
        assert sessions.resolve(session=session, token=token) == user_id
        # The same code again: no cookie, back to the sign-in page with a message.
        again = await client.get("/api/auth/claim", params={"code": code})
        assert again.status_code == 303 and "/login?signin=expired" in again.headers["location"]
        assert "civo_session" not in _set_cookie(again)
    # A next address on another site is not followed.
    code = sessions.begin(session=session, user_id=user_id)
    async with _client() as client:
        response = await client.get("/api/auth/claim",
                                    params={"code": code, "next": "//evil.example/x"})
        assert "evil" not in response.headers["location"]
    # Behind HTTPS the cookie is Secure.
    code = sessions.begin(session=session, user_id=user_id)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                                 base_url="https://civo.example") as client:
        response = await client.get("/api/auth/claim", params={"code": code})
        assert "secure" in _set_cookie(response).lower()


async def test_claiming_ends_the_session_the_browser_had(session):
    first, second = make_user(session), make_user(session, email="ana@example.org")
    old = sessions.start(session=session, user_id=first)
    code = sessions.begin(session=session, user_id=second)
    async with _client(cookies={"civo_session": old}) as client:
        response = await client.get("/api/auth/claim", params={"code": code})
    assert sessions.resolve(session=session, token=old) is None
    assert sessions.resolve(session=session, token=response.cookies["civo_session"]) == second


async def test_another_site_cannot_sign_a_visitor_in_with_its_own_code(session):
    """Login CSRF: a code made for the attacker's account, in a link on another site."""
    code = sessions.begin(session=session, user_id=make_user(session))
    async with _client(headers={"Sec-Fetch-Site": "cross-site"}) as client:
        response = await client.get("/api/auth/claim", params={"code": code})
    assert "civo_session" not in _set_cookie(response)
    assert "/login?signin=expired" in response.headers["location"]


async def test_forget_clears_only_a_cookie_whose_session_ended(session):
    user_id = make_user(session)
    live = sessions.start(session=session, user_id=user_id)
    async with _client(cookies={"civo_session": live}) as client:
        # A link (from anywhere) to the route signs nobody out.
        response = await client.get("/api/auth/forget", params={"next": "/login"})
        assert response.status_code == 303 and response.headers["location"].endswith("/login")
        assert "civo_session" not in _set_cookie(response)
        assert sessions.resolve(session=session, token=live) == user_id
        # Once the app ended the session, the route clears its cookie.
        sessions.end(session=session, token=live)
        response = await client.get("/api/auth/forget", params={"next": "https://evil.example"})
        cookie = _set_cookie(response)
        assert cookie.startswith('civo_session=""') and "max-age=0" in cookie.lower()
        assert "httponly" in cookie.lower()
        assert "evil" not in response.headers["location"]


async def test_the_app_reads_the_session_from_the_handshake_cookie_only(session):
    """No var carries the token: a client pushing one changes nothing, and the state
    the browser receives never holds it."""
    import reflex as rx
    from reflex_base.utils.format import json_dumps

    from civo.state.base import AppState

    token = sessions.start(session=session, user_id=make_user(session))
    root = rx.State(_reflex_internal_init=True)
    state = await root.get_state(AppState)
    assert "session_token" not in AppState.get_fields()
    assert not any("session" in name and "notice" not in name
                   for name in AppState.base_vars)
    with_session(state, token)
    async for _ in AppState.init_page.fn(state):
        pass
    assert state.signed_in and state.user_name == "James Martin"
    # What the browser would receive of the whole state: no token anywhere.
    assert token not in json_dumps(root.dict())


@pytest.mark.parametrize(("public", "browser_host", "lands"), [
    # Development on localhost, page opened on 127.0.0.1: back to 127.0.0.1 (where the
    # cookie was set and where Reflex's frontend reaches the backend).
    ("http://localhost:3000", "127.0.0.1:8000", "http://127.0.0.1:3000/following"),
    ("http://localhost:3000", "localhost:8000", "http://localhost:3000/following"),
    # Never to a name another site could point at this server, nor off a real address.
    ("http://localhost:3000", "evil.example:8000", "http://localhost:3000/following"),
    ("https://civo.example.org", "127.0.0.1:8000", "https://civo.example.org/following"),
])
async def test_the_claim_returns_to_the_host_the_browser_used(session, monkeypatch, public,
                                                               browser_host, lands):
    monkeypatch.setenv("CIVO_PUBLIC_URL", public)
    code = sessions.begin(session=session, user_id=make_user(session))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                                 base_url=f"http://{browser_host}") as client:
        response = await client.get("/api/auth/claim", params={"code": code,
                                                               "next": "/following"})
    assert response.headers["location"] == lands
