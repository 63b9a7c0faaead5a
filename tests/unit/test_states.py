"""State handlers: what a browser event does, called directly (no browser)."""

from __future__ import annotations

import inspect
import re
from datetime import timedelta

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlmodel import select

from civo.models import Follow, User, UserSession
from civo.models._common import utcnow
from civo.services import sessions
from civo.state.account import AccountState
from civo.state.auth import FollowListState, LoginState, RegisterState
from civo.state.base import AppState
from civo.state.communities import DirectoryState
from tests.unit.conftest import community, make_user, place_id, with_session


async def _state(cls):
    root = rx.State(_reflex_internal_init=True)
    return await root.get_state(cls)


def _claim_query(events) -> dict[str, str]:
    """The query of the claim link a sign-in handler sent the browser to."""
    from urllib.parse import parse_qsl, urlsplit

    found = re.search(r"/api/auth/claim\?[^\"'\\]+", str(events))
    assert found, events
    return dict(parse_qsl(urlsplit(found.group(0)).query))


def claimed_session(session, events) -> str:
    """Follow that claim link as the browser would (the claim route's own work): the new
    session's token."""
    token = sessions.claim(session=session, code=_claim_query(events)["code"])
    assert token
    return token


async def _call(state, handler, *args):
    """Run an event handler to completion; return what it yielded or returned."""
    result = getattr(type(state), handler).fn(state, *args)
    out = []
    if inspect.isasyncgen(result):
        async for item in result:
            out.append(item)
    elif inspect.isawaitable(result):
        out.append(await result)
    else:
        out.append(result)
    return [o for o in out if o is not None]


def _count(session, model):
    session.expire_all()
    return session.exec(select(sa.func.count()).select_from(model)).one()


async def test_register_success_signs_in_and_goes_to_welcome(session):
    state = await _state(RegisterState)
    await _call(state, "choose_place", place_id(session, "Paris"))
    assert state.place_label.startswith("Paris (")
    events = await _call(state, "register", {"full_name": "Ana Lopez", "email": "Ana@Example.org",
                                             "password": "a long civic passphrase"})
    assert state.errors == {}
    # The browser goes to collect its HttpOnly cookie, then to the welcome screen.
    assert _claim_query(events)["next"] == "/welcome"
    assert sessions.resolve(session=session, token=claimed_session(session, events)) is not None
    # The password never lands in state.
    assert "a long civic passphrase" not in str(state.dict())


async def test_register_duplicate_email_shows_message_in_french(session):
    make_user(session, email="ana@example.org")
    state = await _state(RegisterState)
    state.lang = "fr"
    state.place_id = place_id(session, "Lyon")
    users = _count(session, User)
    await _call(state, "register", {"full_name": "Ana", "email": "ANA@example.org",
                                    "password": "a long civic passphrase"})
    assert state.errors == {"email": "Un compte existe déjà avec cette adresse e-mail."}
    assert _count(session, UserSession) == 0
    assert _count(session, User) == users


async def test_register_without_a_place_is_refused(session):
    state = await _state(RegisterState)
    await _call(state, "register", {"full_name": "Ana", "email": "ana@example.org",
                                    "password": "a long civic passphrase"})
    assert "home_place" in state.errors
    assert _count(session, User) == 0


async def test_choose_place_ignores_garbage(session):
    state = await _state(RegisterState)
    await _call(state, "choose_place", "1; DROP TABLE place")
    await _call(state, "choose_place", 987654)
    assert state.place_id == 0


async def test_wrong_password_message(session):
    make_user(session)
    state = await _state(LoginState)
    events = await _call(state, "sign_in", {"email": "james@example.org",
                                            "password": "nope nope nope"})
    assert state.error == "Wrong email or password."
    assert "/api/auth/claim" not in str(events)
    assert _count(session, UserSession) == 0


async def test_sign_in_goes_back_to_the_page_that_asked_and_never_elsewhere(session):
    from urllib.parse import urlencode

    from reflex.istate.data import RouterData

    make_user(session)
    state = await _state(LoginState)
    form = {"email": "james@example.org", "password": "correct horse battery"}
    for asked, lands in (("/following", "/following"), ("https://evil.example/", "/"),
                         ("//evil.example", "/"), ("/\\evil.example", "/"), (None, "/")):
        query = "?" + urlencode({"next": asked}) if asked else ""
        state.router = RouterData.from_router_data({"pathname": "/login",
                                                    "asPath": "/login" + query})
        events = await _call(state, "sign_in", form)
        assert _claim_query(events)["next"] == lands
        assert sessions.resolve(session=session, token=claimed_session(session, events))


@pytest.mark.parametrize("token", ["forged-token", "expired", "revoked"])
async def test_invalid_session_token_gives_a_notice_and_is_forgotten(session, token):
    if token == "expired":  # started 25 hours ago: past its 24-hour lifetime
        token = sessions.start(session=session, user_id=make_user(session),
                               now=utcnow() - timedelta(hours=25))
    elif token == "revoked":
        token = sessions.start(session=session, user_id=make_user(session))
        sessions.end(session=session, token=token)
    state = with_session(await _state(AppState), token)
    await _call(state, "init_page")
    assert not state.signed_in
    assert "Please sign in again" in state.session_notice
    # Said once: the next page of this tab does not say it again.
    await _call(state, "dismiss_session_notice")
    await _call(state, "init_page")
    assert state.session_notice == "" and not state.signed_in


