"""The feed: unread first then latest activity, stable keyset pages, sorts, filters, and the
visitor mix."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from civo import policy
from civo.models import Project
from civo.models._common import utcnow
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.services import comments, feed, items, reactions
from civo.services.errors import PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of


@pytest.fixture()
def world(session):
    """Lyon residents, 25 ideas posted one minute apart in Lyon's idea box."""
    author = actor(session, make_user(session, email="author@example.org", home="Lyon"))
    reader = actor(session, make_user(session, email="reader@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings")
    posted = []
    start = utcnow() - timedelta(hours=2)
    for i in range(25):
        idea = ideas.propose(session=session, actor=author, phase_id=phase.id,
                             title=f"Idea {i}", body="text")
        posted.append(idea.id)
        when = start + timedelta(minutes=i)
        session.execute(sa.update(Item).where(Item.id == idea.id)
                        .values(created_at=when, last_activity_at=when))
    session.commit()
    return {"author": author, "reader": reader, "phase": phase.id, "ids": posted}


def all_pages(session, who, **kw):
    ids, cursor = [], None
    while True:
        page = feed.personal(session=session, actor=who, cursor=cursor, **kw)
        ids += [c.id for c in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def test_unread_first_then_read_each_by_latest_activity(session, world):
    ids = world["ids"]
    for item_id in (ids[24], ids[10], ids[3]):  # read a few, including the newest
        items.open_item(session=session, actor=world["reader"], item_id=item_id)
    order = all_pages(session, world["reader"])
    read = [ids[24], ids[10], ids[3]]
    unread = [i for i in reversed(ids) if i not in read]
    assert order == unread + read
    first = feed.personal(session=session, actor=world["reader"])
    assert all(c.unread for c in first.items)
    # Activity brings an item up within its segment.
    comments.post(session=session, actor=world["author"], item_id=ids[0], body="bump")
    assert all_pages(session, world["reader"])[0] == ids[0]


def test_pages_stay_stable_while_new_items_arrive(session, world):
    first = feed.personal(session=session, actor=world["reader"], limit=10)
    newcomer = ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                             title="Brand new", body="text")
    seen = [c.id for c in first.items]
    cursor = first.next_cursor
    while cursor:
        page = feed.personal(session=session, actor=world["reader"], cursor=cursor, limit=10)
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
    assert sorted(seen) == sorted(world["ids"]) and len(seen) == len(set(seen))
    assert newcomer.id not in seen
    assert feed.new_since(session=session, actor=world["reader"],
                          cursor_or_snapshot=first.next_cursor) == 1
    # The author does not count their own post as new.
    assert feed.new_since(session=session, actor=world["author"],
                          cursor_or_snapshot=first.next_cursor) == 0


def test_unread_count_and_mark_all_read(session, world):
    reader = world["reader"]
    # The reader follows Lyon (25 ideas) plus the seeded demo items elsewhere, if any.
    assert feed.unread_count(session=session, actor=reader) == 25
    items.open_item(session=session, actor=reader, item_id=world["ids"][0])
    assert feed.unread_count(session=session, actor=reader) == 24
    feed.mark_all_read(session=session, actor=reader)
    assert feed.unread_count(session=session, actor=reader) == 0
    assert not any(c.unread for c in feed.personal(session=session, actor=reader).items)
    fresh = ideas.propose(session=session, actor=world["author"], phase_id=world["phase"],
                          title="After", body="text")
    assert feed.unread_count(session=session, actor=reader) == 1
    assert feed.personal(session=session, actor=reader).items[0].id == fresh.id
    assert feed.unread_count(session=session, actor=policy.ANONYMOUS) == 0
    with pytest.raises(PermissionDenied):
        feed.mark_all_read(session=session, actor=policy.ANONYMOUS)


def test_sorts_and_filters(session, world):
    ids, author, reader = world["ids"], world["author"], world["reader"]
    for n, item_id in ((3, ids[5]), (1, ids[7])):
        for i in range(n):
            comments.post(session=session, actor=author, item_id=item_id, body=f"c{i}")
    reactions.react(session=session, actor=reader, target_kind="item", target_id=ids[9],
                    emoji="love")
    assert all_pages(session, reader, sort="comments")[:2] == [ids[5], ids[7]]
    assert all_pages(session, reader, sort="reactions")[0] == ids[9]
    assert all_pages(session, reader, sort="newest") == list(reversed(ids))
    lyon = community(session, "Lyon").id
    assert len(all_pages(session, reader, filters=feed.Filters(community_id=lyon))) == 25
    assert all_pages(session, reader, filters=feed.Filters(module_key="debate")) == []
    assert len(all_pages(session, reader, filters=feed.Filters(status="open"))) == 25
    assert all_pages(session, reader, filters=feed.Filters(status="closed")) == []
    nice = community(session, "Nice").id  # not followed: nothing, not an error
    assert all_pages(session, reader, filters=feed.Filters(community_id=nice)) == []
    with pytest.raises(ValidationError):
        feed.Filters.parse(module_key="nonsense")
    with pytest.raises(ValidationError):
        feed.personal(session=session, actor=reader, sort="random")
    with pytest.raises(ValidationError):
        feed.personal(session=session, actor=reader, cursor="garbage")


def test_feed_shows_only_followed_visible_communities(session, world):
    paris = actor(session, make_user(session, email="p@example.org", home="Paris"))
    assert all_pages(session, paris) == []
    assert feed.unread_count(session=session, actor=paris) == 0
    with pytest.raises(PermissionDenied):
        feed.personal(session=session, actor=policy.ANONYMOUS)


def test_visitor_mix_has_latest_most_commented_and_most_engaged_without_repeats(session, world):
    ids, author, reader = world["ids"], world["author"], world["reader"]
    for i in range(4):
        comments.post(session=session, actor=author, item_id=ids[0], body=f"c{i}")
    for emoji_user in (author, reader):
        reactions.react(session=session, actor=emoji_user, target_kind="item",
                        target_id=ids[1], emoji="agree")
        ideas.set_support(session=session, actor=emoji_user, item_id=ids[1], on=True)
    # a private community's item never shows
    council = community(session, "Conseil de quartier Croix-Rousse")
    project = Project(community_id=council.id, title="Secret", status="open",
                      published_at=utcnow())
    session.add(project)
    session.flush()
    session.add(Item(community_id=council.id, project_id=project.id,
                     phase_id=world["phase"], module_key="ideas", kind="idea",
                     title="Private", body="x", comment_count=99, engagement_count=99))
    session.commit()
    first = feed.visitor(session=session, limit=6)
    got = [c.id for c in first.items]
    assert got[:3] == [ids[24], ids[0], ids[1]]  # latest, most commented, most engaged
    seen, cursor = list(got), first.next_cursor
    while cursor:
        page = feed.visitor(session=session, cursor=cursor, limit=6)
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen))
    assert set(seen) == set(ids)
    assert "Private" not in {c.title for c in first.items}


