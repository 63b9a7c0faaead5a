"""Run the whole suite: unit tests on SQLite, again on PostgreSQL, then browser tests.

Each part is its own pytest process (the browser harness and async unit tests must not
share one). PostgreSQL is used when reachable at ``CIVO_TEST_PG_URL`` (default: the
local server, database ``test``); when it is not, that pass is skipped with a visible
message. The last line sums up every part: ``N passed, N failed, N skipped``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("CIVO_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reachable(url: str) -> str | None:
    """None when we can connect, else the reason."""
    try:
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "skip, loudly"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def run(name: str, args: list[str], env: dict[str, str], totals: dict[str, int]) -> int:
    print(f"\n===== {name} =====", flush=True)
    report = Path(tempfile.mkdtemp()) / "report.xml"
    code = subprocess.call([sys.executable, "-m", "pytest", *args, f"--junitxml={report}",
                            "-p", "no:cacheprovider"], cwd=ROOT, env=env)
    if report.exists():
        suite = ET.parse(report).getroot()
        suites = [suite] if suite.tag == "testsuite" else list(suite)
        for s in suites:
            tests, failures, errors, skipped = (int(s.get(k, 0)) for k in
                                                ("tests", "failures", "errors", "skipped"))
            totals["failed"] += failures + errors
            totals["skipped"] += skipped
            totals["passed"] += tests - failures - errors - skipped
    # pytest exit 5 means "no tests collected": a real failure for us.
    return code


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k not in ("CIVO_TEST_DB_URL",)}
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    codes = [run("unit tests on SQLite", ["tests/unit", "-q", "--timeout=180"], base,
                 totals)]
    reason = postgres_reachable(PG_URL)
    if reason is None:
        codes.append(run("unit tests on PostgreSQL", ["tests/unit", "-q", "--timeout=180"],
                         {**base, "CIVO_TEST_DB_URL": PG_URL}, totals))
    else:
        print(f"\n***** SKIPPED: the PostgreSQL pass — cannot reach {PG_URL}: {reason} *****\n",
              flush=True)
    if os.environ.get("CIVO_SKIP_E2E") == "1":
        print("\n***** SKIPPED: browser tests (CIVO_SKIP_E2E=1) *****\n", flush=True)
    else:
        codes.append(run("browser tests (AppHarness + Playwright + Chromium)",
                         ["tests/e2e", "-q", "-x"], base, totals))
        # Its own pass: it builds and serves the app from the project in production mode
        # (several workers, Redis, PostgreSQL), which must not overlap the harness above.
        codes.append(run("browser test with several workers (Redis + PostgreSQL)",
                         ["tests/e2e_workers", "-q", "-rs"], base, totals))
    print(f"\n{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 0 if all(c == 0 for c in codes) and totals["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
