"""Issue 17: the holes an attacker's review found, each pinned by a test that failed before
its fix (crafted handler calls, as a websocket client could send them)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.models import CommunityRole
from civo.models.moderation import ModerationLog
from civo.models.participation import Comment, Item
from civo.modules.ideas import services as ideas
from civo.services import announcements, comments, items, sessions
from civo.services.errors import PermissionDenied
from civo.state.item import ItemState
from tests.unit.conftest import actor, community, make_user, with_session
from tests.unit.test_participation import phase_of
from tests.unit.test_states import _call, _state


async def _signed_in(cls, session, user_id):
    state = await _state(cls)
    with_session(state, sessions.start(session=session, user_id=user_id))
    return state


@pytest.fixture()
def lyon(session):
    admin = make_user(session, email="lyon-admin@example.org", home="Lyon", name="Claire D")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    citizen = make_user(session, email="c@example.org", home="Lyon", name="Camille Citizen")
    return {"admin": admin, "citizen": citizen, "community": community(session, "Lyon").id}


# ---- 2. community admins never delete citizens' words silently ---------------------------------


async def test_community_admin_cannot_delete_a_citizens_comment_under_the_news(session, lyon):
    admin = actor(session, lyon["admin"])
    update = announcements.post_update(session=session, actor=admin,
                                       community_id=lyon["community"], title="Works", body="x")
    words = comments.post(session=session, actor=actor(session, lyon["citizen"]),
                          item_id=update.id, body="I disagree with this.")
    own = comments.post(session=session, actor=admin, item_id=update.id, body="Noted.")
    state = await _signed_in(ItemState, session, lyon["admin"])
    state._item_id = update.id
    await _call(state, "delete_comment", words.id)
    assert state.error == "You are not allowed to do that."
    session.expire_all()
    kept = session.get(Comment, words.id)
    assert kept.deleted_at is None and kept.body == "I disagree with this."
    assert session.exec(select(sa.func.count()).select_from(ModerationLog)).one() == 0
    # The service refuses too (not only the handler), and the admin's own words may go.
    with pytest.raises(PermissionDenied):
        comments.delete(session=session, actor=admin, comment_id=words.id)
    await _call(state, "delete_comment", own.id)
    session.expire_all()
    assert session.get(Comment, own.id).deleted_at is not None


async def test_the_news_delete_only_deletes_news(session, lyon):
    admin = actor(session, lyon["admin"])
    update = announcements.post_update(session=session, actor=admin,
                                       community_id=lyon["community"], title="Works", body="x")
    # A citizen's contribution that has lost its phase (a phase row gone, an import): it
    # must not become "the community's news" that its admins may wipe.
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, lyon["citizen"]),
                         phase_id=phase.id, title="My idea", body="My words")
    session.execute(sa.update(Item).where(Item.id == idea.id).values(phase_id=None))
    session.commit()
    state = await _signed_in(ItemState, session, lyon["admin"])
    state._item_id = idea.id
    await _call(state, "delete_item")
    assert state.error == "You are not allowed to do that."
    session.expire_all()
    assert session.get(Item, idea.id).body == "My words"
    assert items.view(session=session, actor=admin, item_id=idea.id).can_delete is False
    # The community's own news: its admins delete it.
    state._item_id = update.id
    state.error = ""
    await _call(state, "delete_item")
    assert state.error == ""
    session.expire_all()
    assert session.get(Item, update.id).deleted_at is not None


# ---- 1. anonymous means anonymous on every moderation and audit page ---------------------------


def _frames(state) -> str:
    """Everything this page's state would send the browser (its full serialised vars)."""
    import json

    return json.dumps(state.dict(), default=str)


def _leaks(frames: str, *, names: tuple[str, ...], tag: str, user_id: int) -> list[str]:
    import re

    found = [n for n in (*names, tag) if n and n.lower() in frames.lower()]
    # The id: a profile link, or any author/user/subject/actor field holding it.
    if f"/u/{user_id}" in frames:
        found.append(f"/u/{user_id}")
    for key in re.findall(r'"([a-z_]*(?:author|user|subject|actor|who)[a-z_]*)": "?'
                          + str(user_id) + r'"?[,}]', frames):
        found.append(key)
    return found


