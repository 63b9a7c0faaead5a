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
    stages = {p.module_key: p.status for p in seen.phases}
    # The debate and the idea box of the seed's story (and the questionnaire beside them).
    assert stages["debate"] == stages["ideas"] == "open"
    assert set(stages.values()) == {"open"}


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


# ---- find your way ---------------------------------------------------------------------------


def test_communities_list_their_sub_communities_and_the_trail_reads_top_down(session):
    from civo import policy
    from civo.services import communities, seed
    seed.seed_all(session=session, accounts=False)
    eu = communities.page(session=session, actor=policy.ANONYMOUS, slug="european-union")
    assert [c.name for c in eu.children] == ["France"]
    france = communities.page(session=session, actor=policy.ANONYMOUS, slug="france")
    assert {"Île-de-France", "Auvergne-Rhône-Alpes"} <= {c.name for c in france.children}
    lyon = communities.page(session=session, actor=policy.ANONYMOUS, slug="lyon")
    # private children (the Croix-Rousse council) are not listed to visitors
    assert [c.name for c in lyon.children] == []
    assert [c.name for c in lyon.parents] == ["Auvergne-Rhône-Alpes", "France",
                                               "European Union"]  # the service: nearest first


def test_author_links_go_to_named_authors_profiles_never_anonymous_ones(session, lyon):
    from civo.services import comments

    _project, phase = _published(session, lyon)
    named = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                         kind="idea", title="Solar roofs", body="On schools.",
                         title_required=True)
    hidden = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                          kind="idea", title="Wind", body="On hills.", title_required=True,
                          anonymous=True)
    from civo.models import User

    def handle(actor):
        return session.get(User, actor.user_id).handle

    seen = items.view(session=session, actor=lyon["admin"], item_id=named.id)
    # The profile's random handle, never the sequential id (issue 17: no walking /u/1…N).
    assert seen.author_href == f"/u/{handle(lyon['citizen'])}"
    assert seen.author_href != f"/u/{lyon['citizen'].user_id}"
    assert items.view(session=session, actor=lyon["admin"], item_id=hidden.id).author_href == ""
    comments.post(session=session, actor=lyon["citizen"], item_id=named.id, body="Yes",
                  anonymous=True)
    comments.post(session=session, actor=lyon["admin"], item_id=named.id, body="Noted")
    hrefs = {c.body: c.author_href for c in comments.page(
        session=session, actor=lyon["citizen"], item_id=named.id).comments}
    assert hrefs == {"Yes": "", "Noted": f"/u/{handle(lyon['admin'])}"}


def test_pages_that_show_something_name_it_in_their_title():
    from civo.pages import ROUTES

    named = {r.path for r in ROUTES if r.named}
    assert {"/c/[slug]", "/p/[project_id]", "/p/[project_id]/[phase_id]",
            "/p/[project_id]/results", "/i/[item_id]"} <= named


# ---- states (what the pages hold) ------------------------------------------------------------


async def _page_state(cls, path: str, **params):
    import reflex as rx
    from reflex.istate.data import RouterData

    root = rx.State(_reflex_internal_init=True)
    state = await root.get_state(cls)
    state.router = RouterData.from_router_data({"pathname": path, "asPath": path,
                                                "query": params})
    return state


async def _run(state, handler, *args):
    from tests.unit.test_states import _call

    return await _call(state, handler, *args)


async def test_the_community_page_lists_children_and_a_top_down_trail(session):
    from civo.services import seed
    from civo.state.communities import CommunityState

    seed.seed_all(session=session, accounts=False)
    state = await _page_state(CommunityState, "/c/lyon", slug="lyon")
    state.router.page.params["slug"] = "lyon"
    await _run(state, "load")
    assert [p["name"] for p in state.parents] == ["European Union", "France",
                                                  "Auvergne-Rhône-Alpes"]
    state = await _page_state(CommunityState, "/c/france", slug="france")
    state.router.page.params["slug"] = "france"
    await _run(state, "load")
    assert "Auvergne-Rhône-Alpes" in [c["name"] for c in state.children]


