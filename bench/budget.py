"""Budget outcome benchmark: MES + Add1 and greedy on 100 projects x 50,000 voters.

Run from the project root::

    .venv/bin/python bench/budget.py                # full size (about a minute, mostly the inserts)
    .venv/bin/python bench/budget.py --voters 5000  # quick smoke run

It builds a scratch SQLite database with the project's Alembic migrations, fills one budget
phase with 100 projects (costs 20,000-200,000, budget 2,000,000) and 50,000 submitted paper
ballots of 5 approvals each (projects drawn with uneven popularity, seeded), through the same
bulk-insert path as the Pabulib import. Then it times, through ``civo.modules.budget.outcome``:

* ``mes_from_db``: the submitted ballots read from the tables (one SQL query) and the Method of
  Equal Shares with Add1 (the per-voter budget raised by one unit per voter until the outcome is
  exhaustive or over budget, skipping the raises that provably repeat a run), as the background
  job runs it (wall clock and CPU seconds);
* ``greedy_from_db``: greedy by votes, the points summed by one SQL aggregate.

The timings run in a fresh child process on the built database, so peak memory is that of
computing, not of building: the child's peak resident set (``VmHWM``), interpreter and
libraries included. The last line is machine-readable::

    RESULT mes_add1_s=<x> greedy_s=<x> peak_mb=<x>

Targets (issue 12): MES + Add1 <= 10 s and <= 300 MB on the 2-core machines.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (ru_maxrss would include the parent's peak
    on Linux: it survives fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(session, *, projects: int, voters: int, approvals: int, seed: int):
    import numpy as np

    from civo.modules.budget import pabulib
    from civo.modules.budget.check import scratch_phase

    rng = np.random.default_rng(seed)
    costs = rng.integers(20, 201, projects) * 1000
    popularity = rng.dirichlet(np.ones(projects) * 2.0)
    lines = ["META", "key;value", "description;bench", f"budget;{2_000_000}",
             "vote_type;approval", "rule;equalshares/add1", "PROJECTS", "project_id;cost;name"]
    lines += [f"{i + 1};{int(c)};Project {i + 1}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        chosen = rng.choice(projects, approvals, replace=False, p=popularity) + 1
        lines.append(f"{v};{','.join(str(int(x)) for x in chosen)}")
    pb = pabulib.parse("\n".join(lines) + "\n")
    phase_id = scratch_phase(session, title="bench")
    pabulib.import_into(session, phase_id, pb, votes=True)
    session.commit()
    return phase_id, pb.budget


def measure(db: str, phase_id: int, budget: int) -> int:
    from sqlmodel import Session

    from civo.db import make_engine
    from civo.modules.budget import outcome

    engine = make_engine(f"sqlite:///{db}")
    with Session(engine, expire_on_commit=False) as session:
        base_mb = peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        mes = outcome.mes_from_db(session, phase_id, budget)
        mes_s = time.perf_counter() - started
        mes_cpu = time.process_time() - cpu
        mes_mb = peak_mb()

        started = time.perf_counter()
        greedy = outcome.greedy_from_db(session, phase_id, budget)
        greedy_s = time.perf_counter() - started
    engine.dispose()
    print(f"MES + Add1: {mes_s:.2f} s ({mes_cpu:.2f} s CPU), {len(mes.selected)} projects, "
          f"spent {mes.spent} of {budget}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(a loaded shared machine stretches the wall-clock figures)")
    print(f"greedy (SQL aggregate): {greedy_s:.3f} s, {len(greedy.selected)} projects, "
          f"spent {greedy.spent} of {budget}")
    print(f"peak memory: {mes_mb:.0f} MB (process; {base_mb:.0f} MB before the MES run)")
    print(f"RESULT mes_add1_s={mes_s:.2f} greedy_s={greedy_s:.3f} peak_mb={mes_mb:.0f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--voters", type=int, default=50_000)
    parser.add_argument("--approvals", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--measure", nargs=3, metavar=("DB", "PHASE", "BUDGET"),
                        help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.measure:
        return measure(args.measure[0], int(args.measure[1]), int(args.measure[2]))

    import subprocess

    from reflex.model import _alembic_upgrade
    from sqlmodel import Session

    from civo.db import make_engine

    with tempfile.TemporaryDirectory(prefix="civo-bench-budget-") as tmp:
        db = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            _alembic_upgrade(connection=conn)
            conn.commit()
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            phase_id, budget = build(session, projects=args.projects, voters=args.voters,
                                     approvals=args.approvals, seed=args.seed)
            print(f"built {args.projects} projects x {args.voters} voters "
                  f"({args.approvals} approvals each) in {time.perf_counter() - started:.1f}s",
                  file=sys.stderr, flush=True)
        engine.dispose()
        return subprocess.call([sys.executable, __file__, "--measure", str(db), str(phase_id),
                                str(budget)])


if __name__ == "__main__":
    sys.exit(main())
