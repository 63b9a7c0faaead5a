"""The questionnaire module: builder and structure lock, server-side validation, one
response per account or browser (also under races), drafts, results as SQL aggregates,
privacy (anonymous vs linked, export, erase), and the policy against crafted calls."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import CommunityRole, Phase, Project
from civo.models.moderation import ModerationLog
from civo.modules import MODULES
from civo.modules.survey import builder, demo, hooks
from civo.modules.survey import results as survey_results
from civo.modules.survey import services as survey
from civo.modules.survey.models import (
    SurveyAnswer,
    SurveyChoice,
    SurveyDraft,
    SurveyMarker,
    SurveyResponse,
)
from civo.services.errors import FieldErrors, NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_accounts import _in_parallel

V = "visitor-browser-token-0001"


def _count(session, model, *where) -> int:
    return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()


@pytest.fixture()
def energy(session):
    return build_energy(session)


def build_energy(session):
    """The energy questionnaire on an open phase of Lyon's project, built by its admin."""
    admin = make_user(session, email="admin@example.org", home="Lyon", name="Claire Dubois")
    citizen = make_user(session, email="a@example.org", home="Lyon", name="Alice Arnaud")
    other = make_user(session, email="b@example.org", home="Lyon", name="Bruno Blanc")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    project = session.exec(select(Project).where(
        Project.title == "School extracurricular timings")).one()
    phase = Phase(project_id=project.id, position=5, title="Questionnaire",
                  module_key="survey", status="open",
                  settings={"audience": "visitors", "identity": "anonymous"})
    session.add(phase)
    session.commit()
    boss = actor(session, admin)
    ids = demo.build(session, boss, phase.id)
    form = survey.form(session=session, actor=policy.ANONYMOUS, phase_id=phase.id,
                       browser_token=V)
    q = {question.kind: question for question in form.questions}
    return {"phase": phase.id, "admin": boss, "citizen": actor(session, citizen),
            "other": actor(session, other), "ids": ids, "q": q, "first": form.questions[0]}


def _opt(question, label):
    return next(o.id for o in (*question.options, *question.rows) if o.label == label)


def full_answers(e, *, produce="Yes"):
    q = e["q"]
    first = e["first"]
    return {
        str(first.id): {"choice": _opt(first, produce)},
        str(q["multiple"].id): {"choices": [_opt(q["multiple"], "Solar panels"),
                                            _opt(q["multiple"], "Heat pump")]},
        str(q["number"].id): {"number": "3"},
        str(q["scale"].id): {"number": 8},
        str(q["ranking"].id): {"ranking": [o.id for o in reversed(q["ranking"].options)]},
        str(q["matrix"].id): {"rows": {str(r.id): q["matrix"].options[0].id
                                       for r in q["matrix"].rows}},
        str(q["short"].id): {"text": "Lower bills"},
        str(q["long"].id): {"text": "Solar on every school roof"},
    }


# ---- the registry --------------------------------------------------------------------------


def test_the_module_is_registered_as_a_records_module_with_every_hook():
    spec = MODULES.require("survey")
    assert not spec.holds_items and spec.setting("audience").locked_once_used
    for name in ("participants", "personal_data", "erase", "stats", "export", "open_data",
                 "results", "seed"):
        assert spec.hook(name) is not None, name
    assert policy.RULES["survey.respond"] and policy.RULES["survey.view_results"]


# ---- builder and validation -------------------------------------------------------------


