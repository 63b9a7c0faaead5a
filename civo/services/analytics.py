"""Anonymised analytics for a community, a project or one phase (module), and the
anonymised CSV export of a project's contributions.

Everything is counted in SQL. Demographic groups under :data:`MIN_GROUP` people are
shown as "<5", and when only one group of a breakdown would be hidden a second one is
hidden too, so no hidden group can be recovered by subtracting the others from the
total. No name, email or account id ever leaves this module. Results are cached for
at most :data:`CACHE_SECONDS` per scope.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import Community, Follow, Phase, Place, Project, User
from civo.models._common import utcnow
from civo.models.participation import EMOJI_GLYPHS, Comment, Item, Moderation, Reaction
from civo.modules import MODULES
from civo.services import validate
from civo.services.errors import NotFound

MIN_GROUP = 5
CACHE_SECONDS = 600
DAYS = 90
TOP_PLACES = 8
AGE_BANDS = ((0, 17, "under 18"), (18, 29, "18–29"), (30, 44, "30–44"), (45, 59, "45–59"),
             (60, 74, "60–74"), (75, 200, "75+"))
UNKNOWN = "not given"
OTHER_PLACES = "other places"


@dataclass(frozen=True)
class Group:
    label: str          # a band, a gender key, a place name; "not given"
    count: int | None   # None when suppressed (fewer than MIN_GROUP, or secondary)
    secondary: bool = False  # hidden although not small: it would reveal a small one

    @property
    def shown(self) -> str:
        """"<5" for a small group, "hidden" (a msgid) for a secondary one, else the count."""
        if self.count is not None:
            return str(self.count)
        return "hidden" if self.secondary else "<5"


@dataclass(frozen=True)
class ModuleFigure:
    module: str                 # module key
    key: str
    label: str                  # msgid
    value: int | None
    groups: tuple[Group, ...]   # a breakdown (suppressed when it is about people)


@dataclass(frozen=True)
class Stats:
    scope: str                  # community | project | phase
    scope_id: int
    title: str
    participants: int
    contributions: int
    comments: int
    supports: int
    reactions: dict[str, int]   # per emoji
    modules: tuple[ModuleFigure, ...]  # each participation module's own figures
    days: tuple[str, ...]       # ISO dates of the activity series
    contributions_per_day: tuple[int, ...]
    comments_per_day: tuple[int, ...]
    followers_per_day: tuple[int, ...]
    age: tuple[Group, ...]
    gender: tuple[Group, ...]
    places: tuple[Group, ...]
    computed_at: datetime


# ---- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str
    id: int
    title: str
    community: Community
    items: sa.ColumnElement[bool]   # which items count
    phase_ids: sa.Select            # the phases in scope (modules count their own records)


def resolve(session: Session, actor: policy.Actor, kind: Any, scope_id: Any) -> Scope:
    """The scope, if the actor administers its community (``community.view_admin_stats``)."""
    scope_id = validate.record_id(scope_id)
    contributions = sa.and_(Item.module_key.in_(MODULES.item_keys()),
                            Item.deleted_at.is_(None))
    if kind == "community":
        community = session.get(Community, scope_id)
        title, where = (community.name if community else ""), Item.community_id == scope_id
        phases = select(Phase.id).join(Project, Project.id == Phase.project_id).where(
            Project.community_id == scope_id)
    elif kind == "project":
        project = session.get(Project, scope_id)
        community = session.get(Community, project.community_id) if project else None
        title, where = (project.title if project else ""), Item.project_id == scope_id
        phases = select(Phase.id).where(Phase.project_id == scope_id)
    elif kind == "phase":
        phase = session.get(Phase, scope_id)
        project = session.get(Project, phase.project_id) if phase else None
        community = session.get(Community, project.community_id) if project else None
        title = f"{project.title} — {phase.title}" if phase and project else ""
        where = Item.phase_id == scope_id
        phases = select(Phase.id).where(Phase.id == scope_id)
    else:
        raise NotFound("This page does not exist.")
    if community is None or not policy.can(actor, "community.view", community):
        raise NotFound("This page does not exist.")
    policy.require(actor, "community.view_admin_stats", community)
    return Scope(kind, scope_id, title, community, sa.and_(where, contributions), phases)


# ---- counting ---------------------------------------------------------------------------------


def _participants(scope: Scope) -> sa.Select:
    """Ids of everyone who contributed, commented, reacted in scope, or took part through
    a module's own records (supports, ballots, answers…)."""
    in_scope = select(Item.id).where(scope.items)
    comments_in_scope = select(Comment.id).where(Comment.item_id.in_(in_scope))
    return sa.union(
        select(Item.author_id.label("uid")).where(scope.items),
        select(Comment.author_id).where(Comment.item_id.in_(in_scope)),
        select(Reaction.user_id).where(Reaction.target_kind == "item",
                                       Reaction.target_id.in_(in_scope)),
        select(Reaction.user_id).where(Reaction.target_kind == "comment",
                                       Reaction.target_id.in_(comments_in_scope)),
        *[took_part(scope.phase_ids) for _spec, took_part in MODULES.with_hook("participants")],
    )


