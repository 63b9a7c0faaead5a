"""Debate: a question from the community; citizens answer with an optional stance."""

from civo.i18n import N_
from civo.modules.registry import ModuleSpec

SPEC = ModuleSpec(
    key="debate",
    label=N_("Debate"),
    item_label=N_("Contribution"),
    icon="messages-square",
    features=frozenset({"contribute", "comment", "react"}),
    settings={"question": (N_("Question"), 300)},
    panel="civo.components.modules.debate:debate_panel",
    item_extra="civo.components.modules.debate:debate_item_extra",
    describe="civo.modules.debate.services:describe",
)