def test_builder_makes_every_kind_and_refuses_bad_questions(session, energy):
    assert set(energy["q"]) == {"single", "multiple", "short", "long", "number", "scale",
                                "ranking", "matrix"}
    multiple = energy["q"]["multiple"]
    assert multiple.show_if_question == energy["first"].id
    assert any(o.other for o in multiple.options)
    section = builder.sections(session, energy["phase"])[0].id
    with pytest.raises(ValidationError) as error:
        builder.add_question(session=session, actor=energy["admin"], section_id=section,
                             kind="single", data={"title": "Only one", "options": "A"})
    assert error.value.message == "Give at least two options, one per line."
    with pytest.raises(FieldErrors) as errors:
        builder.add_question(session=session, actor=energy["admin"], section_id=section,
                             kind="scale", data={"title": "", "low": "0", "high": "40"})
    assert set(errors.value.errors) == {"title", "high"}
    with pytest.raises(ValidationError):  # a condition on a later question
        builder.update_question(session=session, actor=energy["admin"],
                                question_id=energy["first"].id,
                                data={"title": "x", "options": "Yes\nNo\nMaybe",
                                      "show_if_question": str(multiple.id),
                                      "show_if_choice": str(multiple.options[0].id)})
    with pytest.raises(PermissionDenied):  # a citizen cannot build
        builder.add_question(session=session, actor=energy["citizen"], section_id=section,
                             kind="short", data={"title": "Sneaky"})


def test_each_wrong_answer_gets_its_own_message_and_nothing_is_recorded(session, energy):
    q = energy["q"]
    bad = full_answers(energy)
    bad[str(q["multiple"].id)] = {"choices": [o.id for o in q["multiple"].options]}  # > max 3
    bad[str(q["number"].id)] = {"number": "lots"}
    bad[str(q["scale"].id)] = {"number": 11}
    bad[str(q["ranking"].id)] = {"ranking": [q["ranking"].options[0].id]}
    del bad[str(energy["first"].id)]  # required
    with pytest.raises(FieldErrors) as errors:
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token=V, answers=bad)
    messages = {k: v.message for k, v in errors.value.errors.items()}
    assert messages == {
        f"q{energy['first'].id}": "This question is required.",
        f"q{q['number'].id}": "Enter a number.",
        f"q{q['scale'].id}": "Choose a value from {low} to {high}.",
        f"q{q['ranking'].id}": "Rank every option once.",
    }  # the multiple choice is hidden (no "Yes" answer): its answer is ignored
    assert _count(session, SurveyResponse) == 0 and _count(session, SurveyMarker) == 0
    bad[str(energy["first"].id)] = {"choice": _opt(energy["first"], "Yes")}
    with pytest.raises(FieldErrors) as errors:
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token=V, answers=bad)
    assert errors.value.errors[f"q{q['multiple'].id}"].message == "Choose at most {n} options."
    other = next(o for o in q["multiple"].options if o.other)
    bad[str(q["multiple"].id)] = {"choices": [other.id], "other": " "}
    with pytest.raises(FieldErrors) as errors:
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token=V, answers=bad)
    assert errors.value.errors[f"q{q['multiple'].id}"].message == \
        "Please specify your “Other” answer."


def test_hidden_conditional_answers_are_dropped(session, energy):
    answers = full_answers(energy, produce="No")
    survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                  browser_token=V, answers=answers)
    assert _count(session, SurveyAnswer,
                  SurveyAnswer.question_id == energy["q"]["multiple"].id) == 0


# ---- drafts ------------------------------------------------------------------------------


def test_a_visitors_draft_survives_a_validation_error_and_a_reload(session, energy):
    q = energy["q"]
    partial = {str(energy["first"].id): {"choice": _opt(energy["first"], "Yes")},
               str(q["number"].id): {"number": "many"}}
    errors = survey.save_page(session=session, actor=policy.ANONYMOUS,
                              phase_id=energy["phase"], browser_token=V, page=0,
                              answers=partial, check_page=0)
    assert errors[f"q{q['number'].id}"].message == "Enter a number."
    assert errors[f"q{q['scale'].id}"].message == "This question is required."
    again = survey.form(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                        browser_token=V)  # a reload: the same browser token
    assert again.answers == partial and again.page == 0
    other = survey.form(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                        browser_token="another-browser-token-99")
    assert other.answers == {}
    survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                  browser_token=V, answers=full_answers(energy))
    assert _count(session, SurveyDraft) == 0
    assert survey.form(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                       browser_token=V).done


# ---- one response per respondent ---------------------------------------------------------


