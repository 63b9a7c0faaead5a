"""The questionnaire's phase settings (who may answer, anonymous or linked, public
results) and how a phase's stored settings read."""

from __future__ import annotations

from typing import Any

from civo.i18n import N_
from civo.modules.settings import Setting

VISITORS, CITIZENS = "visitors", "citizens"
ANONYMOUS, LINKED = "anonymous", "linked"

SETTINGS = (
    Setting("audience", "choice", N_("Who may answer"),
            help=N_("Visitors answer once per browser; confirmed citizens once per account."),
            choices=((CITIZENS, N_("Confirmed citizens only")),
                     (VISITORS, N_("Anyone, also visitors without an account"))),
            default=CITIZENS, locked_once_used=True),
    Setting("identity", "choice", N_("Responses"),
            help=N_("Stated to respondents before they start."),
            choices=((ANONYMOUS, N_("Anonymous: only a “has answered” marker is kept")),
                     (LINKED, N_("Linked to the account: included in “Download my data”"))),
            default=ANONYMOUS, locked_once_used=True),
    Setting("public_results", "boolean", N_("Publish the results once the phase closes"),
            default=False),
)


def setting(phase: Any, name: str) -> Any:
    found = next(s for s in SETTINGS if s.name == name)
    return found.stored(getattr(phase, "settings", None) or {})
