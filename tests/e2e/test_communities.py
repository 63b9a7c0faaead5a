"""Directory, community page, follow / unfollow and the quiet "Not now"."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import goto
from tests.e2e.test_citizen_journey import sign_in


def test_directory_browse_by_level_and_search(page: Page, base_url: str):
    goto(page, base_url, "/communities")
    listing = page.locator("#directory-list")
    expect(listing).to_contain_text("Lyon")
    expect(listing).not_to_contain_text("Croix-Rousse")  # private: invisible
    page.get_by_role("button", name="Region", exact=True).click()
    expect(listing.locator("li")).to_have_count(2)
    expect(listing).to_contain_text("Auvergne-Rhône-Alpes")
    page.get_by_role("button", name="All levels").click()
    page.get_by_label("Search communities by name").fill("nice")
    expect(listing.locator("li")).to_have_count(2)
    page.get_by_label("Search communities by name").fill("zzzz")
    expect(page.locator("#directory-empty")).to_be_visible()


def test_visitor_sees_community_page_with_parents_and_projects(page: Page, base_url: str):
    goto(page, base_url, "/c/lyon")
    expect(page.locator("main h1")).to_have_text("Lyon")
    expect(page.get_by_role("navigation", name="Part of")).to_contain_text("Auvergne-Rhône-Alpes")
    expect(page.locator("main")).to_contain_text("School extracurricular timings")
    expect(page.get_by_role("link", name="Sign in to follow this community")).to_be_visible()
    # A project card opens the project page.
    page.get_by_role("link", name="School extracurricular timings").click()
    expect(page.locator("main h1")).to_have_text("School extracurricular timings")
    expect(page.get_by_role("heading", name="What happens with your input")).to_be_visible()
    goto(page, base_url, "/c/collectif-velo-lyon")  # a community with no project yet
    expect(page.locator("#projects-empty")).to_be_visible()
    goto(page, base_url, "/c/conseil-de-quartier-croix-rousse")
    expect(page.locator("main h1")).to_have_text("Community not found")


def test_follow_prompt_not_now_stays_quiet_then_follow(page: Page, base_url: str):
    # The demo citizen lives in Paris and does not follow Lyon.
    sign_in(page, base_url, email="citizen@demo.civo.example", password="demo-citizen-2026")
    expect(page.locator("#account-menu")).to_be_visible()
    goto(page, base_url, "/c/nice")
    expect(page.locator("#follow-prompt")).to_be_visible()
    page.locator("#prompt-not-now").click()
    expect(page.locator("#follow-prompt")).to_be_hidden()
    page.reload()
    expect(page.locator("main h1")).to_have_text("Nice")
    expect(page.locator("#follow-button")).to_be_visible()
    expect(page.locator("#follow-prompt")).to_be_hidden()
    followers = page.locator("#follower-count").inner_text()
    page.locator("#follow-button").click()
    expect(page.locator("#unfollow-button")).to_be_visible()
    expect(page.locator("#follower-count")).not_to_have_text(followers)
    page.locator("#unfollow-button").click()
    expect(page.locator("#follow-button")).to_be_visible()
    expect(page.locator("#follower-count")).to_have_text(followers)
