"""The participatory budget's states: the citizen's allocator (every change saved on the
server at once), the receipt and its check, the results, and the admins' panel (projects,
turnout, closing, computing in a background task with progress, publishing, .pb files).

Every handler builds the actor from the session and the services ask the policy; ids
from the browser are re-checked there. Nothing heavy runs in a handler: the outcome is
computed in a worker thread while a background task reports its progress.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from civo import i18n
from civo.db import run_service
from civo.i18n import N_
from civo.modules.budget import ballots
from civo.modules.budget import services as budget
from civo.modules.budget.rules import money
from civo.services.errors import CivoError
from civo.state.participation import ParticipationViews
from civo.state.project import ProjectState

MOMENT = "d MMMM HH:mm"   # "3 June 14:02"


def _view(session, actor, phase_id: int, locale: str) -> dict[str, Any]:
    """Everything the allocator shows, formatted for the reader (one worker-thread call)."""
    where = budget._viewable(session, actor, phase_id)
    rule = budget.rule_of(where.phase)
    cur = budget.currency_of(where)
    projects = budget.projects(session=session, actor=actor, phase_id=phase_id)
    ballot = ballots.my_ballot(session=session, actor=actor, phase_id=phase_id)
    problem = ballots.eligibility_problem(session, actor, where)
    zone = where.community.timezone or None
    costs = {p.id: p.cost for p in projects}
    summary = rule.summary(ballot.lines, costs)

    def amount(n: int) -> str:
        return money(n, cur, locale)

    if rule.uses_points:
        used_text = i18n.gettext(locale, "{used} of {total} points given",
                                 used=summary["used"], total=summary["total"])
        left_text = i18n.gettext(locale, "{n} points left", n=summary["left"])
    elif rule.uses_cost:
        used_text = i18n.gettext(locale, "{used} of {total} spent", used=amount(summary["used"]),
                                 total=amount(summary["total"]))
        left_text = i18n.gettext(locale, "{left} left", left=amount(summary["left"]))
    else:
        used_text = i18n.gettext(locale, "{used} of {total} projects chosen",
                                 used=summary["used"], total=summary["total"])
        left_text = i18n.gettext(locale, "{n} choices left", n=summary["left"])
    submitted_at = ""
    if ballot.submitted_at is not None:
        submitted_at = i18n.format_datetime(ballot.submitted_at, locale, fmt=MOMENT, zone=zone)
    if ballot.status == "submitted":
        state_text = i18n.gettext(locale, "Counted since {when}", when=submitted_at)
    elif ballot.status == "draft":
        state_text = i18n.gettext(locale, "Draft — not counted yet")
    else:
        state_text = i18n.gettext(locale, "No ballot yet — nothing counted")
    return {
        "rule_text": rule.describe(locale, cur),
        "uses_points": rule.uses_points, "points_max": rule.points_per_project,
        "projects": [{
            "id": p.id, "title": p.title, "description": p.description,
            "cost": amount(p.cost), "category": p.category,
            "image": p.image, "idea_id": p.idea_id, "idea_title": p.idea_title,
            "points": ballot.lines.get(p.id, 0), "chosen": p.id in ballot.lines,
        } for p in projects],
        "status": ballot.status, "state_text": state_text, "receipt_code": ballot.receipt_code,
        "ready": ballot.ready, "used_text": used_text, "left_text": left_text,
        "percent": summary["percent"],
        "can_vote": problem is None, "problem": i18n.gettext(locale, problem) if problem else "",
        "closed": where.phase.status == "closed",
    }


class BudgetState(ParticipationViews):
    """The allocator of the phase shown on the project page."""

    rule_text: str = ""
    projects: list[dict[str, Any]] = []
    uses_points: bool = False
    points_max: int = 1
    status: str = ""
    state_text: str = ""
    receipt_code: str = ""
    ready: bool = False
    used_text: str = ""
    left_text: str = ""
    percent: int = 0
    can_vote: bool = False
    problem: str = ""
    closed: bool = False
    # A refused action's reason, shown beside the project it was about (0: the summary).
    refusal: str = ""
    refusal_project: int = -1
    notice: str = ""
    error: str = ""
    verify_text: str = ""
    results: dict[str, Any] = {}
    _phase_id: int = 0

    def _apply(self, view: dict[str, Any]) -> None:
        for key, value in view.items():
            setattr(self, key, value)

    async def _reload(self) -> None:
        actor = await self._actor()
        try:
            self._apply(await run_service(_view, actor=actor, phase_id=self._phase_id,
                                          locale=self.lang))
            self.error = ""
        except CivoError as error:
            self.error, self.projects = self._error_text(error), []

    @rx.event
    async def load(self):
        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        self.refusal, self.refusal_project, self.notice, self.verify_text = "", -1, "", ""
        await self._reload()

    async def _change(self, project_id: Any, points: Any) -> None:
        actor = await self._actor()
        was = self.status
        try:
            await run_service(ballots.set_points, actor=actor, phase_id=self._phase_id,
                              project_id=project_id, points=points, locale=self.lang)
        except CivoError as error:
            self.refusal = self._error_text(error)
            self.refusal_project = project_id if isinstance(project_id, int) else 0
            return
        self.refusal, self.refusal_project = "", -1
        await self._reload()
        self.notice = (self._t("Your ballot no longer meets the rule: it is a draft again, "
                               "not counted. Complete it and submit it again.")
                       if was == "submitted" and self.status != "submitted" else "")

    @rx.event
    async def toggle(self, project_id: int):
        """Add or remove a project (approval and knapsack ballots)."""
        chosen = any(p["id"] == project_id and p["chosen"] for p in self.projects)
        await self._change(project_id, 0 if chosen else 1)

    @rx.event
    async def give_points(self, project_id: int, points: int):
        """Set a project's points (cumulative ballots); checked on the server."""
        await self._change(project_id, points)

    @rx.event
    async def submit(self):
        actor = await self._actor()
        try:
            await run_service(ballots.submit, actor=actor, phase_id=self._phase_id,
                              locale=self.lang)
        except CivoError as error:
            self.refusal, self.refusal_project = self._error_text(error), 0
            return
        self.refusal, self.refusal_project = "", -1
        await self._reload()
        self.notice = self._t("Your ballot is counted. We sent the receipt to your email "
                              "address.")
        self._deliver_soon()

    @rx.event
    async def verify(self, form: dict[str, Any]):
        """"Is my ballot counted?" by its verification code (anyone with the code)."""
        try:
            found = await run_service(ballots.verify, code=form.get("code", ""))
        except CivoError as error:
            self.verify_text = self._error_text(error)
            return
        if found.counted:
            when = i18n.format_datetime(found.submitted_at, self.lang, fmt=MOMENT)
            self.verify_text = self._t("This ballot is counted in “{phase}” since {when}.",
                                       phase=found.phase_title, when=when)
        else:
            self.verify_text = self._t("This ballot exists in “{phase}” but is not counted: "
                                       "it is a draft.", phase=found.phase_title)

    @rx.event
    async def load_results(self):
        """The published outcome of this page's phase: the project page's, or on the
        project's results page its budget phase (the policy is asked either way)."""
        from civo.state.results import ResultsState

        project = await self.get_state(ProjectState)
        self._phase_id = int(project.phase.get("id", 0) or 0)
        if not self._phase_id:
            found = await self.get_state(ResultsState)
            self._phase_id = next((int(s.get("phase_id") or 0) for s in found.sections
                                   if s.get("module") == "budget"), 0)
        self.results = await run_service(_results_view, actor=await self._actor(),
                                         phase_id=self._phase_id, locale=self.lang)


