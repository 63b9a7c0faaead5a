"""Who may do what: one table of named rules built from shared predicates.

Every state handler that reads private data or changes anything asks here first::

    policy.require(actor, "community.follow", community)

Roles: platform admin, community admin (per community), moderator, citizen,
anonymous visitor. An :class:`Actor` is built on the server from the session row,
never from anything the browser claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from civo.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """Who is asking: built by the server from a valid session (or anonymous)."""

    user_id: int | None = None
    is_platform_admin: bool = False
    is_moderator: bool = False
    admin_of: frozenset[int] = field(default_factory=frozenset)
    member_of: frozenset[int] = field(default_factory=frozenset)
    # The email address was confirmed: needed to post, comment, react, support, vote.
    confirmed: bool = True

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Actor()


class CommunityLike(Protocol):
    """What the community rules need to know about a community."""

    id: int | None
    is_private: bool
    is_archived: bool


# ---- predicates -------------------------------------------------------------------


def is_signed_in(actor: Actor, _target: Any = None) -> bool:
    return actor.signed_in


def is_confirmed(actor: Actor, _target: Any = None) -> bool:
    return actor.signed_in and actor.confirmed


def is_anonymous(actor: Actor, _target: Any = None) -> bool:
    return not actor.signed_in


def is_platform_admin(actor: Actor, _target: Any = None) -> bool:
    return actor.signed_in and actor.is_platform_admin


def is_moderator(actor: Actor, _target: Any = None) -> bool:
    return actor.signed_in and (actor.is_moderator or actor.is_platform_admin)


def is_community_admin(actor: Actor, community: CommunityLike) -> bool:
    return actor.signed_in and (
        actor.is_platform_admin or (community is not None and community.id in actor.admin_of)
    )


def can_see_community(actor: Actor, community: CommunityLike) -> bool:
    """Public communities are open to all; private ones to members and admins; archived
    ones only to their admins (who may restore them)."""
    if community is None:
        return False
    if actor.signed_in and (actor.is_platform_admin or community.id in actor.admin_of):
        return True
    if community.is_archived:
        return False
    return not community.is_private or (actor.signed_in and community.id in actor.member_of)


class PlaceInProject(Protocol):
    """Where a participation action happens: community, project, phase (and author)."""

    community: CommunityLike
    project: Any
    phase: Any
    author_id: int | None


def can_view_project(actor: Actor, where: PlaceInProject) -> bool:
    """A project is public once published, inside a community the actor may see.

    A community's own announcements (updates, events: no project) are as public as the
    community itself.
    """
    if where is None or not can_see_community(actor, where.community):
        return False
    if where.project is None:
        return True
    return where.project.published_at is not None or is_community_admin(actor, where.community)


def phase_is_open(_actor: Actor, where: PlaceInProject) -> bool:
    """Contributions are taken only in an open phase of an open, *published* project."""
    from civo.models.projects import phase_stage

    return (where.phase is not None and where.project is not None
            and where.project.published_at is not None
            and phase_stage(where.phase, where.project)[0] == "open")


def is_announcement(_actor: Actor, where: PlaceInProject) -> bool:
    """A community's own post (update, event, new project): it hosts no module."""
    return where is not None and where.phase is None


def is_news(_actor: Actor, where: PlaceInProject) -> bool:
    """The target *is* a community announcement (not a comment under one, nor a citizen's
    contribution that lost its phase): only then may the community's admins delete it."""
    from civo.models.announcements import ANNOUNCEMENT_KINDS

    return (where is not None and where.phase is None
            and getattr(where, "target", "") == "item"
            and getattr(where, "module_key", "") in ANNOUNCEMENT_KINDS)


def takes_part(feature: str) -> Callable[[Actor, Any], bool]:
    """Citizens may ``feature`` here: an open phase whose module offers it (registry), or
    — for comments and reactions only — a community's announcement in a live community."""

    module_ok = module_allows(feature)

    def predicate(actor: Actor, where: PlaceInProject) -> bool:
        if is_announcement(actor, where):
            return feature in ("comment", "react") and not where.community.is_archived
        return phase_is_open(actor, where) and module_ok(actor, where)

    return predicate


def module_allows(feature: str) -> Callable[[Actor, Any], bool]:
    """The phase's module offers ``feature`` (registry), so rules never name a module."""

    def predicate(_actor: Actor, where: PlaceInProject) -> bool:
        from civo.modules import MODULES

        if where.phase is None:
            return False
        spec = MODULES.get(where.phase.module_key)
        return spec is not None and spec.allows(feature)

    return predicate


def is_author(actor: Actor, where: PlaceInProject) -> bool:
    return actor.signed_in and where.author_id is not None and where.author_id == actor.user_id


def is_project_admin(actor: Actor, where: PlaceInProject) -> bool:
    return is_community_admin(actor, where.community)


def has_a_role(actor: Actor, _target: Any = None) -> bool:
    """Platform admin, moderator or admin of at least one community: the dashboard's users."""
    return actor.signed_in and (actor.is_platform_admin or actor.is_moderator
                                or bool(actor.admin_of))


def administers_some_community(actor: Actor, _target: Any = None) -> bool:
    return actor.signed_in and (actor.is_platform_admin or bool(actor.admin_of))


def can_moderate(actor: Actor, community: CommunityLike) -> bool:
    """Moderators everywhere; a community's admins inside their communities."""
    return is_moderator(actor) or is_community_admin(actor, community)


