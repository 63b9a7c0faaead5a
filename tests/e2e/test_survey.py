"""The questionnaire in a real browser: the platform admin builds the Auvergne-Rhône-Alpes
energy questionnaire in the dashboard (every kind of question, one conditional), opens it
to visitors; a visitor comes through the community page's invitation, hits a validation
error, reloads, finds the answers kept and sends them; the invitation no longer appears;
a signed-in citizen answers anonymously; the admin's results count per option, the charts
render, the CSV export names nobody. axe-core on the builder, the questionnaire and the
results: no serious or critical violation."""

from __future__ import annotations

import csv
import io
import json

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.conftest import TEST_DB_URL
from tests.e2e.conftest import goto
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_participation import _context_page, sign_in

ADMIN = ("admin@demo.civo.example", "demo-platform-admin-2026")
CITIZEN = ("citizen@demo.civo.example", "demo-citizen-2026")
TITLE = "Energy questionnaire"


def _ids() -> tuple[int, int, int]:
    """(project id, the demo questionnaire's phase id, the new phase id or 0)."""
    from civo.db import make_engine
    from civo.models import Phase, Project

    engine = make_engine(TEST_DB_URL)
    try:
        with Session(engine) as s:
            project = s.exec(select(Project.id).where(
                Project.title == "Producing 50% of our energy")).one()
            phases = {p.title: p.id for p in s.exec(select(Phase).where(
                Phase.project_id == project))}
            return project, phases["Questionnaire"], phases.get(TITLE, 0)
    finally:
        engine.dispose()


def _question_ids(phase_id: int) -> dict[str, int]:
    from civo.db import make_engine
    from civo.modules.survey.models import SurveyQuestion

    engine = make_engine(TEST_DB_URL)
    try:
        with Session(engine) as s:
            return {q.kind: q.id for q in s.exec(select(SurveyQuestion).where(
                SurveyQuestion.phase_id == phase_id))}
    finally:
        engine.dispose()


def _add(admin: Page, section_li, kind: str, title: str, **fields: str) -> None:
    section_li.get_by_role("button", name="Add a question").click()
    admin.locator("#survey-new-kind").select_option(kind)
    admin.locator("#survey-new-title").fill(title)
    for name, value in fields.items():
        target = admin.locator(f"#survey-new-{name}")
        if name in ("required", "other"):
            target.check()
        elif name == "condition":
            target.select_option(label=value)
        else:
            target.fill(value)
    admin.locator("#survey-add-question").click()
    expect(admin.locator("#survey-notice")).to_contain_text("The question was added")
    expect(section_li).to_contain_text(title)


def _no_serious(page: Page, where: str) -> None:
    page.wait_for_timeout(300)
    found = serious_violations(page)
    assert found == [], json.dumps({where: found}, indent=1)


