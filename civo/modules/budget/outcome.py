"""Outcome rules of participatory budgeting, on plain data, and the job that computes a phase.

Two rules, named as Pabulib names them:

- **greedy by votes** (:func:`greedy`, pabulib ``greedy``; the CONSUL/Decidim practice): projects
  in decreasing order of score (approvals, or points on cumulative ballots); a project is
  selected when it still fits in what is left of the budget, otherwise skipped.
- **Method of Equal Shares with Add1** (:func:`mes_add1`, pabulib ``equalshares/add1``) for cost
  utilities (a voter's satisfaction with an approved project is its cost; every ballot line is an
  approval, whatever its points): every voter gets an equal share of a virtual budget; projects are
  bought in turn by their supporters, the one needing the lowest payment per unit of satisfaction
  first. The virtual budget starts at the real one and is raised by one currency unit per voter
  while the outcome still fits in the real budget and is not exhaustive; the last outcome that fit
  is kept. Optionally completed greedily (``completion="greedy"``): the projects left are then
  offered by votes in the remaining real budget.

**Ties** are broken as pabutools (the reference implementation of Pabulib) does by default: by
the project's Pabulib id compared as text (``lexico_tie_breaking``); the callers pass that id as
``tie_keys`` (:func:`compute` uses the imported ``external_id``, or the project's own id for projects
created here: the id :mod:`civo.modules.budget.pabulib` exports). Greedy sorts by score, then by the
same key.

**Exactness and speed.** The Method of Equal Shares (:mod:`civo.modules.budget.mes`) runs in
float64 with numpy (identical ballots are grouped), and every discrete decision whose float margin is below 1e-9 (which project is cheapest
per unit, whether supporters can still afford a project, who among them pays all they have) is
decided again in exact rational arithmetic (:class:`fractions.Fraction`): each bought project keeps
its exact payment per supporter, so any supporter's exact budget is known. Exact payments are worked
out lazily, only when a close call needs exact budgets. Results are therefore exactly those of
the rational-number definition (tested against pabutools on random instances).

**Add1 without useless runs.** While a run's decisions stay the same, every voter's budget is an
affine, non-decreasing function of the per-voter budget b, and a project's payment cap is convex
in b; so each run also computes how far b can rise before any of its decisions could change (a
tangent lower bound for each project's cost per unit against the winner's exact line, the
winner's poor supporters turning rich, unaffordable projects becoming affordable; float margins
of 1e-9 and any close call count as "at once"). The raises below that point would repeat the same
outcome and are skipped (``skip=False`` runs the textbook loop; tests check both agree).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from civo.modules.budget.mes import MesResult, Progress, mes_add1

__all__ = ["MesResult", "PhaseOutcome", "compute", "greedy", "greedy_from_db", "mes_add1",
           "mes_from_db", "pabulib_id", "phase_scores", "run_job", "start"]


# --------------------------------------------------------------------------- greedy

def greedy(costs: Sequence[int], scores: Sequence[int], budget: int, *,
           tie_keys: Sequence[str] | None = None,
           selected: Sequence[int] = ()) -> list[int]:
    """Greedy by votes: project indices in selection order.

    As pabutools (and CONSUL) do, a project nobody voted for is still funded when money is left
    for it once every voted project was considered. ``selected`` are projects already funded
    (greedy completion): they are kept first and their cost counts.
    """
    keys = tie_keys if tie_keys is not None else [f"{i:012d}" for i in range(len(costs))]
    out = list(selected)
    left = budget - sum(costs[i] for i in out)
    taken = set(out)
    for i in sorted(range(len(costs)), key=lambda i: (-scores[i], keys[i])):
        if i in taken:
            continue
        if costs[i] <= left:
            out.append(i)
            left -= costs[i]
    return out


# --------------------------------------------------------------------------- from the database

def pabulib_id(project_id: int, external_id: str | None) -> str:
    """A project's id in Pabulib files: the imported one, else its own id (ties are broken by it)."""
    return external_id if external_id else str(project_id)


