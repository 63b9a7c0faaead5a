"""The session cookie is HttpOnly: signed in through the real form, the page's scripts
cannot read the session (document.cookie, storage, the websocket's messages), yet a reload
keeps the person signed in; signing out clears it. Claim links work once, for a minute;
a crafted websocket client without the cookie is nobody."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from civo.db import make_engine
from civo.models import User, UserSession
from civo.models._common import utcnow
from civo.services import sessions
from civo.state.account import AccountState
from civo.state.auth import LoginState
from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto, new_context
from tests.e2e.test_crafted_websocket import _attack, _run
from tests.e2e.test_participation import PASSWORD, _account


def _desktop(browser: Browser) -> Page:
    """A fresh profile, wide enough for the header to show the signed-in name."""
    return new_context(browser, viewport={"width": 1100, "height": 900},
                       locale="en-GB").new_page()


def _session_cookies(page: Page) -> list[dict]:
    return [c for c in page.context.cookies() if c["name"] == "civo_session"]


def _user_id(email: str) -> int:
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        found = s.exec(select(User.id).where(User.email == email)).one()
    engine.dispose()
    return found


def _code(email: str, *, age: timedelta = timedelta(0)) -> str:
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        code = sessions.begin(session=s, user_id=_user_id(email), now=utcnow() - age)
    engine.dispose()
    return code


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_page_scripts_never_see_the_session_and_sign_out_clears_it(browser: Browser,
                                                                  base_url: str):
    email = _account("Lyon", "Odile Cookie")
    page = _desktop(browser)
    frames: list[str] = []
    page.on("websocket", lambda ws: (
        ws.on("framereceived", lambda payload: frames.append(str(payload))),
        ws.on("framesent", lambda payload: frames.append(str(payload)))))
    try:
        goto(page, base_url, "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#login-submit").click()
        expect(page.locator("#account-menu")).to_contain_text("Odile Cookie")
        expect(page).to_have_url(re.compile(r"/$"))

        (cookie,) = _session_cookies(page)
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/" and cookie["secure"] is False  # plain http here
        assert 23 * 3600 < cookie["expires"] - time.time() <= 24 * 3600
        token = cookie["value"]
        engine = make_engine(TEST_DB_URL)
        with Session(engine) as s:
            assert sessions.resolve(session=s, token=token) == _user_id(email)
        # Nothing the page's scripts can reach holds the session token.
        assert "civo_session" not in page.evaluate("document.cookie")
        assert token not in page.evaluate("document.cookie")
        storage = page.evaluate("JSON.stringify([Object.entries(localStorage),"
                                " Object.entries(sessionStorage)])")
        assert token not in storage
        assert frames and not any(token in f for f in frames)

        # A reload keeps them signed in: the new websocket's handshake carries the cookie.
        page.reload()
        expect(page.locator("#account-menu")).to_contain_text("Odile Cookie")
        goto(page, base_url, "/account")
        expect(page.locator("#account-email")).to_have_text(email)
        assert not any(token in f for f in frames)

        # Signing out ends the session on the server and clears the cookie.
        page.locator("#account-menu").click()
        page.locator("#logout").click()
        expect(page.locator("#nav-login")).to_be_visible()
        _wait_for(lambda: not _session_cookies(page))
        expect(page).to_have_url(re.compile(r"^[^?]*://[^/]+/?$"))  # home, after /account
        page.wait_for_function("document.documentElement.dataset.civoReady === '1'")
        with Session(engine) as s:
            assert sessions.resolve(session=s, token=token) is None
        engine.dispose()
        page.reload()
        expect(page.locator("#nav-login")).to_be_visible()
        page.wait_for_function("document.documentElement.dataset.civoReady === '1'")
        expect(page.locator("#account-menu")).to_have_count(0)
        expect(page.locator("#session-notice")).to_have_count(0)  # no "session ended"
    finally:
        page.context.close()


def test_sign_in_goes_back_to_the_page_that_asked(browser: Browser, base_url: str):
    email = _account("Lyon", "Pascal Retour")
    page = _desktop(browser)
    try:
        goto(page, base_url, "/login?next=/following")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#login-submit").click()
        expect(page).to_have_url(re.compile(r"/following/?$"))
        expect(page.locator("#follow-list")).to_contain_text("Lyon")
        # Another site as "next": home instead.
        page.locator("#account-menu").click()
        page.locator("#logout").click()
        expect(page.locator("#nav-login")).to_be_visible()
        goto(page, base_url, "/login?next=https://example.org/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#login-submit").click()
        expect(page.locator("#account-menu")).to_be_visible()
        assert page.url.startswith(base_url) and "example.org" not in page.url
    finally:
        page.context.close()


def test_a_claim_link_works_once_and_only_for_a_minute(browser: Browser, base_url: str,
                                                      backend_url: str):
    email = _account("Lyon", "Quentin Lien")
    link = f"{backend_url}/api/auth/claim?code={_code(email)}&next=/account"
    first, second = _desktop(browser), _desktop(browser)
    try:
        first.goto(link)
        expect(first).to_have_url(re.compile(r"/account/?$"))
        expect(first.locator("#account-email")).to_have_text(email)
        assert _session_cookies(first)[0]["httpOnly"] is True
        # The same link in another browser: nothing, and the sign-in page says why.
        second.goto(link)
        expect(second).to_have_url(re.compile(r"/login/?\?signin=expired$"))
        expect(second.locator("#form-error")).to_contain_text("Signing in did not complete")
        assert not _session_cookies(second)
        # A code older than a minute does not work either.
        second.goto(f"{backend_url}/api/auth/claim?code="
                    f"{_code(email, age=timedelta(seconds=61))}")
        expect(second.locator("#form-error")).to_contain_text("Signing in did not complete")
        assert not _session_cookies(second)
        # The first browser is still signed in (the used link changed nothing).
        first.reload()
        expect(first.locator("#account-email")).to_have_text(email)
    finally:
        first.context.close()
        second.context.close()


def _account_page(received: list[str]) -> str:
    """What the account page's own state sent (the sign-in form echoes the email)."""
    import json

    name = AccountState.get_full_name()
    return "\n".join(json.dumps(json.loads(r).get("delta", {}).get(name, {}))
                     for r in received)


