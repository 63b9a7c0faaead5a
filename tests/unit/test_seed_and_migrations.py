"""Demo data is idempotent; migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from civo.models import Community, CommunityRole, Follow, Place, User
from civo.services import accounts, seed


def _counts(session):
    return tuple(session.exec(select(sa.func.count()).select_from(m)).one()
                 for m in (Place, Community, User, Follow, CommunityRole))


def test_seed_twice_changes_nothing_and_demo_accounts_sign_in(session):
    seed.seed_all(session=session)
    first = _counts(session)
    seed.seed_all(session=session)
    assert _counts(session) == first
    for demo in seed.DEMO_ACCOUNTS:
        assert accounts.authenticate(session=session, email=demo.email, password=demo.password)
    lyon_admin = session.exec(select(User).where(User.email == "lyon.admin@demo.civo.example")).one()
    admin_actor = accounts.actor_for(session=session, user_id=lyon_admin.id)
    lyon = session.exec(select(Community).where(Community.slug == "lyon")).one()
    assert admin_actor.admin_of == frozenset({lyon.id})


def test_models_and_migrations_agree(engine):
    """No model change is waiting for a migration (``reflex db makemigrations``)."""
    from reflex.model import alembic_autogenerate

    with engine.connect() as conn:
        assert not alembic_autogenerate(connection=conn, write_migration_scripts=False)


def test_idea_supports_survive_getting_their_own_id(engine):
    """The migration that rebuilds idea_support keeps every support (on a scratch schema)."""
    import tempfile

    from reflex.model import _alembic_upgrade

    from civo.db import make_engine
    from tests.conftest import TEST_DB_URL

    if TEST_DB_URL.startswith("postgresql"):
        url = TEST_DB_URL  # a fresh schema of its own
        scratch = make_engine(url)
        with scratch.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS mig_check CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA mig_check"))
        scratch.dispose()
        scratch = sa.create_engine(url, connect_args={"options": "-csearch_path=mig_check"})
    else:  # as `reflex db migrate` does: its own engine (SQLite batch rebuilds tables)
        scratch = sa.create_engine(f"sqlite:///{tempfile.mkdtemp()}/mig.db")
    with scratch.connect() as conn:
        _alembic_upgrade(connection=conn, to_rev="f53865a55003")  # just before the rebuild
        conn.commit()
        now = "2026-01-01 10:00:00"
        conn.execute(sa.text("INSERT INTO place (id, name, search_name, slug, kind) "
                             "VALUES (1, 'P', 'p', 'p', 'city')"))
        conn.execute(sa.text(
            "INSERT INTO community (id, name, search_name, slug, kind, place_id, description, "
            "logo, cover, brand_color, languages, timezone, is_private, is_archived, "
            "follower_count, created_at) VALUES (1, 'C', 'c', 'c', 'city', 1, '', '', '', '', "
            "'', 'UTC', false, false, 0, :now)"), {"now": now})
        conn.execute(sa.text(
            "INSERT INTO project (id, community_id, title, summary, purpose, expected_outcome, "
            "status, cover_url, created_at) VALUES (1, 1, 'T', '', '', '', 'open', '', :now)"),
            {"now": now})
        conn.execute(sa.text(
            "INSERT INTO phase (id, project_id, position, title, description, module_key, "
            "status, settings, created_at) VALUES (1, 1, 0, 'I', '', 'ideas', 'open', '{}', "
            ":now)"), {"now": now})
        for uid in (1, 2):
            conn.execute(sa.text(
                "INSERT INTO user_account (id, full_name, email, password_hash, "
                "is_platform_admin, is_moderator, created_at) VALUES "
                f"({uid}, 'U', 'u{uid}@x.org', 'h', false, false, :now)"), {"now": now})
        conn.execute(sa.text(
            "INSERT INTO item (id, community_id, project_id, phase_id, module_key, kind, "
            "is_anonymous, title, body, extra, created_at, moderation, last_activity_at, "
            "comment_count, reaction_count, support_count, engagement_count, r_agree, "
            "r_inspiring, r_love, r_think, r_concerned) VALUES (1, 1, 1, 1, 'ideas', 'idea', "
            "false, 'T', 'B', '{}', :now, 'visible', :now, 0, 0, 2, 2, 0, 0, 0, 0, 0)"),
            {"now": now})
        for uid in (1, 2):
            conn.execute(sa.text("INSERT INTO idea_support (item_id, user_id, created_at) "
                                 f"VALUES (1, {uid}, :now)"), {"now": now})
        conn.commit()
        _alembic_upgrade(connection=conn)
        conn.commit()
        rows = conn.execute(sa.text("SELECT id, item_id, user_id FROM idea_support "
                                    "ORDER BY user_id")).all()
        assert [(r.item_id, r.user_id) for r in rows] == [(1, 1), (1, 2)]
        assert all(r.id for r in rows)
        conn.execute(sa.text("UPDATE idea_support SET user_id = NULL"))  # detached supports
        conn.commit()
    scratch.dispose()
