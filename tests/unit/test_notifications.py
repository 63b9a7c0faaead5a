"""Notifications: who is told what, settings, the centre, following one, and email — at
once, or as digests (one email, one section per item, nothing missing or repeated)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.models import (
    CommunityRole,
    DigestState,
    Notification,
    NotificationSetting,
    OutboundEmail,
    User,
)
from civo.models._common import utcnow
from civo.models.participation import Item
from civo.services.errors import NotFound
from civo.modules.ideas import services as ideas
from civo import events
from civo.services import (
    admin_projects,
    comments,
    items,
    mail,
    moderation,
    notifications,
    reactions,
)
from tests.conftest import SmtpInbox
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of


@pytest.fixture()
def lyon(session):
    who = {name: make_user(session, email=f"{name}@example.org", home="Lyon",
                           name=f"{name.title()} Lyonnais")
           for name in ("alice", "bruno", "chloe", "admin")}
    session.add(CommunityRole(user_id=who["admin"], community_id=community(session, "Lyon").id))
    session.commit()
    phase = phase_of(session, "School extracurricular timings").id
    return {**{k: actor(session, v) for k, v in who.items()}, "ids": who, "phase": phase}


def _publish_project(session, lyon, title: str) -> None:
    """Lyon's admin publishes a project with an idea box: followers are told."""
    project = admin_projects.create(session=session, actor=lyon["admin"],
                                    community_id=community(session, "Lyon").id,
                                    data={"title": title, "purpose": "p",
                                          "expected_outcome": "o"})
    admin_projects.add_phase(session=session, actor=lyon["admin"], project_id=project.id,
                             data={"title": "Ideas", "module_key": "ideas"})
    admin_projects.publish(session=session, actor=lyon["admin"], project_id=project.id)


def _mine(session, user_id, **where):
    session.expire_all()
    stmt = select(Notification).where(Notification.user_id == user_id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Notification, key) == value)
    return list(session.exec(stmt.order_by(Notification.id)))


def _texts(session, who, locale="en"):
    rows, _ = notifications.page(session=session, actor=who, locale=locale)
    return [n.text for n in rows]


def test_replies_reach_the_author_and_the_replied_to_never_oneself(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Bike racks", body="At every school.")
    # Committed: the live bells to move (exactly who got a notification in app).
    assert events.committed(session) == {notifications.NOTIFIED: {lyon["ids"]["admin"]}}
    first = comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="Yes!")
    pinged = events.committed(session)[notifications.NOTIFIED]
    assert lyon["ids"]["alice"] in pinged
    assert lyon["ids"]["bruno"] not in pinged
    comments.post(session=session, actor=lyon["alice"], item_id=idea.id, body="Thanks",
                  parent_id=first.id)  # Alice answers Bruno: Bruno is told, Alice is not
    comments.post(session=session, actor=lyon["chloe"], item_id=idea.id, body="And me",
                  parent_id=first.id, anonymous=True)
    assert [n.kind for n in _mine(session, lyon["ids"]["alice"])] == ["reply", "reply"]
    assert [n.kind for n in _mine(session, lyon["ids"]["bruno"])] == ["reply", "reply"]
    texts = _texts(session, lyon["alice"])
    assert texts[0].startswith("Anonymous citizen ") and "Chloe" not in texts[0]
    assert texts[1] == "Bruno Lyonnais replied to “Bike racks”."
    assert _texts(session, lyon["alice"], "fr")[1] == "Bruno Lyonnais a répondu à « Bike racks »."


