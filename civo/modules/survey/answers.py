"""Checking answers against their questions (type, limits, conditions), on the server.

A submitted answer is a small dict, per kind:

- single ``{"choice": id, "other": text}``; multiple ``{"choices": [ids], "other": text}``
- short / long ``{"text": text}``; number and scale ``{"number": "12"}``
- ranking ``{"ranking": [ids, best first]}`` (every option, once)
- matrix ``{"rows": {row id: choice id}}``

:func:`clean` returns the normalised answers of the questions that are shown, or raises
:class:`FieldErrors` with one message per wrong question (field ``q<id>``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from civo.modules.survey.models import Kind
from civo.services.errors import CivoError, FieldErrors, ValidationError

SHORT_MAX = 200
LONG_MAX = 4000
OTHER_MAX = 200


@dataclass(frozen=True)
class Option:
    id: int
    label: str
    other: bool = False


@dataclass(frozen=True)
class Question:
    """A question as validation and the respondent's page need it."""

    id: int
    section_id: int
    kind: str
    title: str
    help: str
    required: bool
    low: int | None
    high: int | None
    low_label: str
    high_label: str
    show_if_question: int | None
    show_if_choice: int | None
    options: tuple[Option, ...]
    rows: tuple[Option, ...]


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 12:
        return int(value.strip())
    return None


def chosen(answer: Mapping[str, Any] | None) -> set[int]:
    """The option ids an (already clean) single or multiple answer holds."""
    if not answer:
        return set()
    if "choice" in answer:
        return {answer["choice"]}
    return set(answer.get("choices", ()))


def shown(question: Question, answers: Mapping[int, Any]) -> bool:
    """A question without condition is shown; a conditional one when its condition holds
    on the (clean) answers so far."""
    if question.show_if_question is None:
        return True
    return question.show_if_choice in chosen(answers.get(question.show_if_question))


def _empty(question: Question, raw: Any) -> bool:
    if not isinstance(raw, Mapping):
        return True
    kind = question.kind
    if kind == Kind.SINGLE:
        return raw.get("choice") in (None, "")
    if kind == Kind.MULTIPLE:
        return not raw.get("choices")
    if kind in (Kind.SHORT, Kind.LONG):
        return not str(raw.get("text") or "").strip()
    if kind in (Kind.NUMBER, Kind.SCALE):
        return str(raw.get("number") if raw.get("number") is not None else "").strip() == ""
    if kind == Kind.RANKING:
        return not raw.get("ranking")
    return not raw.get("rows")


def _other_text(question: Question, raw: Mapping[str, Any], ids: set[int]) -> str:
    other = next((o for o in question.options if o.other), None)
    if other is None or other.id not in ids:
        return ""
    text = str(raw.get("other") or "").strip()
    if not text:
        raise ValidationError("Please specify your “Other” answer.")
    if len(text) > OTHER_MAX:
        raise ValidationError("Your “Other” answer is too long (at most {n} characters).",
                              n=OTHER_MAX)
    return text


