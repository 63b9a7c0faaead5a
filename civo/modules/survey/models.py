"""Tables of the questionnaire: its structure (sections, questions, choices) and its
records (the "has answered" marker, responses, one answer row per chosen option, ranked
position or matrix row, and drafts kept page by page).

Results are SQL aggregates over :class:`SurveyAnswer`: ``COUNT(*) GROUP BY choice_id``
counts each option (never combinations), ``AVG(rank)`` ranks, ``GROUP BY row_id,
choice_id`` gives a matrix's per-row distribution.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from civo.models._common import created_at_field


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SHORT = "short"
    LONG = "long"
    NUMBER = "number"
    SCALE = "scale"
    RANKING = "ranking"
    MATRIX = "matrix"


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING, Kind.MATRIX})
TEXT_KINDS = frozenset({Kind.SHORT, Kind.LONG})


class SurveySection(SQLModel, table=True):
    """A page of the questionnaire."""

    __tablename__ = "survey_section"

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    position: int = Field(default=0)
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=1000)


class SurveyQuestion(SQLModel, table=True):
    """One question. ``low``/``high`` bound a number, a scale, or (multiple choice) the
    number of options chosen. A display condition shows it only when question
    ``show_if_question`` (earlier, single or multiple choice) was answered with
    ``show_if_choice``."""

    __tablename__ = "survey_question"

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    section_id: int = Field(foreign_key="survey_section.id", index=True)
    position: int = Field(default=0)
    kind: str = Field(max_length=10)
    title: str = Field(max_length=300)
    help: str = Field(default="", max_length=600)
    required: bool = Field(default=False)
    low: int | None = Field(default=None)
    high: int | None = Field(default=None)
    low_label: str = Field(default="", max_length=60)
    high_label: str = Field(default="", max_length=60)
    show_if_question: int | None = Field(default=None)
    show_if_choice: int | None = Field(default=None)


class SurveyChoice(SQLModel, table=True):
    """An option (``row`` false) or a matrix row (``row`` true). ``other`` marks the
    "Other (please specify)" option, which asks for a text."""

    __tablename__ = "survey_choice"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="survey_question.id", index=True)
    position: int = Field(default=0)
    label: str = Field(max_length=200)
    row: bool = Field(default=False)
    other: bool = Field(default=False)


class SurveyMarker(SQLModel, table=True):
    """"Has answered": one per respondent and questionnaire (the primary key makes it one,
    so a double submit, two tabs or two workers never make two responses). ``respondent``
    is ``u<user id>`` for an account, ``b<sha-256 of the browser token>`` for a visitor.
    It never points at the response: an anonymous response stays unlinked. ``client``
    (a keyed hash of the visitor's address, per questionnaire) feeds the rate limit."""

    __tablename__ = "survey_marker"
    __table_args__ = (sa.Index("ix_survey_marker_client", "phase_id", "client", "created_at"),)

    phase_id: int = Field(foreign_key="phase.id", primary_key=True)
    respondent: str = Field(max_length=70, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    client: str = Field(default="", max_length=32)
    created_at: datetime = created_at_field()


class SurveyResponse(SQLModel, table=True):
    """A submitted response. ``user_id`` only when the questionnaire is *linked* (then
    "Download my data" includes it); demographics are bands copied at submit time for
    the suppressed breakdowns."""

    __tablename__ = "survey_response"

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(foreign_key="phase.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    age_band: str = Field(default="", max_length=20)
    gender: str = Field(default="", max_length=20)
    created_at: datetime = created_at_field()


class SurveyAnswer(SQLModel, table=True):
    """One row per chosen option, ranked option (``rank`` 1…n), matrix row (``row_id`` →
    ``choice_id``), or value (``number``; ``text``). ``lead`` is 1 on the first row of a
    response's answer to a question: ``SUM(lead)`` counts who answered."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.Index("ix_survey_answer_agg", "question_id", "choice_id", "row_id", "rank",
                 "lead"),
        sa.Index("ix_survey_answer_number", "question_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True)
    question_id: int = Field(foreign_key="survey_question.id")
    choice_id: int | None = Field(default=None)
    row_id: int | None = Field(default=None)
    rank: int | None = Field(default=None)
    number: float | None = Field(default=None)
    text: str = Field(default="", max_length=4000)
    lead: int = Field(default=1)


class SurveyDraft(SQLModel, table=True):
    """Answers in progress, saved page by page on the server: for an account (``u<id>``)
    and for a visitor too (``b<sha-256 of the browser token>``, a random token kept in the
    browser's local storage), so a validation error, a reload or a lost connection loses
    nothing."""

    __tablename__ = "survey_draft"

    phase_id: int = Field(foreign_key="phase.id", primary_key=True)
    respondent: str = Field(max_length=70, primary_key=True)
    page: int = Field(default=0)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = created_at_field()
