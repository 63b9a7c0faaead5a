"""The questionnaire's respondent state called directly (as a crafted client would): one
page at a time, errors next to questions, the draft survives a reload, one response."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo.modules.survey.models import SurveyResponse
from civo.state.modules.survey import SurveyState
from tests.unit.test_states import _call, _state
from tests.unit.test_survey import V, _opt, build_energy, full_answers


@pytest.fixture()
def energy(session):
    return build_energy(session)


async def _visitor(phase_id: int, token: str = V) -> SurveyState:
    state = await _state(SurveyState)
    state.browser_token = token
    state._phase_id = phase_id
    await state._load()
    return state


def _count(session) -> int:
    session.expire_all()
    return session.exec(select(sa.func.count()).select_from(SurveyResponse)).one()


async def test_a_visitor_answers_page_by_page_and_a_reload_keeps_everything(session, energy):
    q = energy["q"]
    state = await _visitor(energy["phase"])
    assert state.can_answer and state.pages == 2 and state.page == 0
    shown = [row["kind"] for row in state.page_questions]
    assert shown == ["single", "number", "scale"]  # the conditional one is hidden
    await _call(state, "choose", str(energy["first"].id), str(_opt(energy["first"], "Yes")))
    assert [row["kind"] for row in state.page_questions] == ["single", "multiple", "number",
                                                            "scale"]
    await _call(state, "set_text", str(q["number"].id), "plenty")
    await _call(state, "next_page")
    assert state.page == 0
    errors = {row["kind"]: row["error"] for row in state.page_questions}
    assert errors["number"] == "Enter a number." and errors["scale"] == \
        "This question is required."
    assert state.error == "2 answers need your attention."

    reloaded = await _visitor(energy["phase"])  # a reload, same browser
    kinds = {row["kind"]: row for row in reloaded.page_questions}
    assert kinds["number"]["number"] == "plenty"
    assert kinds["single"]["options"][0]["checked"]
    await _call(reloaded, "set_text", str(q["number"].id), "3")
    await _call(reloaded, "set_scale", str(q["scale"].id), "7")
    await _call(reloaded, "toggle", str(q["multiple"].id), str(_opt(q["multiple"], "Wood")))
    await _call(reloaded, "next_page")
    assert reloaded.page == 1 and reloaded.error == ""
    ranking = next(r for r in reloaded.page_questions if r["kind"] == "ranking")
    last = ranking["ranking"][-1]
    await _call(reloaded, "move", str(q["ranking"].id), last["id"], -1)
    assert reloaded.announce.endswith("position 4 of 5")
    await _call(reloaded, "move", str(q["ranking"].id), last["id"], 7)  # crafted: ignored
    for row in q["matrix"].rows:
        await _call(reloaded, "set_row", str(q["matrix"].id), str(row.id),
                    str(q["matrix"].options[1].id))
    events = await _call(reloaded, "submit")
    assert reloaded.done and "questionnaireCompleted_" in str(events)
    await _call(reloaded, "submit")  # a double click
    assert _count(session) == 1
    again = await _visitor(energy["phase"])
    assert again.done and not again.can_answer


async def test_crafted_calls_for_unknown_questions_change_nothing(session, energy):
    state = await _visitor(energy["phase"])
    await _call(state, "choose", "999999", "1")
    await _call(state, "set_text", str(energy["first"].id), "text into a choice question")
    assert state._answers == {}
    state._phase_id = energy["phase"] + 1000  # a crafted phase id
    await _call(state, "submit")
    assert _count(session) == 0


async def _admin(session, user_id: int):
    from civo.services import sessions
    from civo.state.modules.survey import SurveyAdminState
    from tests.unit.conftest import with_session

    state = await _state(SurveyAdminState)
    with_session(state, sessions.start(session=session, user_id=user_id))
    return state


async def test_the_builder_adds_edits_and_locks_and_results_render(session, energy):
    from civo.modules.survey import services as survey

    state = await _admin(session, energy["admin"].user_id)
    await _call(state, "open", energy["phase"])
    assert [len(s["questions"]) for s in state.sections] == [4, 4]
    assert any(o["label"] == "Q1 = Yes" for o in state.condition_options)
    section = state.sections[1]["id"]
    await _call(state, "add_question", {"section_id": str(section), "kind": "single",
                                        "title": "", "options": "A"})
    assert state.errors["title"] == "Question is required."
    await _call(state, "add_question", {"section_id": str(section), "kind": "single",
                                        "title": "Would you join an energy cooperative?",
                                        "options": "Yes\nNo", "condition":
                                        state.condition_options[0]["value"]})
    assert state.notice == "The question was added."
    added = state.sections[1]["questions"][-1]
    assert added["condition_label"] == "Q1 = Yes"
    survey.submit(session=session, actor=energy["citizen"], phase_id=energy["phase"],
                  browser_token="", answers=full_answers(energy, produce="No"))
    await _call(state, "show_build")
    assert state.locked
    await _call(state, "delete_question", added["id"])
    assert "already answered" in state.error
    await _call(state, "show_results")
    assert state.tab == "results" and state.total == 1
    first = state.results[0]
    assert first["table"][1] == {"label": "No", "value": "1", "extra": "100 %"}
    assert len(state.figures) == len(state.results)
    events = await _call(state, "export", "csv")
    assert "questionnaire-" in str(events) and "Alice" not in str(events)


async def test_a_citizen_cannot_open_the_builder_or_results(session, energy):
    state = await _admin(session, energy["citizen"].user_id)
    await _call(state, "open", energy["phase"])
    assert state.phase_id == 0 and state.sections == []
    state.phase_id = energy["phase"]  # crafted
    await _call(state, "show_results")
    assert state.results == [] and state.error
    await _call(state, "export", "csv")
    await _call(state, "add_section")
    assert len(state.sections) == 0


async def test_the_invitation_shows_until_answered_or_put_off(session, energy):
    from civo import policy
    from civo.models import Community
    from civo.modules.survey import services as survey
    from civo.state.modules.survey import SurveyInviteState

    slug = session.get(Community, next(iter(energy["admin"].admin_of))).slug
    visitor = policy.ANONYMOUS
    found = survey.invitation(session=session, actor=visitor, slug=slug, browser_token=V)
    assert found and found["phase_id"] == energy["phase"]
    # Lyon's citizens follow Lyon since they registered: invited too.
    assert survey.invitation(session=session, actor=energy["citizen"], slug=slug)
    assert survey.invitation(session=session, actor=visitor, slug=slug, browser_token=V,
                             snoozed=[energy["phase"]]) is None  # "Not now"
    survey.submit(session=session, actor=visitor, phase_id=energy["phase"],
                  browser_token=V, answers=full_answers(energy))
    assert survey.invitation(session=session, actor=visitor, slug=slug,
                             browser_token=V) is None
    assert survey.invitation(session=session, actor=visitor, slug=slug,
                             browser_token="a-different-browser-token",
                             earlier_tokens=[V]) is None  # the completed cookie's token
    state = await _state(SurveyInviteState)
    state.invite = {"phase_id": str(energy["phase"])}
    events = await _call(state, "not_now")
    assert state.invite == {} and "questionnairewait_" in str(events)
