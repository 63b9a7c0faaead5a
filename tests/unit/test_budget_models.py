"""The budget tables: constraints that keep ballots honest."""

import pytest
import sqlalchemy as sa

from civo.modules.budget import models  # noqa: F401  (its tables)


def test_budget_tables_exist(engine):
    names = set(sa.inspect(engine).get_table_names())
    assert {"budget_project", "budget_ballot", "budget_ballot_line", "budget_outcome"} <= names


def test_one_ballot_per_citizen_many_paper_ballots_and_lines_go_with_their_ballot(session):
    from civo.modules.budget.check import scratch_phase
    from civo.modules.budget.models import BudgetBallot, BudgetBallotLine, BudgetProject
    from tests.unit.conftest import make_user

    user_id = make_user(session)
    phase_id = scratch_phase(session)
    project = BudgetProject(phase_id=phase_id, title="Park", cost=10)
    session.add(project)
    session.add_all([BudgetBallot(phase_id=phase_id, source="paper") for _ in range(3)])
    mine = BudgetBallot(phase_id=phase_id, user_id=user_id, receipt_code="ABC123")
    session.add(mine)
    session.commit()
    session.add(BudgetBallotLine(ballot_id=mine.id, project_id=project.id, points=2))
    session.commit()

    session.add(BudgetBallot(phase_id=phase_id, user_id=user_id))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()
    session.add(BudgetBallot(phase_id=phase_id, source="paper", receipt_code="ABC123"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.update(BudgetBallotLine).values(points=0))
    session.rollback()

    session.execute(sa.delete(BudgetBallot).where(BudgetBallot.id == mine.id))
    session.commit()
    assert session.execute(sa.select(sa.func.count()).select_from(BudgetBallotLine)).scalar_one() == 0


def test_run_job_opens_its_own_session(session):
    """The background job's entry point works on the app's engine (the test database)."""
    from civo.modules.budget import outcome
    from civo.modules.budget.check import scratch_phase
    from civo.modules.budget.models import BudgetOutcome, BudgetProject

    phase_id = scratch_phase(session)
    session.add(BudgetProject(phase_id=phase_id, title="Park", cost=10))
    session.commit()
    result = outcome.run_job(phase_id=phase_id, budget=100, rule="mes-add1")
    assert result.selected == [] and result.ballot_count == 0
    row = session.get(BudgetOutcome, phase_id)
    session.refresh(row)
    assert row.status == "done"
