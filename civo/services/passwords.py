"""Password rules and hashing (argon2 through libpass)."""

from __future__ import annotations

import functools
from importlib import resources

from passlib.context import CryptContext

from civo.services.errors import ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 256

_context = CryptContext(schemes=["argon2"], deprecated="auto")


@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's list of the 30,000 most common passwords, plus our own (French, German)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    ours = resources.files("civo").joinpath("data/common-passwords.txt").read_text("utf-8")
    extra = {line.strip().casefold() for line in ours.splitlines() if line.strip()}
    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"]) | extra


def validate(password: str, *, email: str = "", full_name: str = "") -> None:
    """Refuse short, over-long, common or personal passwords."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            "Use at least {min} characters for your password.", field="password", min=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError("This password is too long.", field="password")
    folded = password.casefold()
    local_part = email.split("@")[0].casefold()
    if (
        folded in _common_passwords()
        or len(set(folded)) < 4
        or (local_part and len(local_part) >= 4 and local_part in folded)
        or (full_name and folded == full_name.replace(" ", "").casefold())
    ):
        raise ValidationError(
            "This password is too common or too easy to guess. Choose another one.",
            field="password",
        )


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify(password: str, password_hash: str) -> bool:
    return _context.verify(password, password_hash)


# A real hash to verify against when the email is unknown, so both paths cost the same.
@functools.cache
def dummy_hash() -> str:
    return _context.hash("civo-timing-equaliser-password")