def _results_view(session, actor, phase_id: int, locale: str) -> dict[str, Any]:
    from civo.modules.budget import hooks

    try:
        where = budget._viewable(session, actor, phase_id)
    except CivoError:
        return {"published": False}
    data = hooks.results_data(session, where.phase)
    if not data["published"]:
        return {"published": False}
    cur = budget.currency_of(where)
    rules = {"greedy": i18n.gettext(locale, "Greedy by votes"),
             "mes-add1": i18n.gettext(locale, "Method of Equal Shares with Add1")}
    rule = rules.get(data["rule"], data["rule"])
    if data["rule"] == "mes-add1" and data["completion"] == "greedy":
        rule += " — " + i18n.gettext(locale, "with greedy completion")

    def row(d: dict[str, Any]) -> dict[str, Any]:
        return {"id": d["id"], "title": d["title"], "cost": money(d["cost"], cur, locale),
                "votes": i18n.format_number(d["votes"], locale),
                "idea_id": d.get("idea_id", 0)}

    return {"published": True, "rule": rule,
            "spent": i18n.gettext(locale, "{spent} of {budget} spent",
                                  spent=money(data["spent"], cur, locale),
                                  budget=money(data["budget"], cur, locale)),
            "ballots": i18n.ngettext(locale, "{n} ballot counted", "{n} ballots counted",
                                     data["ballots"]),
            "winners": [row(d) for d in data["winners"]],
            "others": [row(d) for d in data["others"]]}


