"""Participation handlers called directly: messages on refusal, nothing stored, small state."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlmodel import select

from civo.models import CommunityRole
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.modules.ideas.models import IdeaStatus, IdeaSupport
from civo.services import sessions
from civo.state.feed import FeedState
from civo.state.item import ItemState
from civo.state.modules.ideas import IdeasState
from tests.unit.conftest import actor, community, make_user, with_session
from tests.unit.test_participation import phase_of
from tests.unit.test_states import _call, _count, _state


async def _signed_in(cls, session, user_id):
    state = await _state(cls)
    with_session(state, sessions.start(session=session, user_id=user_id))
    return state


async def test_feed_state_stays_under_20_kb_with_long_contributions(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    reader = make_user(session, email="reader@example.org", home="Lyon")
    phase = phase_of(session, "School extracurricular timings")
    for _i in range(30):
        ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                      title=("A long title " * 10)[:120], body=("word " * 400)[:2000])
    state = await _signed_in(FeedState, session, reader)
    await _call(state, "load")
    assert len(state.items) == 20 and state.has_more
    size = len(json.dumps(state.dict()[state.get_full_name()], default=str))
    assert size < 20_000, size
    # The full texts stay in the database: the cards carry excerpts only.
    assert all(len(card["excerpt"]) <= 180 for card in state.items)


async def test_support_handler_refuses_visitors_with_a_message_and_stores_nothing(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                         title="Idea", body="Body")
    state = await _state(IdeasState)
    await _call(state, "support", idea.id, True)
    assert state.error == "Please sign in to continue."
    assert _count(session, IdeaSupport) == 0


async def test_citizen_cannot_set_status_but_the_community_admin_can(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    admin = make_user(session, email="admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                         title="Idea", body="Body")
    citizen_state = await _signed_in(IdeasState, session, author)
    item_state = await citizen_state.get_state(ItemState)
    item_state._item_id = idea.id
    await _call(citizen_state, "set_status", {"status": "accepted", "answer": "mine"})
    assert item_state.error == "You are not allowed to do that."
    assert _count(session, IdeaStatus) == 0


async def test_item_handlers_reject_garbage_ids_with_a_message(session):
    user = make_user(session, email="u@example.org", home="Lyon")
    state = await _signed_in(ItemState, session, user)
    await _call(state, "react", "item", "1 OR 1=1", "love")
    assert state.error == "This contribution does not exist."
    await _call(state, "react", "profile", 1, "love")
    assert state.error == "This contribution does not exist."
    session.expire_all()
    assert session.exec(select(sa.func.count()).select_from(Item)).one() == 0


async def test_more_replies_open_in_thread_order_and_stay_open_after_a_refresh(session):
    from civo.services import comments

    author = make_user(session, email="author@example.org", home="Lyon")
    other = make_user(session, email="other@example.org", home="Lyon")
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                         title="Idea", body="Body")
    root = comments.post(session=session, actor=actor(session, other), item_id=idea.id,
                         body="root")
    later = comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                          body="second thread")
    for i in range(comments.REPLIES_SHOWN + 5):
        comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                      body=f"reply {i}", parent_id=root.id)
    state = await _signed_in(ItemState, session, other)
    state._item_id = idea.id
    await state._reload()
    def text(c):  # what the reader sees (the raw text travels only to its author)
        return "".join(s["text"] for s in c["segments"])

    bodies = [text(c) for c in state._shown()]
    assert bodies == ["root", *[f"reply {i}" for i in range(10)], "second thread"]
    assert [c["more_after"] for c in state._shown()][10] == 5  # the button under reply 9
    await _call(state, "load_more_replies", root.id)
    assert [text(c) for c in state._shown()] == [
        "root", *[f"reply {i}" for i in range(15)], "second thread"]
    assert all(c["more_after"] == 0 for c in state._shown())
    await state._reload()  # a live refresh keeps the opened thread open
    assert len(state._shown()) == 17 and state._shown()[-1]["id"] == later.id
    await _call(state, "load_more_replies", "1 OR 1=1")  # garbage: nothing happens
    assert len(state._shown()) == 17
