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
