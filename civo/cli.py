"""Command line: ``python -m civo.cli seed`` (idempotent demo data), ``migrate``, and the
commands the participation modules declare (``ModuleSpec.commands``, e.g. the budget's
``budget-outcome FILE.pb``)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m civo.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="create the demo places, communities and accounts")
    seed.add_argument("--if-empty", action="store_true", help="only when the database is empty")
    seed.add_argument("--no-accounts", action="store_true", help="skip the demo accounts")

    from civo.modules import MODULES

    for spec in MODULES:
        spec.add_commands(sub)
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is not None:
        return args.run(args)

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


if __name__ == "__main__":
    sys.exit(main())
