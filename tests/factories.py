"""Small builders several test folders share: files to upload, a browser login, stored responses.

Fixtures that need the app (users, units, layanan) live in tests/conftest.py; these are
plain functions, imported where used.
"""
from __future__ import annotations

import io
import uuid
from datetime import datetime

from openpyxl import Workbook
from pypdf import PdfWriter
from sqlalchemy import insert, select

from app.extensions import db
from app.models import SkmResponse
from tests.helpers import TEST_PASSWORD


def blank_pdf() -> bytes:
    """A real one-page PDF, as an evidence upload."""
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes(rows) -> bytes:
    """An XLSX whose first sheet holds `rows` (the first row is the header)."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stored_responses() -> list[SkmResponse]:
    """Every stored SKM response, read afresh from the database, oldest first."""
    db.session.expire_all()
    return db.session.scalars(select(SkmResponse).order_by(SkmResponse.id)).all()


def browser_login(page, base: str, email: str, next_path: str = "") -> None:
    """Sign in through the real login form in a Playwright page."""
    page.goto(f"{base}/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def store_responses(layanan, answers: dict[str, int], count: int, text: str | None = None, month: str = "2025-03"):
    """Insert `count` web responses in `month`: unsur from `answers` ({"U3": 2}), 4 where not given."""
    rows = [{
        "instance_id": uuid.uuid4(), "layanan_id": layanan.id, "period": month,
        "submitted_at": datetime(int(month[:4]), int(month[5:]), 1 + i % 27, 3, i % 60),
        "form_version": "skm-2017-v1", "channel": "web", "kritik_saran": text,
        "flag_straightline": False, "flag_too_fast": False, "flag_repeat_device": False,
        **{f"u{k}": answers.get(f"U{k}", 4) for k in range(1, 10)},
    } for i in range(count)]
    db.session.execute(insert(SkmResponse), rows)
    db.session.commit()
