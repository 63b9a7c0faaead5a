"""Check a published result: import a ``.pb`` file into a scratch database built by the
project's own migrations, compute its outcome with the app's own code, and report it in the
file's own project ids (``python -m civo.cli budget-outcome FILE.pb``)."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from civo.modules.budget import outcome, pabulib


@dataclass
class FileOutcome:
    rule: str
    completion: str
    budget: int
    spent: int
    selected: list[str]   # the file's project ids, in selection order
    ballots: int


def scratch_phase(session: Session, *, title: str = "Imported budget") -> int:
    """A project and budget phase to import into (under the first community, or a new one)."""
    from civo.models import Community, Phase, Place, Project

    community_id = session.execute(sa.select(Community.id).order_by(Community.id)).scalars().first()
    if community_id is None:
        slug = f"pabulib-{secrets.token_hex(4)}"
        place = Place(name="Pabulib", search_name="pabulib", slug=slug, kind="city")
        session.add(place)
        session.flush()
        community = Community(name="Pabulib", search_name="pabulib", slug=slug, kind="city",
                              place_id=place.id)
        session.add(community)
        session.flush()
        community_id = community.id
    project = Project(community_id=community_id, title=title[:160])
    session.add(project)
    session.flush()
    phase = Phase(project_id=project.id, title=title[:160], module_key="budget")
    session.add(phase)
    session.flush()
    return phase.id


def outcome_of(session: Session, pb: pabulib.PbFile, *, rule: str | None = None,
               completion: str | None = None) -> FileOutcome:
    """Import ``pb`` (projects and votes) into a new phase of ``session``'s database and compute."""
    named = pb.rule()
    if rule is None:
        if named is None:
            raise pabulib.PabulibError(
                f"META rule {pb.meta.get('rule', '')!r} is not one civo computes "
                "(greedy, equalshares/add1): pass --rule", pb.meta_lines.get("rule"))
        rule = named[0]
        if completion is None:
            completion = named[1]
    completion = completion or "none"
    phase_id = scratch_phase(session, title=pb.meta.get("description") or "Imported budget")
    imported = pabulib.import_into(session, phase_id, pb, votes=True)
    session.commit()
    result = outcome.compute(session, phase_id, budget=pb.budget, rule=rule,
                             completion=completion)
    back = {v: k for k, v in imported.ids.items()}
    return FileOutcome(result.rule, result.completion, result.budget, result.spent,
                       [back[pid] for pid in result.selected], result.ballot_count)


def check_file(path: str | Path, *, rule: str | None = None,
               completion: str | None = None) -> FileOutcome:
    """Parse, import into a scratch SQLite database (migrated to head) and compute."""
    from reflex.model import _alembic_upgrade

    from civo.db import make_engine

    pb = pabulib.parse_file(str(path))
    with tempfile.TemporaryDirectory(prefix="civo-pb-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            with engine.connect() as conn:
                _alembic_upgrade(connection=conn)
                conn.commit()
            with Session(engine, expire_on_commit=False) as session:
                return outcome_of(session, pb, rule=rule, completion=completion)
        finally:
            engine.dispose()
