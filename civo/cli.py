"""Command line: ``python -m civo.cli seed`` (idempotent demo data), ``migrate`` and
``budget-outcome FILE.pb`` (check a participatory budget's published result)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m civo.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="create the demo places, communities and accounts")
    seed.add_argument("--if-empty", action="store_true", help="only when the database is empty")
    seed.add_argument("--no-accounts", action="store_true", help="skip the demo accounts")
    outcome = sub.add_parser(
        "budget-outcome", help="compute the outcome of a Pabulib .pb file (in a scratch database)")
    outcome.add_argument("file", metavar="FILE.pb")
    outcome.add_argument("--rule", choices=("greedy", "mes-add1"),
                         help="default: the rule named in the file's META")
    outcome.add_argument("--completion", choices=("none", "greedy"),
                         help="greedy completion after MES (default: as META names it, else none)")
    args = parser.parse_args(argv)

    if args.command == "budget-outcome":
        return _budget_outcome(args.file, rule=args.rule, completion=args.completion)

    from civo.db import session_scope
    from civo.services import seed as seed_service

    if args.command == "seed":
        with session_scope() as session:
            if args.if_empty and not seed_service.is_empty(session=session):
                print("Database already has data: seed skipped.")
                return 0
            seed_service.seed_all(session=session, accounts=not args.no_accounts)
        print("Demo data is in place.")
    return 0


def _budget_outcome(path: str, *, rule: str | None, completion: str | None) -> int:
    import logging
    import os
    from pathlib import Path

    from civo.modules.budget.check import check_file
    from civo.modules.budget.pabulib import PabulibError

    logging.getLogger("alembic").setLevel(logging.WARNING)
    root = Path(__file__).resolve().parents[1]
    if (root / "alembic.ini").exists():
        path = str(Path(path).resolve())
        os.chdir(root)  # the migrations are found from the project root
    try:
        result = check_file(path, rule=rule, completion=completion)
    except FileNotFoundError:
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    except PabulibError as exc:
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


if __name__ == "__main__":
    sys.exit(main())
