"""axe-core on every page of the foundation, in light and dark mode, phone and desktop:
no serious or critical violation."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto

PUBLIC_PAGES = ["/join", "/code-of-conduct", "/open-data", "/forgot", "/reset/abc", "/confirm/abc",
                "/unsubscribe/abc", "/u/1", "/u/999999",
                "/", "/communities", "/c/lyon", "/c/no-such-community", "/register", "/login",
                "/map", "/notifications", "/p/1", "/p/2", "/i/1", "/i/3", "/i/999999"]
PRIVATE_PAGES = ["/profile", "/settings/privacy", "/notifications", "/settings/notifications", "/n/999999", "/", "/welcome", "/following", "/account", "/c/paris", "/p/3", "/i/2",
                 "/favourites"]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


DASHBOARD_PAGES = ["/admin", "/admin/new-community", "/admin/c/lyon", "/admin/c/lyon/projects",
                   "/admin/c/lyon/news", "/admin/c/lyon/people",
                   "/admin/c/conseil-de-quartier-croix-rousse/people",
                   "/admin/c/lyon/analytics", "/admin/p/1", "/admin/p/1/analytics",
                   "/admin/inbox", "/admin/moderation", "/admin/audit", "/admin/c/nowhere"]


def _sign_in(page: Page, base_url: str, email: str = "citizen@demo.civo.example",
             password: str = "demo-citizen-2026") -> None:
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_public_pages_have_no_serious_violations(page: Page, base_url: str, mode: str):
    page.emulate_media(color_scheme=mode)
    problems = {}
    for path in PUBLIC_PAGES:
        goto(page, base_url, path)
        page.wait_for_timeout(300)  # let lists render after the load event
        if found := serious_violations(page):
            problems[path] = found
        # One focusable element per control: no button inside a link or link inside a button.
        assert page.locator("a button, button a").count() == 0, path
    assert problems == {}, json.dumps(problems, indent=1)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_signed_in_pages_have_no_serious_violations(page: Page, base_url: str, mode: str):
    page.emulate_media(color_scheme=mode)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base_url)
    problems = {}
    for path in PRIVATE_PAGES:
        goto(page, base_url, path)
        page.wait_for_timeout(300)
        if found := serious_violations(page):
            problems[path] = found
        ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))
    assert problems == {}, json.dumps(problems, indent=1)


def test_skip_link_moves_focus_to_main(page: Page, base_url: str):
    goto(page, base_url, "/communities")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_dashboard_pages_have_no_serious_violations(page: Page, base_url: str, mode: str):
    page.emulate_media(color_scheme=mode)
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base_url, "admin@demo.civo.example", "demo-platform-admin-2026")
    problems = {}
    for path in DASHBOARD_PAGES:
        goto(page, base_url, path)
        page.wait_for_timeout(400)
        if found := serious_violations(page):
            problems[path] = found
        ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))
    assert problems == {}, json.dumps(problems, indent=1)


def test_the_cookie_notice_is_accessible_and_goes_away(browser, base_url: str):
    from tests.e2e.conftest import new_context

    context = new_context(browser, notice_seen=False, locale="en-GB")
    page = context.new_page()
    try:
        goto(page, base_url, "/")
        notice = page.locator("#cookie-notice")
        expect(notice).to_contain_text("civo_session")
        expect(notice).to_contain_text("no trackers")
        assert serious_violations(page) == []
        page.locator("#cookie-ok").click()
        expect(notice).to_have_count(0)
        goto(page, base_url, "/communities")
        expect(page.locator("#cookie-notice")).to_have_count(0)
    finally:
        context.close()


def test_the_report_dialog_is_accessible(page: Page, base_url: str):
    from tests.e2e.conftest import someone_elses_item

    _sign_in(page, base_url)
    # Someone else's contribution (nobody reports their own).
    goto(page, base_url, f"/i/{someone_elses_item('citizen@demo.civo.example')}")
    page.locator("#report-item").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    # Checked once the dialog has faded in: mid-animation its text is part-transparent and
    # axe measures a contrast nobody sees.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