def test_a_crafted_websocket_client_is_nobody_without_the_cookie(harness, backend_url):
    """Signing in over a raw socket yields a claim link, never the token; until the
    client collects the cookie at that link and sends it in its handshake, it is
    anonymous — even on the same socket that signed in."""
    email = _account("Lyon", "Rita Socket")
    load_account = (f"{AccountState.get_full_name()}.load", {})
    received = _run(_attack(backend_url, [
        (f"{LoginState.get_full_name()}.sign_in",
         {"form": {"email": email, "password": PASSWORD}}, {"pathname": "/login", "query": {}}),
        load_account,
    ]))
    everything = "\n".join(received)
    found = re.search(r"/api/auth/claim\?code=([A-Za-z0-9_-]+)", everything)
    assert found, everything
    assert email not in _account_page(received)  # it did not open: still anonymous
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        # The reply held a claim code only: no live session has a token anyone holds yet.
        assert sessions.resolve(session=s, token=found.group(1)) is None
        live = s.exec(select(UserSession).where(UserSession.user_id == _user_id(email))).all()
        assert len(live) == 1
    engine.dispose()
    response = httpx.get(f"{backend_url}/api/auth/claim", params={"code": found.group(1)})
    cookie = response.cookies["civo_session"]
    signed_in = _run(_attack(backend_url, [load_account], cookie=cookie))
    assert email in _account_page(signed_in)
    assert cookie not in "\n".join(signed_in)


def _sign_in(page: Page, base_url: str, email: str) -> None:
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()


def test_log_out_everywhere_reaches_the_other_browser(browser: Browser, base_url: str):
    email = _account("Lyon", "Sacha Partout")
    here, there = _desktop(browser), _desktop(browser)
    try:
        _sign_in(here, base_url, email)
        _sign_in(there, base_url, email)
        goto(here, base_url, "/account")
        here.locator("#logout-everywhere").click()
        expect(here).to_have_url(re.compile(r"/login/?$"))
        _wait_for(lambda: not _session_cookies(here))
        # The other browser's cookie is still there, but its session is over: signed out,
        # and told so once.
        goto(there, base_url, "/account")
        expect(there).to_have_url(re.compile(r"/login/?$"))
        expect(there.locator("#nav-login")).to_be_visible()
        expect(there.locator("#session-notice")).to_contain_text("Please sign in again")
        there.locator("#session-notice").get_by_role("button", name="Dismiss").click()
        expect(there.locator("#session-notice")).to_have_count(0)
        goto(there, base_url, "/communities")
        expect(there.locator("#session-notice")).to_have_count(0)
        # Signing in again there replaces the dead cookie.
        _sign_in(there, base_url, email)
        (cookie,) = _session_cookies(there)
        engine = make_engine(TEST_DB_URL)
        with Session(engine) as s:
            assert sessions.resolve(session=s, token=cookie["value"]) == _user_id(email)
        engine.dispose()
    finally:
        here.context.close()
        there.context.close()