def is_not_author(actor: Actor, where: PlaceInProject) -> bool:
    return actor.signed_in and where.author_id != actor.user_id


def can_create_community(actor: Actor, parent: CommunityLike | None) -> bool:
    """Top-level communities: platform admins; sub-communities: the parent's admins."""
    if parent is None:
        return is_platform_admin(actor)
    return is_community_admin(actor, parent)


def _any(*predicates: Callable[[Actor, Any], bool]) -> Callable[[Actor, Any], bool]:
    return lambda actor, target: any(p(actor, target) for p in predicates)


def _all(*predicates: Callable[[Actor, Any], bool]) -> Callable[[Actor, Any], bool]:
    return lambda actor, target: all(p(actor, target) for p in predicates)


# Public combinators for modules' own rule tables.
all_of = _all
any_of = _any


# ---- the rules ----------------------------------------------------------------------

RULES: dict[str, Callable[[Actor, Any], bool]] = {
    # accounts
    "account.register": is_anonymous,
    "account.manage_own": is_signed_in,
    # communities
    "community.view": can_see_community,
    "community.follow": _all(is_signed_in, can_see_community),
    "community.join_with_code": is_signed_in,
    # (target: the parent community, or None for a top-level one)
    "community.create": can_create_community,
    "community.edit": is_community_admin,
    "community.archive": is_community_admin,
    "community.delete": is_platform_admin,
    "community.manage_codes": is_community_admin,
    "community.grant_admin": is_community_admin,
    "community.view_admin_stats": is_community_admin,
    "community.announce": is_community_admin,
    # projects (target: the community)
    "project.create": is_community_admin,
    "project.manage": is_community_admin,
    "project.view": can_view_project,
    # participation (target: a PlaceInProject)
    "item.view": can_view_project,
    "item.contribute": _all(is_confirmed, can_view_project, takes_part("contribute")),
    "item.comment": _all(is_confirmed, can_view_project, takes_part("comment")),
    "item.react": _all(is_confirmed, can_view_project, takes_part("react")),
    "item.support": _all(is_confirmed, can_view_project, takes_part("support")),
    "item.favourite": _all(is_signed_in, can_view_project),
    "item.edit": _all(is_author, can_view_project),
    # Authors delete their own; a community's admins its announcements (the news itself,
    # never a citizen's comment under it). Moderators and admins never delete someone
    # else's words: they remove them through moderation (reason, author told, appeal, log).
    "item.delete": _all(can_view_project, _any(is_author, _all(is_news, is_project_admin))),
    "comment.delete": _all(can_view_project, is_author),
    "item.flag": _all(is_signed_in, can_view_project, is_not_author),
    "item.appeal": _all(is_author, can_view_project),
    "feed.personal": is_signed_in,
    # administration
    "admin.dashboard": has_a_role,
    "admin.inbox": administers_some_community,
    # moderation (target: the community of the content, or None for the queue itself)
    "moderation.review": _any(is_moderator, administers_some_community),
    "moderation.act": can_moderate,
    "moderation.audit": is_platform_admin,
    "moderation.suspend": is_platform_admin,
    # platform
    "platform.manage": is_platform_admin,
}


_CORE_PREFIXES = frozenset(name.split(".")[0] for name in RULES)


def register_rules(module_key: str, rules: dict[str, Callable[[Actor, Any], bool]]) -> None:
    """Add a participation module's own rules as ``"<module_key>.<name>"`` (the registry
    calls this when it registers the module)."""
    for name, predicate in rules.items():
        full = f"{module_key}.{name}"
        if full in RULES and RULES[full] is not predicate:
            raise ValueError(f"policy rule {full!r} is already defined")
        RULES[full] = predicate


def unregister_rules(module_key: str, rules: dict[str, Callable[[Actor, Any], bool]]) -> None:
    for name in rules:
        RULES.pop(f"{module_key}.{name}", None)


def can(actor: Actor, rule: str, target: Any = None) -> bool:
    """True when ``actor`` may do ``rule`` on ``target``. Unknown rules are refused."""
    predicate = RULES.get(rule)
    if predicate is None and "." in rule and rule.split(".")[0] not in _CORE_PREFIXES:
        import civo.modules  # noqa: F401  (a module's rules register with the registry)

        predicate = RULES.get(rule)
    if predicate is None:
        raise KeyError(f"unknown policy rule {rule!r}")
    return bool(predicate(actor, target))


def require(actor: Actor, rule: str, target: Any = None) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``rule`` on ``target``."""
    if not can(actor, rule, target):
        if not actor.signed_in:
            raise PermissionDenied("Please sign in to continue.")
        raise PermissionDenied("You are not allowed to do that.")


def visible_communities(actor: Actor, community_table: Any) -> sa.ColumnElement[bool]:
    """SQL twin of ``community.view`` for lists (a test keeps the two in agreement)."""
    if actor.signed_in and actor.is_platform_admin:
        return sa.true()
    live = community_table.is_archived.is_(False)
    clauses = [sa.and_(live, community_table.is_private.is_(False))]
    if actor.signed_in and actor.member_of:
        clauses.append(sa.and_(live, community_table.id.in_(actor.member_of)))
    if actor.signed_in and actor.admin_of:
        clauses.append(community_table.id.in_(actor.admin_of))
    return sa.or_(*clauses)