def test_reactions_make_one_unread_notification_per_contribution(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Trees", body="b")
    for who in ("bruno", "chloe"):
        reactions.react(session=session, actor=lyon[who], target_kind="item",
                        target_id=idea.id, emoji="love")
    assert len(_mine(session, lyon["ids"]["alice"], kind="reaction")) == 1
    notifications.mark_read(session=session, actor=lyon["alice"])
    reactions.react(session=session, actor=lyon["admin"], target_kind="item",
                    target_id=idea.id, emoji="agree")
    assert len(_mine(session, lyon["ids"]["alice"], kind="reaction")) == 2


def test_read_by_answered_and_shaped(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Trees", body="b")
    items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
    items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
    ideas.set_status(session=session, actor=lyon["admin"], item_id=idea.id, status="accepted")
    ideas.set_status(session=session, actor=lyon["admin"], item_id=idea.id,
                     status="implemented")
    assert [n.kind for n in _mine(session, lyon["ids"]["alice"])] == \
        ["read", "status", "shaped", "status"]
    assert _texts(session, lyon["alice"])[-1] == "Lyon read your contribution “Trees”."


def test_admins_hear_of_new_contributions_and_reports(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="T", body="b")
    assert [n.kind for n in _mine(session, lyon["ids"]["admin"])] == ["new_contribution"]
    assert _mine(session, lyon["ids"]["bruno"]) == []
    mod_id = make_user(session, email="mod@example.org", home="Nice")
    session.get(User, mod_id).is_moderator = True
    session.commit()
    moderation.flag(session=session, actor=lyon["bruno"], target_kind="item",
                    target_id=idea.id, reason="spam")
    moderation.flag(session=session, actor=lyon["chloe"], target_kind="item",
                    target_id=idea.id, reason="spam")
    assert [n.kind for n in _mine(session, mod_id)] == ["new_flag"]  # the first report only
    assert [n.kind for n in _mine(session, lyon["ids"]["admin"])] == ["new_contribution",
                                                                      "new_flag"]


def test_followers_hear_of_new_projects_following_their_settings(session, lyon):
    quiet = lyon["ids"]["chloe"]
    session.add(NotificationSetting(user_id=quiet, category="followed", in_app=False,
                                    email="off"))
    email_only = lyon["ids"]["bruno"]
    session.add(NotificationSetting(user_id=email_only, category="followed", in_app=False,
                                    email="weekly"))
    session.commit()
    _publish_project(session, lyon, "Parks")
    (alice_note,) = _mine(session, lyon["ids"]["alice"], kind="new_project")
    assert (alice_note.in_app, alice_note.email_state, alice_note.email_frequency) == \
        (True, "pending", "daily")
    assert _mine(session, quiet, kind="new_project") == []
    (bruno_note,) = _mine(session, email_only, kind="new_project")
    assert (bruno_note.in_app, bruno_note.email_frequency) == (False, "weekly")
    assert _mine(session, lyon["ids"]["admin"], kind="new_project") == []  # not one's own
    assert _texts(session, lyon["alice"]) == ["Lyon published a new project: “Parks”."]
    assert notifications.unread_count(session=session, actor=lyon["bruno"]) == 0


def test_the_centre_marks_read_and_follows_to_the_item_or_says_it_is_gone(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="T", body="b")
    comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="One")
    comments.post(session=session, actor=lyon["chloe"], item_id=idea.id, body="Two")
    assert notifications.unread_count(session=session, actor=lyon["alice"]) == 2
    first, second = _mine(session, lyon["ids"]["alice"])
    assert notifications.open_one(session=session, actor=lyon["alice"],
                                  notification_id=first.id) == f"/i/{idea.id}"
    assert notifications.unread_count(session=session, actor=lyon["alice"]) == 1
    with pytest.raises(NotFound):  # someone else's notification does not exist for me
        notifications.open_one(session=session, actor=lyon["bruno"],
                               notification_id=second.id)
    assert notifications.unread_count(session=session, actor=lyon["alice"]) == 1  # untouched
    items.delete(session=session, actor=lyon["alice"], item_id=idea.id)
    assert notifications.open_one(session=session, actor=lyon["alice"],
                                  notification_id=second.id) is None
    notifications.mark_read(session=session, actor=lyon["alice"])
    assert notifications.unread_count(session=session, actor=lyon["alice"]) == 0


def test_settings_keep_the_account_category_on(session, lyon):
    notifications.save_settings(session=session, actor=lyon["alice"], values={
        "account": (False, "off"), "contributions": (True, "immediate"),
        "followed": (False, "weekly")})
    found = {s.category: (s.in_app, s.email, s.locked)
             for s in notifications.settings(session=session, actor=lyon["alice"])}
    assert found == {"account": (True, "immediate", True),
                     "followed": (False, "weekly", False),
                     "contributions": (True, "immediate", False)}
    assert "admin" in {s.category for s in notifications.settings(session=session,
                                                                    actor=lyon["admin"])}


@pytest.fixture()
def inbox():
    server = SmtpInbox().start()
    yield server
    server.stop()


def _deliver(session, inbox, now=None):
    notifications.send_immediate(session=session)
    mail.deliver_due(session=session, transport=mail.Transport("smtp", host="127.0.0.1",
                                                               port=inbox.port), now=now)


def test_a_digest_groups_many_events_by_item_without_dropping_or_repeating(session, lyon,
                                                                          inbox):
    alice_id = lyon["ids"]["alice"]
    session.execute(sa.update(User).where(User.id == alice_id)
                    .values(created_at=utcnow() - timedelta(days=2)))
    session.execute(sa.delete(OutboundEmail))  # the registration emails
    session.commit()
    posted = [ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                            title=f"Idea {n}", body="b") for n in range(3)]
    for idea in posted:
        for who in ("bruno", "chloe", "admin"):
            comments.post(session=session, actor=lyon[who], item_id=idea.id, body="Hm")
            reactions.react(session=session, actor=lyon[who], target_kind="item",
                            target_id=idea.id, emoji="think")
        items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
    pending = _mine(session, alice_id, email_state="pending")
    assert len(pending) == 3 * (3 + 1 + 1)  # replies, one reaction, "read by" per idea
    assert notifications.send_digests(session=session) == 1
    assert notifications.send_digests(session=session) == 0  # nothing twice
    _deliver(session, inbox)
    (digest,) = inbox.to("alice@example.org")
    body = digest.get_content()
    assert digest["Subject"] == "Your daily Civo digest"
    assert [line for line in body.splitlines() if line.startswith("## ")] == \
        ["## Idea 0", "## Idea 1", "## Idea 2"]
    for view in notifications.describe(session, pending, "en"):
        assert view.text in body  # every single event is there
    assert body.count("replied to “Idea 1”") == 3
    assert "List-Unsubscribe" in digest and digest["List-Unsubscribe-Post"]
    assert {n.email_state for n in _mine(session, alice_id)} == {"sent"}
    # A new event waits for the next day's digest.
    comments.post(session=session, actor=lyon["bruno"], item_id=posted[0].id, body="Again")
    assert notifications.send_digests(session=session) == 0
    notifications.send_digests(session=session, now=utcnow() + timedelta(days=1, minutes=1))
    _deliver(session, inbox)
    digests = [m.get_content() for m in inbox.to("alice@example.org")]
    assert len(digests) == 2 and "replied to “Idea 0”" in digests[1]
    assert "Idea 2" not in digests[1]  # only what happened since the first
    assert session.get(DigestState, (alice_id, "daily")) is not None


