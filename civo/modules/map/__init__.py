"""Map consultations: citizens drop pins (items) on their community's map, in categories."""

from civo.i18n import N_
from civo.modules.map.rules import RULES
from civo.modules.registry import ITEMS, NOT_APPLICABLE, UI, Hooks, ModuleSpec

_HOOKS = "civo.modules.map.hooks:"
_UI = "civo.components.modules.map:"

SPEC = ModuleSpec(
    key="map",
    label=N_("Map"),
    icon="map-pin",
    holds=ITEMS,
    item_label=N_("Pin"),
    features=frozenset({"contribute", "comment", "react"}),
    rules=RULES,
    export_columns=("lat", "lon", "category"),
    open_data_fields=("lat", "lon", "category"),
    api="civo.modules.map.api:router",
    hooks=Hooks(
        participants=NOT_APPLICABLE,   # pins are items: the core counts them
        personal_data=_HOOKS + "personal_data",
        erase=NOT_APPLICABLE,          # a pin stays where it was published, anonymised
        stats=_HOOKS + "stats",
        export=_HOOKS + "public_fields",
        open_data=_HOOKS + "public_fields",
        results=_HOOKS + "results",
        seed=_HOOKS + "seed",
        describe="civo.modules.map.services:describe",
        list_details=NOT_APPLICABLE,
    ),
    ui=UI(
        panel=_UI + "map_panel",
        item_extra=_UI + "map_item_extra",
        inbox_extra=NOT_APPLICABLE,
        admin_panel=_UI + "map_admin_panel",
        results_panel=_UI + "map_results",
        overview=_UI + "map_overview",
    ),
)

from civo.modules.map import models  # noqa: E402,F401  (its tables, for Alembic)
