"""Image uploads for the markdown editor: verify, re-encode, store under a random name.

Nothing the browser says is trusted: the format comes from decoding the bytes with
Pillow, the stored file is a fresh encoding of the decoded pixels (no metadata, nothing
appended after the image — polyglots lose their payload), and its name is a random token
with the extension of the verified format.

The work is bounded before any pixel is decoded: at most UPLOAD_MAX_BYTES are read, and
the size and frame count come from the file's header and block structure (our own reading
for GIF and WebP, whose Pillow decoders allocate the whole canvas when they open), so an
image over UPLOAD_MAX_PIXELS per frame or UPLOAD_MAX_TOTAL_PIXELS over all its frames is
refused unread. Only the first frame is ever decoded: an animation is stored as its first
picture. (Before: a 77 KB GIF of 5 frames of 4470×4470 took a worker to ~1 GB, 17–27 s.)
"""

from __future__ import annotations

import io
import secrets
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

# Pillow format name → stored extension. Anything else (SVG, BMP, TIFF, PDF…) is refused.
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
NOT_AN_IMAGE = "This file is not an image we accept: upload a PNG, JPEG, GIF or WebP image."
MAX_FRAMES = 100
# Formats whose decoding needs more memory a pixel than the others (~4 bytes, the decoded
# image) get UPLOAD_MAX_PIXELS divided by this: libwebp decodes into canvases of its own
# and hands Pillow a copy (a 20 MP WebP: ~500 MB), and libjpeg keeps every DCT
# coefficient of a progressive JPEG until its last scan (20 MP at 4:4:4: ~190 MB).
COSTLY_FORMATS = {"WebP": 4, "progressive JPEG": 2}

# Re-encoding keeps the first frame's pixels and transparency only: EXIF, ICC, XMP, text
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


@dataclass(frozen=True)
class Header:
    """What a file's header says: canvas size and frames, no pixel decoded."""

    format: str
    width: int
    height: int
    frames: int
    costly_as: str = ""  # a key of COSTLY_FORMATS, if it is one


def _u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from("<H", data, at)[0])


def _u24(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 3], "little")


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """Past a GIF data block: sub-blocks of (length, bytes…) ending with a zero length."""
    while pos < len(data):
        length = data[pos]
        pos += 1 + length
        if length == 0:
            break
    return pos


def _gif_header(data: bytes) -> Header:
    """Canvas (every frame's extent included) and frames, read as Pillow walks the blocks."""
    width, height, flags = _u16(data, 6), _u16(data, 8), data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while pos < len(data) and frames <= MAX_FRAMES:
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then data sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C and pos + 10 <= len(data):  # a frame: its descriptor, then pixels
            left, top, w, h = struct.unpack_from("<4H", data, pos + 1)
            width, height = max(width, left + w), max(height, top + h)
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            pos = _skip_sub_blocks(data, pos + 1)  # + the LZW code size
            frames += 1
        else:  # Pillow skips a stray byte too
            pos += 1
    return Header("GIF", width, height, max(frames, 1))


def _webp_header(data: bytes) -> Header:
    """Canvas and frames (ANMF chunks) from the RIFF chunks; Pillow's WebP decoder would
    allocate the canvas when the file is opened."""
    width = height = 0
    frames, pos, chunks = 0, 12, 0
    while pos + 8 <= len(data) and frames <= MAX_FRAMES and chunks <= MAX_FRAMES + 16:
        kind, size = data[pos : pos + 4], int(struct.unpack_from("<I", data, pos + 4)[0])
        body = data[pos + 8 : pos + 8 + size]
        if kind == b"VP8X" and len(body) >= 10:
            width, height = _u24(body, 4) + 1, _u24(body, 7) + 1
        elif kind == b"VP8 " and not width and len(body) >= 10:
            width, height = _u16(body, 6) & 0x3FFF, _u16(body, 8) & 0x3FFF
        elif kind == b"VP8L" and not width and len(body) >= 5:
            bits = int(struct.unpack_from("<I", body, 1)[0])
            width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        elif kind == b"ANMF":
            frames += 1
        pos += 8 + size + (size & 1)
        chunks += 1
    if chunks > MAX_FRAMES + 16:
        raise _refuse(f"This animation has too many frames: at most {MAX_FRAMES}.")
    return Header("WEBP", width, height, max(frames, 1), costly_as="WebP")


