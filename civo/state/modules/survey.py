"""The questionnaire's respondent state: one page of questions at a time.

Answers live in a backend var and are saved as the respondent's server draft on every
change (and checked page by page), so a validation error, a reload or a lost connection
loses nothing. Visitors are known by a random token in local storage; once they answered,
the ``questionnaireCompleted_<phase>`` cookie keeps it for 6 months. Every handler checks
its arguments against the questionnaire it loaded, and the services ask the policy.
"""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx

from civo.db import run_service
from civo.modules.survey import answers as checks
from civo.modules.survey import services as survey
from civo.services.errors import CivoError, FieldErrors
from civo.state.participation import ParticipationViews
from civo.state.project import ProjectState

COMPLETED = "questionnaireCompleted_"
WAIT = "questionnairewait_"
SIX_MONTHS = 183 * 24 * 3600


def completed_cookie_script(phase_id: int, token: str) -> str:
    return (f"document.cookie='{COMPLETED}{int(phase_id)}={token};path=/;"
            f"max-age={SIX_MONTHS};samesite=lax'")


def cookies_from(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found


class SurveyState(ParticipationViews):
    browser_token: str = rx.LocalStorage("", name="civo_survey_browser")
    page_questions: list[dict[str, Any]] = []
    page: int = 0
    pages: int = 0
    page_title: str = ""
    page_description: str = ""
    progress: int = 0
    loaded: bool = False
    done: bool = False
    can_answer: bool = False
    reason: str = ""
    anonymous: bool = True
    visitors: bool = False
    message: str = ""
    error: str = ""
    announce: str = ""
    sending: bool = False
    _phase_id: int = 0
    _answers: dict[str, Any] = {}
    _errors: dict[str, str] = {}
    _questions: list[Any] = []
    _sections: list[int] = []
    _section_views: list[dict[str, Any]] = []

    # ---- loading -------------------------------------------------------------------

    def _token(self) -> str:
        token = self.browser_token
        if not (isinstance(token, str) and survey.TOKEN.match(token)):
            token = self.browser_token = secrets.token_urlsafe(24)
        return token

    def _completed_cookie(self) -> str:
        try:
            header = self.router.headers.cookie
        except AttributeError:
            header = ""
        return cookies_from(header).get(f"{COMPLETED}{self._phase_id}", "")

    @rx.event
    async def load(self):
        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        await self._load()

    async def _load(self, *, preview: bool = False) -> None:
        actor = await self._actor()
        self.message = self.error = self.announce = ""
        self._errors = {}
        try:
            form = await run_service(survey.form, actor=actor, phase_id=self._phase_id,
                                     browser_token=self._token())
            if not form.done and not actor.signed_in:
                earlier = self._completed_cookie()
                if earlier and earlier != self.browser_token and survey.TOKEN.match(earlier):
                    done = await run_service(survey.form, actor=actor,
                                             phase_id=self._phase_id, browser_token=earlier)
                    form.done = done.done
                    form.can_answer = form.can_answer and not done.done
        except CivoError as error:
            self.loaded, self.can_answer, self.error = True, False, self._error_text(error)
            return
        self._questions = form.questions
        self._sections = [s["id"] for s in form.sections]
        self._section_views = form.sections
        self._answers = form.answers
        self.pages, self.page = len(form.sections), form.page
        self.done, self.can_answer = form.done, form.can_answer or preview
        self.reason = self._t(form.reason) if form.reason else ""
        self.anonymous, self.visitors = form.anonymous, form.visitors
        self.loaded = True
        self._draw()

    # ---- the page's view -------------------------------------------------------------

    def _clean_so_far(self) -> dict[int, Any]:
        """The answers that pass their checks (for display conditions)."""
        found: dict[int, Any] = {}
        for q in self._questions:
            raw = self._answers.get(str(q.id))
            if not checks.shown(q, found) or not isinstance(raw, dict):
                continue
            try:
                found[q.id] = checks.clean_one(q, raw)
            except CivoError:
                continue
        return found

    def _draw(self) -> None:
        if not self._sections:
            self.page_questions, self.progress = [], 0
            return
        self.page = max(0, min(self.page, len(self._sections) - 1))
        section = self._sections[self.page]
        view = next((s for s in self._section_views if s["id"] == section), {})
        self.page_title = view.get("title", "")
        self.page_description = view.get("description", "")
        self.progress = round(100 * self.page / max(1, len(self._sections)))
        clean = self._clean_so_far()
        rows = []
        for q in self._questions:
            if q.section_id != section or not checks.shown(q, clean):
                continue
            raw = self._answers.get(str(q.id)) or {}
            rows.append(self._question_view(q, raw))
        self.page_questions = rows

    def _question_view(self, q: checks.Question, raw: dict[str, Any]) -> dict[str, Any]:
        chosen = {str(raw.get("choice", ""))} | {str(c) for c in raw.get("choices", []) or []}
        ranking = [str(i) for i in raw.get("ranking", []) or []]
        by_id = {str(o.id): o for o in q.options}
        if sorted(ranking) != sorted(by_id):
            ranking = list(by_id)
        matrix = {str(k): str(v) for k, v in (raw.get("rows") or {}).items()}
        other = next((str(o.id) for o in q.options if o.other), "")
        hint = ""
        if q.kind == "multiple" and q.low and q.high:
            hint = self._t("Choose {low} to {high} options.", low=q.low, high=q.high)
        elif q.kind == "multiple" and q.high:
            hint = self._t("Choose up to {n} options.", n=q.high)
        elif q.kind == "number" and q.low is not None and q.high is not None:
            hint = self._t("A number from {low} to {high}.", low=q.low, high=q.high)
        elif q.kind == "ranking":
            hint = self._t("Use the buttons to move an option up or down.")
        return {
            "id": str(q.id), "kind": q.kind, "title": q.title, "help": q.help, "hint": hint,
            "required": q.required, "error": self._errors.get(f"q{q.id}", ""),
            "options": [{"id": str(o.id), "label": self._t(o.label) if o.other else o.label,
                         "checked": str(o.id) in chosen} for o in q.options],
            "rows": [{"id": str(r.id), "label": r.label, "value": matrix.get(str(r.id), "")}
                     for r in q.rows],
            "scale": [{"value": str(v), "checked": str(raw.get("number", "")) == str(v)}
                      for v in range((q.low or 0), (q.high or 0) + 1)]
            if q.kind == "scale" else [],
            "low_label": q.low_label, "high_label": q.high_label,
            "text": str(raw.get("text", "") or ""), "number": str(raw.get("number", "") or ""),
            "other_id": other, "other_text": str(raw.get("other", "") or ""),
            "other_on": bool(other) and other in chosen,
            "ranking": [{"id": i, "label": by_id[i].label, "position": n + 1}
                        for n, i in enumerate(ranking)],
        }

    def _question(self, question_id: Any) -> checks.Question | None:
        return next((q for q in self._questions if str(q.id) == str(question_id)), None)

    async def _changed(self, question_id: Any, value: dict[str, Any]) -> None:
        """Keep one answer, redraw (conditions), save the draft on the server."""
        q = self._question(question_id)
        if q is None or not self.can_answer:
            return
        self._answers = {**self._answers, str(q.id): value}
        self._errors = {k: v for k, v in self._errors.items() if k != f"q{q.id}"}
        self._draw()
        await self._save(check=False)

    async def _save(self, *, check: bool) -> dict[str, CivoError]:
        try:
            return await run_service(survey.save_page, actor=await self._actor(),
                                     phase_id=self._phase_id, browser_token=self._token(),
                                     page=self.page, answers=self._answers,
                                     check_page=self.page if check else None)
        except CivoError as error:
            self.error = self._error_text(error)
            return {}

    # ---- answering (every argument checked against the loaded questions) -------------

    @rx.event
    async def choose(self, question_id: str, choice_id: str):
        q = self._question(question_id)
        if q is None or q.kind != "single":
            return
        raw = dict(self._answers.get(str(q.id)) or {})
        await self._changed(q.id, {"choice": str(choice_id), "other": raw.get("other", "")})

    @rx.event
    async def toggle(self, question_id: str, choice_id: str):
        q = self._question(question_id)
        if q is None or q.kind != "multiple":
            return
        raw = dict(self._answers.get(str(q.id)) or {})
        chosen = [str(c) for c in raw.get("choices", []) or []]
        chosen = [c for c in chosen if c != str(choice_id)] if str(choice_id) in chosen \
            else [*chosen, str(choice_id)]
        await self._changed(q.id, {"choices": chosen[:50], "other": raw.get("other", "")})

    @rx.event
    async def set_text(self, question_id: str, value: str):
        q = self._question(question_id)
        if q is None or q.kind not in ("short", "long", "number"):
            return
        key = "number" if q.kind == "number" else "text"
        await self._changed(q.id, {key: str(value)[:checks.LONG_MAX + 1]})

    @rx.event
    async def set_other(self, question_id: str, value: str):
        q = self._question(question_id)
        if q is None or q.kind not in ("single", "multiple"):
            return
        raw = dict(self._answers.get(str(q.id)) or {})
        await self._changed(q.id, {**raw, "other": str(value)[:checks.OTHER_MAX + 1]})

    @rx.event
    async def set_scale(self, question_id: str, value: str):
        q = self._question(question_id)
        if q is None or q.kind != "scale":
            return
        await self._changed(q.id, {"number": str(value)[:4]})

    @rx.event
    async def set_row(self, question_id: str, row_id: str, choice_id: str):
        q = self._question(question_id)
        if q is None or q.kind != "matrix":
            return
        raw = dict(self._answers.get(str(q.id)) or {})
        rows = {str(k): str(v) for k, v in (raw.get("rows") or {}).items()}
        rows[str(row_id)[:12]] = str(choice_id)[:12]
        await self._changed(q.id, {"rows": dict(list(rows.items())[:50])})

    @rx.event
    async def move(self, question_id: str, choice_id: str, offset: int):
        q = self._question(question_id)
        if q is None or q.kind != "ranking" or offset not in (-1, 1):
            return
        view = self._question_view(q, self._answers.get(str(q.id)) or {})
        order = [r["id"] for r in view["ranking"]]
        if str(choice_id) not in order:
            return
        i = order.index(str(choice_id))
        j = i + offset
        if not 0 <= j < len(order):
            return
        order[i], order[j] = order[j], order[i]
        label = next(o.label for o in q.options if str(o.id) == str(choice_id))
        await self._changed(q.id, {"ranking": order})
        self.announce = self._t("{label}: position {n} of {total}", label=label, n=j + 1,
                                total=len(order))

    # ---- pages and sending ------------------------------------------------------------

    def _show_errors(self, errors: dict[str, CivoError]) -> None:
        self._errors = {k: self._error_text(v) for k, v in errors.items()}
        self.error = self._tn("One answer needs your attention.",
                              "{n} answers need your attention.", len(errors))
        self._draw()

    @rx.event
    async def next_page(self):
        if not self.can_answer:
            return
        errors = await self._save(check=True)
        if errors:
            self._show_errors(errors)
            return
        if self.page < self.pages - 1:
            self.page += 1
            self.error = ""
            self._errors = {}
            self._draw()
            await self._save(check=False)
            return rx.call_script("document.getElementById('survey-page-title')?.focus()")

    @rx.event
    async def previous_page(self):
        if self.page > 0:
            self.page -= 1
            self.error, self._errors = "", {}
            self._draw()
            await self._save(check=False)
            return rx.call_script("document.getElementById('survey-page-title')?.focus()")

    @rx.event
    async def submit(self):
        if not self.can_answer or self.sending:
            return
        errors = await self._save(check=True)
        if errors:
            self._show_errors(errors)
            return
        self.sending = True
        try:
            await run_service(survey.submit, actor=await self._actor(),
                              phase_id=self._phase_id, browser_token=self._token(),
                              answers=self._answers, client=self.router.session.client_ip)
        except FieldErrors as error:
            self.sending = False
            first = next(iter(error.errors))
            q = self._question(first[1:])
            if q is not None and q.section_id in self._sections:
                self.page = self._sections.index(q.section_id)
            self._show_errors(error.errors)
            return
        except CivoError as error:
            self.sending = False
            self.error = self._error_text(error)
            return
        self.sending, self.done, self.can_answer = False, True, False
        self.error, self.page_questions = "", []
        self.message = self._t("Thank you! Your answers were recorded.")
        return rx.call_script(completed_cookie_script(self._phase_id, self._token()))
