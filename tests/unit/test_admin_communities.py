"""Running communities: create and edit, archive and delete, access codes, admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import Community, CommunityRole, Membership, User
from civo.models._common import utcnow
from civo.services import admin_communities as admin
from civo.services import communities
from civo.services.admin_communities import CommunityInput
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user, place_id


@pytest.fixture()
def people(session):
    lyon_admin = make_user(session, email="lyon-admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=lyon_admin, community_id=community(session, "Lyon").id))
    platform = make_user(session, email="platform@example.org", home="Paris")
    session.get(User, platform).is_platform_admin = True
    citizen = make_user(session, email="citizen@example.org", home="Lyon")
    session.commit()
    return {"lyon_admin": actor(session, lyon_admin), "platform": actor(session, platform),
            "citizen": actor(session, citizen), "citizen_id": citizen}


def _input(session, name="Conseil de quartier Part-Dieu", parent="Lyon", **more):
    return CommunityInput(name=name, kind="organisation", place_id=place_id(session, "Lyon"),
                          parent_id=community(session, parent).id if parent else None,
                          description="Residents of the Part-Dieu.", **more)


def _count(session, model, *where):
    return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()


def test_a_community_admin_creates_a_sub_community_and_administers_it(session, people):
    created = admin.create(session=session, actor=people["lyon_admin"],
                           data=_input(session, is_private=True, brand_color="#1A5FB4",
                                       languages=("fr", "en", "xx")))
    assert (created.parent_id, created.is_private, created.brand_color, created.languages) == \
        (community(session, "Lyon").id, True, "#1a5fb4", "fr,en")
    assert created.slug == "conseil-de-quartier-part-dieu"
    # Its creator administers it (a fresh actor sees the new grant).
    assert created.id in actor(session, people["lyon_admin"].user_id).admin_of


def test_who_may_create_where(session, people):
    with pytest.raises(PermissionDenied):  # a citizen
        admin.create(session=session, actor=people["citizen"], data=_input(session))
    with pytest.raises(PermissionDenied):  # Lyon's admin under Nice
        admin.create(session=session, actor=people["lyon_admin"],
                     data=_input(session, parent="Nice"))
    with pytest.raises(PermissionDenied):  # Lyon's admin at the top level
        admin.create(session=session, actor=people["lyon_admin"],
                     data=_input(session, parent=None))
    top = admin.create(session=session, actor=people["platform"],
                       data=_input(session, name="Région Bretagne", parent=None))
    assert top.parent_id is None
    assert _count(session, CommunityRole, CommunityRole.community_id == top.id) == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": "   "}, "{label} cannot be empty."),
    ({"name": "x" * 121}, "{label} is too long (at most {n} characters)."),
    ({"kind": "kingdom"}, "Choose a kind."),
    ({"place_id": 999999}, "Choose the place from the list."),
    ({"brand_color": "red"}, "The colour must look like #1a5fb4."),
    ({"timezone": "Mars/Olympus"}, "Unknown time zone."),
    ({"name": "Conseil de quartier Croix-Rousse"},
     "A community with this name already exists here."),
])
def test_bad_community_input_is_refused_and_stores_nothing(session, people, changes, message):
    before = _count(session, Community)
    data = _input(session)
    data = CommunityInput(**{**data.__dict__, **changes})
    with pytest.raises(ValidationError) as refused:
        admin.create(session=session, actor=people["lyon_admin"], data=data)
    assert refused.value.message == message
    assert _count(session, Community) == before


def test_the_same_name_is_fine_under_another_parent(session, people):
    made = admin.create(session=session, actor=people["platform"],
                        data=_input(session, name="Conseil de quartier Croix-Rousse",
                                    parent="Nice"))
    assert made.slug == "conseil-de-quartier-croix-rousse-2"


def test_editing_is_for_the_communitys_admins_and_cannot_make_a_cycle(session, people):
    nice = community(session, "Nice")
    lyon = community(session, "Lyon")
    with pytest.raises(PermissionDenied):
        admin.update(session=session, actor=people["lyon_admin"], community_id=nice.id,
                     data=_input(session, name="Nice", parent=None))
    with pytest.raises(PermissionDenied):
        admin.form(session=session, actor=people["lyon_admin"], community_id=nice.id)
    child = admin.create(session=session, actor=people["platform"], data=_input(session))
    with pytest.raises(ValidationError, match="under itself"):
        admin.update(session=session, actor=people["platform"], community_id=lyon.id,
                     data=CommunityInput(name="Lyon", kind="city",
                                         place_id=place_id(session, "Lyon"), parent_id=child.id))
    admin.update(session=session, actor=people["lyon_admin"], community_id=lyon.id,
                 data=CommunityInput(name="Ville de Lyon", kind="city",
                                     place_id=place_id(session, "Lyon"),
                                     parent_id=community(session, "Auvergne-Rhône-Alpes").id,
                                     description="New text", timezone="Europe/Paris"))
    session.refresh(lyon)
    assert (lyon.name, lyon.slug, lyon.description) == ("Ville de Lyon", "ville-de-lyon",
                                                       "New text")
    # Moving Lyon under Nice needs Nice's admins.
    with pytest.raises(PermissionDenied):
        admin.update(session=session, actor=people["lyon_admin"], community_id=lyon.id,
                     data=CommunityInput(name="Ville de Lyon", kind="city",
                                         place_id=place_id(session, "Lyon"), parent_id=nice.id))


def test_a_community_with_content_is_archived_not_deleted(session, people):
    lyon = community(session, "Lyon")
    assert not admin.form(session=session, actor=people["platform"],
                          community_id=lyon.id).can_delete
    with pytest.raises(ValidationError, match="archive it instead"):
        admin.delete(session=session, actor=people["platform"], community_id=lyon.id)
    with pytest.raises(PermissionDenied):
        admin.delete(session=session, actor=people["lyon_admin"], community_id=lyon.id)
    admin.set_archived(session=session, actor=people["lyon_admin"], community_id=lyon.id,
                       archived=True)
    session.refresh(lyon)
    assert lyon.is_archived
    assert not policy.can(people["citizen"], "community.view", lyon)
    empty = admin.create(session=session, actor=people["platform"],
                         data=_input(session, name="Empty", parent=None))
    admin.delete(session=session, actor=people["platform"], community_id=empty.id)
    assert session.get(Community, empty.id) is None


def test_access_codes_expiry_uses_revocation_and_members(session, people):
    council = community(session, "Conseil de quartier Croix-Rousse")
    council_admin = make_user(session, email="council@example.org", home="Lyon")
    session.add(CommunityRole(user_id=council_admin, community_id=council.id))
    session.commit()
    boss = actor(session, council_admin)
    with pytest.raises(NotFound):  # private and not theirs: it does not exist for them
        admin.new_code(session=session, actor=people["lyon_admin"], community_id=council.id)
    with pytest.raises(ValidationError, match="between"):
        admin.new_code(session=session, actor=boss, community_id=council.id, max_uses="0")
    code = admin.new_code(session=session, actor=boss, community_id=council.id,
                          valid_days="7", max_uses="1")
    assert communities.join_with_code(session=session, actor=people["citizen"], code=code) == \
        council.slug
    other = actor(session, make_user(session, email="other@example.org", home="Lyon"))
    with pytest.raises(ValidationError, match="used up"):
        communities.join_with_code(session=session, actor=other, code=code)
    late = admin.new_code(session=session, actor=boss, community_id=council.id, valid_days="1")
    with pytest.raises(ValidationError, match="expired"):
        communities.join_with_code(session=session, actor=other, code=late,
                                   now=utcnow() + timedelta(days=2))
    rows = admin.codes(session=session, actor=boss, community_id=council.id)
    assert [r.state for r in rows][:2] == ["active", "used_up"]
    admin.revoke_code(session=session, actor=boss, community_id=council.id, code_id=rows[0].id)
    with pytest.raises(ValidationError, match="not valid"):
        communities.join_with_code(session=session, actor=other, code=late)
    with pytest.raises(NotFound):
        admin.revoke_code(session=session, actor=boss, community_id=council.id,
                          code_id=rows[0].id)
    assert admin.form(session=session, actor=boss, community_id=council.id).member_count == \
        _count(session, Membership, Membership.community_id == council.id) == 1


def invite_and_accept(session, inviter, community_id: int, email: str, user_id: int,
                      below: bool = False) -> None:
    """An admin invites ``email``; the person (``user_id``) accepts from the mailed link."""
    import re

    from civo.models.notifications import OutboundEmail
    from civo.services import admin_invitations

    admin_invitations.invite(session=session, actor=inviter, community_id=community_id,
                             email=email, include_descendants=below)
    session.expire_all()
    mail = session.exec(select(OutboundEmail).where(OutboundEmail.kind == "admin_invitation")
                        .order_by(OutboundEmail.id.desc())).first()
    token = re.search(r"/invitation/([\w-]+)", mail.body_text).group(1)
    admin_invitations.accept(session=session, actor=actor(session, user_id), token=token)


def test_admins_are_invited_by_email_and_may_cover_sub_communities(session, people):
    from civo.services import admin_invitations

    lyon = community(session, "Lyon")
    council = community(session, "Conseil de quartier Croix-Rousse")  # under Lyon
    # An address without an account gets an invitation like any other: nothing is told.
    admin_invitations.invite(session=session, actor=people["lyon_admin"],
                             community_id=lyon.id, email="nobody@example.org")
    with pytest.raises(ValidationError, match="valid email"):
        admin_invitations.invite(session=session, actor=people["lyon_admin"],
                                 community_id=lyon.id, email="not an address")
    with pytest.raises(PermissionDenied):
        admin_invitations.invite(session=session, actor=people["citizen"],
                                 community_id=lyon.id, email="citizen@example.org")
    with pytest.raises(PermissionDenied):  # Lyon's admin does not run its sub-communities
        admin_invitations.invite(session=session, actor=people["lyon_admin"],
                                 community_id=lyon.id, email="Citizen@Example.org",
                                 include_descendants=True)
    invite_and_accept(session, people["platform"], lyon.id, "Citizen@Example.org",
                      people["citizen_id"], below=True)
    promoted = actor(session, people["citizen_id"])
    assert {lyon.id, council.id} <= promoted.admin_of
    rows = admin.admins(session=session, actor=people["lyon_admin"], community_id=lyon.id)
    assert {r.name for r in rows} == {"James Martin"} and len(rows) == 2
    assert not any("@" in r.name for r in rows)
    mine = next(r for r in rows if r.include_descendants)
    admin.revoke_admin(session=session, actor=people["platform"], community_id=lyon.id,
                       role_id=mine.role_id)
    assert actor(session, people["citizen_id"]).admin_of == frozenset()


def test_moderators_are_named_by_platform_admins_only(session, people):
    with pytest.raises(PermissionDenied):
        admin.set_moderator(session=session, actor=people["lyon_admin"],
                            email="citizen@example.org")
    admin.set_moderator(session=session, actor=people["platform"], email="citizen@example.org")
    assert actor(session, people["citizen_id"]).is_moderator
    admin.set_moderator(session=session, actor=people["platform"],
                        user_id=people["citizen_id"], on=False)
    assert not actor(session, people["citizen_id"]).is_moderator
