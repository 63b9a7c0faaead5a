"""Register → the confirmation email reaches a real SMTP server → its link confirms the
address → the new citizen can post. Until then: reading, following, a banner, a refusal."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.conftest import link_in
from tests.e2e.conftest import goto
from tests.e2e.test_citizen_journey import register
from tests.e2e.test_participation import _project_id


def test_a_new_citizen_confirms_by_email_then_posts(page: Page, base_url: str, smtp):
    email = f"lea-{uuid.uuid4().hex[:8]}@example.org"
    register(page, base_url, email=email, name="Léa Lambert", place="Lyon")
    expect(page).to_have_url(re.compile(r"/welcome/?$"))
    expect(page.locator("#confirm-banner")).to_be_visible()

    # Not yet: the idea box refuses, and says why.
    goto(page, base_url, f"/p/{_project_id('School extracurricular timings')}")
    page.get_by_label("Title").fill("Homework corner")
    page.get_by_label("Describe your idea").fill("A quiet room after school.")
    page.locator("#idea-submit").click()
    expect(page.locator("#idea-error")).to_contain_text("Confirm your email address first")

    # The email arrived at the SMTP server; its link confirms the address.
    (message,) = smtp.wait_for(email)
    assert message["Subject"] == "Confirm your email address"
    path = urlsplit(link_in(message, "/confirm/")).path
    goto(page, base_url, path)
    expect(page.locator("#confirm-ok")).to_contain_text("confirmed")
    goto(page, base_url, path)  # a second click: a clear page, nothing else
    expect(page.locator("#confirm-ok")).to_contain_text("already confirmed")
    goto(page, base_url, "/confirm/forged-token")
    expect(page.locator("#confirm-invalid")).to_contain_text("not valid")

    # Now it works, and the banner is gone.
    goto(page, base_url, f"/p/{_project_id('School extracurricular timings')}")
    expect(page.locator("#confirm-banner")).to_have_count(0)
    page.get_by_label("Title").fill("Homework corner")
    page.get_by_label("Describe your idea").fill("A quiet room after school.")
    page.locator("#idea-submit").click()
    expect(page).to_have_url(re.compile(r"/i/\d+/?$"))
    expect(page.locator("main h1")).to_have_text("Homework corner")


def test_a_dead_reset_link_says_so_before_asking_for_a_password(page: Page, base_url: str):
    goto(page, base_url, "/reset/forged-or-expired")
    expect(page.locator("#reset-link-error")).to_contain_text("This link is not valid.")
    expect(page.locator("#reset-password")).to_have_count(0)
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page).to_have_url(re.compile(r"/forgot/?$"))
