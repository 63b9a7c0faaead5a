"""Idea box: ideas with one support per citizen and an official status from the community."""

from civo.i18n import N_
from civo.models.notifications import Category
from civo.modules.ideas.rules import RULES
from civo.modules.registry import ITEMS, NOT_APPLICABLE, UI, Hooks, ModuleSpec, NotificationKind

_HOOKS = "civo.modules.ideas.hooks:"
_UI = "civo.components.modules.ideas:"

SPEC = ModuleSpec(
    key="ideas",
    label=N_("Idea box"),
    icon="lightbulb",
    holds=ITEMS,
    item_label=N_("Idea"),
    features=frozenset({"contribute", "comment", "react", "support"}),
    rules=RULES,
    notification_kinds={
        "status": NotificationKind(Category.CONTRIBUTIONS,
                                   N_("{community} answered your idea “{title}”."),
                                   event="idea.status_changed"),
    },
    export_columns=("status",),
    open_data_fields=("status",),
    hooks=Hooks(
        participants=_HOOKS + "participants",
        personal_data=_HOOKS + "personal_data",
        erase=_HOOKS + "erase",
        stats=_HOOKS + "stats",
        export=_HOOKS + "public_fields",
        open_data=_HOOKS + "public_fields",
        results=_HOOKS + "results",
        seed=_HOOKS + "seed",
        describe="civo.modules.ideas.services:describe",
        list_details="civo.modules.ideas.services:details",
    ),
    ui=UI(
        panel=_UI + "ideas_panel",
        item_extra=_UI + "ideas_item_extra",
        inbox_extra=_UI + "ideas_inbox_extra",
        admin_panel=NOT_APPLICABLE,
        results_panel=_UI + "ideas_results",
    ),
)

from civo.modules.ideas import models  # noqa: E402,F401  (its tables, for Alembic)