def clean_one(question: Question, raw: Any) -> dict[str, Any]:
    """The normalised answer to one shown, non-empty question, or a ValidationError."""
    kind = question.kind
    option_ids = {o.id for o in question.options}
    if kind == Kind.SINGLE:
        choice = _int(raw.get("choice"))
        if choice not in option_ids:
            raise ValidationError("Choose one of the options.")
        answer: dict[str, Any] = {"choice": choice}
        other = _other_text(question, raw, {choice})
        return {**answer, "other": other} if other else answer
    if kind == Kind.MULTIPLE:
        values = raw.get("choices")
        if not isinstance(values, list) or len(values) > len(option_ids):
            raise ValidationError("Choose among the options.")
        ids = [_int(v) for v in values]
        if any(i not in option_ids for i in ids) or len(set(ids)) != len(ids):
            raise ValidationError("Choose among the options.")
        if question.low is not None and len(ids) < question.low:
            raise ValidationError("Choose at least {n} options.", n=question.low)
        if question.high is not None and len(ids) > question.high:
            raise ValidationError("Choose at most {n} options.", n=question.high)
        order = [o.id for o in question.options]
        answer = {"choices": sorted(ids, key=order.index)}
        other = _other_text(question, raw, set(ids))
        return {**answer, "other": other} if other else answer
    if kind in (Kind.SHORT, Kind.LONG):
        text = str(raw.get("text") or "").strip()
        limit = SHORT_MAX if kind == Kind.SHORT else LONG_MAX
        if len(text) > limit:
            raise ValidationError("Your answer is too long (at most {n} characters).", n=limit)
        return {"text": text}
    if kind == Kind.NUMBER:
        text = str(raw.get("number")).strip().replace(",", ".").replace("\u202f", "")
        try:
            value = float(text)
        except ValueError:
            raise ValidationError("Enter a number.") from None
        if not math.isfinite(value) or len(text) > 20:
            raise ValidationError("Enter a number.")
        if question.low is not None and value < question.low:
            raise ValidationError("Enter a number of at least {n}.", n=question.low)
        if question.high is not None and value > question.high:
            raise ValidationError("Enter a number of at most {n}.", n=question.high)
        return {"number": int(value) if value.is_integer() else value}
    if kind == Kind.SCALE:
        value = _int(raw.get("number"))
        if value is None or not (question.low or 0) <= value <= (question.high or 0):
            raise ValidationError("Choose a value from {low} to {high}.",
                                  low=question.low, high=question.high)
        return {"number": value}
    if kind == Kind.RANKING:
        values = raw.get("ranking")
        ids = [_int(v) for v in values] if isinstance(values, list) else []
        if sorted(i for i in ids if i is not None) != sorted(option_ids) or None in ids:
            raise ValidationError("Rank every option once.")
        return {"ranking": ids}
    rows = raw.get("rows")
    row_ids = {r.id for r in question.rows}
    if not isinstance(rows, Mapping):
        raise ValidationError("Choose one answer per row.")
    clean: dict[str, int] = {}
    for key, value in rows.items():
        row, choice = _int(key), _int(value)
        if row not in row_ids or choice not in option_ids:
            raise ValidationError("Choose one answer per row.")
        clean[str(row)] = choice
    if question.required and len(clean) < len(row_ids):
        raise ValidationError("Answer every row.")
    return {"rows": clean}


def clean(questions: Iterable[Question], raw: Any, *, only_sections: set[int] | None = None,
          partial: bool = False) -> dict[int, dict[str, Any]]:
    """Every shown question's normalised answer (keys: question ids).

    ``raw`` maps question ids (``int`` or ``"12"``) to answers. ``only_sections`` limits
    the check to some pages (the page being left); ``partial`` (a draft) skips the
    "required" rule. Raises :class:`FieldErrors` naming each wrong question.
    """
    if not isinstance(raw, Mapping):
        raw = {}
    given = {str(k): v for k, v in raw.items()}
    answers: dict[int, dict[str, Any]] = {}
    errors: dict[str, CivoError] = {}
    for question in questions:  # in order: a condition only refers to an earlier question
        if not shown(question, answers):
            continue
        value = given.get(str(question.id))
        checking = only_sections is None or question.section_id in only_sections
        if _empty(question, value):
            if question.required and checking and not partial:
                errors[f"q{question.id}"] = ValidationError("This question is required.",
                                                            field=f"q{question.id}")
            continue
        try:
            answers[question.id] = clean_one(question, value)
        except ValidationError as error:
            if checking or not partial:
                errors[f"q{question.id}"] = ValidationError(error.message,
                                                            field=f"q{question.id}",
                                                            **error.params)
    if errors:
        raise FieldErrors(errors)
    return answers


def rows_for(question: Question, answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answer rows of one clean answer (without ``response_id``)."""
    q = question.id
    kind = question.kind
    if kind == Kind.SINGLE:
        return [{"question_id": q, "choice_id": answer["choice"],
                 "text": answer.get("other", ""), "lead": 1}]
    if kind == Kind.MULTIPLE:
        other = next((o.id for o in question.options if o.other), None)
        return [{"question_id": q, "choice_id": c, "lead": int(n == 0),
                 "text": answer.get("other", "") if c == other else ""}
                for n, c in enumerate(answer["choices"])]
    if kind in (Kind.SHORT, Kind.LONG):
        return [{"question_id": q, "text": answer["text"], "lead": 1}]
    if kind in (Kind.NUMBER, Kind.SCALE):
        return [{"question_id": q, "number": float(answer["number"]), "lead": 1}]
    if kind == Kind.RANKING:
        return [{"question_id": q, "choice_id": c, "rank": n + 1, "lead": int(n == 0)}
                for n, c in enumerate(answer["ranking"])]
    return [{"question_id": q, "row_id": int(r), "choice_id": c, "lead": int(n == 0)}
            for n, (r, c) in enumerate(answer["rows"].items())]
