"""The open data: everything public and non-personal, for the API (``/api/v1``).

Only public, live communities; only published projects; only contributions that are not
deleted and not hidden by moderation. Authors appear as a per-project tag that names no
one and never ties someone's anonymous posts to their named ones
(:func:`civo.services.analytics.export_tag`). No field holds an email, a name of a
person, an account id, or anything from a private community.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.models import Community, Phase, Place, Project
from civo.models.participation import EMOJI_GLYPHS, Item, Moderation
from civo.modules import MODULES
from civo.services.analytics import csv_cell, export_tag
from civo.services.errors import NotFound, ValidationError

MAX_LIMIT = 100


def _public_communities() -> sa.ColumnElement[bool]:
    return sa.and_(Community.is_private.is_(False), Community.is_archived.is_(False))


def _limit(limit: Any) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit must be between 1 and 100.")
    return limit


def _after(cursor: Any) -> int:
    if cursor in (None, ""):
        return 0
    text = str(cursor)
    if not text.isascii() or not text.isdecimal() or len(text) > 12:
        raise ValidationError("This page link is no longer valid.")
    return min(int(text), 2**31 - 1)  # ids are INTEGER: beyond the last one, an empty page


@dataclass(frozen=True)
class CommunityData:
    slug: str
    name: str
    kind: str
    place: str
    parent: str | None
    description: str
    languages: list[str]
    followers: int


def _community(row: Community, place: str, parent: str | None) -> CommunityData:
    return CommunityData(slug=row.slug, name=row.name, kind=row.kind, place=place,
                         parent=parent, description=row.description,
                         languages=[x for x in row.languages.split(",") if x],
                         followers=row.follower_count)


def _community_query():
    """Public communities with their place and their parent's slug (when that is public)."""
    parent = sa.orm.aliased(Community)
    return (select(Community, Place.name, parent.slug)
            .join(Place, Place.id == Community.place_id)
            .outerjoin(parent, sa.and_(parent.id == Community.parent_id,
                                       parent.is_private.is_(False),
                                       parent.is_archived.is_(False)))
            .where(_public_communities()))


