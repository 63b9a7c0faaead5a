"""A visitor (no account) finds the open data: from the footer to the API reference, which
loads nothing from other sites, and from a project page to all of its contributions."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_participation import _project_id


def test_from_the_footer_to_the_api_reference(page: Page, base_url: str, backend_url: str):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    goto(page, base_url, "/code-of-conduct")
    page.locator("#footer-open-data").click()
    expect(page.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    expect(page.get_by_text("What is never published")).to_be_visible()
    page.locator("#open-data-docs").click()
    expect(page).to_have_url(backend_url + "/docs")
    # Swagger UI lists the operations it read from /openapi.json.
    expect(page.get_by_text("/api/v1/projects/{project_id}/contributions").first).to_be_visible()
    expect(page.get_by_text("Civo open data").first).to_be_visible()
    hosts = {urlsplit(u).hostname for u in requested if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"localhost", "127.0.0.1"}, sorted(hosts)
    assert any(u.endswith("/openapi.json") for u in requested)


def test_the_public_communities_link_gives_json(page: Page, base_url: str):
    goto(page, base_url, "/open-data")
    page.locator("#open-data-communities").click()
    body = json.loads(page.locator("body").inner_text())
    slugs = {c["slug"] for c in body["data"]}
    assert "lyon" in slugs
    assert "conseil-de-quartier-croix-rousse" not in slugs  # private


def test_a_project_offers_all_its_contributions(page: Page, base_url: str):
    project = _project_id("School extracurricular timings")
    goto(page, base_url, f"/p/{project}")
    with page.expect_download() as got:
        page.locator("#project-export-csv").click()
    download = got.value
    assert download.suggested_filename == f"civo-project-{project}.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows, "the seeded project's ideas are missing"
    assert all(re.fullmatch(r"P-[0-9A-F]{8}|deleted", r["author"]) for r in rows), rows
    assert not any(re.search(r"[\w.+-]+@[\w-]+\.\w", v) for r in rows for v in r.values())
    page.goto(f"{base_url}/p/{project}")
    expect(page.locator("#project-export-json")).to_have_attribute(
        "href", f"{urlsplit(download.url).scheme}://{urlsplit(download.url).netloc}"
                f"/api/v1/projects/{project}/export.json")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_api_reference_has_no_serious_accessibility_violation(page: Page,
                                                                   backend_url: str,
                                                                   mode: str):
    """Swagger UI with Civo's fixes, also once a request was tried out from it."""
    page.emulate_media(color_scheme=mode)
    page.goto(backend_url + "/docs")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="GET /api/v1/communities", exact=False).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table")).to_contain_text("200")
    assert serious_violations(page) == []
