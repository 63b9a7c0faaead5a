"""Domain errors. ``message`` is an English msgid translated by :mod:`civo.i18n`."""

from __future__ import annotations

from typing import Any


class CivoError(Exception):
    """A refusal the user should read: a msgid, an optional form field, and parameters."""

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class ValidationError(CivoError):
    """The input is not acceptable; nothing was changed."""


class NotFound(CivoError):
    """The thing does not exist, or the actor may not know that it does."""


class PermissionDenied(CivoError):
    """The actor may not do this."""


class Throttled(CivoError):
    """Too many attempts; try again later."""


class FieldErrors(ValidationError):
    """Several fields of one form are wrong; each has its own message (nothing changed)."""

    def __init__(self, errors: dict[str, CivoError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message, field=first.field, **first.params)
        self.errors = errors
