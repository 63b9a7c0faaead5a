"""The base of every dashboard state: a page-level refusal, form errors, success notes."""

from __future__ import annotations

from typing import Any

from civo.db import run_service
from civo.services.errors import CivoError
from civo.state.participation import ParticipationViews


def form_id(form: dict, key: str) -> int:
    """An id a form carries in a hidden field (text from the browser): a positive int or 0."""
    from civo.services.validate import is_number

    raw = str(form.get(key, "") or "")
    return int(raw) if is_number(raw) else 0


class Failed:
    """What :meth:`AdminState._call` returns when the service refused (message shown)."""


FAILED = Failed()


class AdminState(ParticipationViews):
    """Dashboard pages show ``denied`` instead of content when the policy says no."""

    denied: bool = False
    loaded: bool = False
    # A success note (announced politely) and the last refusal (form-level and per field).
    notice: str = ""
    error: str = ""
    errors: dict[str, str] = {}

    def _fail(self, error: CivoError) -> None:
        from civo.services.errors import FieldErrors

        text = self._error_text(error)
        self.error = text
        if isinstance(error, FieldErrors):  # every wrong field says what is wrong with it
            self.errors = {name: self._error_text(e) for name, e in error.errors.items()}
            if len(error.errors) > 1:
                self.error = self._tn("{n} field needs your attention.",
                                      "{n} fields need your attention.", len(error.errors))
        else:
            self.errors = {error.field: text} if error.field else {}
        self.notice = ""

    async def _call(self, func, /, **kwargs: Any) -> Any:
        """Run a policy-checked service as this tab's actor; FAILED (and a message) if
        it refused."""
        actor = await self._actor()
        try:
            result = await run_service(func, actor=actor, **kwargs)
        except CivoError as error:
            self._fail(error)
            return FAILED
        self.error, self.errors = "", {}
        return result

    async def _guard(self, func, /, **kwargs: Any) -> Any:
        """Load a page's data; a refusal (or a missing record) shows the refusal page."""
        self.notice, self.error, self.errors = "", "", {}
        result = await self._call(func, **kwargs)
        self.denied = result is FAILED
        self.loaded = True
        return result

    async def _guard_rule(self, rule: str) -> bool:
        """A page open to a role rather than to one record: the policy decides, and a
        refusal shows the refusal page (before anything is loaded)."""
        from civo import policy

        self.notice, self.error, self.errors = "", "", {}
        allowed = policy.can(await self._actor(), rule)
        self.denied, self.loaded = not allowed, True
        return allowed

    def _done(self, msgid: str, **params: Any) -> None:
        self.notice = self._t(msgid, **params)
        self.error, self.errors = "", {}