async def test_no_moderation_or_audit_page_names_an_anonymous_author(session):
    from civo.models import User
    from civo.services import moderation
    from civo.state.admin import dashboard, inbox
    from civo.state.admin import moderation as moderation_states
    from tests.unit.test_moderation import _established

    ids = {name: make_user(session, email=f"{name}@example.org", home="Lyon",
                           name=f"{name.title()} Zebulon")
           for name in ("author", "old", "admin", "mod", "platform")}
    user = session.get(User, ids["author"])
    user.display_name = "Quiet Heron"
    session.get(User, ids["mod"]).is_moderator = True
    session.get(User, ids["platform"]).is_platform_admin = True
    session.add(CommunityRole(user_id=ids["admin"], community_id=community(session, "Lyon").id))
    session.commit()
    _established(session, ids["old"])
    who = {name: actor(session, uid) for name, uid in ids.items()}
    phase = phase_of(session, "School extracurricular timings")
    secret = ideas.propose(session=session, actor=who["author"], phase_id=phase.id,
                           title="Anonymous idea", body="b", anonymous=True)
    note = comments.post(session=session, actor=who["author"], item_id=secret.id,
                         body="An anonymous comment", anonymous=True)
    for kind, target in (("item", secret.id), ("comment", note.id)):
        moderation.flag(session=session, actor=who["old"], target_kind=kind,
                        target_id=target, reason="spam")
        moderation.appeal(session=session, actor=who["author"], target_kind=kind,
                          target_id=target, text="Please look again.")
    cases = {c.target_kind: c.id for c in moderation.queue(session=session,
                                                           actor=who["mod"])[0]}
    moderation.warn(session=session, actor=who["mod"], case_id=cases["item"],
                    reason="Mind the code of conduct.")
    moderation.decide(session=session, actor=who["admin"], case_id=cases["comment"],
                      action="remove", reason="Spam.")
    secret_names = ("Author Zebulon", "Quiet Heron")
    tag = items.pseudonym(phase.project_id, ids["author"])
    pages = [(dashboard.DashboardState, None), (inbox.InboxState, None),
             (moderation_states.ModerationState, "open"),
             (moderation_states.ModerationState, "restored"),
             (moderation_states.ModerationState, "removed"),
             (moderation_states.AuditState, None)]
    seen = 0
    for role in ("mod", "admin", "platform"):
        token = sessions.start(session=session, user_id=ids[role])
        for cls, tab in pages:
            state = await _state(cls)
            with_session(state, token)
            await _call(state, "load")
            if tab is not None and not state.denied:
                await _call(state, "set_tab", tab)
            if state.denied:
                continue
            seen += 1
            # The dashboard and the inbox show content as its public page does (with the
            # pseudonym readers see there); the moderation and audit pages not even that.
            public_page = cls in (dashboard.DashboardState, inbox.InboxState)
            leaks = _leaks(_frames(state), names=secret_names, tag="" if public_page else tag,
                           user_id=ids["author"])
            assert not leaks, (role, cls.__name__, tab, leaks)
    assert seen >= 10
    # The log still shows the platform admin every decision, with who decided it.
    log, _ = moderation.audit_log(session=session, actor=who["platform"])
    assert {r.action for r in log} >= {"appeal", "warn", "remove", "auto_hide"}
    assert {r.actor_name for r in log if r.action == "remove"} == {"Admin Zebulon"}


# ---- 6. profiles cannot be walked ---------------------------------------------------------------