async def test_the_results_state_per_role(session, lyon):
    from civo.services import results
    from civo.state.results import ResultsState
    from tests.unit.conftest import with_session

    project, _phase = _published(session, lyon)
    results.save_summary(session=session, actor=lyon["admin"], project_id=project.id,
                         summary="- one\n- two")
    visitor = await _page_state(ResultsState, f"/p/{project.id}/results")
    visitor.router.page.params["project_id"] = str(project.id)
    await _run(visitor, "load")
    assert (visitor.not_found, visitor.published, visitor.sections) == (False, False, [])
    admin_projects.set_status(session=session, actor=lyon["admin"], project_id=project.id,
                              status="results")
    from civo.services import sessions

    citizen = with_session(await _page_state(ResultsState, f"/p/{project.id}/results"),
                           sessions.start(session=session, user_id=lyon["citizen"].user_id))
    citizen.router.page.params["project_id"] = str(project.id)
    await _run(citizen, "load")
    assert citizen.published and [b["kind"] for b in citizen.summary] == ["ul"]
    assert [s["module"] for s in citizen.sections] == ["ideas"]
    missing = await _page_state(ResultsState, "/p/999999/results")
    missing.router.page.params["project_id"] = "999999"
    await _run(missing, "load")
    assert missing.not_found


async def test_a_citizens_new_comment_shows_at_once_in_a_long_thread_and_only_once(
        session, lyon):
    from civo.services import comments, sessions
    from civo.state.item import ItemState
    from tests.unit.conftest import with_session

    _project, phase = _published(session, lyon)
    idea = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                        kind="idea", title="Solar roofs", body="On schools.",
                        title_required=True)
    for n in range(comments.PAGE_SIZE + 5):
        comments.post(session=session, actor=lyon["admin"], item_id=idea.id,
                      body=f"Older comment {n}")
    token = sessions.start(session=session, user_id=lyon["citizen"].user_id)
    state = with_session(await _page_state(ItemState, f"/i/{idea.id}"), token)
    state.router.page.params["item_id"] = str(idea.id)
    await _run(state, "load")
    assert state.comments_more and len(state._shown()) == comments.PAGE_SIZE
    await _run(state, "post_comment", {"body": "My late thought"})
    assert state.comment_error == ""
    assert "My late thought" in [c.get("body") or c["segments"][0]["text"]
                                 for c in state._shown()]
    while state.comments_more:
        await _run(state, "load_more_comments")
    texts = [c["segments"][0]["text"] for c in state._shown()]
    assert texts.count("My late thought") == 1
    assert len(texts) == comments.PAGE_SIZE + 6


# ---- notifications people can read -----------------------------------------------------------


def test_warning_and_removal_notices_carry_the_moderators_reason(session, lyon):
    from sqlmodel import select

    from civo.models import User
    from civo.models.moderation import ModerationCase
    from civo.models.notifications import Notification
    from civo.services import moderation, notifications

    _project, phase = _published(session, lyon)
    idea = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                        kind="idea", title="Buy my bikes", body="Cheap bikes here.",
                        title_required=True)
    mod_id = make_user(session, email="mod@example.org", home="Lyon")
    session.get(User, mod_id).is_moderator = True
    session.commit()
    mod = actor(session, mod_id)
    moderation.flag(session=session, actor=lyon["admin"], target_kind="item",
                    target_id=idea.id, reason="spam")
    case = session.exec(select(ModerationCase)).one()
    moderation.warn(session=session, actor=mod, case_id=case.id,
                    reason="Selling is not allowed here.")
    moderation.decide(session=session, actor=mod, case_id=case.id, action="remove",
                      reason="Commercial advertising (code of conduct, rule 4).")
    rows = session.exec(select(Notification).where(
        Notification.user_id == lyon["citizen"].user_id,
        Notification.kind.in_(("warned", "removed"))).order_by(Notification.id)).all()
    texts = [v.text for v in notifications.describe(session, rows, "en")]
    assert texts == [
        "You received a warning from the moderators. The moderators' reason: Selling is not "
        "allowed here.",
        "The moderators removed your contribution “Buy my bikes”. The moderators' reason: "
        "Commercial advertising (code of conduct, rule 4)."]
    fr = [v.text for v in notifications.describe(session, rows[:1], "fr")]
    assert "Selling is not allowed here." in fr[0]


