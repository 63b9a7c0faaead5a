"""Outgoing email: a queue in the database, delivered by the backend's workers.

Where it goes (environment, read at send time):

- ``CIVO_SMTP_URL`` — ``smtp://[user:password@]host[:port][?starttls=1]`` or
  ``smtps://…``. Without it, messages are written to an outbox folder instead
  (``CIVO_OUTBOX_DIR``, default ``data/outbox``), so ``reflex run`` needs no mail server.
- ``CIVO_MAIL_FROM`` — the sender (default ``Civo <no-reply@civo.localhost>``).
- ``CIVO_PUBLIC_URL`` — the site's address for links in messages (default: the app's
  ``deploy_url``).

Queueing happens in the transaction of the action that wants the message, so the action
never fails because the mail server is down: delivery is retried with backoff until it
works. Each message is claimed before sending, so several workers never send it twice.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from civo.models._common import utcnow
from civo.models.notifications import OutboundEmail

log = logging.getLogger("civo.mail")

CLAIM = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)


def public_url(path: str = "") -> str:
    """An absolute link to ``path`` on this site."""
    base = os.environ.get("CIVO_PUBLIC_URL", "")
    if not base:
        from reflex_base.config import get_config

        base = get_config().deploy_url or "http://localhost:3000"
    return base.rstrip("/") + path


def api_url(path: str = "") -> str:
    """An absolute link to the backend (API routes: the one-click unsubscribe)."""
    base = os.environ.get("CIVO_API_URL", "")
    if not base:
        from reflex_base.config import get_config

        base = get_config().api_url or public_url()
    return base.rstrip("/") + path


def sender() -> str:
    return os.environ.get("CIVO_MAIL_FROM", "Civo <no-reply@civo.localhost>")


def queue(session: Session, *, to: str, subject: str, body: str, kind: str,
          user_id: int | None = None, headers: dict[str, str] | None = None,
          notification_ids: list[int] | None = None) -> OutboundEmail:
    """Add a message to the queue (inside the caller's transaction: it commits).
    With ``notification_ids``, subject and body are written at sending time."""
    message = OutboundEmail(user_id=user_id, to_address=to, subject=_one_line(subject),
                            body_text=body, headers=headers or {}, kind=kind,
                            notification_ids=notification_ids or [])
    session.add(message)
    return message


# ---- delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transport:
    """Where messages go: an SMTP server, or the outbox folder."""

    scheme: str              # smtp | smtps | outbox
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""
    starttls: bool = False
    outbox: Path = Path("data/outbox")

    @classmethod
    def from_environment(cls) -> Transport:
        url = os.environ.get("CIVO_SMTP_URL", "").strip()
        outbox = Path(os.environ.get("CIVO_OUTBOX_DIR", "data/outbox"))
        if not url:
            return cls("outbox", outbox=outbox)
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("CIVO_SMTP_URL must start with smtp:// or smtps://")
        query = parse_qs(parts.query)
        return cls(parts.scheme, host=parts.hostname or "localhost",
                   port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   username=unquote(parts.username or ""),
                   password=unquote(parts.password or ""),
                   starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
                   outbox=outbox)

    def send(self, message: EmailMessage) -> None:
        if self.scheme == "outbox":
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}-{message['Message-ID'][1:9]}.eml"
            (self.outbox / name).write_bytes(bytes(message))
            return
        if self.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=20,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=20)
        with client:
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
            if self.username:
                client.login(self.username, self.password)
            client.send_message(message)


def _one_line(subject: str) -> str:
    """A title with a line break must not make an invalid header."""
    return " ".join(subject.split())[:300]


def _message(row: OutboundEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = row.to_address
    message["Subject"] = _one_line(row.subject)
    message["Message-ID"] = make_msgid(idstring=f"civo{row.id}", domain="civo.localhost")
    for name, value in (row.headers or {}).items():
        message[name] = value
    message.set_content(row.body_text)
    return message


# Who writes the emails queued without text (notification emails and digests), from live
# data at sending time: registered by civo.subscribers (the queue knows no notification).
_writers: list = []


def register_writer(writer) -> None:
    """``writer(session, row) -> (subject, body, headers) | None`` for rows queued with
    ``notification_ids``."""
    if writer not in _writers:
        _writers.append(writer)


def _write_now(session: Session, row: OutboundEmail) -> bool:
    """Fill a notification email's subject, body and headers from live data (not saved:
    the row keeps no text). False when there is nothing left to say."""
    if not _writers:
        from civo import events

        events.wire()  # the writer registers with the other subscribers
    written = _writers[0](session, row) if _writers else None
    if written is None:
        return False
    row.subject, row.body_text, row.headers = written
    session.expunge(row)  # what was written goes out, never into the table
    return True


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(MAX_BACKOFF, timedelta(minutes=2 ** max(0, attempts - 1)))


def deliver_due(*, session: Session, now: datetime | None = None, limit: int = 50,
                transport: Transport | None = None) -> dict[str, int]:
    """Send what is due; returns how many were sent and how many failed (to retry)."""
    transport = transport or Transport.from_environment()
    clock = (lambda: now) if now is not None else utcnow
    start = clock()
    due = list(session.exec(select(OutboundEmail.id).where(
        OutboundEmail.sent_at.is_(None), OutboundEmail.next_attempt_at <= start,
        sa.or_(OutboundEmail.claimed_until.is_(None), OutboundEmail.claimed_until < start))
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id).limit(limit)))
    done = {"sent": 0, "failed": 0}
    for message_id in due:
        # The claim counts from now, not from the round's start: a slow round must not
        # hand out claims that have already run out (another worker would send it too).
        moment = clock()
        claimed = session.execute(sa.update(OutboundEmail).where(
            OutboundEmail.id == message_id, OutboundEmail.sent_at.is_(None),
            sa.or_(OutboundEmail.claimed_until.is_(None), OutboundEmail.claimed_until < moment))
            .values(claimed_until=moment + CLAIM)).rowcount
        session.commit()
        if claimed != 1:
            continue  # another worker has it
        row = session.get(OutboundEmail, message_id)
        try:
            if row.notification_ids and not _write_now(session, row):
                # Every notification it was about is gone (its reader deleted them).
                session.execute(sa.update(OutboundEmail).where(OutboundEmail.id == message_id)
                                .values(claimed_until=None, sent_at=utcnow()))
                session.commit()
                continue
            transport.send(_message(row))
        except Exception as error:  # noqa: BLE001 - one bad message must not stop the round
            if not isinstance(error, (OSError, smtplib.SMTPException)):
                log.exception("email %s could not be built or sent", message_id)
            session.execute(sa.update(OutboundEmail).where(OutboundEmail.id == message_id)
                            .values(attempts=OutboundEmail.attempts + 1, claimed_until=None,
                                    next_attempt_at=clock() + backoff(row.attempts + 1),
                                    last_error=f"{type(error).__name__}: {error}"[:500]))
            done["failed"] += 1
        else:
            # Once delivered, the text is not kept: it may name other people (a reply's
            # author), who can delete their account.
            session.execute(sa.update(OutboundEmail).where(OutboundEmail.id == message_id)
                            .values(attempts=OutboundEmail.attempts + 1, claimed_until=None,
                                    sent_at=utcnow(), last_error="", subject="",
                                    body_text=""))
            done["sent"] += 1
        session.commit()
    return done


def recent_count(session: Session, *, user_id: int, kind: str, within: timedelta) -> int:
    """How many messages of ``kind`` were queued for ``user_id`` lately (resend limits)."""
    return session.exec(select(sa.func.count()).select_from(OutboundEmail).where(
        OutboundEmail.user_id == user_id, OutboundEmail.kind == kind,
        OutboundEmail.created_at > utcnow() - within)).one()
