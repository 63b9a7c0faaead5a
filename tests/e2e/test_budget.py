"""The participatory budget in the browser: the allocator on a phone, the draft found on
another device, a refused over-budget add with its reason, one-click submission with a
receipt (in app and by email), the reminder, the admin's close/compute/publish, the
results and "your idea was funded"; axe-core on the allocator, results and admin pages."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from civo.models._common import utcnow
from civo.modules.budget.models import BudgetProject
from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto, new_context
from tests.e2e.test_accessibility import serious_violations

CITIZEN = ("citizen@demo.civo.example", "demo-citizen-2026")
ADMIN = ("admin@demo.civo.example", "demo-platform-admin-2026")


def _db():
    from civo.db import make_engine

    return make_engine(TEST_DB_URL)


def _budget_phase() -> tuple[int, int, dict[str, int]]:
    """(project id, phase id, project title -> id) of the seeded Paris budget."""
    from civo.models import Phase, Project
    from civo.modules.budget.hooks import DEMO_PROJECT
    from civo.modules.budget.models import BudgetProject

    engine = _db()
    with Session(engine) as s:
        project_id, phase_id = s.execute(
            sa.select(Project.id, Phase.id).join(Phase, Phase.project_id == Project.id)
            .where(Project.title == DEMO_PROJECT, Phase.module_key == "budget")).one()
        ids = dict(s.execute(sa.select(BudgetProject.title, BudgetProject.id).where(
            BudgetProject.phase_id == phase_id)).all())
    engine.dispose()
    return project_id, phase_id, ids


def _signed_in(browser: Browser, base_url: str, who: tuple[str, str], **options):
    context = new_context(browser, locale="en-GB",
                          extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"}, **options)
    page = context.new_page()
    goto(page, base_url, "/login")
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.locator("#login-submit").click()
    expect(page.locator("#account-menu")).to_be_visible()
    return context, page


def test_citizen_builds_a_ballot_on_a_phone_finds_it_on_a_desktop_and_submits(
        browser: Browser, base_url: str, smtp):
    project_id, phase_id, ids = _budget_phase()
    path = f"/p/{project_id}/{phase_id}"
    phone, page = _signed_in(browser, base_url, CITIZEN, viewport={"width": 360, "height": 740})
    goto(page, base_url, path)
    expect(page.locator("#budget-rule")).to_contain_text("Spend at least €105,000 of €150,000.")
    expect(page.locator("#ballot-state")).to_contain_text("No ballot yet")
    for title in ("Shade trees on Place de la République", "Safe bike parking at Gare du Nord",
                  "Public toilets on the canal"):
        page.locator(f"#budget-choose-{ids[title]}").click()
        expect(page.locator(f"#budget-choose-{ids[title]}")).to_have_attribute(
            "aria-pressed", "true")
    expect(page.locator("#ballot-state")).to_contain_text("Draft — not counted yet")
    expect(page.locator("#budget-spent")).to_contain_text("€100,000 of €150,000 spent")
    expect(page.locator("#budget-live")).to_contain_text("€50,000 left")
    # The summary stays in view at 360 px, wherever the page is scrolled.
    page.locator(f"#budget-project-{ids['Street library boxes']}").scroll_into_view_if_needed()
    expect(page.locator("#budget-summary")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    phone.close()  # the tab is gone; the draft is on the server

    desktop, page = _signed_in(browser, base_url, CITIZEN,
                               viewport={"width": 1280, "height": 900})
    goto(page, base_url, path)
    expect(page.locator("#ballot-state")).to_contain_text("Draft — not counted yet")
    expect(page.locator(f"#budget-choose-{ids['Public toilets on the canal']}")
           ).to_have_attribute("aria-pressed", "true")
    # Over the budget: refused, with the reason beside the project.
    big = ids["Schoolyard vegetable gardens"]
    page.locator(f"#budget-choose-{ids['Night lighting on Rue de Ménilmontant']}").click()
    expect(page.locator("#budget-spent")).to_contain_text("€122,000")
    page.locator(f"#budget-choose-{ids['Repair café in Belleville']}").click()
    expect(page.locator("#budget-spent")).to_contain_text("€140,000")
    page.locator(f"#budget-choose-{big}").click()
    expect(page.locator(f"#budget-refusal-{big}")).to_contain_text("more than the budget")
    expect(page.locator(f"#budget-choose-{big}")).to_have_attribute("aria-pressed", "false")
    page.locator("#budget-submit").click()
    expect(page.locator("#ballot-state")).to_contain_text("Counted since")
    code = page.locator("#budget-receipt-code").inner_text()
    assert len(code) == 14
    mail = smtp.wait_for(CITIZEN[0])[-1]
    assert code in mail.get_content()
    page.locator("summary", has_text="Check that a ballot is counted").click()
    page.locator("#budget-verify-code").fill(code)
    page.locator("#budget-verify").click()
    expect(page.locator("#budget-verify-result")).to_contain_text("This ballot is counted")
    assert serious_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert serious_violations(page) == []
    desktop.close()


def _greener() -> tuple[int, int]:
    """(project id, the seeded idea's id) of Paris' "Greener schoolyards"."""
    from civo.models import Project
    from civo.models.participation import Item

    engine = _db()
    with Session(engine) as s:
        project_id = s.execute(sa.select(Project.id).where(
            Project.title == "Greener schoolyards")).scalar_one()
        idea_id = s.execute(sa.select(Item.id).where(
            Item.title == "Rain gardens in every yard")).scalar_one()
    engine.dispose()
    return project_id, idea_id


COSTS = (30000, 25000, 15000, 10000, 8000, 6000, 4000)


def test_admin_sets_up_a_budget_with_a_promoted_idea_and_the_loop_closes(
        browser: Browser, base_url: str, smtp):
    from civo.models import Phase
    from civo.models.notifications import Notification
    from civo.modules.budget import ballots
    from civo.services import accounts

    project_id, idea_id = _greener()
    admin_ctx, admin = _signed_in(browser, base_url, ADMIN,
                                  viewport={"width": 1280, "height": 900})
    # The idea box's answer: accepted.
    goto(admin, base_url, f"/i/{idea_id}")
    admin.locator("#idea-status-select").select_option("accepted")
    admin.locator("#idea-status-save").click()
    expect(admin.locator(".idea-status").first).to_contain_text("Accepted")
    # A knapsack budget phase (defaults: €100,000, spend at least 70 %), 7 projects by hand
    # and the accepted idea promoted: 8 projects.
    goto(admin, base_url, f"/admin/p/{project_id}")
    admin.locator("#new-phase-title").fill("Budget vote")
    admin.locator("#new-phase-module").select_option("budget")
    admin.locator("#phase-add").click()
    phase = admin.locator("#admin-phases > li").filter(has_text="Budget vote")
    expect(phase).to_be_visible()
    phase.locator("#budget-admin-open").click()
    for i, cost in enumerate(COSTS):
        admin.locator("#budget-new-title").fill(f"Schoolyard project {i + 1}")
        admin.locator("#budget-new-cost").fill(str(cost))
        admin.locator("#budget-add").click()
        expect(admin.locator("#budget-admin-projects > li")).to_have_count(i + 1)
    admin.locator("#budget-idea").select_option(str(idea_id))
    admin.locator("#budget-idea-cost").fill("20000")
    admin.locator("#budget-promote").click()
    expect(admin.locator("#budget-admin-projects > li")).to_have_count(8)
    expect(admin.locator("#budget-admin-projects")).to_contain_text("From an idea")
    assert serious_violations(admin) == []
    phase = admin.locator("#admin-phases > li").filter(has_text="Budget vote")
    phase.locator("select[name=status]").select_option("open")
    phase.get_by_role("button", name="Save the phase").click()
    expect(admin.locator("#admin-notice")).to_contain_text("Phase saved")

    engine = _db()
    with Session(engine) as s:
        phase_id = s.execute(sa.select(Phase.id).where(
            Phase.project_id == project_id, Phase.module_key == "budget")).scalar_one()
        ids = dict(s.execute(sa.select(BudgetProject.title, BudgetProject.id).where(
            BudgetProject.phase_id == phase_id)).all())
    # A (the idea's author, citizen@demo) votes for it and two more: €75,000.
    citizen_ctx, page = _signed_in(browser, base_url, CITIZEN,
                                   viewport={"width": 390, "height": 844})
    goto(page, base_url, f"/p/{project_id}/{phase_id}")
    expect(page.locator("#budget-rule")).to_contain_text("Spend at least €70,000 of €100,000.")
    expect(page.locator(f"#budget-project-{ids['Rain gardens in every yard']}")
           ).to_contain_text("From the idea")
    for title in ("Rain gardens in every yard", "Schoolyard project 1", "Schoolyard project 2"):
        page.locator(f"#budget-choose-{ids[title]}").click()
        expect(page.locator(f"#budget-choose-{ids[title]}")).to_have_attribute(
            "aria-pressed", "true")
    page.locator("#budget-submit").click()
    expect(page.locator("#ballot-state")).to_contain_text("Counted since")
    # B keeps a draft: the reminder reaches them once the vote ends within 3 days.
    with Session(engine, expire_on_commit=False) as s:
        from tests.unit.conftest import make_user

        b = make_user(s, email="b.voter@example.org", name="Bruno Blanc")
        ballots.set_points(session=s, actor=accounts.actor_for(session=s, user_id=b),
                          phase_id=phase_id, project_id=ids["Schoolyard project 3"], points=1)
        s.execute(sa.update(Phase).where(Phase.id == phase_id).values(
            ends_on=(utcnow() + timedelta(days=2)).date()))
        s.commit()
        assert ballots.send_reminders(session=s) == 1
        assert s.execute(sa.select(Notification.kind).where(
            Notification.user_id == b)).scalars().all() == ["budget_reminder"]

    # The admin: turnout, close, compute (background, with progress), publish.
    goto(admin, base_url, f"/admin/p/{project_id}")
    panel = admin.locator("#admin-phases > li").filter(has_text="Budget vote")
    expect(panel.locator("#budget-admin-heading")).to_be_visible()
    if panel.locator("#budget-admin-open").count():  # this tab's panel may still be open
        panel.locator("#budget-admin-open").click()
    expect(admin.locator("#budget-turnout")).to_contain_text("1 ballots submitted · 1")
    admin.locator("#budget-close").click()
    expect(admin.locator("#budget-admin-message")).to_contain_text("Voting is closed.")
    admin.locator("#budget-compute").click()
    expect(admin.locator("#budget-outcome")).to_contain_text("selected", timeout=60_000)
    admin.locator("#budget-publish").click()
    expect(admin.locator("#budget-published")).to_be_visible()
    admin_ctx.close()

    # A sees the results; as the idea's author, "your idea was funded".
    goto(page, base_url, f"/p/{project_id}/{phase_id}")
    expect(page.locator("#budget-winners")).to_contain_text("Rain gardens in every yard")
    expect(page.locator("#budget-results-rule")).to_contain_text("Greedy by votes")
    for mode in ("light", "dark"):
        page.emulate_media(color_scheme=mode)
        assert serious_violations(page) == [], mode
    goto(page, base_url, "/notifications")
    expect(page.locator("main")).to_contain_text("Your idea “Rain gardens in every yard” was "
                                                 "funded")
    citizen_ctx.close()
    engine.dispose()
