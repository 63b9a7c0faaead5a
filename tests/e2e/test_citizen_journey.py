"""A visitor registers as a Paris resident, manages follows, signs out and back in,
switches to French; wrong password and duplicate email show their messages."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto

PASSWORD = "a long civic passphrase"


def register(page: Page, base_url: str, *, email: str, name: str = "James Martin",
             place: str = "Paris") -> None:
    goto(page, base_url, "/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Home place").fill(place)
    # announced, not just drawn
    expect(page.locator("#field-place-status")).to_contain_text("found")
    page.locator("#field-place-results").get_by_role("button").filter(has_text=place).first.click()
    expect(page.locator("#field-place-chosen")).to_contain_text(place)
    page.get_by_role("button", name="Create my account").click()


def sign_in(page: Page, base_url: str, *, email: str, password: str = PASSWORD) -> None:
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#login-submit").click()


def test_register_follow_logout_login_and_french(page: Page, base_url: str):
    email = f"james-{uuid.uuid4().hex[:8]}@example.org"
    register(page, base_url, email=email)

    # The welcome screen lists the four communities that govern Paris, all followed.
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    items = page.locator("#follow-list li")
    expect(items).to_have_count(4)
    for name in ("Paris", "Île-de-France", "France", "European Union"):
        expect(page.get_by_role("button", name=f"Unfollow {name}", exact=True)).to_be_visible()

    # Unfollow the EU.
    page.get_by_role("button", name="Unfollow European Union", exact=True).click()
    expect(page.get_by_role("button", name="Follow European Union", exact=True)).to_be_visible()

    # Log out, then back in: the same three follows.
    page.locator("#account-menu").click()
    page.get_by_role("menuitem", name="Log out").click()
    expect(page.locator("#nav-login")).to_be_visible()
    sign_in(page, base_url, email=email.upper())
    expect(page.locator("#account-menu")).to_be_visible()
    goto(page, base_url, "/following")
    following = page.locator("#follow-list li")
    expect(following).to_have_count(3)
    expect(page.locator("#follow-list")).not_to_contain_text("European Union")

    # Switch to French: the interface changes and stays French after a reload.
    page.locator("#language-picker").select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the app reloaded itself
    expect(page.locator("main h1")).to_have_text("Communautés que vous suivez")
    page.reload()
    expect(page.locator("main h1")).to_have_text("Communautés que vous suivez")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Communautés que vous suivez · Civo")
    cookie = next(c for c in page.context.cookies() if c["name"] == "locale")
    assert cookie["value"] == "fr"


def test_wrong_password_shows_its_message(page: Page, base_url: str):
    sign_in(page, base_url, email="citizen@demo.civo.example", password="not the password")
    # A password check is an argon2 hash on the server: on a loaded 2-core machine (the
    # whole suite, other work beside it) it has taken longer than the default 20 s wait.
    expect(page.locator("#form-error")).to_contain_text("Wrong email or password.",
                                                        timeout=60_000)
    expect(page.locator("#nav-login")).to_be_visible()


def test_duplicate_email_shows_its_message_and_keeps_the_form(page: Page, base_url: str):
    register(page, base_url, email="CITIZEN@demo.civo.example", name="Someone Else")
    expect(page.locator("#field-email-error")).to_have_text(
        "An account already exists with this email address.")
    expect(page).to_have_url(re.compile(r"/register/?$"))
    expect(page.get_by_label("Full name")).to_have_value("Someone Else")


def test_visitor_language_follows_accept_language(browser, base_url: str):
    from tests.e2e.conftest import new_context

    context = new_context(browser, locale="fr-FR",
                                  extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = context.new_page()
    goto(page, base_url, "/communities")
    expect(page.locator("main h1")).to_have_text("Communautés")
    context.close()
