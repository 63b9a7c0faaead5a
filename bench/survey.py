"""Questionnaire benchmark: 50,000 responses to a 20-question survey.

Run from the project root::

    .venv/bin/python bench/survey.py                  # full run (SQLite, about a minute)
    .venv/bin/python bench/survey.py --responses 5000 # quick look

It builds a database with the project's Alembic migrations (the real indexes), a phase with
20 questions of every kind (through the builder service), then 50,000 responses written in
bulk with the same answer rows the service writes (one per chosen option, ranked position,
matrix row or value). It then times:

* the results of every question (``civo.modules.survey.results.compute``: SQL aggregates,
  three grouped queries), repeated, median of the runs;
* the submit of one response through ``civo.modules.survey.services.submit`` (validation,
  the "has answered" marker, the response and its answers in one transaction), each in a
  fresh session as a request would, p50/p95 over ``--submits`` new respondents.

Last line: ``RESULT results_s=<x> submit_p95_ms=<x>`` (targets: ≤ 1 s, ≤ 50 ms).
``--url postgresql+psycopg://...`` runs on PostgreSQL: its ``public`` schema is DROPPED.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("CIVO_SECRET_KEY", "bench-survey-not-a-secret")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

import civo.models  # noqa: E402,F401
import civo.modules  # noqa: E402,F401
from civo import policy  # noqa: E402
from civo.db import make_engine  # noqa: E402
from civo.models import CommunityRole, Phase, Project, User  # noqa: E402
from civo.models._common import utcnow  # noqa: E402
from civo.modules.survey import answers as checks  # noqa: E402
from civo.modules.survey import builder, services  # noqa: E402
from civo.modules.survey import results as survey_results  # noqa: E402
from civo.modules.survey.models import SurveyAnswer, SurveyMarker, SurveyResponse  # noqa: E402

# 20 questions: kind, extra fields
QUESTIONS = [
    ("single", {"options": "Yes\nNo\nMaybe", "required": "on"}),
    ("multiple", {"options": "Solar\nWind\nHydro\nBiomass\nGeothermal", "other": "on",
                  "low": "1", "high": "3"}),
    ("scale", {"low": "0", "high": "10", "low_label": "No", "high_label": "Yes"}),
    ("ranking", {"options": "A\nB\nC\nD\nE"}),
    ("matrix", {"options": "Good\nNeutral\nBad", "rows": "Row 1\nRow 2\nRow 3\nRow 4"}),
    ("number", {"low": "0", "high": "100"}),
    ("short", {}),
    ("long", {}),
    ("single", {"options": "North\nSouth\nEast\nWest\nCentre"}),
    ("multiple", {"options": "Car\nBike\nBus\nTrain\nWalk\nTram"}),
    ("scale", {"low": "1", "high": "5"}),
    ("scale", {"low": "1", "high": "7"}),
    ("ranking", {"options": "Cost\nComfort\nSpeed\nClimate"}),
    ("matrix", {"options": "Yes\nNo", "rows": "Mon\nTue\nWed\nThu\nFri"}),
    ("number", {}),
    ("single", {"options": "Owner\nTenant\nOther"}),
    ("multiple", {"options": "Insulation\nWindows\nBoiler\nPanels"}),
    ("scale", {"low": "0", "high": "10"}),
    ("short", {}),
    ("single", {"options": "Daily\nWeekly\nMonthly\nNever"}),
]


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def reset_and_migrate(engine: sa.Engine) -> None:
    from bench.feed import reset_and_migrate as migrate

    migrate(engine)


def build(engine: sa.Engine) -> tuple[int, list[checks.Question]]:
    from civo.services import seed

    with Session(engine, expire_on_commit=False) as s:
        seed.seed_places_and_communities(s)
        project = s.exec(select(Project)).first()
        admin = User(full_name="Bench Admin", email="bench@example.org", password_hash="x",
                     email_confirmed_at=utcnow())
        s.add(admin)
        s.flush()
        s.add(CommunityRole(user_id=admin.id, community_id=project.community_id))
        project.status = "open"
        phase = Phase(project_id=project.id, position=9, title="Bench", module_key="survey",
                      status="open", settings={"audience": "visitors"})
        s.add_all([project, phase])
        s.commit()
        from civo.services import accounts

        boss = accounts.actor_for(session=s, user_id=admin.id)
        section = builder.add_section(session=s, actor=boss, phase_id=phase.id).id
        for n, (kind, fields) in enumerate(QUESTIONS):
            builder.add_question(session=s, actor=boss, section_id=section, kind=kind,
                                 data={"title": f"Question {n + 1}", **fields})
        return phase.id, services.questions(s, phase.id)


def random_answers(rng: random.Random, qs: list[checks.Question]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for q in qs:
        plain = [o.id for o in q.options if not o.other]
        if q.kind == "single":
            out[str(q.id)] = {"choice": rng.choice(plain)}
        elif q.kind == "multiple":
            k = rng.randint(max(1, q.low or 1), min(q.high or 3, len(plain)))
            out[str(q.id)] = {"choices": rng.sample(plain, k)}
        elif q.kind == "scale":
            out[str(q.id)] = {"number": rng.randint(q.low or 0, q.high or 0)}
        elif q.kind == "ranking":
            order = [o.id for o in q.options]
            rng.shuffle(order)
            out[str(q.id)] = {"ranking": order}
        elif q.kind == "matrix":
            out[str(q.id)] = {"rows": {str(r.id): rng.choice(plain) for r in q.rows}}
        elif q.kind == "number":
            out[str(q.id)] = {"number": str(rng.randint(0, 100))}
        elif rng.random() < 0.5:
            out[str(q.id)] = {"text": rng.choice(("cheaper", "greener", "faster", "closer"))
                              + f" {rng.randint(1, 999)}"}
    return out


def fill(engine: sa.Engine, phase_id: int, qs: list[checks.Question], n: int,
         rng: random.Random) -> None:
    """n responses in bulk, with exactly the rows the service writes."""
    by_id = {q.id: q for q in qs}
    now = utcnow()
    batch = 2000
    with engine.begin() as conn:
        first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(SurveyResponse.id), 0))
                             ).scalar_one() + 1
        for start in range(0, n, batch):
            count = min(batch, n - start)
            ids = range(first + start, first + start + count)
            conn.execute(sa.insert(SurveyMarker), [
                {"phase_id": phase_id, "respondent": f"bbench{i}", "user_id": None,
                 "client": "", "created_at": now} for i in ids])
            conn.execute(sa.insert(SurveyResponse), [
                {"id": i, "phase_id": phase_id, "user_id": None, "age_band": "",
                 "gender": "", "created_at": now} for i in ids])
            rows = []
            for i in ids:
                clean = checks.clean(qs, random_answers(rng, qs))
                for qid, answer in clean.items():
                    for row in checks.rows_for(by_id[qid], answer):
                        rows.append({"response_id": i, "choice_id": None, "row_id": None,
                                     "rank": None, "number": None, "text": "", **row})
            conn.execute(sa.insert(SurveyAnswer), rows)
            if (start // batch) % 5 == 0:
                log(f"  {start + count:,} responses")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # the ids were given: move the sequence past them
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('survey_response', "
                                 "'id'), (SELECT max(id) FROM survey_response))"))
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    os.chdir(ROOT)
    tmp = tempfile.mkdtemp(prefix="civo-bench-survey-")
    url = args.url or f"sqlite:///{tmp}/survey.db"
    os.environ["REFLEX_DB_URL"] = url
    engine = make_engine(url)
    log(f"database: {engine.dialect.name}; migrating")
    reset_and_migrate(engine)
    phase_id, qs = build(engine, )
    rng = random.Random(14)
    log(f"writing {args.responses:,} responses to {len(qs)} questions")
    started = time.perf_counter()
    fill(engine, phase_id, qs, args.responses, rng)
    with engine.connect() as conn:
        answers = conn.execute(sa.select(sa.func.count()).select_from(SurveyAnswer)).scalar()
    log(f"  done in {time.perf_counter() - started:.0f} s: {answers:,} answer rows")

    timings = []
    for _ in range(args.runs):
        with Session(engine) as s:
            t0 = time.perf_counter()
            found = survey_results.compute(s, phase_id)
            timings.append(time.perf_counter() - t0)
    assert found["total"] == args.responses, found["total"]
    assert len(found["questions"]) == len(QUESTIONS)
    first = found["questions"][0]
    assert sum(o["count"] for o in first["options"]) == args.responses
    results_s = statistics.median(timings)
    log(f"results of all {len(qs)} questions: median {results_s * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in timings)} ms)")

    submits = []
    for n in range(args.submits):
        answers_n = random_answers(rng, qs)
        with Session(engine, expire_on_commit=False) as s:
            t0 = time.perf_counter()
            services.submit(session=s, actor=policy.ANONYMOUS, phase_id=phase_id,
                            browser_token=f"bench-browser-token-{n:06d}", answers=answers_n)
            submits.append((time.perf_counter() - t0) * 1000)
    submits.sort()
    p50 = submits[len(submits) // 2]
    p95 = submits[int(len(submits) * 0.95) - 1]
    log(f"submit: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(submits)} responses")
    print(f"RESULT results_s={results_s:.3f} submit_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
