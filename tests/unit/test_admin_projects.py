"""Projects and phases (draft → published → closed), announcements and the admin inbox."""

from __future__ import annotations

import pytest
from sqlmodel import select

from civo.models import CommunityRole, Phase, Project
from civo.models.announcements import CommunityEvent
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.services import admin_projects as projects
from civo.services import announcements, feed, inbox, items
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user

PROJECT = {"title": "Shaded bus stops", "summary": "Which stops need shade first?",
           "purpose": "Summers are hotter; 40 stops get a roof this year.",
           "expected_outcome": "The mobility committee picks the stops in March.",
           "starts_on": "2026-01-10", "ends_on": "2026-03-01"}
IDEA_PHASE = {"title": "Ideas", "module_key": "ideas", "description": "Propose a stop."}


@pytest.fixture()
def lyon(session):
    admin = make_user(session, email="lyon-admin@example.org", home="Lyon", name="Claire D")
    nice_admin = make_user(session, email="nice-admin@example.org", home="Nice")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.add(CommunityRole(user_id=nice_admin, community_id=community(session, "Nice").id))
    session.commit()
    return {"admin": actor(session, admin), "nice_admin": actor(session, nice_admin),
            "citizen": actor(session, make_user(session, email="c@example.org", home="Lyon")),
            "other": actor(session, make_user(session, email="o@example.org", home="Lyon")),
            "community": community(session, "Lyon").id}


def _project(session, lyon) -> Project:
    return projects.create(session=session, actor=lyon["admin"],
                           community_id=lyon["community"], data=PROJECT)


def test_a_draft_is_invisible_until_published_then_reaches_followers(session, lyon):
    project = _project(session, lyon)
    assert project.published_at is None
    from civo.services import projects as public

    with pytest.raises(NotFound):
        public.view(session=session, actor=lyon["citizen"], project_id=project.id)
    with pytest.raises(ValidationError, match="at least one phase"):
        projects.publish(session=session, actor=lyon["admin"], project_id=project.id)
    phase = projects.add_phase(session=session, actor=lyon["admin"], project_id=project.id,
                               data=IDEA_PHASE)
    assert phase.status == "upcoming"
    projects.publish(session=session, actor=lyon["admin"], project_id=project.id)
    with pytest.raises(ValidationError, match="already published"):
        projects.publish(session=session, actor=lyon["admin"], project_id=project.id)
    session.refresh(project)
    assert project.status == "open"
    first = feed.personal(session=session, actor=lyon["citizen"]).items[0]
    assert (first.module_key, first.title, first.project_id, first.author_kind,
            first.author_name) == ("project", "Shaded bus stops", project.id, "community",
                                   "Lyon")
    # Title edits follow into the feed entry.
    projects.update(session=session, actor=lyon["admin"], project_id=project.id,
                    data={**PROJECT, "title": "Shaded bus stops 2026"})
    assert feed.personal(session=session, actor=lyon["citizen"]).items[0].title == \
        "Shaded bus stops 2026"
    # Citizens contribute once a phase opens.
    projects.update_phase(session=session, actor=lyon["admin"], phase_id=phase.id,
                          data={**IDEA_PHASE, "status": "open"})
    ideas.propose(session=session, actor=lyon["citizen"], phase_id=phase.id, title="Stop 12",
                  body="No shade at all.")
    projects.set_status(session=session, actor=lyon["admin"], project_id=project.id,
                        status="closed")
    with pytest.raises(ValidationError, match="closed"):
        ideas.propose(session=session, actor=lyon["citizen"], phase_id=phase.id, title="Late",
                      body="Too late.")


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "{label} cannot be empty."),
    ({"purpose": ""}, "{label} cannot be empty."),
    ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"},
     "The end date cannot be before the start date."),
    ({"starts_on": "01/05/2026"}, "{label} is not a valid date."),
])
def test_bad_project_input_is_refused_and_stores_nothing(session, lyon, changes, message):
    with pytest.raises(ValidationError) as refused:
        projects.create(session=session, actor=lyon["admin"], community_id=lyon["community"],
                        data={**PROJECT, **changes})
    assert refused.value.message == message
    assert session.exec(select(Project).where(Project.title == PROJECT["title"])).first() \
        is None


