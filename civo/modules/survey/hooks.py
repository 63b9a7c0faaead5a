"""What the core asks of the questionnaire (see :class:`civo.modules.registry.Hooks`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models import Phase
from civo.modules.registry import ExportTable, Figure
from civo.modules.survey import results as survey_results
from civo.modules.survey.models import (
    SurveyAnswer,
    SurveyChoice,
    SurveyDraft,
    SurveyMarker,
    SurveyQuestion,
    SurveyResponse,
)
from civo.modules.survey.settings import setting


def participants(phase_ids: Any) -> sa.Select:
    """Citizens who answered (the "has answered" marker: also for anonymous responses)."""
    return select(SurveyMarker.user_id).where(SurveyMarker.phase_id.in_(phase_ids),
                                              SurveyMarker.user_id.is_not(None))


def personal_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Questionnaires answered (markers) and the answers of *linked* responses."""
    answered = [{"phase_id": p, "answered_at": when.isoformat()} for p, when in session.exec(
        select(SurveyMarker.phase_id, SurveyMarker.created_at)
        .where(SurveyMarker.user_id == user_id))]
    responses = []
    for response in session.exec(select(SurveyResponse).where(
            SurveyResponse.user_id == user_id).order_by(SurveyResponse.id)):
        rows = session.execute(
            select(SurveyQuestion.title, SurveyAnswer.rank, SurveyAnswer.number,
                   SurveyAnswer.text, SurveyChoice.label)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .outerjoin(SurveyChoice, SurveyChoice.id == SurveyAnswer.choice_id)
            .where(SurveyAnswer.response_id == response.id)
            .order_by(SurveyAnswer.id)).all()
        responses.append({"phase_id": response.phase_id,
                          "submitted_at": response.created_at.isoformat(),
                          "answers": [{"question": q, "choice": c or "", "rank": r,
                                       "number": n, "text": t} for q, r, n, t, c in rows]})
    return {"questionnaires_answered": answered, "questionnaire_responses": responses}


def erase(session: Session, user_id: int) -> None:
    """Responses stay counted, detached from the person; drafts go."""
    session.execute(sa.update(SurveyResponse).where(SurveyResponse.user_id == user_id)
                    .values(user_id=None))
    session.execute(sa.update(SurveyMarker).where(SurveyMarker.user_id == user_id)
                    .values(user_id=None))
    session.execute(sa.delete(SurveyDraft).where(SurveyDraft.respondent == f"u{user_id}"))


def stats(session: Session, phase_ids: Any) -> list[Figure]:
    count = session.exec(select(sa.func.count()).select_from(SurveyResponse).where(
        SurveyResponse.phase_id.in_(phase_ids))).one()
    return [Figure("survey_responses", N_("Questionnaire responses"), value=count)] \
        if count else []


def export(session: Session, phase_id: int) -> ExportTable:
    header, rows = survey_results.export_table(session, phase_id)
    return ExportTable(name="questionnaire", columns=tuple(header),
                       rows=[tuple(r) for r in rows])


def open_data(session: Session, phase_id: int) -> dict[str, Any]:
    """The results, once the phase closed and its results are public."""
    phase = session.get(Phase, phase_id)
    if phase is None or phase.status != "closed" or not setting(phase, "public_results"):
        return {}
    return survey_results.compute(session, phase_id)


def results(session: Session, actor: policy.Actor, phase: Phase) -> dict[str, Any]:
    """A closed phase's results section: the figures when the reader may see them."""
    from civo.modules.survey.builder import where

    found = where(session, phase.id)
    if not policy.can(actor, "survey.view_results", found):
        return {"public": False}
    return {"public": True, **survey_results.compute(session, phase.id)}


def seed(session: Session) -> None:
    from civo.modules.survey.demo import seed as demo_seed

    demo_seed(session)