def communities(*, session: Session, cursor: Any = None, limit: Any = 20
                ) -> tuple[list[CommunityData], str | None]:
    """Public communities, by id (keyset)."""
    limit = _limit(limit)
    rows = session.exec(
        _community_query().where(Community.id > _after(cursor))
        .order_by(Community.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return ([_community(c, place, up) for c, place, up in rows],
            str(rows[-1][0].id) if more else None)


def community(*, session: Session, slug: str) -> CommunityData:
    row = session.exec(_community_query().where(Community.slug == str(slug)[:140])).first()
    if row is None:
        raise NotFound("This community does not exist or is not public.")
    return _community(*row)


@dataclass(frozen=True)
class PhaseData:
    id: int
    position: int
    title: str
    description: str
    module: str
    status: str
    starts_on: date | None
    ends_on: date | None
    settings: dict[str, str]


@dataclass(frozen=True)
class ProjectData:
    id: int
    community: str
    title: str
    summary: str
    purpose: str
    expected_outcome: str
    status: str
    starts_on: date | None
    ends_on: date | None
    published_at: datetime
    phases: list[PhaseData]


def _phases(session: Session, project_ids: list[int]) -> dict[int, list[PhaseData]]:
    found: dict[int, list[PhaseData]] = {i: [] for i in project_ids}
    if not project_ids:
        return found
    for p in session.exec(select(Phase).where(Phase.project_id.in_(project_ids))
                          .order_by(Phase.project_id, Phase.position)):
        spec = MODULES.get(p.module_key)
        settings = {k: str(v) for k, v in (p.settings or {}).items()
                    if spec is not None and spec.setting(k) is not None}
        found[p.project_id].append(PhaseData(
            id=p.id, position=p.position, title=p.title, description=p.description,
            module=p.module_key, status=p.status, starts_on=p.starts_on, ends_on=p.ends_on,
            settings=settings))
    return found


def _published() -> sa.Select:
    return (select(Project, Community.slug).join(Community, Community.id == Project.community_id)
            .where(_public_communities(), Project.published_at.is_not(None)))


def _project(row: Project, slug: str, phases: list[PhaseData]) -> ProjectData:
    return ProjectData(
        id=row.id, community=slug, title=row.title, summary=row.summary, purpose=row.purpose,
        expected_outcome=row.expected_outcome, status=row.status, starts_on=row.starts_on,
        ends_on=row.ends_on, published_at=row.published_at, phases=phases)


def projects(*, session: Session, community_slug: str | None = None, cursor: Any = None,
             limit: Any = 20) -> tuple[list[ProjectData], str | None]:
    """Published projects of public communities (optionally one community's), by id."""
    limit = _limit(limit)
    stmt = _published().where(Project.id > _after(cursor))
    if community_slug:
        stmt = stmt.where(Community.slug == str(community_slug)[:140])
    rows = session.exec(stmt.order_by(Project.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    phases = _phases(session, [p.id for p, _ in rows])
    return ([_project(p, slug, phases[p.id]) for p, slug in rows],
            str(rows[-1][0].id) if more else None)


def project(*, session: Session, project_id: int) -> ProjectData:
    row = session.exec(_published().where(Project.id == project_id)).first()
    if row is None:
        raise NotFound("This project does not exist or is not public.")
    return _project(row[0], row[1], _phases(session, [row[0].id])[row[0].id])


@dataclass(frozen=True)
class ContributionData:
    id: int
    project_id: int
    phase_id: int
    module: str
    kind: str
    title: str
    body: str
    author: str              # a per-project tag ("P-…"), or "deleted"
    created_at: datetime
    comments: int
    supports: int
    reactions: dict[str, int]
    details: dict[str, str]  # module-specific public fields (an idea's status, a stance)


def _listed(project_id: int | None = None) -> sa.Select:
    stmt = (select(Item).join(Project, Project.id == Item.project_id)
            .join(Community, Community.id == Item.community_id)
            .where(_public_communities(), Project.published_at.is_not(None),
                   Item.deleted_at.is_(None), Item.moderation == Moderation.VISIBLE.value,
                   Item.module_key.in_(MODULES.item_keys())))
    return stmt if project_id is None else stmt.where(Item.project_id == project_id)


def _contributions(session: Session, rows: list[Item]) -> list[ContributionData]:
    # Each module's public fields of its contributions (an idea's status, a stance…).
    public: dict[int, dict[str, str]] = {}
    for spec, fields in MODULES.with_hook("open_data"):
        ids = [r.id for r in rows if r.module_key == spec.key]
        if spec.holds_items and ids:
            public.update(fields(session, ids))
    out = []
    for r in rows:
        details = {k: str(v) for k, v in public.get(r.id, {}).items()}
        out.append(ContributionData(
            id=r.id, project_id=r.project_id, phase_id=r.phase_id, module=r.module_key,
            kind=r.kind, title=r.title, body=r.body,
            author=export_tag(r.project_id, r.author_id, r.is_anonymous)
            if r.author_id is not None else "deleted",
            created_at=r.created_at, comments=r.comment_count, supports=r.support_count,
            reactions={e: getattr(r, f"r_{e}") for e in EMOJI_GLYPHS}, details=details))
    return out


def contributions(*, session: Session, project_id: int, cursor: Any = None, limit: Any = 20
                  ) -> tuple[list[ContributionData], str | None]:
    project(session=session, project_id=project_id)  # public, or NotFound
    limit = _limit(limit)
    rows = list(session.exec(_listed(project_id).where(Item.id > _after(cursor))
                             .order_by(Item.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return _contributions(session, rows), (str(rows[-1].id) if more else None)


def contribution(*, session: Session, contribution_id: int) -> ContributionData:
    row = session.exec(_listed().where(Item.id == contribution_id)).first()
    if row is None:
        raise NotFound("This contribution does not exist or is not public.")
    return _contributions(session, [row])[0]


# ---- bulk export -------------------------------------------------------------------------------


def _every_contribution(session: Session, project_id: int) -> Iterator[ContributionData]:
    last = 0
    while True:  # in keyset batches of 500 rows, never one query over the whole table
        rows = list(session.exec(_listed(project_id).where(Item.id > last)
                                 .order_by(Item.id).limit(500)))
        if not rows:
            return
        yield from _contributions(session, rows)
        last = rows[-1].id


def export_json(*, session: Session, project_id: int) -> str:
    data = project(session=session, project_id=project_id)
    return json.dumps({"project": asdict(data),
                       "contributions": [asdict(c) for c in _every_contribution(
                           session, project_id)]}, ensure_ascii=False, default=str)


def csv_columns() -> tuple[str, ...]:
    """The bulk CSV's columns: the core's, then each items module's public fields."""
    extra = [c for spec in MODULES if spec.holds_items for c in spec.open_data_fields]
    return ("id", "phase_id", "module", "kind", "created_at", "author", "title", "body",
            "comments", "supports", *[f"reactions_{e}" for e in EMOJI_GLYPHS],
            *dict.fromkeys(extra))


def export_csv(*, session: Session, project_id: int) -> str:
    project(session=session, project_id=project_id)
    out = io.StringIO()
    writer = csv.writer(out)
    columns = csv_columns()
    module_columns = columns[10 + len(EMOJI_GLYPHS):]
    writer.writerow(columns)
    for c in _every_contribution(session, project_id):
        writer.writerow([c.id, c.phase_id, c.module, c.kind, c.created_at.isoformat(),
                         c.author, csv_cell(c.title), csv_cell(c.body), c.comments, c.supports,
                         *[c.reactions[e] for e in EMOJI_GLYPHS],
                         *[csv_cell(c.details.get(name, "")) for name in module_columns]])
    return out.getvalue()


# ---- a phase's own public data (modules whose phases hold records) --------------------------


@dataclass(frozen=True)
class PhaseOpenData:
    phase_id: int
    project_id: int
    module: str
    data: dict[str, Any]


def phase_data(*, session: Session, phase_id: int) -> PhaseOpenData:
    """What a records module publishes about one phase of a public project (budget
    results, questionnaire results once public…)."""
    row = session.exec(select(Phase).join(Project, Project.id == Phase.project_id)
                       .join(Community, Community.id == Project.community_id)
                       .where(Phase.id == phase_id, _public_communities(),
                              Project.published_at.is_not(None))).first()
    spec = MODULES.get(row.module_key) if row is not None else None
    publish = spec.hook("open_data") if spec is not None and not spec.holds_items else None
    if row is None or publish is None:
        raise NotFound("This phase does not exist, is not public, or publishes no data "
                       "of its own.")
    return PhaseOpenData(phase_id=row.id, project_id=row.project_id, module=row.module_key,
                         data=publish(session, row.id))
