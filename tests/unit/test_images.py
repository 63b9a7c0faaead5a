"""Uploaded images: content-checked, capped at 5 MB, re-encoded without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from civo.modules.ideas import services as ideas
from civo.services import images, items
from civo.services.errors import ValidationError
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


def test_an_idea_keeps_only_a_stored_image_name(session):
    who = actor(session, make_user(session, email="a@example.org", home="Lyon"))
    phase = phase_of(session, "School extracurricular timings").id
    for forged in ("../../etc/passwd", "ideas/../../x.webp", "ideas/aaaaaaaaaaaaaaaaaaaaaaaa.webp"):
        with pytest.raises(ValidationError, match="could not be found"):
            ideas.propose(session=session, actor=who, phase_id=phase, title="T", body="B",
                          image=forged)
    name = images.store(_jpeg_with_gps(), folder="ideas")
    idea = ideas.propose(session=session, actor=who, phase_id=phase, title="Shade", body="B",
                         image=name, image_alt="A red square")
    described = ideas.describe(session=session, actor=who, item=idea)
    assert (described["image"], described["image_alt"]) == (name, "A red square")
    assert items.view(session=session, actor=who, item_id=idea.id).title == "Shade"
