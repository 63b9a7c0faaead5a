"""What an independent review of the dashboard found, each pinned by a test."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.models import (
    Community,
    CommunityRole,
    ModerationCase,
    Phase,
    SuspensionProposal,
    User,
)
from civo.models.participation import Item
from civo.modules.ideas import services as ideas
from civo.services import admin_communities, admin_projects, analytics, items, moderation
from civo.services.admin_communities import CommunityInput
from civo.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user, place_id
from tests.unit.test_accounts import _in_parallel
from tests.unit.test_participation import phase_of


def _role(session, email: str, name: str, *, below: bool = False) -> int:
    uid = make_user(session, email=email, home="Lyon")
    session.add(CommunityRole(user_id=uid, community_id=community(session, name).id,
                              include_descendants=below))
    session.commit()
    return uid


def _platform(session) -> int:
    uid = make_user(session, email="platform@example.org", home="Paris")
    session.get(User, uid).is_platform_admin = True
    session.commit()
    return uid


def test_nobody_grants_a_reach_over_sub_communities_they_do_not_have(session):
    lyon = community(session, "Lyon")
    council = community(session, "Conseil de quartier Croix-Rousse")
    plain = actor(session, _role(session, "plain@example.org", "Lyon"))
    wide_id = _role(session, "wide@example.org", "Lyon", below=True)
    from civo.services import admin_invitations
    from tests.unit.test_admin_communities import invite_and_accept

    for email in ("plain@example.org", "wide@example.org"):
        with pytest.raises(PermissionDenied):
            admin_invitations.invite(session=session, actor=plain, community_id=lyon.id,
                                     email=email, include_descendants=True)
    assert council.id not in actor(session, plain.user_id).admin_of
    wide_role = session.exec(select(CommunityRole.id).where(
        CommunityRole.user_id == wide_id)).one()
    with pytest.raises(PermissionDenied):  # nor takes it away from someone who has it
        admin_communities.revoke_admin(session=session, actor=plain, community_id=lyon.id,
                                       role_id=wide_role)
    # Someone who has the reach may pass it on; a platform admin too.
    invite_and_accept(session, actor(session, wide_id), lyon.id, "plain@example.org",
                      plain.user_id, below=True)
    assert council.id in actor(session, plain.user_id).admin_of


def test_a_sub_community_admin_saves_settings_under_a_parent_they_cannot_see(session):
    council = community(session, "Conseil de quartier Croix-Rousse")
    child = Community(name="Atelier vélo", search_name="atelier velo", slug="atelier-velo",
                      kind="organisation", place_id=place_id(session, "Lyon"),
                      parent_id=council.id)
    session.add(child)
    session.commit()
    boss = actor(session, _role(session, "boss@example.org", "Atelier vélo"))
    admin_communities.update(session=session, actor=boss, community_id=child.id,
                             data=CommunityInput(name="Atelier vélo", kind="organisation",
                                                 place_id=place_id(session, "Lyon"),
                                                 parent_id=council.id, description="New"))
    session.refresh(child)
    assert child.description == "New"
    with pytest.raises((PermissionDenied, ValidationError)):  # but cannot move it away
        admin_communities.update(session=session, actor=boss, community_id=child.id,
                                 data=CommunityInput(name="Atelier vélo", kind="organisation",
                                                     place_id=place_id(session, "Lyon"),
                                                     parent_id=None))


def test_the_export_never_ties_anonymous_posts_to_named_ones(session):
    lyon_admin = actor(session, _role(session, "admin@example.org", "Lyon"))
    alice = actor(session, make_user(session, email="alice@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings")
    named = ideas.propose(session=session, actor=alice, phase_id=phase.id, title="Named",
                          body="b")
    hidden = ideas.propose(session=session, actor=alice, phase_id=phase.id, title="Anon",
                           body="b", anonymous=True)
    _name, text = analytics.project_csv(session=session, actor=lyon_admin,
                                        project_id=phase.project_id)
    tags = {row[5]: row[4] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert tags["Named"] != tags["Anon"]
    shown = items.view(session=session, actor=lyon_admin, item_id=hidden.id).author_tag
    assert shown not in tags["Anon"] and shown not in tags["Named"]
    assert named.id != hidden.id


def test_platform_admins_opening_a_contribution_read_it_for_the_community(session):
    platform = actor(session, _platform(session))
    author = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    idea = ideas.propose(session=session, actor=author,
                         phase_id=phase_of(session, "School extracurricular timings").id,
                         title="T", body="b")
    assert items.open_item(session=session, actor=platform, item_id=idea.id) is True
    session.expire_all()
    assert session.get(Item, idea.id).admin_read_at is not None


def test_dashboard_unread_counts_are_capped_per_community(session):
    author = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    lyon_phase = phase_of(session, "School extracurricular timings").id
    nice_phase = phase_of(session, "Noise in the Métropole").id
    for i in range(105):
        ideas.propose(session=session, actor=author, phase_id=lyon_phase, title=f"I{i}",
                      body="b")
    items.create(session=session, actor=author, phase_id=nice_phase, kind="contribution",
                 title="", body="Nice one")
    counts = admin_communities._unread_counts(
        session, [community(session, n).id for n in ("Lyon", "Métropole Nice Côte d'Azur")])
    assert sorted(counts.values()) == [1, 100]


def test_a_dismissed_suspension_is_not_proposed_again_at_once(session):
    platform = actor(session, _platform(session))
    mod_id = make_user(session, email="mod@example.org", home="Lyon")
    session.get(User, mod_id).is_moderator = True
    session.commit()
    mod = actor(session, mod_id)
    spammer = actor(session, make_user(session, email="spam@example.org", home="Lyon"))
    flagger = actor(session, make_user(session, email="flag@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id

    def remove_one(i):
        idea = ideas.propose(session=session, actor=spammer, phase_id=phase,
                             title=f"Spam {i}", body="b")
        moderation.flag(session=session, actor=flagger, target_kind="item",
                        target_id=idea.id, reason="spam")
        case = session.exec(select(ModerationCase).where(
            ModerationCase.target_id == idea.id)).one()
        moderation.decide(session=session, actor=mod, case_id=case.id, action="remove",
                          reason="Spam")

    for i in range(3):
        remove_one(i)
    proposal = session.exec(select(SuspensionProposal)).one()
    moderation.decide_proposal(session=session, actor=platform, proposal_id=proposal.id,
                               suspend=False)
    with pytest.raises(NotFound):
        moderation.decide_proposal(session=session, actor=platform,
                                   proposal_id=proposal.id, suspend=True, reason="x")
    remove_one(3)
    remove_one(4)
    assert session.exec(select(sa.func.count()).select_from(SuspensionProposal)).one() == 1
    remove_one(5)  # three removals since the dismissal
    assert session.exec(select(sa.func.count()).select_from(SuspensionProposal)).one() == 2


def test_after_a_restore_a_new_hide_can_be_appealed(session):
    from datetime import timedelta

    from civo.models._common import utcnow

    mod_id = make_user(session, email="mod@example.org", home="Lyon")
    session.get(User, mod_id).is_moderator = True
    author = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    flaggers = []
    for name in ("f1", "f2"):
        uid = make_user(session, email=f"{name}@example.org", home="Lyon")
        user = session.get(User, uid)
        user.email_confirmed_at, user.created_at = utcnow(), utcnow() - timedelta(days=9)
        flaggers.append(uid)
    session.commit()
    idea = ideas.propose(session=session, actor=author,
                         phase_id=phase_of(session, "School extracurricular timings").id,
                         title="T", body="b")
    flag = lambda uid: moderation.flag(session=session, actor=actor(session, uid),  # noqa
                                       target_kind="item", target_id=idea.id, reason="spam")
    assert flag(flaggers[0]) is True
    moderation.appeal(session=session, actor=author, target_kind="item", target_id=idea.id,
                      text="Please look again")
    case = session.exec(select(ModerationCase)).one()
    moderation.decide(session=session, actor=actor(session, mod_id), case_id=case.id,
                      action="restore")
    assert flag(flaggers[1]) is True  # a new report, a new hide…
    status = moderation.status_for(session=session, actor=author, target_kind="item",
                                   target_id=idea.id)
    assert status.state == "hidden" and status.can_appeal  # …and a new appeal


def test_phases_added_at_once_get_distinct_places(session):
    admin_id = _role(session, "admin@example.org", "Lyon")
    admin = actor(session, admin_id)
    project = admin_projects.create(session=session, actor=admin,
                                    community_id=community(session, "Lyon").id,
                                    data={"title": "P", "purpose": "p",
                                          "expected_outcome": "o"})
    outcomes = _in_parallel(6, admin_projects.add_phase, actor=admin, project_id=project.id,
                            data={"title": "Phase", "module_key": "ideas"})
    assert all(isinstance(o, Phase) for o in outcomes), outcomes  # none lost to the race
    positions = session.exec(select(Phase.position).where(
        Phase.project_id == project.id)).all()
    assert sorted(positions) == list(range(6))
    with pytest.raises(ValidationError):
        admin_projects.move_phase(session=session, actor=admin,
                                  phase_id=session.exec(select(Phase.id).where(
                                      Phase.project_id == project.id)).first(), offset=1.0)


@pytest.mark.parametrize("value", ["²", "١٢", "1" * 40])
def test_odd_digits_get_a_message_not_a_crash(session, value):
    from civo.services import validate
    from civo.state.admin.base import form_id

    assert form_id({"x": value}, "x") == 0
    with pytest.raises(ValidationError):
        validate.whole_number(value, label="Maximum uses", field="max_uses")
    assert CommunityInput.from_form({"place_id": value}).place_id in (None, value)
    with pytest.raises(ValidationError):
        ideas.set_status(session=session, actor=actor(session, _platform(session)),
                         item_id=ideas.propose(
                             session=session,
                             actor=actor(session, make_user(session, email="x@example.org",
                                                            home="Lyon")),
                             phase_id=phase_of(session, "School extracurricular timings").id,
                             title="T", body="b").id,
                         status=["accepted"])
