"""Sign in with an OpenID Connect provider (a city's or a country's identity service).

Providers come from settings: ``CIVO_OIDC_PROVIDERS``, a JSON list of
``{"name", "label", "issuer", "client_id", "client_secret"}`` (``name``: lower-case
letters, digits and dashes; it appears in the callback address). The protocol itself —
discovery, state, nonce, PKCE, token exchange and ID-token validation — is authlib's
(:mod:`civo.api.auth`); this module decides which account a verified identity opens.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import i18n
from civo.models import ExternalIdentity, User, UserSession
from civo.models._common import utcnow
from civo import events
from civo.services import accounts, sessions
from civo.services.errors import ValidationError

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def providers() -> list[Provider]:
    """The configured providers (a misconfigured entry is skipped, loudly)."""
    raw = os.environ.get("CIVO_OIDC_PROVIDERS", "").strip()
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError:
        import logging

        logging.getLogger("civo.sso").error("CIVO_OIDC_PROVIDERS is not valid JSON")
        return []
    found = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            provider = Provider(**{k: str(entry[k]) for k in (
                "name", "label", "issuer", "client_id", "client_secret")})
        except (KeyError, TypeError):
            continue
        if _NAME.match(provider.name) and provider.issuer.startswith(("https://", "http://")):
            found.append(provider)
    return found


def provider(name: str) -> Provider | None:
    return next((p for p in providers() if p.name == name), None)


@dataclass(frozen=True)
class SignedIn:
    token: str       # the new session's token (the browser's civo_session cookie)
    created: bool    # a new account: it still needs a home place


def sign_in_with(*, session: Session, provider_name: str, claims: dict[str, Any],
                 locale: str | None = None) -> SignedIn:
    """Open the account of a verified identity: the one already linked to it; else the one
    using the same *verified* email (now linked); else a new account.

    An email the provider does not say is verified never opens an existing account (that
    would let anyone who controls a provider take over someone's account).
    """
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise ValidationError("The sign-in service sent no identity.")
    verified = claims.get("email_verified") is True
    email = str(claims.get("email") or "")
    identity = session.exec(select(ExternalIdentity).where(
        ExternalIdentity.provider == provider_name, ExternalIdentity.subject == subject)).first()
    created = False
    if identity is not None:
        user = session.get(User, identity.user_id)
    else:
        if not email:
            raise ValidationError("The sign-in service did not share an email address.")
        address = accounts.normalize_email(email)
        user = session.exec(select(User).where(User.email == address)).first()
        if user is not None and not verified:
            raise ValidationError("An account already uses this email address. Sign in with "
                                  "your password: the sign-in service did not confirm this "
                                  "address.")
        if user is not None and not address.isascii():
            # Unicode local parts fold together ("ß" and "ss"): never link on them.
            raise ValidationError("An account already uses this email address. Sign in with "
                                  "your password.")
        if user is None:
            user = _create(session, claims, address, verified, locale)
            created = True
        elif user.email_confirmed_at is None:
            # The address was never proven: whoever registered it (perhaps not its owner)
            # loses the password and the sessions; the provider vouches for the owner.
            user.email_confirmed_at = utcnow()
            user.password_hash = ""
            session.add(user)
            session.execute(sa.delete(ExternalIdentity).where(
                ExternalIdentity.user_id == user.id))
            session.execute(sa.update(UserSession).where(
                UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
                .values(revoked_at=utcnow()))
        session.add(ExternalIdentity(user_id=user.id, provider=provider_name, subject=subject))
        try:
            session.flush()
        except IntegrityError:  # the same first sign-in twice at once
            session.rollback()
            return sign_in_with(session=session, provider_name=provider_name, claims=claims,
                                locale=locale)
    if user is None or user.suspended_at is not None:
        raise ValidationError("This account is suspended for repeated breaches of the code of "
                              "conduct.")
    session.commit()
    return SignedIn(sessions.start(session=session, user_id=user.id), created)


def _create(session: Session, claims: dict[str, Any], address: str, verified: bool,
            locale: str | None) -> User:
    """A new account, named as the provider names the person — or, without a name, by a
    pseudonym (never by the email) until they pick one in their profile."""
    full = " ".join(str(claims.get("name") or "").split())[:accounts.NAME_MAX]
    user = User(full_name=full, display_name=full[:80] or accounts.new_pseudonym(),
                email=address,
                password_hash="", locale=i18n.normalize_locale(locale),
                email_confirmed_at=utcnow() if verified else None)
    session.add(user)
    session.flush()
    if not verified:
        events.publish(session, "account.confirmation_needed", user=user)
    return user
