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

import plotly.graph_objects as go
import reflex as rx

from civo.db import run_service
from civo.i18n import N_
from civo.modules.survey import answers as checks
from civo.modules.survey import builder
from civo.modules.survey import results as survey_results
from civo.modules.survey import services as survey
from civo.services.errors import CivoError, FieldErrors
from civo.state.admin.base import FAILED, AdminState, form_id
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
    preview_mode: bool = False

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
        self.preview_mode = False
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
        if self.preview_mode:  # the dashboard's preview: checked here, nothing stored
            if not check:
                return {}
            try:
                checks.clean(self._questions, self._answers)
            except FieldErrors as error:
                section = self._sections[self.page]
                on_page = {f"q{q.id}" for q in self._questions if q.section_id == section}
                return {k: v for k, v in error.errors.items() if k in on_page}
            return {}
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
    async def preview(self, phase_id: int):
        """The questionnaire as a citizen sees it, for its admins (nothing is stored)."""
        if not isinstance(phase_id, int) or isinstance(phase_id, bool):
            return
        self._phase_id = phase_id
        try:
            await run_service(builder.outline, actor=await self._actor(), phase_id=phase_id)
        except CivoError as error:
            self.preview_mode, self.error = False, self._error_text(error)
            return
        self.preview_mode = True
        await self._load(preview=True)
        self._answers, self.page, self.done = {}, 0, False
        self._draw()

    @rx.event
    async def submit(self):
        if not self.can_answer or self.sending:
            return
        errors = await self._save(check=True)
        if errors:
            self._show_errors(errors)
            return
        if self.preview_mode:
            self.message = self._t("This is a preview: nothing was sent.")
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


# ---- the dashboard: builder and results --------------------------------------------------

KIND_LABELS = {"single": N_("Single choice"), "multiple": N_("Multiple choice"),
               "short": N_("Short text"), "long": N_("Long text"), "number": N_("Number"),
               "scale": N_("Scale"), "ranking": N_("Ranking"),
               "matrix": N_("Matrix (rows × one choice)")}