def _read_header(data: bytes) -> Header:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_header(data)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 13:
        return _gif_header(data)
    # PNG (an APNG counts its frames from its acTL chunk) and JPEG: Pillow reads the header
    # only; a JPEG's extra MPO pictures are never decoded, so they do not count.
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
        frames = getattr(probe, "n_frames", 1) if probe.format == "PNG" else 1
        costly = "progressive JPEG" if probe.info.get("progressive") else ""
        return Header(probe.format or "", probe.width, probe.height, frames, costly)


def _check_budget(header: Header) -> None:
    """Refuse from the header alone: pixels per frame, over all frames, and frame count."""
    if header.frames > MAX_FRAMES:
        raise _refuse(f"This animation has too many frames: at most {MAX_FRAMES}.")
    pixels = header.width * header.height
    if pixels > settings.UPLOAD_MAX_PIXELS:
        raise _too_many_pixels()
    if pixels * header.frames > settings.UPLOAD_MAX_TOTAL_PIXELS:
        total = settings.UPLOAD_MAX_TOTAL_PIXELS / 1_000_000
        raise _refuse(
            f"This animation is too large: at most {total:g} megapixels over all its "
            "frames. Please upload a smaller animation or a still image."
        )
    cost = COSTLY_FORMATS.get(header.costly_as, 1)
    if pixels > settings.UPLOAD_MAX_PIXELS // cost:
        limit, other = settings.UPLOAD_MAX_PIXELS / cost / 1e6, settings.UPLOAD_MAX_PIXELS / 1e6
        raise _refuse(
            f"This {header.costly_as} image is too large: at most {limit:g} megapixels "
            f"(PNG, GIF or baseline JPEG: {other:g}), please scale it down."
        )


def _verify(data: bytes) -> None:
    """Check the file's structure (PNG checksums, for one) without decoding pixels."""
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as probe:
        probe.verify()


def _decode_first_frame(data: bytes) -> tuple[Image.Image, str]:
    opened = Image.open(io.BytesIO(data), formats=list(FORMATS))
    opened.load()  # the first frame only
    fmt = "JPEG" if opened.format == "MPO" else opened.format or ""
    if fmt == "WEBP":
        # A copy, so libwebp's decoder (and its canvases) goes with `opened` before encoding.
        return opened.copy(), fmt
    return opened, fmt


def _open_verified(data: bytes) -> tuple[Image.Image, str]:
    """Check `data` against the budgets, then decode its first frame: (image, format).

    Raises ValidationError with a message for the writer if the file is refused."""
    try:
        # The header gives size and frames: refuse before decoding a single pixel.
        _check_budget(_read_header(data))
        _verify(data)
        image, fmt = _decode_first_frame(data)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise _refuse(
            "This file is not an image we accept: upload PNG, JPEG, GIF or WebP."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError):
        raise _refuse("This image is damaged or incomplete and cannot be read.") from None
    return image, fmt


def _too_many_pixels() -> ValidationError:
    limit = settings.UPLOAD_MAX_PIXELS / 1_000_000
    return _refuse(f"This image is too large: at most {limit:g} megapixels, please scale it down.")


def _reencode(image: Image.Image, fmt: str) -> bytes:
    """A fresh encoding of the first frame's pixels in `fmt`, without metadata.

    Phone cameras write MPO (JPEG plus preview frames): its main picture is stored as JPEG."""
    out = io.BytesIO()
    if fmt == "JPEG":
        # EXIF is dropped, so apply its orientation to the pixels first (a copy: only then).
        if image.getexif().get(ExifTags.Base.Orientation, 1) != 1:
            image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
        return out.getvalue()
    # Saved without save_all: an animated GIF or WebP (or an APNG) keeps its first frame.
    # WebP's method 2 encodes without memory beyond the decoded frame (4, the default, adds
    # ~7 bytes a pixel) and twice as fast, for files about 1% larger.
    info = {k: v for k, v in image.info.items() if k == "transparency"}
    image.info = {}
    image.save(out, format=fmt, **info, **({"quality": 90, "method": 2} if fmt == "WEBP" else {}))
    return out.getvalue()


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
    image, fmt = _open_verified(data)
    try:
        encoded = _reencode(image, fmt)
    except (OSError, ValueError) as exc:
        raise _refuse(f"This image could not be processed ({exc}).") from None
    now = timezone.now()
    path = f"uploads/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{FORMATS[fmt]}"
    name = default_storage.save(path, ContentFile(encoded))
    return StoredImage(name=name, url=default_storage.url(name), format=fmt)
