"""Uploads people make: accepted by content (:mod:`civo.services.images`), counted per
account (no one fills the disk), attached to what uses them, purged when never used."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from civo import policy
from civo.models._common import utcnow
from civo.models.uploads import StoredFile
from civo.services import images
from civo.services.errors import PermissionDenied, Throttled, ValidationError

# At most this many uploads per account per hour, attached or not.
HOURLY_LIMIT = 20
# An upload nothing uses after this long is deleted with its file.
UNATTACHED_TTL = timedelta(hours=24)


def accept_image(*, session: Session, actor: policy.Actor, data: bytes, purpose: str) -> str:
    """Check, re-encode and store an image for ``actor``; returns its stored name."""
    if not actor.signed_in:
        raise PermissionDenied("Please sign in to continue.")
    recent = session.exec(select(sa.func.count()).select_from(StoredFile).where(
        StoredFile.owner_id == actor.user_id,
        StoredFile.created_at > utcnow() - timedelta(hours=1))).one()
    if recent >= HOURLY_LIMIT:
        raise Throttled("You uploaded many images in the last hour. Please try again later.",
                        field="image")
    name = images.store(data, folder=purpose)
    session.add(StoredFile(name=name, owner_id=actor.user_id, purpose=purpose))
    session.commit()
    return name


def attach(session: Session, *, name: str, owner_id: int | None) -> bool:
    """Mark ``name`` as used (inside the caller's transaction).

    Only the uploader's own, not yet used file can be attached: nobody reuses another
    person's upload by guessing or copying its name.
    """
    if owner_id is None:
        return False
    done = session.execute(sa.update(StoredFile).where(
        StoredFile.name == name, StoredFile.owner_id == owner_id,
        StoredFile.attached_at.is_(None)).values(attached_at=utcnow())).rowcount
    return done == 1 and images.is_stored_name(name)


def discard(session: Session, name: str) -> None:
    """Forget an upload and delete its file (inside the caller's transaction)."""
    if not name:
        return
    session.execute(sa.delete(StoredFile).where(StoredFile.name == name))
    images.remove(name)


def replace_images(session: Session, row: object, *, owner_id: int | None,
                   images_by_field: dict[str, str | None]) -> None:
    """Set a row's image fields (``None``: unchanged, ``""``: removed) to the actor's fresh
    uploads, discarding the images they replace. Rolls back and refuses when an upload is
    not the actor's own unused one."""
    for attribute, new in images_by_field.items():
        old = getattr(row, attribute)
        if new is None or new == old:
            continue
        if new and not attach(session, name=new, owner_id=owner_id):
            session.rollback()
            raise ValidationError("The image could not be found; please add it again.",
                                  field=attribute)
        setattr(row, attribute, new)
        if old:
            discard(session, old)


def purge_unattached(*, session: Session, now=None) -> int:
    """Delete uploads nothing used within :data:`UNATTACHED_TTL`; returns how many."""
    cutoff = (now or utcnow()) - UNATTACHED_TTL
    names = list(session.exec(select(StoredFile.name).where(
        StoredFile.attached_at.is_(None), StoredFile.created_at < cutoff).limit(1000)))
    for name in names:
        discard(session, name)
    session.commit()
    return len(names)