def suppress(groups: list[tuple[str, int]]) -> tuple[Group, ...]:
    """Hide groups under :data:`MIN_GROUP`; hide a second one if only one would be hidden."""
    small = {label for label, n in groups if 0 < n < MIN_GROUP}
    secondary: set[str] = set()
    if len(small) == 1:
        visible = sorted((n, label) for label, n in groups if label not in small and n > 0)
        if visible:
            secondary.add(visible[0][1])
    return tuple(Group(label, None if label in small | secondary else n, label in secondary)
                 for label, n in groups if n > 0)


def _day(session: Session, column: sa.ColumnElement) -> sa.ColumnElement:
    """The UTC calendar day of a timestamp column, on SQLite and PostgreSQL alike."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone("UTC", column))
    return sa.func.date(column)  # SQLite stores UTC (civo.models._common.UTCDateTime)


def _series(session: Session, column: sa.ColumnElement, where: sa.ColumnElement[bool],
            days: list[date]) -> list[int]:
    day = _day(session, column)
    counts = {str(d): n for d, n in session.exec(
        select(day, sa.func.count()).where(where, column >= datetime.combine(
            days[0], datetime.min.time()).replace(tzinfo=utcnow().tzinfo))
        .group_by(day)).all()}
    return [counts.get(d.isoformat(), 0) for d in days]


def compute(session: Session, scope: Scope, now: datetime | None = None) -> Stats:
    now = now or utcnow()
    in_scope = select(Item.id).where(scope.items)
    live_comments = sa.and_(Comment.item_id.in_(in_scope), Comment.deleted_at.is_(None))
    contributions = session.exec(select(sa.func.count()).select_from(Item)
                                 .where(scope.items)).one()
    comments = session.exec(select(sa.func.count()).select_from(Comment)
                            .where(live_comments)).one()
    item_sums = session.exec(select(
        sa.func.coalesce(sa.func.sum(Item.support_count), 0),
        *[sa.func.coalesce(sa.func.sum(getattr(Item, f"r_{e}")), 0) for e in EMOJI_GLYPHS])
        .where(scope.items)).one()
    comment_sums = session.exec(select(
        *[sa.func.coalesce(sa.func.sum(getattr(Comment, f"r_{e}")), 0) for e in EMOJI_GLYPHS])
        .where(live_comments)).one()
    reactions = {e: int(item_sums[1 + i]) + int(comment_sums[i])
                 for i, e in enumerate(EMOJI_GLYPHS)}
    people = _participants(scope).subquery()
    participant_ids = select(people.c.uid).where(people.c.uid.is_not(None))
    participants = session.exec(select(sa.func.count()).select_from(
        participant_ids.subquery())).one()

    days = [(now - timedelta(days=DAYS - 1 - i)).date() for i in range(DAYS)]
    per_day_items = _series(session, Item.created_at, scope.items, days)
    per_day_comments = _series(session, Comment.created_at, live_comments, days)
    follows = Follow.community_id == scope.community.id
    before = session.exec(select(sa.func.count()).select_from(Follow).where(
        follows, Follow.created_at < datetime.combine(days[0], datetime.min.time())
        .replace(tzinfo=now.tzinfo))).one()
    new_follows = _series(session, Follow.created_at, follows, days)
    followers, running = [], before
    for n in new_follows:
        running += n
        followers.append(running)

    people_rows = select(User).where(User.id.in_(participant_ids))
    year = now.year
    age_case = sa.case(
        *[(sa.and_(User.birth_year.is_not(None), year - User.birth_year >= low,
                   year - User.birth_year <= high), label) for low, high, label in AGE_BANDS],
        else_=UNKNOWN)
    people_sub = people_rows.subquery()
    age_rows = dict(session.exec(select(age_case, sa.func.count())
                                 .select_from(User).where(User.id.in_(participant_ids))
                                 .group_by(age_case)).all())
    age = suppress([(label, age_rows.get(label, 0)) for *_r, label in AGE_BANDS]
                   + [(UNKNOWN, age_rows.get(UNKNOWN, 0))])
    # One expression object per grouping (PostgreSQL matches GROUP BY by its parameters).
    gender_key = sa.func.coalesce(User.gender, UNKNOWN)
    gender_rows = session.exec(select(gender_key, sa.func.count())
                               .where(User.id.in_(participant_ids))
                               .group_by(gender_key)).all()
    gender = suppress(sorted(((g, n) for g, n in gender_rows), key=lambda r: -r[1]))
    place_key = sa.func.coalesce(Place.name, UNKNOWN)
    place_rows = session.exec(select(place_key, sa.func.count())
                              .select_from(people_sub)
                              .outerjoin(Place, Place.id == people_sub.c.home_place_id)
                              .group_by(place_key)).all()
    ranked = sorted(place_rows, key=lambda r: (-r[1], r[0]))
    top, rest = ranked[:TOP_PLACES], sum(n for _p, n in ranked[TOP_PLACES:])
    places = suppress([*top, *([(OTHER_PLACES, rest)] if rest else [])])
    figures = []
    for spec, module_stats in MODULES.with_hook("stats"):
        for f in module_stats(session, scope.phase_ids):
            groups = (suppress(list(f.breakdown)) if f.personal else
                      tuple(Group(label, n) for label, n in f.breakdown))
            figures.append(ModuleFigure(spec.key, f.key, f.label, f.value, groups))
    return Stats(
        scope=scope.kind, scope_id=scope.id, title=scope.title, participants=participants,
        contributions=contributions, comments=comments, supports=int(item_sums[0]),
        reactions=reactions, modules=tuple(figures), days=tuple(d.isoformat() for d in days),
        contributions_per_day=tuple(per_day_items), comments_per_day=tuple(per_day_comments),
        followers_per_day=tuple(followers), age=age, gender=gender, places=places,
        computed_at=now,
    )


# ---- the 10-minute cache ----------------------------------------------------------------------

_cache: dict[tuple[str, int], tuple[float, Stats]] = {}
_lock = threading.Lock()


def stats(*, session: Session, actor: policy.Actor, kind: Any, scope_id: Any,
          clock=time.monotonic) -> Stats:
    """The scope's statistics (policy-checked on every call; figures cached 10 minutes)."""
    scope = resolve(session, actor, kind, scope_id)
    key = (scope.kind, scope.id)
    now = clock()
    with _lock:
        cached = _cache.get(key)
        if cached and now - cached[0] < CACHE_SECONDS:
            return cached[1]
    fresh = compute(session, scope)
    with _lock:
        _cache[key] = (now, fresh)
        if len(_cache) > 5000:  # bounded: drop the oldest half
            for old in sorted(_cache, key=lambda k: _cache[k][0])[:2500]:
                _cache.pop(old, None)
    return fresh


