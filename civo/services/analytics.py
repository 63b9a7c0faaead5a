"""Anonymised analytics for a community, a project or one phase (module), and the
anonymised CSV export of a project's contributions.

Everything is counted in SQL. Demographic groups under :data:`MIN_GROUP` people are
shown as "<5", and when only one group of a breakdown would be hidden a second one is
hidden too, so no hidden group can be recovered by subtracting the others from the
total. No name, email or account id ever leaves this module. Results are cached for
at most :data:`CACHE_SECONDS` per scope.

Suppression must also hold *between* figures, not only within one chart (issue 17):
an admin who knows that one named person just took part could otherwise compare two
figures and see which group moved by one. Two comparisons are closed:

- **Over time (refreshes).** A scope's demographic breakdowns are *released*: the raw
  group counts last shown are kept in ``analytics_release`` (shared by every worker,
  kept across restarts and cache expiry), and new ones are released only once the
  scope's participants changed by at least :data:`MIN_GROUP` since. Any difference
  between two releases is then the sum of at least five people's changes: it never
  isolates one person (activity figures — contributions, comments — stay fresh).
- **Across views (project vs phase, community vs project).** A phase's participants
  are a subset of its project's, a project's of its community's, so a group's count in
  the wider view minus the same group's count in the narrower view counts the people
  outside the narrower one. A group is shown in a narrower view only if that
  complement (computed from the wider view's *release*, exactly what the wider view
  shows) is 0 or at least :data:`MIN_GROUP`; otherwise it is hidden there (with the
  usual second group, so the total cannot give it back). The wider view needs no change:
  hiding one side of a subtraction is enough.

Together: every figure an admin can see is a deterministic function of releases, each
of which moves only in steps of five or more people, and no two views of nested scopes
differ in a shown group by fewer than five. (Not covered: unions of several sibling
scopes that overlap, and admins' own sock-puppet accounts — groups of five assume
five real people.)
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
from sqlalchemy.exc import IntegrityError

from civo.models import AnalyticsRelease, Community, Follow, Phase, Place, Project, User
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
    scope = _scope(session, kind, validate.record_id(scope_id))
    if scope.community is None or not policy.can(actor, "community.view", scope.community):
        raise NotFound("This page does not exist.")
    policy.require(actor, "community.view_admin_stats", scope.community)
    return scope


def _scope(session: Session, kind: Any, scope_id: int) -> Scope:
    """The scope itself (no policy check: :func:`resolve` does that)."""
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
    return Scope(kind, scope_id, title, community, sa.and_(where, contributions), phases)


def _wider(session: Session, scope: Scope) -> list[Scope]:
    """The scopes that contain this one (a phase: its project and community)."""
    if scope.kind == "phase":
        phase = session.get(Phase, scope.id)
        return [_scope(session, "project", phase.project_id),
                _scope(session, "community", scope.community.id)]
    if scope.kind == "project":
        return [_scope(session, "community", scope.community.id)]
    return []


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


def suppress(groups: list[tuple[str, int]], also_hide: frozenset[str] = frozenset()
             ) -> tuple[Group, ...]:
    """Hide groups under :data:`MIN_GROUP` (and ``also_hide``: groups whose complement in
    a wider view is small); hide a second one if only one would be hidden."""
    small = {label for label, n in groups if 0 < n < MIN_GROUP or (n > 0 and label in also_hide)}
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

    raw = _released(session, scope, participants,
                    lambda: _raw_groups(session, scope, participant_ids, now), now)
    wider = [_release_of(session, outer, now) for outer in _wider(session, scope)]

    def shown(name: str) -> tuple[Group, ...]:
        mine = [(label, n) for label, n in raw.get(name, [])]
        return suppress(mine, _small_complements(mine, [w.get(name, []) for w in wider]))

    age, gender, places = shown("age"), shown("gender"), shown("places")
    figures = []
    for spec, module_stats in MODULES.with_hook("stats"):
        for f in module_stats(session, scope.phase_ids):
            key = f"module:{spec.key}:{f.key}"
            groups = (suppress([(label, n) for label, n in raw.get(key, f.breakdown)])
                      if f.personal else tuple(Group(label, n) for label, n in f.breakdown))
            figures.append(ModuleFigure(spec.key, f.key, f.label, f.value, groups))
    return Stats(
        scope=scope.kind, scope_id=scope.id, title=scope.title, participants=participants,
        contributions=contributions, comments=comments, supports=int(item_sums[0]),
        reactions=reactions, modules=tuple(figures), days=tuple(d.isoformat() for d in days),
        contributions_per_day=tuple(per_day_items), comments_per_day=tuple(per_day_comments),
        followers_per_day=tuple(followers), age=age, gender=gender, places=places,
        computed_at=now,
    )


def _raw_groups(session: Session, scope: Scope, participant_ids: sa.Select,
                now: datetime) -> dict[str, list[tuple[str, int]]]:
    """Unsuppressed group counts of the scope's participants (never shown as such)."""
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
    age = ([(label, age_rows.get(label, 0)) for *_r, label in AGE_BANDS]
           + [(UNKNOWN, age_rows.get(UNKNOWN, 0))])
    # One expression object per grouping (PostgreSQL matches GROUP BY by its parameters).
    gender_key = sa.func.coalesce(User.gender, UNKNOWN)
    gender_rows = session.exec(select(gender_key, sa.func.count())
                               .where(User.id.in_(participant_ids))
                               .group_by(gender_key)).all()
    gender = sorted(((g, n) for g, n in gender_rows), key=lambda r: -r[1])
    place_key = sa.func.coalesce(Place.name, UNKNOWN)
    place_rows = session.exec(select(place_key, sa.func.count())
                              .select_from(people_sub)
                              .outerjoin(Place, Place.id == people_sub.c.home_place_id)
                              .group_by(place_key)).all()
    ranked = sorted(place_rows, key=lambda r: (-r[1], r[0]))
    top, rest = ranked[:TOP_PLACES], sum(n for _p, n in ranked[TOP_PLACES:])
    places = [*top, *([(OTHER_PLACES, rest)] if rest else [])]
    raw: dict[str, list[tuple[str, int]]] = {"age": age, "gender": gender, "places": places}
    for spec, module_stats in MODULES.with_hook("stats"):
        for f in module_stats(session, scope.phase_ids):
            if f.personal:
                raw[f"module:{spec.key}:{f.key}"] = list(f.breakdown)
    return raw


