"""Budget handlers called directly, per role, as a crafted websocket client would."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from civo.models import CommunityRole, Phase
from civo.modules.budget import services as budget
from civo.modules.budget.models import BudgetBallot, BudgetOutcome, BudgetProject
from civo.services import sessions
from civo.state.modules.budget import BudgetAdminState, BudgetState
from civo.state.project import ProjectState
from tests.unit.conftest import actor, community, make_user, with_session
from tests.unit.test_budget_ballots import COSTS, _phase
from tests.unit.test_states import _call, _state


async def _as(cls, session, user_id=None, phase_id=0):
    state = await _state(cls)
    if user_id is not None:
        with_session(state, sessions.start(session=session, user_id=user_id))
    project = await state.get_state(ProjectState)
    project.phase = {"id": phase_id}
    return state


def _setup(session):
    a = make_user(session, email="a@example.org", name="Alice Arnaud")
    admin = make_user(session, email="admin@example.org", name="Claire Dubois")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Paris").id))
    session.commit()
    phase = _phase(session)
    ids = [budget.add_project(session=session, actor=actor(session, admin), phase_id=phase,
                              data={"title": f"Project {i}", "cost": str(c)}).id
           for i, c in enumerate(COSTS)]
    return a, admin, phase, ids


async def test_allocator_saves_refuses_with_the_reason_and_submits(session):
    a, _admin, phase, ids = _setup(session)
    state = await _as(BudgetState, session, a, phase)
    await _call(state, "load")
    assert state.rule_text == "Spend at least €70,000 of €100,000."
    assert state.state_text == "No ballot yet — nothing counted" and state.can_vote
    for pid in ids[:3]:
        await _call(state, "toggle", pid)
    assert state.state_text == "Draft — not counted yet"
    assert state.used_text == "€90,000 of €100,000 spent" and state.left_text == "€10,000 left"
    await _call(state, "toggle", ids[3])  # 15,000 more: over the budget
    assert state.refusal_project == ids[3] and "more than the budget" in state.refusal
    assert len([p for p in state.projects if p["chosen"]]) == 3
    # Another device: a fresh tab finds the same draft.
    other = await _as(BudgetState, session, a, phase)
    await _call(other, "load")
    assert [p["id"] for p in other.projects if p["chosen"]] == ids[:3]
    await _call(other, "submit")
    assert other.status == "submitted" and other.state_text.startswith("Counted since ")
    assert len(other.receipt_code) == 14
    await _call(other, "verify", {"code": other.receipt_code})
    assert other.verify_text.startswith("This ballot is counted in “Vote” since ")


async def test_visitors_and_unconfirmed_cannot_vote_through_handlers(session):
    _a, _admin, phase, ids = _setup(session)
    unconfirmed = make_user(session, email="u@example.org", confirmed=False)
    for who, reason in ((None, "Please sign in to vote."),
                        (unconfirmed, "Confirm your email address to vote.")):
        state = await _as(BudgetState, session, who, phase)
        await _call(state, "load")
        assert not state.can_vote and state.problem == reason
        await _call(state, "toggle", ids[0])
        await _call(state, "submit")
        assert state.refusal == reason
    assert session.exec(select(sa.func.count()).select_from(BudgetBallot)).one() == 0


async def test_garbage_arguments_are_refused(session):
    a, _admin, phase, _ids = _setup(session)
    state = await _as(BudgetState, session, a, phase)
    await _call(state, "load")
    await _call(state, "give_points", "1 OR 1=1", 1)
    assert state.refusal == "Invalid request."
    await _call(state, "give_points", 999999, 1)
    assert state.refusal == "This project does not exist."
    state._phase_id = 424242  # a phase that is no budget
    await _call(state, "toggle", 1)
    assert state.refusal == "This page does not exist."


async def test_citizens_get_nothing_from_the_admin_handlers(session):
    a, admin, phase, ids = _setup(session)
    crafted = await _as(BudgetAdminState, session, a)
    await _call(crafted, "load", phase)
    assert crafted.failure == "You are not allowed to do that." and crafted.items == []
    for handler, args in (("add_project", ({"title": "Mine", "cost": "1"},)),
                          ("remove_project", (ids[0],)), ("close_voting", ()),
                          ("publish", ()), ("export_pb", ())):
        crafted.failure = ""
        await _call(crafted, handler, *args)
        assert crafted.failure == "You are not allowed to do that.", handler
    assert session.exec(select(sa.func.count()).select_from(BudgetProject)).one() == 8
    session.expire_all()
    assert session.get(Phase, phase).status == "open"
    assert session.get(BudgetOutcome, phase) is None
    # The admin sees turnout (counts only) and manages the ballot.
    panel = await _as(BudgetAdminState, session, admin)
    await _call(panel, "load", phase)
    assert panel.failure == "" and len(panel.items) == 8
    assert (panel.submitted, panel.drafts) == (0, 0)
    await _call(panel, "add_project", {"title": "Ninth", "cost": "1000"})
    assert len(panel.items) == 9 and panel.items[-1]["cost"] == "€1,000"
    await _call(panel, "close_voting")
    session.expire_all()
    assert session.get(Phase, phase).status == "closed"
