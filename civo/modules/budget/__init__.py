"""Participatory budgeting: budget projects, ballots (drafts that are saved at once,
submitted ballots with a receipt code, paper ballots) and outcomes computed as real cities
count them (greedy by votes; Method of Equal Shares with Add1), with pabulib import/export.

The module's SPEC is declared here by the UI layer; the data layer lives in ``models``,
the outcome rules in ``outcome`` and the pabulib file format in ``pabulib``.
"""

from civo.modules.budget import models  # noqa: F401  (its tables, for Alembic)