def test_immediate_emails_and_the_account_category_which_is_always_on(session, lyon, inbox):
    session.execute(sa.delete(OutboundEmail))
    session.commit()
    notifications.save_settings(session=session, actor=lyon["alice"],
                                values={"contributions": (True, "immediate")})
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Crossing", body="b")
    comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="+1")
    _deliver(session, inbox)
    (reply,) = inbox.to("alice@example.org")
    assert reply["Subject"] == "Bruno Lyonnais replied to “Crossing”."
    assert "/n/" in reply.get_content()
    # Account notices come at once even for someone who turned every email off.
    notifications.save_settings(session=session, actor=lyon["bruno"], values={
        c: (False, "off") for c in ("followed", "contributions")})
    flagger = make_user(session, email="flag@example.org", home="Lyon")
    user = session.get(User, flagger)
    user.email_confirmed_at, user.created_at = utcnow(), utcnow() - timedelta(days=9)
    session.commit()
    note = comments.page(session=session, actor=lyon["bruno"], item_id=idea.id).comments[0]
    moderation.flag(session=session, actor=actor(session, flagger), target_kind="comment",
                    target_id=note.id, reason="offensive")
    _deliver(session, inbox)
    (notice,) = inbox.to("bruno@example.org")
    assert "hidden pending review" in notice["Subject"]
    assert notice["Subject"].startswith("Your comment on “")  # not "your contribution"
    assert "List-Unsubscribe" not in notice  # nothing to unsubscribe from


def test_unsubscribing_from_an_email_stops_those_categories(session, lyon, inbox):
    from civo.services import tokens

    token = tokens.make("unsubscribe", {"u": lyon["ids"]["alice"],
                                        "c": ["followed", "account"]})
    assert notifications.unsubscribe(session=session, token=token) == ["followed"]
    found = {s.category: s.email
             for s in notifications.settings(session=session, actor=lyon["alice"])}
    assert found["followed"] == "off" and found["account"] == "immediate"
    with pytest.raises(tokens.InvalidLink):
        notifications.unsubscribe(session=session, token=token + "x")


