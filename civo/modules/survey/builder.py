"""The questionnaire builder (community admins): sections and questions of every kind,
reorder, edit, and the structure lock once the first response exists.

Once someone answered, questions can no longer be added, removed or retyped, nor lose a
choice, nor change their rules (required, limits, condition): the server refuses and says
why. Wording fixes (titles, help texts, choice labels) stay possible and each is written
to the audit log (``moderation_log``, read by platform admins).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.models.moderation import ModerationLog
from civo.modules.survey.models import (
    CHOICE_KINDS,
    Kind,
    SurveyChoice,
    SurveyMarker,
    SurveyQuestion,
    SurveySection,
)
from civo.services import items
from civo.services.errors import FieldErrors, NotFound, ValidationError

MAX_QUESTIONS = 100
MAX_OPTIONS = 30
LOCKED = N_("People have already answered: questions can no longer be added, removed, moved, "
          "retyped, lose a choice or change their rules. Wording fixes stay possible.")
OTHER_LABEL = N_("Other (please specify)")


def where(session: Session, phase_id: Any) -> items.Where:
    found = items.where_for_phase(session, phase_id)
    if found.phase.module_key != "survey":
        raise NotFound("This page does not exist.")
    return found


def _admin(session: Session, actor: policy.Actor, phase_id: Any) -> items.Where:
    found = where(session, phase_id)
    if not policy.can(actor, "survey.view", found):
        raise NotFound("This page does not exist.")
    policy.require(actor, "survey.manage", found)
    return found


def locked(session: Session, phase_id: int) -> bool:
    """Someone answered (or is answering it right now: the marker comes first)."""
    return session.exec(select(SurveyMarker.phase_id).where(
        SurveyMarker.phase_id == phase_id).limit(1)).first() is not None


def _refuse_if_locked(session: Session, phase_id: int) -> None:
    if locked(session, phase_id):
        raise ValidationError(LOCKED)


def _audit(session: Session, actor: policy.Actor, text: str) -> None:
    session.add(ModerationLog(actor_id=actor.user_id, action="survey_wording",
                              reason=text[:500]))


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool = False,
          label: str = "") -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise ValidationError("{label} is required.", field=name, label=label or name)
    if len(value) > limit:
        raise ValidationError("{label} is too long (at most {n} characters).", field=name,
                              label=label or name, n=limit)
    return value


def _whole(data: dict[str, Any], name: str) -> int | None:
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError("Enter a whole number.", field=name)
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not text.lstrip("-").isdigit() or len(text) > 9:
        raise ValidationError("Enter a whole number.", field=name)
    return int(text)


def _lines(raw: Any) -> list[str]:
    if isinstance(raw, list):
        found = [str(x).strip() for x in raw]
    else:
        found = [line.strip() for line in str(raw or "").splitlines()]
    return [x for x in found if x]


# ---- sections -------------------------------------------------------------------------


def sections(session: Session, phase_id: int) -> list[SurveySection]:
    return list(session.exec(select(SurveySection).where(SurveySection.phase_id == phase_id)
                             .order_by(SurveySection.position, SurveySection.id)))


def add_section(*, session: Session, actor: policy.Actor, phase_id: Any, title: str = "",
                description: str = "") -> SurveySection:
    found = _admin(session, actor, phase_id)
    _refuse_if_locked(session, found.phase.id)
    data = {"title": title, "description": description}
    last = session.exec(select(sa.func.max(SurveySection.position)).where(
        SurveySection.phase_id == found.phase.id)).one()
    section = SurveySection(phase_id=found.phase.id, position=(last or 0) + 1,
                            title=_text(data, "title", 200),
                            description=_text(data, "description", 1000))
    session.add(section)
    session.commit()
    return section


def _section(session: Session, actor: policy.Actor, section_id: Any) -> SurveySection:
    section = session.get(SurveySection, section_id) if isinstance(section_id, int) else None
    if section is None:
        raise NotFound("This page does not exist.")
    _admin(session, actor, section.phase_id)
    return section


def update_section(*, session: Session, actor: policy.Actor, section_id: Any,
                   title: str = "", description: str = "") -> SurveySection:
    section = _section(session, actor, section_id)
    data = {"title": title, "description": description}
    new_title, new_description = _text(data, "title", 200), _text(data, "description", 1000)
    if locked(session, section.phase_id) and (new_title, new_description) != (
            section.title, section.description):
        _audit(session, actor, f"survey section {section.id}: “{section.title}” → "
                               f"“{new_title}”")
    section.title, section.description = new_title, new_description
    session.add(section)
    session.commit()
    return section


def delete_section(*, session: Session, actor: policy.Actor, section_id: Any) -> None:
    section = _section(session, actor, section_id)
    _refuse_if_locked(session, section.phase_id)
    if len(sections(session, section.phase_id)) <= 1:
        raise ValidationError("A questionnaire keeps at least one page.")
    ids = select(SurveyQuestion.id).where(SurveyQuestion.section_id == section.id)
    _drop_conditions_on(session, ids)
    session.execute(sa.delete(SurveyChoice).where(SurveyChoice.question_id.in_(ids)))
    session.execute(sa.delete(SurveyQuestion).where(SurveyQuestion.section_id == section.id))
    session.delete(section)
    session.commit()


def _swap(session: Session, rows: list[Any], index: int, offset: Any) -> None:
    if offset not in (-1, 1) or not 0 <= index + offset < len(rows):
        raise ValidationError("It cannot move further.")
    for n, row in enumerate(rows):
        row.position = n
    rows[index].position, rows[index + offset].position = index + offset, index
    for row in rows:
        session.add(row)
    session.commit()


def move_section(*, session: Session, actor: policy.Actor, section_id: Any,
                 offset: Any) -> None:
    section = _section(session, actor, section_id)
    _refuse_if_locked(session, section.phase_id)
    rows = sections(session, section.phase_id)
    _swap(session, rows, [r.id for r in rows].index(section.id), offset)
    _check_conditions_order(session, section.phase_id)


# ---- questions --------------------------------------------------------------------------


def ordered_questions(session: Session, phase_id: int) -> list[SurveyQuestion]:
    """The phase's questions in the order respondents meet them."""
    return list(session.exec(
        select(SurveyQuestion).join(SurveySection, SurveySection.id == SurveyQuestion.section_id)
        .where(SurveyQuestion.phase_id == phase_id)
        .order_by(SurveySection.position, SurveySection.id, SurveyQuestion.position,
                  SurveyQuestion.id)))


