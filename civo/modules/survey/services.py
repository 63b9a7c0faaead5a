"""Answering a questionnaire: the respondent's form, drafts saved page by page, submit.

Who is answering (:func:`respondent_key`): an account (``u<id>``), or a visitor's browser
(``b`` + SHA-256 of a random token the browser keeps in local storage and, once it
answered, in the ``questionnaireCompleted_<phase>`` cookie). One response per respondent:
the "has answered" marker's primary key, inserted first in the submit's transaction, so a
double submit, two tabs or a crafted client never make two. Visitors' submits are also
rate-limited per network address (a keyed hash, per questionnaire).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.i18n import N_
from civo.db import insert_ignore
from civo.models import Phase, Project, User
from civo.models._common import utcnow
from civo.modules.survey import answers as checks
from civo.modules.survey.builder import choices_of, ordered_questions, sections, where
from civo.modules.survey.models import SurveyAnswer, SurveyDraft, SurveyMarker, SurveyResponse
from civo.modules.survey.settings import ANONYMOUS, VISITORS, setting
from civo.services.errors import (
    CivoError,
    FieldErrors,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
VISITOR_LIMIT = 20           # responses per hour from one network address, per questionnaire
DRAFT_MAX_BYTES = 64_000


def respondent_key(actor: policy.Actor, browser_token: Any) -> str | None:
    """``u<id>`` for an account; ``b<sha256>`` for a visitor's well-formed token; else None."""
    if actor.signed_in:
        return f"u{actor.user_id}"
    if isinstance(browser_token, str) and TOKEN.match(browser_token):
        return "b" + hashlib.sha256(browser_token.encode()).hexdigest()
    return None


def questions(session: Session, phase_id: int) -> list[checks.Question]:
    """The questionnaire's questions in order, with their options and matrix rows."""
    rows = ordered_questions(session, phase_id)
    found = choices_of(session, [q.id for q in rows])
    return [checks.Question(
        id=q.id, section_id=q.section_id, kind=q.kind, title=q.title, help=q.help,
        required=q.required, low=q.low, high=q.high, low_label=q.low_label,
        high_label=q.high_label, show_if_question=q.show_if_question,
        show_if_choice=q.show_if_choice,
        options=tuple(checks.Option(c.id, c.label, c.other) for c in found[q.id] if not c.row),
        rows=tuple(checks.Option(c.id, c.label) for c in found[q.id] if c.row))
        for q in rows]


@dataclass
class SurveyForm:
    """What the respondent's page shows."""

    phase_id: int
    sections: list[dict[str, Any]]
    questions: list[checks.Question]
    answers: dict[str, Any] = field(default_factory=dict)
    page: int = 0
    done: bool = False
    can_answer: bool = False
    reason: str = ""              # a msgid: why answering is not possible
    anonymous: bool = True
    visitors: bool = False


def _reason(actor: policy.Actor, found: Any) -> str:
    if not policy.phase_is_open(actor, found):
        return N_("This questionnaire is closed.")
    if setting(found.phase, "audience") != VISITORS:
        if not actor.signed_in:
            return N_("Please sign in to answer this questionnaire.")
        if not actor.confirmed:
            return N_("Confirm your email address first: use the link we sent you (you can "
                      "ask for a new one at the top of the page).")
    return N_("You are not allowed to do that.")


def has_answered(session: Session, phase_id: int, key: str | None) -> bool:
    return key is not None and session.exec(select(SurveyMarker.phase_id).where(
        SurveyMarker.phase_id == phase_id, SurveyMarker.respondent == key)).first() is not None


def form(*, session: Session, actor: policy.Actor, phase_id: Any,
         browser_token: Any = "") -> SurveyForm:
    found = where(session, phase_id)
    if not policy.can(actor, "survey.view", found):
        raise NotFound("This page does not exist.")
    key = respondent_key(actor, browser_token)
    view = SurveyForm(
        phase_id=found.phase.id,
        sections=[{"id": s.id, "title": s.title, "description": s.description}
                  for s in sections(session, found.phase.id)],
        questions=questions(session, found.phase.id),
        anonymous=setting(found.phase, "identity") == ANONYMOUS,
        visitors=setting(found.phase, "audience") == VISITORS)
    view.done = has_answered(session, found.phase.id, key)
    view.can_answer = not view.done and policy.can(actor, "survey.respond", found)
    if not view.can_answer and not view.done:
        view.reason = _reason(actor, found)
    if view.can_answer and key is not None:
        draft = session.get(SurveyDraft, (found.phase.id, key))
        if draft is not None:
            view.answers = dict(draft.answers or {})
            view.page = max(0, min(draft.page, len(view.sections) - 1))
    return view