async def test_profiles_are_not_walkable_and_public_only_once_something_is_published(session):
    from civo.models import User
    from civo.services import profiles
    from civo.services.errors import NotFound
    from reflex.istate.data import RouterData

    from civo.state.profile import PublicProfileState

    quiet = make_user(session, email="quiet@example.org", home="Lyon", name="Quiet Person")
    poster = make_user(session, email="poster@example.org", home="Lyon", name="Poster Person")
    visitor = actor(session, make_user(session, email="v@example.org", home="Paris"))
    phase = phase_of(session, "School extracurricular timings")
    ideas.propose(session=session, actor=actor(session, quiet), phase_id=phase.id,
                  title="Secret", body="b", anonymous=True)   # anonymous: not "under it"
    ideas.propose(session=session, actor=actor(session, poster), phase_id=phase.id,
                  title="Named", body="b")
    handles = {uid: session.get(User, uid).handle for uid in (quiet, poster)}
    # Handles are random, long, distinct, and say nothing of the id or the name.
    assert all(len(h) >= 10 and not h.isdigit() and str(uid) != h
               for uid, h in handles.items())
    assert len(set(handles.values())) == 2
    # Walking ids finds nobody; a person who never published under their name is not there.
    for uid in (quiet, poster):
        state = await _state(PublicProfileState)
        state.router = RouterData.from_router_data({"query": {"handle": str(uid)},
                                                    "pathname": "/u/[handle]"})
        await _call(state, "load")
        assert state.not_found and state.profile == {}
    with pytest.raises(NotFound):
        profiles.public(session=session, actor=visitor, handle=str(poster))
    with pytest.raises(NotFound):
        profiles.public(session=session, actor=visitor, handle=handles[quiet])
    # Their own profile: its owner sees it (to know what others will see).
    assert profiles.public(session=session, actor=actor(session, quiet),
                           handle=handles[quiet]).contributions == 0
    shown = profiles.public(session=session, actor=visitor, handle=handles[poster])
    assert (shown.display_name, shown.contributions) == ("Poster Person", 1)
    state = await _state(PublicProfileState)
    state.router = RouterData.from_router_data({"query": {"handle": handles[poster]},
                                                "pathname": "/u/[handle]"})
    await _call(state, "load")
    assert not state.not_found and state.profile["name"] == "Poster Person"
    assert len(state.items) == 1
    # A named comment is "something published under it" as well.
    comments.post(session=session, actor=actor(session, quiet),
                  item_id=session.exec(select(Item.id).where(Item.title == "Named")).one(),
                  body="Signed with my name")
    assert profiles.public(session=session, actor=visitor,
                           handle=handles[quiet]).display_name == "Quiet Person"


# ---- 4. cheap hiding and unthrottled registration -----------------------------------------------


def _aged(session, user_id: int, days: float, confirmed: bool = True) -> None:
    from datetime import timedelta

    from civo.models import User
    from civo.models._common import utcnow

    user = session.get(User, user_id)
    user.created_at = utcnow() - timedelta(days=days)
    user.email_confirmed_at = utcnow() if confirmed else None
    session.add(user)
    session.commit()


@pytest.fixture()
def flagged(session):
    from civo.models import User  # noqa: F401

    author = make_user(session, email="author@example.org", home="Lyon")
    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, author), phase_id=phase.id,
                         title="Fine idea", body="Nothing wrong here")
    return idea.id


def _reporter(session, name: str, *, days: float, confirmed: bool = True) -> int:
    uid = make_user(session, email=f"{name}@example.org", home="Lyon", confirmed=confirmed)
    _aged(session, uid, days, confirmed)
    return uid


def _report(session, uid: int, target: int, kind: str = "item") -> bool:
    from civo.services import moderation

    return moderation.flag(session=session, actor=actor(session, uid), target_kind=kind,
                           target_id=target, reason="spam")


def test_unconfirmed_accounts_reports_never_hide_anything(session, flagged):
    from civo.models.moderation import ModerationCase
    from civo.services import moderation

    for n in range(5):
        assert _report(session, _reporter(session, f"sock{n}", days=0, confirmed=False),
                       flagged) is False
    session.expire_all()
    assert session.get(Item, flagged).moderation == "visible"
    case = session.exec(select(ModerationCase)).one()
    # The reports are there for moderators to read, but weigh nothing.
    assert (case.flag_count, case.weight, case.hidden) == (5, 0, False)
    assert moderation.reporter_weight(session, _reporter(session, "x", days=30,
                                                         confirmed=False)) == 0