def test_only_the_communitys_admins_manage_its_projects(session, lyon):
    project = _project(session, lyon)
    for who in ("citizen", "nice_admin"):
        with pytest.raises(PermissionDenied):
            projects.create(session=session, actor=lyon[who], community_id=lyon["community"],
                            data=PROJECT)
        with pytest.raises(PermissionDenied):
            projects.publish(session=session, actor=lyon[who], project_id=project.id)
        with pytest.raises(PermissionDenied):
            projects.add_phase(session=session, actor=lyon[who], project_id=project.id,
                               data=IDEA_PHASE)
    with pytest.raises(NotFound):
        projects.form(session=session, actor=lyon["admin"], project_id="1 OR 1=1")


def test_phases_reorder_take_module_settings_and_keep_what_citizens_wrote(session, lyon):
    project = _project(session, lyon)
    first = projects.add_phase(session=session, actor=lyon["admin"], project_id=project.id,
                               data={"title": "Debate", "module_key": "debate",
                                     "setting_question": "Where is shade most needed?"})
    second = projects.add_phase(session=session, actor=lyon["admin"], project_id=project.id,
                                data=IDEA_PHASE)
    with pytest.raises(ValidationError, match="participation module"):
        projects.add_phase(session=session, actor=lyon["admin"], project_id=project.id,
                           data={"title": "Vote", "module_key": "budget_v2"})
    assert first.settings == {"question": "Where is shade most needed?"}
    projects.move_phase(session=session, actor=lyon["admin"], phase_id=second.id, offset=-1)
    order = [p.title for p in session.exec(select(Phase).where(
        Phase.project_id == project.id).order_by(Phase.position))]
    assert order == ["Ideas", "Debate"]
    projects.move_phase(session=session, actor=lyon["admin"], phase_id=second.id, offset=-1)
    projects.publish(session=session, actor=lyon["admin"], project_id=project.id)
    projects.update_phase(session=session, actor=lyon["admin"], phase_id=second.id,
                          data={**IDEA_PHASE, "status": "open"})
    ideas.propose(session=session, actor=lyon["citizen"], phase_id=second.id, title="T",
                  body="B")
    with pytest.raises(ValidationError, match="module cannot change"):
        projects.update_phase(session=session, actor=lyon["admin"], phase_id=second.id,
                              data={**IDEA_PHASE, "module_key": "debate"})
    with pytest.raises(ValidationError, match="close it instead"):
        projects.delete_phase(session=session, actor=lyon["admin"], phase_id=second.id)
    projects.delete_phase(session=session, actor=lyon["admin"], phase_id=first.id)
    assert session.get(Phase, first.id) is None


# ---- announcements ---------------------------------------------------------------------------