def choices_of(session: Session, question_ids: list[int]) -> dict[int, list[SurveyChoice]]:
    found: dict[int, list[SurveyChoice]] = {i: [] for i in question_ids}
    if question_ids:
        for choice in session.exec(select(SurveyChoice).where(
                SurveyChoice.question_id.in_(question_ids))
                .order_by(SurveyChoice.position, SurveyChoice.id)):
            found[choice.question_id].append(choice)
    return found


def _fields(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """The question's typed fields from the builder form; every wrong field reported."""
    errors = {}
    values: dict[str, Any] = {}
    for name, check in (("title", lambda: _text(data, "title", 300, required=True,
                                                 label="Question")),
                        ("help", lambda: _text(data, "help", 600)),
                        ("low_label", lambda: _text(data, "low_label", 60)),
                        ("high_label", lambda: _text(data, "high_label", 60)),
                        ("low", lambda: _whole(data, "low")),
                        ("high", lambda: _whole(data, "high"))):
        try:
            values[name] = check()
        except ValidationError as error:
            errors[name] = error
    values["required"] = data.get("required") in (True, "on", "true", "1")
    low, high = values.get("low"), values.get("high")
    if kind == Kind.SCALE:
        low = 1 if low is None else low
        high = 5 if high is None else high
        if not (0 <= low <= 1 and low < high <= 10):
            errors["high"] = ValidationError("A scale goes from 0 or 1 up to at most 10.",
                                             field="high")
        values["low"], values["high"] = low, high
    elif kind == Kind.MULTIPLE:
        if (low is not None and low < 0) or (high is not None and high < 1) or (
                low is not None and high is not None and low > high):
            errors["high"] = ValidationError("Check the minimum and maximum number of "
                                             "choices.", field="high")
    elif kind == Kind.NUMBER:
        if low is not None and high is not None and low > high:
            errors["high"] = ValidationError("The maximum must be at least the minimum.",
                                             field="high")
    else:
        values["low"] = values["high"] = None
    if kind != Kind.SCALE:
        values["low_label"] = values["high_label"] = ""
    if errors:
        raise FieldErrors(errors)
    return values


def _condition(session: Session, phase_id: int, data: dict[str, Any], *,
               before: SurveyQuestion | None) -> tuple[int | None, int | None]:
    question_id = _whole(data, "show_if_question")
    if question_id is None:
        return None, None
    choice_id = _whole(data, "show_if_choice")
    order = [q.id for q in ordered_questions(session, phase_id)]
    target = session.get(SurveyQuestion, question_id)
    choice = session.get(SurveyChoice, choice_id) if choice_id is not None else None
    if target is None or target.phase_id != phase_id or target.kind not in (
            Kind.SINGLE, Kind.MULTIPLE) or choice is None or choice.question_id != target.id \
            or choice.row:
        raise ValidationError("A condition refers to an earlier single or multiple choice "
                              "question and one of its options.", field="show_if_question")
    if before is not None and (before.id == target.id or (
            before.id in order and order.index(target.id) > order.index(before.id))):
        raise ValidationError("A condition refers to an earlier single or multiple choice "
                              "question and one of its options.", field="show_if_question")
    return target.id, choice.id


def add_question(*, session: Session, actor: policy.Actor, section_id: Any, kind: Any,
                 data: dict[str, Any]) -> SurveyQuestion:
    section = _section(session, actor, section_id)
    _refuse_if_locked(session, section.phase_id)
    if kind not in set(Kind):
        raise ValidationError("Choose a type of question.", field="kind")
    kind = Kind(kind)
    if session.exec(select(sa.func.count()).select_from(SurveyQuestion).where(
            SurveyQuestion.phase_id == section.phase_id)).one() >= MAX_QUESTIONS:
        raise ValidationError("A questionnaire holds at most {n} questions.", n=MAX_QUESTIONS)
    values = _fields(data, kind)
    options, rows = _lines(data.get("options")), _lines(data.get("rows"))
    _check_choices(kind, options, rows, data)
    show_q, show_c = _condition(session, section.phase_id, data, before=None)
    last = session.exec(select(sa.func.max(SurveyQuestion.position)).where(
        SurveyQuestion.section_id == section.id)).one()
    question = SurveyQuestion(phase_id=section.phase_id, section_id=section.id,
                              position=(last or 0) + 1, kind=kind.value,
                              show_if_question=show_q, show_if_choice=show_c, **values)
    session.add(question)
    session.flush()
    for n, label in enumerate(options):
        session.add(SurveyChoice(question_id=question.id, position=n, label=label))
    if kind in (Kind.SINGLE, Kind.MULTIPLE) and _wants_other(data):
        session.add(SurveyChoice(question_id=question.id, position=len(options),
                                 label=OTHER_LABEL, other=True))
    for n, label in enumerate(rows):
        session.add(SurveyChoice(question_id=question.id, position=n, label=label, row=True))
    session.commit()
    return question


def _wants_other(data: dict[str, Any]) -> bool:
    return data.get("other") in (True, "on", "true", "1")


def _check_choices(kind: str, options: list[str], rows: list[str], data: dict[str, Any]
                   ) -> None:
    if kind not in CHOICE_KINDS:
        return
    if len(options) + (1 if _wants_other(data) else 0) < 2:
        raise ValidationError("Give at least two options, one per line.", field="options")
    if len(options) > MAX_OPTIONS or len(rows) > MAX_OPTIONS:
        raise ValidationError("At most {n} options.", field="options", n=MAX_OPTIONS)
    if any(len(x) > 200 for x in options + rows):
        raise ValidationError("An option is too long (at most 200 characters).",
                              field="options")
    if kind == Kind.MATRIX and not rows:
        raise ValidationError("Give the matrix's rows, one per line.", field="rows")
    if kind == Kind.MULTIPLE:
        high = _whole(data, "high")
        if high is not None and high > len(options) + (1 if _wants_other(data) else 0):
            raise ValidationError("The maximum exceeds the number of options.", field="high")


def _question(session: Session, actor: policy.Actor, question_id: Any) -> SurveyQuestion:
    question = session.get(SurveyQuestion, question_id) if isinstance(question_id, int) \
        and not isinstance(question_id, bool) else None
    if question is None:
        raise NotFound("This page does not exist.")
    _admin(session, actor, question.phase_id)
    return question


def update_question(*, session: Session, actor: policy.Actor, question_id: Any,
                    data: dict[str, Any]) -> SurveyQuestion:
    """Edit a question. Locked: only its wording and its choices' labels (each change
    logged); new options may be added, none removed."""
    question = _question(session, actor, question_id)
    kind = Kind(question.kind)
    values = _fields(data, kind)
    options, rows = _lines(data.get("options")), _lines(data.get("rows"))
    current = choices_of(session, [question.id])[question.id]
    old_options = [c for c in current if not c.row and not c.other]
    old_rows = [c for c in current if c.row]
    had_other = any(c.other for c in current)
    if kind in CHOICE_KINDS:
        _check_choices(kind, options, rows, data)
    show_q, show_c = _condition(session, question.phase_id, data, before=question)
    is_locked = locked(session, question.phase_id)
    if is_locked:
        rules_before = (question.required, question.low, question.high,
                        question.show_if_question, question.show_if_choice)
        rules_after = (values["required"], values["low"], values["high"], show_q, show_c)
        if rules_before != rules_after or (kind in CHOICE_KINDS and (
                len(options) < len(old_options) or len(rows) < len(old_rows)
                or (had_other and not _wants_other(data)))):
            raise ValidationError(LOCKED)
        changes = [f"“{getattr(question, name)}” → “{values[name]}”"
                   for name in ("title", "help", "low_label", "high_label")
                   if getattr(question, name) != values[name]]
        changes += [f"“{c.label}” → “{label}”" for c, label in
                    zip(old_options + old_rows, options[:len(old_options)]
                        + rows[:len(old_rows)], strict=False) if c.label != label]
        if changes:
            _audit(session, actor, f"survey question {question.id}: " + "; ".join(changes))
    for name, value in values.items():
        setattr(question, name, value)
    question.show_if_question, question.show_if_choice = show_q, show_c
    session.add(question)
    if kind in CHOICE_KINDS:
        _sync_choices(session, question.id, old_options, options, row=False,
                      allow_removal=not is_locked)
        _sync_choices(session, question.id, old_rows, rows, row=True,
                      allow_removal=not is_locked)
        other = next((c for c in current if c.other), None)
        if kind in (Kind.SINGLE, Kind.MULTIPLE) and _wants_other(data) and other is None:
            session.add(SurveyChoice(question_id=question.id, position=len(options),
                                     label=OTHER_LABEL, other=True))
        elif other is not None and not _wants_other(data):
            _drop_conditions_on_choices(session, [other.id])
            session.delete(other)
        elif other is not None:
            other.position = len(options)
            session.add(other)
    session.commit()
    return question


def _sync_choices(session: Session, question_id: int, old: list[SurveyChoice],
                  labels: list[str], *, row: bool, allow_removal: bool) -> None:
    """Position n keeps choice n (its id, so answers and conditions stay); extra lines are
    new choices; missing ones are removed (unlocked only)."""
    for n, label in enumerate(labels):
        if n < len(old):
            old[n].label, old[n].position = label, n
            session.add(old[n])
        else:
            session.add(SurveyChoice(question_id=question_id, position=n, label=label, row=row))
    removed = old[len(labels):]
    if removed and allow_removal:
        _drop_conditions_on_choices(session, [c.id for c in removed])
        for choice in removed:
            session.delete(choice)


def _drop_conditions_on_choices(session: Session, choice_ids: list[int]) -> None:
    session.execute(sa.update(SurveyQuestion).where(
        SurveyQuestion.show_if_choice.in_(choice_ids)).values(
        show_if_question=None, show_if_choice=None))


def _drop_conditions_on(session: Session, question_ids: Any) -> None:
    session.execute(sa.update(SurveyQuestion).where(
        SurveyQuestion.show_if_question.in_(question_ids)).values(
        show_if_question=None, show_if_choice=None))


def delete_question(*, session: Session, actor: policy.Actor, question_id: Any) -> None:
    question = _question(session, actor, question_id)
    _refuse_if_locked(session, question.phase_id)
    _drop_conditions_on(session, [question.id])
    session.execute(sa.delete(SurveyChoice).where(SurveyChoice.question_id == question.id))
    session.delete(question)
    session.commit()


def move_question(*, session: Session, actor: policy.Actor, question_id: Any,
                  offset: Any) -> None:
    """Up or down inside its page (a condition never comes before what it asks about)."""
    question = _question(session, actor, question_id)
    _refuse_if_locked(session, question.phase_id)
    rows = list(session.exec(select(SurveyQuestion).where(
        SurveyQuestion.section_id == question.section_id)
        .order_by(SurveyQuestion.position, SurveyQuestion.id)))
    _swap(session, rows, [r.id for r in rows].index(question.id), offset)
    _check_conditions_order(session, question.phase_id)


def _check_conditions_order(session: Session, phase_id: int) -> None:
    """A move that put a condition before its question drops that condition."""
    order = [q.id for q in ordered_questions(session, phase_id)]
    changed = False
    for q in ordered_questions(session, phase_id):
        if q.show_if_question is not None and (q.show_if_question not in order or order.index(
                q.show_if_question) > order.index(q.id)):
            q.show_if_question = q.show_if_choice = None
            session.add(q)
            changed = True
    if changed:
        session.commit()


def outline(*, session: Session, actor: policy.Actor, phase_id: Any) -> dict[str, Any]:
    """What the dashboard builder shows: pages, their questions and choices, the lock."""
    found = _admin(session, actor, phase_id)
    questions = ordered_questions(session, found.phase.id)
    choices = choices_of(session, [q.id for q in questions])
    return {
        "phase_id": found.phase.id, "locked": locked(session, found.phase.id),
        "project_id": found.project.id,
        "sections": [{"id": s.id, "title": s.title, "description": s.description,
                      "questions": [{
                          "id": q.id, "kind": q.kind, "title": q.title, "help": q.help,
                          "required": q.required, "low": q.low, "high": q.high,
                          "low_label": q.low_label, "high_label": q.high_label,
                          "show_if_question": q.show_if_question,
                          "show_if_choice": q.show_if_choice,
                          "options": [{"id": c.id, "label": c.label} for c in choices[q.id]
                                      if not c.row and not c.other],
                          "rows": [c.label for c in choices[q.id] if c.row],
                          "other": any(c.other for c in choices[q.id])}
                          for q in questions if q.section_id == s.id]}
                     for s in sections(session, found.phase.id)],
    }


def ensure_first_section(*, session: Session, actor: policy.Actor, phase_id: Any) -> None:
    """A new questionnaire starts with one empty page."""
    found = _admin(session, actor, phase_id)
    if not sections(session, found.phase.id) and not locked(session, found.phase.id):
        session.add(SurveySection(phase_id=found.phase.id, position=0))
        session.commit()