def test_reports_weigh_by_account_age_and_history(session, flagged):
    from civo.services import moderation

    w = moderation.reporter_weight
    assert w(session, _reporter(session, "new", days=0.1)) == 1
    assert w(session, _reporter(session, "week", days=3)) == 2
    veteran = _reporter(session, "veteran", days=30)
    assert w(session, veteran) == moderation.ESTABLISHED_WEIGHT
    # One brand-new confirmed account does not hide; an account a few days old neither.
    assert _report(session, _reporter(session, "n1", days=0.1), flagged) is False
    assert _report(session, _reporter(session, "d3", days=3), flagged) is True  # 1 + 2
    # History: a false report (restored content) lowers the weight; two make it nothing.
    phase = phase_of(session, "School extracurricular timings")
    author = actor(session, make_user(session, email="a2@example.org", home="Lyon"))
    mod = make_user(session, email="mod@example.org", home="Lyon")
    from civo.models import User

    session.get(User, mod).is_moderator = True
    session.commit()
    for n in range(2):
        target = ideas.propose(session=session, actor=author, phase_id=phase.id,
                               title=f"Good {n}", body="b").id
        _report(session, veteran, target)
        case_id = next(c.id for c in moderation.queue(session=session,
                                                      actor=actor(session, mod))[0]
                       if c.target_id == target)
        moderation.decide(session=session, actor=actor(session, mod), case_id=case_id,
                          action="restore")
        assert w(session, veteran) == (1 if n == 0 else 0)


async def _register_from(session, address: str, n: int):
    from reflex.istate.data import RouterData

    from civo.state.auth import RegisterState
    from tests.unit.conftest import place_id

    state = await _state(RegisterState)
    state.router = RouterData.from_router_data({"pathname": "/register", "ip": address})
    await _call(state, "choose_place", place_id(session, "Paris"))
    await _call(state, "register", {"full_name": f"Sock Puppet {n}",
                                    "email": f"sock{n}-{address.replace(':', '-')}"
                                             "@example.org",
                                    "password": "a long civic passphrase"})
    return state


async def test_registration_is_throttled_per_client_and_per_address_block(session):
    from civo.models import User
    from civo.services import throttle as accounts  # (the registration limits live there)

    def users():
        session.expire_all()
        return session.exec(select(sa.func.count()).select_from(User)).one()

    for n in range(accounts.REGISTRATIONS_PER_CLIENT):
        assert (await _register_from(session, "203.0.113.7", n)).errors == {}
    before = users()
    state = await _register_from(session, "203.0.113.7", 99)
    assert state.errors == {"form": "Too many accounts were created from your connection "
                                    "recently. Please try again in an hour."}
    assert users() == before
    # An IPv6 household is one /64: a new address inside it is the same client.
    for n in range(accounts.REGISTRATIONS_PER_CLIENT):
        assert (await _register_from(session, f"2001:db8:1:2::{n + 1}", n)).errors == {}
    assert (await _register_from(session, "2001:db8:1:2:ffff::9", 7)).errors
    # A whole /24 is one block: spreading over its addresses hits the block's limit.
    made = 0
    for host in range(10, 10 + accounts.REGISTRATIONS_PER_BLOCK + 2):
        if not (await _register_from(session, f"198.51.100.{host}", host)).errors:
            made += 1
    assert made == accounts.REGISTRATIONS_PER_BLOCK
    # Elsewhere, people still register.
    assert (await _register_from(session, "192.0.2.1", 1)).errors == {}


# ---- 3. "grant admin by email" is an invitation, not an identity lookup ------------------------


def _invitation_link(session, address: str) -> str:
    import re

    from civo.models.notifications import OutboundEmail

    session.expire_all()
    mails = session.exec(select(OutboundEmail).where(OutboundEmail.to_address == address,
                                                     OutboundEmail.kind == "admin_invitation")
                         ).all()
    assert len(mails) == 1, mails
    return re.search(r"/invitation/([\w-]+)", mails[0].body_text).group(1)


