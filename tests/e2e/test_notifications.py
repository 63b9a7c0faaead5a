"""B replies to A's idea: A's bell count rises without a reload, the notification centre
shows it, and following it opens the idea. A changes a setting."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import goto
from tests.e2e.test_participation import _account, _context_page, _project_id, sign_in


def test_a_reply_rings_the_authors_bell_live(browser: Browser, base_url: str):
    a_email, b_email = _account("Lyon", "Agathe Arnal"), _account("Lyon", "Basile Brun")
    a, b = _context_page(browser), _context_page(browser)
    try:
        sign_in(a, base_url, a_email)
        goto(a, base_url, f"/p/{_project_id('School extracurricular timings')}")
        title = f"Shaded playground {uuid.uuid4().hex[:6]}"
        a.get_by_label("Title").fill(title)
        a.get_by_label("Describe your idea").fill("Sails over the sandpit.")
        a.locator("#idea-submit").click()
        expect(a).to_have_url(re.compile(r"/i/\d+/?$"))
        item_path = re.search(r"/i/\d+", a.url).group(0)
        goto(a, base_url, "/notifications")
        expect(a.locator("#bell-count")).to_have_count(0)

        sign_in(b, base_url, b_email)
        goto(b, base_url, item_path)
        b.get_by_label("Your comment").fill("Yes, and shade for parents too.")
        b.locator("#comment-submit").click()
        expect(b.locator("#comments")).to_contain_text("shade for parents")

        # A, who did not reload: the bell and the centre show it.
        expect(a.locator("#bell-count")).to_have_text("1")
        entry = a.locator("#notifications-list > li").first
        expect(entry).to_contain_text(f"Basile Brun replied to “{title}”.")
        expect(entry.locator(".unread")).to_be_visible()
        entry.get_by_role("link").click()
        expect(a.locator("main h1")).to_have_text(title)
        expect(a.locator("#bell-count")).to_have_count(0)

        # Settings: replies by email at once.
        goto(a, base_url, "/settings/notifications")
        a.locator("#email-contributions").select_option("immediate")
        a.locator("#notification-settings-save").click()
        expect(a.get_by_text("Saved.")).to_be_visible()
        goto(a, base_url, "/settings/notifications")
        expect(a.locator("#email-contributions")).to_have_value("immediate")
        expect(a.locator("#email-account")).to_be_disabled()
    finally:
        a.context.close()
        b.context.close()
