"""Budget outcomes against real elections (Pabulib), loaded through the app's import path into
its own tables and computed by the app's own outcome code; the budget-outcome command; and
the Method of Equal Shares against pabutools on random instances."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from civo.modules.budget import models  # noqa: F401  (its tables)
from civo.modules.budget import outcome, pabulib
from civo.modules.budget.check import scratch_phase
from civo.modules.budget.models import (
    BallotStatus,
    BudgetBallot,
    BudgetBallotLine,
    BudgetOutcome,
    BudgetProject,
)

DATA = Path("/work/shared/data/pabulib")
ASSEN = DATA / "Netherlands_Assen_2024.pb"
CZESTOCHOWA = DATA / "Poland_Czestochowa_2024.pb"
TOULOUSE_2019 = DATA / "France_Toulouse_2019.pb"
TOULOUSE_2022 = DATA / "France_Toulouse_2022.pb"

needs_data = pytest.mark.skipif(not ASSEN.exists(), reason="the Pabulib files are not here")


def _load(session, path: Path) -> tuple[int, pabulib.PbFile, dict[int, str]]:
    pb = pabulib.parse_file(str(path))
    phase_id = scratch_phase(session, title=path.stem)
    imported = pabulib.import_into(session, phase_id, pb, votes=True)
    session.commit()
    return phase_id, pb, {v: k for k, v in imported.ids.items()}


def _published(pb: pabulib.PbFile) -> set[str]:
    return {p.project_id for p in pb.projects if p.fields.get("selected") == "1"}


@needs_data
def test_assen_mes_add1_selects_exactly_the_published_nine_and_ten_with_completion(session):
    phase_id, pb, back = _load(session, ASSEN)
    assert pb.rule() == ("mes-add1", "none")
    out = outcome.compute(session, phase_id, budget=pb.budget, rule="mes-add1")
    assert {back[p] for p in out.selected} == _published(pb)
    assert len(out.selected) == 9 and out.ballot_count == 84
    row = session.get(BudgetOutcome, phase_id)
    session.refresh(row)
    assert (row.status, row.progress, row.rule, row.completion) == ("done", 100, "mes-add1", "none")
    assert row.selected == out.selected and row.spent == out.spent <= pb.budget
    assert row.published_at is None and row.finished_at is not None

    completed = outcome.compute(session, phase_id, budget=pb.budget, rule="mes-add1",
                                completion="greedy")
    assert len(completed.selected) == 10
    assert set(completed.selected) > set(out.selected)
    assert completed.spent <= pb.budget


@needs_data
def test_czestochowa_greedy_on_points_selects_exactly_the_published_five(session):
    started = time.monotonic()
    phase_id, pb, back = _load(session, CZESTOCHOWA)
    imported_s = time.monotonic() - started
    assert session.execute(sa.select(sa.func.count()).select_from(BudgetBallot)
                           .where(BudgetBallot.phase_id == phase_id)).scalar_one() == 22899
    out = outcome.greedy_from_db(session, phase_id, pb.budget)
    assert {back[p] for p in out.selected} == _published(pb) and len(out.selected) == 5
    # The imported points add up to the file's own score column.
    for pid, score in out.scores.items():
        assert score == int(next(p for p in pb.projects if p.project_id == back[pid]).fields["score"])
    assert time.monotonic() - started < 60, f"import {imported_s:.1f}s"


@needs_data
@pytest.mark.parametrize("path", [TOULOUSE_2019, TOULOUSE_2022], ids=["2019", "2022"])
def test_toulouse_imports_and_computes(session, path):
    phase_id, pb, back = _load(session, path)
    rule, completion = pb.rule()
    out = outcome.compute(session, phase_id, budget=pb.budget, rule=rule, completion=completion)
    assert out.ballot_count == len(pb.votes) and 0 < out.spent <= pb.budget
    points, votes, _ = outcome.phase_scores(session, phase_id)
    for pid, n in votes.items():  # the imported ballots give the file's own vote counts
        assert n == int(next(p for p in pb.projects if p.project_id == back[pid]).fields["votes"])
    # Greedy: no project left out would still fit.
    left = pb.budget - out.spent
    costs = dict(session.execute(sa.select(BudgetProject.id, BudgetProject.cost)
                                 .where(BudgetProject.phase_id == phase_id)).all())
    assert all(costs[p] > left for p in costs if p not in out.selected)


@needs_data
def test_toulouse_2019_mes_add1_runs_on_cumulative_ballots(session):
    phase_id, pb, _ = _load(session, TOULOUSE_2019)
    out = outcome.compute(session, phase_id, budget=pb.budget, rule="mes-add1")
    assert out.selected and out.spent <= pb.budget


def test_only_submitted_ballots_count_and_a_newer_run_takes_the_row_over(session):
    phase_id = scratch_phase(session)
    a, b, c = (BudgetProject(phase_id=phase_id, title=t, cost=cost)
               for t, cost in (("A", 60), ("B", 50), ("C", 40)))
    session.add_all([a, b, c])
    session.flush()
    for status, choice in ((BallotStatus.SUBMITTED, [a, c]), (BallotStatus.SUBMITTED, [b]),
                           (BallotStatus.SUBMITTED, [b]), (BallotStatus.DRAFT, [a]),
                           (BallotStatus.DRAFT, [a]), (BallotStatus.DRAFT, [a])):
        ballot = BudgetBallot(phase_id=phase_id, status=status.value, source="paper")
        session.add(ballot)
        session.flush()
        session.add_all([BudgetBallotLine(ballot_id=ballot.id, project_id=p.id) for p in choice])
    session.commit()
    out = outcome.compute(session, phase_id, budget=100, rule="greedy")
    assert out.selected == [b.id, c.id] and out.spent == 90 and out.ballot_count == 3
    assert out.scores == {a.id: 1, b.id: 2, c.id: 1}

    stale = outcome.start(session, phase_id, budget=100, rule="greedy")
    fresh = outcome.start(session, phase_id, budget=100, rule="mes-add1")
    assert outcome.compute(session, phase_id, budget=100, rule="greedy", token=stale) is None
    row = session.get(BudgetOutcome, phase_id)
    session.refresh(row)
    assert (row.status, row.rule, row.run_token) == ("running", "mes-add1", fresh)
    done = outcome.compute(session, phase_id, budget=100, rule="mes-add1", token=fresh)
    session.refresh(row)
    assert row.status == "done" and row.selected == done.selected


def test_a_failed_run_says_so(session):
    phase_id = scratch_phase(session)
    session.commit()
    with pytest.raises(ValueError):
        outcome.start(session, phase_id, budget=10, rule="borda")
    token = outcome.start(session, phase_id, budget=10, rule="mes-add1", completion="greedy")
    with pytest.raises(ValueError):
        outcome.compute(session, phase_id, budget=10, rule="mes-add1", completion="sideways",
                        token=token)
    row = session.get(BudgetOutcome, phase_id)
    session.refresh(row)
    assert row.status == "failed" and "sideways" in row.error


# ------------------------------------------------------------------ pure rules

def test_greedy_skips_what_no_longer_fits_and_breaks_ties_by_pabulib_id():
    assert outcome.greedy([50, 30, 30, 20], [5, 4, 4, 1], 100, tie_keys=["a", "c", "b", "d"]) \
        == [0, 2, 3]
    # a project nobody voted for is funded when money is left for it (as pabutools does)
    assert outcome.greedy([10, 5], [3, 0], 20) == [0, 1]


def test_mes_add1_small_example():
    # 3 voters for a cheap project, 1 for an expensive one. With 25 each, the lone voter cannot
    # pay 70; Add1 raises every share by 1 until they can (70), and the outcome is exhaustive.
    res = outcome.mes_add1([30, 25, 70], [[0], [0], [0], [2]], 100)
    assert res.selected == [0, 2] and res.spent == 100 and res.per_voter_budget == 70
    assert outcome.mes_add1([30, 25, 70], [[0], [0], [0], [2]], 100, add1=False).selected == [0]
    assert outcome.mes_add1([10], [], 100).selected == []


# ------------------------------------------------------------------ pabulib files

def test_malformed_files_name_the_line():
    def error(text: str) -> pabulib.PabulibError:
        with pytest.raises(pabulib.PabulibError) as caught:
            pabulib.parse(text)
        return caught.value

    head = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n2;40\n"
    assert error("key;value\n").line == 1
    assert error(head.replace("2;40", "2;4x")).line == 8
    assert error(head.replace("2;40", "2;40.5")).line == 8
    assert error(head + "VOTES\nvoter_id;vote\nv1;1,2\nv2;1,3\n").line == 12
    assert "project 3" in str(error(head + "VOTES\nvoter_id;vote\nv1;1,2\nv2;1,3\n"))
    assert error(head + "1;30\n").line == 9  # listed twice
    assert error(head.replace("budget;100\n", "")).message == "META has no budget"
    cumulative = head.replace("approval", "cumulative") + "VOTES\nvoter_id;vote;points\nv;1,2;3\n"
    assert error(cumulative).line == 11
    assert error(head + 'VOTES\nvoter_id;vote\n"v1;1\n').line is not None
    # quoting: a project name with the separator inside quotes is fine
    ok = pabulib.parse(head.replace("project_id;cost\n1;50", 'project_id;cost;name\n1;50;"a; b"')
                       .replace("2;40", "2;40;c"))
    assert ok.projects[0].fields["name"] == "a; b"


def test_export_writes_a_pb_file_that_reads_back(session):
    text = ("META\nkey;value\nbudget;100\nvote_type;cumulative\nrule;greedy\nPROJECTS\n"
            "project_id;cost;name\nx;60;Park\ny;50;Bench\nz;40;Tree\n"
            "VOTES\nvoter_id;vote;points\nalice;x,z;2,1\nbob;y;3\ncarol;y,z;1,2\n")
    phase_id = scratch_phase(session)
    pabulib.import_into(session, phase_id, pabulib.parse(text))
    session.commit()
    outcome.compute(session, phase_id, budget=100, rule="greedy")
    exported = pabulib.export_phase(session, phase_id, budget=100, vote_type="cumulative",
                                    meta={"description": "Test budget"})
    back = pabulib.parse(exported)
    assert back.meta["rule"] == "greedy" and back.meta["vote_type"] == "cumulative"
    assert back.meta["num_votes"] == "3" and back.budget == 100
    assert {p.project_id: p.fields["score"] for p in back.projects} == {"x": "2", "y": "4", "z": "3"}
    assert {p.project_id for p in back.projects if p.fields["selected"] == "1"} == {"y", "z"}
    assert sorted(sorted(v.projects) for v in back.votes) == [["x", "z"], ["y"], ["y", "z"]]
    assert not {v.voter_id for v in back.votes} & {"alice", "bob", "carol"}
    assert pabulib.RULE_NAMES[("mes-add1", "none")] == "equalshares/add1"


# ------------------------------------------------------------------ the command

@pytest.fixture()
def main():
    """``civo.cli.main`` with the budget module's command (declared by its SPEC; until the
    module is registered, a stand-in spec declares it)."""
    from dataclasses import replace

    from civo.cli import main as cli_main
    from civo.modules import MODULES

    if "budget" in MODULES.keys():
        yield cli_main
        return
    stand_in = replace(MODULES.get("ideas"), key="budget", rules={}, notification_kinds={},
                       commands=("civo.modules.budget.check:add_command",))
    with MODULES.added(stand_in):
        yield cli_main


@needs_data
def test_budget_outcome_command_on_a_real_file(main, capsys):
    assert main(["budget-outcome", str(ASSEN)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rule: mes-add1")
    assert "budget spent: 76700 of 100000" in lines
    selected = lines[-1]
    assert selected.startswith("selected: ")
    assert set(selected.removeprefix("selected: ").split(",")) == {
        "3", "9", "11", "2", "13", "14", "5", "6", "12"}
    assert main(["budget-outcome", str(ASSEN), "--completion", "greedy"]) == 0
    assert len(capsys.readouterr().out.splitlines()[-1].split(",")) == 10


def test_budget_outcome_command_on_a_malformed_file(main, tmp_path, capsys):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50\n"
                   "VOTES\nvoter_id;vote\nv1;1,7\n")
    assert main(["budget-outcome", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 9" in err and "project 7" in err
    assert main(["budget-outcome", str(tmp_path / "missing.pb")]) == 2


# ------------------------------------------------------------------ against pabutools

def _pabutools():
    try:
        from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
        from pabutools.rules import (
            completion_by_rule_combination,
            greedy_utilitarian_welfare,
            method_of_equal_shares,
        )
    except Exception as exc:  # noqa: BLE001 - any import problem means: skip
        pytest.skip(f"pabutools cannot be imported ({exc})")
    return (ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project,
            completion_by_rule_combination, greedy_utilitarian_welfare, method_of_equal_shares)


@pytest.mark.parametrize("seed", range(4))
def test_mes_add1_and_greedy_agree_with_pabutools_on_random_instances(seed):
    (ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project, completion_by_rule_combination,
     greedy_utilitarian_welfare, method_of_equal_shares) = _pabutools()
    rng = random.Random(seed)
    for _ in range(25):
        m, n = rng.randint(2, 9), rng.randint(1, 40)
        # few distinct costs and budgets: plenty of exact ties
        costs = [rng.choice([10, 20, 30, 60]) * rng.randint(1, 2) for _ in range(m)]
        budget = rng.choice([50, 100, 120, 333])
        ballots = [rng.sample(range(m), rng.randint(0, min(4, m))) for _ in range(n)]
        keys = [str(i) for i in range(m)]
        projects = [Project(k, c) for k, c in zip(keys, costs, strict=True)]
        instance = Instance(projects, budget_limit=budget)
        profile = ApprovalProfile([ApprovalBallot([projects[p] for p in b]) for b in ballots])

        def names(alloc):
            return sorted(int(p.name) for p in alloc)

        ref = names(method_of_equal_shares(instance, profile, sat_class=Cost_Sat,
                                           voter_budget_increment=1))
        assert sorted(outcome.mes_add1(costs, ballots, budget, tie_keys=keys).selected) == ref
        assert sorted(outcome.mes_add1(costs, ballots, budget, tie_keys=keys,
                                       skip=False).selected) == ref
        ref_c = names(completion_by_rule_combination(
            instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}]))
        assert sorted(outcome.mes_add1(costs, ballots, budget, tie_keys=keys,
                                       completion="greedy").selected) == ref_c
        votes = [sum(p in b for b in ballots) for p in range(m)]
        ref_g = names(greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat))
        assert sorted(outcome.greedy(costs, votes, budget, tie_keys=keys)) == ref_g


@pytest.mark.parametrize("seed", range(3))
def test_skipping_budget_raises_changes_nothing(seed):
    """Add1 skips the raises that provably give the same run; the textbook loop (one unit at a
    time) must find the very same outcome at the very same per-voter budget."""
    rng = random.Random(100 + seed)
    for _ in range(4):
        m, n = rng.randint(5, 12), rng.randint(40, 200)
        costs = [rng.randint(1, 40) * 50 for _ in range(m)]
        budget = rng.randint(20, 80) * 100
        weights = [rng.random() ** 2 for _ in range(m)]
        ballots = [sorted(set(rng.choices(range(m), weights, k=rng.randint(1, 5))))
                   for _ in range(n)]
        fast = outcome.mes_add1(costs, ballots, budget)
        slow = outcome.mes_add1(costs, ballots, budget, skip=False)
        assert (fast.selected, fast.per_voter_budget) == (slow.selected, slow.per_voter_budget)
        assert fast.rounds <= slow.rounds


@needs_data
def test_assen_skipping_and_the_textbook_loop_agree():
    pb = pabulib.parse_file(str(ASSEN))
    ids = [p.project_id for p in pb.projects]
    index = {p: i for i, p in enumerate(ids)}
    ballots = [[index[x] for x in v.projects] for v in pb.votes]
    costs = [p.cost for p in pb.projects]
    fast = outcome.mes_add1(costs, ballots, pb.budget, tie_keys=ids)
    slow = outcome.mes_add1(costs, ballots, pb.budget, tie_keys=ids, skip=False)
    assert (fast.selected, fast.per_voter_budget) == (slow.selected, slow.per_voter_budget)
    assert fast.rounds < slow.rounds / 10
