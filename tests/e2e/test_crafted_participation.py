"""A hand-made Socket.IO client, signed in as an ordinary citizen, calls participation
handlers directly: it cannot support twice, react for someone else, set an idea's official
status, or read a private community's items."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.db import make_engine
from civo.models import Community, Membership, Phase, Project, User
from civo.models._common import utcnow
from civo.models.participation import ImpactEvent, Item, Reaction
from civo.modules.ideas import services as ideas
from civo.modules.ideas.models import IdeaStatus, IdeaSupport
from civo.services import accounts
from civo.state.item import ItemState
from civo.state.modules.ideas import IdeasState
from civo.state.project import ProjectState
from tests.conftest import TEST_DB_URL
from tests.e2e.test_crafted_websocket import _attack, _run, session_cookie

CITIZEN = "citizen@demo.civo.example"
LYON_ADMIN = "lyon.admin@demo.civo.example"
SECRET_TITLE = "Secret council plan 7f3a"


def _item_page(item_id: int) -> dict:
    return {"pathname": f"/i/{item_id}", "query": {"item_id": str(item_id)}}


def _setup(engine):
    with Session(engine) as s:
        citizen = s.exec(select(User).where(User.email == CITIZEN)).one()
        admin = s.exec(select(User).where(User.email == LYON_ADMIN)).one()
        lyon_phase = s.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
            Project.title == "School extracurricular timings")).one()
        admin_actor = accounts.actor_for(session=s, user_id=admin.id)
        public_idea = ideas.propose(session=s, actor=admin_actor, phase_id=lyon_phase.id,
                                    title="Public idea for the crafted test", body="Open to all")
        council = s.exec(select(Community).where(Community.is_private.is_(True))).first()
        project = Project(community_id=council.id, title="Council secrets", status="open",
                          published_at=utcnow())
        s.add(project)
        s.flush()
        phase = Phase(project_id=project.id, title="Ideas", module_key="ideas", status="open")
        s.add(phase)
        s.add(Membership(user_id=admin.id, community_id=council.id))
        s.commit()
        member = accounts.actor_for(session=s, user_id=admin.id)
        secret = ideas.propose(session=s, actor=member, phase_id=phase.id, title=SECRET_TITLE,
                               body="Members only")
        return {"citizen": citizen.id, "admin": admin.id,
                "public": public_idea.id, "secret": secret.id, "project": project.id}


def _counts(engine, item_id: int) -> tuple:
    with Session(engine) as s:
        item = s.get(Item, item_id)
        return (item.support_count, item.reaction_count,
                s.exec(select(sa.func.count()).select_from(IdeaSupport)
                       .where(IdeaSupport.item_id == item_id)).one(),
                s.exec(select(sa.func.count()).select_from(Reaction)
                       .where(Reaction.target_id == item_id)).one(),
                s.exec(select(sa.func.count()).select_from(IdeaStatus)
                       .where(IdeaStatus.item_id == item_id)).one(),
                s.exec(select(sa.func.count()).select_from(ImpactEvent)
                       .where(ImpactEvent.item_id == item_id)).one())


def test_crafted_citizen_cannot_cheat_or_peek(harness, backend_url):
    engine = make_engine(TEST_DB_URL)
    ids = _setup(engine)
    secret_before = _counts(engine, ids["secret"])
    citizen_cookie = session_cookie(backend_url, ids["citizen"])
    support = f"{IdeasState.get_full_name()}.support"
    react = f"{ItemState.get_full_name()}.react"
    public_page, secret_page = _item_page(ids["public"]), _item_page(ids["secret"])
    received = _run(_attack(backend_url, [
        # Open the public idea (positive control: its title comes back).
        (f"{ItemState.get_full_name()}.load", {}, public_page),
        # Support it three times, once with a truthy string: one support.
        (support, {"item_id": ids["public"], "on": True}, public_page),
        (support, {"item_id": ids["public"], "on": True}, public_page),
        (support, {"item_id": ids["public"], "on": "yes"}, public_page),
        # React "for someone else": there is no such parameter; the reaction is one's own.
        (react, {"target_kind": "item", "target_id": ids["public"], "emoji": "love",
                 "user_id": ids["admin"]}, public_page),
        (react, {"target_kind": "item", "target_id": ids["public"], "emoji": "love"},
         public_page),
        # Set the official status as a citizen.
        (f"{IdeasState.get_full_name()}.set_status",
         {"form": {"status": "accepted", "answer": "Hijacked"}}, public_page),
        # The private council's idea: open, support, react, and its project page.
        (f"{ItemState.get_full_name()}.load", {}, secret_page),
        (support, {"item_id": ids["secret"], "on": True}, secret_page),
        (react, {"target_kind": "item", "target_id": ids["secret"], "emoji": "agree"},
         secret_page),
        (f"{ProjectState.get_full_name()}.load", {},
         {"pathname": f"/p/{ids['project']}", "query": {"project_id": str(ids["project"])}}),
    ], cookie=citizen_cookie))
    everything = "\n".join(received)
    assert "Public idea for the crafted test" in everything  # the client did reach the app
    support_count, reaction_count, supports, reactions, statuses, impacts = _counts(
        engine, ids["public"])
    assert (support_count, supports) == (1, 1)
    assert (reaction_count, reactions) == (1, 1)
    with Session(engine) as s:
        mine = s.exec(select(Reaction).where(Reaction.target_id == ids["public"])).one()
        assert mine.user_id == ids["citizen"]  # nobody else's reaction was recorded
    assert (statuses, impacts) == (0, 0)
    assert "Hijacked" not in everything
    # Nothing of the private community leaked or changed.
    assert _counts(engine, ids["secret"]) == secret_before
    for secret in (SECRET_TITLE, "Members only", "Council secrets"):
        assert secret not in everything
    assert policy.ANONYMOUS.user_id is None
    engine.dispose()