def test_double_submit_makes_one_response(session, energy):
    for token in (V, V):
        try:
            survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                          browser_token=token, answers=full_answers(energy))
        except ValidationError as error:
            assert error.message == "You have already answered this questionnaire. Thank you!"
    survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy))
    with pytest.raises(ValidationError):
        survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                      browser_token="whatever-token-from-tab-2", answers=full_answers(energy))
    assert _count(session, SurveyResponse) == 2


def _submit_in_child(*, session, phase_id, user_id, answers):
    from civo.services import accounts

    who = accounts.actor_for(session=session, user_id=user_id)
    return survey.submit(session=session, actor=who, phase_id=phase_id, browser_token="",
                         answers=answers)


def test_parallel_tabs_of_one_account_make_one_response(session, energy):
    outcomes = _in_parallel(6, _submit_in_child, phase_id=energy["phase"],
                            user_id=energy["citizen"].user_id, answers=full_answers(energy))
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert all(isinstance(o, (int, ValidationError)) for o in outcomes), outcomes
    assert _count(session, SurveyResponse) == 1 and _count(session, SurveyMarker) == 1


def test_visitors_are_rate_limited_per_address(session, energy):
    from civo.services.errors import Throttled

    for n in range(survey.VISITOR_LIMIT):
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token=f"fresh-browser-token-{n:04d}", answers=full_answers(energy),
                      client="203.0.113.7")
    with pytest.raises(Throttled):
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token="fresh-browser-token-last", answers=full_answers(energy),
                      client="203.0.113.7")
    survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                  browser_token="fresh-browser-token-else", answers=full_answers(energy),
                  client="198.51.100.1")
    with pytest.raises(ValidationError):  # no token at all
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token="short", answers=full_answers(energy))


# ---- policy: closed, private, citizens only ---------------------------------------------


def test_closed_private_and_citizens_only_questionnaires_refuse(session, energy):
    phase = session.get(Phase, energy["phase"])
    phase.settings = {**phase.settings, "audience": "citizens"}
    session.add(phase)
    session.commit()
    with pytest.raises(PermissionDenied):
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=phase.id,
                      browser_token=V, answers=full_answers(energy))
    unconfirmed = actor(session, make_user(session, email="u@example.org", home="Lyon",
                                           confirmed=False))
    with pytest.raises(PermissionDenied):
        survey.submit(session=session, actor=unconfirmed, phase_id=phase.id,
                      browser_token="", answers=full_answers(energy))
    phase.status = "closed"
    session.add(phase)
    session.commit()
    with pytest.raises(ValidationError) as error:
        survey.submit(session=session, actor=energy["citizen"], phase_id=phase.id,
                      browser_token="", answers=full_answers(energy))
    assert error.value.message == "This questionnaire is closed."
    with pytest.raises(ValidationError):
        survey.save_page(session=session, actor=energy["citizen"], phase_id=phase.id,
                         browser_token="", page=0, answers={})
    phase.status = "open"
    session.add(phase)
    lyon = community(session, "Lyon")
    lyon.is_private = True
    session.add(lyon)
    session.commit()
    with pytest.raises(NotFound):
        survey.submit(session=session, actor=energy["citizen"], phase_id=phase.id,
                      browser_token="", answers=full_answers(energy))
    with pytest.raises(NotFound):
        survey.form(session=session, actor=energy["citizen"], phase_id=phase.id)
    with pytest.raises(NotFound):  # not a questionnaire at all
        survey.form(session=session, actor=energy["citizen"], phase_id=phase.id - 1 or 999)
    assert _count(session, SurveyResponse) == 0


