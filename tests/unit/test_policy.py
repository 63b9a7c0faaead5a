"""The policy matrix: every rule × every role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from civo import policy
from civo.policy import Actor


@dataclass
class C:
    id: int
    is_private: bool = False
    is_archived: bool = False


LYON, NICE, COUNCIL = C(1), C(2), C(3, is_private=True)
OLD_LYON, OLD_COUNCIL = C(1, is_archived=True), C(3, is_private=True, is_archived=True)

ROLES = {
    "anonymous": policy.ANONYMOUS,
    "citizen": Actor(user_id=10),
    "member": Actor(user_id=11, member_of=frozenset({3})),
    "lyon_admin": Actor(user_id=12, admin_of=frozenset({1})),
    "council_admin": Actor(user_id=13, admin_of=frozenset({3})),
    "moderator": Actor(user_id=14, is_moderator=True),
    "platform_admin": Actor(user_id=15, is_platform_admin=True),
}

@dataclass
class Proj:
    published_at: object = "2026-01-01"
    status: str = "open"
    starts_on: object = None


@dataclass
class Ph:
    module_key: str = "ideas"
    status: str = "open"
    settings: dict = field(default_factory=dict)
    starts_on: object = None
    ends_on: object = None


@dataclass
class W:
    """A participation target: community, project, phase, author."""

    community: C
    project: Proj | None
    phase: Ph | None
    author_id: int | None = None
    target: str = "item"
    module_key: str = "ideas"

    @property
    def id(self):
        if self.phase is None:
            return f"{self.community.id}-announcement"
        return f"{self.community.id}-{self.phase.module_key}-{self.phase.status}"


OPEN_LYON = W(LYON, Proj(), Ph())
DEBATE_LYON = W(LYON, Proj(), Ph(module_key="debate"))
CLOSED_LYON = W(LYON, Proj(), Ph(status="closed"))
CLOSED_PROJECT = W(LYON, Proj(status="closed"), Ph())
DRAFT_LYON = W(LYON, Proj(published_at=None), Ph())
OPEN_COUNCIL = W(COUNCIL, Proj(), Ph())
CITIZENS_IDEA = W(LYON, Proj(), Ph(), author_id=10)
LYON_UPDATE = W(LYON, None, None, author_id=12, module_key="update")  # Lyon's admin posted
OLD_LYON_UPDATE = W(OLD_LYON, None, None, author_id=12, module_key="update")
COUNCIL_UPDATE = W(COUNCIL, None, None, author_id=13, module_key="update")
# A citizen's comment under Lyon's news, and a citizen's idea that lost its phase: neither
# is the news, so Lyon's admins may not delete them (they go through moderation).
COMMENT_ON_LYON_UPDATE = W(LYON, None, None, author_id=10, target="comment")
PHASELESS_IDEA = W(LYON, Proj(), None, author_id=10)
MEMBERS_IDEA = W(COUNCIL, Proj(), Ph(), author_id=11)
BUDGET_LYON = W(LYON, Proj(), Ph(module_key="budget"))
CLOSED_BUDGET = W(LYON, Proj(), Ph(module_key="budget", status="closed"))
BUDGET_COUNCIL = W(COUNCIL, Proj(), Ph(module_key="budget"))
SIGNED_IN = set(ROLES) - {"anonymous"}
SURVEY_CITIZENS = W(LYON, Proj(), Ph(module_key="survey"))
SURVEY_VISITORS = W(LYON, Proj(), Ph(module_key="survey", settings={"audience": "visitors"}))
SURVEY_CLOSED = W(LYON, Proj(), Ph(module_key="survey", status="closed"))
SURVEY_PUBLISHED = W(LYON, Proj(), Ph(module_key="survey", status="closed",
                                      settings={"public_results": True}))
SURVEY_COUNCIL = W(COUNCIL, Proj(), Ph(module_key="survey",
                                       settings={"audience": "visitors"}))
COUNCIL_INSIDERS = {"member", "council_admin", "platform_admin"}

# rule, target → the roles allowed (every other role is refused)
MATRIX = [
    ("account.register", None, {"anonymous"}),
    ("account.manage_own", None, set(ROLES) - {"anonymous"}),
    ("community.view", LYON, set(ROLES)),
    ("community.view", COUNCIL, {"member", "council_admin", "platform_admin"}),
    # Archived: only its admins still see it (members and the public do not).
    ("community.view", OLD_LYON, {"lyon_admin", "platform_admin"}),
    ("community.view", OLD_COUNCIL, {"council_admin", "platform_admin"}),
    ("community.follow", LYON, set(ROLES) - {"anonymous"}),
    ("community.follow", COUNCIL, {"member", "council_admin", "platform_admin"}),
    ("community.join_with_code", None, set(ROLES) - {"anonymous"}),
    ("community.create", None, {"platform_admin"}),          # a top-level community
    ("community.create", LYON, {"lyon_admin", "platform_admin"}),  # a sub-community of Lyon
    ("community.create", NICE, {"platform_admin"}),
    ("community.edit", LYON, {"lyon_admin", "platform_admin"}),
    ("community.edit", NICE, {"platform_admin"}),            # Lyon's admin cannot edit Nice
    ("community.edit", COUNCIL, {"council_admin", "platform_admin"}),
    ("community.archive", LYON, {"lyon_admin", "platform_admin"}),
    ("community.archive", NICE, {"platform_admin"}),
    ("community.delete", LYON, {"platform_admin"}),
    ("community.manage_codes", COUNCIL, {"council_admin", "platform_admin"}),
    ("community.manage_codes", LYON, {"lyon_admin", "platform_admin"}),
    ("community.grant_admin", LYON, {"lyon_admin", "platform_admin"}),
    ("community.grant_admin", NICE, {"platform_admin"}),
    ("community.view_admin_stats", LYON, {"lyon_admin", "platform_admin"}),
    ("community.view_admin_stats", NICE, {"platform_admin"}),
    ("community.announce", LYON, {"lyon_admin", "platform_admin"}),
    ("community.announce", NICE, {"platform_admin"}),
    ("project.create", LYON, {"lyon_admin", "platform_admin"}),
    ("project.create", NICE, {"platform_admin"}),
    ("project.manage", LYON, {"lyon_admin", "platform_admin"}),
    ("project.manage", NICE, {"platform_admin"}),
    ("project.manage", COUNCIL, {"council_admin", "platform_admin"}),
    ("project.view", OPEN_LYON, set(ROLES)),
    ("project.view", DRAFT_LYON, {"lyon_admin", "platform_admin"}),
    ("project.view", OPEN_COUNCIL, COUNCIL_INSIDERS),
    ("item.view", OPEN_LYON, set(ROLES)),
    ("item.view", OPEN_COUNCIL, COUNCIL_INSIDERS),
    ("item.contribute", OPEN_LYON, SIGNED_IN),
    ("item.contribute", CLOSED_LYON, set()),
    ("item.contribute", CLOSED_PROJECT, set()),
    # Nobody posts in a draft: its content would reach no feed, or leak into one.
    ("item.contribute", DRAFT_LYON, set()),
    ("item.contribute", OPEN_COUNCIL, COUNCIL_INSIDERS),
    ("item.comment", OPEN_LYON, SIGNED_IN),
    ("item.comment", CLOSED_LYON, set()),
    ("item.react", OPEN_LYON, SIGNED_IN),
    ("item.react", OPEN_COUNCIL, COUNCIL_INSIDERS),
    ("item.support", OPEN_LYON, SIGNED_IN),
    ("item.support", DEBATE_LYON, set()),  # debates have no supports (registry features)
    ("item.support", CLOSED_LYON, set()),
    ("item.favourite", OPEN_LYON, SIGNED_IN),
    ("item.favourite", CLOSED_LYON, SIGNED_IN),
    ("item.favourite", OPEN_COUNCIL, COUNCIL_INSIDERS),
    ("item.edit", CITIZENS_IDEA, {"citizen"}),
    ("item.edit", OPEN_LYON, set()),
    ("item.delete", CITIZENS_IDEA, {"citizen"}),  # moderators remove via moderation
    ("item.delete", MEMBERS_IDEA, {"member"}),
    ("ideas.set_status", CITIZENS_IDEA, {"lyon_admin", "platform_admin"}),
    ("ideas.set_status", MEMBERS_IDEA, {"council_admin", "platform_admin"}),
    # questionnaires (a module's own rules)
    ("survey.respond", SURVEY_CITIZENS, SIGNED_IN),
    ("survey.respond", SURVEY_VISITORS, set(ROLES)),
    ("survey.respond", SURVEY_CLOSED, set()),
    ("survey.respond", SURVEY_COUNCIL, COUNCIL_INSIDERS),
    ("survey.respond", OPEN_LYON, set()),  # not a questionnaire
    ("survey.view", SURVEY_COUNCIL, COUNCIL_INSIDERS),
    ("survey.manage", SURVEY_CITIZENS, {"lyon_admin", "platform_admin"}),
    ("survey.manage", SURVEY_COUNCIL, {"council_admin", "platform_admin"}),
    ("survey.view_results", SURVEY_CITIZENS, {"lyon_admin", "platform_admin"}),
    ("survey.view_results", SURVEY_CLOSED, {"lyon_admin", "platform_admin"}),
    ("survey.view_results", SURVEY_PUBLISHED, set(ROLES)),
    # The map's area and categories: the community's admins.
    ("map.configure", CITIZENS_IDEA, {"lyon_admin", "platform_admin"}),
    ("map.configure", MEMBERS_IDEA, {"council_admin", "platform_admin"}),
    # Budget: confirmed citizens vote in an open budget phase (eligibility by home place is
    # the service's); its community's admins manage, compute and publish.
    ("budget.vote", BUDGET_LYON, SIGNED_IN),
    ("budget.vote", CLOSED_BUDGET, set()),
    ("budget.vote", OPEN_LYON, set()),  # not a budget phase
    ("budget.vote", BUDGET_COUNCIL, COUNCIL_INSIDERS),
    ("budget.manage", BUDGET_LYON, {"lyon_admin", "platform_admin"}),
    ("budget.manage", CLOSED_BUDGET, {"lyon_admin", "platform_admin"}),
    ("budget.manage", BUDGET_COUNCIL, {"council_admin", "platform_admin"}),
    ("budget.manage", OPEN_LYON, set()),
    # Announcements: readable like their community; comments and reactions, no contributions.
    ("item.view", LYON_UPDATE, set(ROLES)),
    ("item.view", COUNCIL_UPDATE, COUNCIL_INSIDERS),
    ("item.comment", LYON_UPDATE, SIGNED_IN),
    ("item.react", LYON_UPDATE, SIGNED_IN),
    ("item.react", COUNCIL_UPDATE, COUNCIL_INSIDERS - {"anonymous"}),
    ("item.comment", OLD_LYON_UPDATE, set()),            # archived: read-only for everyone
    ("item.support", LYON_UPDATE, set()),
    ("item.contribute", LYON_UPDATE, set()),
    ("item.delete", LYON_UPDATE, {"lyon_admin", "platform_admin"}),
    ("item.delete", COMMENT_ON_LYON_UPDATE, {"citizen"}),
    ("item.delete", PHASELESS_IDEA, {"citizen"}),
    ("comment.delete", COMMENT_ON_LYON_UPDATE, {"citizen"}),
    ("comment.delete", CITIZENS_IDEA, {"citizen"}),
    ("item.flag", CITIZENS_IDEA, SIGNED_IN - {"citizen"}),  # anyone but its author
    ("item.flag", MEMBERS_IDEA, {"council_admin", "platform_admin"}),
    ("item.appeal", CITIZENS_IDEA, {"citizen"}),
    ("item.appeal", MEMBERS_IDEA, {"member"}),
    ("feed.personal", None, SIGNED_IN),
    # administration
    ("admin.dashboard", None, {"lyon_admin", "council_admin", "moderator", "platform_admin"}),
    ("admin.inbox", None, {"lyon_admin", "council_admin", "platform_admin"}),
    ("moderation.review", None, {"lyon_admin", "council_admin", "moderator",
                                 "platform_admin"}),
    ("moderation.act", LYON, {"lyon_admin", "moderator", "platform_admin"}),
    ("moderation.act", NICE, {"moderator", "platform_admin"}),
    ("moderation.audit", None, {"platform_admin"}),
    ("moderation.suspend", None, {"platform_admin"}),
    ("platform.manage", None, {"platform_admin"}),
]


@pytest.mark.parametrize(("rule", "target", "allowed"), MATRIX,
                         ids=[f"{r}-{getattr(t, 'id', '-')}{'-archived' if getattr(t, 'is_archived', 0) else ''}"
                              f"-{i}" for i, (r, t, _) in enumerate(MATRIX)])
@pytest.mark.parametrize("role", list(ROLES))
def test_rule_matrix(rule, target, allowed, role):
    expected = role in allowed
    assert policy.can(ROLES[role], rule, target) is expected
    if expected:
        policy.require(ROLES[role], rule, target)
    else:
        with pytest.raises(policy.PermissionDenied):
            policy.require(ROLES[role], rule, target)


def test_every_rule_is_in_the_matrix():
    assert {rule for rule, _, _ in MATRIX} == set(policy.RULES)


def test_unknown_rules_are_refused_loudly():
    with pytest.raises(KeyError):
        policy.can(ROLES["platform_admin"], "no.such.rule")


def test_sql_visibility_agrees_with_the_rule_for_every_role(session):
    """``visible_communities`` (lists) and ``community.view`` (one item) never disagree."""
    import sqlalchemy as sa
    from sqlmodel import select

    from civo.models import Community

    rows = session.exec(select(Community).order_by(Community.id)).all()
    lyon, council = (next(c for c in rows if c.slug == s) for s in
                     ("lyon", "conseil-de-quartier-croix-rousse"))
    nice = next(c for c in rows if c.slug == "nice")
    nice.is_archived = True  # an archived public community
    session.add(nice)
    session.commit()
    roles = {
        "anonymous": policy.ANONYMOUS,
        "citizen": Actor(user_id=10),
        "member": Actor(user_id=11, member_of=frozenset({council.id, nice.id})),
        "lyon_admin": Actor(user_id=12, admin_of=frozenset({lyon.id})),
        "nice_admin": Actor(user_id=13, admin_of=frozenset({nice.id})),
        "council_admin": Actor(user_id=14, admin_of=frozenset({council.id})),
        "platform_admin": Actor(user_id=15, is_platform_admin=True),
    }
    for name, who in roles.items():
        by_rule = {c.id for c in rows if policy.can(who, "community.view", c)}
        by_sql = set(session.exec(select(Community.id).where(
            policy.visible_communities(who, Community))).all())
        assert by_sql == by_rule, name
    assert nice.id not in {c.id for c in rows if policy.can(roles["member"], "community.view", c)}
    assert session.exec(select(sa.func.count()).select_from(Community)).one() == len(rows)
