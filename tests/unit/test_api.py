"""The open-data API (/api/v1), called in-process over ASGI (the real FastAPI app on the
test database): public content only, pseudonymous authors, keyset pages, bulk export,
rate limit, a schema with no personal field — and a schemathesis run against
/openapi.json: no server error, no personal data, no private community."""

from __future__ import annotations

import csv
import io
import json
import warnings

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlmodel import select

from civo.models import Community, CommunityRole, Phase, Project
from civo.modules.ideas import services as ideas
from civo.services import items, moderation
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of

warnings.filterwarnings("ignore", category=DeprecationWarning)

from civo.api import api  # noqa: E402
from civo.api import ratelimit  # noqa: E402

PERSONAL = ("email", "full_name", "password", "user_id", "author_id", "birth_year", "gender",
            "token", "display_name")
SECRET_WORDS = ("Council secret plan", "citizen-a@example.org", "Alice Secretname",
                "Conseil de quartier")


@pytest.fixture(autouse=True)
def _generous_limit(monkeypatch):
    monkeypatch.setenv("CIVO_API_RATE", "100000")
    ratelimit.reset()


@pytest.fixture()
def data(session):
    """Public ideas (one anonymous, one hidden, one deleted) and a private council's."""
    alice = actor(session, make_user(session, email="citizen-a@example.org", home="Lyon",
                                     name="Alice Secretname"))
    phase = phase_of(session, "School extracurricular timings")
    named = ideas.propose(session=session, actor=alice, phase_id=phase.id, title="Named idea",
                          body="b")
    anonymous = ideas.propose(session=session, actor=alice, phase_id=phase.id,
                              title="Anonymous idea", body="b", anonymous=True)
    hidden = ideas.propose(session=session, actor=alice, phase_id=phase.id,
                           title="Hidden idea", body="b")
    gone = ideas.propose(session=session, actor=alice, phase_id=phase.id,
                         title="Deleted idea", body="b")
    items.delete(session=session, actor=alice, item_id=gone.id)
    mod = actor(session, make_user(session, email="m@example.org", home="Lyon"))
    from civo.models import User
    from civo.models._common import utcnow

    user = session.get(User, mod.user_id)
    user.email_confirmed_at, user.created_at = utcnow(), utcnow().replace(year=2020)
    session.commit()
    moderation.flag(session=session, actor=actor(session, mod.user_id), target_kind="item",
                    target_id=hidden.id, reason="spam")
    council = session.exec(select(Community).where(Community.is_private.is_(True))).one()
    secret = Project(community_id=council.id, title="Council secret plan", status="open",
                     published_at=utcnow())
    session.add(secret)
    session.flush()
    session.add(Phase(project_id=secret.id, title="Ideas", module_key="ideas", status="open"))
    session.add(CommunityRole(user_id=alice.user_id, community_id=council.id))
    session.commit()
    return {"project": phase.project_id, "named": named.id, "anonymous": anonymous.id,
            "hidden": hidden.id, "gone": gone.id, "secret_project": secret.id}


def _client() -> httpx.Client:
    return httpx.Client(transport=httpx.ASGITransport(app=api), base_url="http://civo.test")


async def _get(path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                                 base_url="http://civo.test") as client:
        return await client.get(path)


