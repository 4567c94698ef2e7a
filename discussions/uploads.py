"""Image uploads for the markdown editor: verify, re-encode, store under a random name.

Nothing the browser says is trusted: the format comes from decoding the bytes with
Pillow, the stored file is a fresh encoding of the decoded pixels (no metadata, nothing
appended after the image — polyglots lose their payload), and its name is a random token
with the extension of the verified format.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow format name → stored extension. Anything else (SVG, BMP, TIFF, PDF…) is refused.
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
NOT_AN_IMAGE = "This file is not an image we accept: upload a PNG, JPEG, GIF or WebP image."
MAX_FRAMES = 100
MAX_ANIMATION_PIXELS = 100_000_000  # width × height × frames, bounds decoding work

# Re-encoding keeps pixels, transparency and animation timing only: EXIF, ICC, XMP, text
# chunks and comments are gone. Pillow itself refuses anything over twice this limit
# (DecompressionBombError) before decoding it; we refuse over the limit from the header.
Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS


@dataclass(frozen=True)
class StoredImage:
    name: str  # storage path, e.g. uploads/2026/11/3f…9a.png
    url: str
    format: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_image")


def _open_verified(data: bytes) -> Image.Image:
    """Decode `data` fully with Pillow, within the pixel limit; raise ValidationError if not."""
    try:
        probe = Image.open(io.BytesIO(data), formats=list(FORMATS))
        # The header gives the size: refuse before decoding a single pixel.
        _check_pixels(probe.width * probe.height)
        probe.verify()
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise _refuse(
            "This file is not an image we accept: upload PNG, JPEG, GIF or WebP."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse("This image is damaged or incomplete and cannot be read.") from None
    return image


def _too_many_pixels() -> ValidationError:
    limit = settings.UPLOAD_MAX_PIXELS / 1_000_000
    return _refuse(f"This image is too large: at most {limit:g} megapixels, please scale it down.")


def _check_pixels(pixels: int) -> None:
    if pixels > settings.UPLOAD_MAX_PIXELS:
        raise _too_many_pixels()


def _frame_count(image: Image.Image) -> int:
    """Frames in an animation, counting no further than MAX_FRAMES + 1."""
    count = 1
    while count <= MAX_FRAMES:
        try:
            image.seek(count)
        except EOFError:
            break
        count += 1
    image.seek(0)
    return count


def _reencode(image: Image.Image) -> tuple[bytes, str]:
    """A fresh encoding of the decoded pixels in the same format, without metadata."""
    # Phone cameras write MPO (JPEG plus preview frames): keep the main picture as JPEG.
    fmt = "JPEG" if image.format == "MPO" else image.format or ""
    out = io.BytesIO()
    animated = fmt in ("GIF", "WEBP") and getattr(image, "is_animated", False)
    frames = _frame_count(image) if animated else 1
    if frames > 1:
        if frames > MAX_FRAMES:
            raise _refuse(f"This animation has too many frames: at most {MAX_FRAMES}.")
        if image.width * image.height * frames > MAX_ANIMATION_PIXELS:
            raise _too_many_pixels()
        copies = [frame.copy() for frame in ImageSequence.Iterator(image)]
        info = {k: v for k, v in image.info.items() if k in ("duration", "loop")}
        for frame in copies:
            frame.info = {}
        copies[0].save(out, format=fmt, save_all=True, append_images=copies[1:], **info)
        return out.getvalue(), fmt
    if fmt == "JPEG":
        # EXIF is dropped, so apply its orientation to the pixels first.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
        return out.getvalue(), fmt
    info = {k: v for k, v in image.info.items() if k == "transparency"}
    image.info = {}
    image.save(out, format=fmt, **info, **({"quality": 90} if fmt == "WEBP" else {}))
    return out.getvalue(), fmt


def image_upload_store(*, upload: UploadedFile) -> StoredImage:
    """Verify, re-encode and store one uploaded image; return where it is served.

    Raises ValidationError with a message for the writer when the file is too big, not a
    PNG/JPEG/GIF/WebP image, damaged, or over the pixel limit. Safe to retry: each call
    stores a new file under a new random name.
    """
    max_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    if upload.size is None or upload.size > settings.UPLOAD_MAX_BYTES:
        raise _refuse(f"This file is too big: images may be at most {max_mb:g} MB.")
    data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise _refuse(f"This file is too big: images may be at most {max_mb:g} MB.")
    image = _open_verified(data)
    try:
        encoded, fmt = _reencode(image)
    except (OSError, ValueError) as exc:
        raise _refuse(f"This image could not be processed ({exc}).") from None
    now = timezone.now()
    path = f"uploads/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{FORMATS[fmt]}"
    name = default_storage.save(path, ContentFile(encoded))
    return StoredImage(name=name, url=default_storage.url(name), format=fmt)
