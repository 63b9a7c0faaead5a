"""Live updates (civo/state/live.py): what a page is told, and what it then re-reads."""

from __future__ import annotations

import json
from collections import deque

from civo.modules.ideas import services as ideas
from civo.services import comments, reactions
from civo.state import live
from civo.state.item import COMMENT_SLOTS, ItemState, slot_name
from tests.unit.conftest import actor, make_user
from tests.unit.test_participation import phase_of
from tests.unit.test_participation_states import _signed_in
from tests.unit.test_states import _call

BODY = ("I live on this street and cross it every morning with two children; the lights "
        "change too fast and the cars turn without looking. See https://example.org/report "
        "for the counts we made last spring. ") * 2


def _idea(session, author):
    phase = phase_of(session, "School extracurricular timings")
    return ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                         title="Safer crossing at the school", body="Lights, please.")


def _consecutive_roots(session, item_id: int, roots: list[int]) -> bool:
    from sqlmodel import select

    from civo.models.participation import Comment

    every = list(session.exec(select(Comment.id).where(Comment.item_id == item_id,
                                                       Comment.depth == 1)
                              .order_by(Comment.created_at, Comment.id)))
    return every[:len(roots)] == roots


def _frame_size(state) -> tuple[set[str], int]:
    """The vars a reply to this event would send, and the size of that frame."""
    delta = state.get_delta()
    names = {name for values in delta.values() for name in values}
    return names, len(json.dumps(delta, default=str))


async def test_load_more_sends_the_next_page_only_and_stays_under_20_kb(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    reader = make_user(session, email="reader@example.org", home="Lyon")
    idea = _idea(session, author)
    people = [make_user(session, email=f"p{i}@example.org", home="Lyon") for i in range(5)]
    for i in range(65):
        root = comments.post(session=session, actor=actor(session, people[i % 5]),
                             item_id=idea.id, body=f"{i}: {BODY}")
        if i % 4 == 0:
            comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                          body=f"reply to {i}: {BODY}", parent_id=root.id)
    state = await _signed_in(ItemState, session, reader)
    state._item_id = idea.id
    await state._reload()
    first = [c["id"] for c in state.comments]
    assert 0 < len([c for c in state.comments if c["depth"] == 1]) <= comments.PAGE_SIZE
    assert _frame_size(state)[1] < 20_000
    state._clean()
    for page in (1, 2):
        await _call(state, "load_more_comments")
        names, size = _frame_size(state)
        # Only the new slot (and whether more remain) travels: not what the page had.
        assert {n.split("_rx_state_")[0] for n in names} <= {slot_name(page), "comments_more"}
        assert size < 20_000, size
        state._clean()
    shown = [c["id"] for c in state._shown()]
    assert shown[:len(first)] == first and len(set(shown)) == len(shown)
    # The threads shown are the oldest ones, none skipped between pages.
    roots = [c["id"] for c in state._shown() if c["depth"] == 1]
    assert _consecutive_roots(session, idea.id, roots)
    assert state.comments_more  # 65 threads: more to come
    while state.comments_more:
        await _call(state, "load_more_comments")
    assert len([c for c in state._shown() if c["depth"] == 1]) == 65


async def test_a_new_comment_is_placed_in_its_thread_with_one_targeted_read(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    reader = make_user(session, email="reader@example.org", home="Lyon")
    idea = _idea(session, author)
    root = comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                         body="first thread")
    second = comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                           body="second thread")
    state = await _signed_in(ItemState, session, reader)
    state._item_id = idea.id
    await state._reload()
    reply = comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                          body="a reply", parent_id=root.id)
    third = comments.post(session=session, actor=actor(session, author), item_id=idea.id,
                          body="third thread")
    state._clean()
    await state._apply_comments(await state._actor(), [reply.id, third.id])
    assert [c["id"] for c in state._shown()] == [root.id, reply.id, second.id, third.id]
    names, _size = _frame_size(state)
    assert {n.split("_rx_state_")[0] for n in names} == {"comments"}
    # Someone else's comment: its raw text never reaches this reader (only what is shown).
    assert all("body" not in c for c in state._shown())
    # An edit replaces the comment where it stands.
    comments.edit(session=session, actor=actor(session, author), comment_id=second.id,
                  body="second thread, edited")
    await state._apply_comments(await state._actor(), [second.id])
    shown = {c["id"]: c for c in state._shown()}
    assert "".join(s["text"] for s in shown[second.id]["segments"]) == "second thread, edited"
    assert len(shown) == 4


