"""The Method of Equal Shares with Add1 for cost utilities: the exact, fast engine behind
:func:`civo.modules.budget.outcome.mes_add1` (see that module's docstring for the rule, the
tie-breaking, the exactness and the skipping of useless budget raises)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, inf

import numpy as np

Progress = Callable[[float], None]
_REL = 1e-9  # float margins below this (relative) are decided exactly


# --------------------------------------------------------------------------- MES + Add1

@dataclass
class MesResult:
    selected: list[int]          # project indices, in selection order
    spent: int
    per_voter_budget: Fraction   # the virtual budget per voter of the kept outcome
    rounds: int = 0              # MES runs (budget increments + 1)
    completed: list[int] = field(default_factory=list)  # added by the greedy completion


class _Election:
    """Approval ballots grouped by identical ballot, as numpy arrays."""

    def __init__(self, costs: Sequence[int], ballots: Iterable[Sequence[int]], n_voters: int | None):
        self.costs = [int(c) for c in costs]
        n_projects = len(self.costs)
        groups = Counter(tuple(sorted(set(b))) for b in ballots)
        counted = sum(groups.values())
        self.n_voters = counted if n_voters is None else n_voters
        groups.pop((), None)
        ballot_list = list(groups.keys())
        self.ballots = ballot_list
        self.w = np.fromiter((groups[b] for b in ballot_list), dtype=np.int64, count=len(ballot_list))
        self.wf = self.w.astype(np.float64)
        self.G = len(ballot_list)
        members: list[list[int]] = [[] for _ in range(n_projects)]
        for g, ballot in enumerate(ballot_list):
            for p in ballot:
                if not 0 <= p < n_projects:
                    raise ValueError(f"ballot names project index {p}, outside 0..{n_projects - 1}")
                members[p].append(g)
        self.sup = [np.asarray(m, dtype=np.int64) for m in members]
        self.sup_w = [int(self.w[s].sum()) for s in self.sup]
        self.sup_wf = [self.wf[s] for s in self.sup]


class _Run:
    """One run of MES for one virtual budget per voter ``b``."""

    def __init__(self, el: _Election, b: Fraction, *, track: bool = False) -> None:
        self.el = el
        self.track = track
        self.beta = np.ones(el.G)
        self.delta = inf
        self.remaining: set[int] = set()
        self.unaffordable: list[tuple[int, float]] = []
        self.b = b
        self.bf_scalar = float(b)
        self.bf = np.full(el.G, self.bf_scalar)
        self.zero_at = np.full(el.G, np.iinfo(np.int64).max, dtype=np.int64)
        self.order: list[int] = []
        self.pending: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self.sel_q: dict[int, Fraction] = {}       # project -> exact payment of a rich supporter
        self.sel_rich: dict[int, np.ndarray] = {}  # project -> groups that paid it (sorted)
        self.mask = np.zeros(el.G, dtype=bool)

    def tol(self, p: int) -> float:
        return _REL * (self.bf_scalar + self.el.costs[p] + 1.0)

    # exact helpers -----------------------------------------------------------------
    # Exact payments are computed lazily: a purchase whose float split into poor and rich
    # supporters is certain (nobody's budget within the margin of the cap) is recorded as
    # pending, and its exact payment is worked out (in order) only when a close call needs
    # exact budgets.
    def _materialize(self) -> None:
        el = self.el
        while self.pending:
            k, p, poor, rich = self.pending.pop(0)
            spent = self.exact_sum(poor, time=k)
            self.sel_q[p] = (el.costs[p] - spent) / (el.sup_w[p] - int(el.w[poor].sum()))
            self.sel_rich[p] = np.sort(rich)

    def exact_budget(self, g: int) -> Fraction:
        self._materialize()
        if self.zero_at[g] < len(self.order):
            return Fraction(0)
        value = self.b
        for p in self.el.ballots[g]:
            rich = self.sel_rich.get(p)
            if rich is not None:
                at = np.searchsorted(rich, g)
                if at < len(rich) and rich[at] == g:
                    value -= self.sel_q[p]
        return value

    def exact_sum(self, groups: np.ndarray, time: int | None = None) -> Fraction:
        """Exact total budget of ``groups`` (weighted by multiplicity) before purchase number
        ``time`` (default: now)."""
        el = self.el
        if time is None:
            self._materialize()
            time = len(self.order)
        alive = groups[self.zero_at[groups] >= time]
        if len(alive) == 0:
            return Fraction(0)
        total = Fraction(int(el.w[alive].sum())) * self.b
        self.mask[alive] = True
        try:
            for p, rich in self.sel_rich.items():
                count = int(el.w[rich][self.mask[rich]].sum())
                if count:
                    total -= self.sel_q[p] * count
        finally:
            self.mask[alive] = False
        return total

    # affordability -----------------------------------------------------------------
    def float_q(self, p: int) -> tuple[float | None, float, np.ndarray, np.ndarray, np.ndarray]:
        """Float payment cap q of project p: (q or None, total, sorted groups, budgets, weights)."""
        s = self.el.sup[p]
        bb = self.bf[s]
        order = np.argsort(bb, kind="stable")
        gs = s[order]
        bs = bb[order]
        ws = self.el.sup_wf[p][order]
        contrib = ws * bs
        total = float(contrib.sum())
        c = self.el.costs[p]
        cb = np.cumsum(contrib) - contrib
        cw = np.cumsum(ws) - ws
        denom = float(self.el.sup_w[p]) - cw
        q = (c - cb) / denom
        ok = q <= bs
        if not ok.any():
            return None, total, gs, bs, ws
        return float(q[int(np.argmax(ok))]), total, gs, bs, ws

    def exact_q(self, p: int, q_f: float | None, gs: np.ndarray, bs: np.ndarray
                ) -> tuple[Fraction, np.ndarray, np.ndarray] | None:
        """Exact payment cap of project p and its poor/rich supporters; None if unaffordable."""
        el = self.el
        c = el.costs[p]
        w = el.w
        if q_f is None:
            lo, hi = 0, len(gs)  # decide every supporter exactly
        else:
            t = self.tol(p)
            lo = int(np.searchsorted(bs, q_f - t, side="left"))
            hi = int(np.searchsorted(bs, q_f + t, side="right"))
        poor0 = gs[:lo]
        s0 = self.exact_sum(poor0)
        w0 = int(w[poor0].sum())
        amb = sorted(((self.exact_budget(int(g)), int(g)) for g in gs[lo:hi]))
        total_w = el.sup_w[p]
        spent, wpoor = s0, w0
        for t_i in range(len(amb) + 1):
            left_w = total_w - wpoor
            if left_w == 0:
                return None  # everyone pays all they have and it is not enough
            q = (c - spent) / left_w
            nxt = amb[t_i][0] if t_i < len(amb) else None
            if nxt is None:
                if hi < len(gs):
                    # the first surely-rich supporter has a float budget beyond q + tol
                    if not (self.exact_budget(int(gs[hi])) >= q):
                        return self.exact_q(p, None, gs, bs) if q_f is not None else None
                if q <= 0 and c > 0:
                    return None
                poor = np.concatenate([poor0, np.asarray([g for _, g in amb], dtype=np.int64)])
                rich = gs[hi:]
                return q, poor, rich
            if nxt >= q:
                poor = np.concatenate([poor0, np.asarray([g for _, g in amb[:t_i]], dtype=np.int64)])
                rich = np.concatenate([np.asarray([g for _, g in amb[t_i:]], dtype=np.int64), gs[hi:]])
                return q, poor, rich
            spent += nxt * int(w[amb[t_i][1]])
            wpoor += int(w[amb[t_i][1]])
        return None  # pragma: no cover - the loop always returns

    def buy(self, p: int, q: Fraction | None, q_f: float, poor: np.ndarray,
            rich: np.ndarray) -> None:
        """Buy project p: its poor supporters pay all they have, the rich ones q (float q_f;
        an exact q of None is worked out later, see _materialize)."""
        if self.track:
            self._constrain_after(p, q_f, poor, rich)
        k = len(self.order)
        self.order.append(p)
        self.bf[poor] = 0.0
        self.zero_at[poor] = np.minimum(self.zero_at[poor], k)
        self.bf[rich] -= q_f
        if self.track:
            self.beta[rich] -= self._q_slope(p, poor)
            self.beta[poor] = 0.0
        if q is None:
            self.pending.append((k, p, poor, rich))
        else:
            self.sel_q[p] = q
            self.sel_rich[p] = np.sort(rich)

    # skip-ahead ----------------------------------------------------------------------
    # Every budget is an affine function of the per-voter budget b while the run's decisions
    # stay the same (b_g = alpha_g + beta_g * b, beta_g >= 0), and a project's payment cap q(b)
    # is convex in b (the lower boundary of a convex set). So a tangent of rho_p = q_p / c_p
    # is a lower bound for it, and the winner's rho is exactly affine until one of its poor
    # supporters becomes rich. ``delta`` is the smallest raise of b at which any decision of
    # this run could change (0: at once); Add1 skips the increments below it, which would give
    # the very same outcome.

    def _q_slope(self, p: int, poor: np.ndarray) -> float:
        el = self.el
        den = float(el.sup_w[p] - int(el.w[poor].sum()))
        if den <= 0:
            return -inf
        return -float((el.wf[poor] * self.beta[poor]).sum()) / den

    def line_of(self, p: int, q_f: float, gs: np.ndarray, bs: np.ndarray) -> tuple[float, float, bool]:
        """A lower bound of rho_p over larger b: (rho now, slope), and "surely nobody poor"."""
        c = self.el.costs[p]
        cut = int(np.searchsorted(bs, q_f + self.tol(p), side="right"))
        if cut == 0:
            return q_f / c, 0.0, True
        slope = self._q_slope(p, gs[:cut])  # the doubtful ones counted poor: the lowest slope
        return q_f / c, slope / c, False

    def _constrain_after(self, winner: int, q_f: float, poor: np.ndarray, rich: np.ndarray) -> None:
        el = self.el
        c = el.costs[winner]
        q1 = self._q_slope(winner, poor)
        r0, r1 = q_f / c, q1 / c
        delta = self.delta
        if len(poor):
            rate = self.beta[poor] - q1
            gap = q_f - self.bf[poor]
            ok = rate > 0
            if ok.any():
                delta = min(delta, float((gap[ok] / rate[ok]).min()))
        others = [p for p in self.remaining if p != winner]
        if others:
            idx = np.fromiter(others, dtype=np.int64, count=len(others))
            l0, l1 = self.l0[idx], self.l1[idx]
            f0 = l0 - r0
            f1 = l1 - 1e-9 * (np.abs(l1) + l0) - r1
            clear = f0 > 8 * _REL * r0
            falling = clear & (f1 < 0)
            if falling.any():
                delta = min(delta, float((f0[falling] / -f1[falling]).min()))
            close = ~clear
            if close.any():
                # a close call persists only between projects nobody is poor for (rho = 1/n)
                persistent = self.flat[idx] & self.fresh_mask[idx] & (len(poor) == 0)
                if (close & ~persistent).any():
                    delta = 0.0
        for p, total in self.unaffordable:
            s = el.sup[p]
            rate = float((el.wf[s] * self.beta[s]).sum())
            gap = el.costs[p] - total
            if gap <= self.tol(p) * max(1.0, float(el.sup_w[p])):
                delta = 0.0
            elif rate > 0:
                delta = min(delta, gap / rate)
        self.delta = max(0.0, delta)

    def _certain_winner(self, near: list, keys: Sequence[str]):
        """The round's winner when floats decide it for sure: one clear minimum whose supporters
        split surely into poor and rich, or ties between projects nobody is poor for (their
        rho is exactly 1/supporters). ((float q, key), project, (exact q or None, poor, rich))."""
        el = self.el
        certain = []
        for p, (q_f, gs, bs, _total) in near:
            t = self.tol(p)
            lo = int(np.searchsorted(bs, q_f - t, side="left"))
            hi = int(np.searchsorted(bs, q_f + t, side="right"))
            if lo != hi:
                return None
            certain.append((p, q_f, lo, gs))
        if len(certain) == 1:
            p, q_f, lo, gs = certain[0]
            q = Fraction(el.costs[p], el.sup_w[p]) if lo == 0 else None
            return ((q_f, keys[p]), p, (q, gs[:lo], gs[lo:]))
        if all(lo == 0 for _, _, lo, _ in certain):
            p, q_f, lo, gs = min(certain, key=lambda c: (Fraction(1, el.sup_w[c[0]]), keys[c[0]]))
            return ((q_f, keys[p]), p, (Fraction(el.costs[p], el.sup_w[p]), gs[:0], gs))
        return None

    def run(self, candidates: list[int], keys: Sequence[str]) -> list[int]:
        el = self.el
        # rho of a project nobody paid for yet: a lower bound for ever (rho >= 1/supporters)
        n_projects = len(el.costs)
        self.l0 = np.full(n_projects, inf)
        self.l1 = np.zeros(n_projects)
        self.flat = np.zeros(n_projects, dtype=bool)
        self.fresh_mask = np.zeros(n_projects, dtype=bool)
        for p in candidates:
            self.l0[p] = 1.0 / el.sup_w[p]
        l0 = self.l0
        self.remaining = remaining = set(candidates)
        chosen: list[int] = []
        while remaining:
            best = inf
            evaluated: list[tuple[float, int, tuple]] = []
            self.fresh_mask[:] = False
            self.unaffordable = []
            for p in sorted(remaining, key=lambda p: (l0[p], keys[p])):
                if l0[p] > best * (1 + 4 * _REL):
                    break
                c = el.costs[p]
                q_f, total, gs, bs, ws = self.float_q(p)
                t = self.tol(p) * max(1.0, float(el.sup_w[p]))
                if total < c - t or (total <= c + t and self.exact_sum(el.sup[p]) < c):
                    remaining.discard(p)
                    self.unaffordable.append((p, total))
                    continue
                if q_f is None:
                    exact = self.exact_q(p, None, gs, bs)
                    if exact is None:
                        remaining.discard(p)
                        self.unaffordable.append((p, total))
                        continue
                    q_f = float(exact[0])
                rho = q_f / c
                if self.track:
                    l0[p], self.l1[p], self.flat[p] = self.line_of(p, q_f, gs, bs)
                else:
                    l0[p] = rho
                self.fresh_mask[p] = True
                best = min(best, rho)
                evaluated.append((rho, p, (q_f, gs, bs, total)))
            if not evaluated:
                break
            near = [(p, data) for rho, p, data in evaluated if rho <= best * (1 + 4 * _REL)]
            winner = self._certain_winner(near, keys)
            if winner is None:
                for p, (q_f, gs, bs, total) in near:
                    exact = self.exact_q(p, q_f, gs, bs)
                    if exact is None:
                        remaining.discard(p)
                        self.unaffordable.append((p, total))
                        continue
                    rho_e = exact[0] / el.costs[p]
                    key = (rho_e, keys[p])
                    if winner is None or key < winner[0]:
                        winner = (key, p, exact)
            if winner is None:
                if self.track:
                    self._constrain_unaffordable()
                continue
            _, p, (q, poor, rich) = winner
            self.buy(p, q, float(q) if q is not None else winner[0][0], poor, rich)
            remaining.discard(p)
            chosen.append(p)
        if self.track and self.unaffordable:
            # the last round bought nothing: its unaffordable projects may become affordable
            self._constrain_unaffordable()
        return chosen

    def _constrain_unaffordable(self) -> None:
        el = self.el
        delta = self.delta
        for p, total in self.unaffordable:
            s = el.sup[p]
            rate = float((el.wf[s] * self.beta[s]).sum())
            gap = el.costs[p] - total
            if gap <= self.tol(p) * max(1.0, float(el.sup_w[p])):
                delta = 0.0
            elif rate > 0:
                delta = min(delta, gap / rate)
        self.delta = max(0.0, delta)


def mes_add1(costs: Sequence[int], ballots: Iterable[Sequence[int]], budget: int, *,
             n_voters: int | None = None, completion: str = "none",
             tie_keys: Sequence[str] | None = None, scores: Sequence[int] | None = None,
             progress: Progress | None = None, add1: bool = True,
             skip: bool = True) -> MesResult:
    """Method of Equal Shares (cost utilities) with Add1, and the optional greedy completion.

    Args:
        costs: project costs (whole currency units), indexed by project.
        ballots: each ballot's approved project indices (points are ignored).
        budget: the real budget.
        n_voters: the number of voters, if it differs from the ballots given (empty ballots count
            in the share of each voter).
        completion: ``"none"`` or ``"greedy"`` (by ``scores``; approvals when not given).
        tie_keys: the project ids ties are broken by (text order, smallest first).
        progress: called with a fraction 0..1 now and then.
        add1: False runs plain MES once, with the real budget.
        skip: False raises the budget one unit at a time even where no run could differ (the
            textbook loop; slower, same result).
    """
    if completion not in ("none", "greedy"):
        raise ValueError(f"unknown completion {completion!r}")
    ballots = list(ballots)
    el = _Election(costs, ballots, n_voters)
    n_projects = len(el.costs)
    keys = list(tie_keys) if tie_keys is not None else [f"{i:012d}" for i in range(n_projects)]
    if scores is None:
        scores = [int(x) for x in el.sup_w]
    # Projects nobody supports are out; free projects somebody supports are in from the start.
    free = sorted((p for p in range(n_projects) if el.sup_w[p] > 0 and el.costs[p] == 0),
                  key=lambda p: keys[p])
    candidates = [p for p in range(n_projects) if el.sup_w[p] > 0 and el.costs[p] > 0]
    result = MesResult(selected=list(free), spent=0, per_voter_budget=Fraction(0))
    if el.n_voters > 0:
        b = Fraction(budget, el.n_voters)
        previous: tuple[list[int], Fraction] = (list(free), b)
        misses = rest = 0
        while True:
            result.rounds += 1
            tracking = add1 and skip and rest == 0
            rest = max(0, rest - 1)
            run = _Run(el, b, track=tracking)
            chosen = free + run.run(candidates, keys)
            spent = sum(el.costs[p] for p in chosen)
            if spent > budget:
                chosen, b = previous
                break
            left = budget - spent
            taken = set(chosen)
            if not add1 or not any(el.costs[p] <= left for p in candidates if p not in taken):
                break
            if progress is not None:
                progress(min(0.99, spent / budget) if budget else 0.99)
            step = 1
            if tracking:
                if run.delta == inf:
                    break  # no raise of the budget changes anything any more
                if run.delta > 1:
                    step = max(1, ceil(run.delta - 1e-6 * (1 + run.delta)))
                # Where runs keep changing at every raise, tracking costs more than it saves:
                # after 3 such runs in a row, the next 16 go one unit at a time without it.
                misses = misses + 1 if step == 1 else 0
                if misses >= 3:
                    misses, rest = 0, 16
            previous = (chosen, b + step - 1)
            b += step
        result.selected = list(chosen)
        result.per_voter_budget = b
    if completion == "greedy":
        from civo.modules.budget.outcome import greedy as _greedy

        before = len(result.selected)
        result.selected = _greedy(el.costs, scores, budget, tie_keys=keys, selected=result.selected)
        result.completed = result.selected[before:]
    result.spent = sum(el.costs[p] for p in result.selected)
    if progress is not None:
        progress(1.0)
    return result