def _bar(labels: list[str], values: list[float], *, horizontal: bool = True, **layout: Any):
    fig = go.Figure(go.Bar(x=values if horizontal else labels,
                           y=labels if horizontal else values,
                           orientation="h" if horizontal else "v", marker_color="#1f5fa8"))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      height=max(160, 40 + 32 * len(labels)) if horizontal else 240,
                      template="plotly_white", **layout)
    if horizontal:
        fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def result_views(state: Any, found: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Per question: a table (the chart's numbers), a summary and a Plotly figure."""
    rows, figures = [], []
    for n, q in enumerate(found["questions"]):
        table, labels, values = [], [], []
        if q["kind"] in ("single", "multiple"):
            for o in q["options"]:
                label = state._t(o["label"]) if o.get("other") else o["label"]
                table.append({"label": label, "value": str(o["count"]),
                              "extra": f"{o['percent']:g} %"})
                labels.append(label)
                values.append(o["count"])
        elif q["kind"] == "ranking":
            for o in q["options"]:
                rank = "" if o["average_rank"] is None else f"{o['average_rank']:g}"
                table.append({"label": o["label"], "value": rank,
                              "extra": str(o["count"])})
                labels.append(o["label"])
                values.append(o["average_rank"] or 0)
        elif q["kind"] == "matrix":
            for r in q["rows"]:
                for column, count, pct in zip(q["columns"], r["counts"], r["percents"],
                                              strict=True):
                    table.append({"label": f"{r['label']} — {column}",
                                  "value": str(count), "extra": f"{pct:g} %"})
            labels = [r["label"] for r in q["rows"]]
        elif q["kind"] == "scale":
            for d in q["distribution"]:
                table.append({"label": str(d["value"]), "value": str(d["count"]),
                              "extra": f"{d['percent']:g} %"})
                labels.append(str(d["value"]))
                values.append(d["count"])
        summary = ""
        if q["kind"] in ("scale", "number") and q.get("mean") is not None:
            summary = state._t("Mean {mean}, median {median}",
                              mean=f"{q['mean']:g}", median=f"{q['median']:g}")
        if q["kind"] == "matrix":
            fig = go.Figure([go.Bar(name=column, y=labels, x=[r["counts"][i]
                                                               for r in q["rows"]],
                                    orientation="h")
                             for i, column in enumerate(q["columns"])])
            fig.update_layout(barmode="stack", template="plotly_white", height=240,
                              margin={"l": 10, "r": 10, "t": 10, "b": 30},
                              legend={"orientation": "h"})
            fig.update_yaxes(automargin=True, autorange="reversed")
        elif labels:
            fig = _bar(labels, values, horizontal=q["kind"] != "scale")
        else:
            fig = None
        rows.append({"id": str(q["id"]), "number": n + 1, "title": q["title"],
                     "kind": q["kind"], "answered": state._tn(
                         "{n} answer", "{n} answers", q["answered"]),
                     "table": table, "summary": summary, "chart": fig is not None,
                     "value_label": state._t("Average rank") if q["kind"] == "ranking"
                     else state._t("Count"),
                     "extra_label": state._t("Ranked by") if q["kind"] == "ranking"
                     else state._t("Percent"),
                     "texts": q["kind"] in ("short", "long")
                     or any(o.get("other") for o in q.get("options", []))})
        figures.append(fig if fig is not None else _bar([], []))
    return rows, figures


class SurveyAdminState(AdminState):
    """The questionnaire part of a phase in the dashboard's project editor."""

    phase_id: int = 0
    tab: str = "build"
    locked: bool = False
    sections: list[dict[str, Any]] = []
    condition_options: list[dict[str, str]] = []
    editing: int = 0
    adding_to: int = 0
    adding_kind: str = "single"
    total: int = 0
    results: list[dict[str, Any]] = []
    figures: list[go.Figure] = []
    texts: list[dict[str, Any]] = []
    text_question: str = ""
    text_search: str = ""
    texts_more: bool = False
    breakdown_rows: list[dict[str, Any]] = []
    form_version: int = 0
    _text_cursor: int | None = None

    # ---- opening ---------------------------------------------------------------------

    @rx.event
    async def open(self, phase_id: int):
        if not isinstance(phase_id, int) or isinstance(phase_id, bool):
            return
        self.phase_id, self.tab, self.editing, self.adding_to = phase_id, "build", 0, 0
        if await self._call(builder.ensure_first_section, phase_id=phase_id) is FAILED:
            self.phase_id = 0
            return
        await self._reload()

    @rx.event
    def set_tab_preview(self):
        self.tab = "preview"

    @rx.event
    def close(self):
        self.phase_id, self.results, self.figures, self.texts = 0, [], [], []

    async def _reload(self) -> None:
        found = await self._call(builder.outline, phase_id=self.phase_id)
        if found is FAILED:
            return
        self.locked = found["locked"]
        number = 0
        options: list[dict[str, str]] = []
        sections = []
        for si, s in enumerate(found["sections"]):
            questions = []
            for qi, q in enumerate(s["questions"]):
                number += 1
                condition = ""
                if q["show_if_question"]:
                    condition = f"{q['show_if_question']}:{q['show_if_choice']}"
                questions.append({
                    **{k: v for k, v in q.items() if k not in ("options", "rows")},
                    "number": number, "kind_label": self._t(KIND_LABELS[q["kind"]]),
                    "low": "" if q["low"] is None else str(q["low"]),
                    "high": "" if q["high"] is None else str(q["high"]),
                    "options_text": "\n".join(o["label"] for o in q["options"]),
                    "rows_text": "\n".join(q["rows"]), "condition": condition,
                    "condition_label": next((o["label"] for o in options
                                             if o["value"] == condition), ""),
                    "first": qi == 0, "last": qi == len(s["questions"]) - 1})
                if q["kind"] in ("single", "multiple"):
                    options += [{"value": f"{q['id']}:{o['id']}",
                                 "label": f"Q{number} = {o['label']}"} for o in q["options"]]
            sections.append({"id": s["id"], "title": s["title"],
                             "description": s["description"], "number": si + 1,
                             "first": si == 0, "last": si == len(found["sections"]) - 1,
                             "questions": questions})
        self.sections, self.condition_options = sections, options
        self.form_version += 1

    # ---- building ----------------------------------------------------------------------

    async def _after(self, result: Any, note: str) -> None:
        if result is FAILED:
            return
        self.notice = self._t(note)
        self.editing = self.adding_to = 0
        await self._reload()

    @rx.event
    async def add_section(self):
        await self._after(await self._call(builder.add_section, phase_id=self.phase_id),
                          "The page was added.")

    @rx.event
    async def save_section(self, form: dict[str, Any]):
        await self._after(await self._call(
            builder.update_section, section_id=form_id(form, "section_id"),
            title=form.get("title", ""), description=form.get("description", "")),
            "The page was saved.")

    @rx.event
    async def delete_section(self, section_id: int):
        await self._after(await self._call(builder.delete_section, section_id=section_id),
                          "The page was deleted.")

    @rx.event
    async def move_section(self, section_id: int, offset: int):
        await self._after(await self._call(builder.move_section, section_id=section_id,
                                           offset=offset), "The page was moved.")

    @rx.event
    def start_adding(self, section_id: int):
        self.adding_to, self.editing, self.errors = section_id, 0, {}

    @rx.event
    def choose_kind(self, kind: str):
        self.adding_kind = kind if kind in KIND_LABELS else "single"

    @rx.event
    def edit(self, question_id: int):
        self.editing, self.adding_to, self.errors = question_id, 0, {}

    @rx.event
    def cancel(self):
        self.editing = self.adding_to = 0
        self.errors, self.error = {}, ""

    @staticmethod
    def _data(form: dict[str, Any]) -> dict[str, Any]:
        data = {k: form.get(k, "") for k in ("title", "help", "low", "high", "low_label",
                                             "high_label", "options", "rows")}
        data["required"] = form.get("required") in ("on", True, "true")
        data["other"] = form.get("other") in ("on", True, "true")
        question, _, choice = str(form.get("condition", "") or "").partition(":")
        if question.isdigit() and choice.isdigit():
            data["show_if_question"], data["show_if_choice"] = int(question), int(choice)
        return data

    @rx.event
    async def add_question(self, form: dict[str, Any]):
        await self._after(await self._call(
            builder.add_question, section_id=form_id(form, "section_id"),
            kind=str(form.get("kind", "")), data=self._data(form)), "The question was added.")

    @rx.event
    async def save_question(self, form: dict[str, Any]):
        await self._after(await self._call(
            builder.update_question, question_id=form_id(form, "question_id"),
            data=self._data(form)), "The question was saved.")

    @rx.event
    async def delete_question(self, question_id: int):
        await self._after(await self._call(builder.delete_question, question_id=question_id),
                          "The question was deleted.")

    @rx.event
    async def move_question(self, question_id: int, offset: int):
        await self._after(await self._call(builder.move_question, question_id=question_id,
                                           offset=offset), "The question was moved.")

    # ---- results -------------------------------------------------------------------------

    @rx.event
    async def show_build(self):
        self.tab = "build"
        await self._reload()

    @rx.event
    async def show_results(self):
        found = await self._call(survey_results.results, phase_id=self.phase_id)
        if found is FAILED:
            return
        self.tab = "results"
        self.total = found["total"]
        rows, figures = result_views(self, found)
        self.results, self.figures = rows, figures
        self.texts, self.text_question, self.breakdown_rows = [], "", []

    async def _texts(self, *, more: bool) -> None:
        question = int(self.text_question) if self.text_question.isdigit() else 0
        found = await self._call(survey_results.free_texts, phase_id=self.phase_id,
                                 question_id=question, search=self.text_search,
                                 after=self._text_cursor if more else None)
        if found is FAILED:
            return
        rows, cursor = found
        self.texts = (self.texts if more else []) + rows
        self._text_cursor, self.texts_more = cursor, cursor is not None

    @rx.event
    async def search_texts(self, form: dict[str, Any]):
        self.text_question = str(form.get("question_id", ""))[:12]
        self.text_search = str(form.get("search", ""))[:100]
        await self._texts(more=False)

    @rx.event
    async def more_texts(self):
        await self._texts(more=True)

    @rx.event
    async def show_breakdown(self, form: dict[str, Any]):
        found = await self._call(survey_results.breakdown, phase_id=self.phase_id,
                                 question_id=form_id(form, "question_id"),
                                 by=str(form.get("by", "")))
        if found is FAILED:
            return
        self.breakdown_rows = [{"label": row["label"], "groups": ", ".join(
            f"{self._t(g['label'])}: {self._t(g['count'])}" for g in row["groups"]) or "—"}
            for row in found]

    @rx.event
    async def export(self, fmt: str):
        found = await self._call(survey_results.export, phase_id=self.phase_id,
                                 fmt="json" if fmt == "json" else "csv")
        if found is FAILED:
            return
        name, text = found
        return rx.download(data=text, filename=name)


class SurveyResultsState(ParticipationViews):
    """A closed questionnaire's public results on the project page (when published)."""

    total: int = 0
    results: list[dict[str, Any]] = []
    figures: list[go.Figure] = []
    public: bool = False

    @rx.event
    async def load(self):
        """This page's phase, or on the project's results page its questionnaire; the
        service asks the policy whether the results are public to this actor."""
        from civo.state.results import ResultsState

        project = await self.get_state(ProjectState)
        phase_id = int(project.phase.get("id", 0) or 0)
        if not phase_id:
            found = await self.get_state(ResultsState)
            phase_id = next((int(s.get("phase_id") or 0) for s in found.sections
                             if s.get("module") == "survey"), 0)
        try:
            found = await run_service(survey_results.results, actor=await self._actor(),
                                      phase_id=phase_id)
        except CivoError:
            self.public, self.results, self.figures = False, [], []
            return
        self.public, self.total = True, found["total"]
        self.results, self.figures = result_views(self, found)


class SurveyInviteState(ParticipationViews):
    """The community page's invitation to its open questionnaire: for a follower or a
    visitor, never once answered, quiet for a day after "Not now" (the
    ``questionnairewait_<phase>`` cookie)."""

    invite: dict[str, Any] = {}
    _quiet: list[int] = []

    @rx.event
    async def load(self):
        try:
            header = self.router.headers.cookie
        except AttributeError:
            header = ""
        cookies = cookies_from(header)
        snoozed = set(self._quiet)
        earlier = []
        for name, value in cookies.items():
            if name.startswith(WAIT) and name[len(WAIT):].isdigit():
                snoozed.add(int(name[len(WAIT):]))
            elif name.startswith(COMPLETED) and survey.TOKEN.match(value or ""):
                earlier.append(value)
        respondent = await self.get_state(SurveyState)
        slug = str(self.router.page.params.get("slug", ""))[:140]
        found = await run_service(survey.invitation, actor=await self._actor(), slug=slug,
                                  browser_token=respondent.browser_token,
                                  earlier_tokens=earlier, snoozed=sorted(snoozed))
        self.invite = {} if found is None else {
            **found, "phase_id": str(found["phase_id"]),
            "text": self._t("{project}: {title}. It takes about two minutes.",
                            project=found["project"], title=found["title"])}

    @rx.event
    def not_now(self):
        phase = str(self.invite.get("phase_id", ""))
        self.invite = {}
        if not phase.isdigit():
            return
        self._quiet = [*self._quiet, int(phase)][-20:]
        return rx.call_script(f"document.cookie='{WAIT}{int(phase)}=1;path=/;"
                              f"max-age={24 * 3600};samesite=lax'")
