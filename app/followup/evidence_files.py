"""Evidence files (PDF, JPEG, PNG) for follow-up actions: checked by content, images re-encoded, random names.

An upload is trusted for nothing. Its type comes from its bytes, never its
name: a PDF must start with the PDF magic and parse with pypdf; an image must
open and decode in Pillow as JPEG or PNG, with a bounded pixel count. Images
are re-encoded from their pixels alone, so EXIF (GPS location, camera, owner)
and every other metadata chunk is dropped. Files are stored as
<instance>/evidence/<random hex>.<pdf|jpg|png>; the browser's file name is
never used, so it cannot steer the path. Serving (and who may see a file) is
the caller's business; `path_for` only accepts names this module made.
"""
from __future__ import annotations

import io
import os
import re
import secrets

from flask import send_file
from pypdf import PdfReader

from app.core import image_upload

MAX_BYTES = 5 * 1024 * 1024  # 5 MB
MAX_PIXELS = 6000 * 6000
FOLDER = "evidence"
NAME_RE = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
MIMETYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class EvidenceError(ValueError):
    """The upload is not acceptable evidence; the message says why, in Indonesian."""


def _pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise EvidenceError("Berkas PDF tidak berisi halaman.")
    except EvidenceError:
        raise
    except Exception:  # noqa: BLE001 - whatever pypdf cannot read is not a PDF we accept
        raise EvidenceError("Berkas PDF rusak atau tidak dapat dibaca.") from None
    return data


def _image(data: bytes) -> tuple[bytes, str]:
    """Re-encode a JPEG or PNG from its pixels only (no EXIF, no text chunks); returns (bytes, extension)."""
    try:
        return image_upload.reencode(data, MAX_PIXELS)
    except image_upload.ImageRejected as err:
        raise EvidenceError({
            "too_big": "Ukuran gambar terlalu besar (maksimal 6000 × 6000 piksel).",
            "kind": "Bukti harus berupa PDF, JPEG atau PNG.",
        }.get(err.reason, "Berkas bukan PDF, JPEG atau PNG yang dapat dibaca.")) from None


def clean(data: bytes) -> tuple[bytes, str]:
    """Checked (and, for images, re-encoded) bytes and their extension; EvidenceError otherwise."""
    if not data:
        raise EvidenceError("Berkas bukti kosong.")
    if len(data) > MAX_BYTES:
        raise EvidenceError(f"Berkas bukti terlalu besar (maksimal {MAX_BYTES // (1024 * 1024)} MB).")
    if data.startswith(b"%PDF-"):
        return _pdf(data), "pdf"
    return _image(data)


def store(data: bytes, instance_path: str) -> str:
    """Check and save evidence; returns its new random file name."""
    content, extension = clean(data)
    folder = os.path.join(instance_path, FOLDER)
    os.makedirs(folder, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    with open(os.path.join(folder, name), "xb") as handle:
        handle.write(content)
    return name


def path_for(file_name: str | None, instance_path: str) -> str | None:
    """The stored file's path, or None for a name this module did not make (or a file that has gone)."""
    if not file_name or not NAME_RE.match(file_name):
        return None
    path = os.path.join(instance_path, FOLDER, file_name)
    return path if os.path.isfile(path) else None


def send(file_name: str | None, instance_path: str):
    """A response sending the stored file inline (not sniffed: nosniff is set app-wide), or None when absent.

    Who may see it is decided by the caller before calling this.
    """
    path = path_for(file_name, instance_path)
    if path is None:
        return None
    extension = file_name.rsplit(".", 1)[1]
    return send_file(path, mimetype=MIMETYPES[extension], max_age=0, download_name=f"bukti-tindak-lanjut.{extension}")


def remove(file_name: str | None, instance_path: str) -> None:
    path = path_for(file_name, instance_path)
    if path is not None:
        os.remove(path)
