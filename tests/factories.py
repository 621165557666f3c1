"""Small builders several test folders share: files to upload, a browser login, stored responses.

Fixtures that need the app (users, units, layanan) live in tests/conftest.py; these are
plain functions, imported where used.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from pypdf import PdfWriter
from sqlalchemy import select

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
