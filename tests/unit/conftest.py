"""Fixtures for service, policy and state tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

import civo.models  # noqa: F401
from civo import policy
from civo.db import make_engine
from civo.models import Community, Place
from civo.services import accounts, seed
from tests.conftest import TEST_DB_URL


def _reset_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            for table in reversed(SQLModel.metadata.sorted_tables):
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def engine() -> sa.Engine:
    """The test database, migrated to head with the project's migrations."""
    from reflex.model import _alembic_upgrade

    eng = make_engine(TEST_DB_URL)
    _reset_schema(eng)
    with eng.connect() as conn:
        _alembic_upgrade(connection=conn)
        conn.commit()
    yield eng
    eng.dispose()


@pytest.fixture()
def session(engine: sa.Engine) -> Session:
    """A session on a database holding only the demo places and communities."""
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    with Session(engine, expire_on_commit=False) as s:
        seed.seed_places_and_communities(s)
        yield s


def place_id(session: Session, name: str) -> int:
    return session.exec(select(Place.id).where(Place.name == name)).one()


def community(session: Session, name: str) -> Community:
    return session.exec(select(Community).where(Community.name == name)).one()


def make_user(session: Session, *, email: str = "james@example.org", home: str = "Paris",
              password: str = "correct horse battery", name: str = "James Martin",
              confirmed: bool = True) -> int:
    """Register someone (and, by default, confirm their address as they would by mail)."""
    user_id = accounts.register(
        session=session, actor=policy.ANONYMOUS, full_name=name, email=email,
        password=password, home_place_id=place_id(session, home),
    ).user_id
    if confirmed:
        from civo.models import User
        from civo.models._common import utcnow

        session.exec(sa.update(User).where(User.id == user_id)
                     .values(email_confirmed_at=utcnow()))
        session.commit()
    return user_id


def actor(session: Session, user_id: int) -> policy.Actor:
    return accounts.actor_for(session=session, user_id=user_id)


def with_session(state, token: str):
    """``state`` as in a tab whose websocket handshake carried the ``civo_session`` cookie
    ``token`` (how the app reads the session: never from a var). Returns ``state``."""
    from reflex.istate.data import HeaderData

    state.rx_router_headers = HeaderData.from_router_data(
        {"headers": {"cookie": f"locale=en; civo_session={token}"}})
    return state
