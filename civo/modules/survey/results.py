"""Results of a questionnaire, every figure an SQL aggregate over the answer rows.

Per question: choice questions count each option (``COUNT(*) GROUP BY choice_id``: a
multiple choice counts per option, never per combination) with percentages of those who
answered; scales and numbers give their distribution, mean and median; rankings the average
rank per option; matrices the distribution per row. Free texts are listed (admins only,
searchable, keyset-paginated). Breakdowns by age band or gender get the core's small-group
suppression. The anonymised export names nobody: a response is a random-looking tag.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.modules.survey import answers as checks
from civo.modules.survey.builder import where
from civo.modules.survey.models import Kind, SurveyAnswer, SurveyResponse
from civo.modules.survey.services import questions
from civo.services.errors import NotFound, ValidationError

TEXT_PAGE = 20


def _allowed(session: Session, actor: policy.Actor, phase_id: Any, rule: str) -> Any:
    found = where(session, phase_id)
    if not policy.can(actor, "survey.view", found) or not policy.can(actor, rule, found):
        raise NotFound("This page does not exist.")
    return found


def _pct(n: int, of: int) -> float:
    return round(100.0 * n / of, 1) if of else 0.0


def _median(distribution: list[tuple[float, int]]) -> float | None:
    """The median of a (value, count) distribution read from SQL."""
    total = sum(n for _, n in distribution)
    if not total:
        return None
    middle: list[float] = []
    for wanted in ((total - 1) // 2, total // 2):
        cumulative = 0
        for value, n in sorted(distribution):
            cumulative += n
            if cumulative > wanted:
                middle.append(value)
                break
    return (middle[0] + middle[1]) / 2


def compute(session: Session, phase_id: int) -> dict[str, Any]:
    """Every question's figures (a count and two grouped queries in all)."""
    qs = questions(session, phase_id)
    total = session.exec(select(sa.func.count()).select_from(SurveyResponse).where(
        SurveyResponse.phase_id == phase_id)).one()
    counts: dict[int, dict[tuple[int | None, int | None], tuple[int, int]]] = defaultdict(dict)
    answered: dict[int, int] = defaultdict(int)
    numbers: dict[int, list[tuple[float, int]]] = defaultdict(list)
    valued = [q.id for q in qs if q.kind in (Kind.SCALE, Kind.NUMBER)]
    others = [q.id for q in qs if q.id not in set(valued)]
    A = SurveyAnswer
    if others:  # options, ranks, matrix rows, texts: one covering-index scan
        for qid, choice, row, n, rank_sum, leads in session.execute(
                select(A.question_id, A.choice_id, A.row_id, sa.func.count(),
                       sa.func.coalesce(sa.func.sum(A.rank), 0), sa.func.sum(A.lead))
                .where(A.question_id.in_(others))
                .group_by(A.question_id, A.choice_id, A.row_id)):
            counts[qid][(choice, row)] = (n, int(rank_sum))
            answered[qid] += int(leads or 0)
    if valued:  # numbers and scales: their distribution (one row per answer)
        for qid, value, n in session.execute(
                select(A.question_id, A.number, sa.func.count())
                .where(A.question_id.in_(valued), A.number.is_not(None))
                .group_by(A.question_id, A.number)):
            numbers[qid].append((float(value), n))
            answered[qid] += n
    return {"total": total, "questions": [
        _figures(q, counts[q.id], answered[q.id], numbers[q.id]) for q in qs]}


def _figures(q: checks.Question, counts: dict, answered: int,
             distribution: list[tuple[float, int]]) -> dict[str, Any]:
    base: dict[str, Any] = {"id": q.id, "kind": q.kind, "title": q.title,
                            "answered": answered}
    if q.kind in (Kind.SINGLE, Kind.MULTIPLE):
        base["options"] = [{"label": o.label, "other": o.other,
                            "count": counts.get((o.id, None), (0, 0))[0],
                            "percent": _pct(counts.get((o.id, None), (0, 0))[0], answered)}
                           for o in q.options]
    elif q.kind == Kind.RANKING:
        base["options"] = [{"label": o.label, "count": counts.get((o.id, None), (0, 0))[0],
                            "average_rank": round(s / n, 2) if (n := counts.get(
                                (o.id, None), (0, 0))[0]) and (s := counts[(o.id, None)][1])
                            else None} for o in q.options]
        base["options"].sort(key=lambda o: (o["average_rank"] is None,
                                            o["average_rank"] or 0))
    elif q.kind == Kind.MATRIX:
        base["columns"] = [o.label for o in q.options]
        base["rows"] = []
        for r in q.rows:
            cells = [counts.get((o.id, r.id), (0, 0))[0] for o in q.options]
            base["rows"].append({"label": r.label, "counts": cells, "answered": sum(cells),
                                 "percents": [_pct(c, sum(cells)) for c in cells]})
    elif q.kind in (Kind.SCALE, Kind.NUMBER):
        n = sum(c for _, c in distribution)
        base["mean"] = round(sum(v * c for v, c in distribution) / n, 2) if n else None
        base["median"] = _median(distribution)
        if q.kind == Kind.SCALE:
            found = dict(distribution)
            base["distribution"] = [{"value": v, "count": int(found.get(float(v), 0)),
                                     "percent": _pct(int(found.get(float(v), 0)), n)}
                                    for v in range((q.low or 0), (q.high or 0) + 1)]
            base["low_label"], base["high_label"] = q.low_label, q.high_label
    return base