async def test_a_reaction_reads_its_counts_once_and_announces_them(session):
    author = make_user(session, email="author@example.org", home="Lyon")
    reader = make_user(session, email="reader@example.org", home="Lyon")
    idea = _idea(session, author)
    reactions.react(session=session, actor=actor(session, author), target_kind="item",
                    target_id=idea.id, emoji="love")
    state = await _signed_in(ItemState, session, reader)
    state._item_id = idea.id
    await state._reload()
    await _call(state, "react", "item", idea.id, "love")
    mine = {r["emoji"]: (r["count"], r["mine"]) for r in state.reactions}
    assert mine["love"] == (2, True)
    counts = live._read_counts(session=session, keys=[f"i{idea.id}", "x1", "i999999"])
    assert counts[f"i{idea.id}"]["love"] == 2 and counts[f"i{idea.id}"]["reactions"] == 2
    assert set(counts) == {f"i{idea.id}"}  # garbage and unknown ids: nothing


def test_a_page_behind_or_from_another_worker_reads_everything_again():
    hub = live.Hub()
    channel = live.item_channel(7)
    start = hub.mark(channel)
    notes = hub._notes.setdefault(channel, deque(maxlen=live.NOTES_KEPT))
    hub.seq += 1
    notes.append((hub.seq, live.Note(comments={3})))
    hub.seq += 1
    notes.append((hub.seq, live.Note(counts={"i7"})))
    seen = hub.since(channel, start)
    assert (seen.everything, seen.comments, seen.item) == (False, {3}, False)
    assert hub.since(channel, seen.mark).comments == set()  # nothing new since
    assert hub.since(channel, "another-worker:1").everything
    assert hub.since(channel, "").everything
    for _ in range(live.NOTES_KEPT + 1):
        hub.seq += 1
        notes.append((hub.seq, live.Note(comments={4})))
    assert hub.since(channel, start).everything  # fell behind what is kept


def test_notes_merge_and_travel_between_workers_as_json():
    note = live.Note(counts={"i1"}, comments={5})
    note.merge(live.Note(counts={"c2"}, item=True))
    channel, back = live.Note.from_json(note.to_json("item-1"))
    assert channel == "item-1"
    assert (back.counts, back.comments, back.item, back.refresh) == ({"i1", "c2"}, {5}, True,
                                                                     False)
    assert back.wants_refresh() and not live.Note(counts={"i1"}).wants_refresh()


def test_there_are_enough_slots_for_every_comment_a_page_may_show():
    from civo.state.base import MAX_ITEMS

    assert COMMENT_SLOTS * comments.PAGE_SIZE >= MAX_ITEMS


def test_a_tab_that_comes_back_hears_only_what_it_may_still_read(session):
    """A reconnect rejoins the channels the page had, each asked of the policy again."""
    from sqlmodel import select

    from civo.models import Community, Membership
    from civo.policy import ANONYMOUS

    private = session.exec(select(Community).where(Community.is_private)).first()
    assert private is not None, "the demo data has a private community"
    member = make_user(session, email="member@example.org")
    session.add(Membership(user_id=member, community_id=private.id))
    session.commit()
    me = make_user(session, email="other@example.org")
    idea = _idea(session, me)
    channels = [live.FEED, live.space_channel(private.id), live.user_channel(member),
                live.user_channel(me), live.item_channel(idea.id), "space-x", "nonsense"]

    as_member = live.may_hear(session=session, actor=actor(session, member), channels=channels)
    assert as_member == {live.FEED, live.space_channel(private.id), live.user_channel(member),
                         live.item_channel(idea.id)}
    # Left the community meanwhile; a visitor now (signed out): less each time.
    session.exec(Membership.__table__.delete().where(Membership.user_id == member))
    session.commit()
    assert live.may_hear(session=session, actor=actor(session, member), channels=channels) == {
        live.FEED, live.user_channel(member), live.item_channel(idea.id)}
    assert live.may_hear(session=session, actor=ANONYMOUS, channels=channels) == {
        live.FEED, live.item_channel(idea.id)}
