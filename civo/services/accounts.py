"""Accounts: registration (with auto-follow), sign-in with throttling, and actors."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import events, identity_cache, policy
from civo.models import CommunityRole, ExternalIdentity, LoginAttempt, Membership, Place, User
from civo.models._common import utcnow
from civo.services import communities, mail, passwords, sessions, tokens
from civo.services.errors import NotFound, Throttled, ValidationError

MAX_FAILED_LOGINS = 10
THROTTLE_WINDOW = timedelta(minutes=15)
NAME_MAX = 120
# How long the confirmation and password-reset links work.
CONFIRM_HOURS = 48
RESET_MINUTES = 60


@dataclass(frozen=True)
class Registration:
    """What registration did: the new account and the communities it now follows."""

    user_id: int
    followed_community_ids: tuple[int, ...]


def normalize_email(email: str) -> str:
    """Validate syntax and return the lower-cased address, or raise ValidationError."""
    email = (email or "").strip()
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError("Enter a valid email address.", field="email") from exc
    return result.normalized.casefold()


def new_pseudonym() -> str:
    """A public name for an account that has none yet ("Participant-7KQ2M")."""
    return "Participant-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                                    for _ in range(5))


def _clean_name(full_name: str) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationError("Enter your full name.", field="full_name")
    if len(name) > NAME_MAX:
        raise ValidationError("Your name is too long (at most {max} characters).",
                              field="full_name", max=NAME_MAX)
    return name


def email_taken(session: Session, email: str) -> bool:
    return session.exec(select(User.id).where(User.email == email)).first() is not None


def register(
    *, session: Session, actor: policy.Actor, full_name: str, email: str, password: str,
    home_place_id: int | None, locale: str | None = None, client_address: str = "",
) -> Registration:
    """Create an account and follow every community that governs the home place.

    Everything happens in one transaction: a duplicate email (any case, even from a
    concurrent request) leaves nothing behind. ``client_address`` (the connection's,
    as the server saw it) throttles registrations per client and per address block
    (:func:`civo.services.throttle.registration_check`).
    """
    from civo.services import throttle

    policy.require(actor, "account.register")
    where_from = throttle.registration_check(session, client_address)
    name = _clean_name(full_name)
    address = normalize_email(email)
    passwords.validate(password or "", email=address, full_name=name)
    if home_place_id is None or session.get(Place, home_place_id) is None:
        raise ValidationError("Choose your home place from the list.", field="home_place")
    if email_taken(session, address):
        raise ValidationError("An account already exists with this email address.", field="email")
    user = User(
        full_name=name, display_name=name[:80], email=address,
        password_hash=passwords.hash_password(password), home_place_id=home_place_id,
        locale=locale,
    )
    try:
        session.add(user)
        throttle.registration_record(session, where_from)
        session.flush()
        followed = communities.follow_governing(session=session, user_id=user.id,
                                                place_id=home_place_id)
        # The confirmation email is queued with the account: never lost.
        events.publish(session, "account.confirmation_needed", user=user)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ValidationError(
            "An account already exists with this email address.", field="email"
        ) from exc
    return Registration(user_id=user.id, followed_community_ids=tuple(followed))


def _recent_attempts(session: Session, email: str, now: datetime) -> int:
    """Attempts on ``email`` within the window, the current one included."""
    return session.exec(
        select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email, LoginAttempt.created_at > now - THROTTLE_WINDOW
        )
    ).one()


def authenticate(*, session: Session, email: str, password: str,
                 now: datetime | None = None) -> int:
    """Return the user id for a correct email and password.

    Each attempt is recorded *before* the (slow) password check and counted with it, so
    parallel attempts cannot slip past the limit together. Once ``MAX_FAILED_LOGINS``
    attempts fall within 15 minutes, every attempt is refused, right or wrong, until the
    window has passed. A success clears the account's attempts.
    """
    now = now or utcnow()
    try:
        address = normalize_email(email)
    except ValidationError:
        raise ValidationError("Wrong email or password.", field="password") from None
    # Attempts older than the window no longer count: drop them as new ones arrive.
    session.exec(sa.delete(LoginAttempt).where(LoginAttempt.email == address,
                                               LoginAttempt.created_at <= now - THROTTLE_WINDOW))
    session.add(LoginAttempt(email=address, created_at=now))
    session.commit()
    if _recent_attempts(session, address, now) > MAX_FAILED_LOGINS:
        raise Throttled(
            "Too many failed attempts for this account. Try again in {minutes} minutes.",
            field="password", minutes=int(THROTTLE_WINDOW.total_seconds() // 60),
        )
    user = session.exec(select(User).where(User.email == address)).first()
    # An account without a password (made by signing in with a provider) is checked
    # against the dummy hash too: same time, same answer, no error.
    stored = user.password_hash if user is not None and user.password_hash else None
    ok = passwords.verify(password or "", stored or passwords.dummy_hash())
    if stored is None or not ok:
        raise ValidationError("Wrong email or password.", field="password")
    if user.suspended_at is not None:
        raise ValidationError("This account is suspended for repeated breaches of the code of "
                              "conduct.", field="password")
    session.exec(sa.delete(LoginAttempt).where(LoginAttempt.email == address))
    session.commit()
    return user.id


@dataclass(frozen=True)
class Identity:
    """Who a browser is: the policy actor and the name shown in the navigation."""

    actor: policy.Actor
    display_name: str = ""


def identify(*, session: Session, token: str | None) -> Identity:
    """Resolve a session token to an identity in one go (anonymous when not valid).

    Cached for a few seconds per process, and forgotten whenever anything it is read from
    changes (:mod:`civo.identity_cache`)."""
    if not token:
        return Identity(actor=policy.ANONYMOUS)
    key = sessions.digest(token)
    cached = identity_cache.get(key)
    if cached is not None:
        return cached
    gen = identity_cache.generation()
    identity = _identify(session, token)
    identity_cache.put(key, identity, gen)
    return identity


def _identify(session: Session, token: str) -> Identity:
    user_id = sessions.resolve(session=session, token=token)
    if user_id is None:
        return Identity(actor=policy.ANONYMOUS)
    user = session.get(User, user_id)
    if user is None:
        return Identity(actor=policy.ANONYMOUS)
    return Identity(actor=actor_for(session=session, user_id=user_id, user=user),
                    display_name=user.display_name or user.full_name)


def _descendants(session: Session, roots: set[int]) -> set[int]:
    """Every community below ``roots`` (one query per level of the hierarchy)."""
    from civo.models import Community
    from civo.services.places import MAX_DEPTH

    found: set[int] = set()
    level = set(roots)
    for _ in range(MAX_DEPTH):
        if not level:
            break
        level = set(session.exec(select(Community.id).where(
            Community.parent_id.in_(level)))) - found - roots
        found |= level
    return found


def actor_for(*, session: Session, user_id: int | None, user: User | None = None) -> policy.Actor:
    """Build the policy actor of ``user_id`` from the database (roles, memberships)."""
    if user_id is None:
        return policy.ANONYMOUS
    user = user or session.get(User, user_id)
    if user is None or user.suspended_at is not None:
        return policy.ANONYMOUS
    grants = session.exec(
        select(CommunityRole.community_id, CommunityRole.include_descendants).where(
            CommunityRole.user_id == user_id, CommunityRole.role == "admin"
        )
    ).all()
    admin_of = {cid for cid, _ in grants} | _descendants(
        session, {cid for cid, below in grants if below})
    member_of = session.exec(
        select(Membership.community_id).where(Membership.user_id == user_id)
    ).all()
    return policy.Actor(
        user_id=user.id, is_platform_admin=user.is_platform_admin,
        is_moderator=user.is_moderator, admin_of=frozenset(admin_of),
        member_of=frozenset(member_of), confirmed=user.email_confirmed_at is not None,
    )


@dataclass(frozen=True)
class AccountView:
    """What the account pages show the owner (never sent to anyone else)."""

    full_name: str
    email: str
    home_place: str
    locale: str | None


def account_view(*, session: Session, actor: policy.Actor) -> AccountView:
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    place = session.get(Place, user.home_place_id) if user.home_place_id else None
    return AccountView(full_name=user.full_name, email=user.email,
                       home_place=place.name if place else "", locale=user.locale)


def set_locale(*, session: Session, actor: policy.Actor, locale: str) -> None:
    """Remember the chosen language on the account (for emails, later)."""
    policy.require(actor, "account.manage_own")
    session.exec(sa.update(User).where(User.id == actor.user_id).values(locale=locale))
    session.commit()


# ---- confirming the address, resetting the password -------------------------------------

CONFIRMATIONS_PER_HOUR = 3
RESETS_PER_HOUR = 3


def resend_confirmation(*, session: Session, actor: policy.Actor) -> None:
    """Send the confirmation link again (at most 3 an hour)."""
    policy.require(actor, "account.manage_own")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    if user.email_confirmed_at is not None:
        raise ValidationError("Your email address is already confirmed.")
    if mail.recent_count(session, user_id=user.id, kind="confirm",
                         within=timedelta(hours=1)) >= CONFIRMATIONS_PER_HOUR:
        raise Throttled("We already sent you several links in the last hour: please check "
                        "your inbox (and spam folder), or try again later.")
    events.publish(session, "account.confirmation_needed", user=user)
    session.commit()


def confirm_email(*, session: Session, token: str) -> str:
    """Confirm the address a link was sent to; "confirmed" or "already" (a second click).

    A forged or expired link, or one sent to an address the account no longer has, is
    refused with :class:`civo.services.tokens.InvalidLink` and changes nothing.
    """
    data = tokens.read("confirm-email", token, max_age=CONFIRM_HOURS * 3600)
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        raise tokens.InvalidLink("This link is not valid.")
    if user.email_confirmed_at is not None:
        return "already"
    session.execute(sa.update(User).where(User.id == user.id,
                                          User.email_confirmed_at.is_(None))
                    .values(email_confirmed_at=utcnow()))
    session.commit()
    return "confirmed"


def _fingerprint(user: User) -> str:
    """Changes whenever the password does: a reset link works once."""
    import hashlib

    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:20]


def request_password_reset(*, session: Session, email: str) -> None:
    """Send a reset link if an account uses ``email`` (the answer is the same either way,
    so nobody learns who has an account); at most 3 an hour."""
    try:
        address = normalize_email(email)
    except ValidationError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    user = session.exec(select(User).where(User.email == address)).first()
    if user is None or user.suspended_at is not None:
        return
    if mail.recent_count(session, user_id=user.id, kind="reset",
                         within=timedelta(hours=1)) >= RESETS_PER_HOUR:
        return
    events.publish(session, "account.password_reset_requested", user=user,
                   fingerprint=_fingerprint(user))
    session.commit()


def _reset_user(session: Session, token: str) -> User:
    data = tokens.read("reset-password", token, max_age=RESET_MINUTES * 60)
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or data.get("f") != _fingerprint(user):
        raise tokens.InvalidLink("This link was already used or is no longer valid.")
    return user


def check_reset_link(*, session: Session, token: str) -> None:
    """Raise the reset page's message before anyone types a password for a dead link."""
    _reset_user(session, token)


def reset_password(*, session: Session, token: str, password: str) -> int:
    """Set a new password from a reset link (single use, 1 hour); every session ends."""
    user = _reset_user(session, token)
    passwords.validate(password or "", email=user.email, full_name=user.full_name)
    # Single use even against two requests at once: only the first finds the old hash.
    done = session.execute(sa.update(User).where(
        User.id == user.id, User.password_hash == user.password_hash).values(
        password_hash=passwords.hash_password(password),
        # Following the link proves the address too.
        email_confirmed_at=sa.func.coalesce(User.email_confirmed_at, utcnow()))).rowcount
    if done != 1:
        session.rollback()
        raise tokens.InvalidLink("This link was already used or is no longer valid.")
    # The mailbox's owner takes the account back: providers linked before (perhaps by
    # someone else, on an address they did not prove) are unlinked; a provider that
    # verifies this address links again at the next "Sign in with …".
    session.execute(sa.delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    # Nor does whoever held the account keep a "download my data" link.
    events.publish(session, "account.password_reset", user_id=user.id)
    sessions.end_all(session=session, user_id=user.id)
    session.commit()
    return user.id
