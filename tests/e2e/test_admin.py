"""The dashboard in a real browser: Lyon's admin creates and publishes a project with an
idea box; a follower posts an idea; an established citizen reports it (hidden for others);
the author sees why and appeals; a moderator restores it; the admin answers it from the
inbox and reads the analytics. And joining a private community with a code."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto
from tests.e2e.test_participation import _account, _context_page, sign_in

LYON_ADMIN = ("lyon.admin@demo.civo.example", "demo-lyon-admin-2026")
MODERATOR = ("moderator@demo.civo.example", "demo-moderator-2026")


def _established(email: str) -> None:
    """Confirmed and 8 days old: this citizen's report hides content at once."""
    from civo.db import make_engine
    from civo.models import User
    from civo.models._common import utcnow

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        user.email_confirmed_at = utcnow()
        user.created_at = utcnow() - timedelta(days=8)
        session.add(user)
        session.commit()
    engine.dispose()


def test_admin_publishes_a_project_and_moderation_runs_its_course(browser: Browser,
                                                                  base_url: str):
    author_email = _account("Lyon", "Aline Auteur")
    flagger_email = _account("Lyon", "Fabien Fort")
    _established(flagger_email)
    admin, author, flagger, visitor, moderator = (_context_page(browser) for _ in range(5))
    try:
        # The Lyon admin: dashboard → Lyon → Projects → a new draft.
        sign_in(admin, base_url, *LYON_ADMIN)
        expect(admin.locator("#nav-dashboard")).to_be_visible()
        goto(admin, base_url, "/admin")
        admin.locator("#admin-communities").get_by_role("link", name="Lyon").click()
        expect(admin.locator("main h1")).to_have_text("Lyon")
        admin.locator("#tab-projects").click()
        expect(admin.locator("#new-project-section")).to_be_visible()
        title = f"Quieter school streets {uuid.uuid4().hex[:6]}"
        admin.get_by_label("Title").fill(title)
        admin.get_by_label("Purpose").fill("Cars speed past three schools.")
        admin.get_by_label("What happens with the input").fill(
            "The mobility committee picks two streets in May.")
        admin.get_by_label("End date").fill("2026-01-01")
        admin.get_by_label("Start date").fill("2026-02-01")
        admin.locator("#project-create").click()  # end before start: refused, nothing saved
        expect(admin.locator("#ends_on-error")).to_contain_text("cannot be before")
        admin.get_by_label("End date").fill("2026-12-31")
        admin.locator("#project-create").click()
        expect(admin).to_have_url(re.compile(r"/admin/p/\d+/?$"))
        project_path = re.search(r"/admin/p/\d+", admin.url).group(0)
        # An idea-box phase, opened, then publish.
        admin.locator("#project-publish").click()
        expect(admin.locator("#admin-error")).to_contain_text("at least one phase")
        admin.locator("#new-phase-title").fill("Your ideas")
        admin.locator("#new-phase-module").select_option("ideas")
        admin.locator("#phase-add").click()
        phase = admin.locator("#admin-phases > li").first
        expect(phase).to_contain_text("Your ideas")
        phase.locator("select[name=status]").select_option("open")
        phase.get_by_role("button", name="Save the phase").click()
        expect(admin.locator("#admin-notice")).to_contain_text("Phase saved")
        admin.locator("#project-publish").click()
        expect(admin.locator("#admin-notice")).to_contain_text("Published")

        # A citizen following Lyon sees it in the feed and posts an idea.
        sign_in(author, base_url, author_email)
        goto(author, base_url, "/")
        card = author.locator("#feed-list > li").filter(has_text=title).first
        expect(card).to_contain_text("New project")
        card.get_by_role("link", name=title).click()
        expect(author.locator("main h1")).to_have_text(title)
        idea_title = f"A crossing guard at 8:15 {uuid.uuid4().hex[:4]}"
        author.get_by_label("Title").fill(idea_title)
        author.get_by_label("Describe your idea").fill("Children cross rue Bossuet alone.")
        author.locator("#idea-submit").click()
        expect(author).to_have_url(re.compile(r"/i/\d+/?$"))
        item_path = re.search(r"/i/\d+", author.url).group(0)

        # An established citizen reports it: hidden for everyone else at once.
        sign_in(flagger, base_url, flagger_email)
        goto(flagger, base_url, item_path)
        flagger.locator("#report-item").click()
        flagger.locator("#flag-submit").click()  # no reason: the browser asks for one
        flagger.locator("#flag-offensive").check()
        flagger.locator("#flag-submit").click()
        expect(flagger.locator("#item-notice")).to_contain_text("moderators will review")
        goto(visitor, base_url, item_path)
        expect(visitor.locator("#item-hidden")).to_contain_text("Hidden pending review")
        expect(visitor.locator("main")).not_to_contain_text("rue Bossuet")

        # The author sees why, and appeals once.
        goto(author, base_url, item_path)
        notice = author.locator("#item-moderation")
        expect(notice).to_contain_text("Hidden pending review")
        expect(notice).to_contain_text("Offensive or hateful")
        author.locator("#item-moderation-appeal").click()
        author.locator("#appeal-text").fill("It is a proposal about road safety.")
        author.locator("#appeal-submit").click()
        expect(author.locator("#item-notice")).to_contain_text("appeal was sent")
        expect(author.locator("#item-moderation-appeal")).to_have_count(0)

        # A moderator restores it; everyone sees it again.
        sign_in(moderator, base_url, *MODERATOR)
        goto(moderator, base_url, "/admin/moderation")
        case = moderator.locator("#queue > li").filter(has_text=idea_title)
        expect(case).to_contain_text("It is a proposal about road safety.")
        expect(case).not_to_contain_text("Fabien")  # who reported is never shown
        case.locator("input[value=restore]").check()
        case.get_by_role("button", name="Apply").click()
        expect(moderator.locator("#admin-notice")).to_contain_text("Restored")
        goto(visitor, base_url, item_path)
        expect(visitor.locator("#item-text")).to_contain_text("rue Bossuet")

        # The admin's inbox: unread by us; the official answer from there.
        goto(admin, base_url, "/admin/inbox")
        entry = admin.locator("#inbox-list > li").filter(has_text=idea_title)
        expect(entry.locator(".unread-by-us")).to_be_visible()
        entry.get_by_text("Official status and answer").click()
        entry.locator("select[name=status]").select_option("accepted")
        entry.locator("textarea[name=answer]").fill("Starting after the holidays.")
        entry.get_by_role("button", name="Save the official status").click()
        expect(admin.locator("#admin-notice")).to_contain_text("official status was saved")
        expect(author.locator("#shaped")).to_be_visible()  # live, without a reload

        # Analytics with the right counts.
        goto(admin, base_url, project_path + "/analytics")
        totals = admin.locator("#analytics-totals")
        expect(totals.locator(".stat").filter(has_text="Contributions")).to_contain_text("1")
        expect(totals.locator(".stat").filter(has_text="Participants")).to_contain_text("1")
        expect(admin.locator("#chart-activity .js-plotly-plot")).to_be_visible()
        expect(admin.locator("#table-age")).to_be_visible()
    finally:
        for pg in (admin, author, flagger, visitor, moderator):
            pg.context.close()


