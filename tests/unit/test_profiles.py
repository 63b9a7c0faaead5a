"""Profiles: the public name signs contributions (the full name stays private), bad input
is refused, moving home offers the new place's communities, the public profile lists
named contributions only."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from civo.models import Community, Follow, User
from civo.modules.ideas import services as ideas
from civo.services import images, items, profiles
from civo.services.errors import NotFound, ValidationError
from tests.unit.conftest import actor, make_user, place_id
from tests.unit.test_participation import phase_of

FORM = {"display_name": "Mila from Croix-Rousse", "bio": "Teacher, cyclist.",
        "interests": "cycling, Schools ,  , trees", "birth_year": "1987", "gender": "woman",
        "locale": "fr"}


@pytest.fixture(autouse=True)
def _uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "upload_dir", lambda: tmp_path)
    return tmp_path


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def test_contributions_are_signed_with_the_public_name(session):
    uid = make_user(session, email="mila@example.org", home="Lyon", name="Mila Secretname")
    who = actor(session, uid)
    profiles.save(session=session, actor=who, data=FORM, home_place_id=None)
    user = session.get(User, uid)
    assert (user.display_name, user.interests, user.birth_year, user.gender, user.locale) == \
        ("Mila from Croix-Rousse", "cycling, Schools, trees", 1987, "woman", "fr")
    idea = ideas.propose(session=session, actor=who,
                         phase_id=phase_of(session, "School extracurricular timings").id,
                         title="Bike bus", body="b")
    reader = actor(session, make_user(session, email="r@example.org", home="Lyon"))
    seen = items.view(session=session, actor=reader, item_id=idea.id)
    assert seen.author_name == "Mila from Croix-Rousse"
    assert "Secretname" not in repr(seen)


@pytest.mark.parametrize(("changes", "field"), [
    ({"display_name": "M"}, "display_name"),
    ({"display_name": "x" * 81}, "display_name"),
    ({"bio": "x" * 1001}, "bio"),
    ({"interests": ",".join(f"t{i}" for i in range(11))}, "interests"),
    ({"birth_year": "1850"}, "birth_year"),
    ({"birth_year": str(__import__("datetime").date.today().year)}, "birth_year"),
    ({"gender": "robot"}, "gender"),
    ({"locale": "xx"}, "locale"),
])
def test_bad_profile_input_is_refused_and_changes_nothing(session, changes, field):
    uid = make_user(session, email="mila@example.org", home="Lyon")
    with pytest.raises(ValidationError) as refused:
        profiles.save(session=session, actor=actor(session, uid), data={**FORM, **changes},
                      home_place_id=None)
    assert refused.value.field == field
    session.expire_all()
    assert session.get(User, uid).display_name == "James Martin"


def test_moving_home_offers_the_new_places_communities(session):
    uid = make_user(session, email="mila@example.org", home="Paris")
    who = actor(session, uid)
    saved = profiles.save(session=session, actor=who, data=FORM,
                          home_place_id=place_id(session, "Lyon"))
    offered = {c.name for c in saved.to_follow}
    assert offered == {"Lyon", "Auvergne-Rhône-Alpes"}  # France and the EU: already followed
    assert profiles.follow_all(session=session, actor=who,
                               community_ids=[c.id for c in saved.to_follow]) == 2
    followed = set(session.exec(select(Community.name).join(
        Follow, Follow.community_id == Community.id).where(Follow.user_id == uid)))
    assert {"Lyon", "Auvergne-Rhône-Alpes", "Paris"} <= followed
    unchanged = profiles.save(session=session, actor=who, data=FORM,
                              home_place_id=place_id(session, "Lyon"))
    assert unchanged.to_follow == ()


def test_a_new_picture_replaces_the_old_one_which_is_deleted(session, _uploads):
    uid = make_user(session, email="mila@example.org", home="Lyon")
    who = actor(session, uid)
    first = profiles.accept_image(session=session, actor=who, data=_png())
    profiles.save(session=session, actor=who, data=FORM, home_place_id=None, avatar=first)
    second = profiles.accept_image(session=session, actor=who, data=_png())
    profiles.save(session=session, actor=who, data=FORM, home_place_id=None, avatar=second)
    assert not (_uploads / first).exists() and (_uploads / second).exists()
    other = actor(session, make_user(session, email="o@example.org", home="Lyon"))
    with pytest.raises(ValidationError, match="could not be found"):  # not theirs to use
        profiles.save(session=session, actor=other, data=FORM, home_place_id=None,
                      avatar=second)


def test_the_public_profile_lists_named_contributions_only(session):
    uid = make_user(session, email="mila@example.org", home="Lyon")
    who = actor(session, uid)
    phase = phase_of(session, "School extracurricular timings").id
    ideas.propose(session=session, actor=who, phase_id=phase, title="Named one", body="b")
    ideas.propose(session=session, actor=who, phase_id=phase, title="Secret one", body="b",
                  anonymous=True)
    visitor = actor(session, make_user(session, email="v@example.org", home="Paris"))
    handle = session.get(User, uid).handle
    shown = profiles.public(session=session, actor=visitor, handle=handle)
    assert shown.contributions == 1
    page = profiles.contributions(session=session, actor=visitor, handle=handle)
    assert [c.title for c in page.items] == ["Named one"]
    user = session.get(User, uid)
    user.suspended_at = user.created_at
    session.commit()
    with pytest.raises(NotFound):
        profiles.public(session=session, actor=visitor, handle=handle)
