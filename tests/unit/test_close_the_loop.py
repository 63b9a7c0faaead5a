"""Issue 15, "close the loop": one truth for stages, results, and finding one's way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from civo.models import CommunityRole, Phase, Project
from civo.models.projects import phase_stage, project_stage, today_utc
from civo.services import admin_projects, items
from civo.services import projects as public
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user

TODAY = date(2026, 6, 15)
DAY = timedelta(days=1)


def _phase(status="open", starts=None, ends=None):
    return Phase(project_id=1, title="P", module_key="ideas", status=status, starts_on=starts,
                 ends_on=ends)


def _project(status="open", starts=None):
    return Project(community_id=1, title="X", status=status, starts_on=starts)


@pytest.mark.parametrize(("phase", "project", "expected"), [
    (_phase("open"), _project("open"), ("open", None)),
    (_phase("open"), _project("upcoming"), ("open", None)),
    (_phase("upcoming"), _project("open"), ("upcoming", None)),
    (_phase("upcoming", starts=TODAY + DAY), _project(), ("upcoming", TODAY + DAY)),
    (_phase("open", starts=TODAY + DAY), _project(), ("upcoming", TODAY + DAY)),
    (_phase("upcoming", starts=TODAY), _project(), ("open", None)),    # opens by itself
    (_phase("open", ends=TODAY - DAY), _project(), ("closed", None)),  # its end passed
    (_phase("open", ends=TODAY), _project(), ("open", None)),          # last day
    (_phase("closed", starts=TODAY + DAY), _project(), ("closed", None)),
    (_phase("open"), _project("closed"), ("closed", None)),
    (_phase("upcoming"), _project("results"), ("closed", None)),
    (_phase("open"), _project("upcoming", starts=TODAY + 2 * DAY), ("upcoming", TODAY + 2 * DAY)),
])
def test_a_phase_stage_comes_from_the_admins_choice_and_the_dates(phase, project, expected):
    assert phase_stage(phase, project, TODAY) == expected


@pytest.mark.parametrize(("project", "phases", "expected"), [
    (_project("upcoming"), [_phase("open")], ("open", None)),
    (_project("open"), [_phase("upcoming")], ("upcoming", None)),
    (_project("open"), [_phase("closed"), _phase("upcoming", starts=TODAY + DAY)],
     ("upcoming", TODAY + DAY)),
    (_project("open"), [_phase("closed"), _phase("open", ends=TODAY - DAY)], ("closed", None)),
    (_project("results"), [_phase("open")], ("results", None)),
    (_project("open"), [], ("upcoming", None)),
])
def test_a_project_never_contradicts_its_phases(project, phases, expected):
    stage = project_stage(project, phases, TODAY)
    assert stage == expected
    phase_stages = {phase_stage(p, project, TODAY)[0] for p in phases}
    if stage[0] == "open":
        assert "open" in phase_stages
    else:
        assert "open" not in phase_stages


@pytest.fixture()
def lyon(session):
    admin = make_user(session, email="lyon-admin@example.org", home="Lyon", name="Claire D")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    return {"admin": actor(session, admin),
            "citizen": actor(session, make_user(session, email="c@example.org", home="Lyon")),
            "community": community(session, "Lyon").id}


def _published(session, lyon, *, phase_starts=None):
    project = admin_projects.create(session=session, actor=lyon["admin"],
                                    community_id=lyon["community"],
                                    data={"title": "Energy", "purpose": "Why",
                                          "expected_outcome": "What"})
    phase = admin_projects.add_phase(session=session, actor=lyon["admin"],
                                     project_id=project.id,
                                     data={"title": "Ideas", "module_key": "ideas"})
    admin_projects.publish(session=session, actor=lyon["admin"], project_id=project.id)
    data = {"title": "Ideas", "module_key": "ideas", "status": "open"}
    if phase_starts:
        data["starts_on"] = phase_starts.isoformat()
    admin_projects.update_phase(session=session, actor=lyon["admin"], phase_id=phase.id,
                                data=data)
    return project, phase


def test_an_upcoming_phase_says_when_it_opens_and_takes_nothing_yet(session, lyon):
    opens = today_utc() + 3 * DAY
    project, phase = _published(session, lyon, phase_starts=opens)
    seen = public.view(session=session, actor=lyon["citizen"], project_id=project.id)
    assert (seen.status, seen.opens_on) == ("upcoming", opens)
    assert (seen.phases[0].status, seen.phases[0].opens_on) == ("upcoming", opens)
    with pytest.raises(ValidationError):
        items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                     title="Solar roofs", body="On every school.", title_required=True)


def test_items_of_a_closed_phase_say_so(session, lyon):
    project, phase = _published(session, lyon)
    idea = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                        title="Solar roofs", body="On every school.", title_required=True)
    assert items.view(session=session, actor=lyon["citizen"], item_id=idea.id).phase_status \
        == "open"
    admin_projects.update_phase(session=session, actor=lyon["admin"], phase_id=phase.id,
                                data={"title": "Ideas", "module_key": "ideas",
                                      "status": "closed"})
    seen = items.view(session=session, actor=lyon["citizen"], item_id=idea.id)
    assert (seen.phase_status, seen.phase_open, seen.can_comment) == ("closed", False, False)
    assert public.view(session=session, actor=lyon["citizen"], project_id=project.id).status \
        == "closed"


def test_the_seed_story_of_auvergne_rhone_alpes_is_walkable(session):
    from sqlmodel import select

    from civo.services import seed

    seed.seed_all(session=session)
    project = session.exec(select(Project).where(Project.title == "Producing 50% of our energy")
                           ).one()
    seen = public.view(session=session, actor=actor(session, make_user(
        session, email="j@example.org", home="Lyon")), project_id=project.id)
    assert seen.status == "open"
    assert {p.module_key: p.status for p in seen.phases} == {"debate": "open", "ideas": "open"}


# ---- results ---------------------------------------------------------------------------------


def _notifications(session, user_id, kind):
    from sqlmodel import select

    from civo.models.notifications import Notification

    return session.exec(select(Notification).where(Notification.user_id == user_id,
                                                   Notification.kind == kind)).all()


def test_results_page_summary_sections_and_notice_to_followers_and_participants(session, lyon):
    from civo.modules.ideas import services as ideas
    from civo.services import communities, results

    project, phase = _published(session, lyon)
    supporter = actor(session, make_user(session, email="s@example.org", home="Nice"))
    follower = actor(session, make_user(session, email="f@example.org", home="Nice"))
    communities.follow(session=session, actor=follower, community_id=lyon["community"])
    kept = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                        title="Solar roofs", body="On every school.", title_required=True)
    other = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                         kind="idea", title="Wind", body="On hills.", title_required=True)
    ideas.set_support(session=session, actor=supporter, item_id=kept.id, on=True)
    ideas.set_status(session=session, actor=lyon["admin"], item_id=kept.id, status="accepted",
                     answer="We will equip 12 schools in 2027.")

    # Before the Results stage: the page says so, and nobody is told anything.
    early = results.page(session=session, actor=lyon["citizen"], project_id=project.id)
    assert (early.published, early.sections) == (False, [])
    with pytest.raises((PermissionDenied, NotFound)):  # a citizen cannot write it
        results.save_summary(session=session, actor=lyon["citizen"], project_id=project.id,
                             summary="x")
    results.save_summary(session=session, actor=lyon["admin"], project_id=project.id,
                         summary="We read every idea.\n\n- Solar roofs: accepted\n- See "
                                 "https://example.org/plan\n\n<script>alert(1)</script>")
    for _ in range(2):  # twice: one announcement only
        admin_projects.set_status(session=session, actor=lyon["admin"], project_id=project.id,
                                  status="results")
    page = results.page(session=session, actor=lyon["citizen"], project_id=project.id)
    assert page.published
    assert [b["kind"] for b in page.summary] == ["p", "ul", "p"]
    assert page.summary[1]["lines"][1][1] == {"text": "https://example.org/plan",
                                              "href": "https://example.org/plan"}
    assert page.summary[2]["lines"][0] == [{"text": "<script>alert(1)</script>", "href": ""}]
    (section,) = page.sections
    assert (section["module"], section["title"], section["ideas"]) == ("ideas", "Ideas", 2)
    assert [(r["title"], r["answer"]) for r in section["retained"]] == [
        ("Solar roofs", "We will equip 12 schools in 2027.")]
    assert other.id not in [r["id"] for r in section["retained"]]
    for who in (lyon["citizen"], supporter, follower):
        assert len(_notifications(session, who.user_id, "results")) == 1
    assert _notifications(session, lyon["admin"].user_id, "results") == []  # own act
    from civo.services import notifications

    note = _notifications(session, supporter.user_id, "results")[0]
    assert notifications.open_one(session=session, actor=supporter, notification_id=note.id) \
        == f"/p/{project.id}/results"
    (text,) = [v.text for v in notifications.describe(session, [note], "en")]
    assert text == "Results are published: “Energy”."


def test_a_closed_phase_with_contributions_never_shows_an_empty_list(session, lyon):
    from civo.modules.debate import hooks as debate
    from civo.modules.ideas import hooks as ideas_hooks

    project, phase = _published(session, lyon)
    items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                 title="Solar roofs", body="On every school.", title_required=True)
    section = ideas_hooks.results(session, lyon["citizen"], phase)
    assert section["retained"] == [] and [i["title"] for i in section["top"]] == ["Solar roofs"]
    debate_phase = admin_projects.add_phase(session=session, actor=lyon["admin"],
                                            project_id=project.id,
                                            data={"title": "Debate", "module_key": "debate"})
    admin_projects.update_phase(session=session, actor=lyon["admin"], phase_id=debate_phase.id,
                                data={"title": "Debate", "module_key": "debate",
                                      "status": "open"})
    items.create(session=session, actor=lyon["citizen"], phase_id=debate_phase.id,
                 kind="contribution", title="", body="Solar first.",
                 extra={"stance": "for"})
    section = debate.results(session, lyon["citizen"], debate_phase)
    assert section["contributions"] == 1
    assert {r["stance"]: r["count"] for r in section["tally"]}["for"] == 1
    assert [c["excerpt"] for c in section["listed"]] == ["Solar first."]
