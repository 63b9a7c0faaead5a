"""A 500-comment debate in a real browser: the first threads show at once, "Load more"
twice adds the next ones, and no websocket frame the page receives is over 20 KB
(measured on the browser's own websocket frames)."""

from __future__ import annotations

import random
import re
import time
import uuid

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto

SENTENCES = [
    "The crossing by the market is dangerous at 8 in the morning.",
    "I agree, and the buses make it worse when they stop on the corner.",
    "Could the council publish the traffic counts it made last year?",
    "A raised crossing worked well in our street: cars slowed down at once.",
    "Please think of people in wheelchairs: the kerbs are too high.",
    "We could try it for three months and then decide together.",
]


def _debate_with_comments(count: int) -> int:
    """A debate contribution with ``count`` comments from a dozen citizens (services)."""
    from civo import policy
    from civo.db import make_engine
    from civo.models import Phase, Place, Project, User
    from civo.models._common import utcnow
    from civo.modules.debate import services as debate
    from civo.services import accounts, comments

    rng = random.Random(16)
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
            Phase.module_key == "debate", Phase.status == "open", Project.status == "open",
            Project.published_at.is_not(None)).order_by(Phase.id)).first()
        assert phase is not None, "the demo data has an open debate"
        people = []
        for i in range(12):
            place = session.exec(select(Place.id).where(Place.name == "Lyon")).one()
            user_id = accounts.register(
                session=session, actor=policy.ANONYMOUS, full_name=f"Neighbour {i}",
                email=f"n{i}-{uuid.uuid4().hex[:6]}@example.org",
                password="a long civic passphrase", home_place_id=place).user_id
            session.get(User, user_id).email_confirmed_at = utcnow()
            session.commit()
            people.append(accounts.actor_for(session=session, user_id=user_id))
        item = debate.contribute(session=session, actor=people[0], phase_id=phase.id,
                                 body="Make the market crossing safe.", stance="for")
        roots: list[int] = []
        for n in range(count):
            body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            parent = rng.choice(roots) if roots and rng.random() < 0.3 else None
            made = comments.post(session=session, actor=people[n % len(people)],
                                 item_id=item.id, body=f"{n + 1}. {body}", parent_id=parent)
            if parent is None:
                roots.append(made.id)
        item_id = item.id
    engine.dispose()
    return item_id


def test_a_500_comment_debate_loads_in_small_frames(page: Page, base_url: str):
    item_id = _debate_with_comments(500)
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(
            len(payload.encode() if isinstance(payload, str) else payload))))
    started = time.monotonic()
    goto(page, base_url, f"/i/{item_id}")
    shown = page.locator("#comments > li")
    expect(shown.first).to_be_visible()
    first_shown = time.monotonic() - started
    expect(page.locator("#comments-heading")).to_contain_text("(500)")
    before = shown.count()
    assert before >= 10, before
    for _ in range(2):
        more = page.locator("#comments-more")
        more.click()
        expect(shown).not_to_have_count(before)
        after = shown.count()
        assert after > before
        before = after
    # Every comment is shown once, in order (the numbers were written into them).
    numbers = [int(t.split(".", 1)[0])
               for t in page.locator("#comments .comment-text").all_inner_texts()]
    assert len(numbers) == before and len(set(numbers)) == before
    print(f"first comments after {first_shown:.2f}s; {before} shown after two loads; "
          f"largest frame {max(frames)} bytes of {len(frames)}")
    assert max(frames) < 20_000, sorted(frames)[-5:]


def test_a_page_whose_connection_dropped_is_live_again(browser, base_url: str):
    """An idea list (a panel mounted once, not an on_load page) keeps hearing its
    community after its websocket dropped and came back."""
    from civo.db import make_engine
    from civo.modules.ideas import services as ideas
    from civo.services import accounts
    from tests.e2e.conftest import new_context
    from tests.e2e.test_participation import _account, _project_id, sign_in

    email = _account("Lyon", "Alice Arnaud")
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as session:
        from civo.models import Phase, User

        project = _project_id("School extracurricular timings")
        phase = session.exec(select(Phase).where(Phase.project_id == project,
                                                 Phase.module_key == "ideas")).first()
        author = session.exec(select(User.id).where(User.email == email)).one()
        idea = ideas.propose(session=session,
                             actor=accounts.actor_for(session=session, user_id=author),
                             phase_id=phase.id, title=f"Reconnect {uuid.uuid4().hex[:6]}",
                             body="A test of reconnection.")
        idea_id, phase_id = idea.id, phase.id
    engine.dispose()
    a = new_context(browser, locale="en-GB").new_page()
    b = new_context(browser, locale="en-GB").new_page()  # a visitor watching the list
    try:
        sign_in(a, base_url, email)
        goto(a, base_url, f"/i/{idea_id}")
        goto(b, base_url, f"/p/{project}/{phase_id}")
        card = b.locator(f'#ideas-list [data-item-id="{idea_id}"]')
        expect(card).to_be_visible()
        b.evaluate("document.documentElement.dataset.civoReady = ''")
        b.context.set_offline(True)
        b.wait_for_timeout(3000)
        b.context.set_offline(False)
        # The page loads again on its new connection (on_load runs again)…
        b.wait_for_function("document.documentElement.dataset.civoReady === '1'",
                            timeout=30_000)
        # …and its list still hears the community: a reaction and a comment move the card.
        a.locator("#react-item-love").click()
        expect(a.locator("#react-item-love")).to_have_attribute("aria-pressed", "true")
        a.get_by_label("Your comment").fill("Back online, and still live.")
        a.locator("#comment-submit").click()
        expect(card).to_contain_text(re.compile(r"1\s*comments"))
        expect(card).to_contain_text(re.compile(r"1\s*reactions"))
    finally:
        a.context.close()
        b.context.close()