@dataclass
class PhaseOutcome:
    """An outcome in terms of budget_project ids."""

    rule: str
    completion: str
    budget: int
    selected: list[int]           # budget_project ids, in selection order
    spent: int
    scores: dict[int, int]        # points (approvals on approval ballots) per project
    ballot_count: int


def _projects(session, phase_id: int) -> list[tuple[int, int, str]]:
    from civo.modules.budget.models import BudgetProject as P

    rows = session.execute(sa.select(P.id, P.cost, P.external_id).where(P.phase_id == phase_id)
                           .order_by(P.id)).all()
    return [(pid, int(cost), pabulib_id(pid, ext)) for pid, cost, ext in rows]


def _counted(phase_id: int):
    from civo.modules.budget.models import BallotStatus, BudgetBallot as B

    return sa.select(B.id).where(B.phase_id == phase_id, B.status == BallotStatus.SUBMITTED.value)


def phase_scores(session, phase_id: int) -> tuple[dict[int, int], dict[int, int], int]:
    """(points per project, approvals per project, counted ballots) over submitted ballots: SQL
    aggregates, nothing per ballot leaves the database."""
    from civo.modules.budget.models import BudgetBallotLine as L

    counted = _counted(phase_id)
    points: dict[int, int] = {}
    votes: dict[int, int] = {}
    for pid, n, pts in session.execute(
            sa.select(L.project_id, sa.func.count(), sa.func.sum(L.points))
            .where(L.ballot_id.in_(counted)).group_by(L.project_id)):
        votes[pid] = int(n)
        points[pid] = int(pts or 0)
    ballots = session.execute(sa.select(sa.func.count()).select_from(counted.subquery())).scalar_one()
    return points, votes, int(ballots)


def greedy_from_db(session, phase_id: int, budget: int) -> PhaseOutcome:
    """Greedy by votes over the phase's submitted ballots (points summed in SQL)."""
    projects = _projects(session, phase_id)
    points, _votes, n = phase_scores(session, phase_id)
    costs = [c for _, c, _ in projects]
    scores = [points.get(pid, 0) for pid, _, _ in projects]
    chosen = greedy(costs, scores, budget, tie_keys=[k for _, _, k in projects])
    selected = [projects[i][0] for i in chosen]
    return PhaseOutcome("greedy", "none", budget, selected, sum(costs[i] for i in chosen),
                        {pid: points.get(pid, 0) for pid, _, _ in projects}, n)


def mes_from_db(session, phase_id: int, budget: int, *, completion: str = "none",
                progress: Progress | None = None) -> PhaseOutcome:
    """MES + Add1 over the phase's submitted ballots (every line is an approval)."""
    from civo.modules.budget.models import BudgetBallotLine as L

    projects = _projects(session, phase_id)
    index = {pid: i for i, (pid, _, _) in enumerate(projects)}
    points, _votes, n = phase_scores(session, phase_id)
    ballots: list[list[int]] = []
    current, last = [], None
    for ballot_id, project_id in session.execute(
            sa.select(L.ballot_id, L.project_id).where(L.ballot_id.in_(_counted(phase_id)))
            .order_by(L.ballot_id)):
        if ballot_id != last:
            if current:
                ballots.append(current)
            current, last = [], ballot_id
        current.append(index[project_id])
    if current:
        ballots.append(current)
    scores = [points.get(pid, 0) for pid, _, _ in projects]
    res = mes_add1([c for _, c, _ in projects], ballots, budget, n_voters=n,
                   completion=completion, tie_keys=[k for _, _, k in projects],
                   scores=scores, progress=progress)
    return PhaseOutcome("mes-add1", completion, budget, [projects[i][0] for i in res.selected],
                        res.spent, {pid: points.get(pid, 0) for pid, _, _ in projects}, n)


