"""Shared test set-up: the database the unit tests run on.

SQLite (a fresh file) by default; PostgreSQL when ``CIVO_TEST_DB_URL`` is set, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``. The schema is built by the
project's own Alembic migrations, never by ``create_all``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.chdir(ROOT)  # alembic.ini and rxconfig.py are found from the project root

_TMP = Path(tempfile.mkdtemp(prefix="civo-tests-"))
TEST_DB_URL = os.environ.get("CIVO_TEST_DB_URL") or f"sqlite:///{_TMP / 'civo-test.db'}"
# The app's own engine (civo.db.engine) reads this too, so state tests share the database.
os.environ["REFLEX_DB_URL"] = TEST_DB_URL
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