async def test_communities_are_public_ones_only_and_page_by_keyset(session, data):
    seen, cursor = [], None
    while True:
        response = await _get("/api/v1/communities?limit=3"
                              + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        body = response.json()
        seen += [c["slug"] for c in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    public = session.exec(select(Community.slug).where(Community.is_private.is_(False))).all()
    assert sorted(seen) == sorted(public) and len(seen) == len(set(seen))
    assert (await _get("/api/v1/communities/conseil-de-quartier-croix-rousse")).status_code \
        == 404
    lyon = (await _get("/api/v1/communities/lyon")).json()
    assert lyon["parent"] == "auvergne-rhone-alpes" and lyon["kind"] == "city"
    # A cursor past the largest id (PostgreSQL's INTEGER) is an empty last page.
    beyond = await _get("/api/v1/communities?cursor=999999999999")
    assert (beyond.status_code, beyond.json()) == (200, {"data": [], "next_cursor": None})


async def test_contributions_are_public_visible_and_pseudonymous(session, data):
    project = (await _get(f"/api/v1/projects/{data['project']}")).json()
    assert project["community"] == "lyon" and project["phases"][0]["module"] == "ideas"
    body = (await _get(f"/api/v1/projects/{data['project']}/contributions?limit=50")).json()
    titles = {c["title"]: c for c in body["data"]}
    assert {"Named idea", "Anonymous idea"} <= set(titles)
    assert "Hidden idea" not in titles and "Deleted idea" not in titles
    assert titles["Named idea"]["author"] != titles["Anonymous idea"]["author"]
    assert titles["Named idea"]["author"].startswith("P-")
    assert (await _get(f"/api/v1/contributions/{data['hidden']}")).status_code == 404
    assert (await _get(f"/api/v1/projects/{data['secret_project']}")).status_code == 404
    assert (await _get(f"/api/v1/projects/{data['secret_project']}/contributions")
            ).status_code == 404
    listed = (await _get("/api/v1/projects?limit=100")).json()
    assert data["secret_project"] not in [p["id"] for p in listed["data"]]


async def test_bulk_exports_hold_every_public_contribution(session, data):
    csv_text = (await _get(f"/api/v1/projects/{data['project']}/export.csv")).text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    json_body = (await _get(f"/api/v1/projects/{data['project']}/export.json")).json()
    assert {r["title"] for r in rows} == {c["title"] for c in json_body["contributions"]}
    assert "Named idea" in {r["title"] for r in rows}
    assert {"Hidden idea", "Deleted idea"}.isdisjoint(r["title"] for r in rows)
    for secret in SECRET_WORDS:
        assert secret not in csv_text and secret not in json.dumps(json_body)
    for fmt in ("csv", "json"):  # a private community's project exports nothing
        response = await _get(f"/api/v1/projects/{data['secret_project']}/export.{fmt}")
        assert response.status_code == 404 and "Council secret plan" not in response.text


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    ("203.0.113.9", "", "", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "", "", "2001:db8:1:2::/64"),  # one household's block
    ("2001:db8:1:2:bbbb::7", "", "", "2001:db8:1:2::/64"),
    ("10.0.0.2", "198.51.100.4, 10.0.0.1", "10.0.0.1,10.0.0.2", "198.51.100.4"),
    ("203.0.113.9", "198.51.100.4", "", "203.0.113.9"),  # an untrusted peer's header
])
def test_clients_are_counted_by_address_or_ipv6_block_behind_listed_proxies_only(
        monkeypatch, peer, forwarded, trusted, client):
    from starlette.requests import Request

    monkeypatch.setenv("CIVO_TRUSTED_PROXIES", trusted)
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    request = Request({"type": "http", "client": (peer, 5000), "headers": headers})
    assert ratelimit._client(request) == client


def test_the_in_memory_count_stays_bounded(monkeypatch):
    ratelimit.reset()
    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 100)
    for n in range(1000):
        assert ratelimit._over_in_memory(f"198.51.{n // 256}.{n % 256}", 5) is None
    assert len(ratelimit._seen) == 100
    ratelimit.reset()


async def test_too_many_requests_get_429_with_a_retry_after(monkeypatch, data):
    monkeypatch.setenv("CIVO_API_RATE", "3")
    ratelimit.reset()
    codes = [(await _get("/api/v1/communities")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = await _get("/api/v1/communities")
    assert int(last.headers["retry-after"]) > 0


async def test_workers_share_the_limit_through_redis(monkeypatch, data):
    """Two backend workers (two Redis connections) count the same client together."""
    import time

    import redis

    monkeypatch.setenv("CIVO_API_RATE", "3")
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/0")
    if time.time() % ratelimit.WINDOW > ratelimit.WINDOW - 5:  # start in a fresh window
        time.sleep(ratelimit.WINDOW - time.time() % ratelimit.WINDOW + 0.1)
    window = int(time.time() // ratelimit.WINDOW)
    keys = [f"civo:api-rate:127.0.0.1:{w}" for w in (window, window + 1)]
    store = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    store.delete(*keys)
    try:
        ratelimit.reset()
        first = [(await _get("/api/v1/communities")).status_code for _ in range(2)]
        ratelimit.reset()  # "another worker": nothing counted in this process's memory
        second = [(await _get("/api/v1/communities")).status_code for _ in range(2)]
        assert first + second == [200, 200, 200, 429]
        assert int(store.ttl(keys[0])) <= ratelimit.WINDOW + 1
    finally:
        store.delete(*keys)
        ratelimit.reset()


async def test_the_docs_page_loads_nothing_from_other_sites():
    import re

    page = await _get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', page.text)
                if "//" in u]
    assert external == []
    for asset in re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', page.text):
        assert (await _get(asset)).status_code == 200, asset
    assert "https://" not in page.text.split("<script>", 1)[-1]


def test_the_schema_names_no_personal_field():
    schema = api.openapi()
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    text = json.dumps(schema["components"]["schemas"]).lower()
    for field in PERSONAL:
        assert f'"{field}"' not in text, field


schema = schemathesis.openapi.from_asgi("/openapi.json", api)


def no_personal_data(ctx, response, case):
    """A custom check: nothing personal or private in any answer."""
    text = response.text
    for secret in SECRET_WORDS:
        if secret in text:
            raise AssertionError(f"{secret!r} leaked in {case.path}")


@pytest.fixture()
def api_data(data):
    return data


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_schemathesis_finds_no_server_error_and_no_personal_data(case, api_data):
    response = case.call()
    case.validate_response(response, additional_checks=(no_personal_data,))
    assert response.status_code < 500
