"""The messages Civo sends, written in the recipient's language and queued for delivery
(:mod:`civo.services.mail`). Plain text: it reads everywhere and carries no tracker."""

from __future__ import annotations

from sqlmodel import Session

from civo import i18n
from civo.i18n import N_
from civo.models import User
from civo.services import mail, tokens
from civo.services.accounts import CONFIRM_HOURS, RESET_MINUTES


def _locale(user: User) -> str:
    return i18n.normalize_locale(user.locale) or i18n.DEFAULT_LOCALE


def _greeting(user: User, locale: str) -> str:
    return i18n.gettext(locale, "Hello {name},", name=user.display_name or user.full_name)


def _signature(locale: str) -> str:
    return "\n\n— " + i18n.gettext(locale, "Civo, open civic participation")


def _link_email(session: Session, user: User, *, kind: str, path: str, subject: str,
                intro: str, note: str, **params: object) -> None:
    """A message built around one signed link: greeting, why, the link, how long it works
    (msgids marked with ``N_`` by the callers), queued in the caller's transaction."""
    locale = _locale(user)
    body = "\n\n".join([_greeting(user, locale), i18n.gettext(locale, intro),
                         mail.public_url(path), i18n.gettext(locale, note, **params)])
    mail.queue(session, to=user.email, user_id=user.id, kind=kind,
               body=body + _signature(locale), subject=i18n.gettext(locale, subject))


def confirmation(session: Session, user: User) -> None:
    """The "confirm your address" message (link valid 48 hours)."""
    token = tokens.make("confirm-email", {"u": user.id, "e": user.email})
    _link_email(session, user, kind="confirm", path=f"/confirm/{token}",
                subject=N_("Confirm your email address"),
                intro=N_("Please confirm your email address to take part in Civo: "
                         "posting, commenting, reacting and supporting."),
                note=N_("This link works for {hours} hours. If you did not create an "
                        "account, ignore this message."), hours=CONFIRM_HOURS)


def password_reset(session: Session, user: User, fingerprint: str) -> None:
    """The password-reset message (single use, 1 hour)."""
    token = tokens.make("reset-password", {"u": user.id, "f": fingerprint})
    _link_email(session, user, kind="reset", path=f"/reset/{token}",
                subject=N_("Reset your password"),
                intro=N_("Someone asked to reset the password of your Civo account. "
                         "To choose a new password, open this link:"),
                note=N_("It works once, for {minutes} minutes. If you did not ask, "
                        "ignore this message: your password stays as it is."),
                minutes=RESET_MINUTES)


# ---- subscribers (civo.subscribers) ------------------------------------------------------


def on_confirmation_needed(session: Session, *, user: User) -> None:
    confirmation(session, user)


def on_password_reset_requested(session: Session, *, user: User, fingerprint: str) -> None:
    password_reset(session, user, fingerprint)