async def test_inviting_an_admin_reveals_nothing_until_the_person_accepts(session, lyon):
    import json

    from reflex.istate.data import RouterData

    from civo.models import CommunityRole as Role
    from civo.services import admin_invitations
    from civo.services.errors import NotFound, Throttled
    from civo.state.admin.people import CommunityPeopleState

    known = make_user(session, email="known@example.org", home="Paris", name="Known Person")
    stranger = make_user(session, email="stranger@example.org", home="Paris")
    state = await _state(CommunityPeopleState)
    slug = community(session, "Lyon").slug
    state.router = RouterData.from_router_data({"query": {"slug": slug},
                                                "pathname": "/admin/c/[slug]/people"})
    with_session(state, sessions.start(session=session, user_id=lyon["admin"]))
    await _call(state, "load")
    assert state.community.get("name") == "Lyon", (state.error, state.denied)
    answers = []
    for email in ("Known@Example.org", "nobody@example.org"):
        await _call(state, "grant", {"email": email})
        frames = json.dumps(state.dict(), default=str)
        assert "Known Person" not in frames and "known@example.org" not in frames.lower()
        answers.append(state.notice or state.error)
    # The same answer whether or not an account uses the address; no role yet.
    assert answers[0] == answers[1] and "invitation was sent" in answers[0]
    assert {i["email"] for i in state.invitations} == {"k•••@example.org", "n•••@example.org"}
    assert session.exec(select(Role).where(Role.user_id == known)).first() is None
    token = _invitation_link(session, "known@example.org")
    _invitation_link(session, "nobody@example.org")  # the stranger address got one too
    # Someone else holding the link cannot use it; the invited person can, once.
    with pytest.raises(PermissionDenied):
        admin_invitations.accept(session=session, actor=actor(session, stranger), token=token)
    admin_invitations.accept(session=session, actor=actor(session, known), token=token)
    assert lyon["community"] in actor(session, known).admin_of
    with pytest.raises(NotFound):
        admin_invitations.accept(session=session, actor=actor(session, known), token=token)
    # Logged for platform admins: who invited, who accepted.
    session.expire_all()
    actions = [log.action for log in session.exec(select(ModerationLog).order_by(
        ModerationLog.id))]
    assert actions == ["admin_invited", "admin_invited", "admin_accepted"]
    # The other invitation is withdrawn (logged too); its link is then dead.
    await _call(state, "withdraw_invitation", state.invitations[0]["id"])
    assert state.invitations == [] and state.error == ""
    with pytest.raises(NotFound):
        admin_invitations.view(session=session, actor=actor(session, stranger),
                               token=_invitation_link(session, "nobody@example.org"))
    session.expire_all()
    assert session.exec(select(ModerationLog.action).order_by(
        ModerationLog.id.desc())).first() == "admin_uninvited"
    # Rate-limited per inviting admin.
    for n in range(admin_invitations.INVITES_PER_DAY - 2):
        admin_invitations.invite(session=session, actor=actor(session, lyon["admin"]),
                                 community_id=lyon["community"], email=f"p{n}@example.org")
    with pytest.raises(Throttled):
        admin_invitations.invite(session=session, actor=actor(session, lyon["admin"]),
                                 community_id=lyon["community"], email="one@example.org")
    # A citizen cannot invite at all (a crafted event).
    with pytest.raises(PermissionDenied):
        admin_invitations.invite(session=session, actor=actor(session, lyon["citizen"]),
                                 community_id=lyon["community"], email="x@example.org")


