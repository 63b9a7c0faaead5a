"""Ideas, debates, comments, reactions, supports, favourites, read receipts, anonymity."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import CommunityRole, Membership, Phase, Project
from civo.models._common import utcnow
from civo.models.participation import Comment, ImpactEvent, Item, Reaction
from civo.modules.debate import services as debate
from civo.modules.ideas import services as ideas
from civo.modules.ideas.models import IdeaSupport
from civo.services import comments, favourites, items, reactions
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_accounts import _in_parallel


def _count(session, model, *where) -> int:
    return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()


def phase_of(session, project_title: str, position: int = 0) -> Phase:
    return session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
        Project.title == project_title, Phase.position == position)).one()


@pytest.fixture()
def lyon(session):
    """The Lyon idea box, two Lyon citizens and a Lyon admin."""
    a = make_user(session, email="a@example.org", home="Lyon", name="Alice Arnaud")
    b = make_user(session, email="b@example.org", home="Lyon", name="Bruno Blanc")
    admin = make_user(session, email="admin@example.org", home="Lyon", name="Claire Dubois")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    phase = phase_of(session, "School extracurricular timings")
    return {"a": actor(session, a), "b": actor(session, b), "admin": actor(session, admin),
            "phase": phase.id}


def _idea(session, who, phase, title="Start at 16:30", body="A snack break first.", **kw):
    return ideas.propose(session=session, actor=who, phase_id=phase, title=title, body=body, **kw)


# ---- posting: bad input changes nothing -------------------------------------------------


@pytest.mark.parametrize(("title", "body", "message"), [
    ("", "text", "{label} cannot be empty."),
    ("   ", "text", "{label} cannot be empty."),
    ("x" * 121, "text", "{label} is too long (at most {n} characters)."),
    ("Fine", "", "{label} cannot be empty."),
    ("Fine", "y" * 2001, "{label} is too long (at most {n} characters)."),
])
def test_bad_idea_input_is_refused_and_stores_nothing(session, lyon, title, body, message):
    with pytest.raises(ValidationError) as err:
        _idea(session, lyon["a"], lyon["phase"], title=title, body=body)
    assert err.value.message == message
    assert _count(session, Item) == 0


def test_closed_phase_missing_phase_and_visitors_are_refused(session, lyon):
    phase = session.get(Phase, lyon["phase"])
    phase.status = "closed"
    session.add(phase)
    session.commit()
    with pytest.raises(ValidationError, match="closed"):
        _idea(session, lyon["a"], lyon["phase"])
    with pytest.raises(NotFound):
        _idea(session, lyon["a"], 999_999)
    with pytest.raises(NotFound):
        _idea(session, lyon["a"], "1; DROP TABLE item")
    phase.status = "open"
    session.add(phase)
    session.commit()
    with pytest.raises(PermissionDenied):
        _idea(session, policy.ANONYMOUS, lyon["phase"])
    assert _count(session, Item) == 0


def test_private_community_items_are_invisible_to_outsiders(session, lyon):
    council = community(session, "Conseil de quartier Croix-Rousse")
    project = Project(community_id=council.id, title="Council budget", status="open",
                      published_at=utcnow())
    session.add(project)
    session.flush()
    phase = Phase(project_id=project.id, title="Ideas", module_key="ideas", status="open")
    session.add(phase)
    session.add(Membership(user_id=lyon["b"].user_id, community_id=council.id))
    session.commit()
    member = actor(session, lyon["b"].user_id)
    idea = _idea(session, member, phase.id)
    for outsider in (lyon["a"], policy.ANONYMOUS, lyon["admin"]):
        with pytest.raises(NotFound):
            items.view(session=session, actor=outsider, item_id=idea.id)
        with pytest.raises(NotFound):
            _idea(session, outsider, phase.id)
        with pytest.raises(NotFound):
            reactions.react(session=session, actor=outsider, target_kind="item",
                            target_id=idea.id, emoji="agree")
        with pytest.raises(NotFound):
            comments.page(session=session, actor=outsider, item_id=idea.id)
    assert items.view(session=session, actor=member, item_id=idea.id).title == "Start at 16:30"
    assert _count(session, Reaction) == 0


# ---- supports ------------------------------------------------------------------------


def test_support_is_one_per_citizen_and_counts_follow_rows(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    for _ in range(3):  # double clicks, two tabs
        ideas.set_support(session=session, actor=lyon["b"], item_id=idea.id, on=True)
    ideas.set_support(session=session, actor=lyon["a"], item_id=idea.id, on=True)
    session.refresh(idea)
    assert idea.support_count == 2 == _count(session, IdeaSupport)
    ideas.set_support(session=session, actor=lyon["b"], item_id=idea.id, on=False)
    ideas.set_support(session=session, actor=lyon["b"], item_id=idea.id, on=False)
    session.refresh(idea)
    assert idea.support_count == 1 == _count(session, IdeaSupport)
    with pytest.raises(ValidationError):
        ideas.set_support(session=session, actor=lyon["b"], item_id=idea.id, on="yes")


def test_parallel_supports_from_one_citizen_count_once(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    outcomes = _in_parallel(8, ideas.set_support, actor=lyon["b"], item_id=idea.id, on=True)
    assert sorted(outcomes) == [False] * 7 + [True]  # exactly one call changed something
    session.expire_all()
    assert session.get(Item, idea.id).support_count == 1 == _count(session, IdeaSupport)


def test_debates_have_no_supports(session, lyon):
    phase = phase_of(session, "Noise in the Métropole")
    nice = make_user(session, email="n@example.org", home="Nice")
    post = debate.contribute(session=session, actor=actor(session, nice), phase_id=phase.id,
                             body="Scooters at night.", stance="against")
    with pytest.raises(NotFound):
        ideas.set_support(session=session, actor=lyon["a"], item_id=post.id, on=True)
    with pytest.raises(ValidationError):
        debate.contribute(session=session, actor=actor(session, nice), phase_id=phase.id,
                          body="x", stance="maybe")


# ---- reactions -------------------------------------------------------------------------


def _tally(session, kind, target_id):
    return dict(session.exec(select(Reaction.emoji, sa.func.count()).where(
        Reaction.target_kind == kind, Reaction.target_id == target_id)
        .group_by(Reaction.emoji)).all())


def test_reactions_one_per_citizen_changeable_and_removable(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])

    def react(who, emoji):
        return reactions.react(session=session, actor=who, target_kind="item",
                               target_id=idea.id, emoji=emoji)

    react(lyon["b"], "inspiring")
    react(lyon["b"], "inspiring")
    react(lyon["a"], "agree")
    react(lyon["b"], "love")  # change
    session.refresh(idea)
    assert items.reaction_counts(idea) == {"agree": 1, "inspiring": 0, "love": 1, "think": 0,
                                           "concerned": 0}
    assert idea.reaction_count == 2 == _count(session, Reaction)
    react(lyon["b"], "")  # remove
    session.refresh(idea)
    assert idea.r_love == 0 and idea.reaction_count == 1
    with pytest.raises(ValidationError):
        react(lyon["b"], "angry")
    with pytest.raises(NotFound):
        reactions.react(session=session, actor=lyon["b"], target_kind="user", target_id=1,
                        emoji="agree")
    view = items.view(session=session, actor=lyon["b"], item_id=idea.id)
    assert view.my_reaction == "" and view.reactions["agree"] == 1
    assert not any("user" in k or "who" in k for k in view.__dataclass_fields__ if "react" in k)


def test_parallel_reaction_changes_never_drift_the_counters(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    emojis = ["agree", "inspiring", "love", "think", "concerned", "", "agree", "love"]
    outcomes = []
    for emoji in emojis:  # each round: 6 processes of the same citizen race
        outcomes += _in_parallel(6, reactions.react, actor=lyon["b"], target_kind="item",
                                 target_id=idea.id, emoji=emoji)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    session.expire_all()
    fresh = session.get(Item, idea.id)
    assert _count(session, Reaction) == 1 == fresh.reaction_count
    assert {k: v for k, v in items.reaction_counts(fresh).items() if v} == \
        _tally(session, "item", idea.id) == {"love": 1}


# ---- comments --------------------------------------------------------------------------


def test_threads_go_three_deep_and_replies_survive_a_deleted_parent(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    post = lambda who, body, parent=None: comments.post(  # noqa: E731
        session=session, actor=who, item_id=idea.id, body=body, parent_id=parent)
    c1 = post(lyon["b"], "Level one")
    c2 = post(lyon["a"], "Level two", c1.id)
    c3 = post(lyon["b"], "Level three", c2.id)
    with pytest.raises(ValidationError, match="three levels"):
        post(lyon["a"], "Level four", c3.id)
    comments.delete(session=session, actor=lyon["b"], comment_id=c1.id)
    page = comments.page(session=session, actor=lyon["a"], item_id=idea.id)
    assert [(c.depth, c.deleted, c.body) for c in page.comments] == [
        (1, True, ""), (2, False, "Level two"), (3, False, "Level three")]
    session.refresh(idea)
    assert idea.comment_count == 2 == _count(session, Comment, Comment.deleted_at.is_(None))
    with pytest.raises(PermissionDenied):
        comments.delete(session=session, actor=lyon["b"], comment_id=c2.id)


def test_comments_page_20_threads_at_a_time(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    for i in range(45):
        comments.post(session=session, actor=lyon["b"], item_id=idea.id, body=f"c{i}")
    seen, cursor, pages = [], None, 0
    while True:
        page = comments.page(session=session, actor=lyon["a"], item_id=idea.id, cursor=cursor)
        pages += 1
        seen += [c.body for c in page.comments]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3 and seen == [f"c{i}" for i in range(45)]


def test_edit_window_is_ten_minutes_and_only_for_the_author(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    note = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="tpyo")
    comments.edit(session=session, actor=lyon["b"], comment_id=note.id, body="typo")
    with pytest.raises(PermissionDenied):
        comments.edit(session=session, actor=lyon["a"], comment_id=note.id, body="hijack")
    with pytest.raises(PermissionDenied):
        items.edit(session=session, actor=lyon["b"], item_id=idea.id, body="hijack")
    items.edit(session=session, actor=lyon["a"], item_id=idea.id, body="Better text")
    session.execute(sa.update(Item).values(created_at=utcnow() - timedelta(minutes=11)))
    session.execute(sa.update(Comment).values(created_at=utcnow() - timedelta(minutes=11)))
    session.commit()
    with pytest.raises(ValidationError, match="10 minutes"):
        items.edit(session=session, actor=lyon["a"], item_id=idea.id, body="Too late")
    with pytest.raises(ValidationError, match="10 minutes"):
        comments.edit(session=session, actor=lyon["b"], comment_id=note.id, body="Too late")
    session.refresh(idea)
    assert idea.body == "Better text"


def test_user_text_is_segments_and_links_are_detected(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"],
                 body="<script>alert(1)</script> see https://example.org/a?b=1.")
    view = items.view(session=session, actor=lyon["b"], item_id=idea.id)
    assert view.segments == [
        {"text": "<script>alert(1)</script> see ", "href": ""},
        {"text": "https://example.org/a?b=1", "href": "https://example.org/a?b=1"},
        {"text": ".", "href": ""},
    ]


# ---- read receipts, impact, official status ---------------------------------------------


def test_admin_opening_leaves_a_read_receipt_only_the_author_sees(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    items.open_item(session=session, actor=lyon["b"], item_id=idea.id)
    assert _count(session, ImpactEvent) == 0
    items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
    items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
    assert _count(session, ImpactEvent) == 1
    mine = items.view(session=session, actor=lyon["a"], item_id=idea.id)
    assert mine.read_at is not None and mine.community_name == "Lyon"
    theirs = items.view(session=session, actor=lyon["b"], item_id=idea.id)
    assert theirs.read_at is None


def test_official_status_by_community_admins_and_shaped_decision(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    with pytest.raises(PermissionDenied):
        ideas.set_status(session=session, actor=lyon["b"], item_id=idea.id, status="accepted")
    with pytest.raises(ValidationError):
        ideas.set_status(session=session, actor=lyon["admin"], item_id=idea.id, status="maybe")
    assert _count(session, ImpactEvent) == 0
    ideas.set_status(session=session, actor=lyon["admin"], item_id=idea.id,
                     status="under_consideration", answer="We are looking into it.")
    assert _count(session, ImpactEvent) == 0
    ideas.set_status(session=session, actor=lyon["admin"], item_id=idea.id, status="accepted",
                     answer="Adopted for September.")
    shaped = session.exec(select(ImpactEvent).where(ImpactEvent.kind == "shaped")).one()
    assert shaped.recipient_id == lyon["a"].user_id
    extra = ideas.describe(session=session, actor=lyon["a"], item=idea)
    assert extra["status"] == "accepted" and extra["answer"] == "Adopted for September."
    assert items.view(session=session, actor=lyon["a"], item_id=idea.id).shaped_at is not None


# ---- anonymity -------------------------------------------------------------------------


def test_anonymous_pseudonym_is_stable_in_a_project_and_unlinkable_across(session, lyon):
    first = _idea(session, lyon["a"], lyon["phase"], anonymous=True)
    second = _idea(session, lyon["a"], lyon["phase"], title="Another", anonymous=True)
    paris_phase = phase_of(session, "Greener schoolyards", 1)
    paris = _idea(session, lyon["a"], paris_phase.id, title="Shade", anonymous=True)
    note = comments.post(session=session, actor=lyon["a"], item_id=first.id, body="Me again",
                         anonymous=True)
    for viewer in (lyon["b"], lyon["admin"], policy.ANONYMOUS):
        views = [items.view(session=session, actor=viewer, item_id=i.id)
                 for i in (first, second, paris)]
        assert {v.author_kind for v in views} == {"anonymous"}
        assert {v.author_name for v in views} == {""}
        assert views[0].author_tag == views[1].author_tag != views[2].author_tag
        assert not any(v.is_mine for v in views)
        thread = comments.page(session=session, actor=viewer, item_id=first.id).comments
        assert thread[0].author_tag == views[0].author_tag and thread[0].author_name == ""
        for v in views:
            text = repr(v)
            assert "Alice" not in text and "a@example.org" not in text
            assert str(lyon["a"].user_id) != v.author_tag
    assert note.author_id == lyon["a"].user_id  # moderators can still act on it
    moderator = policy.Actor(user_id=999, is_moderator=True)
    where = items.load(session, moderator, first.id)[1]
    assert policy.can(moderator, "moderation.act", where.community)


def test_named_author_is_shown(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    view = items.view(session=session, actor=lyon["b"], item_id=idea.id)
    assert (view.author_kind, view.author_name) == ("named", "Alice Arnaud")


# ---- favourites ------------------------------------------------------------------------


def test_favourites_are_idempotent_and_listed(session, lyon):
    one = _idea(session, lyon["a"], lyon["phase"])
    two = _idea(session, lyon["a"], lyon["phase"], title="Second")
    for _ in range(2):
        favourites.set_favourite(session=session, actor=lyon["b"], item_id=one.id, on=True)
    favourites.set_favourite(session=session, actor=lyon["b"], item_id=two.id, on=True)
    page = favourites.page(session=session, actor=lyon["b"])
    assert [c.title for c in page.items] == ["Second", "Start at 16:30"]
    favourites.set_favourite(session=session, actor=lyon["b"], item_id=two.id, on=False)
    assert [c.id for c in favourites.page(session=session, actor=lyon["b"]).items] == [one.id]
    with pytest.raises(PermissionDenied):
        favourites.set_favourite(session=session, actor=policy.ANONYMOUS, item_id=one.id, on=True)


# ---- idea order ------------------------------------------------------------------------


def test_open_idea_box_is_shuffled_per_visitor_and_closed_one_by_support(session, lyon):
    made = [_idea(session, lyon["a"], lyon["phase"], title=f"Idea {i}") for i in range(30)]
    for i, idea in enumerate(made[:5]):
        for who in (lyon["a"], lyon["b"])[: 1 + (i % 2)]:
            ideas.set_support(session=session, actor=who, item_id=idea.id, on=True)

    def order(seed):
        ids, cursor = [], None
        while True:
            page, _details = ideas.page(session=session, actor=lyon["b"], phase_id=lyon["phase"],
                                        seed=seed, cursor=cursor)
            ids += [c.id for c in page.items]
            if not page.next_cursor:
                return ids
            cursor = page.next_cursor

    one, again, other = order(11), order(11), order(ideas.visitor_seed("someone-else"))
    assert one == again and sorted(one) == sorted(i.id for i in made)
    assert one != other and one != sorted(one)
    # Not one fixed cycle seen from different starting points: real per-visitor orders.
    turned = other[other.index(one[0]):] + other[:other.index(one[0])]
    assert turned != one
    early = {i.id for i in made[:10]}  # the first posters get no head start
    heads = [order(ideas.visitor_seed(f"v{n}"))[:10] for n in range(20)]
    assert sum(len(early & set(h)) for h in heads) / 20 < 6
    phase = session.get(Phase, lyon["phase"])
    phase.status = "closed"
    session.add(phase)
    session.commit()
    closed = order(11)
    supports = [session.get(Item, i).support_count for i in closed]
    assert supports == sorted(supports, reverse=True) and supports[0] == 2


# ---- review fixes: replies paging, deleted authors, edit races, change reports -----------


def test_every_reply_of_a_busy_thread_can_be_opened(session, lyon):
    from civo.services.comments import REPLIES_SHOWN

    idea = _idea(session, lyon["a"], lyon["phase"])
    root = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="root")
    replies, level_two = [], root.id
    for i in range(45):
        parent = root.id if i % 3 == 0 else level_two  # a mix of depth 2 and depth 3
        replies.append(comments.post(session=session, actor=lyon["a"], item_id=idea.id,
                                     body=f"r{i}", parent_id=parent).id)
        if i % 3 == 0:
            level_two = replies[-1]
    first = comments.page(session=session, actor=lyon["b"], item_id=idea.id)
    shown = [c.id for c in first.comments]
    head = first.comments[0]
    assert head.id == root.id and head.more_replies == 45 - REPLIES_SHOWN
    seen, cursor = set(shown), head.replies_cursor
    while cursor:
        page = comments.replies(session=session, actor=lyon["b"], item_id=idea.id,
                                root_id=root.id, cursor=cursor)
        assert page.comments and not seen & {c.id for c in page.comments}
        seen |= {c.id for c in page.comments}
        cursor = page.next_cursor
    assert seen == {root.id, *replies}
    # Depth-first order keeps every reply under its parent.
    ordered = comments.thread_order(
        [session.get(Comment, i) for i in sorted(seen)])
    position = {c.id: n for n, c in enumerate(ordered)}
    assert all(position[c.parent_id] < position[c.id] for c in ordered if c.parent_id)
    with pytest.raises(NotFound):
        comments.replies(session=session, actor=lyon["b"], item_id=idea.id,
                         root_id=replies[0], cursor=head.replies_cursor)


def test_a_deleted_contribution_names_nobody(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    assert items.delete(session=session, actor=lyon["a"], item_id=idea.id) is True
    assert items.delete(session=session, actor=lyon["a"], item_id=idea.id) is False
    for who in (lyon["b"], lyon["admin"], lyon["a"]):
        seen = items.view(session=session, actor=who, item_id=idea.id)
        assert (seen.author_kind, seen.author_name, seen.body) == ("deleted", "", "")
        assert not seen.is_mine and not seen.can_edit


def test_no_edit_brings_deleted_text_back(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    note = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="first")
    comments.delete(session=session, actor=lyon["b"], comment_id=note.id)
    with pytest.raises(NotFound):
        comments.edit(session=session, actor=lyon["b"], comment_id=note.id, body="back")
    other = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="second")
    items.delete(session=session, actor=lyon["a"], item_id=idea.id)
    with pytest.raises(ValidationError, match="deleted"):
        comments.edit(session=session, actor=lyon["b"], comment_id=other.id, body="edit")
    with pytest.raises(NotFound):
        items.edit(session=session, actor=lyon["a"], item_id=idea.id, body="resurrect")
    session.expire_all()
    assert session.get(Item, idea.id).body == "" and session.get(Comment, note.id).body == ""
    page = comments.page(session=session, actor=lyon["admin"], item_id=idea.id)
    assert [c.body for c in page.comments if c.deleted] == [""]


def test_comment_edits_stop_when_the_phase_closes(session, lyon):
    idea = _idea(session, lyon["a"], lyon["phase"])
    note = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="tpyo")
    phase = session.get(Phase, lyon["phase"])
    phase.status = "closed"
    session.add(phase)
    session.commit()
    assert not comments.page(session=session, actor=lyon["b"], item_id=idea.id) \
        .comments[0].can_edit
    with pytest.raises(ValidationError, match="closed"):
        comments.edit(session=session, actor=lyon["b"], comment_id=note.id, body="typo")


def test_only_authors_delete_moderators_remove_with_a_reason(session, lyon):
    """A moderator cannot silently delete someone's comment: removal goes through the
    moderation queue, which tells the author why and leaves a log."""
    from civo.models import User

    idea = _idea(session, lyon["a"], lyon["phase"])
    note = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="rude")
    mod_id = make_user(session, email="mod@example.org", home="Lyon", name="Mo Derator")
    session.get(User, mod_id).is_moderator = True
    session.commit()
    moderator = actor(session, mod_id)
    views = {who: comments.page(session=session, actor=lyon[who] if who in lyon else moderator,
                                item_id=idea.id).comments[0].can_delete
             for who in ("a", "b", "moderator")}
    assert views == {"a": False, "b": True, "moderator": False}
    with pytest.raises(PermissionDenied):
        comments.delete(session=session, actor=moderator, comment_id=note.id)
    with pytest.raises(PermissionDenied):
        items.delete(session=session, actor=moderator, item_id=idea.id)


def test_repeated_actions_report_no_change(session, lyon):
    """Handlers tell other browsers only about real changes (no reload storms)."""
    idea = _idea(session, lyon["a"], lyon["phase"])
    react = lambda e: reactions.react(session=session, actor=lyon["b"],  # noqa: E731
                                      target_kind="item", target_id=idea.id, emoji=e)
    assert [react("love"), react("love"), react("agree"), react(""), react("")] == \
        [True, False, True, True, False]
    support = lambda on: ideas.set_support(session=session, actor=lyon["b"],  # noqa: E731
                                           item_id=idea.id, on=on)
    assert [support(True), support(True), support(False), support(False)] == \
        [True, False, True, False]
    opened = [items.open_item(session=session, actor=lyon["admin"], item_id=idea.id)
              for _ in range(2)]
    assert opened == [True, False]
    assert items.open_item(session=session, actor=lyon["b"], item_id=idea.id) is False


def test_comments_under_moderated_content_cannot_be_edited_either(session, lyon):
    """Posting under hidden or removed content is refused; editing there is too."""
    idea = _idea(session, lyon["a"], lyon["phase"])
    note = comments.post(session=session, actor=lyon["b"], item_id=idea.id, body="tpyo")
    for state, why in (("hidden", "hidden pending review"), ("removed", "removed")):
        session.execute(sa.update(Item).where(Item.id == idea.id).values(moderation=state))
        session.commit()
        with pytest.raises(ValidationError, match=why):
            comments.edit(session=session, actor=lyon["b"], comment_id=note.id, body="typo")
    session.expire_all()
    assert session.get(Comment, note.id).body == "tpyo"