def clear_cache() -> None:
    with _lock:
        _cache.clear()


# ---- the anonymised export -------------------------------------------------------------------

def csv_columns() -> tuple[str, ...]:
    """The export's columns: the core's, with each items module's own after the text."""
    extra = [c for spec in MODULES if spec.holds_items for c in spec.export_columns]
    return ("contribution", "phase", "module", "created", "author", "title", "text",
            *dict.fromkeys(extra), "comments", "supports",
            *[f"reactions_{e}" for e in EMOJI_GLYPHS])


def project_csv(*, session: Session, actor: policy.Actor, project_id: Any) -> tuple[str, str]:
    """The project's visible contributions and their counts as CSV; (filename, text).

    Authors appear only as a per-project export tag (:func:`export_tag`), so the file names
    nobody, cannot be joined with another project's export or with the site's pseudonyms,
    and never ties someone's anonymous posts to their named ones.
    """
    scope = resolve(session, actor, "project", project_id)
    out = io.StringIO()
    writer = csv.writer(out)
    columns = csv_columns()
    module_columns = columns[7:-2 - len(EMOJI_GLYPHS)]
    writer.writerow(columns)
    phases = dict(session.exec(select(Phase.id, Phase.title).where(
        Phase.project_id == scope.id)).all())
    last_id = 0
    while True:  # in batches: a big project never sits in memory as rows
        batch = list(session.exec(select(Item).where(
            scope.items, Item.moderation == Moderation.VISIBLE.value, Item.id > last_id)
            .order_by(Item.id).limit(500)))
        if not batch:
            break
        fields: dict[int, dict[str, str]] = {}
        for spec in MODULES:
            export = spec.hook("export") if spec.holds_items else None
            ids = [i.id for i in batch if i.module_key == spec.key]
            if export is not None and ids:
                fields.update(export(session, ids))
        for item in batch:
            author = (export_tag(scope.id, item.author_id, item.is_anonymous)
                      if item.author_id is not None else "deleted")
            writer.writerow([
                item.id, phases.get(item.phase_id, ""), item.module_key,
                item.created_at.date().isoformat(), author, csv_cell(item.title),
                csv_cell(item.body),
                *[csv_cell(fields.get(item.id, {}).get(c, "")) for c in module_columns],
                item.comment_count,
                item.support_count, *[getattr(item, f"r_{e}") for e in EMOJI_GLYPHS]])
        last_id = batch[-1].id
    return f"civo-project-{scope.id}-contributions.csv", out.getvalue()


def export_tag(project_id: int, user_id: int, anonymous: bool) -> str:
    """An author's tag in one project's export: its own key (it matches nothing shown on
    the site), and a different tag for the same person's anonymous posts (so the file never
    ties an anonymous post to a named one)."""
    from civo.services.secrets import keyed_digest

    return "P-" + keyed_digest("export", project_id, user_id, bool(anonymous))[:8].upper()


def csv_cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading =, +, - or @ is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def project_participants(project: Project, community: Community) -> sa.Select:
    """Ids of everyone who took part in a project (contributions, comments, reactions and
    the modules' own records): whom "Results are published" reaches."""
    contributions = sa.and_(Item.module_key.in_(MODULES.item_keys()),
                            Item.deleted_at.is_(None))
    scope = Scope("project", project.id, project.title, community,
                  sa.and_(Item.project_id == project.id, contributions),
                  select(Phase.id).where(Phase.project_id == project.id))
    return _participants(scope)
