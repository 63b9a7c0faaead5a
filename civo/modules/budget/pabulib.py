"""Pabulib ``.pb`` files (https://pabulib.org/format): read, import into a phase, export.

A file has three sections, each a header line (``META``, ``PROJECTS``, ``VOTES``) followed by
``;``-separated CSV with a header row (quoting as in CSV). :func:`parse` reads it into plain data
and raises :class:`PabulibError` naming the line for anything malformed; :func:`import_into`
writes a phase's projects (and, optionally, the votes as anonymous paper ballots) in bulk;
:func:`export_phase` writes a phase as a ``.pb`` file with random voter ids.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlmodel import Session

from civo.models._common import utcnow
from civo.modules.budget.outcome import pabulib_id
from civo.modules.budget.models import (
    BallotSource,
    BallotStatus,
    BudgetBallot,
    BudgetBallotLine,
    BudgetOutcome,
    BudgetProject,
    OutcomeStatus,
)

VOTE_TYPES = ("approval", "cumulative", "scoring", "ordinal")
# Pabulib's names of the outcome rules, per (rule, completion) of civo.
RULE_NAMES = {("greedy", "none"): "greedy", ("mes-add1", "none"): "equalshares/add1",
              ("mes-add1", "greedy"): "equalshares/add1/greedy",
              ("greedy", "greedy"): "greedy"}


class PabulibError(ValueError):
    """A malformed ``.pb`` file; ``line`` is the 1-based line number (None: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class PbProject:
    project_id: str
    cost: int
    fields: dict[str, str]
    line: int


@dataclass
class PbVote:
    voter_id: str
    projects: list[str]
    points: list[int] | None
    line: int


@dataclass
class PbFile:
    meta: dict[str, str]
    projects: list[PbProject]
    votes: list[PbVote]
    meta_lines: dict[str, int] = field(default_factory=dict)

    @property
    def budget(self) -> int:
        return _whole(self.meta["budget"], self.meta_lines.get("budget"), "budget")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    def rule(self) -> tuple[str, str] | None:
        """(civo rule, completion) named by META ``rule``; None when it is not one civo computes."""
        name = self.meta.get("rule", "").strip().lower()
        if name == "greedy":
            return "greedy", "none"
        if name.startswith("equalshares"):
            completion = "greedy" if "greedy" in name.split("/")[1:] else "none"
            return "mes-add1", completion
        return None

    def scores(self) -> dict[str, int]:
        """Approvals (approval/ordinal ballots) or points (cumulative/scoring) per project id."""
        total = {p.project_id: 0 for p in self.projects}
        for v in self.votes:
            for i, pid in enumerate(v.projects):
                total[pid] += v.points[i] if v.points is not None else 1
        return total


def _whole(text: str, line: int | None, what: str) -> int:
    """A whole number of currency units ("4000" or "4000.0")."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise PabulibError(f"{what} {text!r} is not a number", line) from None
    if value != value.to_integral_value() or value < 0:
        raise PabulibError(f"{what} {text!r} is not a whole, non-negative amount", line)
    return int(value)


def parse(text: str) -> PbFile:
    """Parse the text of a ``.pb`` file (raises :class:`PabulibError`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"', strict=True)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[PbProject] = []
    by_id: dict[str, PbProject] = {}
    votes: list[PbVote] = []
    section: str | None = None
    header: list[str] | None = None
    seen: set[str] = set()
    line = 0
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            first = row[0].strip()
            if len(row) == 1 and first.upper() in ("META", "PROJECTS", "VOTES"):
                section = first.upper()
                if section in seen:
                    raise PabulibError(f"section {section} appears twice", line)
                if section == "VOTES" and "PROJECTS" not in seen:
                    raise PabulibError("VOTES comes before PROJECTS", line)
                seen.add(section)
                header = None
                continue
            if section is None:
                raise PabulibError("the file must start with a META section", line)
            if header is None:
                header = [cell.strip().lower() for cell in row]
                needed = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost"),
                          "VOTES": ("voter_id", "vote")}[section]
                missing = [n for n in needed if n not in header]
                if missing:
                    raise PabulibError(f"{section} header lacks {', '.join(missing)}", line)
                continue
            if len(row) != len(header):
                raise PabulibError(f"{section} row has {len(row)} fields, the header "
                                   f"{len(header)}", line)
            cells = dict(zip(header, (c.strip() for c in row), strict=True))
            if section == "META":
                meta[cells["key"]] = cells["value"]
                meta_lines[cells["key"]] = line
            elif section == "PROJECTS":
                pid = cells["project_id"]
                if not pid:
                    raise PabulibError("project_id is empty", line)
                if pid in by_id:
                    raise PabulibError(f"project {pid} is listed twice", line)
                project = PbProject(pid, _whole(cells["cost"], line, f"cost of project {pid}"),
                                    cells, line)
                projects.append(project)
                by_id[pid] = project
            else:
                votes.append(_vote(cells, by_id, line))
    except csv.Error as exc:
        raise PabulibError(f"unreadable CSV ({exc})", reader.line_num or line) from None
    if "META" not in seen:
        raise PabulibError("no META section")
    if "PROJECTS" not in seen:
        raise PabulibError("no PROJECTS section")
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    pb = PbFile(meta, projects, votes, meta_lines)
    pb.budget  # noqa: B018  (validates it)
    vt = pb.vote_type
    if vt not in VOTE_TYPES:
        raise PabulibError(f"vote_type {vt!r} is not one of {', '.join(VOTE_TYPES)}",
                           meta_lines.get("vote_type"))
    if vt in ("cumulative", "scoring"):
        for v in votes:
            if v.points is None:
                raise PabulibError(f"{vt} ballots need a points column", v.line)
    return pb


def _vote(cells: dict[str, str], by_id: dict[str, PbProject], line: int) -> PbVote:
    names = [p.strip() for p in cells["vote"].split(",") if p.strip()]
    for pid in names:
        if pid not in by_id:
            raise PabulibError(f"vote names project {pid}, which PROJECTS does not list", line)
    if len(set(names)) != len(names):
        raise PabulibError("vote names a project twice", line)
    points = None
    raw = cells.get("points", "")
    if raw:
        try:
            points = [int(x) for x in raw.split(",")]
        except ValueError:
            raise PabulibError(f"points {raw!r} are not whole numbers", line) from None
        if len(points) != len(names):
            raise PabulibError(f"{len(names)} projects but {len(points)} points", line)
        if any(x < 0 for x in points):
            raise PabulibError("negative points are not supported", line)
    return PbVote(cells["voter_id"], names, points, line)


def parse_file(path: str) -> PbFile:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise PabulibError(f"not UTF-8 text ({exc.reason})") from None
    return parse(text)


# --------------------------------------------------------------------------- import

@dataclass
class ImportResult:
    projects: int
    ballots: int
    # external project id -> budget_project.id
    ids: dict[str, int]


def import_into(session: Session, phase_id: int, pb: PbFile, *, votes: bool = True,
                batch: int = 5000) -> ImportResult:
    """Add the file's projects to a phase and, with ``votes``, its ballots as submitted paper
    ballots (anonymous: no user, no receipt). Bulk inserts; one transaction (the caller commits).

    Raises :class:`PabulibError` when the phase already holds one of the file's project ids.
    """
    ext = [p.project_id for p in pb.projects]
    clash = session.execute(
        sa.select(BudgetProject.external_id).where(BudgetProject.phase_id == phase_id,
                                                   BudgetProject.external_id.in_(ext))
    ).scalars().first() if ext else None
    if clash is not None:
        raise PabulibError(f"this phase already has project {clash}")
    start = session.execute(sa.select(sa.func.coalesce(sa.func.max(BudgetProject.position), -1))
                            .where(BudgetProject.phase_id == phase_id)).scalar_one() + 1
    now = utcnow()
    rows = []
    for i, p in enumerate(pb.projects):
        f = p.fields
        rows.append({
            "phase_id": phase_id,
            "title": (f.get("name") or f"Project {p.project_id}")[:200],
            "description": (f.get("description") or "")[:4000],
            "cost": p.cost, "image": None,
            "category": (category[:100] if (category := f.get("category") or f.get("subunit")
                                            or f.get("district")) else None),
            "idea_item_id": None, "external_id": p.project_id[:100],
            "position": start + i, "created_at": now,
        })
    if rows:
        session.execute(sa.insert(BudgetProject), rows)
    ids = dict(session.execute(
        sa.select(BudgetProject.external_id, BudgetProject.id)
        .where(BudgetProject.phase_id == phase_id, BudgetProject.external_id.in_(ext))).all()) \
        if ext else {}
    count = 0
    if votes and pb.votes:
        ballot_table = BudgetBallot.__table__
        line_table = BudgetBallotLine.__table__
        for at in range(0, len(pb.votes), batch):
            chunk = pb.votes[at:at + batch]
            ballot_ids = session.execute(
                sa.insert(ballot_table).returning(ballot_table.c.id, sort_by_parameter_order=True),
                [{"phase_id": phase_id, "user_id": None, "status": BallotStatus.SUBMITTED.value,
                  "source": BallotSource.PAPER.value, "version": 1, "created_at": now,
                  "updated_at": now, "submitted_at": now, "receipt_code": None,
                  "reminded_at": None} for _ in chunk],
            ).scalars().all()
            lines = []
            for ballot_id, v in zip(ballot_ids, chunk, strict=True):
                for i, pid in enumerate(v.projects):
                    pts = v.points[i] if v.points is not None else 1
                    if pts >= 1:
                        lines.append({"ballot_id": ballot_id, "project_id": ids[pid], "points": pts})
            if lines:
                session.execute(sa.insert(line_table), lines)
            count += len(chunk)
    session.flush()
    return ImportResult(projects=len(rows), ballots=count, ids=ids)


# --------------------------------------------------------------------------- export

def export_phase(session: Session, phase_id: int, *, budget: int, vote_type: str,
                 meta: dict[str, str] | None = None, rule: str | None = None,
                 completion: str = "none") -> str:
    """The phase as a ``.pb`` file: META, PROJECTS (with ``votes``, ``score`` for points and
    ``selected`` once an outcome is done), VOTES of the submitted ballots in random order with
    random voter ids (nobody can be traced back from it).

    ``vote_type`` is Pabulib's (approval or cumulative); ``rule``/``completion`` are civo's
    (``greedy``/``mes-add1``, ``none``/``greedy``), written under Pabulib's names.
    """
    if vote_type not in VOTE_TYPES:
        raise ValueError(f"vote_type must be one of {VOTE_TYPES}")
    projects = session.execute(
        sa.select(BudgetProject.id, BudgetProject.external_id, BudgetProject.cost,
                  BudgetProject.title, BudgetProject.category)
        .where(BudgetProject.phase_id == phase_id)
        .order_by(BudgetProject.position, BudgetProject.id)).all()
    counted = (sa.select(BudgetBallot.id).where(BudgetBallot.phase_id == phase_id,
                                                BudgetBallot.status == BallotStatus.SUBMITTED.value))
    agg = dict((pid, (n, pts)) for pid, n, pts in session.execute(
        sa.select(BudgetBallotLine.project_id, sa.func.count(), sa.func.sum(BudgetBallotLine.points))
        .where(BudgetBallotLine.ballot_id.in_(counted))
        .group_by(BudgetBallotLine.project_id)).all())
    outcome = session.get(BudgetOutcome, phase_id)
    selected = set(outcome.selected) if outcome and outcome.status == OutcomeStatus.DONE.value \
        else None
    if rule is None and outcome is not None and outcome.status == OutcomeStatus.DONE.value:
        rule, completion = outcome.rule, outcome.completion
    ballots: dict[int, list[tuple[int, int]]] = {}
    for ballot_id, project_id, points in session.execute(
            sa.select(BudgetBallotLine.ballot_id, BudgetBallotLine.project_id,
                      BudgetBallotLine.points)
            .where(BudgetBallotLine.ballot_id.in_(counted))
            .order_by(BudgetBallotLine.ballot_id, BudgetBallotLine.project_id)):
        ballots.setdefault(ballot_id, []).append((project_id, points))
    n_ballots = session.execute(sa.select(sa.func.count()).select_from(counted.subquery())
                                ).scalar_one()
    names = {pid: pabulib_id(pid, ext) for pid, ext, *_ in projects}
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    head = {"description": "", "num_projects": str(len(projects)), "num_votes": str(n_ballots),
            "budget": str(budget), "vote_type": vote_type,
            "rule": RULE_NAMES.get((rule or "greedy", completion), "unknown")}
    for key, value in {**head, **(meta or {})}.items():
        w.writerow([key, value])
    w.writerow(["PROJECTS"])
    points_col = vote_type in ("cumulative", "scoring")
    cols = ["project_id", "cost", "votes"] + (["score"] if points_col else []) + ["name", "category"]
    if selected is not None:
        cols.append("selected")
    w.writerow(cols)
    for pid, _ext, cost, title, category in projects:
        n, pts = agg.get(pid, (0, 0))
        row = [names[pid], cost, n] + ([pts or 0] if points_col else []) + [title, category or ""]
        if selected is not None:
            row.append(1 if pid in selected else 0)
        w.writerow(row)
    w.writerow(["VOTES"])
    w.writerow(["voter_id", "vote"] + (["points"] if points_col else []))
    lines = list(ballots.values())
    # Empty submitted ballots are still voters.
    lines += [[] for _ in range(n_ballots - len(lines))]
    secrets.SystemRandom().shuffle(lines)
    used: set[str] = set()
    for ballot in lines:
        voter = secrets.token_hex(8)
        while voter in used:
            voter = secrets.token_hex(8)
        used.add(voter)
        row = [voter, ",".join(names[p] for p, _ in ballot)]
        if points_col:
            row.append(",".join(str(pts) for _, pts in ballot))
        w.writerow(row)
    return out.getvalue()
