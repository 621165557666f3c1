"""A unit's cover logo: checked as a real PNG or JPEG image, stored under a random name.

An upload is trusted for nothing: its bytes are size-limited, opened and
verified with Pillow (a text file called logo.png is refused), its pixel
count is bounded (decompression bombs), and it is saved under
<instance>/unit_logos/<random hex>.<png|jpg>, never under the name the
browser sent. Messages are Indonesian.
"""
from __future__ import annotations

import io
import os
import secrets
import warnings

from PIL import Image

MAX_BYTES = 1024 * 1024  # 1 MB
MAX_PIXELS = 4000 * 4000
FOLDER = "unit_logos"
EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg"}


class LogoError(ValueError):
    """The upload is not an acceptable logo; the message says why, in Indonesian."""


def validate(data: bytes) -> str:
    """The file extension ('.png' or '.jpg') for acceptable logo bytes; LogoError otherwise."""
    if not data:
        raise LogoError("Berkas logo kosong.")
    if len(data) > MAX_BYTES:
        raise LogoError(f"Berkas logo terlalu besar (maksimal {MAX_BYTES // 1024} KB).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise LogoError("Ukuran gambar logo terlalu besar (maksimal 4000 × 4000 piksel).")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() skips the pixel data; decoding it catches truncated files
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError("Ukuran gambar logo terlalu besar (maksimal 4000 × 4000 piksel).") from None
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an image we accept
        raise LogoError("Berkas logo bukan gambar PNG atau JPEG yang dapat dibaca.") from None
    if kind not in EXTENSIONS:
        raise LogoError("Logo harus berupa gambar PNG atau JPEG.")
    return EXTENSIONS[kind]


def store(data: bytes, instance_path: str) -> str:
    """Validate and save the logo; returns the new random file name (for Unit.logo_file)."""
    extension = validate(data)
    folder = os.path.join(instance_path, FOLDER)
    os.makedirs(folder, exist_ok=True)
    name = secrets.token_hex(16) + extension
    with open(os.path.join(folder, name), "xb") as handle:
        handle.write(data)
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
