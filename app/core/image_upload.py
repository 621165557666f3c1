"""One way to accept an uploaded picture: decoded by Pillow, bounded, re-encoded from its pixels.

Shared by unit logos (app.reports.unit_logo) and follow-up evidence
(app.followup.evidence_files). The type comes from the bytes, never the name;
the pixel count is bounded before decoding (decompression bombs); and the
stored file is a new image built from the pixels alone, so EXIF (GPS location,
camera, owner), text chunks and ICC profiles never reach the disk.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

KINDS = {"JPEG": "jpg", "PNG": "png"}


class ImageRejected(ValueError):
    """Why the bytes are not an acceptable picture; `reason` is 'too_big', 'kind' or 'unreadable'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencode(data: bytes, max_pixels: int) -> tuple[bytes, str]:
    """A clean JPEG or PNG re-encoded from `data`'s pixels: (bytes, 'jpg' | 'png'); ImageRejected otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRejected("too_big")
                if kind not in KINDS:
                    raise ImageRejected("kind")
                image.load()  # decoding every pixel catches truncated files
                upright = ImageOps.exif_transpose(image)  # keep the photo the right way up once EXIF is gone
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("too_big") from None
    except Exception:  # noqa: BLE001 - whatever Pillow cannot decode is not an image we accept
        raise ImageRejected("unreadable") from None
    mode = "RGB" if kind == "JPEG" else ("RGBA" if upright.mode not in ("RGB", "L") else upright.mode)
    pixels = upright.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # a new image: no info, no EXIF, no ICC
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue(), KINDS[kind]
