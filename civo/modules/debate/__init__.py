"""Debate: a question from the community; citizens answer with an optional stance."""

from civo.i18n import N_
from civo.modules.registry import ITEMS, NOT_APPLICABLE, UI, Hooks, ModuleSpec
from civo.modules.settings import Setting

_HOOKS = "civo.modules.debate.hooks:"
_UI = "civo.components.modules.debate:"

SPEC = ModuleSpec(
    key="debate",
    label=N_("Debate"),
    icon="messages-square",
    holds=ITEMS,
    item_label=N_("Contribution"),
    features=frozenset({"contribute", "comment", "react"}),
    settings=(Setting("question", "text", N_("Question"), max_length=300, default=""),),
    open_data_fields=("stance",),
    hooks=Hooks(
        participants=NOT_APPLICABLE,   # contributions, comments, reactions: the core's
        personal_data=NOT_APPLICABLE,  # a stance is part of the contribution itself
        erase=NOT_APPLICABLE,          # contributions stay, the core anonymises them
        stats=_HOOKS + "stats",
        export=NOT_APPLICABLE,         # the anonymised CSV shows contributions as they are
        open_data=_HOOKS + "public_fields",
        results=_HOOKS + "results",
        seed=_HOOKS + "seed",
        describe="civo.modules.debate.services:describe",
        list_details=NOT_APPLICABLE,
    ),
    ui=UI(
        panel=_UI + "debate_panel",
        item_extra=_UI + "debate_item_extra",
        inbox_extra=NOT_APPLICABLE,
        admin_panel=NOT_APPLICABLE,
        results_panel=_UI + "debate_results",
    ),
)