def test_citizens_join_a_private_community_with_a_code(browser: Browser, base_url: str):
    from civo.db import make_engine
    from civo.models import AccessCode, Community
    from civo.models._common import utcnow
    from civo.services.communities import code_digest

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        council = session.exec(select(Community).where(Community.is_private.is_(True))).one()
        session.add(AccessCode(community_id=council.id, code_hash=code_digest("OLDX-CODE-2025"),
                               expires_at=utcnow() - timedelta(days=1)))
        session.commit()
        name = council.name
    engine.dispose()
    page = _context_page(browser)
    try:
        sign_in(page, base_url, _account("Lyon", "Jules Joint"))
        goto(page, base_url, "/join")
        page.get_by_label("Access code").fill("NOPE-NOPE-NOPE")
        page.locator("#join-submit").click()
        expect(page.locator("#join-error")).to_contain_text("This code is not valid.")
        page.get_by_label("Access code").fill("oldx code 2025")
        page.locator("#join-submit").click()
        expect(page.locator("#join-error")).to_contain_text("This code has expired.")
        page.get_by_label("Access code").fill("croi-xrou-sse7")
        page.locator("#join-submit").click()
        expect(page.locator("main h1")).to_have_text(name)
        expect(page.locator("#unfollow-button")).to_be_visible()  # joined and following
    finally:
        page.context.close()