def _make_private(session, lyon):
    from civo.models import Community
    from civo.services import admin_communities

    row = community(session, "Lyon")
    data = admin_communities.CommunityInput(
        name=row.name, kind=row.kind, place_id=row.place_id, parent_id=row.parent_id,
        description=row.description, brand_color=row.brand_color,
        languages=tuple(x for x in row.languages.split(",") if x), timezone=row.timezone,
        is_private=True)
    admin_communities.update(session=session, actor=lyon["admin"], community_id=row.id,
                             data=data)
    session.expire_all()
    return session.get(Community, row.id)


def test_a_community_made_private_tells_outsiders_nothing_more(session, lyon):
    """Alice followed Lyon while it was public; it becomes private and she is no member."""
    _publish_project(session, lyon, "Secret budget cut")
    assert any("Secret budget cut" in t for t in _texts(session, lyon["alice"]))
    before = community(session, "Lyon").follower_count
    lyon_now = _make_private(session, lyon)
    # Her old notification no longer shows what it was about; her follow is gone.
    alice = actor(session, lyon["ids"]["alice"])
    texts = _texts(session, alice)
    assert texts and not any("Secret" in t or "Lyon" in t for t in texts)
    assert lyon_now.follower_count < before
    # Nor is she told of what happens there now, even through a leftover follow.
    from civo.models import Follow

    session.add(Follow(user_id=lyon["ids"]["alice"], community_id=lyon_now.id))
    session.commit()
    notifications.notify(session, recipients=notifications.followers(lyon_now.id),
                         kind="update", community_id=lyon_now.id)
    session.commit()
    assert _mine(session, lyon["ids"]["alice"], kind="update") == []


def test_a_moderated_contribution_is_no_longer_quoted_to_others(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Something rude", body="b")
    comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="Agreed")
    mine = comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="x")
    comments.post(session=session, actor=lyon["chloe"], item_id=idea.id, body="No",
                  parent_id=mine.id)
    assert any("Something rude" in t for t in _texts(session, lyon["bruno"]))
    session.execute(sa.update(Item).where(Item.id == idea.id).values(moderation="removed"))
    session.commit()
    assert not any("Something rude" in t for t in _texts(session, lyon["bruno"]))
    assert any("Something rude" in t for t in _texts(session, lyon["alice"]))  # hers


def test_switching_email_off_stops_what_was_waiting_and_weekly_moves_it(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["alice"], phase_id=lyon["phase"],
                         title="Trees", body="b")
    comments.post(session=session, actor=lyon["bruno"], item_id=idea.id, body="One")
    assert [n.email_frequency for n in _mine(session, lyon["ids"]["alice"],
                                             email_state="pending")] == ["daily"]
    notifications.save_settings(session=session, actor=lyon["alice"],
                                values={"contributions": (True, "weekly")})
    assert [n.email_frequency for n in _mine(session, lyon["ids"]["alice"],
                                             email_state="pending")] == ["weekly"]
    notifications.save_settings(session=session, actor=lyon["alice"],
                                values={"contributions": (True, "off")})
    assert _mine(session, lyon["ids"]["alice"], email_state="pending") == []


def test_a_full_batch_of_people_not_yet_due_does_not_starve_the_one_who_is(session, lyon):
    idea = ideas.propose(session=session, actor=lyon["chloe"], phase_id=lyon["phase"],
                         title="Benches", body="b")
    for who in ("alice", "bruno"):  # both replied to; only Bruno's digest is due
        mine = ideas.propose(session=session, actor=lyon[who], phase_id=lyon["phase"],
                             title=f"{who} idea", body="b")
        comments.post(session=session, actor=lyon["chloe"], item_id=mine.id, body="Hm")
    session.execute(sa.update(User).where(User.id == lyon["ids"]["bruno"])
                    .values(created_at=utcnow() - timedelta(days=2)))
    session.commit()
    assert idea.id
    assert notifications.send_digests(session=session, batch=1) == 1
    assert _mine(session, lyon["ids"]["bruno"], email_state="sent")
    assert _mine(session, lyon["ids"]["alice"], email_state="sent") == []
