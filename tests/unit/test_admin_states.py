"""Every dashboard handler, called directly as each role: a citizen (and Lyon's admin on
Nice's records) changes nothing — even with the state's ids forced to the target's, as
if the browser had made them up — while Lyon's admin does change Lyon's records."""

from __future__ import annotations

import hashlib
import inspect
import io

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlmodel import SQLModel, select

from civo.models import CommunityRole, ModerationCase, Phase, Project, User
from civo.modules.ideas import services as ideas
from civo.services import admin_projects, items, moderation, sessions
from civo.state.admin import (
    analytics,
    community,
    dashboard,
    inbox,
    moderation as moderation_states,
    news,
    people,
    projects,
)
from civo.state.modules.ideas import IdeasState
from tests.unit.conftest import actor, make_user, with_session
from tests.unit.test_participation import phase_of
from tests.unit.test_states import _call, _state


class FakeUpload:
    """What Reflex hands an upload handler: a named file with an async read."""

    def __init__(self, data: bytes, name: str = "picture.png") -> None:
        self.filename, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 0)).save(out, format="PNG")
    return out.getvalue()


def snapshot(session) -> dict[str, str]:
    """A digest of every row of every table: any change anywhere shows."""
    session.expire_all()
    digest = {}
    for table in SQLModel.metadata.sorted_tables:
        rows = session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digest


STATES = (dashboard.DashboardState, community.CommunitySettingsState,
          people.CommunityPeopleState, projects.CommunityProjectsState,
          projects.ProjectAdminState, news.CommunityNewsState, inbox.InboxState,
          moderation_states.ModerationState, moderation_states.AuditState,
          analytics.AnalyticsState)


def _own_handlers(cls) -> set[str]:
    """Handlers the dashboard adds (not the app-wide ones every page has)."""
    from civo.state.base import AppState

    return set(cls.event_handlers) - set(AppState.event_handlers)


def _calls(t: dict) -> dict[str, list[tuple]]:
    """handler name → the argument lists to try, aimed at the target records ``t``."""
    phase_form = {"title": "Hijacked", "module_key": "debate", "status": "open",
                  "description": "x", "setting_question": "Why?"}
    project_form = {"title": "Hijacked", "summary": "x", "purpose": "x",
                    "expected_outcome": "x", "starts_on": "", "ends_on": ""}
    community_form = {"name": "Hijacked", "kind": "city", "parent_id": t["parent"],
                      "description": "x", "timezone": "Europe/Paris", "lang_fr": "on"}
    files = [([FakeUpload(_png())],)]
    return {
        # dashboard
        "load": [()], "search": [("Lyon",)], "load_more": [()],
        "add_moderator": [({"email": "citizen@example.org"},)],
        "remove_moderator": [(t["moderator"],)],
        # community settings
        "load_new": [()], "save": [(community_form,), (project_form,)],
        "search_places": [("Ly",)], "choose_place": [(1,)], "clear_place": [()],
        "attach_logo": files, "attach_cover": files, "remove_logo": [()],
        "remove_cover": [()], "set_archived": [(True,), (False,)], "delete": [()],
        "CommunityNewsState.delete": [(t["update"],)],
        # people
        "grant": [({"email": "citizen@example.org", "include_descendants": "on"},)],
        "revoke": [(t["role"],)], "withdraw_invitation": [(t["invitation"],)],
        "generate_code": [({"valid_days": "3", "max_uses": "2"},)],
        "revoke_code": [(t["code"],)],
        # projects
        "create": [(project_form,)], "publish": [()], "set_status": [("closed",)],
        "save_results_summary": [({"results_summary": "We read every idea."},)],
        "add_phase": [(phase_form,)], "save_phase": [({**phase_form, "phase_id": str(t["phase"])},)],
        "move_phase": [(t["phase"], 1)], "delete_phase": [(t["phase"],)],
        "choose_setting": [(t["phase"], "rule", "x")],
        "export_csv": [()],
        # news
        "post_update": [({"title": "Fake news", "body": "x", "link_url": "",
                          "video_url": ""},)],
        "post_event": [({"title": "Fake", "description": "x",
                         "starts_at": "2030-01-01T10:00", "location": "Here"},)],
        "attach_image": files, "remove_image": [()],
        # inbox, moderation, audit, analytics
        "set_community": [(str(t["community"]),)], "set_tab": [("removed",)],
        "act": [({"case_id": str(t["case"]), "action": "restore", "reason": ""},),
                ({"case_id": str(t["case"]), "action": "remove", "reason": "because"},),
                ({"case_id": str(t["case"]), "action": "warn", "reason": "because"},)],
        "decide_proposal": [({"proposal_id": "1", "decision": "suspend", "reason": "x"},)],
        "load_community": [()], "load_project": [()], "set_phase": [(str(t["phase"]),)],
    }


