"""Participatory budget (services and policy): projects, promoting an idea, the ballot
rules, drafts, submitting, receipts, reminders, secrecy, erasure, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models import CommunityRole, Phase, Project, User
from civo.models._common import utcnow
from civo.models.notifications import Notification, OutboundEmail
from civo.modules.budget import ballots, hooks
from civo.modules.budget import services as budget
from civo.modules.budget.models import BudgetBallot, BudgetBallotLine, BudgetProject
from civo.modules.budget.rules import BallotRule
from civo.services.errors import CivoError, NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user, place_id

COSTS = (40000, 30000, 20000, 15000, 10000, 8000, 5000, 2000)


def _phase(session, *, settings=None, status="open", ends_on=None) -> int:
    paris = community(session, "Paris")
    project = Project(community_id=paris.id, title="Budget", status="open",
                      published_at=utcnow())
    session.add(project)
    session.flush()
    phase = Phase(project_id=project.id, title="Vote", module_key="budget", status=status,
                  ends_on=ends_on, settings=settings or {
                      "total_budget": 100000, "ballot_rule": "knapsack",
                      "min_spend_percent": 70})
    session.add(phase)
    session.commit()
    return phase.id


@pytest.fixture()
def paris(session):
    a = make_user(session, email="a@example.org", name="Alice Arnaud")
    b = make_user(session, email="b@example.org", name="Bruno Blanc")
    lyonnais = make_user(session, email="l@example.org", home="Lyon", name="Léa Lyon")
    unconfirmed = make_user(session, email="u@example.org", confirmed=False)
    admin = make_user(session, email="admin@example.org", name="Claire Dubois")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Paris").id))
    session.commit()
    phase = _phase(session)
    adm = actor(session, admin)
    ids = [budget.add_project(session=session, actor=adm, phase_id=phase,
                              data={"title": f"Project {i}", "cost": str(c)}).id
           for i, c in enumerate(COSTS)]
    return {"a": actor(session, a), "b": actor(session, b), "lyon": actor(session, lyonnais),
            "unconfirmed": actor(session, unconfirmed), "admin": adm, "phase": phase,
            "projects": ids}


def _add(session, who, phase, project, points=1):
    return ballots.set_points(session=session, actor=who, phase_id=phase, project_id=project,
                             points=points)


# ---- the rule in words and its checks (pure) ---------------------------------------------


def test_rules_in_words_per_locale():
    rule = BallotRule(kind="knapsack", budget=100000, min_spend_percent=70)
    assert rule.describe("en", "EUR") == "Spend at least €70,000 of €100,000."
    assert "70\u202f000" in rule.describe("fr", "EUR")
    assert BallotRule(kind="approval", max_choices=5).describe("en", "EUR") == \
        "Choose up to 5 projects."
    assert BallotRule(kind="cumulative", points_total=7, points_per_project=3).describe(
        "en", "EUR") == "7 points, at most 3 per project."


def test_hard_limits_refuse_a_change_and_minimums_only_the_submission():
    costs = {1: 60000, 2: 50000, 3: 15000}
    rule = BallotRule(kind="knapsack", budget=100000, min_spend_percent=70)
    with pytest.raises(ValidationError) as refused:
        rule.check_draft({1: 1, 2: 1}, costs, locale="en", currency="EUR", title="Park")
    assert "more than the budget of €100,000" in refused.value.message.format(
        **refused.value.params)
    rule.check_draft({3: 1}, costs, locale="en", currency="EUR")
    with pytest.raises(ValidationError):
        rule.check_submit({3: 1}, costs, locale="en", currency="EUR")
    assert rule.ready({1: 1, 3: 1}, costs)
    points = BallotRule(kind="cumulative", points_total=7, points_per_project=3)
    with pytest.raises(ValidationError):
        points.check_draft({1: 4}, costs, locale="en", currency="EUR")
    with pytest.raises(ValidationError):
        points.check_draft({1: 3, 2: 3, 3: 2}, costs, locale="en", currency="EUR")
    count = BallotRule(kind="knapsack_count", budget=100000, min_projects=2, max_projects=2)
    with pytest.raises(ValidationError):
        count.check_draft({1: 1, 2: 1, 3: 1}, {1: 1, 2: 1, 3: 1}, locale="en", currency="EUR")


# ---- projects ------------------------------------------------------------------------------


def test_only_the_communitys_admins_manage_projects(session, paris):
    for who in (paris["a"], policy.ANONYMOUS):
        with pytest.raises((PermissionDenied, NotFound)):
            budget.add_project(session=session, actor=who, phase_id=paris["phase"],
                               data={"title": "Mine", "cost": "10"})
    with pytest.raises(ValidationError):
        budget.add_project(session=session, actor=paris["admin"], phase_id=paris["phase"],
                           data={"title": "Bad cost", "cost": "-5"})
    assert len(budget.projects(session=session, actor=paris["a"],
                               phase_id=paris["phase"])) == 8


def test_promoting_an_accepted_idea_keeps_the_link_and_tells_its_author(session, paris):
    from civo.modules.ideas import services as ideas

    phase = session.get(Phase, paris["phase"])
    session.add(Phase(project_id=phase.project_id, position=1, title="Ideas",
                      module_key="ideas", status="open"))
    session.commit()
    ideas_phase = session.exec(select(Phase.id).where(Phase.module_key == "ideas",
                                                      Phase.project_id == phase.project_id)
                               ).one()
    idea = ideas.propose(session=session, actor=paris["b"], phase_id=ideas_phase,
                         title="A fountain", body="Near the school.")
    with pytest.raises(ValidationError):  # not accepted yet
        budget.promote_idea(session=session, actor=paris["admin"], phase_id=paris["phase"],
                            item_id=idea.id, cost="9000")
    ideas.set_status(session=session, actor=paris["admin"], item_id=idea.id,
                     status="accepted")
    assert [i.id for i in budget.promotable_ideas(
        session=session, actor=paris["admin"], phase_id=paris["phase"])] == [idea.id]
    project = budget.promote_idea(session=session, actor=paris["admin"],
                                  phase_id=paris["phase"], item_id=idea.id, cost="9000")
    assert project.idea_item_id == idea.id and project.cost == 9000
    kinds = session.exec(select(Notification.kind).where(
        Notification.user_id == paris["b"].user_id)).all()
    assert "budget_on_ballot" in kinds
    with pytest.raises(ValidationError):
        budget.promote_idea(session=session, actor=paris["admin"], phase_id=paris["phase"],
                            item_id=idea.id, cost="9000")
    view = next(p for p in budget.projects(session=session, actor=paris["a"],
                                           phase_id=paris["phase"]) if p.id == project.id)
    assert view.idea_id == idea.id and view.idea_title == "A fountain"


# ---- ballots ---------------------------------------------------------------------------------


def test_draft_saved_at_once_then_submitted_with_a_receipt(session, paris):
    a, phase, p = paris["a"], paris["phase"], paris["projects"]
    view = _add(session, a, phase, p[0])
    assert view.status == "draft" and view.lines == {p[0]: 1} and not view.ready
    with pytest.raises(ValidationError) as refused:
        _add(session, a, phase, p[1])   # 40k + 30k fine
        _add(session, a, phase, p[2])   # 90k fine
        _add(session, a, phase, p[3])   # 105k: over budget
    assert "budget" in refused.value.message
    again = ballots.my_ballot(session=session, actor=a, phase_id=phase)  # "another device"
    assert set(again.lines) == {p[0], p[1], p[2]} and again.ready
    done = ballots.submit(session=session, actor=a, phase_id=phase)
    assert done.status == "submitted" and len(done.receipt_code) == 14
    mail = session.exec(select(OutboundEmail).where(OutboundEmail.kind == "budget_receipt")
                        ).one()
    assert done.receipt_code in mail.body_text and mail.to_address == "a@example.org"
    check = ballots.verify(session=session, code=done.receipt_code.lower().replace("-", ""))
    assert check.counted and check.phase_title == "Vote"
    # Submitting twice changes nothing and sends no second receipt.
    ballots.submit(session=session, actor=a, phase_id=phase)
    assert session.exec(select(sa.func.count()).select_from(OutboundEmail).where(
        OutboundEmail.kind == "budget_receipt")).one() == 1
    # A change that keeps the rule met stays counted; one below the minimum is a draft.
    assert _add(session, a, phase, p[7]).status == "submitted"
    below = _add(session, a, phase, p[0], 0)
    assert below.status == "draft" and not ballots.verify(
        session=session, code=done.receipt_code).counted


def test_who_may_vote(session, paris):
    phase, p = paris["phase"], paris["projects"][0]
    for who, reason in ((policy.ANONYMOUS, "Please sign in to vote."),
                        (paris["unconfirmed"], "Confirm your email address to vote.")):
        with pytest.raises(PermissionDenied) as refused:
            _add(session, who, phase, p)
        assert refused.value.message == reason
    _add(session, paris["lyon"], phase, p)  # no residence rule yet
    session.exec(sa.update(Phase).where(Phase.id == phase).values(
        settings={"total_budget": 100000, "residents_only": True}))
    session.commit()
    with pytest.raises(PermissionDenied) as refused:
        _add(session, paris["lyon"], phase, p)
    assert "residents" in refused.value.message
    _add(session, paris["a"], phase, p)  # a Parisian still may
    session.exec(sa.update(Phase).where(Phase.id == phase).values(status="closed"))
    session.commit()
    with pytest.raises(PermissionDenied):
        _add(session, paris["a"], phase, p)
    with pytest.raises(ValidationError):
        ballots.set_points(session=session, actor=paris["a"], phase_id=phase, project_id="1",
                          points=True)


def test_rules_lock_once_the_first_ballot_exists(session, paris):
    from civo.services import admin_projects

    phase = session.get(Phase, paris["phase"])
    assert not admin_projects.took_part(session, phase)
    _add(session, paris["a"], paris["phase"], paris["projects"][0])
    assert admin_projects.took_part(session, phase)
    with pytest.raises(ValidationError):
        budget.add_project(session=session, actor=paris["admin"], phase_id=paris["phase"],
                           data={"title": "Late", "cost": "10"})


def test_turnout_counts_only_and_never_who(session, paris):
    _add(session, paris["a"], paris["phase"], paris["projects"][0])
    _add(session, paris["b"], paris["phase"], paris["projects"][0])
    _add(session, paris["b"], paris["phase"], paris["projects"][1])
    ballots.submit(session=session, actor=paris["b"], phase_id=paris["phase"])
    counts = budget.turnout(session=session, actor=paris["admin"], phase_id=paris["phase"])
    assert (counts.submitted, counts.drafts) == (1, 1)
    with pytest.raises(PermissionDenied):
        budget.turnout(session=session, actor=paris["a"], phase_id=paris["phase"])
    table = hooks.export(session, paris["phase"])
    assert table.columns == ("ballot", "project_id", "points")
    assert {r[1] for r in table.rows} == set(paris["projects"][:2])  # the counted ballot only
    # My ballot is mine: nothing takes a user id from the browser.
    mine = ballots.my_ballot(session=session, actor=paris["a"], phase_id=paris["phase"])
    assert mine.lines == {paris["projects"][0]: 1}


def test_citizens_cannot_close_compute_or_publish(session, paris):
    for call in (budget.close_voting, budget.require_can_compute, budget.publish_results,
                 budget.outcome_state, budget.export_pb):
        with pytest.raises(PermissionDenied):
            call(session=session, actor=paris["a"], phase_id=paris["phase"])
    with pytest.raises(ValidationError):  # still open
        budget.require_can_compute(session=session, actor=paris["admin"],
                                   phase_id=paris["phase"])


def test_reminder_three_days_before_the_end_to_unsubmitted_drafts(session, paris):
    today = utcnow().date()
    session.exec(sa.update(Phase).where(Phase.id == paris["phase"]).values(
        ends_on=today + timedelta(days=5)))
    session.commit()
    _add(session, paris["a"], paris["phase"], paris["projects"][0])
    _add(session, paris["b"], paris["phase"], paris["projects"][0])
    _add(session, paris["b"], paris["phase"], paris["projects"][1])
    ballots.submit(session=session, actor=paris["b"], phase_id=paris["phase"])
    assert ballots.send_reminders(session=session) == 0  # 5 days left
    session.exec(sa.update(Phase).where(Phase.id == paris["phase"]).values(
        ends_on=today + timedelta(days=3)))
    session.commit()
    from civo.services import housekeeping

    assert housekeeping.run_once(session=session)["budget_periodic"] == 1  # the round sends
    assert ballots.send_reminders(session=session) == 0  # once
    told = session.exec(select(Notification.user_id).where(
        Notification.kind == "budget_reminder")).all()
    assert told == [paris["a"].user_id]


def test_erase_keeps_closed_ballots_detached_and_drops_open_ones(session, paris):
    a, b, phase, p = paris["a"], paris["b"], paris["phase"], paris["projects"]
    _add(session, a, phase, p[0])
    _add(session, a, phase, p[1])
    ballots.submit(session=session, actor=a, phase_id=phase)
    _add(session, b, phase, p[0])
    data = hooks.personal_data(session, a.user_id)["budget_ballots"]
    assert data[0]["status"] == "submitted" and len(data[0]["projects"]) == 2
    hooks.erase(session, b.user_id)  # open phase: the draft goes
    session.exec(sa.update(Phase).where(Phase.id == phase).values(status="closed"))
    session.commit()
    hooks.erase(session, a.user_id)  # closed phase: stays counted, nobody's
    session.commit()
    rows = session.exec(select(BudgetBallot.user_id, BudgetBallot.status)).all()
    assert rows == [(None, "submitted")]
    assert session.exec(select(sa.func.count()).select_from(BudgetBallotLine)).one() == 2


# ---- 200 citizens at once ---------------------------------------------------------------------


def test_200_concurrent_saves_and_submits_lose_nothing_and_count_nothing_twice(session, paris,
                                                                              engine):
    phase, p = paris["phase"], paris["projects"]
    home = place_id(session, "Paris")
    now = utcnow()
    users = []
    for i in range(200):
        user = User(full_name=f"Voter {i}", email=f"v{i}@example.org", password_hash="",
                    home_place_id=home, email_confirmed_at=now)
        session.add(user)
        users.append(user)
    session.commit()
    voters = [policy.Actor(user_id=u.id) for u in users]
    errors: list[Exception] = []
    barrier = threading.Barrier(16)

    def vote(index: int) -> None:
        who = voters[index]
        try:
            if index < 16:
                barrier.wait(timeout=30)
            with Session(engine, expire_on_commit=False) as s:
                ballots.set_points(session=s, actor=who, phase_id=phase, project_id=p[0],
                                  points=1)
            with Session(engine, expire_on_commit=False) as s:
                ballots.set_points(session=s, actor=who, phase_id=phase, project_id=p[1],
                                  points=1)
            for _ in range(2 if index % 3 == 0 else 1):  # some submit twice
                with Session(engine, expire_on_commit=False) as s:
                    ballots.submit(session=s, actor=who, phase_id=phase)
        except CivoError as error:  # pragma: no cover - shown by the assertion
            errors.append(error)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(vote, range(200)))
    assert errors == []
    session.expire_all()
    counted = session.exec(select(sa.func.count()).select_from(BudgetBallot).where(
        BudgetBallot.phase_id == phase, BudgetBallot.status == "submitted")).one()
    lines = session.exec(select(BudgetBallotLine.project_id, sa.func.count()).group_by(
        BudgetBallotLine.project_id)).all()
    assert counted == 200
    assert dict(lines) == {p[0]: 200, p[1]: 200}
    assert session.exec(select(sa.func.count()).select_from(OutboundEmail).where(
        OutboundEmail.kind == "budget_receipt")).one() == 200
    counts = budget.turnout(session=session, actor=paris["admin"], phase_id=phase)
    assert (counts.submitted, counts.drafts) == (200, 0)
    assert session.exec(select(sa.func.count(sa.distinct(BudgetProject.id)))).one() == 8


# ---- outcome: compute in a thread, publish, results, "your idea was funded" ---------------


def test_compute_publish_results_and_funded_idea_authors_are_told(session, paris):
    from civo.modules.ideas import services as ideas
    from civo.state.modules.budget import _results_view

    phase = session.get(Phase, paris["phase"])
    session.add(Phase(project_id=phase.project_id, position=1, title="Ideas",
                      module_key="ideas", status="open"))
    session.commit()
    ideas_phase = session.exec(select(Phase.id).where(Phase.module_key == "ideas",
                                                      Phase.project_id == phase.project_id)
                               ).one()
    idea = ideas.propose(session=session, actor=paris["b"], phase_id=ideas_phase,
                         title="A fountain", body="Near the school.")
    ideas.set_status(session=session, actor=paris["admin"], item_id=idea.id, status="accepted")
    promoted = budget.promote_idea(session=session, actor=paris["admin"],
                                   phase_id=paris["phase"], item_id=idea.id, cost="9000")
    p = paris["projects"]
    for who in (paris["a"], paris["b"]):
        for pid in (p[0], p[1], promoted.id):
            _add(session, who, paris["phase"], pid)
        ballots.submit(session=session, actor=who, phase_id=paris["phase"])
    budget.close_voting(session=session, actor=paris["admin"], phase_id=paris["phase"])
    assert budget.require_can_compute(session=session, actor=paris["admin"],
                                      phase_id=paris["phase"]) == paris["phase"]
    with pytest.raises(ValidationError):
        budget.publish_results(session=session, actor=paris["admin"], phase_id=paris["phase"])
    budget.compute_outcome(session=session, phase_id=paris["phase"])
    state = budget.outcome_state(session=session, actor=paris["admin"], phase_id=paris["phase"])
    assert state.status == "done" and state.progress == 100 and not state.published
    assert _results_view(session, paris["a"], paris["phase"], "en") == {"published": False}
    budget.publish_results(session=session, actor=paris["admin"], phase_id=paris["phase"])
    view = _results_view(session, paris["a"], paris["phase"], "en")
    assert view["rule"] == "Greedy by votes" and view["ballots"] == "2 ballots counted"
    assert [w["title"] for w in view["winners"]][:3] == ["Project 0", "Project 1", "A fountain"]
    assert view["winners"][0]["cost"] == "€40,000" and view["winners"][0]["votes"] == "2"
    told = session.exec(select(Notification.kind).where(
        Notification.user_id == paris["b"].user_id)).all()
    assert "budget_funded" in told
    assert hooks.open_data(session, paris["phase"])["outcome"]["selected"][:3] == [
        p[0], p[1], promoted.id]


def test_seed_shows_a_paris_budget_in_its_voting_phase_once(session):
    from civo.services import seed

    seed.seed_all(session=session)
    seed.seed_all(session=session)
    phases = session.exec(select(Phase).join(Project, Project.id == Phase.project_id).where(
        Project.title == hooks.DEMO_PROJECT)).all()
    assert len(phases) == 1 and phases[0].status == "open" and phases[0].module_key == "budget"
    assert len(budget.projects(session=session, actor=policy.ANONYMOUS,
                               phase_id=phases[0].id)) == 8


def test_import_a_pb_file_then_export_it_through_the_admin_services(session, paris):
    from pathlib import Path

    data = Path("/work/shared/data/pabulib/Netherlands_Assen_2024.pb")
    if not data.exists():
        pytest.skip("the Pabulib data set is not on this machine")
    empty = _phase(session, settings={"total_budget": 100000, "ballot_rule": "approval",
                                      "max_choices": 14})
    with pytest.raises(PermissionDenied):
        budget.import_pb(session=session, actor=paris["a"], phase_id=empty,
                         data=data.read_bytes())
    with pytest.raises(ValidationError) as refused:
        budget.import_pb(session=session, actor=paris["admin"], phase_id=empty,
                         data=b"META\nkey;value\nbudget;nope\n")
    assert "cannot be imported" in refused.value.message
    with pytest.raises(ValidationError):  # the Paris ballot already holds projects
        budget.import_pb(session=session, actor=paris["admin"], phase_id=paris["phase"],
                         data=data.read_bytes())
    done = budget.import_pb(session=session, actor=paris["admin"], phase_id=empty,
                            data=data.read_bytes())
    assert done["projects"] == 14
    name, text = budget.export_pb(session=session, actor=paris["admin"], phase_id=empty)
    assert name.endswith(".pb") and text.startswith("META") and "PROJECTS" in text
