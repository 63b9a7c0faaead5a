"""The budget tables: constraints that keep ballots honest."""

import pytest
import sqlalchemy as sa

from civo.modules.budget import models  # noqa: F401  (its tables)


def test_budget_tables_exist(engine):
    names = set(sa.inspect(engine).get_table_names())
    assert {"budget_project", "budget_ballot", "budget_ballot_line", "budget_outcome"} <= names
