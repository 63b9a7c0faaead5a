"""The participation-module contract: the core never names a module, every module declares
every hook, and a module the core has never heard of — defined only in this file — works
end to end through the registry alone (picker, locked setting, statistics, "Download my
data", account deletion)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.modules import MODULES
from civo.modules.registry import (
    HOOK_NAMES,
    NOT_APPLICABLE,
    RECORDS,
    UI,
    UI_NAMES,
    Figure,
    Hooks,
    ModuleSpec,
)
from civo.modules.settings import Setting
from civo.services import admin_projects, analytics, privacy, sessions
from civo.services.errors import FieldErrors, ValidationError
from tests.conftest import ROOT
from tests.unit.conftest import actor, community, make_user, with_session

CIVO = ROOT / "civo"


# ---- the core never imports a module's package ------------------------------------------


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _allowed(path: Path, key: str) -> bool:
    rel = path.relative_to(CIVO).as_posix()
    return (rel.startswith(f"modules/{key}/") or rel == f"state/modules/{key}.py"
            or rel == f"components/modules/{key}.py" or rel == "modules/__init__.py")


def test_no_file_outside_a_module_imports_its_package():
    packages = sorted(p.name for p in (CIVO / "modules").iterdir()
                      if (p / "__init__.py").exists())
    assert set(MODULES.keys()) <= set(packages)
    offenders = []
    for path in sorted(CIVO.rglob("*.py")):
        for name in _imports(path):
            for key in packages:
                package = f"civo.modules.{key}"
                if (name == package or name.startswith(package + ".")) and \
                        not _allowed(path, key):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_walk_would_name_an_offending_file(tmp_path, monkeypatch):
    """(The test above is not vacuous: a core file importing the idea box is caught.)"""
    fake = tmp_path / "civo" / "services"
    fake.mkdir(parents=True)
    (fake / "leaky.py").write_text("def f():\n    from civo.modules.ideas.models import X\n")
    assert "civo.modules.ideas.models" in _imports(fake / "leaky.py")
    assert not _allowed(CIVO / "services" / "leaky.py", "ideas")


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in CIVO.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = {i for i in _imports(path) if i.startswith("civo")}
    return graph


def _resolve(name: str, graph: dict[str, set[str]]) -> str | None:
    while name and name not in graph:
        name = name.rpartition(".")[0]
    return name or None


def test_services_form_no_import_circle_and_db_imports_no_service():
    graph = _graph()
    edges = {m: {r for d in deps if (r := _resolve(d, graph)) and r != m}
             for m, deps in graph.items()}
    core = {m for m in edges if m.startswith("civo.services") or m == "civo.db"}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt in core and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert sorted(m for m in core if m in reach(m)) == []
    assert {d for d in edges["civo.db"] if d.startswith("civo.services")} == set()
    importers = sorted(m for m in core if "civo.services.notifications" in edges[m]
                       and m != "civo.services.notifications")
    assert importers == []


# ---- every module declares every hook ------------------------------------------------------


@pytest.mark.parametrize("spec", list(MODULES), ids=lambda s: s.key)
def test_every_module_declares_every_hook_and_each_loads(spec: ModuleSpec):
    for name in HOOK_NAMES:
        declared = getattr(spec.hooks, name)
        assert declared is NOT_APPLICABLE or isinstance(declared, str), (spec.key, name)
        if declared is not NOT_APPLICABLE:
            assert callable(spec.hook(name)), (spec.key, name)
    for name in UI_NAMES:
        declared = getattr(spec.ui, name)
        assert declared is NOT_APPLICABLE or isinstance(declared, str), (spec.key, name)
        if declared is not NOT_APPLICABLE:
            assert callable(spec.component(name)), (spec.key, name)
    for rule in spec.rules:
        assert f"{spec.key}.{rule}" in policy.RULES
    for kind, declared in spec.notification_kinds.items():
        assert declared.event and declared.text and declared.category, kind


def test_a_hook_cannot_be_left_out():
    with pytest.raises(TypeError):
        Hooks(participants=NOT_APPLICABLE)  # the others are missing: refused at once


def test_typed_settings_say_what_is_wrong_with_each_field():
    settings = (Setting("budget", "money", "Total budget", minimum=0, required=True),
                Setting("share", "percentage", "Minimum share", default=70),
                Setting("rule", "choice", "Rule", choices=(("a", "A"), ("b", "B")),
                        default="a"),
                Setting("open", "boolean", "Open to visitors"),
                Setting("until", "date", "Until"),
                Setting("note", "text", "Note", max_length=5),
                Setting("count", "integer", "Count", minimum=1, maximum=9))
    from civo.modules.settings import clean_all

    with pytest.raises(FieldErrors) as refused:
        clean_all(settings, {"budget": "-3", "share": "120", "rule": "z", "open": "maybe",
                             "until": "tomorrow", "note": "too long", "count": "2.5"},
                  previous={}, used=False)
    assert set(refused.value.errors) == {"budget", "share", "rule", "open", "until", "note",
                                         "count"}
    assert refused.value.errors["budget"].message == "{label} cannot be negative."
    assert refused.value.errors["share"].params["n"] == 100
    ok = clean_all(settings, {"budget": "100 000", "share": "", "rule": "b", "open": "on",
                              "until": "2027-06-01", "note": "ok", "count": "3"},
                   previous={}, used=False)
    assert ok == {"budget": 100000, "share": 70, "rule": "b", "open": True,
                  "until": "2027-06-01", "note": "ok", "count": 3}
    assert clean_all(settings[1:], {}, previous={}, used=False)["open"] is False


# ---- a module the core never heard of ------------------------------------------------------

PLEDGES = sa.Table(
    "test_pledge", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("phase_id", sa.Integer, nullable=False),
    sa.Column("user_id", sa.Integer, nullable=True),
    sa.Column("amount", sa.Integer, nullable=False),
)


def pledge_participants(phase_ids: Any) -> sa.Select:
    return sa.select(PLEDGES.c.user_id).where(PLEDGES.c.phase_id.in_(phase_ids))


def pledge_personal_data(session: Session, user_id: int) -> dict[str, list[dict]]:
    rows = session.execute(sa.select(PLEDGES.c.phase_id, PLEDGES.c.amount)
                           .where(PLEDGES.c.user_id == user_id)).all()
    return {"pledges": [{"phase_id": p, "amount": a} for p, a in rows]}


def pledge_erase(session: Session, user_id: int) -> None:
    session.execute(sa.update(PLEDGES).where(PLEDGES.c.user_id == user_id)
                    .values(user_id=None))


def pledge_stats(session: Session, phase_ids: Any) -> list[Figure]:
    total = session.execute(sa.select(sa.func.coalesce(sa.func.sum(PLEDGES.c.amount), 0))
                            .where(PLEDGES.c.phase_id.in_(phase_ids))).scalar_one()
    return [Figure("pledged", "Pledged", value=int(total))]


def pledge_may(actor: policy.Actor, where: Any) -> bool:
    return policy.is_confirmed(actor) and policy.phase_is_open(actor, where)


PLEDGE = ModuleSpec(
    key="pledge", label="Pledges", icon="hand-coins", holds=RECORDS,
    settings=(Setting("target", "integer", "Target", minimum=1, default=10,
                      locked_once_used=True),
              Setting("thanks", "text", "Thank-you note", max_length=80, default="")),
    rules={"pledge": pledge_may},
    hooks=Hooks(participants=f"{__name__}:pledge_participants",
                personal_data=f"{__name__}:pledge_personal_data",
                erase=f"{__name__}:pledge_erase", stats=f"{__name__}:pledge_stats",
                export=NOT_APPLICABLE, open_data=NOT_APPLICABLE, results=NOT_APPLICABLE,
                seed=NOT_APPLICABLE, describe=NOT_APPLICABLE, list_details=NOT_APPLICABLE),
    ui=UI(panel=NOT_APPLICABLE, item_extra=NOT_APPLICABLE, inbox_extra=NOT_APPLICABLE,
          admin_panel=NOT_APPLICABLE, results_panel=NOT_APPLICABLE),
)


@pytest.fixture()
def pledges(session, engine):
    PLEDGES.create(engine)
    with MODULES.added(PLEDGE):
        yield
    # The test's session still holds a read lock on the table (PostgreSQL): end it first,
    # or DROP TABLE waits for it forever.
    session.rollback()
    session.close()
    PLEDGES.drop(engine)


async def test_a_module_defined_only_here_works_through_the_registry(session, pledges):
    from civo.models import CommunityRole, Phase, Project
    from civo.state.admin.projects import ProjectAdminState
    from tests.unit.test_states import _call, _state

    lyon = community(session, "Lyon")
    admin_id = make_user(session, email="admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=admin_id, community_id=lyon.id))
    session.commit()
    admin = actor(session, admin_id)
    project = admin_projects.create(session=session, actor=admin, community_id=lyon.id,
                                    data={"title": "Fund the library", "purpose": "p",
                                          "expected_outcome": "o"})
    # 1. The admin's module picker offers it (the page reads the registry when it loads).
    state = await _state(ProjectAdminState)
    from reflex.istate.data import RouterData

    state.router = RouterData.from_router_data({"query": {"project_id": str(project.id)},
                                                "pathname": "/admin/projects/[project_id]"})
    with_session(state, sessions.start(session=session, user_id=admin_id))
    phase = admin_projects.add_phase(session=session, actor=admin, project_id=project.id,
                                     data={"title": "Pledges", "module_key": "pledge"})
    await _call(state, "load")
    assert {"key": "pledge", "label": "Pledges"} in state.module_options
    fields = {f["name"]: f for f in state.phases[0]["fields"]}
    assert fields["target"]["kind"] == "integer" and fields["target"]["value"] == "10"
    assert not fields["target"]["locked"]

    # 2. Settings are typed and validated; before anyone takes part they may change.
    form = {"phase_id": str(phase.id), "title": "Pledges", "status": "open",
            "setting_target": "abc", "setting_thanks": "Thanks!"}
    await _call(state, "save_phase", form)
    assert state.errors == {f"phase-{phase.id}-setting_target":
                            "Target: enter a whole number."}
    saved = admin_projects.update_phase(session=session, actor=admin, phase_id=phase.id,
                                        data={**form, "setting_target": "20"})
    assert saved.settings == {"target": 20, "thanks": "Thanks!"}
    admin_projects.publish(session=session, actor=admin, project_id=project.id)

    # 3. A citizen takes part (the module's own record, through its own rule).
    citizen_id = make_user(session, email="ana@example.org", home="Lyon")
    from civo.services.items import where_for_phase

    assert policy.can(actor(session, citizen_id), "pledge.pledge",
                      where_for_phase(session, phase.id))
    session.execute(PLEDGES.insert().values(phase_id=phase.id, user_id=citizen_id, amount=50))
    session.commit()

    # 4. The locked setting is now refused, with the reason; the other still changes.
    with pytest.raises(FieldErrors) as refused:
        admin_projects.update_phase(session=session, actor=admin, phase_id=phase.id,
                                    data={**form, "setting_target": "30"})
    assert set(refused.value.errors) == {"target"}
    assert "cannot change once people have taken part" in refused.value.errors["target"].message
    kept = admin_projects.update_phase(session=session, actor=admin, phase_id=phase.id,
                                       data={**form, "setting_target": "20",
                                             "setting_thanks": "Merci"})
    assert kept.settings == {"target": 20, "thanks": "Merci"}
    with pytest.raises(ValidationError, match="already took part"):
        admin_projects.delete_phase(session=session, actor=admin, phase_id=phase.id)
    await _call(state, "load")
    assert {f["name"]: f["locked"] for f in state.phases[0]["fields"]} == {
        "target": True, "thanks": False}

    # 5. Analytics count the participant and show the module's own figure.
    analytics.clear_cache()
    stats = analytics.stats(session=session, actor=admin, kind="project",
                            scope_id=project.id)
    assert stats.participants == 1
    assert [(f.module, f.key, f.value) for f in stats.modules] == [("pledge", "pledged", 50)]

    # 6. "Download my data" holds the pledge; deleting the account detaches it.
    citizen = session.get(__import__("civo.models", fromlist=["User"]).User, citizen_id)
    assert privacy.collect(session, citizen)["pledges"] == [
        {"phase_id": phase.id, "amount": 50}]
    privacy.delete_account(session=session, actor=actor(session, citizen_id),
                           password="correct horse battery")
    assert session.execute(sa.select(PLEDGES.c.user_id, PLEDGES.c.amount)).all() == [(None, 50)]
    assert session.exec(select(Phase.id).join(Project)).all()  # the phase is untouched
    analytics.clear_cache()
    assert analytics.stats(session=session, actor=admin, kind="project",
                           scope_id=project.id).modules[0].value == 50


def test_no_core_file_names_the_throwaway_module():
    hits = [p for p in CIVO.rglob("*.py") if "pledge" in p.read_text()]
    assert hits == []
