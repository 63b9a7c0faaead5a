"""Analytics: counts in scope, small groups suppressed, a 10-minute cache, the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from civo.models import CommunityRole, User
from civo.modules.ideas import services as ideas
from civo.services import analytics, comments, reactions
from civo.services.analytics import Group, suppress
from civo.services.errors import NotFound, PermissionDenied
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of


@pytest.fixture(autouse=True)
def _fresh_cache():
    analytics.clear_cache()
    yield
    analytics.clear_cache()


def test_suppression_hides_small_groups_and_one_more_when_only_one_is_small():
    assert suppress([("a", 7), ("b", 12)]) == (Group("a", 7), Group("b", 12))
    # One small group alone could be recovered from the total: the next smallest goes too.
    assert suppress([("a", 3), ("b", 6), ("c", 40)]) == (
        Group("a", None), Group("b", None, secondary=True), Group("c", 40))
    assert suppress([("a", 1), ("b", 2), ("c", 9)]) == (
        Group("a", None), Group("b", None), Group("c", 9))
    # The second group is hidden, not small: it says so rather than "<5".
    assert [g.shown for g in suppress([("a", 4), ("b", 0), ("c", 5)])] == ["<5", "hidden"]


@pytest.fixture()
def lyon(session):
    admin = make_user(session, email="admin@example.org", home="Lyon")
    session.add(CommunityRole(user_id=admin, community_id=community(session, "Lyon").id))
    session.commit()
    phase = phase_of(session, "School extracurricular timings")
    people = []
    for i in range(12):
        uid = make_user(session, email=f"p{i}@example.org", home="Lyon" if i < 9 else "Paris",
                        name=f"Person Number{i}")
        user = session.get(User, uid)
        user.birth_year = 1990 if i < 8 else 1950   # 8 in one band, 4 in another
        user.gender = "woman" if i < 6 else ("man" if i < 11 else "non_binary")
        session.add(user)
        people.append(actor(session, uid))
    session.commit()
    posted = [ideas.propose(session=session, actor=people[i], phase_id=phase.id,
                            title=f"Idea {i}", body="=HYPERLINK(\"http://evil\")")
              for i in range(5)]
    for i in range(5, 10):
        comments.post(session=session, actor=people[i], item_id=posted[0].id, body="+1")
    reactions.react(session=session, actor=people[10], target_kind="item",
                    target_id=posted[1].id, emoji="inspiring")
    ideas.set_support(session=session, actor=people[11], item_id=posted[1].id, on=True)
    ideas.set_support(session=session, actor=people[0], item_id=posted[2].id, on=True)
    return {"admin": actor(session, admin), "citizen": people[0], "phase": phase,
            "project": phase.project_id, "community": community(session, "Lyon").id}


def test_counts_participants_and_demographics_in_scope(session, lyon):
    stats = analytics.stats(session=session, actor=lyon["admin"], kind="project",
                            scope_id=lyon["project"])
    assert (stats.participants, stats.contributions, stats.comments, stats.supports) == \
        (12, 5, 5, 2)
    assert stats.reactions["inspiring"] == 1 and sum(stats.reactions.values()) == 1
    assert sum(stats.contributions_per_day) == 5 and sum(stats.comments_per_day) == 5
    assert len(stats.days) == analytics.DAYS
    # 8 people aged 30–44 and 4 aged 75+: the 4 are hidden, and so are the 8 (else
    # "12 participants − 8" would give them away).
    assert {g.label: g.count for g in stats.age} == {"30–44": None, "75+": None}
    assert {g.label: g.count for g in stats.gender} == {"woman": 6, "man": None,
                                                         "non_binary": None}
    assert {g.label: g.count for g in stats.places} == {"Lyon": None, "Paris": None}
    # Nothing identifying: no name, no email anywhere in the figures.
    flat = repr(stats)
    assert "Person" not in flat and "@" not in flat
    phase_stats = analytics.stats(session=session, actor=lyon["admin"], kind="phase",
                                  scope_id=lyon["phase"].id)
    assert phase_stats.contributions == 5
    community_stats = analytics.stats(session=session, actor=lyon["admin"], kind="community",
                                      scope_id=lyon["community"])
    assert community_stats.followers_per_day[-1] >= 9


def test_only_the_communitys_admins_see_its_analytics(session, lyon):
    # Figures cached for Lyon's admin are still refused to everyone else.
    analytics.stats(session=session, actor=lyon["admin"], kind="project",
                    scope_id=lyon["project"])
    with pytest.raises(PermissionDenied):
        analytics.stats(session=session, actor=lyon["citizen"], kind="project",
                        scope_id=lyon["project"])
    nice_admin = make_user(session, email="nice@example.org", home="Nice")
    session.add(CommunityRole(user_id=nice_admin, community_id=community(session, "Nice").id))
    session.commit()
    with pytest.raises(PermissionDenied):
        analytics.stats(session=session, actor=actor(session, nice_admin), kind="community",
                        scope_id=lyon["community"])
    with pytest.raises(NotFound):
        analytics.stats(session=session, actor=lyon["admin"], kind="users", scope_id=1)


def test_figures_are_cached_for_ten_minutes_at_most(session, lyon):
    clock = [1000.0]
    read = lambda: analytics.stats(session=session, actor=lyon["admin"],  # noqa: E731
                                   kind="project", scope_id=lyon["project"],
                                   clock=lambda: clock[0])
    assert read().contributions == 5
    ideas.propose(session=session, actor=lyon["citizen"], phase_id=lyon["phase"].id,
                  title="Later", body="b")
    clock[0] += 599
    assert read().contributions == 5          # still cached
    clock[0] += 2
    assert read().contributions == 6          # older than 10 minutes: recomputed


def test_csv_export_is_anonymised_and_safe_to_open(session, lyon):
    name, text = analytics.project_csv(session=session, actor=lyon["admin"],
                                       project_id=lyon["project"])
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(analytics.csv_columns()) and len(rows) == 6
    authors = [row[4] for row in rows[1:]]
    assert all(a.startswith("P-") for a in authors) and len(set(authors)) == 5
    assert "Person" not in text and "@example.org" not in text
    assert all(row[6].startswith("'=") for row in rows[1:])  # no live formula
    by_title = {row[5]: row for row in rows[1:]}
    col = rows[0].index  # modules add their own columns after the text: ask by name
    assert by_title["Idea 0"][col("comments")] == "5"
    assert by_title["Idea 1"][col("supports")] == "1"
    with pytest.raises(PermissionDenied):
        analytics.project_csv(session=session, actor=lyon["citizen"],
                              project_id=lyon["project"])
    assert session.exec(select(User)).first() is not None
