"""Participatory budgeting: budget projects, ballots (drafts that are saved at once,
submitted ballots with a receipt code, paper ballots) and outcomes computed as real cities
count them (greedy by votes; Method of Equal Shares with Add1), with pabulib import/export.

The module's SPEC is declared here by the UI layer; the data layer lives in ``models``,
the outcome rules in ``outcome`` and the pabulib file format in ``pabulib``.
"""

from civo.i18n import N_
from civo.models.notifications import Category
from civo.modules.budget.rules import (
    APPROVAL,
    CUMULATIVE,
    KNAPSACK,
    KNAPSACK_COUNT,
    RULES,
)
from civo.modules.registry import NOT_APPLICABLE, RECORDS, UI, Hooks, ModuleSpec, NotificationKind
from civo.modules.settings import Setting

_HOOKS = "civo.modules.budget.hooks:"
_UI = "civo.components.modules.budget:"

_KNAPSACK = ("ballot_rule", (KNAPSACK,))
_COUNT = ("ballot_rule", (KNAPSACK_COUNT,))
_APPROVAL = ("ballot_rule", (APPROVAL,))
_POINTS = ("ballot_rule", (CUMULATIVE,))

SETTINGS = (
    Setting("total_budget", "money", N_("Total budget"), default=100000, minimum=1,
            maximum=10**12, required=True, locked_once_used=True,
            help=N_("In the community's currency, whole amounts.")),
    Setting("residents_only", "boolean",
            N_("Only residents of this community's place may vote"), default=False,
            locked_once_used=True,
            help=N_("A voter's home place must lie inside the community's place.")),
    Setting("ballot_rule", "choice", N_("Ballot rule"), default=KNAPSACK,
            locked_once_used=True, choices=(
                (KNAPSACK, N_("Knapsack: pick projects within the budget, spending at least "
                              "a share of it")),
                (KNAPSACK_COUNT, N_("Knapsack with a number of projects: between a minimum "
                                    "and a maximum, within the budget")),
                (APPROVAL, N_("K-approval: choose up to K projects, cost ignored")),
                (CUMULATIVE, N_("Cumulative points: N points in all, at most P per project")),
            )),
    Setting("min_spend_percent", "percentage", N_("Spend at least (% of the budget)"),
            default=70, locked_once_used=True, shown_when=_KNAPSACK),
    Setting("min_projects", "integer", N_("At least this many projects"), default=1,
            minimum=0, maximum=1000, locked_once_used=True, shown_when=_COUNT),
    Setting("max_projects", "integer", N_("At most this many projects"), default=5,
            minimum=1, maximum=1000, locked_once_used=True, shown_when=_COUNT),
    Setting("max_choices", "integer", N_("Up to K projects"), default=5, minimum=1,
            maximum=1000, locked_once_used=True, shown_when=_APPROVAL),
    Setting("min_choices", "integer", N_("At least M projects (optional)"), default=0,
            minimum=0, maximum=1000, locked_once_used=True, shown_when=_APPROVAL),
    Setting("points_total", "integer", N_("Points in all"), default=7, minimum=1,
            maximum=1000, locked_once_used=True, shown_when=_POINTS),
    Setting("points_per_project", "integer", N_("At most this many points per project"),
            default=3, minimum=1, maximum=1000, locked_once_used=True, shown_when=_POINTS),
    Setting("outcome_rule", "choice", N_("Outcome rule"), default="greedy",
            locked_once_used=True, choices=(
                ("greedy", N_("Greedy by votes")),
                ("mes-add1", N_("Method of Equal Shares with Add1")),
            )),
    Setting("greedy_completion", "boolean", N_("Greedy completion after the Method of Equal "
                                               "Shares"), default=False,
            locked_once_used=True, shown_when=("outcome_rule", ("mes-add1",)),
            help=N_("Fund further projects by votes with the money the method leaves.")),
)

SPEC = ModuleSpec(
    key="budget",
    label=N_("Participatory budget"),
    icon="piggy-bank",
    holds=RECORDS,
    settings=SETTINGS,
    rules=RULES,
    notification_kinds={
        "budget_on_ballot": NotificationKind(
            Category.CONTRIBUTIONS, N_("Your idea “{title}” is on the ballot of {phase}."),
            event="budget.idea_on_ballot"),
        "budget_funded": NotificationKind(
            Category.CONTRIBUTIONS, N_("Your idea “{title}” was funded in {phase}."),
            event="budget.idea_funded"),
        "budget_reminder": NotificationKind(
            Category.CONTRIBUTIONS, N_("Your ballot in {phase} is a draft, not counted yet: "
                                       "submit it before the vote closes."),
            event="budget.reminder"),
    },
    # Reminders 3 days before a vote ends (every housekeeping round; sent once per draft).
    periodic="civo.modules.budget.ballots:send_reminders",
    # python -m civo.cli budget-outcome FILE.pb (check a published result).
    commands=("civo.modules.budget.check:add_command",),
    hooks=Hooks(
        participants=_HOOKS + "participants",
        personal_data=_HOOKS + "personal_data",
        erase=_HOOKS + "erase",
        stats=_HOOKS + "stats",
        export=_HOOKS + "export",
        open_data=_HOOKS + "open_data",
        results=_HOOKS + "results",
        seed=_HOOKS + "seed",
        describe=NOT_APPLICABLE,       # records, not items: no item page
        list_details=NOT_APPLICABLE,
    ),
    ui=UI(
        panel=_UI + "budget_panel",
        item_extra=NOT_APPLICABLE,
        inbox_extra=NOT_APPLICABLE,
        admin_panel=_UI + "budget_admin_panel",
        results_panel=_UI + "budget_results",
    ),
)

from civo.modules.budget import models  # noqa: E402,F401  (its tables, for Alembic)
