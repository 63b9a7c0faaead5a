"""Uploaded images: content-checked, capped at 5 MB, re-encoded without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from civo import policy
from civo.modules.ideas import services as ideas
from civo.services import images, items
from civo.services.errors import NotFound, PermissionDenied, Throttled, ValidationError
from tests.unit.conftest import actor, make_user
from tests.unit.test_participation import phase_of


@pytest.fixture(autouse=True)
def _uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "upload_dir", lambda: tmp_path)
    return tmp_path


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 0.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_images_are_reencoded_resized_and_stripped(_uploads):
    name = images.store(_jpeg_with_gps(), folder="ideas")
    assert name.startswith("ideas/") and name.endswith(".webp") and images.is_stored_name(name)
    with Image.open(_uploads / name) as stored:
        assert stored.format == "WEBP" and max(stored.size) == images.MAX_SIDE
        assert not stored.getexif() and "exif" not in stored.info
    assert b"SpyCam" not in (_uploads / name).read_bytes()


@pytest.mark.parametrize("data", [b"<svg onload=alert(1)>", b"%PDF-1.7 not an image",
                                  b"\x89PNG\r\n\x1a\n truncated"])
def test_non_images_are_refused(data):
    with pytest.raises(ValidationError, match="not an image we accept"):
        images.store(data, folder="ideas")


def test_images_over_5_mb_are_refused():
    with pytest.raises(ValidationError, match="5 MB"):
        images.store(b"\xff\xd8\xff" + b"0" * images.MAX_BYTES, folder="ideas")


def test_a_small_file_holding_a_huge_picture_is_refused_before_decoding(_uploads,
                                                                        monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    out = io.BytesIO()
    Image.new("1", (8900, 8900)).save(out, format="PNG")  # 79 megapixels in a few KB
    assert len(out.getvalue()) < images.MAX_BYTES
    with pytest.raises(ValidationError, match="too many pixels"):
        images.store(out.getvalue(), folder="people")
    assert list(_uploads.rglob("*.webp")) == []


def test_an_idea_keeps_only_a_stored_image_name(session):
    who = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    for forged in ("../../etc/passwd", "ideas/../../x.webp", "ideas/aaaaaaaaaaaaaaaaaaaaaaaa.webp"):
        with pytest.raises(ValidationError, match="could not be found"):
            ideas.propose(session=session, actor=who, phase_id=phase, title="T", body="B",
                          image=forged)
    name = ideas.accept_image(session=session, actor=who, phase_id=phase, data=_jpeg_with_gps())
    idea = ideas.propose(session=session, actor=who, phase_id=phase, title="Shade", body="B",
                         image=name, image_alt="A red square")
    described = ideas.describe(session=session, actor=who, item=idea)
    assert (described["image"], described["image_alt"]) == (name, "A red square")
    assert items.view(session=session, actor=who, item_id=idea.id).title == "Shade"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def test_uploads_belong_to_their_uploader_and_are_used_once(session, _uploads):
    from civo.models import StoredFile

    alice = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    bruno = actor(session, make_user(session, email="b@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    name = ideas.accept_image(session=session, actor=alice, phase_id=phase, data=_png())
    with pytest.raises(ValidationError, match="could not be found"):
        ideas.propose(session=session, actor=bruno, phase_id=phase, title="Mine now", body="B",
                      image=name)
    ideas.drop_image(session=session, actor=bruno, name=name)  # not his: nothing happens
    assert (_uploads / name).is_file()
    idea = ideas.propose(session=session, actor=alice, phase_id=phase, title="Park", body="B",
                         image=name)
    with pytest.raises(ValidationError, match="could not be found"):  # already used
        ideas.propose(session=session, actor=alice, phase_id=phase, title="Again", body="B",
                      image=name)
    assert session.exec(select(StoredFile.attached_at).where(StoredFile.name == name)).one()
    # Deleting the idea deletes its image.
    items.delete(session=session, actor=alice, item_id=idea.id)
    assert not (_uploads / name).exists()
    assert session.exec(select(StoredFile).where(StoredFile.name == name)).first() is None


def test_only_idea_boxes_open_to_the_actor_take_images(session):
    who = actor(session, make_user(session, email="a@example.org", home="Nice"))
    debate = phase_of(session, "Noise in the Métropole").id
    with pytest.raises(NotFound):
        ideas.accept_image(session=session, actor=who, phase_id=debate, data=_png())
    with pytest.raises(PermissionDenied):
        ideas.accept_image(session=session, actor=policy.ANONYMOUS,
                           phase_id=phase_of(session, "School extracurricular timings").id,
                           data=_png())


def test_uploads_are_rate_limited_per_account(session, monkeypatch):
    from civo.services import uploads

    monkeypatch.setattr(uploads, "HOURLY_LIMIT", 3)
    who = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    for _ in range(3):
        ideas.accept_image(session=session, actor=who, phase_id=phase, data=_png())
    with pytest.raises(Throttled, match="many images"):
        ideas.accept_image(session=session, actor=who, phase_id=phase, data=_png())


def test_housekeeping_purges_only_old_unused_uploads(session, _uploads):
    from datetime import timedelta

    import sqlalchemy as sa

    from civo.models import StoredFile
    from civo.models._common import utcnow
    from civo.services import housekeeping

    who = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    used, stale, fresh = (ideas.accept_image(session=session, actor=who, phase_id=phase,
                                             data=_png()) for _ in range(3))
    ideas.propose(session=session, actor=who, phase_id=phase, title="T", body="B", image=used)
    session.execute(sa.update(StoredFile).where(StoredFile.name.in_([used, stale]))
                    .values(created_at=utcnow() - timedelta(days=2)))
    session.commit()
    assert housekeeping.run_once(session=session)["uploads_purged"] == 1
    assert (_uploads / used).is_file() and (_uploads / fresh).is_file()
    assert not (_uploads / stale).exists()
