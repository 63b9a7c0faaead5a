"""Idea box: ideas with one support per citizen and an official status from the community."""

from civo.i18n import N_
from civo.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="ideas",
    label=N_("Idea box"),
    item_label=N_("Idea"),
    icon="lightbulb",
    features=frozenset({"contribute", "comment", "react", "support"}),
    panel="civo.components.modules.ideas:ideas_panel",
    item_extra="civo.components.modules.ideas:ideas_item_extra",
    describe="civo.modules.ideas.services:describe",
    list_details="civo.modules.ideas.services:details",
    inbox_extra="civo.components.modules.ideas:ideas_inbox_extra",
)

from civo.modules.ideas import models  # noqa: E402,F401  (its tables, for Alembic)
