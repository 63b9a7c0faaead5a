"""Moderation: flags, automatic hiding, what authors and readers see, appeals, decisions,
suspension proposals and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.models import (
    CommunityRole,
    Flag,
    ModerationCase,
    ModerationLog,
    ModerationNotice,
    SuspensionProposal,
    User,
)
from civo.models._common import utcnow
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.services import accounts, comments, feed, items, moderation, reactions
from civo.services.errors import PermissionDenied, Throttled, ValidationError
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of


def _established(session, user_id: int) -> None:
    """Confirmed and 8 days old."""
    user = session.get(User, user_id)
    user.email_confirmed_at = utcnow()
    user.created_at = utcnow() - timedelta(days=8)
    session.add(user)
    session.commit()


@pytest.fixture()
def world(session):
    ids = {name: make_user(session, email=f"{name}@example.org", home="Lyon",
                           name=name.title() + " Person")
           for name in ("author", "fresh1", "fresh2", "fresh3", "old", "reader", "admin",
                        "mod")}
    _established(session, ids["old"])
    session.get(User, ids["mod"]).is_moderator = True
    session.add(CommunityRole(user_id=ids["admin"], community_id=community(session, "Lyon").id))
    session.commit()
    who = {name: actor(session, uid) for name, uid in ids.items()}
    phase = phase_of(session, "School extracurricular timings").id
    idea = ideas.propose(session=session, actor=who["author"], phase_id=phase,
                         title="Buy my product", body="Cheap watches at example.org")
    return {**who, "ids": ids, "idea": idea.id, "phase": phase}


def _flag(session, world, who, reason="spam", kind="item", target=None, details=""):
    return moderation.flag(session=session, actor=world[who], target_kind=kind,
                           target_id=target or world["idea"], reason=reason, details=details)


def _state(session, item_id):
    session.expire_all()
    return session.get(Item, item_id).moderation


def test_three_fresh_flags_hide_one_does_not(session, world):
    assert _flag(session, world, "fresh1") is False
    assert _flag(session, world, "fresh1") is False  # one flag per citizen
    assert _state(session, world["idea"]) == "visible"
    assert _flag(session, world, "fresh2", "offensive") is False
    assert _flag(session, world, "fresh3") is True
    assert _state(session, world["idea"]) == "hidden"
    assert session.exec(select(sa.func.count()).select_from(Flag)).one() == 3
    # Hidden: out of the feed and the idea list; readers see no text.
    assert world["idea"] not in [c.id for c in feed.personal(session=session,
                                                              actor=world["reader"]).items]
    seen = items.view(session=session, actor=world["reader"], item_id=world["idea"])
    assert (seen.moderation, seen.title, seen.body, seen.content_shown) == ("hidden", "", "",
                                                                            False)
    assert not seen.can_react and not seen.can_comment
    with pytest.raises(ValidationError, match="hidden pending review"):
        reactions.react(session=session, actor=world["reader"], target_kind="item",
                        target_id=world["idea"], emoji="love")
    # The author sees the text and why; the community's admin and moderators too.
    mine = moderation.status_for(session=session, actor=world["author"], target_kind="item",
                                 target_id=world["idea"])
    assert mine.reasons == ("spam", "offensive") and mine.can_appeal
    assert items.view(session=session, actor=world["author"], item_id=world["idea"]).body
    assert items.view(session=session, actor=world["admin"], item_id=world["idea"]).body
    theirs = moderation.status_for(session=session, actor=world["reader"], target_kind="item",
                                   target_id=world["idea"])
    assert theirs.reasons == () and not theirs.can_flag
    notice = session.exec(select(ModerationNotice)).one()
    assert (notice.user_id, notice.kind) == (world["ids"]["author"], "hidden")


def test_an_established_accounts_flag_hides_at_once(session, world):
    assert _flag(session, world, "old", "offensive") is True
    assert _state(session, world["idea"]) == "hidden"
    case = session.exec(select(ModerationCase)).one()
    assert (case.flag_count, case.weight) == (1, moderation.ESTABLISHED_WEIGHT)
    log = session.exec(select(ModerationLog)).one()
    assert (log.actor_id, log.action) == (None, "auto_hide")


def test_authors_cannot_flag_themselves_and_other_needs_details(session, world):
    with pytest.raises(PermissionDenied):
        _flag(session, world, "author")
    with pytest.raises(ValidationError, match="Choose a reason"):
        _flag(session, world, "reader", reason="boring")
    with pytest.raises(ValidationError, match="cannot be empty"):
        _flag(session, world, "reader", reason="other")
    assert session.exec(select(Flag)).first() is None


def test_flags_are_rate_limited_per_citizen(session, world, monkeypatch):
    monkeypatch.setattr(moderation, "FLAGS_PER_HOUR", 2)
    posted = [ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                            title=f"Idea {i}", body="b").id for i in range(3)]
    _flag(session, world, "reader", target=posted[0])
    _flag(session, world, "reader", target=posted[1])
    with pytest.raises(Throttled):
        _flag(session, world, "reader", target=posted[2])


def test_restore_makes_flags_false_and_the_flagger_no_longer_established(session, world):
    _flag(session, world, "old", "offensive")
    case = session.exec(select(ModerationCase)).one()
    with pytest.raises(PermissionDenied):
        moderation.decide(session=session, actor=world["reader"], case_id=case.id,
                          action="restore")
    moderation.decide(session=session, actor=world["mod"], case_id=case.id, action="restore")
    moderation.decide(session=session, actor=world["mod"], case_id=case.id, action="restore")
    assert _state(session, world["idea"]) == "visible"
    assert session.exec(select(Flag.outcome)).one() == "rejected"
    assert not moderation.is_established(session, world["ids"]["old"])
    assert [n.kind for n in session.exec(select(ModerationNotice).order_by(
        ModerationNotice.id))] == ["hidden", "restored"]
    assert [log.action for log in session.exec(select(ModerationLog).order_by(
        ModerationLog.id))] == ["auto_hide", "restore"]


def test_remove_tells_the_author_why_and_an_appeal_comes_once(session, world):
    for who in ("fresh1", "fresh2", "fresh3"):
        _flag(session, world, who)
    case = session.exec(select(ModerationCase)).one()
    with pytest.raises(ValidationError, match="cannot be empty"):
        moderation.decide(session=session, actor=world["admin"], case_id=case.id,
                          action="remove")
    moderation.decide(session=session, actor=world["admin"], case_id=case.id, action="remove",
                      reason="Advertising is not allowed (code of conduct, rule 4).")
    assert _state(session, world["idea"]) == "removed"
    mine = moderation.status_for(session=session, actor=world["author"], target_kind="item",
                                 target_id=world["idea"])
    assert mine.decision_reason.startswith("Advertising") and mine.can_appeal
    assert moderation.status_for(session=session, actor=world["reader"], target_kind="item",
                                 target_id=world["idea"]).decision_reason == ""
    with pytest.raises(PermissionDenied):
        moderation.appeal(session=session, actor=world["reader"], target_kind="item",
                          target_id=world["idea"], text="Not mine but please")
    moderation.appeal(session=session, actor=world["author"], target_kind="item",
                      target_id=world["idea"], text="It was a joke among neighbours.")
    with pytest.raises(ValidationError, match="already appealed"):
        moderation.appeal(session=session, actor=world["author"], target_kind="item",
                          target_id=world["idea"], text="Again")
    rows, _ = moderation.queue(session=session, actor=world["mod"])
    assert rows[0].appeal_text == "It was a joke among neighbours."
    assert all(flag.outcome == "upheld" for flag in session.exec(select(Flag)))


def test_the_queue_is_scoped_sorted_and_names_no_flagger(session, world):
    light = ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                          title="Light", body="b").id
    _flag(session, world, "fresh1", target=light)
    _flag(session, world, "old", "offensive", details="Insults a neighbour")  # weight 3
    rows, _ = moderation.queue(session=session, actor=world["mod"])
    assert [r.target_id for r in rows] == [world["idea"], light]
    heavy = rows[0]
    assert heavy.reasons == (("offensive", 1),) and heavy.details == ("Insults a neighbour",)
    flagger_names = {"Old Person", "Fresh1 Person", "old@example.org"}
    assert not flagger_names & {heavy.author, *heavy.details, heavy.excerpt}
    # Lyon's admin sees Lyon's cases; Nice's admin none; citizens are refused.
    assert len(moderation.queue(session=session, actor=world["admin"])[0]) == 2
    nice_admin = make_user(session, email="nice@example.org", home="Nice")
    session.add(CommunityRole(user_id=nice_admin, community_id=community(session, "Nice").id))
    session.commit()
    assert moderation.queue(session=session, actor=actor(session, nice_admin))[0] == []
    with pytest.raises(PermissionDenied):
        moderation.decide(session=session, actor=actor(session, nice_admin),
                          case_id=heavy.id, action="restore")
    with pytest.raises(PermissionDenied):
        moderation.queue(session=session, actor=world["reader"])


def test_anonymous_authors_stay_anonymous_to_moderators(session, world):
    secret = ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                           title="Anon", body="b", anonymous=True).id
    _flag(session, world, "old", target=secret)
    row = next(r for r in moderation.queue(session=session, actor=world["mod"])[0]
               if r.target_id == secret)
    assert row.author_kind == "anonymous" and "Author" not in row.author
    log, _ = moderation.audit_log(session=session, actor=world["admin"].__class__(
        user_id=world["ids"]["mod"], is_platform_admin=True))
    assert all(entry.subject_name != "Author Person" for entry in log)


def test_comments_are_flagged_and_hidden_the_same_way(session, world):
    note = comments.post(session=session, actor=world["author"], item_id=world["idea"],
                         body="You are all idiots").id
    comments.post(session=session, actor=world["reader"], item_id=world["idea"], body="Hm")
    _flag(session, world, "old", "offensive", kind="comment", target=note)
    page = comments.page(session=session, actor=world["reader"], item_id=world["idea"])
    hidden = next(c for c in page.comments if c.id == note)
    assert (hidden.moderation, hidden.body, hidden.segments, hidden.can_reply) == (
        "hidden", "", [], False)
    own = next(c for c in comments.page(session=session, actor=world["author"],
                                        item_id=world["idea"]).comments if c.id == note)
    assert own.body == "You are all idiots" and own.flag_reasons == ("offensive",)
    assert own.can_appeal and not own.can_edit
    with pytest.raises(ValidationError, match="reply"):
        comments.post(session=session, actor=world["reader"], item_id=world["idea"],
                      body="Reply", parent_id=note)


def test_three_removals_in_90_days_propose_a_suspension(session, world):
    for i in range(3):
        target = ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                               title=f"Spam {i}", body="b").id
        _flag(session, world, "old", target=target)
        case = session.exec(select(ModerationCase).where(
            ModerationCase.target_id == target)).one()
        moderation.decide(session=session, actor=world["mod"], case_id=case.id,
                          action="remove", reason="Spam")
    proposal = session.exec(select(SuspensionProposal)).one()
    assert (proposal.user_id, proposal.removals) == (world["ids"]["author"], 3)
    platform = accounts.actor_for(session=session, user_id=world["ids"]["mod"]).__class__(
        user_id=world["ids"]["admin"], is_platform_admin=True)
    with pytest.raises(PermissionDenied):
        moderation.proposals(session=session, actor=world["mod"])
    rows = moderation.proposals(session=session, actor=platform)
    assert [(r.user_name, r.removals) for r in rows] == [("Author Person", 3)]
    assert moderation.pending_proposals(session=session, actor=platform) == 1  # the badge
    assert moderation.pending_proposals(session=session, actor=world["mod"]) == 0
    # Only a platform admin decides: a moderator's crafted call changes nothing.
    for who in ("mod", "admin"):  # a moderator, Lyon's admin
        with pytest.raises(PermissionDenied):
            moderation.decide_proposal(session=session, actor=world[who],
                                       proposal_id=proposal.id, suspend=True, reason="x")
    session.expire_all()
    assert session.get(User, world["ids"]["author"]).suspended_at is None
    assert session.get(SuspensionProposal, proposal.id).outcome == ""
    from civo.services import sessions

    token = sessions.start(session=session, user_id=world["ids"]["author"])
    moderation.decide_proposal(session=session, actor=platform, proposal_id=proposal.id,
                               suspend=True, reason="Repeated spam")
    assert sessions.resolve(session=session, token=token) is None
    with pytest.raises(ValidationError, match="suspended"):
        accounts.authenticate(session=session, email="author@example.org",
                              password="correct horse battery")
    log, _ = moderation.audit_log(session=session, actor=platform)
    assert log[0].action == "suspend" and log[0].actor_name == "Admin Person"
    assert log[0].reason == "Repeated spam"