def test_a_draft_projects_content_never_reaches_a_feed(session, world):
    """Nobody may post in a draft project; rows there (e.g. imported) still stay unlisted."""
    lyon = community(session, "Lyon")
    draft = Project(community_id=lyon.id, title="Draft plan", status="open")
    session.add(draft)
    session.flush()
    from civo.models import Phase

    phase = Phase(project_id=draft.id, title="Ideas", module_key="ideas", status="open")
    session.add(phase)
    session.commit()
    admin = make_user(session, email="lyon-admin@example.org", home="Lyon")
    from civo.models import CommunityRole

    session.add(CommunityRole(user_id=admin, community_id=lyon.id))
    session.commit()
    with pytest.raises(ValidationError, match="closed"):
        ideas.propose(session=session, actor=actor(session, admin), phase_id=phase.id,
                      title="Secret", body="not yet")
    hidden = Item(community_id=lyon.id, project_id=draft.id, phase_id=phase.id,
                  module_key="ideas", kind="idea", title="Secret draft idea", body="x")
    session.add(hidden)
    session.commit()
    reader = world["reader"]
    before = feed.unread_count(session=session, actor=reader)
    assert hidden.id not in all_pages(session, reader)
    assert hidden.id not in [c.id for c in feed.visitor(session=session, limit=20).items]
    assert feed.unread_count(session=session, actor=reader) == before == 25
    assert feed.new_since(session=session, actor=reader,
                          cursor_or_snapshot=(utcnow() - timedelta(days=1)).isoformat()) == 25


def test_open_status_filter_means_open_phase_of_open_project(session, world):
    project = session.get(Project, session.get(Item, world["ids"][0]).project_id)
    assert len(all_pages(session, world["reader"], filters=feed.Filters(status="open"))) == 25
    project.status = "closed"  # the phase itself is still "open"
    session.add(project)
    session.commit()
    assert all_pages(session, world["reader"], filters=feed.Filters(status="open")) == []
    assert len(all_pages(session, world["reader"], filters=feed.Filters(status="closed"))) == 25
