"""The budget's ballot rules (pure: no database) and its policy rules.

A phase's settings name one ballot rule (:class:`BallotRule`):

- ``knapsack``: projects whose total fits the budget, spending at least X % of it;
- ``knapsack_count``: between min and max projects, within the budget;
- ``approval``: up to K projects (optionally at least M), cost ignored;
- ``cumulative``: N points in all, at most P per project.

A ballot is saved as a draft at every change: a change that breaks a *hard* limit (over
budget, too many projects, too many points) is refused with the reason; the *minimums*
(spend at least X %, at least M projects) are only needed to submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_currency

from civo import i18n, policy
from civo.services.errors import ValidationError

KNAPSACK = "knapsack"
KNAPSACK_COUNT = "knapsack_count"
APPROVAL = "approval"
CUMULATIVE = "cumulative"
BALLOT_RULES = (KNAPSACK, KNAPSACK_COUNT, APPROVAL, CUMULATIVE)


def money(amount: int, currency: str, locale: str) -> str:
    """A whole amount in the community's currency, per locale ("€70,000", "70 000 €")."""
    try:
        return format_currency(amount, currency or "EUR", locale=locale, format="¤#,##0",
                               currency_digits=False)
    except Exception:  # noqa: BLE001 - an unknown locale or currency: plain digits
        return f"{amount} {currency}"


