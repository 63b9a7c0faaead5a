"""Email against a real SMTP server (aiosmtpd): confirmation before taking part, password
reset, forged/expired/reused links, a mail server that is down, the outbox folder."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from civo import policy
from civo.models import OutboundEmail, User
from civo.models._common import utcnow
from civo.modules.ideas import services as ideas
from civo.services import accounts, mail, passwords, sessions, tokens
from civo.services.errors import PermissionDenied, Throttled, ValidationError
from tests.conftest import SmtpInbox, free_port, link_in
from tests.unit.conftest import actor, make_user, place_id
from tests.unit.test_participation import phase_of


@pytest.fixture()
def inbox():
    server = SmtpInbox().start()
    yield server
    server.stop()


def _smtp(inbox: SmtpInbox) -> mail.Transport:
    return mail.Transport("smtp", host="127.0.0.1", port=inbox.port)


def _register(session, email="nina@example.org", locale=None) -> int:
    return accounts.register(session=session, actor=policy.ANONYMOUS, full_name="Nina Noor",
                             email=email, password="a long civic passphrase",
                             home_place_id=place_id(session, "Lyon"), locale=locale).user_id


def _token_from(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_registration_mails_a_link_and_taking_part_waits_for_it(session, inbox):
    user_id = _register(session)
    who = actor(session, user_id)
    assert not who.confirmed
    phase = phase_of(session, "School extracurricular timings").id
    with pytest.raises(PermissionDenied, match="Confirm your email address"):
        ideas.propose(session=session, actor=who, phase_id=phase, title="T", body="B")
    # Reading and following still work.
    from civo.services import communities, feed
    from tests.unit.conftest import community

    feed.personal(session=session, actor=who)  # not refused
    assert communities.follow(session=session, actor=who,
                              community_id=community(session, "Nice").id)
    assert mail.deliver_due(session=session, transport=_smtp(inbox)) == {"sent": 1, "failed": 0}
    (message,) = inbox.to("nina@example.org")
    assert message["Subject"] == "Confirm your email address"
    assert "Hello Nina Noor," in message.get_content()
    link = link_in(message, "/confirm/")
    assert accounts.confirm_email(session=session, token=_token_from(link)) == "confirmed"
    assert accounts.confirm_email(session=session, token=_token_from(link)) == "already"
    ideas.propose(session=session, actor=actor(session, user_id), phase_id=phase, title="T",
                  body="B")


def test_emails_speak_the_recipients_language(session, inbox):
    _register(session, email="fr@example.org", locale="fr")
    mail.deliver_due(session=session, transport=_smtp(inbox))
    (message,) = inbox.to("fr@example.org")
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert message.get_content().startswith("Bonjour Nina Noor,")


def test_forged_expired_and_foreign_links_change_nothing(session, monkeypatch):
    user_id = _register(session)
    for token in ("nonsense", tokens.make("reset-password", {"u": user_id, "e": "x"}),
                  tokens.make("confirm-email", {"u": user_id, "e": "other@example.org"})):
        with pytest.raises(tokens.InvalidLink):
            accounts.confirm_email(session=session, token=token)
    # A link older than 48 hours.
    import itsdangerous.timed

    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 49 * 3600)
    old = tokens.make("confirm-email", {"u": user_id, "e": "nina@example.org"})
    monkeypatch.setattr(itsdangerous.timed.time, "time", real)
    with pytest.raises(tokens.InvalidLink, match="expired"):
        accounts.confirm_email(session=session, token=old)
    session.expire_all()
    assert session.get(User, user_id).email_confirmed_at is None


def test_resending_the_confirmation_is_limited(session):
    user_id = _register(session)
    who = actor(session, user_id)
    for _ in range(accounts.CONFIRMATIONS_PER_HOUR - 1):
        accounts.resend_confirmation(session=session, actor=who)
    with pytest.raises(Throttled, match="several links"):
        accounts.resend_confirmation(session=session, actor=who)
    assert session.exec(select(sa.func.count()).select_from(OutboundEmail).where(
        OutboundEmail.kind == "confirm")).one() == accounts.CONFIRMATIONS_PER_HOUR


def test_password_reset_works_once_and_ends_every_session(session, inbox):
    user_id = make_user(session, email="rita@example.org", home="Lyon", name="Rita R")
    token_before = sessions.start(session=session, user_id=user_id)
    accounts.request_password_reset(session=session, email="nobody@example.org")  # silent
    accounts.request_password_reset(session=session, email="Rita@Example.org")
    mail.deliver_due(session=session, transport=_smtp(inbox))
    assert [m["To"] for m in inbox.messages if m["Subject"] == "Reset your password"] == \
        ["rita@example.org"]
    (message,) = [m for m in inbox.to("rita@example.org")
                  if m["Subject"] == "Reset your password"]
    token = _token_from(link_in(message, "/reset/"))
    accounts.check_reset_link(session=session, token=token)  # the page opens its form
    with pytest.raises(ValidationError):  # a weak password: refused, nothing used up
        accounts.reset_password(session=session, token=token, password="short")
    accounts.reset_password(session=session, token=token, password="new garden path 2026")
    assert sessions.resolve(session=session, token=token_before) is None
    assert accounts.authenticate(session=session, email="rita@example.org",
                                 password="new garden path 2026") == user_id
    with pytest.raises(tokens.InvalidLink, match="already used"):
        accounts.check_reset_link(session=session, token=token)  # said before typing
    with pytest.raises(tokens.InvalidLink, match="already used"):
        accounts.reset_password(session=session, token=token, password="another one 2026!")
    assert passwords.verify("new garden path 2026", session.get(User, user_id).password_hash)


def test_a_mail_server_that_is_down_loses_nothing(session, inbox):
    _register(session)
    down = mail.Transport("smtp", host="127.0.0.1", port=free_port())  # nobody listens
    assert mail.deliver_due(session=session, transport=down) == {"sent": 0, "failed": 1}
    row = session.exec(select(OutboundEmail)).one()
    assert (row.attempts, row.sent_at) == (1, None) and row.last_error
    # Not due again before its backoff…
    assert mail.deliver_due(session=session, transport=_smtp(inbox)) == {"sent": 0,
                                                                         "failed": 0}
    # …then delivered once the server answers.
    later = utcnow() + timedelta(minutes=5)
    assert mail.deliver_due(session=session, transport=_smtp(inbox), now=later) == \
        {"sent": 1, "failed": 0}
    assert len(inbox.to("nina@example.org")) == 1
    assert mail.deliver_due(session=session, transport=_smtp(inbox), now=later) == \
        {"sent": 0, "failed": 0}  # never twice


def test_a_message_claimed_by_another_worker_is_left_alone(session, inbox):
    _register(session)
    session.execute(sa.update(OutboundEmail).values(claimed_until=utcnow() + timedelta(
        minutes=1)))
    session.commit()
    assert mail.deliver_due(session=session, transport=_smtp(inbox))["sent"] == 0
    assert mail.deliver_due(session=session, transport=_smtp(inbox),
                            now=utcnow() + timedelta(minutes=3))["sent"] == 1


def test_without_smtp_messages_land_in_the_outbox_folder(session, tmp_path, monkeypatch):
    monkeypatch.delenv("CIVO_SMTP_URL", raising=False)
    monkeypatch.setenv("CIVO_OUTBOX_DIR", str(tmp_path))
    _register(session)
    assert mail.deliver_due(session=session) == {"sent": 1, "failed": 0}
    (written,) = tmp_path.glob("*.eml")
    assert b"To: nina@example.org" in written.read_bytes()


def test_a_message_that_cannot_be_built_does_not_hold_up_the_others(session, inbox):
    _register(session, email="first@example.org")
    _register(session, email="second@example.org")
    first = session.exec(select(OutboundEmail).order_by(OutboundEmail.id)).first()
    session.execute(sa.update(OutboundEmail).where(OutboundEmail.id == first.id)
                    .values(to_address="broken\nBcc: x@example.org"))
    session.commit()
    assert mail.deliver_due(session=session, transport=_smtp(inbox)) == {"sent": 1,
                                                                         "failed": 1}
    assert len(inbox.to("second@example.org")) == 1
    session.expire_all()
    broken = session.get(OutboundEmail, first.id)
    assert broken.sent_at is None and broken.last_error and broken.attempts == 1


def test_titles_with_line_breaks_make_one_line_subjects(session):
    row = mail.queue(session, to="a@example.org", subject="Re: “Two\nlines”\r\n", body="b",
                     kind="notification")
    assert row.subject == "Re: “Two lines”"