def test_results_stay_with_admins_until_the_phase_closes_with_public_results(session, energy):
    survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy))
    for who in (energy["citizen"], policy.ANONYMOUS):
        with pytest.raises(NotFound):
            survey_results.results(session=session, actor=who, phase_id=energy["phase"])
        with pytest.raises(NotFound):
            survey_results.free_texts(session=session, actor=who, phase_id=energy["phase"],
                                      question_id=energy["q"]["long"].id)
        with pytest.raises(NotFound):
            survey_results.export(session=session, actor=who, phase_id=energy["phase"])
    phase = session.get(Phase, energy["phase"])
    assert hooks.results(session, energy["citizen"], phase) == {"public": False}
    phase.status = "closed"
    phase.settings = {**phase.settings, "public_results": True}
    session.add(phase)
    session.commit()
    shown = survey_results.results(session=session, actor=energy["citizen"],
                                   phase_id=phase.id)
    assert shown["total"] == 1
    with pytest.raises(NotFound):  # free texts stay with admins
        survey_results.free_texts(session=session, actor=energy["citizen"],
                                  phase_id=phase.id, question_id=energy["q"]["long"].id)


# ---- the structure lock ------------------------------------------------------------------


def test_structure_locks_at_the_first_response_but_wording_fixes_are_logged(session, energy):
    survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy))
    admin, single = energy["admin"], energy["first"]
    section = builder.sections(session, energy["phase"])[0].id
    refused = [
        lambda: builder.add_question(session=session, actor=admin, section_id=section,
                                     kind="short", data={"title": "New"}),
        lambda: builder.delete_question(session=session, actor=admin, question_id=single.id),
        lambda: builder.add_section(session=session, actor=admin, phase_id=energy["phase"]),
        lambda: builder.delete_section(session=session, actor=admin, section_id=section),
        lambda: builder.update_question(session=session, actor=admin, question_id=single.id,
                                        data={"title": single.title, "options": "Yes\nNo",
                                              "required": "on"}),  # a choice removed
        lambda: builder.update_question(session=session, actor=admin, question_id=single.id,
                                        data={"title": single.title,
                                              "options": "Yes\nNo\nNot yet, but I plan to"}),
        # ^ no longer required: a rule change
        lambda: builder.move_question(session=session, actor=admin, question_id=single.id,
                                      offset=1),
    ]
    for attempt in refused:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.message == builder.LOCKED
    builder.update_question(session=session, actor=admin, question_id=single.id, data={
        "title": "Do you produce energy at home?", "required": "on",
        "options": "Yes\nNo\nNot yet, but I plan to\nI don't know"})
    labels = session.exec(select(SurveyChoice.label).where(
        SurveyChoice.question_id == single.id).order_by(SurveyChoice.position)).all()
    assert labels == ["Yes", "No", "Not yet, but I plan to", "I don't know"]
    log = session.exec(select(ModerationLog).where(
        ModerationLog.action == "survey_wording")).one()
    assert "Do you produce energy at home?" in log.reason and log.actor_id == admin.user_id


# ---- results -----------------------------------------------------------------------------


def test_results_count_per_option_rank_and_row(session, energy):
    q = energy["q"]
    a = full_answers(energy)
    b = full_answers(energy)
    b[str(q["multiple"].id)] = {"choices": [_opt(q["multiple"], "Solar panels")]}
    b[str(q["scale"].id)] = {"number": 4}
    b[str(q["ranking"].id)] = {"ranking": [o.id for o in q["ranking"].options]}
    c = full_answers(energy, produce="No")
    c[str(q["scale"].id)] = {"number": 10}
    for n, answers in enumerate((a, b, c)):
        survey.submit(session=session, actor=policy.ANONYMOUS, phase_id=energy["phase"],
                      browser_token=f"results-browser-token-{n}", answers=answers)
    found = survey_results.results(session=session, actor=energy["admin"],
                                   phase_id=energy["phase"])
    by_kind = {r["kind"]: r for r in found["questions"]}
    assert found["total"] == 3
    multiple = {o["label"]: (o["count"], o["percent"]) for o in by_kind["multiple"]["options"]}
    assert by_kind["multiple"]["answered"] == 2
    assert multiple["Solar panels"] == (2, 100.0) and multiple["Heat pump"] == (1, 50.0)
    single = {o["label"]: o["count"] for o in by_kind["single"]["options"]}
    assert single == {"Yes": 2, "No": 1, "Not yet, but I plan to": 0}
    assert by_kind["scale"]["mean"] == round((8 + 4 + 10) / 3, 2)
    assert by_kind["scale"]["median"] == 8
    assert [d["count"] for d in by_kind["scale"]["distribution"]][4] == 1
    ranks = {o["label"]: o["average_rank"] for o in by_kind["ranking"]["options"]}
    assert ranks["Geothermal"] == round((1 + 5 + 1) / 3, 2)
    matrix = by_kind["matrix"]
    assert matrix["rows"][0]["counts"] == [3, 0, 0] and matrix["rows"][0]["percents"][0] == 100
    assert by_kind["number"]["mean"] == 3 and by_kind["number"]["median"] == 3
    texts, more = survey_results.free_texts(session=session, actor=energy["admin"],
                                            phase_id=energy["phase"],
                                            question_id=q["long"].id, search="ROOF")
    assert [t["text"] for t in texts] == ["Solar on every school roof"] * 3 and more is None
    name, csv_text = survey_results.export(session=session, actor=energy["admin"],
                                           phase_id=energy["phase"])
    assert name.endswith(".csv") and csv_text.count("\n") == 4
    assert "Geothermal > Biomass" in csv_text
    for personal in ("Alice", "Claire", "@example.org"):
        assert personal not in csv_text
    stats = dict((f.key, f.value) for f in hooks.stats(session, [energy["phase"]]))
    assert stats == {"survey_responses": 3}


