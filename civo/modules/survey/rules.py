"""The questionnaire's own policy rules (registered as ``survey.<name>``); the target is
a :class:`civo.services.items.Where` of the questionnaire's phase."""

from __future__ import annotations

from typing import Any

from civo import policy
from civo.modules.survey.settings import VISITORS, setting


def is_survey(_actor: policy.Actor, where: Any) -> bool:
    return where is not None and where.phase is not None and where.phase.module_key == "survey"


def audience_admits(actor: policy.Actor, where: Any) -> bool:
    """Visitors too when the phase is open to them, else confirmed citizens only."""
    return setting(where.phase, "audience") == VISITORS or policy.is_confirmed(actor)


def results_public(_actor: policy.Actor, where: Any) -> bool:
    return where.phase.status == "closed" and bool(setting(where.phase, "public_results"))


_manage = policy.all_of(is_survey, policy.can_view_project, policy.is_project_admin)

RULES = {
    "respond": policy.all_of(is_survey, policy.can_view_project, policy.phase_is_open,
                             audience_admits),
    "view": policy.all_of(is_survey, policy.can_view_project),
    # Builder, results with free texts and breakdowns, exports: the community's admins.
    "manage": _manage,
    "view_results": policy.any_of(_manage, policy.all_of(is_survey, policy.can_view_project,
                                                         results_public)),
}