class BudgetAdminState(ParticipationViews):
    """The dashboard phase editor's budget part (community admins; checked per call)."""

    phase_id: int = 0
    items: list[dict[str, Any]] = []
    ideas: list[dict[str, Any]] = []
    submitted: int = 0
    drafts: int = 0
    outcome_status: str = ""
    progress: int = 0
    published: bool = False
    outcome_text: str = ""
    message: str = ""
    failure: str = ""
    computing: bool = False
    # Import a .pb file's votes too, as paper ballots.
    import_votes: bool = False
    _watching: int = 0

    def _fail(self, error: CivoError) -> None:
        self.failure, self.message = self._error_text(error), ""

    def _ok(self, msgid: str, **params: Any) -> None:
        self.failure, self.message = "", self._t(msgid, **params)

    async def _refresh(self) -> None:
        actor = await self._actor()
        try:
            data = await run_service(_admin_view, actor=actor, phase_id=self.phase_id,
                                     locale=self.lang)
        except CivoError as error:
            self._fail(error)
            self.items, self.ideas = [], []
            return
        for key, value in data.items():
            setattr(self, key, value)

    @rx.event
    async def load(self, phase_id: int):
        if not isinstance(phase_id, int) or isinstance(phase_id, bool):
            return
        self.phase_id, self.message, self.failure = phase_id, "", ""
        await self._refresh()

    @rx.event
    async def add_project(self, form: dict[str, Any]):
        try:
            await run_service(budget.add_project, actor=await self._actor(),
                              phase_id=self.phase_id, data=form)
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("The project is on the ballot."))
        await self._refresh()

    @rx.event
    async def remove_project(self, project_id: int):
        try:
            await run_service(budget.remove_project, actor=await self._actor(),
                              phase_id=self.phase_id, project_id=project_id)
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("The project was removed from the ballot."))
        await self._refresh()

    @rx.event
    async def promote(self, form: dict[str, Any]):
        from civo.state.admin.base import form_id

        try:
            await run_service(budget.promote_idea, actor=await self._actor(),
                              phase_id=self.phase_id, item_id=form_id(form, "item_id"),
                              cost=form.get("cost", ""))
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("The idea is on the ballot; its author was told."))
        await self._refresh()

    @rx.event
    def choose_import_votes(self, on: bool):
        self.import_votes = on is True

    @rx.event
    async def import_pb(self, files: list[rx.UploadFile]):
        if not files:
            return
        try:
            data = await files[0].read(50 * 1024 * 1024 + 1)
            done = await run_service(budget.import_pb, actor=await self._actor(),
                                     phase_id=self.phase_id, data=data,
                                     with_votes=self.import_votes)
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("Imported {n} projects and {m} paper ballots."),
                 n=(done or {}).get("projects", 0), m=(done or {}).get("ballots", 0))
        await self._refresh()

    @rx.event
    async def export_pb(self):
        try:
            name, text = await run_service(budget.export_pb, actor=await self._actor(),
                                           phase_id=self.phase_id)
        except CivoError as error:
            self._fail(error)
            return None
        return rx.download(data=text, filename=name)

    @rx.event
    async def close_voting(self):
        try:
            await run_service(budget.close_voting, actor=await self._actor(),
                              phase_id=self.phase_id)
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("Voting is closed."))
        await self._refresh()

    @rx.event
    async def publish(self):
        try:
            await run_service(budget.publish_results, actor=await self._actor(),
                              phase_id=self.phase_id)
        except CivoError as error:
            self._fail(error)
            return
        self._ok(N_("The results are public; the authors of funded ideas were told."))
        await self._refresh()
        self._deliver_soon()

    @rx.event
    async def refresh(self):
        await self._refresh()

    @rx.event(background=True)
    async def compute(self):
        """Compute the outcome in a worker thread; report its progress meanwhile."""
        async with self:
            if self.computing:
                return
            actor = await self._actor()
            phase_id = self.phase_id
            try:
                await run_service(budget.require_can_compute, actor=actor, phase_id=phase_id)
            except CivoError as error:
                self._fail(error)
                return
            self.computing, self.progress, self.outcome_status = True, 0, "running"
            self.failure, self.message = "", self._t("Computing the outcome…")
        job = asyncio.ensure_future(run_service(budget.compute_outcome, phase_id=phase_id))
        failed = ""
        while not job.done():
            await asyncio.sleep(0.4)
            try:
                seen = await run_service(budget.outcome_state, actor=actor, phase_id=phase_id)
            except CivoError:
                continue
            async with self:
                self.progress = seen.progress
        try:
            job.result()
        except Exception as error:  # noqa: BLE001 - the admin reads that it failed
            failed = str(error)[:300]
        async with self:
            self.computing = False
            await self._refresh()
            if failed or self.outcome_status == "failed":
                self.failure = self._t("The outcome could not be computed: {reason}",
                                       reason=failed or self.outcome_text)
                self.message = ""
            else:
                self._ok(N_("The outcome is computed: check it, then publish it."))

    @rx.event(background=True)
    async def watch_turnout(self):
        """Turnout, live while the panel is open (counts only), for a few minutes."""
        async with self:
            self._watching += 1
            mine = self._watching
        for _ in range(120):
            await asyncio.sleep(5)
            async with self:
                if self._watching != mine or not self.phase_id:
                    return
                actor = await self._actor()
                phase_id = self.phase_id
            try:
                counts = await run_service(budget.turnout, actor=actor, phase_id=phase_id)
            except CivoError:
                return
            async with self:
                self.submitted, self.drafts = counts.submitted, counts.drafts


def _admin_view(session, actor, phase_id: int, locale: str) -> dict[str, Any]:
    where = budget._managed(session, actor, phase_id)
    cur = budget.currency_of(where)
    projects = budget.projects(session=session, actor=actor, phase_id=phase_id)
    counts = budget.turnout(session=session, actor=actor, phase_id=phase_id)
    outcome = budget.outcome_state(session=session, actor=actor, phase_id=phase_id)
    ideas = budget.promotable_ideas(session=session, actor=actor, phase_id=phase_id)
    text = ""
    if outcome.status == "done":
        text = i18n.ngettext(locale, "{n} project selected", "{n} projects selected",
                             outcome.selected) + " — " + i18n.gettext(
            locale, "{spent} spent", spent=money(outcome.spent, cur, locale))
    elif outcome.status == "failed":
        text = outcome.error
    return {"items": [{"id": p.id, "title": p.title, "cost": money(p.cost, cur, locale),
                       "from_idea": p.idea_id != 0} for p in projects],
            "ideas": [{"id": str(i.id), "title": i.title} for i in ideas],
            "submitted": counts.submitted, "drafts": counts.drafts,
            "outcome_status": outcome.status, "progress": outcome.progress,
            "published": outcome.published, "outcome_text": text}
