"""Signed links (email confirmation, password reset, unsubscribe, data downloads), made
with itsdangerous and the server's secret key; each purpose has its own salt, so a token
made for one purpose is worthless for another."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from civo.services.errors import ValidationError
from civo.services.secrets import secret_key

PURPOSES = ("confirm-email", "reset-password", "unsubscribe", "export")


class InvalidLink(ValidationError):
    """A forged, expired or already used link (the page says which, and changes nothing)."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret_key(), salt=f"civo/{purpose}")


def make(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read(purpose: str, token: Any, *, max_age: int | None) -> Any:
    """The payload of a valid token, or :class:`InvalidLink` saying expired or invalid."""
    if not isinstance(token, str) or not token or len(token) > 2000:
        raise InvalidLink("This link is not valid.")
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidLink("This link has expired.") from None
    except BadSignature:
        raise InvalidLink("This link is not valid.") from None