def _aim(state, t: dict) -> None:
    """Force the state's backend ids to the target's (what a forged tab would need)."""
    for name, value in (("_community_id", t["community"]), ("_project_id", t["project"])):
        if hasattr(state, name):
            setattr(state, name, value)
    if hasattr(state, "community"):
        state.community = {"id": t["community"], "slug": t["slug"], "private": True}
    if hasattr(state, "place_id"):
        state.place_id = t["place"]


@pytest.fixture()
def world(session):
    """Lyon's records (a draft project with a phase, a flagged idea, a role, a code, an
    update, an admin invitation), Nice's similar records, and the people who will try to touch them."""
    ids = {name: make_user(session, email=f"{name}@example.org", home="Lyon")
           for name in ("citizen", "lyon_admin", "nice_admin", "author", "flagger", "mod",
                        "deputy")}
    session.get(User, ids["mod"]).is_moderator = True
    user = session.get(User, ids["flagger"])
    user.email_confirmed_at = user.created_at = user.created_at.replace(year=2020)
    from civo.models import Community

    lyon = session.exec(select(Community).where(Community.slug == "lyon")).one()
    nice = session.exec(select(Community).where(Community.slug == "nice")).one()
    council = session.exec(select(Community).where(Community.is_private.is_(True))).one()
    session.add(CommunityRole(user_id=ids["lyon_admin"], community_id=lyon.id))
    session.add(CommunityRole(user_id=ids["deputy"], community_id=lyon.id))
    session.add(CommunityRole(user_id=ids["nice_admin"], community_id=nice.id))
    session.add(CommunityRole(user_id=ids["deputy"], community_id=nice.id))
    session.add(CommunityRole(user_id=ids["nice_admin"], community_id=council.id))
    session.commit()
    who = {name: actor(session, uid) for name, uid in ids.items()}

    def records(c, admin):
        from civo.models import AccessCode
        from civo.services import admin_communities, announcements

        draft = admin_projects.create(session=session, actor=admin, community_id=c.id, data={
            "title": f"Draft of {c.name}", "purpose": "p", "expected_outcome": "o"})
        phase = admin_projects.add_phase(session=session, actor=admin, project_id=draft.id,
                                         data={"title": "Ideas", "module_key": "ideas"})
        update = announcements.post_update(session=session, actor=admin, community_id=c.id,
                                           title="News", body="b")
        role = session.exec(select(CommunityRole.id).where(   # the deputy's (if any)
            CommunityRole.community_id == c.id,
            CommunityRole.user_id == ids["deputy"])).first()
        if c.is_private:
            admin_communities.new_code(session=session, actor=admin, community_id=c.id)
        code = session.exec(select(AccessCode.id).where(AccessCode.community_id == c.id)).first()
        from civo.models import AdminInvitation
        from civo.services import admin_invitations

        admin_invitations.invite(session=session, actor=admin, community_id=c.id,
                                 email=f"invitee-{c.id}@example.org")
        invitation = session.exec(select(AdminInvitation.id).where(
            AdminInvitation.community_id == c.id)).first()
        return {"invitation": invitation,"community": c.id, "slug": c.slug, "project": draft.id, "phase": phase.id,
                "update": update.id, "role": role or 0, "code": code or 0,
                "place": c.place_id, "parent": str(c.parent_id or "")}

    lyon_t = records(lyon, who["lyon_admin"])
    nice_t = records(nice, who["nice_admin"])
    council_t = records(council, who["nice_admin"])
    lyon_idea = ideas.propose(session=session, actor=who["author"],
                              phase_id=phase_of(session, "School extracurricular timings").id,
                              title="Idea", body="text")
    nice_phase = session.exec(select(Phase).join(Project, Project.id == Phase.project_id)
                              .where(Project.title == "Noise in the Métropole")).one()
    nice_post = items.create(
        session=session, actor=actor(session, make_user(session, email="n@example.org",
                                                        home="Nice")),
        phase_id=nice_phase.id, kind="contribution", title="", body="Noise!")
    for item_id in (lyon_idea.id, nice_post.id):
        moderation.flag(session=session, actor=who["flagger"], target_kind="item",
                        target_id=item_id, reason="spam")
    case = {row.community_id: row.id for row in session.exec(select(ModerationCase))}
    for target in (lyon_t, nice_t, council_t):
        target["case"] = case.get(target["community"], 0)
        target["moderator"] = ids["mod"]
    lyon_t["idea"], nice_t["idea"], council_t["idea"] = lyon_idea.id, nice_post.id, 0
    return {"who": who, "ids": ids, "lyon": lyon_t, "nice": nice_t, "council": council_t,
            "lyon_idea": lyon_idea.id}


