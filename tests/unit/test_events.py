"""Domain events: subscribers act inside the publishing transaction — one set-based
INSERT per event, the live bell of exactly who was told, nothing at all on rollback."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from civo import events
from civo.models import Follow, Notification, OutboundEmail, User
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.services import accounts, notifications
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of


def _count(session, model, *where):
    session.expire_all()
    return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()


def test_nothing_is_told_when_the_action_rolls_back(session):
    author = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    idea = ideas.propose(session=session, actor=author,
                         phase_id=phase_of(session, "School extracurricular timings").id,
                         title="Bike racks", body="At every school.")
    replier = actor(session, make_user(session, email="b@example.org", home="Lyon"))
    events.committed(session)
    before = _count(session, Notification), _count(session, OutboundEmail)
    # What comments.post publishes, then the action fails before its commit.
    item = session.get(Item, idea.id)
    events.publish(session, "comment.created", actor=replier, item=item,
                   comment=type("C", (), {"id": 1})(), replied_to=None)
    events.publish(session, "account.confirmation_needed",
                   user=session.get(User, replier.user_id))
    assert _count(session, Notification) == before[0] + 1  # written, in the transaction
    session.rollback()
    assert (_count(session, Notification), _count(session, OutboundEmail)) == before
    assert events.committed(session) == {}  # no bell moves for what did not happen


def test_one_insert_per_event_however_many_followers(session):
    lyon = community(session, "Lyon")
    people = [make_user(session, email=f"f{i}@example.org", home="Lyon") for i in range(30)]
    assert _count(session, Follow, Follow.community_id == lyon.id) >= 30
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        notifications.on_announcement(session, actor=actor(session, people[0]), item=Item(
            id=None, community_id=lyon.id, module_key="update", kind="update"))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "notification" in inserts[0]
    session.commit()
    assert _count(session, Notification, Notification.kind == "update") >= 29


def test_a_modules_kind_is_sent_by_the_event_it_declares(session):
    author_id = make_user(session, email="a@example.org", home="Lyon")
    idea = ideas.propose(session=session, actor=actor(session, author_id),
                         phase_id=phase_of(session, "School extracurricular timings").id,
                         title="Bike racks", body="At every school.")
    admin_id = make_user(session, email="adm@example.org", home="Lyon")
    from civo.models import CommunityRole

    session.add(CommunityRole(user_id=admin_id, community_id=community(session, "Lyon").id))
    session.commit()
    events.committed(session)
    ideas.set_status(session=session, actor=actor(session, admin_id), item_id=idea.id,
                     status="accepted", answer="Yes")
    kinds = [n.kind for n in session.exec(select(Notification).where(
        Notification.user_id == author_id).order_by(Notification.id))]
    assert kinds[-2:] == ["status", "shaped"]
    assert events.committed(session)[notifications.NOTIFIED] == {author_id}
    texts = [n.text for n in notifications.page(session=session, actor=actor(
        session, author_id), locale="fr")[0]]
    assert any(t.startswith("Lyon a apporté une réponse officielle à votre idée") for t in texts), texts


def test_accounts_send_their_emails_through_events(session):
    user_id = make_user(session, email="new@example.org", home="Lyon", confirmed=False)
    assert _count(session, OutboundEmail, OutboundEmail.user_id == user_id,
                  OutboundEmail.kind == "confirm") == 1
    accounts.request_password_reset(session=session, email="new@example.org")
    assert _count(session, OutboundEmail, OutboundEmail.user_id == user_id,
                  OutboundEmail.kind == "reset") == 1