async def test_the_invitation_page_shows_the_community_and_accepts_when_signed_in(session,
                                                                                   lyon):
    from reflex.istate.data import RouterData

    from civo.services import admin_invitations
    from civo.state.invitation import InvitationState

    invitee = make_user(session, email="invitee@example.org", home="Paris")
    admin_invitations.invite(session=session, actor=actor(session, lyon["admin"]),
                             community_id=lyon["community"], email="invitee@example.org")
    token = _invitation_link(session, "invitee@example.org")

    async def page(user_id=None, link=token):
        state = await _state(InvitationState)
        state.router = RouterData.from_router_data({"query": {"token": link},
                                                    "pathname": "/invitation/[token]"})
        if user_id:
            with_session(state, sessions.start(session=session, user_id=user_id))
        await _call(state, "load")
        return state

    visitor = await page()
    assert (visitor.outcome, visitor.community) == ("open", "Lyon")
    assert "/login?next=" in str(await _call(visitor, "accept"))
    forged = await page(link="x" * 43)
    assert forged.outcome == "invalid" and forged.message
    mine = await page(invitee)
    await _call(mine, "accept")
    assert mine.outcome == "accepted" and lyon["community"] in actor(session, invitee).admin_of
    assert (await page(invitee)).outcome == "invalid"  # used: the link is spent


# ---- 5. analytics: suppression holds across views and refreshes (differencing) -----------------


@pytest.fixture()
def schoolyards(session):
    """Paris's two-phase project: 12 people in its ideas phase (7 women born 1990, 5 men
    born 1960: every group ≥ 5, so shown), its admin, and its closed debate reopened."""
    from civo.models import Phase, User

    admin = make_user(session, email="paris-admin@example.org", home="Paris")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Paris").id))
    session.commit()
    debate, ideas_phase = (phase_of(session, "Greener schoolyards", 0),
                           phase_of(session, "Greener schoolyards", 1))
    session.execute(sa.update(Phase).where(Phase.id == debate.id).values(status="open"))
    session.commit()

    def person(n: int, *, woman: bool) -> int:
        uid = make_user(session, email=f"s{n}@example.org", home="Paris", name=f"Sam Num{n}")
        user = session.get(User, uid)
        user.birth_year, user.gender = (1990, "woman") if woman else (1960, "man")
        session.commit()
        return uid

    for n in range(12):
        ideas.propose(session=session, actor=actor(session, person(n, woman=n < 7)),
                      phase_id=ideas_phase.id, title=f"Idea {n}", body="b")
    return {"admin": actor(session, admin), "project": debate.project_id,
            "debate": debate.id, "ideas": ideas_phase.id, "person": person}


def _groups(stats) -> dict[str, dict[str, int | None]]:
    return {name: {g.label: g.count for g in getattr(stats, name)}
            for name in ("age", "gender", "places")}


def _view(session, schoolyards, kind: str, scope_id: int):
    from civo.services import analytics

    analytics.clear_cache()   # as if the 10-minute cache had run out (the attacker waits)
    return analytics.stats(session=session, actor=schoolyards["admin"], kind=kind,
                           scope_id=scope_id)


def test_project_and_phase_views_never_differ_by_a_few_people_in_a_group(session,
                                                                           schoolyards):
    from civo.modules.debate import services as debate

    # A named participant (a woman born 1990) takes part in the debate only.
    named = schoolyards["person"](99, woman=True)
    debate.contribute(session=session, actor=actor(session, named),
                      phase_id=schoolyards["debate"], body="My view")
    project = _groups(_view(session, schoolyards, "project", schoolyards["project"]))
    phase = _groups(_view(session, schoolyards, "phase", schoolyards["ideas"]))
    for breakdown, shown in project.items():
        for label, n in shown.items():
            m = phase[breakdown].get(label)
            if n is not None and m is not None:
                assert not 0 < n - m < 5, (breakdown, label, n, m)


def test_a_refresh_never_moves_a_group_by_one_participant(session, schoolyards):
    before = _groups(_view(session, schoolyards, "project", schoolyards["project"]))
    assert before["gender"] == {"woman": 7, "man": 5}
    named = schoolyards["person"](99, woman=True)
    ideas.propose(session=session, actor=actor(session, named), phase_id=schoolyards["ideas"],
                  title="Mine", body="b")
    after = _view(session, schoolyards, "project", schoolyards["project"])
    assert after.participants == 13           # activity figures stay fresh
    assert _groups(after) == before           # the breakdowns wait for more people
    for n in range(4):   # four more (five in all since the release): a new release
        ideas.propose(session=session, actor=actor(session, schoolyards["person"](
            100 + n, woman=False)), phase_id=schoolyards["ideas"], title=f"More {n}",
            body="b")
    later = _groups(_view(session, schoolyards, "project", schoolyards["project"]))
    assert later["gender"] == {"woman": 8, "man": 9}


