"""Issue 15, what a citizen checks in a browser: stages that agree ("Opens on …", never
"closed" before opening), the seed's energy project open, and a project's results page."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto


def _with_session(work):
    from civo.db import make_engine

    engine = make_engine(TEST_DB_URL)
    try:
        with Session(engine) as session:
            return work(session)
    finally:
        engine.dispose()


def _lyon_project(session, *, title: str, phase_starts=None):
    """A published Lyon project with one idea box (opened, or starting later)."""
    from civo.models import Community, User
    from civo.services import accounts, admin_projects

    admin_id = session.exec(select(User.id).where(
        User.email == "lyon.admin@demo.civo.example")).one()
    admin = accounts.actor_for(session=session, user_id=admin_id)
    lyon = session.exec(select(Community.id).where(Community.slug == "lyon")).one()
    project = admin_projects.create(session=session, actor=admin, community_id=lyon,
                                    data={"title": title, "purpose": "Why we ask.",
                                          "expected_outcome": "What we will do."})
    phase = admin_projects.add_phase(session=session, actor=admin, project_id=project.id,
                                     data={"title": "Ideas", "module_key": "ideas"})
    admin_projects.publish(session=session, actor=admin, project_id=project.id)
    data = {"title": "Ideas", "module_key": "ideas", "status": "open"}
    if phase_starts:
        data["starts_on"] = phase_starts.isoformat()
    admin_projects.update_phase(session=session, actor=admin, phase_id=phase.id, data=data)
    return admin, project.id, phase.id


def test_the_energy_project_is_open_and_an_upcoming_phase_says_when(page: Page, base_url):
    from civo.models import Project
    from civo.models.projects import today_utc

    energy = _with_session(lambda s: s.exec(select(Project.id).where(
        Project.title == "Producing 50% of our energy")).one())
    goto(page, base_url, f"/p/{energy}")
    expect(page.get_by_role("navigation", name="Phases")).to_contain_text("Energy ideas")
    expect(page.locator("main")).not_to_contain_text("This debate is closed.")
    expect(page.locator("main")).not_to_contain_text("Upcoming")

    opens = today_utc() + timedelta(days=5)
    title = f"Bike lanes {uuid.uuid4().hex[:6]}"
    _admin, later, _phase = _with_session(
        lambda s: _lyon_project(s, title=title, phase_starts=opens))
    goto(page, base_url, f"/p/{later}")
    expect(page.locator("#phase-opens")).to_contain_text("Opens on")
    expect(page.locator("#project-opens")).to_contain_text("Opens on")
    expect(page.locator("main")).not_to_contain_text("closed")


def test_a_citizen_reads_the_results_page(page: Page, base_url):
    title = f"Solar schools {uuid.uuid4().hex[:6]}"

    def prepare(session):
        from civo.models import User
        from civo.modules.ideas import services as ideas
        from civo.services import accounts, admin_projects, items, results

        admin, project_id, phase_id = _lyon_project(session, title=title)
        james_id = session.exec(select(User.id).where(
            User.email == "citizen@demo.civo.example")).one()
        james = accounts.actor_for(session=session, user_id=james_id)
        idea = items.create(session=session, actor=james, phase_id=phase_id, kind="idea",
                            title="Panels on every school roof", body="Start with the big "
                            "ones.", title_required=True)
        ideas.set_status(session=session, actor=admin, item_id=idea.id, status="accepted",
                         answer="Twelve schools get panels in 2027.")
        results.save_summary(session=session, actor=admin, project_id=project_id,
                             summary="We read all ideas.\n\n- Panels: accepted\n- Plan: "
                                     "https://example.org/plan")
        admin_projects.set_status(session=session, actor=admin, project_id=project_id,
                                  status="results")
        return project_id

    project_id = _with_session(prepare)
    goto(page, base_url, f"/p/{project_id}")
    page.locator("#project-results a").click()
    expect(page.locator("main#main h1")).to_have_text(f"Results: {title}")
    summary = page.locator("#results-summary")
    expect(summary.locator("li")).to_have_count(2)
    expect(summary.get_by_role("link", name="https://example.org/plan")).to_be_visible()
    sections = page.locator("#results-sections")
    expect(sections).to_contain_text("Panels on every school roof")
    expect(sections).to_contain_text("Twelve schools get panels in 2027.")


def _sign_in_james(page: Page, base_url: str) -> None:
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill("citizen@demo.civo.example")
    page.get_by_label("Password").fill("demo-citizen-2026")
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()


def test_nothing_typed_is_lost_counter_and_a_comment_kept_when_the_phase_closes(
        page: Page, base_url):
    title = f"Quiet streets {uuid.uuid4().hex[:6]}"

    def prepare(session):
        from civo.models import User
        from civo.services import accounts, items

        admin, _project_id, phase_id = _lyon_project(session, title=title)
        james_id = session.exec(select(User.id).where(
            User.email == "citizen@demo.civo.example")).one()
        idea = items.create(session=session, actor=accounts.actor_for(
            session=session, user_id=james_id), phase_id=phase_id, kind="idea",
            title="Car-free Sundays", body="Once a month.", title_required=True)
        return admin, phase_id, idea.id

    admin, phase_id, idea_id = _with_session(prepare)
    _sign_in_james(page, base_url)
    goto(page, base_url, f"/i/{idea_id}")
    body = page.locator("#comment-body")
    body.fill("Yes, please")
    expect(page.locator("#comment-body-count")).to_have_text("11 / 2,000 characters")
    body.fill("x" * 2050)  # like a paste: kept whole, not cut at the limit
    expect(page.locator("#comment-body-count")).to_contain_text("50 characters too many")
    assert len(body.input_value()) == 2050
    body.fill("Half a thought about Sundays")

    def close(session):
        from civo.services import admin_projects

        admin_projects.update_phase(session=session, actor=admin, phase_id=phase_id,
                                    data={"title": "Ideas", "module_key": "ideas",
                                          "status": "closed"})

    _with_session(close)
    page.reload()
    expect(page.locator("#item-phase-closed")).to_be_visible()
    expect(page.locator("#comment-body")).to_have_count(0)
    expect(page.locator("#draft-kept")).to_have_value("Half a thought about Sundays")


def test_focus_moves_to_new_comments_after_load_more_and_to_the_heading_after_navigation(
        page: Page, base_url):
    title = f"Tree shade {uuid.uuid4().hex[:6]}"

    def prepare(session):
        from civo.models import User
        from civo.services import accounts, comments, items

        admin, project_id, phase_id = _lyon_project(session, title=title)
        james_id = session.exec(select(User.id).where(
            User.email == "citizen@demo.civo.example")).one()
        idea = items.create(session=session, actor=accounts.actor_for(
            session=session, user_id=james_id), phase_id=phase_id, kind="idea",
            title="Plane trees on the quays", body="Shade.", title_required=True)
        for n in range(comments.PAGE_SIZE + 3):
            comments.post(session=session, actor=admin, item_id=idea.id,
                          body=f"Comment number {n}")
        return project_id, idea.id

    project_id, idea_id = _with_session(prepare)
    goto(page, base_url, f"/i/{idea_id}")
    listed = page.locator("#comments > li")
    expect(listed).to_have_count(20)
    page.locator("#comments-more").click()
    expect(listed).to_have_count(23)
    page.wait_for_function(
        "document.activeElement && document.querySelectorAll('#comments > li')[20]"
        ".contains(document.activeElement)")
    page.get_by_role("link", name=title).first.click()
    expect(page.locator("main#main h1")).to_have_text(title)
    page.wait_for_function("document.activeElement === document.querySelector('main#main h1')")


def test_results_are_published_reaches_a_participant_and_back_returns_to_the_list(
        page: Page, base_url):
    title = f"Night buses {uuid.uuid4().hex[:6]}"

    def prepare(session):
        from civo.models import User
        from civo.services import accounts, admin_projects, items

        admin, project_id, phase_id = _lyon_project(session, title=title)
        james_id = session.exec(select(User.id).where(
            User.email == "citizen@demo.civo.example")).one()
        items.create(session=session, actor=accounts.actor_for(
            session=session, user_id=james_id), phase_id=phase_id, kind="idea",
            title="A bus every 20 minutes", body="After midnight.", title_required=True)
        admin_projects.set_status(session=session, actor=admin, project_id=project_id,
                                  status="results")
        return project_id

    project_id = _with_session(prepare)
    _sign_in_james(page, base_url)
    goto(page, base_url, "/notifications")
    note = page.locator("main a[href^='/n/']", has_text=f"Results are published: “{title}”.")
    note.first.click()
    expect(page).to_have_url(f"{base_url}/p/{project_id}/results")
    expect(page.locator("main#main h1")).to_have_text(f"Results: {title}")
    page.go_back()  # to the list, not to the /n/<id> redirect
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/notifications/?$"))


def test_is_your_idea_already_here_while_typing(page: Page, base_url):
    title = f"Cool schools {uuid.uuid4().hex[:6]}"

    def prepare(session):
        from civo.models import User
        from civo.services import accounts, items

        _admin, project_id, phase_id = _lyon_project(session, title=title)
        james_id = session.exec(select(User.id).where(
            User.email == "citizen@demo.civo.example")).one()
        items.create(session=session, actor=accounts.actor_for(
            session=session, user_id=james_id), phase_id=phase_id, kind="idea",
            title="Water fountains in every schoolyard", body="Summers are hot.",
            title_required=True)
        return project_id, phase_id

    project_id, phase_id = _with_session(prepare)
    _sign_in_james(page, base_url)
    goto(page, base_url, f"/p/{project_id}/{phase_id}")
    page.locator("#idea-title").fill("water fountains")
    expect(page.locator("#similar-ideas")).to_contain_text("Is your idea already here?")
    expect(page.locator("#similar-ideas-list")).to_contain_text(
        "Water fountains in every schoolyard")
    page.locator("#idea-title").fill("A totally different proposal")
    expect(page.locator("#similar-ideas-list")).to_have_count(0)
