"""Demo data: the Auvergne-Rhône-Alpes energy questionnaire (every kind of question, one
conditional), open to visitors, with demo responses. Idempotent."""

from __future__ import annotations

import random
from typing import Any

from sqlmodel import Session, select

from civo import policy
from civo.models import Phase, Project, User
from civo.modules.survey import builder, services
from civo.modules.survey.models import SurveyChoice

PROJECT = "Producing 50% of our energy"
DEMO_RESPONSES = 40

# (section title, [(kind, title, fields)])
QUESTIONNAIRE: tuple[tuple[str, tuple[tuple[str, str, dict[str, Any]], ...]], ...] = (
    ("Your energy today", (
        ("single", "Do you produce any energy at home?",
         {"options": ["Yes", "No", "Not yet, but I plan to"], "required": True}),
        ("multiple", "Which sources do you use?",
         {"options": ["Solar panels", "Solar water heater", "Heat pump", "Wood"],
          "other": True, "low": 1, "high": 3, "help": "Up to three.",
          "condition": (0, "Yes")}),
        ("number", "How many people live in your home?", {"low": 1, "high": 20}),
        ("scale", "How important is producing energy locally to you?",
         {"low": 0, "high": 10, "low_label": "Not important", "high_label": "Essential",
          "required": True}),
    )),
    ("The region's plan", (
        ("ranking", "Rank these sources for the region, most wanted first",
         {"options": ["Solar", "Hydropower", "Wind", "Biomass", "Geothermal"]}),
        ("matrix", "How acceptable would each project be near your home?",
         {"rows": ["A solar farm", "A wind turbine", "A biogas plant"],
          "options": ["Acceptable", "Neutral", "Unacceptable"]}),
        ("short", "In a few words, what would make you change your habits?", {}),
        ("long", "Any other idea to produce half of the energy we use?", {}),
    )),
)

WORDS = ("Lower bills", "Subsidies", "Neighbours doing it", "Simpler paperwork",
         "Community solar", "Better information")


def build(session: Session, actor: policy.Actor, phase_id: int) -> list[int]:
    """Create the questionnaire's pages and questions; returns the question ids."""
    created: list[int] = []
    section_ids = [s.id for s in builder.sections(session, phase_id)]
    for n, (title, questions) in enumerate(QUESTIONNAIRE):
        if n < len(section_ids):
            builder.update_section(session=session, actor=actor, section_id=section_ids[n],
                                   title=title)
            section_id = section_ids[n]
        else:
            section_id = builder.add_section(session=session, actor=actor, phase_id=phase_id,
                                             title=title).id
        for kind, question, fields in questions:
            data = {k: v for k, v in fields.items() if k != "condition"}
            data["title"] = question
            if "condition" in fields:
                index, label = fields["condition"]
                data["show_if_question"] = created[index]
                data["show_if_choice"] = session.exec(select(SurveyChoice.id).where(
                    SurveyChoice.question_id == created[index],
                    SurveyChoice.label == label)).one()
            created.append(builder.add_question(session=session, actor=actor,
                                                section_id=section_id, kind=kind,
                                                data=data).id)
    return created


def _answers(rng: random.Random, form: services.SurveyForm) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in form.questions:
        options = [o for o in q.options if not o.other]
        if q.kind == "single":
            answers[str(q.id)] = {"choice": rng.choice(options).id}
        elif q.kind == "multiple":
            answers[str(q.id)] = {"choices": [o.id for o in rng.sample(options, rng.randint(
                1, 3))]}
        elif q.kind == "number":
            answers[str(q.id)] = {"number": str(rng.randint(1, 6))}
        elif q.kind == "scale":
            answers[str(q.id)] = {"number": rng.choice((5, 6, 7, 7, 8, 8, 9, 10, 3))}
        elif q.kind == "ranking":
            order = [o.id for o in q.options]
            rng.shuffle(order)
            answers[str(q.id)] = {"ranking": order}
        elif q.kind == "matrix":
            answers[str(q.id)] = {"rows": {str(r.id): rng.choice(q.options).id
                                           for r in q.rows}}
        elif q.kind == "short" and rng.random() < 0.6:
            answers[str(q.id)] = {"text": rng.choice(WORDS)}
    return answers


def seed(session: Session) -> None:
    """The questionnaire as the second phase of the region's energy project, open."""
    from civo.services import accounts

    project = session.exec(select(Project).where(Project.title == PROJECT)).first()
    admin_id = session.exec(select(User.id).where(
        User.email == "admin@demo.civo.example")).first()
    if project is None or admin_id is None or session.exec(select(Phase.id).where(
            Phase.project_id == project.id, Phase.module_key == "survey")).first():
        return
    last = max((p.position for p in session.exec(select(Phase).where(
        Phase.project_id == project.id))), default=-1)
    phase = Phase(project_id=project.id, position=last + 1, title="Questionnaire",
                  description="Two minutes to tell the region how you see its energy plan.",
                  module_key="survey", status="open",
                  settings={"audience": "visitors", "identity": "anonymous",
                            "public_results": True})
    session.add(phase)
    if project.status == "upcoming":
        project.status = "open"
        session.add(project)
    session.commit()
    admin = accounts.actor_for(session=session, user_id=admin_id)
    build(session, admin, phase.id)
    rng = random.Random(2026)
    form = services.form(session=session, actor=policy.ANONYMOUS, phase_id=phase.id,
                         browser_token="demo-seed-browser-0000")
    for n in range(DEMO_RESPONSES):
        services.submit(session=session, actor=policy.ANONYMOUS, phase_id=phase.id,
                        browser_token=f"demo-seed-browser-{n:04d}-x", answers=_answers(rng, form))
