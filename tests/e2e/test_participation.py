"""Two citizens and a Lyon admin in three browser contexts: an idea posted in Lyon shows
first and unread in B's feed, B's reaction reaches A live, the admin's visit shows A
"Read by Lyon"; debates, comments, supports, favourites and bad input."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto

PASSWORD = "a long civic passphrase"


def _account(home: str, name: str, *, confirmed: bool = True) -> str:
    from civo import policy
    from civo.db import make_engine
    from civo.models import Place
    from civo.services import accounts

    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.org"
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        place = session.exec(select(Place.id).where(Place.name == home)).one()
        user_id = accounts.register(session=session, actor=policy.ANONYMOUS, full_name=name,
                                    email=email, password=PASSWORD,
                                    home_place_id=place).user_id
        if confirmed:  # as if they had opened the link we mailed them
            from civo.models import User
            from civo.models._common import utcnow

            session.get(User, user_id).email_confirmed_at = utcnow()
            session.commit()
    engine.dispose()
    return email


def _project_id(title: str) -> int:
    from civo.db import make_engine
    from civo.models import Project

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        found = session.exec(select(Project.id).where(Project.title == title)).one()
    engine.dispose()
    return found


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def _context_page(browser: Browser) -> Page:
    from tests.e2e.conftest import new_context

    context = new_context(browser, viewport={"width": 1100, "height": 900}, locale="en-GB")
    return context.new_page()


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()


def test_idea_feed_reaction_and_read_receipt_live(browser: Browser, base_url: str):
    a_email, b_email = _account("Lyon", "Alice Arnaud"), _account("Lyon", "Bruno Blanc")
    a, b, admin = (_context_page(browser) for _ in range(3))
    try:
        sign_in(a, base_url, a_email)
        sign_in(b, base_url, b_email)
        sign_in(admin, base_url, "lyon.admin@demo.civo.example", "demo-lyon-admin-2026")
        goto(admin, base_url, "/c/lyon")  # Lyon's page, open while A posts
        expect(admin.locator("#community-activity")).to_be_visible()
        goto(b, base_url, "/")
        b_unread_before = int(b.locator("#unread-count").inner_text())

        # A posts an idea in the Lyon project.
        goto(a, base_url, f"/p/{_project_id('School extracurricular timings')}")
        title = f"Homework club {uuid.uuid4().hex[:6]}"
        a.get_by_label("Title").fill(title)
        a.get_by_label("Describe your idea").fill("A quiet room with volunteers, see "
                                                  "https://example.org/club")
        a.locator("#idea-image input[type=file]").set_input_files(files=[{
            "name": "notes.txt", "mimeType": "image/png", "buffer": b"not an image"}])
        expect(a.locator("#image-error")).to_contain_text("not an image we accept")
        a.locator("#idea-image input[type=file]").set_input_files(files=[{
            "name": "room.png", "mimeType": "image/png", "buffer": _png()}])
        expect(a.locator("#image-attached")).to_be_visible()
        a.get_by_label("Describe the image for people who cannot see it").fill(
            "A classroom with long tables")
        a.locator("#idea-submit").click()
        expect(a).to_have_url(re.compile(r"/i/\d+/?$"))
        expect(a.locator("main h1")).to_have_text(title)
        link = a.get_by_role("link", name="https://example.org/club")
        expect(link).to_have_attribute("rel", "nofollow ugc noopener")
        item_path = re.search(r"/i/\d+", a.url).group(0)
        image = a.locator("#idea-image-view")
        expect(image).to_have_attribute("alt", "A classroom with long tables")
        expect(image).to_have_attribute("src", re.compile(r"/_upload/ideas/[\w-]{24}\.webp$"))
        a.wait_for_function("document.getElementById('idea-image-view').naturalWidth > 0")

        # The community page shows it without a reload.
        expect(admin.locator("#community-activity > li").first).to_contain_text(title)
        # B's feed says so live ("new items"), and after showing them the idea is first, unread.
        expect(b.locator("#new-items")).to_be_visible()
        expect(b.locator("#unread-count")).to_have_text(str(b_unread_before + 1))
        b.locator("#new-items").click()
        first = b.locator("#feed-list > li").first
        expect(first).to_contain_text(title)
        expect(first.locator(".unread")).to_be_visible()
        first.get_by_role("link", name=title).click()
        expect(b.locator("main h1")).to_have_text(title)
        expect(b.locator("#unread-count")).to_have_text(str(b_unread_before))

        # B reacts 💡; A sees the count change without reloading.
        b.locator("#react-item-inspiring").click()
        expect(b.locator("#react-item-inspiring")).to_have_attribute("aria-pressed", "true")
        expect(a.locator("#react-item-inspiring")).to_contain_text("1")

        # B supports twice (double click) → one support.
        b.locator("#support-item").dblclick()
        expect(a.locator("#support-item")).to_contain_text(re.compile(r"· 1$|·\s*1\b"))

        # B comments; A sees it live and replies.
        b.get_by_label("Your comment").fill("Count me in as a volunteer.")
        b.locator("#comment-submit").click()
        expect(a.locator("#comments")).to_contain_text("Count me in as a volunteer.")
        expect(a.locator("#comments")).to_contain_text("Bruno Blanc")
        # B fixes the comment within 10 minutes; A sees the new text live.
        b.locator("#comments").get_by_role("button", name="Edit").click()
        b.locator("#comment-edit-body").fill("Count me in as a volunteer on Tuesdays.")
        b.locator("#comments").get_by_role("button", name="Save").click()
        expect(a.locator("#comments")).to_contain_text("volunteer on Tuesdays.")
        expect(a.locator("#comments")).to_contain_text("(edited)")

        # The Lyon admin opens it: A sees "Read by Lyon on <date>" without reloading.
        expect(a.locator("#read-receipt")).to_have_count(0)
        goto(admin, base_url, item_path)
        expect(admin.locator("main h1")).to_have_text(title)
        expect(a.locator("#read-receipt")).to_contain_text(re.compile(r"Read by Lyon on \w+"))

        # The admin accepts it with an answer; A is told their input shaped the decision.
        admin.locator("#idea-status-select").select_option("accepted")
        admin.get_by_label("Answer to the author and everyone (optional)").fill(
            "Starting in September.")
        admin.locator("#idea-status-save").click()
        expect(a.locator("#official-answer")).to_contain_text("Starting in September.")
        expect(a.locator("#shaped")).to_be_visible()
        # B does not see A's read receipt.
        goto(b, base_url, item_path)
        expect(b.locator("#official-answer")).to_be_visible()
        expect(b.locator("#read-receipt")).to_have_count(0)
        expect(b.locator("#idea-status-select")).to_have_count(0)

        # B saves it; it is in B's favourites.
        b.locator("#favourite").click()
        expect(b.locator("#favourite")).to_have_attribute("aria-pressed", "true")
        goto(b, base_url, "/favourites")
        expect(b.locator("#favourites-list")).to_contain_text(title)
    finally:
        for pg in (a, b, admin):
            pg.context.close()


def test_anonymous_debate_contribution_and_bad_input(browser: Browser, base_url: str):
    email = _account("Nice", "Nina Nicolas")
    page = _context_page(browser)
    try:
        sign_in(page, base_url, email)
        goto(page, base_url, f"/p/{_project_id('Noise in the Métropole')}")
        expect(page.get_by_role("heading", name=re.compile("Which noises"))).to_be_visible()
        page.locator("#debate-submit").click()  # empty: the browser's required check
        page.locator("#debate-body").fill("   ")
        page.locator("#debate-submit").click()
        expect(page.locator("#debate-error")).to_contain_text("cannot be empty")
        text = f"Delivery scooters at 6am {uuid.uuid4().hex[:6]}"
        page.locator("#debate-body").fill(text)
        page.locator("#stance-against").check()
        page.locator("#debate-anonymous").check()
        page.locator("#debate-submit").click()
        card = page.locator("#debate-list > li").filter(has_text=text)
        expect(card).to_contain_text("Against")
        expect(card).to_contain_text("Anonymous citizen")
        expect(card).not_to_contain_text("Nina")
        # The closed debate of Paris refuses politely: no form.
        goto(page, base_url, f"/p/{_project_id('Greener schoolyards')}/"
                             f"{_paris_debate_phase()}")
        expect(page.get_by_text("This debate is closed.")).to_be_visible()
        expect(page.locator("#debate-body")).to_have_count(0)
        goto(page, base_url, "/i/999999")
        expect(page.locator("#not-found")).to_be_visible()
    finally:
        page.context.close()


def _paris_debate_phase() -> int:
    from civo.db import make_engine
    from civo.models import Phase, Project

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        found = session.exec(select(Phase.id).join(Project, Project.id == Phase.project_id)
                             .where(Project.title == "Greener schoolyards",
                                    Phase.module_key == "debate")).one()
    engine.dispose()
    return found