# ---- extras: /_upload's body is capped before it is read ----------------------------------------


def _asgi_post(app, path: str, chunks: list[bytes], *, length: int | None):
    """POST ``chunks`` to an ASGI app as a server would (streamed); (status, bytes read)."""
    import asyncio

    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers,
             "query_string": b"", "root_path": ""}
    queue = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
             for i, c in enumerate(chunks)]
    sent: list[dict] = []

    async def receive():
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status


def _reading_app(read: list[int]):
    """The upload route's part that matters here: it reads the whole body, then answers."""
    async def app(scope, receive, send):
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ConnectionError("client went away")
            total += len(message.get("body", b""))
            read.append(total)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


def test_upload_bodies_over_the_cap_are_refused_before_being_read():
    from civo.api.limits import UploadSizeLimit

    read: list[int] = []
    app = UploadSizeLimit(_reading_app(read), limit=1000)
    # Announced too big: refused at once, nothing read.
    assert _asgi_post(app, "/_upload", [b"x" * 10] * 3, length=300_000_000) == 413
    assert read == []
    # Chunked (no length): reading stops at the cap, then 413.
    assert _asgi_post(app, "/_upload", [b"x" * 400] * 10, length=None) == 413
    assert max(read) <= 1200
    # A body that lies about its length is counted too.
    read.clear()
    assert _asgi_post(app, "/_upload", [b"x" * 400] * 10, length=500) == 413
    assert max(read) <= 1200
    # Within the cap it goes through; other routes are not touched.
    assert _asgi_post(app, "/_upload", [b"x" * 300] * 3, length=900) == 200
    read.clear()
    assert _asgi_post(app, "/api/v1/communities", [b"x" * 400] * 10, length=None) == 200
    assert read[-1] == 4000
    # And the app's backend is wrapped with it.
    from civo.api.limits import cap_uploads
    from civo.civo import app as civo_app

    assert cap_uploads in civo_app.api_transformer


# ---- extras: reactions and supports are rate-limited per account --------------------------------


async def test_reactions_and_supports_are_rate_limited_per_account(session, lyon):
    from civo.models.participation import Reaction
    from civo.modules.ideas.models import IdeaSupport
    from civo.services import reactions, throttle
    from civo.state.modules.ideas import IdeasState

    phase = phase_of(session, "School extracurricular timings")
    idea = ideas.propose(session=session, actor=actor(session, lyon["admin"]),
                         phase_id=phase.id, title="Idea", body="b")
    citizen = actor(session, lyon["citizen"])
    per_minute = throttle.PER_ACCOUNT[0][1]
    for n in range(per_minute):   # toggling as a script would
        reactions.react(session=session, actor=citizen, target_kind="item",
                        target_id=idea.id, emoji="love" if n % 2 == 0 else "")
    state = await _signed_in(ItemState, session, lyon["citizen"])
    state._item_id = idea.id
    await _call(state, "react", "item", idea.id, "love")
    assert state.error == "You are reacting very fast. Please wait a minute and try again."
    session.expire_all()
    assert session.exec(select(Reaction)).first() is None   # the refused one left nothing
    assert session.get(Item, idea.id).r_love == 0
    # Repeating the same choice changes nothing and costs nothing.
    assert reactions.react(session=session, actor=citizen, target_kind="item",
                           target_id=idea.id, emoji="") is False
    # Another person is not slowed down by this one.
    other = actor(session, make_user(session, email="o@example.org", home="Lyon"))
    assert reactions.react(session=session, actor=other, target_kind="item",
                           target_id=idea.id, emoji="love") is True
    # Supports likewise.
    for n in range(per_minute):
        ideas.set_support(session=session, actor=citizen, item_id=idea.id, on=n % 2 == 0)
    support_state = await _signed_in(IdeasState, session, lyon["citizen"])
    item_state = await support_state.get_state(ItemState)
    item_state._item_id = idea.id
    await _call(support_state, "support", idea.id, True)
    message = "You have changed many supports in a short time. Please wait a minute and try again."
    assert message in (support_state.error, item_state.error)
    session.expire_all()
    assert session.exec(select(IdeaSupport)).first() is None
    assert session.get(Item, idea.id).support_count == 0


