"""A citizen downloads their data and deletes their account; nothing is ever loaded from
another site (no font, script, tracker)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import goto
from tests.e2e.test_participation import PASSWORD, _account, _context_page, _project_id, sign_in


def test_nothing_is_loaded_from_another_site(page: Page, base_url: str):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/", "/communities", "/c/lyon", f"/p/{_project_id('Noise in the Métropole')}",
                 "/i/1", "/login", "/register", "/code-of-conduct"):
        goto(page, base_url, path)
        page.wait_for_timeout(300)
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith(("data:",
                                                                               "blob:"))}
    assert hosts <= {"localhost", "127.0.0.1"}, sorted(hosts)
    assert requested, "the pages requested nothing at all: the test saw nothing"


def test_download_my_data_then_delete_my_account(browser: Browser, base_url: str):
    email = _account("Lyon", "Octave Ouvert")
    page = _context_page(browser)
    try:
        sign_in(page, base_url, email)
        goto(page, base_url, f"/p/{_project_id('School extracurricular timings')}")
        page.get_by_label("Title").fill("Water fountains")
        page.get_by_label("Describe your idea").fill("One per schoolyard.")
        page.locator("#idea-submit").click()
        expect(page).to_have_url(re.compile(r"/i/\d+/?$"))
        item_path = re.search(r"/i/\d+", page.url).group(0)

        goto(page, base_url, "/account")
        page.locator("#link-privacy").click()
        expect(page.locator("main h1")).to_have_text("Your data")
        page.locator("#prepare-download").click()
        link = page.locator("#download-link")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.body())) as archive:
            data = json.loads(archive.read("civo-data.json"))
        assert data["account"]["email"] == email
        assert [c["title"] for c in data["contributions"]] == ["Water fountains"]

        page.locator("#delete-password").fill("not my password")
        page.locator("#delete-understood").check()
        page.locator("#delete-account").click()
        expect(page.locator("#delete-error")).to_contain_text("not your password")
        page.locator("#delete-password").fill(PASSWORD)
        page.locator("#delete-account").click()
        expect(page.locator("#session-notice")).to_contain_text("Your account is deleted")
        expect(page.locator("#account-menu")).to_have_count(0)
        # The deleted session's cookie went too (cleared by the backend on the way home).
        for _ in range(100):
            if not [c for c in page.context.cookies() if c["name"] == "civo_session"]:
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the deleted session's cookie stayed")
        goto(page, base_url, item_path)
        expect(page.locator("main")).to_contain_text("Deleted participant")
        goto(page, base_url, "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#login-submit").click()
        expect(page.get_by_text("Wrong email or password.")).to_be_visible()
        assert page.request.get(href).status == 410  # the archive went with the account
    finally:
        page.context.close()
