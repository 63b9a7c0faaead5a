"""The messages Civo sends, written in the recipient's language and queued for delivery
(:mod:`civo.services.mail`). Plain text: it reads everywhere and carries no tracker."""

from __future__ import annotations

from sqlmodel import Session

from civo import i18n
from civo.models import User
from civo.services import mail, tokens

CONFIRM_HOURS = 48
RESET_MINUTES = 60


def _locale(user: User) -> str:
    return i18n.normalize_locale(user.locale) or i18n.DEFAULT_LOCALE


def _greeting(user: User, locale: str) -> str:
    return i18n.gettext(locale, "Hello {name},", name=user.display_name or user.full_name)


def _signature(locale: str) -> str:
    return "\n\n— " + i18n.gettext(locale, "Civo, open civic participation")


def confirmation(session: Session, user: User) -> None:
    """The "confirm your address" message (link valid 48 hours), in the caller's
    transaction."""
    locale = _locale(user)
    token = tokens.make("confirm-email", {"u": user.id, "e": user.email})
    link = mail.public_url(f"/confirm/{token}")
    body = "\n\n".join([
        _greeting(user, locale),
        i18n.gettext(locale, "Please confirm your email address to take part in Civo: "
                             "posting, commenting, reacting and supporting."),
        link,
        i18n.gettext(locale, "This link works for {hours} hours. If you did not create an "
                             "account, ignore this message.", hours=CONFIRM_HOURS),
    ]) + _signature(locale)
    mail.queue(session, to=user.email, user_id=user.id, kind="confirm", body=body,
               subject=i18n.gettext(locale, "Confirm your email address"))


def password_reset(session: Session, user: User, fingerprint: str) -> None:
    """The password-reset message (single use, 1 hour), in the caller's transaction."""
    locale = _locale(user)
    token = tokens.make("reset-password", {"u": user.id, "f": fingerprint})
    link = mail.public_url(f"/reset/{token}")
    body = "\n\n".join([
        _greeting(user, locale),
        i18n.gettext(locale, "Someone asked to reset the password of your Civo account. "
                             "To choose a new password, open this link:"),
        link,
        i18n.gettext(locale, "It works once, for {minutes} minutes. If you did not ask, "
                             "ignore this message: your password stays as it is.",
                     minutes=RESET_MINUTES),
    ]) + _signature(locale)
    mail.queue(session, to=user.email, user_id=user.id, kind="reset", body=body,
               subject=i18n.gettext(locale, "Reset your password"))