def test_breakdowns_suppress_small_groups(session, energy):
    from civo.models import User

    people = []
    for n in range(6):
        uid = make_user(session, email=f"p{n}@example.org", home="Lyon")
        session.exec(sa.update(User).where(User.id == uid).values(
            birth_year=1990 if n < 5 else 1950, gender="woman"))
        people.append(uid)
    session.commit()
    for uid in people:
        survey.submit(session=session, actor=actor(session, uid), phase_id=energy["phase"],
                      browser_token="", answers=full_answers(energy))
    rows = survey_results.breakdown(session=session, actor=energy["admin"],
                                    phase_id=energy["phase"],
                                    question_id=energy["first"].id, by="age")
    yes = next(r for r in rows if r["label"] == "Yes")
    shown = {g["label"]: g["count"] for g in yes["groups"]}
    assert shown["75+"] == "<5" and shown["30–44"] == "hidden"


# ---- privacy ---------------------------------------------------------------------------------


def test_anonymous_responses_keep_only_a_marker_linked_ones_are_in_my_data(session, energy):
    survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy))
    mine = hooks.personal_data(session, energy["citizen"].user_id)
    assert mine["questionnaire_responses"] == [] and len(mine["questionnaires_answered"]) == 1
    assert session.exec(select(SurveyResponse.user_id)).one() is None
    phase = session.get(Phase, energy["phase"])
    phase.settings = {**phase.settings, "identity": "linked"}
    session.add(phase)
    session.commit()
    survey.submit(session=session, actor=energy["other"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy))
    theirs = hooks.personal_data(session, energy["other"].user_id)
    assert len(theirs["questionnaire_responses"]) == 1
    assert any(a["text"] == "Lower bills" for a in theirs["questionnaire_responses"][0][
        "answers"])
    participants = set(session.exec(hooks.participants([energy["phase"]])).all())
    assert participants == {energy["citizen"].user_id, energy["other"].user_id}
    hooks.erase(session, energy["other"].user_id)
    session.commit()
    assert _count(session, SurveyResponse) == 2  # still counted
    assert _count(session, SurveyResponse, SurveyResponse.user_id.is_not(None)) == 0


def test_seed_builds_the_energy_questionnaire_once(session):
    from civo.services import seed

    seed.seed_demo_accounts(session)
    hooks.seed(session)
    hooks.seed(session)
    phase = session.exec(select(Phase).where(Phase.module_key == "survey")).one()
    assert phase.status == "open"
    assert _count(session, SurveyResponse) == demo.DEMO_RESPONSES
    form = survey.form(session=session, actor=policy.ANONYMOUS, phase_id=phase.id,
                       browser_token="a-brand-new-browser-token")
    assert form.can_answer and len(form.questions) == 8