def _respond_where(session: Session, actor: policy.Actor, phase_id: Any) -> Any:
    found = where(session, phase_id)
    if not policy.can(actor, "survey.view", found):
        raise NotFound("This page does not exist.")
    if not policy.can(actor, "survey.respond", found):
        reason = _reason(actor, found)
        raise (PermissionDenied if "sign in" in reason or "Confirm" in reason
               else ValidationError)(reason)
    return found


def _raw(answers: Any) -> dict[str, Any]:
    """A draft's answers: question ids to small dicts, bounded in size."""
    if not isinstance(answers, dict):
        return {}
    kept = {str(k): v for k, v in answers.items()
            if str(k).isdigit() and isinstance(v, dict)}
    if len(json.dumps(kept, default=str)) > DRAFT_MAX_BYTES:
        raise ValidationError("Your answers are too long to be saved.")
    return kept


def save_page(*, session: Session, actor: policy.Actor, phase_id: Any, browser_token: Any,
              page: Any, answers: Any, check_page: Any = None) -> dict[str, CivoError]:
    """Keep the answers so far as the respondent's draft (always, even when some are
    wrong: nothing typed is lost), then check page ``check_page`` (an index) if given.
    Returns question field (``q<id>``) → error for the wrong answers of that page."""
    found = _respond_where(session, actor, phase_id)
    key = respondent_key(actor, browser_token)
    if key is None:
        raise ValidationError("Your browser did not send its questionnaire token: reload "
                              "the page.")
    if has_answered(session, found.phase.id, key):
        raise ValidationError("You have already answered this questionnaire. Thank you!")
    kept = _raw(answers)
    page_no = page if isinstance(page, int) and not isinstance(page, bool) else 0
    page_no = max(0, min(page_no, 200))
    draft = session.get(SurveyDraft, (found.phase.id, key))
    if draft is None:
        draft = SurveyDraft(phase_id=found.phase.id, respondent=key)
    draft.answers, draft.page, draft.updated_at = kept, page_no, utcnow()
    session.add(draft)
    session.commit()
    if check_page is None:
        return {}
    pages = sections(session, found.phase.id)
    if not isinstance(check_page, int) or not 0 <= check_page < len(pages):
        return {}
    try:
        _check_page(session, found.phase.id, kept, pages[check_page].id)
    except FieldErrors as error:
        return dict(error.errors)
    return {}


def _check_page(session: Session, phase_id: int, kept: dict[str, Any], section_id: int
                ) -> None:
    """Errors of one page only: required and wrong answers on it (others ignored)."""
    all_questions = questions(session, phase_id)
    errors: dict[str, CivoError] = {}
    try:
        checks.clean(all_questions, kept)
    except FieldErrors as error:
        on_page = {f"q{q.id}" for q in all_questions if q.section_id == section_id}
        errors = {k: v for k, v in error.errors.items() if k in on_page}
    if errors:
        raise FieldErrors(errors)


def _band(birth_year: int | None) -> str:
    from civo.services.analytics import AGE_BANDS

    if not birth_year:
        return ""
    age = utcnow().year - birth_year
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "")


def _client_tag(phase_id: int, client: Any) -> str:
    from civo.services.secrets import keyed_digest

    return keyed_digest("survey-client", phase_id, str(client or ""))[:32] if client else ""


