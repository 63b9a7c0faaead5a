"""A hand-made Socket.IO client, signed in as an ordinary citizen, sends every dashboard
event (loads and actions, with plausible payloads) straight to the server: nothing in the
database changes and nothing private comes back. The same client signed in as Lyon's
admin does read Lyon's admins: the test is not blind."""

from __future__ import annotations

from sqlmodel import Session, select

from civo.db import make_engine
from civo.models import Community, CommunityRole, Phase, Project, User
from civo.state.admin.analytics import AnalyticsState
from civo.state.admin.community import CommunitySettingsState
from civo.state.admin.dashboard import DashboardState
from civo.state.admin.inbox import InboxState
from civo.state.admin.moderation import AuditState, ModerationState
from civo.state.admin.news import CommunityNewsState
from civo.state.admin.people import CommunityPeopleState
from civo.state.admin.projects import CommunityProjectsState, ProjectAdminState
from civo.state.modules.ideas import IdeasState
from tests.conftest import TEST_DB_URL
from tests.e2e.test_crafted_websocket import _attack, _run, session_cookie
from tests.unit.test_admin_states import snapshot

CITIZEN = "citizen@demo.civo.example"
LYON_ADMIN = "lyon.admin@demo.civo.example"


def _page(path: str, **query: str) -> dict:
    return {"pathname": path, "query": query}


def _events(lyon_slug: str, project_id: int, phase_id: int, role_id: int,
            moderator_id: int) -> list[tuple]:
    lyon = _page(f"/admin/c/{lyon_slug}", slug=lyon_slug)
    people = _page(f"/admin/c/{lyon_slug}/people", slug=lyon_slug)
    news = _page(f"/admin/c/{lyon_slug}/news", slug=lyon_slug)
    projects = _page(f"/admin/c/{lyon_slug}/projects", slug=lyon_slug)
    project = _page(f"/admin/p/{project_id}", project_id=str(project_id))
    n = lambda cls, name: f"{cls.get_full_name()}.{name}"  # noqa: E731
    form = {"title": "Hijacked", "purpose": "x", "expected_outcome": "x", "summary": "",
            "name": "Hijacked", "kind": "city", "body": "Hijacked", "email": CITIZEN}
    return [
        (n(DashboardState, "load"), {}, _page("/admin")),
        (n(DashboardState, "add_moderator"), {"form": {"email": CITIZEN}}, _page("/admin")),
        (n(DashboardState, "remove_moderator"), {"user_id": moderator_id}, _page("/admin")),
        (n(CommunitySettingsState, "load"), {}, lyon),
        (n(CommunitySettingsState, "save"), {"form": form}, lyon),
        (n(CommunitySettingsState, "set_archived"), {"archived": True}, lyon),
        (n(CommunitySettingsState, "delete"), {}, lyon),
        (n(CommunityPeopleState, "load"), {}, people),
        (n(CommunityPeopleState, "grant"), {"form": {"email": CITIZEN}}, people),
        (n(CommunityPeopleState, "revoke"), {"role_id": role_id}, people),
        (n(CommunityPeopleState, "generate_code"), {"form": {}}, people),
        (n(CommunityProjectsState, "load"), {}, projects),
        (n(CommunityProjectsState, "create"), {"form": form}, projects),
        (n(ProjectAdminState, "load"), {}, project),
        (n(ProjectAdminState, "save"), {"form": form}, project),
        (n(ProjectAdminState, "set_status"), {"status": "closed"}, project),
        (n(ProjectAdminState, "add_phase"), {"form": {**form, "module_key": "debate"}},
         project),
        (n(ProjectAdminState, "save_phase"),
         {"form": {**form, "phase_id": str(phase_id), "status": "closed"}}, project),
        (n(ProjectAdminState, "delete_phase"), {"phase_id": phase_id}, project),
        (n(ProjectAdminState, "export_csv"), {}, project),
        (n(CommunityNewsState, "load"), {}, news),
        (n(CommunityNewsState, "post_update"), {"form": form}, news),
        (n(InboxState, "load"), {}, _page("/admin/inbox")),
        (n(ModerationState, "load"), {}, _page("/admin/moderation")),
        (n(ModerationState, "act"), {"form": {"case_id": "1", "action": "remove",
                                              "reason": "Hijacked"}}, _page("/admin/moderation")),
        (n(ModerationState, "decide_proposal"),
         {"form": {"proposal_id": "1", "decision": "suspend", "reason": "x"}},
         _page("/admin/moderation")),
        (n(AuditState, "load"), {}, _page("/admin/audit")),
        (n(AnalyticsState, "load_community"), {}, _page(f"/admin/c/{lyon_slug}/analytics",
                                                        slug=lyon_slug)),
        (n(AnalyticsState, "load_project"), {}, _page(f"/admin/p/{project_id}/analytics",
                                                      project_id=str(project_id))),
        (n(IdeasState, "answer_from_inbox"), {"form": {"item_id": "1", "status": "accepted",
                                                       "answer": "Hijacked"}},
         _page("/admin/inbox")),
    ]


def test_a_crafted_citizen_reaches_no_admin_handlers_effect(harness, backend_url):
    engine = make_engine(TEST_DB_URL)
    with Session(engine) as s:
        citizen = s.exec(select(User).where(User.email == CITIZEN)).one()
        admin = s.exec(select(User).where(User.email == LYON_ADMIN)).one()
        moderator = s.exec(select(User).where(User.is_moderator.is_(True))).first()
        lyon = s.exec(select(Community).where(Community.slug == "lyon")).one()
        project = s.exec(select(Project).where(Project.community_id == lyon.id)).first()
        phase = s.exec(select(Phase).where(Phase.project_id == project.id)).first()
        role = s.exec(select(CommunityRole).where(CommunityRole.community_id == lyon.id)).first()
        citizen_id, admin_id = citizen.id, admin.id
        before = snapshot(s)
        events = _events(lyon.slug, project.id, phase.id, role.id, moderator.id)
        admin_name = admin.full_name
    citizen_cookie = session_cookie(backend_url, citizen_id)
    admin_cookie = session_cookie(backend_url, admin_id)
    received = _run(_attack(backend_url, events, cookie=citizen_cookie))
    with Session(engine) as s:
        after = snapshot(s)
    for noisy in ("user_session", "login_attempt"):
        before.pop(noisy), after.pop(noisy)
    assert sorted(t for t in before if before[t] != after[t]) == []
    everything = "\n".join(received)
    # The handlers did run, and refused with their messages.
    assert "You are not allowed to do that." in everything
    for secret in (admin_name, LYON_ADMIN, "Hijacked", "contributions.csv"):
        assert secret not in everything
    # Positive control: Lyon's admin, same client, same event, does see Lyon's admins.
    control = _run(_attack(backend_url, [
        (f"{CommunityPeopleState.get_full_name()}.load", {},
         _page(f"/admin/c/{lyon.slug}/people", slug=lyon.slug)),
    ], cookie=admin_cookie))
    assert any(admin_name in r for r in control)
    engine.dispose()
