"""Questionnaire: sections and questions of eight kinds, answered once per account or per
browser, drafts kept page by page, results as SQL aggregates. A response is the module's
own record (``RECORDS``), not an item."""

from civo.i18n import N_
from civo.modules.registry import NOT_APPLICABLE, RECORDS, UI, Hooks, ModuleSpec
from civo.modules.survey.rules import RULES
from civo.modules.survey.settings import SETTINGS

_HOOKS = "civo.modules.survey.hooks:"
_UI = "civo.components.modules.survey:"

SPEC = ModuleSpec(
    key="survey",
    label=N_("Questionnaire"),
    icon="clipboard-list",
    holds=RECORDS,
    settings=SETTINGS,
    rules=RULES,
    hooks=Hooks(
        participants=_HOOKS + "participants",
        personal_data=_HOOKS + "personal_data",
        erase=_HOOKS + "erase",
        stats=_HOOKS + "stats",
        export=_HOOKS + "export",
        open_data=_HOOKS + "open_data",
        results=_HOOKS + "results",
        seed=_HOOKS + "seed",
        describe=NOT_APPLICABLE,       # no items
        list_details=NOT_APPLICABLE,   # no items
    ),
    ui=UI(
        panel=_UI + "survey_panel",
        item_extra=NOT_APPLICABLE,     # no items
        inbox_extra=NOT_APPLICABLE,    # responses are not contributions to read one by one
        admin_panel=_UI + "survey_admin_panel",
        results_panel=_UI + "survey_results",
        invitation=_UI + "survey_invitation",
    ),
)

from civo.modules.survey import models  # noqa: E402,F401  (its tables, for Alembic)