async def test_toggle_follow_refuses_anonymous_visitors_with_a_message(session):
    make_user(session)
    follows = _count(session, Follow)
    state = await _state(FollowListState)
    lyon = community(session, "Lyon")
    state.items = [{"id": lyon.id, "is_following": False}]
    events = await _call(state, "toggle_follow", lyon.id)
    assert "Please sign in to continue." in str(events)
    assert _count(session, Follow) == follows


async def test_toggle_follow_cannot_follow_a_private_community_without_access(session):
    """Even if the list named the private council, the service asks the policy."""
    user_id = make_user(session)
    council = community(session, "Conseil de quartier Croix-Rousse")
    state = await _state(FollowListState)
    with_session(state, sessions.start(session=session, user_id=user_id))
    state.items = [{"id": council.id, "is_following": False}]
    events = await _call(state, "toggle_follow", council.id)
    assert "not visible to you" in str(events)
    session.expire_all()
    assert session.exec(select(Follow).where(Follow.user_id == user_id,
                                             Follow.community_id == council.id)).first() is None


async def test_following_page_loads_more_in_order(session, monkeypatch):
    from civo.services import communities as communities_service

    user_id = make_user(session)  # follows Paris, Île-de-France, France, European Union
    monkeypatch.setattr(communities_service, "PAGE_SIZE", 3)
    state = await _state(FollowListState)
    with_session(state, sessions.start(session=session, user_id=user_id))
    await _call(state, "load_following")
    assert [i["name"] for i in state.items] == ["Paris", "Île-de-France", "France"]
    assert state.has_more
    await _call(state, "load_more")
    assert [i["name"] for i in state.items][-1] == "European Union"
    assert not state.has_more


async def test_directory_visit_starts_with_an_empty_search(session):
    state = await _state(DirectoryState)
    await _call(state, "search", "nice")
    assert {i["name"] for i in state.items} == {"Nice", "Métropole Nice Côte d'Azur"}
    await _call(state, "load")  # coming back to the page: the search box is empty again
    assert state.query == "" and len(state.items) == 9


async def test_log_out_everywhere_revokes_every_session(session):
    user_id = make_user(session)
    tokens = [sessions.start(session=session, user_id=user_id) for _ in range(3)]
    state = with_session(await _state(AccountState), tokens[0])
    events = await _call(state, "log_out_everywhere")
    assert all(sessions.resolve(session=session, token=t) is None for t in tokens)
    assert not state.signed_in
    # The browser then passes the route that clears its (now dead) cookie.
    assert "/api/auth/forget?next=%2Flogin" in str(events)


async def test_log_out_ends_this_session_only_and_clears_the_cookie(session):
    user_id = make_user(session)
    mine, other = (sessions.start(session=session, user_id=user_id) for _ in range(2))
    state = with_session(await _state(AppState), mine)
    await _call(state, "init_page")
    assert state.signed_in
    events = await _call(state, "log_out")
    assert sessions.resolve(session=session, token=mine) is None
    assert sessions.resolve(session=session, token=other) == user_id
    assert not state.signed_in and "/api/auth/forget?next=%2F" in str(events)
    await _call(state, "init_page")  # (the cookie is not yet gone: no "session ended")
    assert state.session_notice == ""


@pytest.mark.parametrize(("module", "cls", "rows", "cursor", "fetch"), [
    ("civo.state.profile", "PublicProfileState", "items", "_cursor", "_fetch"),
    ("civo.state.notifications", "NotificationsState", "entries", "_before", "_fetch"),
    ("civo.state.admin.inbox", "InboxState", "entries", "_cursor", "_fetch"),
    ("civo.state.admin.moderation", "ModerationState", "cases", "_cursor", "_fetch"),
    ("civo.state.admin.moderation", "AuditState", "rows", "_cursor", "_fetch"),
    ("civo.state.admin.dashboard", "DashboardState", "communities", "_cursor", "_fetch"),
    ("civo.state.admin.projects", "CommunityProjectsState", "projects", "_cursor", "_fetch"),
    ("civo.state.admin.news", "CommunityNewsState", "posts", "_cursor", "_refresh"),
])
async def test_a_crafted_load_more_never_grows_a_list_past_its_cap(monkeypatch, module, cls,
                                                                   rows, cursor, fetch):
    """The "Load more" button hides at MAX_ITEMS; a browser calling the handler anyway gets
    nothing more either (state stays small)."""
    import importlib

    from civo.state.base import MAX_ITEMS

    state_cls = getattr(importlib.import_module(module), cls)
    fetched = []

    async def fake_fetch(self, *args, **kwargs):
        fetched.append(1)

    monkeypatch.setattr(state_cls, fetch, fake_fetch)
    state = await _state(state_cls)
    setattr(state, cursor, 12345)
    setattr(state, rows, [{"id": n} for n in range(MAX_ITEMS - 1)])
    await _call(state, "load_more")
    assert fetched == [1]  # below the cap, a page more is fetched
    setattr(state, rows, [{"id": n} for n in range(MAX_ITEMS)])
    await _call(state, "load_more")
    assert fetched == [1]