@dataclass(frozen=True)
class BallotRule:
    """One phase's ballot rule and limits, read from its settings."""

    kind: str = KNAPSACK
    budget: int = 0
    min_spend_percent: int = 70
    min_projects: int = 1
    max_projects: int = 5
    min_choices: int = 0
    max_choices: int = 5
    points_total: int = 7
    points_per_project: int = 3

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> BallotRule:
        from civo.modules.budget import SPEC

        value = {s.name: s.stored(settings or {}) for s in SPEC.settings}
        return cls(kind=value["ballot_rule"], budget=int(value["total_budget"] or 0),
                   min_spend_percent=int(value["min_spend_percent"] or 0),
                   min_projects=int(value["min_projects"] or 0),
                   max_projects=int(value["max_projects"] or 0),
                   min_choices=int(value["min_choices"] or 0),
                   max_choices=int(value["max_choices"] or 0),
                   points_total=int(value["points_total"] or 0),
                   points_per_project=int(value["points_per_project"] or 0))

    @property
    def uses_points(self) -> bool:
        return self.kind == CUMULATIVE

    @property
    def uses_cost(self) -> bool:
        return self.kind in (KNAPSACK, KNAPSACK_COUNT)

    @property
    def min_spend(self) -> int:
        """The least a knapsack ballot spends (rounded up: "at least 70 %")."""
        return -(-self.budget * self.min_spend_percent // 100) if self.kind == KNAPSACK else 0

    # ---- in words ------------------------------------------------------------------

    def describe(self, locale: str, currency: str) -> str:
        """The rule in words, shown before the first click."""
        m = lambda n: money(n, currency, locale)  # noqa: E731
        if self.kind == KNAPSACK:
            if self.min_spend:
                return i18n.gettext(locale, "Spend at least {min} of {budget}.",
                                    min=m(self.min_spend), budget=m(self.budget))
            return i18n.gettext(locale, "Spend up to {budget}.", budget=m(self.budget))
        if self.kind == KNAPSACK_COUNT:
            return i18n.gettext(locale, "Choose between {min} and {max} projects, "
                                "spending at most {budget}.", min=self.min_projects,
                                max=self.max_projects, budget=m(self.budget))
        if self.kind == APPROVAL:
            if self.min_choices > 1:
                return i18n.gettext(locale, "Choose between {min} and {max} projects.",
                                    min=self.min_choices, max=self.max_choices)
            return i18n.ngettext(locale, "Choose up to {n} project.",
                                 "Choose up to {n} projects.", self.max_choices)
        return i18n.gettext(locale, "{total} points, at most {per} per project.",
                            total=self.points_total, per=self.points_per_project)

    # ---- checks ----------------------------------------------------------------------

    def check_draft(self, lines: Mapping[int, int], costs: Mapping[int, int], *,
                    locale: str, currency: str, title: str = "") -> None:
        """Refuse a draft that breaks a hard limit (the reason names it)."""
        m = lambda n: money(n, currency, locale)  # noqa: E731
        count = len(lines)
        if self.uses_cost:
            spent = sum(costs[p] for p in lines)
            if spent > self.budget:
                raise ValidationError(
                    "“{title}” costs {cost}: with it your ballot would spend {spent}, more "
                    "than the budget of {budget}. Remove a project first.", title=title,
                    cost=m(costs.get(_last(lines), 0)), spent=m(spent), budget=m(self.budget))
        if self.kind == KNAPSACK_COUNT and count > self.max_projects:
            raise ValidationError("You can choose at most {n} projects: remove one first.",
                                  n=self.max_projects)
        if self.kind == APPROVAL and count > self.max_choices:
            raise ValidationError("You can choose at most {n} projects: remove one first.",
                                  n=self.max_choices)
        if self.kind == CUMULATIVE:
            if any(points > self.points_per_project for points in lines.values()):
                raise ValidationError("At most {n} points per project.",
                                      n=self.points_per_project)
            if sum(lines.values()) > self.points_total:
                raise ValidationError("You have no points left: take points from another "
                                      "project first.")
        elif any(points != 1 for points in lines.values()):
            raise ValidationError("Invalid request.")

    def check_submit(self, lines: Mapping[int, int], costs: Mapping[int, int], *,
                     locale: str, currency: str) -> None:
        """Refuse to count a ballot that does not meet the rule's minimums."""
        self.check_draft(lines, costs, locale=locale, currency=currency)
        m = lambda n: money(n, currency, locale)  # noqa: E731
        if not lines:
            raise ValidationError("Your ballot is empty: choose at least one project.")
        if self.kind == KNAPSACK and sum(costs[p] for p in lines) < self.min_spend:
            raise ValidationError("Spend at least {min} to submit: your ballot spends {spent}.",
                                  min=m(self.min_spend),
                                  spent=m(sum(costs[p] for p in lines)))
        if self.kind == KNAPSACK_COUNT and len(lines) < self.min_projects:
            raise ValidationError("Choose at least {n} projects to submit.",
                                  n=self.min_projects)
        if self.kind == APPROVAL and len(lines) < self.min_choices:
            raise ValidationError("Choose at least {n} projects to submit.",
                                  n=self.min_choices)

    def ready(self, lines: Mapping[int, int], costs: Mapping[int, int]) -> bool:
        try:
            self.check_submit(lines, costs, locale="en", currency="EUR")
        except ValidationError:
            return False
        return True

    def summary(self, lines: Mapping[int, int], costs: Mapping[int, int]) -> dict[str, int]:
        """What the sticky summary shows: spent and left (money or points), in percent."""
        if self.uses_points:
            used, total = sum(lines.values()), self.points_total
        elif self.uses_cost:
            used, total = sum(costs[p] for p in lines), self.budget
        else:
            used, total = len(lines), self.max_choices
        return {"used": used, "total": total, "left": max(total - used, 0),
                "percent": min(100, used * 100 // total) if total else 0,
                "count": len(lines)}


def _last(lines: Mapping[int, int]) -> int:
    return next(reversed(tuple(lines)), 0)


# ---- policy (registered as "budget.<name>") ------------------------------------------


def _is_budget(_actor: policy.Actor, where: Any) -> bool:
    return where is not None and where.phase is not None and where.phase.module_key == "budget"


RULES = {
    # Confirmed citizens vote in an open budget phase of a project they can see
    # (eligibility by home place is checked by the service: it needs the place tree).
    "vote": policy.all_of(policy.is_confirmed, policy.can_view_project, _is_budget,
                          policy.phase_is_open),
    # The community's admins manage the ballot's projects, compute and publish.
    "manage": policy.all_of(policy.can_view_project, policy.is_project_admin, _is_budget),
}
