"""Inviting someone to administer a community.

"Grant admin by email" told the granting admin whether an address had an account and the
name behind it — an identity lookup anyone made admin could run, then revoke. Instead an
admin *invites an address*: the same answer whatever the address, an email to it (with a
single-use link valid :data:`VALID_DAYS` days), and the role exists only once the person,
signed in with that very address, accepts. Until then the admins see the invitation with
a masked address and nothing else. Invitations are rate-limited per inviting admin and
recorded in the audit log (invited, accepted, withdrawn).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from civo import i18n, policy
from civo.i18n import N_
from civo.models import AdminInvitation, Community, CommunityRole, ModerationLog, User
from civo.models._common import utcnow
from civo.services import accounts, mail, throttle, validate
from civo.services.admin_communities import covers_descendants, get
from civo.services.errors import NotFound, PermissionDenied, ValidationError

VALID_DAYS = 7
INVITES_PER_DAY = 10        # per inviting admin (CIVO: enough to staff a team, not to probe)
PENDING_MAX = 20            # per community
INVITED = N_("An invitation was sent to this address. The person becomes an admin once "
             "they accept it, signed in with this address (the link works for {days} days).")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mask(email: str) -> str:
    """"jane.doe@example.org" → "j•••@example.org": enough to tell invitations apart."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _log(session: Session, actor_id: int | None, action: str, community: Community,
         subject_id: int | None = None) -> None:
    session.add(ModerationLog(actor_id=actor_id, action=action, subject_id=subject_id,
                              reason=f"{community.name} (#{community.id})"[:500]))


def invite(*, session: Session, actor: policy.Actor, community_id: Any, email: Any,
           include_descendants: Any = False, locale: str | None = None) -> None:
    """Send an invitation to ``email``. Says nothing about the address (no account lookup):
    every valid address gets the same answer and the same email."""
    community = get(session, actor, community_id, "community.grant_admin")
    try:
        address = accounts.normalize_email(str(email or "")[:300])
    except ValidationError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    below = include_descendants is True or include_descendants in ("on", "true")
    if below and not covers_descendants(session, actor, community):
        # Nobody hands out a reach they do not have themselves.
        raise PermissionDenied("Only an admin who also runs its sub-communities can grant "
                               "or change that.")
    now = utcnow()
    pending = session.exec(select(sa.func.count()).select_from(AdminInvitation).where(
        AdminInvitation.community_id == community.id, AdminInvitation.accepted_at.is_(None),
        AdminInvitation.revoked_at.is_(None), AdminInvitation.expires_at > now)).one()
    if pending >= PENDING_MAX:
        raise ValidationError("This community has many pending invitations: withdraw some "
                              "first.", field="email")
    throttle.hit(session, "admin.invite", actor.user_id, limit=INVITES_PER_DAY,
                 window=timedelta(days=1), now=now,
                 message=N_("You have sent many invitations today. Please try again "
                            "tomorrow."))
    token = secrets.token_urlsafe(32)
    session.add(AdminInvitation(community_id=community.id, invited_by=actor.user_id,
                                email=address, include_descendants=below,
                                token_hash=_hash(token), created_at=now,
                                expires_at=now + timedelta(days=VALID_DAYS)))
    lang = i18n.normalize_locale(locale) or i18n.DEFAULT_LOCALE
    body = "\n\n".join([
        i18n.gettext(lang, "Hello,"),
        i18n.gettext(lang, "You are invited to become an admin of {community} on Civo. To "
                     "accept, sign in (or register) with this email address and open this "
                     "link:", community=community.name),
        mail.public_url(f"/invitation/{token}"),
        i18n.gettext(lang, "It works for {days} days. If you do not want this role, ignore "
                     "this message: nothing changes.", days=VALID_DAYS),
    ]) + "\n\n— " + i18n.gettext(lang, "Civo, open civic participation")
    mail.queue(session, to=address, kind="admin_invitation", body=body,
               subject=i18n.gettext(lang, "An invitation to administer {community}",
                                    community=community.name))
    _log(session, actor.user_id, "admin_invited", community)
    session.commit()


