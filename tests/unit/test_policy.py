"""The policy matrix: every rule × every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from civo import policy
from civo.policy import Actor


@dataclass
class C:
    id: int
    is_private: bool = False


LYON, NICE, COUNCIL = C(1), C(2), C(3, is_private=True)

ROLES = {
    "anonymous": policy.ANONYMOUS,
    "citizen": Actor(user_id=10),
    "member": Actor(user_id=11, member_of=frozenset({3})),
    "lyon_admin": Actor(user_id=12, admin_of=frozenset({1})),
    "council_admin": Actor(user_id=13, admin_of=frozenset({3})),
    "moderator": Actor(user_id=14, is_moderator=True),
    "platform_admin": Actor(user_id=15, is_platform_admin=True),
}

# rule, target → the roles allowed (every other role is refused)
MATRIX = [
    ("account.register", None, {"anonymous"}),
    ("account.manage_own", None, set(ROLES) - {"anonymous"}),
    ("community.view", LYON, set(ROLES)),
    ("community.view", COUNCIL, {"member", "council_admin", "platform_admin"}),
    ("community.follow", LYON, set(ROLES) - {"anonymous"}),
    ("community.follow", COUNCIL, {"member", "council_admin", "platform_admin"}),
    ("community.join_with_code", None, set(ROLES) - {"anonymous"}),
    ("community.create", None, {"platform_admin"}),
    ("community.edit", LYON, {"lyon_admin", "platform_admin"}),
    ("community.edit", NICE, {"platform_admin"}),
    ("community.edit", COUNCIL, {"council_admin", "platform_admin"}),
    ("community.manage_codes", COUNCIL, {"council_admin", "platform_admin"}),
    ("community.grant_admin", LYON, {"lyon_admin", "platform_admin"}),
    ("community.view_admin_stats", NICE, {"platform_admin"}),
    ("project.create", LYON, {"lyon_admin", "platform_admin"}),
    ("project.create", NICE, {"platform_admin"}),
    ("moderation.review", None, {"moderator", "platform_admin"}),
    ("platform.manage", None, {"platform_admin"}),
]


@pytest.mark.parametrize(("rule", "target", "allowed"), MATRIX,
                         ids=[f"{r}-{getattr(t, 'id', '-')}" for r, t, _ in MATRIX])
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
