"""A hand-made Socket.IO client calls privileged handlers directly, as any browser could:
without a valid session it changes nothing and reads nothing private."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import uuid

import socketio
import sqlalchemy as sa
from sqlmodel import Session, select

from civo.db import make_engine
from civo.models import Community, Follow, User, UserSession
from civo.services import sessions
from civo.state.account import AccountState
from civo.state.auth import FollowListState, RegisterState
from civo.state.base import AppState
from civo.state.communities import CommunityState, DirectoryState
from tests.conftest import TEST_DB_URL

CITIZEN = "citizen@demo.civo.example"


def _snapshot(engine) -> tuple:
    with Session(engine) as s:
        return (
            s.exec(select(sa.func.count()).select_from(Follow)).one(),
            s.exec(select(sa.func.count()).select_from(User)).one(),
            tuple(s.exec(select(Community.follower_count).order_by(Community.id)).all()),
            s.exec(select(sa.func.count()).select_from(UserSession)
                   .where(UserSession.revoked_at.is_(None))).one(),
        )


def _on_page(slug: str) -> dict:
    """Router data of a community page (Reflex reads route params from ``query``)."""
    return {"pathname": f"/c/{slug}", "query": {"slug": slug}}


def session_cookie(backend_url: str, user_id: int) -> str:
    """A session cookie got the way a browser gets one: the claim code a sign-in handler
    makes once the password is checked, exchanged at the backend's /api/auth/claim."""
    import httpx

    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        code = sessions.begin(session=s, user_id=user_id)
    engine.dispose()
    response = httpx.get(f"{backend_url}/api/auth/claim", params={"code": code})
    assert response.status_code == 303, response.text
    return response.cookies["civo_session"]


async def _attack(backend_url: str, events: list[tuple], *,
                  cookie: str | None = None) -> list[str]:
    """Send events over a raw Socket.IO connection; return every message received.
    ``cookie``: the session token the handshake carries (as a browser's would)."""
    received: list[str] = []
    client = socketio.AsyncClient()
    client.on("event", lambda data: received.append(json.dumps(data)), namespace="/_event")
    headers = {"Cookie": f"civo_session={cookie}"} if cookie is not None else {}
    await client.connect(f"{backend_url}?token={uuid.uuid4()}", namespaces=["/_event"],
                         socketio_path="/_event", transports=["websocket"], headers=headers)
    try:
        for name, payload, *router in events:
            router_data = router[0] if router else {"pathname": "/account", "query": {}}
            await client.emit("event", {"name": name, "payload": payload,
                                        "router_data": router_data}, namespace="/_event")
            await asyncio.sleep(0.4)
        await asyncio.sleep(1.0)
    finally:
        await client.disconnect()
    return received


def _run(coro) -> list[str]:
    # The sync Playwright fixture owns this thread's event loop: use a fresh thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=120)


def test_crafted_client_without_valid_session_changes_and_reads_nothing(harness, backend_url):
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        citizen = s.exec(select(User).where(User.email == CITIZEN)).one()
        lyon = s.exec(select(Community).where(Community.slug == "lyon")).one()
        paris = s.exec(select(Community).where(Community.slug == "paris")).one()
        council = s.exec(select(Community).where(Community.is_private.is_(True))).first()
        citizen_id, council_name = citizen.id, council.name
        council_id, council_slug = council.id, council.slug
    victim_token = session_cookie(backend_url, citizen_id)
    before = _snapshot(engine)
    calls = [
        (f"{AccountState.get_full_name()}.load", {}),
        (f"{AccountState.get_full_name()}.log_out_everywhere", {}),
        (f"{FollowListState.get_full_name()}.load_following", {}),
        (f"{FollowListState.get_full_name()}.toggle_follow", {"community_id": paris.id}),
        # Open a public community page, then follow: the service must refuse.
        (f"{CommunityState.get_full_name()}.load", {}, _on_page("lyon")),
        (f"{CommunityState.get_full_name()}.follow", {}, _on_page("lyon")),
        (f"{DirectoryState.get_full_name()}.set_kind", {"kind": "organisation"}),
        (f"{RegisterState.get_full_name()}.choose_place", {"place_id": "1 OR 1=1"}),
    ]
    # 1. No session at all.
    received = _run(_attack(backend_url, calls))
    # 2. A forged session cookie in the handshake.
    received += _run(_attack(backend_url, calls, cookie="forged-" + victim_token[7:]))
    # 3. The victim's real token pushed into the state, where the session once lived (a
    # cookie var): the app reads the session from the handshake only, so nothing opens.
    pushed = _run(_attack(backend_url, [
        ("reflex___state____state.reflex___state____update_vars_internal_state"
         ".update_vars_internal",
         {"vars": {f"{AppState.get_full_name()}.session_token": victim_token}}),
        *calls]))
    assert not any("session_token" in r and victim_token in r for r in pushed)
    received += pushed

    assert received, "the backend answered nothing: the crafted client did not reach it"
    # The handlers did run: the public directory answer came back...
    assert any("Collectif V" in r for r in received)
    # ...and the follow reached the service, which refused it (not a silent no-op).
    assert any("Please sign in to continue." in r for r in received)
    assert _snapshot(engine) == before
    everything = "\n".join(received)
    # (The citizen's *name* may appear: it signs their public contributions on Lyon's page.)
    for secret in (CITIZEN, "$argon2", victim_token, "password_hash", council_name):
        assert secret not in everything
    with Session(engine) as s:
        assert sessions.resolve(session=s, token=victim_token) == citizen_id
        assert s.exec(select(Follow).where(Follow.user_id == citizen_id,
                                           Follow.community_id == lyon.id)).first() is None
    # Positive control: the same client *with* the real token does read the account,
    # so the absence of private data above is the policy at work, not a blind test.
    control = _run(_attack(backend_url, [
        (f"{AccountState.get_full_name()}.load", {}),
        (f"{DirectoryState.get_full_name()}.set_kind", {"kind": "organisation"}),
        # Signed in but not a member: the private council cannot be opened or followed.
        (f"{CommunityState.get_full_name()}.load", {}, _on_page(council_slug)),
        (f"{CommunityState.get_full_name()}.follow", {}, _on_page(council_slug)),
    ], cookie=victim_token))
    assert any(CITIZEN in r for r in control)
    assert not any(victim_token in r for r in control)  # the token never comes back
    # Signed in but not a member: the private council stays out of the directory.
    assert any("Collectif V" in r for r in control)
    assert not any(council_name in r for r in control)
    with Session(engine) as s:
        assert s.exec(select(Follow).where(Follow.user_id == citizen_id,
                                           Follow.community_id == council_id)).first() is None
    engine.dispose()