def test_build_answer_and_read_the_energy_questionnaire(browser: Browser, base_url: str):
    admin, visitor, citizen = (_context_page(browser) for _ in range(3))
    try:
        project, demo_phase, _ = _ids()
        # ---- the admin builds it ------------------------------------------------------
        sign_in(admin, base_url, *ADMIN)
        goto(admin, base_url, f"/admin/p/{project}")
        demo = admin.locator("#admin-phases > li").filter(has_text="Questionnaire").first
        # The demo questionnaire closes: this journey's own one is the community's offer.
        admin.locator(f"#phase-{demo_phase}-status").select_option("closed")
        admin.locator(f"#phase-{demo_phase}-save").click()
        expect(admin.locator("#admin-notice")).to_contain_text("Phase saved")
        del demo
        admin.locator("#new-phase-title").fill(TITLE)
        admin.locator("#new-phase-module").select_option("survey")
        admin.locator("#phase-add").click()
        expect(admin.locator("#admin-phases")).to_contain_text(TITLE)
        phase_id = _ids()[2]
        admin.locator(f"#phase-{phase_id}-status").select_option("open")
        admin.locator(f"#phase-{phase_id}-setting_audience").select_option("visitors")
        admin.locator(f"#phase-{phase_id}-save").click()
        expect(admin.locator("#admin-notice")).to_contain_text("Phase saved")
        admin.locator(f"#survey-open-{phase_id}").click()
        builder = admin.locator("#survey-builder")
        expect(builder.locator("> li")).to_have_count(1)
        page1 = builder.locator("> li").nth(0)
        page1.get_by_label("Page title").fill("Your energy today")
        page1.get_by_role("button", name="Save the page").click()
        expect(admin.locator("#survey-notice")).to_contain_text("The page was saved")
        page1 = builder.locator("> li").nth(0)
        _add(admin, page1, "single", "Do you produce any energy at home?",
             options="Yes\nNo\nNot yet", required="on")
        _add(admin, page1, "multiple", "Which sources do you use?",
             options="Solar panels\nHeat pump\nWood", other="on", low="1", high="2",
             condition="Q1 = Yes")
        _add(admin, page1, "number", "How many people live in your home?", low="1",
             high="20")
        _add(admin, page1, "scale", "How important is local energy to you?", low="0",
             high="10", low_label="Not important", high_label="Essential", required="on")
        admin.locator("#survey-add-page").click()
        expect(builder.locator("> li")).to_have_count(2)
        page2 = builder.locator("> li").nth(1)
        _add(admin, page2, "ranking", "Rank these sources for the region",
             options="Solar\nHydropower\nWind")
        _add(admin, page2, "matrix", "How acceptable would each be near your home?",
             options="Acceptable\nUnacceptable", rows="A solar farm\nA wind turbine")
        _add(admin, page2, "short", "In a few words, what would make you change?")
        _add(admin, page2, "long", "Any other idea?")
        expect(page1).to_contain_text("Shown if Q1 = Yes")
        # axe on the builder as an admin opens it (the dashboard's own notes aside).
        goto(admin, base_url, f"/admin/p/{project}")
        opener = admin.locator(f"#survey-open-{phase_id}")
        expect(admin.locator(f"#survey-open-{phase_id}, #survey-builder").first).to_be_visible()
        if opener.count():  # the tab's state may still hold the open builder
            opener.click()
        expect(builder.locator("> li")).to_have_count(2)
        expect(builder).to_contain_text("Any other idea?")
        _no_serious(admin, "builder")
        admin.locator("#survey-tab-preview").click()
        expect(admin.locator("#survey-questions")).to_contain_text(
            "Do you produce any energy at home?")
        qs = _question_ids(phase_id)

        # ---- a visitor, through the community page's invitation ------------------------
        goto(visitor, base_url, "/c/auvergne-rhone-alpes")
        invitation = visitor.locator("#survey-invitation")
        expect(invitation).to_contain_text(TITLE)
        visitor.locator("#survey-invite-answer").click()
        expect(visitor.locator("#survey-identity")).to_contain_text("anonymous")
        expect(visitor.locator(f"#question-{qs['multiple']}")).to_have_count(0)
        visitor.get_by_label("Yes", exact=True).check()
        expect(visitor.locator(f"#question-{qs['multiple']}")).to_be_visible()  # conditional
        visitor.get_by_label("Solar panels").check()
        visitor.locator(f"#q{qs['number']}-input").fill("many")
        visitor.locator(f"#q{qs['number']}-input").blur()
        visitor.locator("#survey-next").click()
        expect(visitor.locator(f"#q{qs['number']}-error")).to_contain_text("Enter a number")
        expect(visitor.locator(f"#q{qs['scale']}-error")).to_contain_text("required")
        _no_serious(visitor, "questionnaire with errors")
        visitor.reload()
        expect(visitor.locator(f"#q{qs['number']}-input")).to_have_value("many")
        expect(visitor.get_by_label("Yes", exact=True)).to_be_checked()
        expect(visitor.get_by_label("Solar panels")).to_be_checked()
        visitor.locator(f"#q{qs['number']}-input").fill("3")
        visitor.locator(f"#q{qs['number']}-input").blur()
        visitor.locator(f"#q{qs['scale']}-v8").check()
        visitor.locator("#survey-next").click()
        expect(visitor.locator("#survey-page-title")).to_contain_text("")
        expect(visitor.locator(f"#question-{qs['ranking']}")).to_be_visible()
        visitor.get_by_role("button", name="Move up: Wind").click()
        expect(visitor.locator(f"#question-{qs['ranking']} li").nth(1)).to_contain_text("Wind")
        visitor.get_by_role("group", name="A solar farm").get_by_label(
            "Acceptable", exact=True).check()
        visitor.get_by_role("group", name="A wind turbine").get_by_label(
            "Unacceptable", exact=True).check()
        visitor.locator(f"#q{qs['short']}-input").fill("Lower bills")
        visitor.locator(f"#q{qs['short']}-input").blur()
        _no_serious(visitor, "questionnaire")
        visitor.locator("#survey-submit").click()
        expect(visitor.locator("#survey-done")).to_contain_text("Thank you")
        goto(visitor, base_url, "/c/auvergne-rhone-alpes")
        expect(visitor.locator("#community-activity, #activity-empty").first).to_be_visible()
        expect(visitor.locator("#survey-invitation")).to_have_count(0)
        visitor.reload()
        expect(visitor.locator("main#main h1")).to_be_visible()
        visitor.wait_for_timeout(1000)
        expect(visitor.locator("#survey-invitation")).to_have_count(0)

        # ---- a signed-in citizen, anonymously -------------------------------------------
        sign_in(citizen, base_url, *CITIZEN)
        goto(citizen, base_url, f"/p/{project}/{phase_id}")
        expect(citizen.locator("#survey-identity")).to_contain_text("anonymous")
        citizen.get_by_label("No", exact=True).check()
        citizen.locator(f"#q{qs['scale']}-v5").check()
        citizen.locator("#survey-next").click()
        expect(citizen.locator(f"#question-{qs['ranking']}")).to_be_visible()
        citizen.locator("#survey-submit").click()
        expect(citizen.locator("#survey-done")).to_contain_text("Thank you")

        # ---- the admin reads the results ------------------------------------------------
        admin.locator("#survey-tab-results").click()
        expect(admin.locator("#survey-total")).to_contain_text("2")
        single = admin.locator(f"#survey-table-{qs['single']}")
        yes, no = single.locator("tbody tr").nth(0), single.locator("tbody tr").nth(1)
        expect(yes).to_contain_text("Yes")
        expect(yes).to_contain_text("50 %")
        expect(no.locator("th")).to_have_text("No")
        expect(no.locator("td").first).to_have_text("1")
        expect(yes.locator("td").first).to_have_text("1")
        multiple = admin.locator(f"#survey-table-{qs['multiple']}")
        expect(multiple.locator("tr").filter(has_text="Solar panels")).to_contain_text("100 %")
        expect(admin.locator(f"#survey-summary-{qs['scale']}")).to_contain_text("Mean 6.5")
        expect(admin.locator("#survey-results .js-plotly-plot").first).to_be_visible()
        assert admin.locator("#survey-results .js-plotly-plot").count() >= 5
        _no_serious(admin, "results")
        with admin.expect_download() as got:
            admin.locator("#survey-export-csv").click()
        text = open(got.value.path(), encoding="utf-8").read()
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 3, rows
        for personal in ("James", "Martin", "@", "citizen"):
            assert personal not in text
        assert any("Lower bills" in cell for cell in rows[1] + rows[2])
    finally:
        for p in (admin, visitor, citizen):
            p.context.close()
