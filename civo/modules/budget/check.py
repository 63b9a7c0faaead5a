"""Check a published result: import a ``.pb`` file into a scratch database built by the
project's own migrations, compute its outcome with the app's own code, and report it in the
file's own project ids (``python -m civo.cli budget-outcome FILE.pb``, declared in the
module's SPEC as ``commands=("civo.modules.budget.check:add_command",)``)."""

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


def add_command(subparsers) -> None:
    """``python -m civo.cli budget-outcome FILE.pb [--rule …] [--completion …]``."""
    parser = subparsers.add_parser(
        "budget-outcome", help="compute the outcome of a Pabulib .pb file (in a scratch database)")
    parser.add_argument("file", metavar="FILE.pb")
    parser.add_argument("--rule", choices=("greedy", "mes-add1"),
                        help="default: the rule named in the file's META")
    parser.add_argument("--completion", choices=("none", "greedy"),
                        help="greedy completion after MES (default: as META names it, else none)")
    parser.set_defaults(run=lambda args: command(args.file, rule=args.rule,
                                                 completion=args.completion))


def command(path: str, *, rule: str | None = None, completion: str | None = None) -> int:
    """Print the rule, the budget spent and ``selected: <ids>``; 1 for a malformed file."""
    import logging
    import os
    import sys

    logging.getLogger("alembic").setLevel(logging.WARNING)
    root = Path(__file__).resolve().parents[3]
    if (root / "alembic.ini").exists():
        path = str(Path(path).resolve())
        os.chdir(root)  # the migrations are found from the project root
    try:
        result = check_file(path, rule=rule, completion=completion)
    except FileNotFoundError:
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    except pabulib.PabulibError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    name = {"greedy": "greedy by votes", "mes-add1": "Method of Equal Shares with Add1"}[result.rule]
    if result.rule == "mes-add1":
        name += " and greedy completion" if result.completion == "greedy" else ", no completion"
    print(f"rule: {result.rule} ({name})")
    print(f"ballots: {result.ballots}")
    print(f"budget spent: {result.spent} of {result.budget}")
    print(f"selected: {','.join(result.selected)}")
    return 0