def test_switching_from_a_digest_to_at_once_sends_the_backlog_as_one_email(session, lyon):
    from sqlmodel import select

    from civo.models.notifications import Notification, OutboundEmail
    from civo.services import comments, mail, notifications
    from tests.conftest import SmtpInbox

    _project, phase = _published(session, lyon)
    idea = items.create(session=session, actor=lyon["citizen"], phase_id=phase.id,
                        kind="idea", title="Solar roofs", body="On schools.",
                        title_required=True)
    others = [actor(session, make_user(session, email=f"r{n}@example.org", home="Lyon"))
              for n in range(4)]
    for who in others:  # four replies wait for the citizen's daily digest
        comments.post(session=session, actor=who, item_id=idea.id, body="Agreed")
    waiting = session.exec(select(Notification).where(
        Notification.user_id == lyon["citizen"].user_id, Notification.kind == "reply")).all()
    assert len(waiting) == 4 and {n.email_frequency for n in waiting} == {"daily"}
    session.execute(OutboundEmail.__table__.delete())
    session.commit()
    notifications.save_settings(session=session, actor=lyon["citizen"],
                                values={"contributions": (True, "immediate")})
    assert notifications.send_immediate(session=session) == 0  # sent with the switch
    inbox = SmtpInbox().start()
    try:
        mail.deliver_due(session=session, transport=mail.Transport(
            "smtp", host="127.0.0.1", port=inbox.port))
        mine = [m for m in inbox.messages if "c@example.org" in str(m["To"])]
    finally:
        inbox.stop()
    assert len(mine) == 1
    assert mine[0]["Subject"] == "4 new notifications"


# ---- similar ideas while typing --------------------------------------------------------------


def test_similar_ideas_of_the_same_phase_while_typing(session, lyon):
    from civo.modules.ideas import similar

    _project, phase = _published(session, lyon)
    _other_project, other_phase = _published(session, lyon)
    for title, body in (("Solar panels on school roofs", "Every school roof could host them."),
                        ("More bike lanes", "Separated lanes on the quays."),
                        ("Solar panel cooperative", "Citizens invest in panels together.")):
        items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                     title=title, body=body, title_required=True)
    items.create(session=session, actor=lyon["citizen"], phase_id=other_phase.id,
                 kind="idea", title="Solar panels everywhere", body="Elsewhere.",
                 title_required=True)
    found = similar.similar(session=session, actor=lyon["citizen"], phase_id=phase.id,
                            text="solar panels")
    titles = [f["title"] for f in found]
    assert set(titles) == {"Solar panels on school roofs", "Solar panel cooperative"}
    assert "Solar panels everywhere" not in titles  # another phase
    assert similar.similar(session=session, actor=lyon["citizen"], phase_id=phase.id,
                           text="so") == []  # too short to say anything
    assert similar.similar(session=session, actor=lyon["citizen"], phase_id=phase.id,
                           text=["not", "text"]) == []
    assert len(similar.similar(session=session, actor=lyon["citizen"], phase_id=phase.id,
                               text="solar")) <= similar.LIMIT


def test_the_trigram_fallback_matches_pg_trgm_word_similarity():
    from civo.modules.ideas.similar import score, trigrams

    assert trigrams("Cat") == {"  c", " ca", "cat", "at "}
    assert score("école", "Une ECOLE verte") == 1.0  # accents and case do not matter
    assert score("solar", "wind turbines") < 0.45


async def test_the_ideas_state_finds_similar_ideas(session, lyon):
    from civo.services import sessions
    from civo.state.modules.ideas import IdeasState
    from tests.unit.conftest import with_session

    _project, phase = _published(session, lyon)
    items.create(session=session, actor=lyon["citizen"], phase_id=phase.id, kind="idea",
                 title="Solar panels on school roofs", body="Roofs.", title_required=True)
    token = sessions.start(session=session, user_id=lyon["citizen"].user_id)
    state = with_session(await _page_state(IdeasState, f"/p/{_project.id}/{phase.id}"), token)
    state._phase_id = phase.id
    await _run(state, "find_similar", "solar panel")
    assert [s["title"] for s in state.similar] == ["Solar panels on school roofs"]
    await _run(state, "find_similar", 42)  # a crafted event: nothing, no crash
    assert state.similar == []