def test_every_dashboard_handler_is_covered_by_this_test(world):
    calls = _calls(world["lyon"])
    missing = {f"{cls.__name__}.{name}" for cls in STATES for name in _own_handlers(cls)
               if f"{cls.__name__}.{name}" not in calls and name not in calls}
    assert missing == set()


async def _try_everything(session, who_id: int, target: dict) -> list[str]:
    """Call every handler of every dashboard state; return the handlers that raised."""
    token = sessions.start(session=session, user_id=who_id)
    crashed = []
    for cls in STATES:
        for name in sorted(_own_handlers(cls)):
            table = _calls(target)
            for args in table.get(f"{cls.__name__}.{name}", table.get(name)):
                state = await _state(cls)
                with_session(state, token)
                _aim(state, target)
                try:
                    await _call(state, name, *args)
                except Exception as error:  # noqa: BLE001 - a crash is a finding too
                    crashed.append(f"{cls.__name__}.{name}: {error!r}")
    state = await _state(IdeasState)
    with_session(state, token)
    await _call(state, "answer_from_inbox", {"item_id": str(target["idea"]),
                                              "status": "accepted"})
    return crashed


@pytest.mark.parametrize(("who", "target"), [
    ("citizen", "lyon"), ("citizen", "nice"), ("author", "lyon"),
    ("lyon_admin", "nice"), ("lyon_admin", "council"), ("mod", "nice"),
])
async def test_no_dashboard_handler_changes_anything_for_the_wrong_role(session, world, who,
                                                                        target):
    before = snapshot(session)
    crashed = await _try_everything(session, world["ids"][who], world[target])
    after = snapshot(session)
    # The moderator legitimately acts on flagged content everywhere: only "act" may move.
    if who == "mod":
        for table in ("moderation_case", "moderation_log", "moderation_notice", "flag",
                      "item"):
            before.pop(table), after.pop(table)
    before.pop("user_session"), after.pop("user_session")  # the session we started
    assert crashed == []
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == []


async def test_lyons_admin_does_change_lyons_records(session, world):
    """The positive control: the same calls by the right person are not silently ignored."""
    before = snapshot(session)
    crashed = await _try_everything(session, world["ids"]["lyon_admin"], world["lyon"])
    after = snapshot(session)
    changed = {name for name in before if before[name] != after[name]}
    assert crashed == []
    assert {"project", "phase", "item", "community", "moderation_case",
            "community_role"} <= changed


def test_handler_signatures_take_only_plain_values():
    """A browser can only send JSON: every dashboard handler's parameters are plain."""
    allowed = {"int", "str", "bool", "dict[str, Any]", "list[rx.UploadFile]"}
    for cls in STATES:
        for name in _own_handlers(cls):
            fn = cls.event_handlers[name].fn
            for param in list(inspect.signature(fn).parameters.values())[1:]:
                assert str(param.annotation) in allowed, (cls.__name__, name, param)


@pytest.mark.parametrize(("who", "allowed"), [
    ("citizen", set()), ("lyon_admin", {"InboxState", "ModerationState"}),
    ("mod", {"ModerationState"}),
])
async def test_role_pages_show_the_refusal_page_to_other_roles(session, world, who, allowed):
    from civo.services import sessions

    token = sessions.start(session=session, user_id=world["ids"][who])
    shown = set()
    for cls in (inbox.InboxState, moderation_states.ModerationState,
                moderation_states.AuditState):
        state = await _state(cls)
        with_session(state, token)
        await _call(state, "load")
        assert state.loaded
        if not state.denied:
            shown.add(cls.__name__)
    assert shown == allowed