def results(*, session: Session, actor: policy.Actor, phase_id: Any) -> dict[str, Any]:
    """Admins any time; others once the phase closed and its results are public."""
    found = _allowed(session, actor, phase_id, "survey.view_results")
    return compute(session, found.phase.id)


def free_texts(*, session: Session, actor: policy.Actor, phase_id: Any, question_id: Any,
               search: str = "", after: Any = None) -> tuple[list[dict[str, Any]], int | None]:
    """A page of a question's written answers (texts and "Other" answers), newest first,
    optionally containing ``search``; admins only. Returns (rows, next cursor)."""
    found = _allowed(session, actor, phase_id, "survey.manage")
    if not isinstance(question_id, int) or question_id not in {
            q.id for q in questions(session, found.phase.id)}:
        raise NotFound("This page does not exist.")
    search = str(search or "").strip()[:100]
    stmt = select(SurveyAnswer.id, SurveyAnswer.text).where(
        SurveyAnswer.question_id == question_id, SurveyAnswer.text != "")
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(SurveyAnswer.text.ilike(f"%{escaped}%", escape="\\"))
    if isinstance(after, int) and not isinstance(after, bool):
        stmt = stmt.where(SurveyAnswer.id < after)
    rows = session.execute(stmt.order_by(SurveyAnswer.id.desc()).limit(TEXT_PAGE + 1)).all()
    more = len(rows) > TEXT_PAGE
    rows = rows[:TEXT_PAGE]
    return [{"id": i, "text": t} for i, t in rows], (rows[-1][0] if more else None)


BREAKDOWNS = {"age": SurveyResponse.age_band, "gender": SurveyResponse.gender}


def breakdown(*, session: Session, actor: policy.Actor, phase_id: Any, question_id: Any,
              by: Any) -> list[dict[str, Any]]:
    """Per option of a single or multiple choice question, its counts per age band or
    gender, with small groups (under 5) shown as "<5" and the secondary suppression."""
    from civo.services.analytics import UNKNOWN, suppress

    found = _allowed(session, actor, phase_id, "survey.manage")
    column = BREAKDOWNS.get(by)
    question = next((q for q in questions(session, found.phase.id) if q.id == question_id),
                    None)
    if column is None or question is None or question.kind not in (Kind.SINGLE,
                                                                   Kind.MULTIPLE):
        raise ValidationError("Choose a single or multiple choice question and a breakdown.")
    counted: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for choice, group, n in session.execute(
            select(SurveyAnswer.choice_id, column, sa.func.count())
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyAnswer.question_id == question.id)
            .group_by(SurveyAnswer.choice_id, column)):
        counted[choice].append((group or UNKNOWN, n))
    return [{"label": o.label, "groups": [{"label": g.label, "count": g.shown}
                                          for g in suppress(sorted(counted[o.id]))]}
            for o in question.options]


# ---- the anonymised export -----------------------------------------------------------------


def _tag(response_id: int) -> str:
    from civo.services.secrets import keyed_digest

    return "R-" + keyed_digest("survey-export", response_id)[:10].upper()


def export_table(session: Session, phase_id: int) -> tuple[list[str], list[list[str]]]:
    """One row per response: a tag, the day, one column per question. No names, no ids."""
    from civo.services.analytics import csv_cell

    qs = questions(session, phase_id)
    labels = {o.id: o.label for q in qs for o in (*q.options, *q.rows)}
    by_id = {q.id: q for q in qs}
    header = ["response", "day", *[f"Q{n + 1}. {q.title}" for n, q in enumerate(qs)]]
    per: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    days: dict[int, str] = {}
    for rid, day in session.execute(select(SurveyResponse.id, SurveyResponse.created_at)
                                    .where(SurveyResponse.phase_id == phase_id)
                                    .order_by(SurveyResponse.id)):
        days[rid] = day.date().isoformat()
    for rid, qid, choice, row, _rank, number, text in session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.choice_id,
                   SurveyAnswer.row_id, SurveyAnswer.rank, SurveyAnswer.number,
                   SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.phase_id == phase_id)
            .order_by(SurveyAnswer.response_id, SurveyAnswer.id)):
        kind = by_id[qid].kind if qid in by_id else ""
        if kind in (Kind.SHORT, Kind.LONG):
            cell = text
        elif kind in (Kind.NUMBER, Kind.SCALE):
            cell = f"{number:g}" if number is not None else ""
        elif kind == Kind.MATRIX:
            cell = f"{labels.get(row, '')}: {labels.get(choice, '')}"
        else:
            cell = labels.get(choice, "") + (f" ({text})" if text else "")
        per[rid][qid].append(cell)
    sep = {Kind.RANKING: " > "}
    rows = [[_tag(rid), days[rid], *[csv_cell(sep.get(q.kind, "; ").join(per[rid][q.id]))
                                     for q in qs]] for rid in days]
    return header, rows


def export(*, session: Session, actor: policy.Actor, phase_id: Any, fmt: str = "csv"
           ) -> tuple[str, str]:
    """(file name, content) of the anonymised responses, CSV or JSON (admins)."""
    found = _allowed(session, actor, phase_id, "survey.manage")
    header, rows = export_table(session, found.phase.id)
    if fmt == "json":
        return (f"questionnaire-{found.phase.id}.json",
                json.dumps([dict(zip(header, r, strict=True)) for r in rows], ensure_ascii=False, indent=1))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return f"questionnaire-{found.phase.id}.csv", out.getvalue()
