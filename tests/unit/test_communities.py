"""Hierarchy, directory, community page, following and private communities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from civo import policy
from civo.models import Community, CommunityRole, Follow
from civo.models._common import utcnow
from civo.services import communities, places
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user


def test_place_search_is_accent_and_case_insensitive(session):
    names = [p.name for p in places.search(session, "ile-de")]
    assert names == ["Île-de-France"]
    paris = places.search(session, "paris")
    assert paris[0].name == "Paris"
    assert paris[0].context == "Métropole du Grand Paris, Île-de-France, France, European Union"
    assert places.search(session, "%") == []
    assert places.search(session, "") == []


def test_directory_filters_by_level_and_name_and_paginates_by_keyset(session):
    anon = policy.ANONYMOUS
    regions = communities.directory(session=session, actor=anon, kind="region")
    assert [c.name for c in regions.items] == ["Auvergne-Rhône-Alpes", "Île-de-France"]
    found = communities.directory(session=session, actor=anon, query="cote")
    assert [c.name for c in found.items] == ["Métropole Nice Côte d'Azur"]
    seen, cursor = [], None
    while True:
        page = communities.directory(session=session, actor=anon, cursor=cursor, limit=3)
        seen += [c.name for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    everything = communities.directory(session=session, actor=anon, limit=50)
    assert seen == [c.name for c in everything.items]
    assert len(seen) == len(set(seen)) == 9  # the private council is not listed


def test_private_community_is_invisible_without_access(session):
    council = community(session, "Conseil de quartier Croix-Rousse")
    citizen = actor(session, make_user(session))
    for who in (policy.ANONYMOUS, citizen):
        with pytest.raises(NotFound):
            communities.page(session=session, actor=who, slug=council.slug)
        listed = communities.directory(session=session, actor=who, query="croix")
        assert listed.items == ()
        with pytest.raises(NotFound):
            communities.follow(session=session, actor=who, community_id=council.id)


def test_access_code_lets_a_citizen_join_and_follow(session):
    council = community(session, "Conseil de quartier Croix-Rousse")
    user_id = make_user(session)
    slug = communities.join_with_code(session=session, actor=actor(session, user_id),
                                      code="croi xrou sse7")
    assert slug == council.slug
    member = actor(session, user_id)
    assert council.id in member.member_of
    page = communities.page(session=session, actor=member, slug=council.slug)
    assert page.card.is_following and page.card.name == "Conseil de quartier Croix-Rousse"


def test_wrong_expired_and_used_up_codes_are_refused(session):
    lyon = community(session, "Lyon")
    council = community(session, "Conseil de quartier Croix-Rousse")
    admin_id = make_user(session, email="admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=admin_id, community_id=council.id))
    session.commit()
    admin = actor(session, admin_id)
    citizen = actor(session, make_user(session))
    second = actor(session, make_user(session, email="second@example.org"))
    with pytest.raises(ValidationError, match="not valid"):
        communities.join_with_code(session=session, actor=citizen, code="NOPE-NOPE-NOPE")
    expiring = communities.create_access_code(
        session=session, actor=admin, community_id=council.id,
        expires_at=utcnow() + timedelta(hours=1))
    with pytest.raises(ValidationError, match="expired"):
        communities.join_with_code(session=session, actor=citizen, code=expiring,
                                   now=utcnow() + timedelta(hours=2))
    once = communities.create_access_code(session=session, actor=admin,
                                          community_id=council.id, max_uses=1)
    communities.join_with_code(session=session, actor=citizen, code=once)
    with pytest.raises(ValidationError, match="used up"):
        communities.join_with_code(session=session, actor=second, code=once)
    # Codes are for private communities; an archived one's codes stop working.
    lyon_admin = actor(session, make_user(session, email="ly@example.org", home="Lyon"))
    session.add(CommunityRole(user_id=lyon_admin.user_id, community_id=lyon.id))
    session.commit()
    with pytest.raises(ValidationError, match="only for active private"):
        communities.create_access_code(session=session, actor=actor(session, lyon_admin.user_id),
                                       community_id=lyon.id)
    spare = communities.create_access_code(session=session, actor=admin, community_id=council.id)
    council.is_archived = True
    session.add(council)
    session.commit()
    with pytest.raises(ValidationError, match="not valid"):
        communities.join_with_code(session=session, actor=second, code=spare)
    council.is_archived = False
    session.add(council)
    session.commit()
    # Only admins of the community create codes.
    with pytest.raises(PermissionDenied):
        communities.create_access_code(session=session, actor=citizen, community_id=council.id)
    with pytest.raises(PermissionDenied):
        communities.create_access_code(session=session, actor=admin, community_id=lyon.id)


def test_follow_and_unfollow_keep_the_counter_in_step_with_rows(session):
    lyon = community(session, "Lyon")
    citizen = actor(session, make_user(session, home="Paris"))
    assert communities.follow(session=session, actor=citizen, community_id=lyon.id)
    assert not communities.follow(session=session, actor=citizen, community_id=lyon.id)
    assert communities.unfollow(session=session, actor=citizen, community_id=lyon.id)
    assert not communities.unfollow(session=session, actor=citizen, community_id=lyon.id)
    for c in session.exec(select(Community)).all():
        session.refresh(c)
        rows = len(session.exec(select(Follow).where(Follow.community_id == c.id)).all())
        assert c.follower_count == rows, c.name


def test_anonymous_visitors_cannot_follow(session):
    with pytest.raises(PermissionDenied):
        communities.follow(session=session, actor=policy.ANONYMOUS,
                           community_id=community(session, "Lyon").id)


def test_community_page_shows_parent_chain_and_projects(session):
    page = communities.page(session=session, actor=policy.ANONYMOUS, slug="lyon")
    assert [p.name for p in page.parents] == ["Auvergne-Rhône-Alpes", "France", "European Union"]
    assert [p.title for p in page.projects] == ["School extracurricular timings"]
    assert not page.can_follow
    empty = communities.page(session=session, actor=policy.ANONYMOUS, slug="collectif-velo-lyon")
    assert empty.projects == ()


def test_bad_directory_cursor_is_a_clear_error(session):
    with pytest.raises(ValidationError):
        communities.directory(session=session, actor=policy.ANONYMOUS, cursor="garbage")


def test_timestamps_are_utc_and_aware_on_every_database(session):
    """An expiry given in Paris time means the same instant on SQLite and PostgreSQL."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from civo.models import AccessCode

    council = community(session, "Conseil de quartier Croix-Rousse")
    admin_id = make_user(session, email="admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=admin_id, community_id=council.id))
    session.commit()
    paris_time = (utcnow() + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Paris"))
    code = communities.create_access_code(session=session, actor=actor(session, admin_id),
                                          community_id=council.id, expires_at=paris_time)
    session.expire_all()
    stored = session.exec(select(AccessCode).order_by(AccessCode.id.desc())).first()
    assert stored.expires_at.tzinfo is not None
    assert stored.expires_at == paris_time
    assert stored.expires_at.utcoffset() == timezone.utc.utcoffset(None)
    citizen = actor(session, make_user(session))
    # 59 minutes later the code still opens; 61 minutes later it has expired.
    communities.join_with_code(session=session, actor=citizen, code=code,
                               now=utcnow() + timedelta(minutes=59))
    other = actor(session, make_user(session, email="other@example.org"))
    with pytest.raises(ValidationError, match="expired"):
        communities.join_with_code(session=session, actor=other, code=code,
                                   now=utcnow() + timedelta(minutes=61))