def _released(session: Session, scope: Scope, participants: int, fresh, now: datetime
              ) -> dict[str, list[tuple[str, int]]]:
    """The scope's released raw groups: the last release while fewer than
    :data:`MIN_GROUP` participants came or went since, else ``fresh()`` (released now)."""
    row = session.exec(select(AnalyticsRelease).where(
        AnalyticsRelease.scope_kind == scope.kind,
        AnalyticsRelease.scope_id == scope.id)).first()
    if row is not None and abs(participants - row.participants) < MIN_GROUP:
        return {k: [(str(label), int(n)) for label, n in v] for k, v in row.groups.items()}
    raw = fresh()
    stored = {k: [[label, int(n)] for label, n in v] for k, v in raw.items()}
    try:
        with session.begin_nested():
            if row is None:
                session.add(AnalyticsRelease(scope_kind=scope.kind, scope_id=scope.id,
                                             participants=participants, groups=stored,
                                             released_at=now))
            else:
                # Conditional: two workers releasing at once keep one release.
                session.execute(sa.update(AnalyticsRelease).where(
                    AnalyticsRelease.id == row.id,
                    AnalyticsRelease.participants == row.participants).values(
                    participants=participants, groups=stored, released_at=now))
            session.flush()
    except IntegrityError:  # another worker released it first: theirs stands
        return _released(session, scope, participants, fresh, now)
    session.commit()
    return raw


def _release_of(session: Session, scope: Scope, now: datetime
                ) -> dict[str, list[tuple[str, int]]]:
    """A wider scope's release (made now if it has none or it is due)."""
    people = _participants(scope).subquery()
    participant_ids = select(people.c.uid).where(people.c.uid.is_not(None))
    participants = session.exec(select(sa.func.count()).select_from(
        participant_ids.subquery())).one()
    return _released(session, scope, participants,
                     lambda: _raw_groups(session, scope, participant_ids, now), now)


def _small_complements(mine: list[tuple[str, int]],
                       wider: list[list[tuple[str, int]]]) -> frozenset[str]:
    """Groups of this view whose count in a wider view exceeds it by 1–4 people: the
    wider figure minus this one would count those few people."""
    hidden = set()
    for outer in wider:
        theirs = dict(outer)
        for label, n in mine:
            if n > 0 and 0 < theirs.get(label, 0) - n < MIN_GROUP:
                hidden.add(label)
    return frozenset(hidden)


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
