"""Issue 17: the holes an attacker's review found, each pinned by a test that failed before
its fix (crafted handler calls, as a websocket client could send them)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.models import CommunityRole
from civo.models.moderation import ModerationLog
from civo.models.participation import Comment, Item
from civo.modules.ideas import services as ideas
from civo.services import announcements, comments, items, sessions
from civo.services.errors import PermissionDenied
from civo.state.item import ItemState
from tests.unit.conftest import actor, community, make_user, with_session
from tests.unit.test_participation import phase_of
from tests.unit.test_states import _call, _state


async def _signed_in(cls, session, user_id):
    state = await _state(cls)
    with_session(state, sessions.start(session=session, user_id=user_id))
    return state


@pytest.fixture()
def lyon(session):
    admin = make_user(session, email="lyon-admin@example.org", home="Lyon", name="Claire D")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    citizen = make_user(session, email="c@example.org", home="Lyon", name="Camille Citizen")
    return {"admin": admin, "citizen": citizen, "community": community(session, "Lyon").id}


# ---- 2. community admins never delete citizens' words silently ---------------------------------


async def test_community_admin_cannot_delete_a_citizens_comment_under_the_news(session, lyon):
    admin = actor(session, lyon["admin"])
    update = announcements.post_update(session=session, actor=admin,
                                       community_id=lyon["community"], title="Works", body="x")
    words = comments.post(session=session, actor=actor(session, lyon["citizen"]),
                          item_id=update.id, body="I disagree with this.")
    own = comments.post(session=session, actor=admin, item_id=update.id, body="Noted.")
    state = await _signed_in(ItemState, session, lyon["admin"])
    state._item_id = update.id
    await _call(state, "delete_comment", words.id)
    assert state.error == "You are not allowed to do that."
    session.expire_all()
    kept = session.get(Comment, words.id)
    assert kept.deleted_at is None and kept.body == "I disagree with this."
    assert session.exec(select(sa.func.count()).select_from(ModerationLog)).one() == 0
    # The service refuses too (not only the handler), and the admin's own words may go.
    with pytest.raises(PermissionDenied):
        comments.delete(session=session, actor=admin, comment_id=words.id)
    await _call(state, "delete_comment", own.id)
    session.expire_all()
    assert session.get(Comment, own.id).deleted_at is not None


async def test_the_news_delete_only_deletes_news(session, lyon):
    admin = actor(session, lyon["admin"])
    update = announcements.post_update(session=session, actor=admin,
                                       community_id=lyon["community"], title="Works", body="x")
    # A citizen's contribution that has lost its phase (a phase row gone, an import): it
    # must not become "the community's news" that its admins may wipe.
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, lyon["citizen"]),
                         phase_id=phase.id, title="My idea", body="My words")
    session.execute(sa.update(Item).where(Item.id == idea.id).values(phase_id=None))
    session.commit()
    state = await _signed_in(ItemState, session, lyon["admin"])
    state._item_id = idea.id
    await _call(state, "delete_item")
    assert state.error == "You are not allowed to do that."
    session.expire_all()
    assert session.get(Item, idea.id).body == "My words"
    assert items.view(session=session, actor=admin, item_id=idea.id).can_delete is False
    # The community's own news: its admins delete it.
    state._item_id = update.id
    state.error = ""
    await _call(state, "delete_item")
    assert state.error == ""
    session.expire_all()
    assert session.get(Item, update.id).deleted_at is not None