def submit(*, session: Session, actor: policy.Actor, phase_id: Any, browser_token: Any,
           answers: Any, client: Any = "") -> int:
    """Check every answer, then record the response once; returns its id.

    Raises FieldErrors (one message per wrong question; nothing recorded, the draft kept),
    ValidationError when already answered or closed, Throttled for too many visitors'
    responses from one address.
    """
    found = _respond_where(session, actor, phase_id)
    phase_id = found.phase.id
    key = respondent_key(actor, browser_token)
    if key is None:
        raise ValidationError("Your browser did not send its questionnaire token: reload "
                              "the page.")
    clean = checks.clean(questions_of := questions(session, phase_id), answers)
    if not clean:
        raise ValidationError("Answer at least one question before sending.")
    now = utcnow()
    tag = "" if actor.signed_in else _client_tag(phase_id, client)
    if tag and session.exec(select(sa.func.count()).select_from(SurveyMarker).where(
            SurveyMarker.phase_id == phase_id, SurveyMarker.client == tag,
            SurveyMarker.created_at > now - timedelta(hours=1))).one() >= VISITOR_LIMIT:
        raise Throttled("Many responses came from your network in the last hour. Please try "
                        "again later.")
    if not insert_ignore(session, SurveyMarker, {
            "phase_id": phase_id, "respondent": key, "user_id": actor.user_id,
            "client": tag, "created_at": now}):
        session.rollback()
        raise ValidationError("You have already answered this questionnaire. Thank you!")
    linked = setting(found.phase, "identity") != ANONYMOUS
    band = gender = ""
    if actor.signed_in:
        person = session.exec(select(User.birth_year, User.gender).where(
            User.id == actor.user_id)).first()
        if person is not None:
            band, gender = _band(person[0]), person[1] or ""
    # An anonymous response keeps only the day it came: nothing ties it to the marker.
    when = now if linked else datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
    response_id = session.execute(sa.insert(SurveyResponse).values(
        phase_id=phase_id, user_id=actor.user_id if linked else None, age_band=band,
        gender=gender, created_at=when).returning(SurveyResponse.id)).scalar_one()
    by_id = {q.id: q for q in questions_of}
    rows = [{"response_id": response_id, "choice_id": None, "row_id": None, "rank": None,
             "number": None, "text": "", **row}
            for qid, answer in clean.items() for row in checks.rows_for(by_id[qid], answer)]
    session.execute(sa.insert(SurveyAnswer), rows)
    session.execute(sa.delete(SurveyDraft).where(SurveyDraft.phase_id == phase_id,
                                                 SurveyDraft.respondent == key))
    session.commit()
    return response_id


def invitation(*, session: Session, actor: policy.Actor, slug: Any, browser_token: Any = "",
               earlier_tokens: Any = (), snoozed: Any = ()) -> dict[str, Any] | None:
    """The open questionnaire a community page invites to: one the reader may answer and
    has not answered (nor put off with "Not now"); a signed-in reader must follow the
    community. None when there is nothing to offer."""
    from civo.models import Community, Follow
    from civo.services.items import Where

    if not isinstance(slug, str) or len(slug) > 140:
        return None
    community = session.exec(select(Community).where(Community.slug == slug)).first()
    if community is None or not policy.can(actor, "community.view", community):
        return None
    if actor.signed_in and session.exec(select(Follow.id).where(
            Follow.user_id == actor.user_id, Follow.community_id == community.id)
            ).first() is None:
        return None
    quiet = {int(p) for p in snoozed if isinstance(p, int)} if snoozed else set()
    keys = [k for k in [respondent_key(actor, browser_token), *[
        respondent_key(policy.ANONYMOUS, t) for t in list(earlier_tokens or ())[:20]]] if k]
    for phase, project in session.exec(
            select(Phase, Project).join(Project, Project.id == Phase.project_id)
            .where(Project.community_id == community.id, Phase.module_key == "survey",
                   Phase.status == "open", Project.status == "open",
                   Project.published_at.is_not(None))
            .order_by(Phase.id).limit(10)):
        if phase.id in quiet:
            continue
        if not policy.can(actor, "survey.respond", Where(community=community,
                                                         project=project, phase=phase)):
            continue
        if any(has_answered(session, phase.id, k) for k in keys):
            continue
        return {"phase_id": phase.id, "title": phase.title, "project": project.title,
                "href": f"/p/{project.id}/{phase.id}"}
    return None
