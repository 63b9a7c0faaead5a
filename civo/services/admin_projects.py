"""Running projects: draft → published → closed (then results), their fields and their
phases, each hosting a module chosen from the registry with the module's own settings.

Publishing puts the project in its community's followers' feeds. Every function asks
:mod:`civo.policy` first (``project.create`` / ``project.manage`` on the community).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import events, policy
from civo.models import Community, Phase, PhaseStatus, Project, ProjectStatus
from civo.models._common import utcnow
from civo.models.participation import Item
from civo.modules import MODULES
from civo.services import announcements, rich_text, uploads, validate
from civo.modules.settings import SettingView, clean_all
from civo.modules.settings import views as setting_views
from civo.services.errors import NotFound, ValidationError

TITLE_MAX = 160
SUMMARY_MAX = 600
LONG_MAX = 2000
MAX_PHASES = 12
PAGE_SIZE = 20
PUBLISHED_STATUSES = tuple(s.value for s in ProjectStatus)
PHASE_STATUSES = tuple(s.value for s in PhaseStatus)


def _community(session: Session, actor: policy.Actor, community_id: Any,
               rule: str) -> Community:
    community = session.get(Community, validate.record_id(community_id))
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This community does not exist or is not visible to you.")
    policy.require(actor, rule, community)
    return community


def _project(session: Session, actor: policy.Actor, project_id: Any) -> tuple[Project,
                                                                                Community]:
    project = session.get(Project, validate.record_id(project_id))
    if project is None:
        raise NotFound("This project does not exist.")
    community = _community(session, actor, project.community_id, "project.manage")
    return project, community


def _phase(session: Session, actor: policy.Actor, phase_id: Any) -> tuple[Phase, Project]:
    phase = session.get(Phase, validate.record_id(phase_id))
    if phase is None:
        raise NotFound("This phase does not exist.")
    project, _community_row = _project(session, actor, phase.project_id)
    return phase, project


# ---- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRow:
    id: int
    title: str
    status: str
    published: bool
    phase_count: int
    item_count: int


def of_community(*, session: Session, actor: policy.Actor, community_id: Any,
                 cursor: int | None = None) -> tuple[list[ProjectRow], int | None]:
    """A community's projects, drafts included, newest first (keyset on id)."""
    community = _community(session, actor, community_id, "project.manage")
    stmt = select(Project).where(Project.community_id == community.id)
    if cursor is not None:
        stmt = stmt.where(Project.id < validate.record_id(cursor))
    rows = list(session.exec(stmt.order_by(Project.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    ids = [p.id for p in rows]
    phases = dict(session.exec(select(Phase.project_id, sa.func.count()).where(
        Phase.project_id.in_(ids)).group_by(Phase.project_id)).all()) if ids else {}
    contributions = dict(session.exec(select(Item.project_id, sa.func.count()).where(
        Item.project_id.in_(ids), Item.phase_id.is_not(None), Item.deleted_at.is_(None))
        .group_by(Item.project_id)).all()) if ids else {}
    return ([ProjectRow(p.id, p.title, p.status, p.published_at is not None,
                        phases.get(p.id, 0), contributions.get(p.id, 0)) for p in rows],
            rows[-1].id if more else None)


# ---- the project -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseForm:
    id: int
    position: int
    title: str
    description: str
    module_key: str
    status: str
    starts_on: date | None
    ends_on: date | None
    settings: dict[str, str]
    item_count: int
    # The module's settings as the form draws them (typed; locked ones say so).
    setting_views: tuple[SettingView, ...] = ()
    taken_part: bool = False


@dataclass(frozen=True)
class ProjectForm:
    id: int
    community_id: int
    community_name: str
    community_slug: str
    title: str
    summary: str
    purpose: str
    expected_outcome: str
    status: str
    published_at: datetime | None
    starts_on: date | None
    ends_on: date | None
    cover: str
    phases: tuple[PhaseForm, ...]
    results_summary: str = ""


def form(*, session: Session, actor: policy.Actor, project_id: Any) -> ProjectForm:
    project, community = _project(session, actor, project_id)
    phases = list(session.exec(select(Phase).where(Phase.project_id == project.id)
                               .order_by(Phase.position)))
    counts = dict(session.exec(select(Item.phase_id, sa.func.count()).where(
        Item.project_id == project.id, Item.deleted_at.is_(None)).group_by(Item.phase_id)).all())
    used = {p.id: took_part(session, p) for p in phases}
    return ProjectForm(
        id=project.id, community_id=community.id, community_name=community.name,
        community_slug=community.slug, title=project.title, summary=project.summary,
        purpose=project.purpose, expected_outcome=project.expected_outcome,
        status=project.status, published_at=project.published_at,
        starts_on=project.starts_on, ends_on=project.ends_on, cover=project.cover_url,
        results_summary=project.results_summary,
        phases=tuple(PhaseForm(
            id=p.id, position=p.position, title=p.title, description=p.description,
            module_key=p.module_key, status=p.status, starts_on=p.starts_on, ends_on=p.ends_on,
            settings={k: str(v) for k, v in (p.settings or {}).items()},
            item_count=counts.get(p.id, 0),
            setting_views=_setting_views(p, community, used=used[p.id]),
            taken_part=used[p.id]) for p in phases),
    )


def _setting_views(phase: Phase, community: Community, *, used: bool
                   ) -> tuple[SettingView, ...]:
    spec = MODULES.get(phase.module_key)
    if spec is None:
        return ()
    found = setting_views(spec.settings, phase.settings or {}, used=used)
    currency = getattr(community, "currency", "") or "EUR"
    return tuple(replace(v, currency=currency) if v.kind == "money" else v for v in found)


def took_part(session: Session, phase: Phase) -> bool:
    """Someone took part in the phase: a contribution, or a record of its module (a
    support, a ballot, an answer — the module's ``participants`` hook)."""
    if _has_items(session, phase.id):
        return True
    spec = MODULES.get(phase.module_key)
    participants = spec.hook("participants") if spec is not None else None
    if participants is None:
        return False
    return session.exec(participants([phase.id]).limit(1)).first() is not None


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    starts, ends = validate.dates(data)
    return {
        "title": rich_text.clean(data.get("title"), label="Title", max_len=TITLE_MAX,
                                 field="title"),
        "summary": rich_text.clean(data.get("summary"), label="Summary", max_len=SUMMARY_MAX,
                                   required=False, field="summary"),
        "purpose": rich_text.clean(data.get("purpose"), label="Purpose", max_len=LONG_MAX,
                                   field="purpose"),
        "expected_outcome": rich_text.clean(
            data.get("expected_outcome"), label="What happens with the input",
            max_len=LONG_MAX, field="expected_outcome"),
        "starts_on": starts, "ends_on": ends,
    }


def create(*, session: Session, actor: policy.Actor, community_id: Any,
           data: dict[str, Any]) -> Project:
    """A new draft project (nobody but the community's admins sees it yet)."""
    community = _community(session, actor, community_id, "project.create")
    if community.is_archived:
        raise ValidationError("This community is archived: restore it to publish again.")
    project = Project(community_id=community.id, status=ProjectStatus.UPCOMING.value,
                      **_fields(data))
    session.add(project)
    session.commit()
    return project


def update(*, session: Session, actor: policy.Actor, project_id: Any, data: dict[str, Any],
           cover: str | None = None) -> Project:
    """Save the project's fields (``cover``: a new upload, "" to remove, None to keep)."""
    project, _community_row = _project(session, actor, project_id)
    for key, value in _fields(data).items():
        setattr(project, key, value)
    if cover is not None and cover != project.cover_url:
        if cover and not uploads.attach(session, name=cover, owner_id=actor.user_id):
            session.rollback()
            raise ValidationError("The image could not be found; please add it again.",
                                  field="cover")
        if project.cover_url:
            uploads.discard(session, project.cover_url)
        project.cover_url = cover
    session.add(project)
    if project.published_at is not None:
        announcements.sync_project(session, project)
    session.commit()
    return project


def publish(*, session: Session, actor: policy.Actor, project_id: Any) -> Project:
    """Draft → published: it appears in the community and its followers' feeds."""
    project, community = _project(session, actor, project_id)
    if project.published_at is not None:
        raise ValidationError("This project is already published.")
    if community.is_archived:
        raise ValidationError("This community is archived: restore it to publish again.")
    if session.exec(select(Phase.id).where(Phase.project_id == project.id)).first() is None:
        raise ValidationError("Add at least one phase before publishing.")
    now = utcnow()
    # Conditional: two admins publishing at once make one feed entry.
    done = session.execute(sa.update(Project).where(
        Project.id == project.id, Project.published_at.is_(None)).values(
        published_at=now,
        status=ProjectStatus.UPCOMING.value if project.starts_on and project.starts_on >
        now.date() else ProjectStatus.OPEN.value)).rowcount
    if done != 1:
        session.rollback()
        raise ValidationError("This project is already published.")
    session.refresh(project)
    announcements.announce_project(session, actor, project)
    session.commit()
    return project


def set_status(*, session: Session, actor: policy.Actor, project_id: Any,
               status: Any) -> Project:
    """A published project's stage for citizens: upcoming, open, closed, results."""
    project, _community_row = _project(session, actor, project_id)
    if project.published_at is None:
        raise ValidationError("Publish the project first.")
    project.status = validate.choice(status, PUBLISHED_STATUSES, field="status",
                                     message="Unknown status.")
    session.add(project)
    session.flush()
    from civo.services import results

    results.announce_if_published(session, actor, project)
    session.commit()
    session.refresh(project)
    return project


# ---- phases ----------------------------------------------------------------------------------


def _phase_fields(data: dict[str, Any], module_key: str, *,
                  previous: dict[str, Any] | None = None, used: bool = False,
                  defaults_only: bool = False) -> dict[str, Any]:
    """The phase's fields, its module's settings typed and validated (every wrong setting
    is reported at once; a setting locked once people took part keeps its value). A new
    phase starts with the settings' defaults: its form then asks for the rest."""
    spec = MODULES.require(module_key)
    starts, ends = validate.dates(data)
    submitted = {s.name: data.get(f"setting_{s.name}") for s in spec.settings}
    settings = clean_all(spec.settings, submitted, previous=previous or {}, used=used,
                         partial=defaults_only)
    return {
        "title": rich_text.clean(data.get("title"), label="Title", max_len=TITLE_MAX,
                                 field="title"),
        "description": rich_text.clean(data.get("description"), label="Description",
                                       max_len=LONG_MAX, required=False, field="description"),
        "starts_on": starts, "ends_on": ends,
        "settings": settings,
    }


def add_phase(*, session: Session, actor: policy.Actor, project_id: Any,
              data: dict[str, Any]) -> Phase:
    """Append a phase hosting one module of the registry (upcoming until opened)."""
    project, _community_row = _project(session, actor, project_id)
    module_key = validate.choice(data.get("module_key"), MODULES.keys(), field="module_key",
                                 message="Choose a participation module.")
    fields = _phase_fields(data, module_key, defaults_only=True)

    def work() -> Phase:  # re-read on every try: another admin may add one at the same time
        last = session.exec(select(sa.func.max(Phase.position)).where(
            Phase.project_id == project.id)).one()
        count = session.exec(select(sa.func.count()).select_from(Phase).where(
            Phase.project_id == project.id)).one()
        if count >= MAX_PHASES:
            raise ValidationError("A project has at most {n} phases.", n=MAX_PHASES)
        phase = Phase(project_id=project.id, position=(last + 1) if last is not None else 0,
                      module_key=module_key, status=PhaseStatus.UPCOMING.value, **fields)
        session.add(phase)
        session.commit()
        return phase

    return _retry(session, work)


def _retry(session: Session, work):
    """Run ``work`` again when a concurrent change collided (unique position, a locked
    SQLite database); after a few tries, say so instead of crashing."""
    from civo.db import retrying

    try:
        return retrying(session, work, attempts=5)
    except (sa.exc.IntegrityError, sa.exc.OperationalError):
        session.rollback()
        raise ValidationError("The phases were changed at the same time by someone else: "
                              "please try again.") from None


def _has_items(session: Session, phase_id: int) -> bool:
    return session.exec(select(Item.id).where(Item.phase_id == phase_id).limit(1)).first() \
        is not None


def update_phase(*, session: Session, actor: policy.Actor, phase_id: Any,
                 data: dict[str, Any]) -> Phase:
    """Save a phase; its module can change only while nobody has contributed to it."""
    phase, _project_row = _phase(session, actor, phase_id)
    module_key = data.get("module_key") or phase.module_key
    if module_key != phase.module_key:
        module_key = validate.choice(module_key, MODULES.keys(), field="module_key",
                                     message="Choose a participation module.")
        if took_part(session, phase):
            raise ValidationError("People already took part in this phase: its module cannot "
                                  "change.", field="module_key")
    fields = _phase_fields(data, module_key, previous=phase.settings or {},
                           used=module_key == phase.module_key and took_part(session, phase))
    status = validate.choice(data.get("status") or phase.status, PHASE_STATUSES,
                             field="status", message="Unknown status.")
    opening = status == "open" and phase.status != "open"
    for key, value in {**fields, "module_key": module_key, "status": status}.items():
        setattr(phase, key, value)
    session.add(phase)
    if opening and _project_row.published_at is not None:
        entry = session.exec(select(Item.id).where(Item.module_key == "project",
                                                   Item.project_id == _project_row.id)).first()
        # (the handler moves the platform channel: followers' bells recount there)
        events.publish(session, "phase.opened", actor=actor, project_id=_project_row.id,
                       community_id=_project_row.community_id, phase_id=phase.id,
                       entry_id=entry)
    session.commit()
    return phase


def move_phase(*, session: Session, actor: policy.Actor, phase_id: Any, offset: Any) -> None:
    """Swap a phase with its neighbour (``offset`` -1: earlier, +1: later)."""
    phase, project = _phase(session, actor, phase_id)
    if type(offset) is not int or offset not in (-1, 1):
        raise ValidationError("Invalid request.")
    phase_key = phase.id

    def work() -> None:  # positions re-read on every try
        ordered = list(session.execute(select(Phase.id, Phase.position).where(
            Phase.project_id == project.id).order_by(Phase.position)).all())
        index = next(i for i, (pid, _pos) in enumerate(ordered) if pid == phase_key)
        other_index = index + offset
        if not 0 <= other_index < len(ordered):
            return
        (mine_id, mine), (other_id, theirs) = ordered[index], ordered[other_index]
        # (project_id, position) is unique: park the phase at a slot only it can use.
        session.execute(sa.update(Phase).where(Phase.id == mine_id)
                        .values(position=-mine_id))
        session.execute(sa.update(Phase).where(Phase.id == other_id, Phase.position == theirs)
                        .values(position=mine))
        session.execute(sa.update(Phase).where(Phase.id == mine_id).values(position=theirs))
        session.commit()

    _retry(session, work)


def delete_phase(*, session: Session, actor: policy.Actor, phase_id: Any) -> None:
    """Remove a phase nobody has taken part in yet."""
    phase, _project_row = _phase(session, actor, phase_id)
    if took_part(session, phase):
        raise ValidationError("People already took part in this phase: close it instead.")
    session.delete(phase)
    session.commit()
