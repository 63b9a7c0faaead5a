"""The per-process identity cache (issue 16): it saves the four identity queries of an
event, and never serves an identity that changed — sign-out, a suspension, a new role or
a confirmed address are seen by the very next event, here and on other workers."""

from __future__ import annotations

import sqlalchemy as sa

from civo import identity_cache
from civo.models import CommunityRole, User
from civo.models._common import utcnow
from civo.services import accounts, sessions
from tests.unit.conftest import community, make_user


def _count_queries(session):
    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", _count)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", _count)


def test_a_second_event_asks_the_database_nothing(session):
    token = sessions.start(session=session, user_id=make_user(session))
    first = accounts.identify(session=session, token=token)
    seen, stop = _count_queries(session)
    try:
        again = accounts.identify(session=session, token=token)
    finally:
        stop()
    assert again == first and again.actor.signed_in
    assert seen == []


def test_sign_out_is_seen_by_the_next_event(session):
    token = sessions.start(session=session, user_id=make_user(session))
    assert accounts.identify(session=session, token=token).actor.signed_in
    sessions.end(session=session, token=token)
    assert not accounts.identify(session=session, token=token).actor.signed_in


def test_a_suspension_a_role_and_a_confirmation_are_seen_at_once(session):
    user_id = make_user(session, confirmed=False)
    token = sessions.start(session=session, user_id=user_id)
    before = accounts.identify(session=session, token=token).actor
    assert not before.confirmed and not before.admin_of

    session.exec(sa.update(User).where(User.id == user_id).values(email_confirmed_at=utcnow()))
    session.commit()
    assert accounts.identify(session=session, token=token).actor.confirmed

    lyon = community(session, "Lyon")
    session.add(CommunityRole(user_id=user_id, community_id=lyon.id))
    session.commit()
    assert lyon.id in accounts.identify(session=session, token=token).actor.admin_of

    session.exec(sa.update(User).where(User.id == user_id).values(suspended_at=utcnow()))
    session.commit()
    assert not accounts.identify(session=session, token=token).actor.signed_in


def test_a_rolled_back_write_keeps_the_cache(session):
    token = sessions.start(session=session, user_id=make_user(session))
    accounts.identify(session=session, token=token)
    gen = identity_cache.generation()
    session.exec(sa.update(User).values(full_name="Nobody"))
    session.rollback()
    assert identity_cache.generation() == gen


def test_writes_elsewhere_keep_the_cache(session):
    token = sessions.start(session=session, user_id=make_user(session))
    accounts.identify(session=session, token=token)
    gen = identity_cache.generation()
    # A community_id column in another table is not a write to the community table.
    session.exec(sa.text("UPDATE item SET reaction_count = reaction_count WHERE community_id = 0"))
    session.commit()
    assert identity_cache.generation() == gen


def test_another_worker_hearing_of_a_change_forgets(session):
    from civo.state import live

    token = sessions.start(session=session, user_id=make_user(session))
    accounts.identify(session=session, token=token)
    key = sessions.digest(token)
    assert identity_cache.get(key) is not None
    # What the Redis listener does with the note another worker published.
    live.HUB.receive(live.IDENTITY_CHANNEL, live.Note(refresh=True))
    assert identity_cache.get(key) is None


def test_a_local_change_is_announced_once_for_other_workers(session):
    identity_cache.take_remote_change()
    token = sessions.start(session=session, user_id=make_user(session))
    assert identity_cache.take_remote_change() is True
    assert identity_cache.take_remote_change() is False
    accounts.identify(session=session, token=token)  # reading announces nothing
    assert identity_cache.take_remote_change() is False
