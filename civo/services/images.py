"""Uploaded images: checked by content, size-capped, re-encoded (metadata stripped), stored
under an unguessable name in Reflex's upload folder (served at ``/_upload/<name>``)."""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from civo.services.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF"}
_NAME = re.compile(r"^[a-z]+/[A-Za-z0-9_-]{24}\.webp$")


def upload_dir() -> Path:
    import reflex as rx

    return Path(rx.get_upload_dir())


MAX_PIXELS = 25_000_000
MAX_DIMENSION = 10_000


def store(data: bytes, *, folder: str) -> str:
    """Validate and re-encode ``data``; return its stored name (``folder/<random>.webp``)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise ValidationError("The image must be 5 MB or smaller.", field="image")
    Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
        if kind not in ACCEPTED:
            raise UnidentifiedImageError(kind)
        # Checked before decoding: Pillow only warns below twice its own limit, and a
        # small file can hold a huge picture (memory for every pixel).
        if width * height > MAX_PIXELS or max(width, height) > MAX_DIMENSION:
            raise ValidationError("This image has too many pixels ({width} × {height}): at "
                                  "most {mp} megapixels and {side} pixels a side.",
                                  field="image", width=width, height=height,
                                  mp=MAX_PIXELS // 1_000_000, side=MAX_DIMENSION)
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            out = io.BytesIO()
            clean.save(out, format="WEBP", quality=82)  # a new file: no EXIF, no GPS
    except Image.DecompressionBombError:  # so large that Pillow refuses even to open it
        raise ValidationError("This image has too many pixels: at most {mp} megapixels and "
                              "{side} pixels a side.", field="image",
                              mp=MAX_PIXELS // 1_000_000, side=MAX_DIMENSION) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError("This file is not an image we accept (JPEG, PNG, WebP or GIF).",
                              field="image") from None
    name = f"{folder}/{secrets.token_urlsafe(18)}.webp"
    target = upload_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())
    return name


def is_stored_name(name: object) -> bool:
    """True for a name :func:`store` produced and that exists (never a client path)."""
    return (isinstance(name, str) and bool(_NAME.match(name))
            and (upload_dir() / name).is_file())


def remove(name: str) -> None:
    """Delete a stored image file (a name :func:`store` produced); missing is fine."""
    if isinstance(name, str) and _NAME.match(name):
        (upload_dir() / name).unlink(missing_ok=True)