def start(session, phase_id: int, *, budget: int, rule: str = "greedy",
          completion: str = "none") -> str:
    """Mark the phase's outcome as running (a fresh, unpublished row) and return the run's token.

    A later :func:`start` takes the row over: the older run's writes then change nothing.
    Commits.
    """
    from civo.models._common import utcnow
    from civo.modules.budget.models import BudgetOutcome, OutcomeRule, OutcomeStatus

    if rule not in {r.value for r in OutcomeRule}:
        raise ValueError(f"unknown rule {rule!r}")
    if completion not in ("none", "greedy"):
        raise ValueError(f"unknown completion {completion!r}")
    token = secrets.token_hex(8)
    values = dict(status=OutcomeStatus.RUNNING.value, progress=0, rule=rule,
                  completion=completion if rule == OutcomeRule.MES_ADD1.value else "none",
                  budget=budget, selected=[], spent=0, scores={}, ballot_count=0, error=None,
                  run_token=token, started_at=utcnow(), finished_at=None, published_at=None)
    table = BudgetOutcome.__table__
    updated = session.execute(sa.update(table).where(table.c.phase_id == phase_id).values(**values))
    if not updated.rowcount:
        from civo.db import insert_ignore

        if not insert_ignore(session, BudgetOutcome, {"phase_id": phase_id, **values}):
            session.execute(sa.update(table).where(table.c.phase_id == phase_id).values(**values))
    session.commit()
    return token


def compute(session, phase_id: int, *, budget: int, rule: str = "greedy",
            completion: str = "none", token: str | None = None,
            progress_interval: float = 0.5) -> PhaseOutcome | None:
    """Compute a phase's outcome over its submitted ballots and record it in ``budget_outcome``
    (status, progress 0-100, selected, spent, scores). For a background thread or process, with
    a session of its own (it commits); never inside an event handler.

    ``token`` is the one :func:`start` returned (it is called when None). Returns the outcome, or
    None when a newer run took the row over. On failure the row says ``failed`` with the error,
    and the exception is raised again.
    """
    import time

    from civo.models._common import utcnow
    from civo.modules.budget.models import BudgetOutcome, OutcomeStatus

    if token is None:
        token = start(session, phase_id, budget=budget, rule=rule, completion=completion)
    table = BudgetOutcome.__table__
    mine = (table.c.phase_id == phase_id) & (table.c.run_token == token)
    last = [time.monotonic()]

    def progress(fraction: float) -> None:
        if time.monotonic() - last[0] < progress_interval:
            return
        last[0] = time.monotonic()
        session.execute(sa.update(table).where(mine).values(progress=int(fraction * 100)))
        session.commit()

    try:
        if rule == "greedy":
            out = greedy_from_db(session, phase_id, budget)
        else:
            out = mes_from_db(session, phase_id, budget, completion=completion, progress=progress)
    except Exception as exc:
        session.rollback()
        session.execute(sa.update(table).where(mine).values(
            status=OutcomeStatus.FAILED.value, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow()))
        session.commit()
        raise
    done = session.execute(sa.update(table).where(mine).values(
        status=OutcomeStatus.DONE.value, progress=100, selected=out.selected, spent=out.spent,
        scores={str(k): v for k, v in out.scores.items()}, ballot_count=out.ballot_count,
        finished_at=utcnow()))
    session.commit()
    return out if done.rowcount else None


def run_job(*, phase_id: int, budget: int, rule: str = "greedy", completion: str = "none",
            token: str | None = None) -> PhaseOutcome | None:
    """:func:`compute` with a session of its own on the app's engine: the body of the background
    job (``await asyncio.to_thread(run_job, phase_id=…, budget=…, rule=…, token=…)``)."""
    from civo.db import session_scope

    with session_scope() as session:
        return compute(session, phase_id, budget=budget, rule=rule, completion=completion,
                       token=token)
