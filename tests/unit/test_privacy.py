"""Deleting an account and downloading one's data."""

from __future__ import annotations

import email
import email.policy
import io
import json
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from civo.models import (
    Community,
    DataExport,
    Item,
    User,
    UserSession,
)
from civo.models._common import utcnow
from civo.modules.ideas import services as ideas
from civo.services import (
    accounts,
    comments,
    items,
    mail,
    moderation,
    notifications,
    privacy,
    profiles,
    reactions,
    sessions,
    tokens,
)
from civo.services.errors import PermissionDenied, Throttled, ValidationError
from tests.unit.conftest import actor, community, make_user
from tests.unit.test_participation import phase_of

NAME, EMAIL, PASSWORD = "Agnès Quiparti", "agnes@example.org", "correct horse battery"


@pytest.fixture(autouse=True)
def _exports(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVO_EXPORT_DIR", str(tmp_path / "exports"))
    return tmp_path / "exports"


@pytest.fixture()
def agnes(session):
    uid = make_user(session, email=EMAIL, home="Lyon", name=NAME)
    who = actor(session, uid)
    profiles.save(session=session, actor=who, home_place_id=None, data={
        "display_name": "Agnès Q", "bio": "I live rue Agnès-Quiparti", "interests": "trees",
        "birth_year": "1980", "gender": "woman"})
    other = actor(session, make_user(session, email="other@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    idea = ideas.propose(session=session, actor=who, phase_id=phase, title="Plant trees",
                         body="Along the school street.")
    hers = ideas.propose(session=session, actor=other, phase_id=phase, title="Benches",
                         body="For parents.")
    ideas.set_support(session=session, actor=who, item_id=hers.id, on=True)
    reactions.react(session=session, actor=who, target_kind="item", target_id=hers.id,
                    emoji="love")
    comments.post(session=session, actor=who, item_id=hers.id, body="Good idea!")
    comments.post(session=session, actor=other, item_id=idea.id, body="Yes")  # notifies her
    moderation.flag(session=session, actor=who, target_kind="item", target_id=hers.id,
                    reason="off_topic")
    sessions.start(session=session, user_id=uid)
    return {"id": uid, "actor": who, "other": other, "idea": idea.id, "hers": hers.id}


def _everywhere(session, needle: str) -> list[str]:
    """Every table and column in which ``needle`` still appears."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in session.execute(sa.select(table)).all():
            for column, value in zip(table.columns.keys(), row, strict=True):
                if value is not None and needle.lower() in str(value).lower():
                    found.append(f"{table.name}.{column}")
    return sorted(set(found))


def test_deleting_an_account_erases_the_person_and_keeps_the_counts(session, agnes):
    lyon = community(session, "Lyon")
    followers_before = lyon.follower_count
    hers_before = session.get(Item, agnes["hers"])
    counts_before = (hers_before.support_count, hers_before.reaction_count,
                     hers_before.comment_count)
    assert _everywhere(session, EMAIL) and _everywhere(session, "Agnès")
    with pytest.raises(ValidationError, match="not your password"):
        privacy.delete_account(session=session, actor=agnes["actor"], password="wrong")
    assert session.get(User, agnes["id"]) is not None  # nothing was deleted

    privacy.delete_account(session=session, actor=agnes["actor"], password=PASSWORD)
    session.expire_all()
    # Nothing anywhere holds her name, her email or her address line.
    assert _everywhere(session, EMAIL) == []
    assert _everywhere(session, "Agnès") == []
    assert _everywhere(session, "Quiparti") == []
    # What she wrote stays, signed "Deleted participant"; counts are unchanged.
    seen = items.view(session=session, actor=agnes["other"], item_id=agnes["idea"])
    assert (seen.author_kind, seen.title) == ("deleted", "Plant trees")
    hers = session.get(Item, agnes["hers"])
    assert (hers.support_count, hers.reaction_count, hers.comment_count) == counts_before
    thread = comments.page(session=session, actor=agnes["other"], item_id=agnes["hers"])
    assert [c.author_kind for c in thread.comments] == ["deleted"]
    assert session.get(Community, lyon.id).follower_count == followers_before - 1
    # She cannot sign in; her sessions are gone; the address can register again.
    with pytest.raises(ValidationError):
        accounts.authenticate(session=session, email=EMAIL, password=PASSWORD)
    assert session.exec(select(UserSession)).all() == [] or all(
        s.user_id != agnes["id"] for s in session.exec(select(UserSession)))
    again = make_user(session, email=EMAIL, home="Lyon", name="Agnès Again")
    assert again != agnes["id"]


def test_accounts_without_a_password_need_a_fresh_sign_in(session, agnes):
    session.execute(sa.update(User).where(User.id == agnes["id"]).values(password_hash=""))
    session.execute(sa.update(UserSession).values(created_at=utcnow() - timedelta(hours=1)))
    session.commit()
    with pytest.raises(PermissionDenied, match="Sign in again"):
        privacy.delete_account(session=session, actor=agnes["actor"])
    old = session.exec(select(UserSession)).first()
    fresh = sessions.start(session=session, user_id=agnes["id"])
    # Another browser's fresh sign-in does not confirm for this (older) session.
    with pytest.raises(PermissionDenied, match="Sign in again"):
        privacy.delete_account(session=session, actor=agnes["actor"],
                               session_token="not-this-one")
    assert old is not None and session.get(User, agnes["id"]) is not None
    privacy.delete_account(session=session, actor=agnes["actor"], session_token=fresh)
    assert session.get(User, agnes["id"]) is None


def test_the_delete_form_does_not_let_a_stolen_session_guess_the_password(session, agnes):
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(ValidationError, match="not your password"):
            privacy.delete_account(session=session, actor=agnes["actor"], password="guess")
    with pytest.raises(Throttled):
        privacy.delete_account(session=session, actor=agnes["actor"], password=PASSWORD)
    assert session.get(User, agnes["id"]) is not None


def test_the_archive_holds_everything_personal_and_expires(session, agnes, _exports):
    made = privacy.export(session=session, actor=agnes["actor"])
    path = privacy.archive_path(session=session, token=made.token)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        data = json.loads(archive.read("civo-data.json"))
    assert data["account"]["email"] == EMAIL and "password_hash" not in data["account"]
    assert data["account"]["bio"] == "I live rue Agnès-Quiparti"
    assert [c["title"] for c in data["contributions"]] == ["Plant trees"]
    assert [c["body"] for c in data["comments"]] == ["Good idea!"]
    assert "reading_history" in data and "your_appeals" in data
    assert [r["emoji"] for r in data["reactions"]] == ["love"]
    assert len(data["supports"]) == 1 and data["reports_you_made"][0]["reason"] == "off_topic"
    assert {f["name"] for f in data["follows"]} >= {"Lyon", "France"}
    assert any(n["kind"] == "reply" for n in data["notifications"])
    assert "token_hash" not in json.dumps(data)
    # Someone else's token is refused; after 7 days the link and the file are gone.
    with pytest.raises(tokens.InvalidLink):
        privacy.archive_path(session=session, token=made.token + "x")
    session.execute(sa.update(DataExport).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    with pytest.raises(tokens.InvalidLink, match="expired"):
        privacy.archive_path(session=session, token=made.token)
    assert privacy.purge_exports(session=session) == 1 and not path.exists()


def test_archives_are_limited_and_deleted_with_the_account(session, agnes, _exports):
    for _ in range(privacy.EXPORTS_PER_DAY):
        privacy.export(session=session, actor=agnes["actor"])
    from civo.services.errors import Throttled

    with pytest.raises(Throttled):
        privacy.export(session=session, actor=agnes["actor"])
    assert len(list(_exports.glob("*.zip"))) == privacy.EXPORTS_PER_DAY
    privacy.delete_account(session=session, actor=agnes["actor"], password=PASSWORD)
    assert list(_exports.glob("*.zip")) == []
    assert notifications  # (imported for the fixture's reply notification)


def _read_eml(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_emails_to_others_and_unused_pictures_do_not_outlive_her(session, agnes, tmp_path,
                                                                 monkeypatch):
    import io as _io

    from PIL import Image

    from civo.models import NotificationSetting, OutboundEmail
    from civo.services import images

    monkeypatch.setattr(images, "upload_dir", lambda: tmp_path / "uploads")
    # The other person wants replies by email at once, in French; Agnès replies twice.
    other_id = agnes["other"].user_id
    session.add(NotificationSetting(user_id=other_id, category="contributions", in_app=True,
                                    email="immediate"))
    session.execute(sa.update(User).where(User.id == other_id).values(locale="fr"))
    session.execute(sa.delete(OutboundEmail))  # (registration emails)
    session.commit()
    for text in ("First", "Second"):
        comments.post(session=session, actor=agnes["actor"], item_id=agnes["hers"], body=text)
    notifications.send_immediate(session=session)
    queued = session.exec(select(OutboundEmail).where(OutboundEmail.user_id == other_id,
                                                      OutboundEmail.kind == "notification")
                          .order_by(OutboundEmail.id)).all()
    assert len(queued) == 2
    outbox = tmp_path / "outbox"
    transport = mail.Transport("outbox", outbox=outbox)
    # The first goes out while she exists: it names her; the table keeps no text of it.
    session.execute(sa.update(OutboundEmail).where(OutboundEmail.id == queued[1].id)
                    .values(next_attempt_at=utcnow() + timedelta(hours=1)))
    session.commit()
    assert mail.deliver_due(session=session, transport=transport)["sent"] == 1
    (first,) = outbox.glob("*.eml")
    assert "Agnès Q" in _read_eml(first)["Subject"]
    # A picture she uploaded but never saved to her profile.
    out = _io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="PNG")
    pending = profiles.accept_image(session=session, actor=agnes["actor"],
                                    data=out.getvalue())
    assert (tmp_path / "uploads" / pending).exists()

    privacy.delete_account(session=session, actor=agnes["actor"], password=PASSWORD)
    session.expire_all()
    assert _everywhere(session, "Agnès") == []
    # The second is written when it goes, after her deletion, in the reader's French.
    first.unlink()
    assert mail.deliver_due(session=session, transport=transport,
                            now=utcnow() + timedelta(hours=2))["sent"] == 1
    (second,) = outbox.glob("*.eml")
    text = _read_eml(second)
    assert "Participant·e supprimé·e" in text["Subject"] + text.get_content()
    assert "Agnès" not in text["Subject"] + text.get_content()
    assert not (tmp_path / "uploads" / pending).exists()