@dataclass(frozen=True)
class InvitationRow:
    id: int
    masked_email: str
    include_descendants: bool
    created_at: datetime
    expires_at: datetime


def pending(*, session: Session, actor: policy.Actor, community_id: Any
            ) -> list[InvitationRow]:
    community = get(session, actor, community_id, "community.grant_admin")
    rows = session.exec(select(AdminInvitation).where(
        AdminInvitation.community_id == community.id, AdminInvitation.accepted_at.is_(None),
        AdminInvitation.revoked_at.is_(None), AdminInvitation.expires_at > utcnow())
        .order_by(AdminInvitation.id.desc()).limit(PENDING_MAX)).all()
    return [InvitationRow(r.id, _mask(r.email), r.include_descendants, r.created_at,
                          r.expires_at) for r in rows]


def withdraw(*, session: Session, actor: policy.Actor, community_id: Any,
             invitation_id: Any) -> None:
    community = get(session, actor, community_id, "community.grant_admin")
    done = session.execute(sa.update(AdminInvitation).where(
        AdminInvitation.id == validate.record_id(invitation_id),
        AdminInvitation.community_id == community.id, AdminInvitation.accepted_at.is_(None),
        AdminInvitation.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount
    if not done:
        raise NotFound("This invitation does not exist or was already used.")
    _log(session, actor.user_id, "admin_uninvited", community)
    session.commit()


def _open(session: Session, token: Any) -> tuple[AdminInvitation, Community]:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This invitation is not valid any more.")
    row = session.exec(select(AdminInvitation, Community)
                       .join(Community, Community.id == AdminInvitation.community_id)
                       .where(AdminInvitation.token_hash == _hash(token))).first()
    if row is None:
        raise NotFound("This invitation is not valid any more.")
    invitation, community = row
    if (invitation.accepted_at is not None or invitation.revoked_at is not None
            or invitation.expires_at <= utcnow()):
        raise NotFound("This invitation is not valid any more.")
    return invitation, community


@dataclass(frozen=True)
class InvitationView:
    community_name: str
    community_slug: str
    include_descendants: bool


def view(*, session: Session, actor: policy.Actor, token: Any) -> InvitationView:
    """What the link's page shows (whoever holds the link: it was sent to the address)."""
    invitation, community = _open(session, token)
    return InvitationView(community.name, community.slug, invitation.include_descendants)


def accept(*, session: Session, actor: policy.Actor, token: Any) -> InvitationView:
    """The invited person, signed in with the invited (confirmed) address, takes the role."""
    policy.require(actor, "account.manage_own")
    invitation, community = _open(session, token)
    user = session.get(User, actor.user_id)
    if user is None or user.email != invitation.email:
        raise PermissionDenied("This invitation was sent to another email address: sign in "
                               "with the account that uses it.")
    if user.email_confirmed_at is None:
        raise PermissionDenied("Confirm your email address first: use the link we sent you "
                               "(you can ask for a new one at the top of the page).")
    # Conditional: the same link opened twice at once makes one admin.
    done = session.execute(sa.update(AdminInvitation).where(
        AdminInvitation.id == invitation.id, AdminInvitation.accepted_at.is_(None),
        AdminInvitation.revoked_at.is_(None)).values(accepted_at=utcnow())).rowcount
    if done != 1:
        session.rollback()
        raise NotFound("This invitation is not valid any more.")
    existing = session.exec(select(CommunityRole).where(
        CommunityRole.user_id == user.id, CommunityRole.community_id == community.id,
        CommunityRole.role == "admin")).first()
    if existing is not None:
        existing.include_descendants = existing.include_descendants or \
            invitation.include_descendants
        session.add(existing)
    else:
        session.add(CommunityRole(user_id=user.id, community_id=community.id,
                                  include_descendants=invitation.include_descendants))
    _log(session, user.id, "admin_accepted", community, subject_id=user.id)
    try:
        session.commit()
    except IntegrityError:  # a role granted at the same moment: one row stays
        session.rollback()
    return InvitationView(community.name, community.slug, invitation.include_descendants)