# ---- extras: CORS names the deployment's origin instead of reflecting any -----------------------


def test_cors_allows_the_deployments_origin_only(monkeypatch):
    import rxconfig
    from reflex.app import App
    from reflex_base.config import get_config
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    for name in ("CIVO_ALLOWED_ORIGINS", "CIVO_PUBLIC_URL", "REFLEX_DEPLOY_URL"):
        monkeypatch.delenv(name, raising=False)
    assert rxconfig.allowed_origins() == ("http://localhost:3000", "http://127.0.0.1:3000")
    monkeypatch.setenv("CIVO_PUBLIC_URL", "https://civo.example.org/some/path")
    assert rxconfig.allowed_origins() == ("https://civo.example.org",)
    monkeypatch.setenv("CIVO_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443")
    assert rxconfig.allowed_origins() == ("https://a.example", "https://b.example:8443")
    # The app's configuration (as loaded) never reflects an arbitrary origin by default.
    assert "*" not in tuple(get_config().cors_allowed_origins)
    # What the backend answers (Reflex's own CORS wiring, with this configuration).
    monkeypatch.setattr(get_config(), "cors_allowed_origins", ("https://civo.example.org",))
    backend = Starlette(routes=[Route("/x", lambda _r: PlainTextResponse("ok"))])
    App._add_cors(backend)
    client = TestClient(backend)
    evil = client.get("/x", headers={"Origin": "https://evil.example", "Cookie": "a=b"})
    assert "access-control-allow-origin" not in evil.headers
    ours = client.get("/x", headers={"Origin": "https://civo.example.org"})
    assert ours.headers["access-control-allow-origin"] == "https://civo.example.org"
    assert ours.headers["access-control-allow-credentials"] == "true"


async def test_removals_of_anonymous_content_never_name_their_author_in_a_suspension(session):
    """A suspension proposal names a person: made right after the removal of anonymous
    content, it would tie that content to them (the audit log shows both, one after the
    other). Only removals of content signed with their name count toward it."""
    from civo.models import SuspensionProposal, User
    from civo.services import moderation
    from civo.state.admin import moderation as moderation_states
    from tests.unit.test_moderation import _established

    author = make_user(session, email="anon@example.org", home="Lyon", name="Hidden Writer")
    old = make_user(session, email="old@example.org", home="Lyon")
    mod = make_user(session, email="mod@example.org", home="Lyon")
    platform = make_user(session, email="pa@example.org", home="Lyon")
    session.get(User, mod).is_moderator = True
    session.get(User, platform).is_platform_admin = True
    session.commit()
    _established(session, old)
    phase = phase_of(session, "School extracurricular timings")
    for i in range(moderation.REMOVALS_FOR_SUSPENSION + 1):
        target = ideas.propose(session=session, actor=actor(session, author),
                               phase_id=phase.id, title=f"Spam {i}", body="b",
                               anonymous=True).id
        moderation.flag(session=session, actor=actor(session, old), target_kind="item",
                        target_id=target, reason="spam")
        case = next(c.id for c in moderation.queue(session=session, actor=actor(session, mod))[0]
                    if c.target_id == target)
        moderation.decide(session=session, actor=actor(session, mod), case_id=case,
                          action="remove", reason="Spam")
    session.expire_all()
    assert session.exec(select(SuspensionProposal)).first() is None
    state = await _signed_in(moderation_states.AuditState, session, platform)
    await _call(state, "load")
    queue = await _signed_in(moderation_states.ModerationState, session, platform)
    await _call(queue, "load")
    for page in (state, queue):
        assert "Hidden Writer" not in _frames(page)
