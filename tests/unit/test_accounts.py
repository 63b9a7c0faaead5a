"""Registration, sign-in, throttling and sessions."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import Follow, User, UserSession
from civo.models._common import utcnow
from civo.services import accounts, communities, passwords, sessions
from civo.services.errors import PermissionDenied, Throttled, ValidationError
from tests.unit.conftest import actor, make_user, place_id


def _count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def test_registration_follows_every_government_of_the_home_place(session):
    user_id = make_user(session, home="Paris")
    followed = communities.followed(session=session, actor=actor(session, user_id)).items
    assert [c.name for c in followed] == ["Paris", "Île-de-France", "France", "European Union"]
    assert all(c.follower_count == 1 for c in followed)


def test_lyon_resident_follows_lyon_region_country_and_union_but_no_organisation(session):
    user_id = make_user(session, home="Lyon")
    names = [c.name for c in communities.followed(session=session, actor=actor(session, user_id)).items]
    assert names == ["Lyon", "Auvergne-Rhône-Alpes", "France", "European Union"]


def test_nice_resident_follows_city_and_metropole(session):
    user_id = make_user(session, home="Nice")
    names = [c.name for c in communities.followed(session=session, actor=actor(session, user_id)).items]
    assert names == ["Nice", "Métropole Nice Côte d'Azur", "France", "European Union"]


def test_password_is_stored_as_argon2(session):
    user_id = make_user(session)
    user = session.get(User, user_id)
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


@pytest.mark.parametrize("email", ["JAMES@example.org", "james@EXAMPLE.org", " James@Example.Org "])
def test_duplicate_email_in_any_case_is_refused_and_creates_nothing(session, email):
    make_user(session)
    users, follows = _count(session, User), _count(session, Follow)
    with pytest.raises(ValidationError) as err:
        make_user(session, email=email)
    assert err.value.field == "email"
    assert err.value.message == "An account already exists with this email address."
    assert (_count(session, User), _count(session, Follow)) == (users, follows)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": "a@b"}, "email", "Enter a valid email address."),
        ({"password": "short1"}, "password", "Use at least {min} characters for your password."),
        ({"password": "password123"}, "password",
         "This password is too common or too easy to guess. Choose another one."),
        ({"password": "azertyuiop"}, "password",
         "This password is too common or too easy to guess. Choose another one."),
        ({"password": "aaaaaaaaaaaa"}, "password",
         "This password is too common or too easy to guess. Choose another one."),
        ({"name": "   "}, "full_name", "Enter your full name."),
    ],
)
def test_bad_registration_input_gives_a_message_and_creates_nothing(session, kwargs, field, message):
    with pytest.raises(ValidationError) as err:
        make_user(session, **kwargs)
    assert (err.value.field, err.value.message) == (field, message)
    assert _count(session, User) == 0 and _count(session, Follow) == 0


def test_unknown_place_is_refused(session):
    with pytest.raises(ValidationError) as err:
        accounts.register(session=session, actor=policy.ANONYMOUS, full_name="A B",
                          email="a@example.org", password="correct horse battery",
                          home_place_id=999_999)
    assert err.value.field == "home_place"
    assert _count(session, User) == 0


def test_signed_in_people_cannot_register_again(session):
    user_id = make_user(session)
    with pytest.raises(PermissionDenied):
        accounts.register(session=session, actor=actor(session, user_id), full_name="X Y",
                          email="other@example.org", password="correct horse battery",
                          home_place_id=place_id(session, "Lyon"))


def test_sign_in_with_any_case_email(session):
    user_id = make_user(session)
    assert accounts.authenticate(session=session, email="James@Example.org",
                                 password="correct horse battery") == user_id


def test_wrong_password_and_unknown_email_give_the_same_message(session):
    make_user(session)
    for email in ("james@example.org", "nobody@example.org"):
        with pytest.raises(ValidationError) as err:
            accounts.authenticate(session=session, email=email, password="wrong password!")
        assert err.value.message == "Wrong email or password."


def test_ten_failures_in_15_minutes_throttle_the_account(session):
    make_user(session)
    now = utcnow()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(ValidationError):
            accounts.authenticate(session=session, email="james@example.org",
                                  password="wrong password!", now=now)
    # Even the right password is refused while throttled, with a clear message.
    with pytest.raises(Throttled) as err:
        accounts.authenticate(session=session, email="james@example.org",
                              password="correct horse battery", now=now)
    assert "Too many failed attempts" in err.value.message
    later = now + accounts.THROTTLE_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(session=session, email="james@example.org",
                                 password="correct horse battery", now=later)


def test_session_lifecycle_expiry_logout_and_logout_everywhere(session):
    user_id = make_user(session)
    now = utcnow()
    token = sessions.start(session=session, user_id=user_id, now=now)
    other = sessions.start(session=session, user_id=user_id, now=now)
    # Only the SHA-256 of the token is stored, nowhere the token itself.
    digests = set(session.exec(select(UserSession.token_hash)
                               .where(UserSession.user_id == user_id)).all())
    assert digests == {hashlib.sha256(t.encode()).hexdigest() for t in (token, other)}
    assert sessions.resolve(session=session, token=token) == user_id
    # Expires after 24 hours.
    assert sessions.resolve(session=session, token=token,
                            now=now + timedelta(hours=24, seconds=1)) is None
    # Forged tokens resolve to nobody.
    assert sessions.resolve(session=session, token=token[:-2] + "xx") is None
    assert sessions.resolve(session=session, token="") is None
    assert sessions.resolve(session=session, token="x" * 500) is None
    # Logout revokes one session, log out everywhere the rest.
    sessions.end(session=session, token=token)
    assert sessions.resolve(session=session, token=token) is None
    assert sessions.resolve(session=session, token=other) == user_id
    assert sessions.end_all_for(session=session, actor=actor(session, user_id)) == 1
    assert sessions.resolve(session=session, token=other) is None


def test_log_out_everywhere_needs_a_signed_in_actor(session):
    with pytest.raises(PermissionDenied):
        sessions.end_all_for(session=session, actor=policy.ANONYMOUS)


def test_common_password_list_is_large():
    assert len(passwords._common_passwords()) > 30_000



def _worker(args):
    """One process: its own engine, waits for a common start time, then runs ``job``."""
    import time

    from sqlmodel import Session

    from civo.db import make_engine
    from tests.conftest import TEST_DB_URL

    job, start_at, kwargs = args
    engine = make_engine(TEST_DB_URL)
    while time.time() < start_at:
        time.sleep(0.002)
    with Session(engine, expire_on_commit=False) as s:
        try:
            return job(session=s, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we compare
            return exc
        finally:
            engine.dispose()


def _in_parallel(n: int, job, **kwargs):
    """Run ``job`` in ``n`` separate processes at once (argon2 holds the GIL, so threads
    would take turns and hide races that several server workers really have)."""
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
        start_at = time.time() + 1.5
        return list(pool.map(_worker, [(job, start_at, kwargs)] * n))


def test_parallel_wrong_passwords_cannot_pass_the_throttle(session):
    make_user(session)
    outcomes = _in_parallel(16, accounts.authenticate, email="james@example.org",
                            password="wrong password!")
    wrong = [o for o in outcomes if isinstance(o, ValidationError)]
    throttled = [o for o in outcomes if isinstance(o, Throttled)]
    assert len(wrong) + len(throttled) == len(outcomes), outcomes  # nothing let through
    assert len(wrong) <= accounts.MAX_FAILED_LOGINS
    with pytest.raises(Throttled):
        accounts.authenticate(session=session, email="james@example.org",
                              password="correct horse battery")


def test_two_simultaneous_registrations_with_one_email_make_one_account(session):
    outcomes = _in_parallel(4, accounts.register, actor=policy.ANONYMOUS, full_name="Twin",
                            email="twin@example.org", password="correct horse battery",
                            home_place_id=place_id(session, "Paris"))
    created = [o for o in outcomes if isinstance(o, accounts.Registration)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(created) == 1 and len(refused) == 3, outcomes
    assert all(r.field == "email" for r in refused)
    session.expire_all()
    assert _count(session, User) == 1
    assert _count(session, Follow) == 4  # only the winner's follows


def test_one_claim_code_claimed_eight_times_at_once_opens_one_session(session):
    user_id = make_user(session)
    code = sessions.begin(session=session, user_id=user_id)
    outcomes = _in_parallel(8, sessions.claim, code=code)
    tokens = [o for o in outcomes if isinstance(o, str)]
    assert len(tokens) == 1 and outcomes.count(None) == 7, outcomes
    assert sessions.resolve(session=session, token=tokens[0]) == user_id