def test_updates_and_events_reach_followers_and_bad_input_stores_nothing(session, lyon):
    with pytest.raises(PermissionDenied):
        announcements.post_update(session=session, actor=lyon["citizen"],
                                  community_id=lyon["community"], title="Fake", body="x")
    with pytest.raises(ValidationError, match="web address"):
        announcements.post_update(session=session, actor=lyon["admin"],
                                  community_id=lyon["community"], title="Works", body="x",
                                  link_url="javascript:alert(1)")
    with pytest.raises(ValidationError, match="end after it starts"):
        announcements.post_event(session=session, actor=lyon["admin"],
                                 community_id=lyon["community"], title="Meeting",
                                 description="Come", starts_at="2030-12-01T18:00",
                                 ends_at="2030-12-01T17:00", location="Town hall")
    with pytest.raises(ValidationError, match="place or an online link"):
        announcements.post_event(session=session, actor=lyon["admin"],
                                 community_id=lyon["community"], title="Meeting",
                                 description="Come", starts_at="2030-12-01T18:00")
    assert session.exec(select(Item).where(Item.module_key.in_(("update", "event")))).first() \
        is None
    update = announcements.post_update(session=session, actor=lyon["admin"],
                                       community_id=lyon["community"], title="Works start",
                                       body="Monday.", video_url="https://video.example/1")
    event = announcements.post_event(session=session, actor=lyon["admin"],
                                     community_id=lyon["community"], title="Public meeting",
                                     description="Bring ideas.",
                                     starts_at="2030-12-01T18:30", location="Town hall")
    stored = session.get(CommunityEvent, event.id)
    assert stored.starts_at.isoformat() == "2030-12-01T17:30:00+00:00"  # 18:30 in Paris
    cards = feed.personal(session=session, actor=lyon["citizen"]).items
    assert [c.id for c in cards[:2]] == [event.id, update.id]
    assert {c.author_kind for c in cards[:2]} == {"community"}
    # Citizens react and comment on them; no support, no contribution.
    from civo.services import comments, reactions

    reactions.react(session=session, actor=lyon["citizen"], target_kind="item",
                    target_id=update.id, emoji="love")
    comments.post(session=session, actor=lyon["citizen"], item_id=update.id, body="Finally!")
    view = items.view(session=session, actor=lyon["citizen"], item_id=update.id)
    assert (view.author_kind, view.author_name, view.comment_count, view.reactions["love"]) == \
        ("community", "Lyon", 1, 1)
    described = announcements.describe(session=session, actor=lyon["citizen"],
                                       item=session.get(Item, event.id))
    assert described["timezone"] == "Europe/Paris" and described["location"] == "Town hall"
    # Another admin of Lyon may remove the community's post; a citizen may not.
    with pytest.raises(PermissionDenied):
        items.delete(session=session, actor=lyon["citizen"], item_id=update.id)


# ---- inbox -----------------------------------------------------------------------------------


def test_inbox_lists_unread_by_us_first_and_opening_reads_it(session, lyon):
    phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
        Project.title == "School extracurricular timings")).one()
    posted = [ideas.propose(session=session, actor=lyon["citizen"], phase_id=phase.id,
                            title=f"Idea {i}", body="b").id for i in range(3)]
    page = inbox.page(session=session, actor=lyon["admin"])
    assert [e.card.id for e in page.entries] == list(reversed(posted))
    assert all(e.unread_by_us for e in page.entries) and page.unread_total == 3
    items.open_item(session=session, actor=lyon["admin"], item_id=posted[2])
    page = inbox.page(session=session, actor=lyon["admin"])
    assert [(e.card.id, e.unread_by_us) for e in page.entries] == [
        (posted[1], True), (posted[0], True), (posted[2], False)]
    assert inbox.unread_count(session=session, actor=lyon["admin"]) == 2
    # A citizen opening it changes nothing for the admins.
    items.open_item(session=session, actor=lyon["other"], item_id=posted[1])
    assert inbox.unread_count(session=session, actor=lyon["admin"]) == 2
    # Nice's admin sees none of Lyon's; a citizen has no inbox.
    assert inbox.page(session=session, actor=lyon["nice_admin"]).entries == ()
    with pytest.raises(ValidationError):
        inbox.page(session=session, actor=lyon["nice_admin"], community_id=lyon["community"])
    with pytest.raises(PermissionDenied):
        inbox.page(session=session, actor=lyon["citizen"])


def test_inbox_pages_by_keyset_across_both_segments(session, lyon):
    phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
        Project.title == "School extracurricular timings")).one()
    posted = [ideas.propose(session=session, actor=lyon["citizen"], phase_id=phase.id,
                            title=f"Idea {i}", body="b").id for i in range(45)]
    for item_id in posted[:10]:
        items.open_item(session=session, actor=lyon["admin"], item_id=item_id)
    seen, cursor = [], None
    while True:
        page = inbox.page(session=session, actor=lyon["admin"], cursor=cursor)
        seen += [(e.card.id, e.unread_by_us) for e in page.entries]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [i for i, _ in seen] == list(reversed(posted[10:])) + list(reversed(posted[:10]))
    assert [u for _, u in seen] == [True] * 35 + [False] * 10
