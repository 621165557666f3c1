"""Evidence files (PDF, JPEG, PNG) for follow-up actions: checked by content, images re-encoded, random names.

An upload is trusted for nothing. Its type comes from its bytes, never its
name: a PDF must start with the PDF magic and parse with pypdf; an image must
open and decode in Pillow as JPEG or PNG, with a bounded pixel count. Images
are re-encoded from their pixels alone, so EXIF (GPS location, camera, owner)
and every other metadata chunk is dropped. Files are stored as
<instance>/evidence/<random hex>.<pdf|jpg|png>; the browser's file name is
never used, so it cannot steer the path. Serving (and who may see a file) is
the caller's business; `path_for` only accepts names this module made.

Files follow the database transaction that names them (`keep_if_committed`,
`remove_when_committed`): an old file is removed only after the change that
dropped it commits, so a failed commit never leaves a row naming a deleted
file; a new file whose row is never committed is removed when the transaction
ends. The session hooks doing this are installed by `init_app`.
"""
from __future__ import annotations

import io
import os
import re
import secrets
from contextlib import suppress

from flask import Flask, send_file
from pypdf import PdfReader
from sqlalchemy import event

from app.core import image_upload
from app.extensions import db

MAX_BYTES = 5 * 1024 * 1024  # 5 MB
MAX_PIXELS = 6000 * 6000
FOLDER = "evidence"
NAME_RE = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")
MIMETYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
PENDING = "evidence_files.pending"  # session.info key: {"new": [paths], "old": [paths]} of the open transaction


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


# ---- files that follow the transaction -----------------------------------------------------------

def _pending() -> dict[str, list[str]]:
    session = db.session()
    if not session.in_transaction():  # tie the file to a transaction whose end the hooks will see
        session.begin()
    return session.info.setdefault(PENDING, {"new": [], "old": []})


def keep_if_committed(data: bytes, instance_path: str) -> str:
    """`store` the evidence; the file is removed again unless the current transaction commits."""
    name = store(data, instance_path)
    _pending()["new"].append(os.path.join(instance_path, FOLDER, name))
    return name


def remove_when_committed(file_name: str | None, instance_path: str) -> None:
    """Remove a stored file once the current transaction commits (a rollback keeps it)."""
    path = path_for(file_name, instance_path)
    if path is not None:
        _pending()["old"].append(path)


def _unlink(paths: list[str]) -> None:
    for path in paths:
        with suppress(FileNotFoundError):
            os.remove(path)


def _after_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction may still roll back
        return
    pending = session.info.pop(PENDING, None)
    if pending:
        _unlink(pending["old"])


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is not None:
        return
    pending = session.info.pop(PENDING, None)  # still here: the transaction ended without a commit
    if pending:
        _unlink(pending["new"])


def init_app(app: Flask) -> None:
    """Install the session hooks (once per process: the session class is shared by every app)."""
    for name, hook in (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end)):
        if not event.contains(db.session, name, hook):
            event.listen(db.session, name, hook)
