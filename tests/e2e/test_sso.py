"""Sign in with a real local OpenID Connect provider (oidc-provider-mock): the first
sign-in creates the account, the second signs into it; a verified email links an existing
account; an unverified one never opens it."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto
from tests.e2e.test_participation import _account, _context_page


def _claims(oidc: str, sub: str, **claims) -> None:
    response = httpx.put(f"{oidc}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def _sign_in_with_mock(page: Page, base_url: str, sub: str) -> None:
    goto(page, base_url, "/login")
    page.locator("#sso-mock").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def _accounts(email: str) -> list[int]:
    from civo.db import make_engine
    from civo.models import User

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        found = list(session.exec(select(User.id).where(User.email == email)))
    engine.dispose()
    return found


def test_first_sign_in_creates_the_account_the_second_signs_in(browser: Browser,
                                                                base_url: str, oidc: str):
    email = f"sso-{uuid.uuid4().hex[:8]}@example.org"
    _claims(oidc, email, email=email, email_verified=True, name="Soline Sso")
    page = _context_page(browser)
    try:
        _sign_in_with_mock(page, base_url, email)
        expect(page).to_have_url(re.compile(r"/profile/?\?welcome=1$"))
        expect(page.locator("#account-menu")).to_be_visible()
        expect(page.locator("#profile-notice")).to_contain_text("Choose your home place")
        expect(page.locator("#confirm-banner")).to_have_count(0)  # the provider vouched
        (first,) = _accounts(email)
        # The provider's sign-in sets the same HttpOnly, SameSite=Strict session cookie.
        (cookie,) = [c for c in page.context.cookies() if c["name"] == "civo_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["value"] not in page.evaluate("document.cookie")
        page.locator("#account-menu").click()
        page.locator("#logout").click()
        expect(page.locator("#nav-login")).to_be_visible()

        _sign_in_with_mock(page, base_url, email)
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.locator("#account-menu")).to_be_visible()
        assert _accounts(email) == [first]  # the same account, not a second one
    finally:
        page.context.close()


def test_a_verified_email_links_an_existing_account_an_unverified_one_does_not(
        browser: Browser, base_url: str, oidc: str):
    email = _account("Lyon", "Paul Password")
    (existing,) = _accounts(email)
    page = _context_page(browser)
    try:
        _claims(oidc, "unverified-" + email, email=email, email_verified=False)
        _sign_in_with_mock(page, base_url, "unverified-" + email)
        expect(page.locator("#form-error")).to_contain_text("already use its email")
        expect(page.locator("#account-menu")).to_have_count(0)

        _claims(oidc, "verified-" + email, email=email, email_verified=True, name="Paul P")
        _sign_in_with_mock(page, base_url, "verified-" + email)
        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.locator("#account-menu")).to_be_visible()
        assert _accounts(email) == [existing]
    finally:
        page.context.close()
