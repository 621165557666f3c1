"""A unit's cover logo: checked as a real PNG or JPEG image, stored under a random name.

An upload is trusted for nothing: its bytes are size-limited, opened and
decoded with Pillow (a text file called logo.png is refused), its pixel
count is bounded (decompression bombs), it is re-encoded from its pixels
(app.core.image_upload: no EXIF), and it is saved under
<instance>/unit_logos/<random hex>.<png|jpg>, never under the name the
browser sent. Messages are Indonesian.
"""
from __future__ import annotations

import os
import secrets

from app.core import image_upload

MAX_BYTES = 1024 * 1024  # 1 MB
MAX_PIXELS = 4000 * 4000
FOLDER = "unit_logos"


class LogoError(ValueError):
    """The upload is not an acceptable logo; the message says why, in Indonesian."""


def clean_image(data: bytes) -> tuple[bytes, str]:
    """(re-encoded bytes, extension '.png' or '.jpg') for acceptable logo bytes; LogoError otherwise."""
    if not data:
        raise LogoError("Berkas logo kosong.")
    if len(data) > MAX_BYTES:
        raise LogoError(f"Berkas logo terlalu besar (maksimal {MAX_BYTES // 1024} KB).")
    try:
        body, kind = image_upload.reencode(data, MAX_PIXELS)
    except image_upload.ImageRejected as err:
        raise LogoError({
            "too_big": "Ukuran gambar logo terlalu besar (maksimal 4000 × 4000 piksel).",
            "kind": "Logo harus berupa gambar PNG atau JPEG.",
        }.get(err.reason, "Berkas logo bukan gambar PNG atau JPEG yang dapat dibaca.")) from None
    return body, "." + kind


def validate(data: bytes) -> str:
    """The file extension ('.png' or '.jpg') for acceptable logo bytes; LogoError otherwise."""
    return clean_image(data)[1]


def store(data: bytes, instance_path: str) -> str:
    """Validate, re-encode (no EXIF or other metadata) and save the logo; returns the new random file name."""
    body, extension = clean_image(data)
    folder = os.path.join(instance_path, FOLDER)
    os.makedirs(folder, exist_ok=True)
    name = secrets.token_hex(16) + extension
    with open(os.path.join(folder, name), "xb") as handle:
        handle.write(body)
    return name


def path_for(file_name: str | None, instance_path: str) -> str | None:
    """The stored logo's path, or None when there is none (or the file has gone)."""
    if not file_name or os.path.basename(file_name) != file_name:
        return None
    path = os.path.join(instance_path, FOLDER, file_name)
    return path if os.path.isfile(path) else None


def remove(file_name: str | None, instance_path: str) -> None:
    path = path_for(file_name, instance_path)
    if path is not None:
        os.remove(path)
