"""QR codes and the printable A4 poster for a layanan's survey link.

Everything comes from reportlab's own QR encoder (no extra dependency): the
poster embeds its QR widget, and the PNG/SVG are drawn from the same module
matrix, so all three encode exactly the same URL.
"""
from __future__ import annotations

import io

from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

QUIET_ZONE = 4  # modules of white border the QR standard asks for


def qr_matrix(text: str) -> list[list[bool]]:
    """Dark modules, row by row (error correction M: survives a scuffed poster)."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    return [[bool(code.isDark(r, c)) for c in range(size)] for r in range(size)]


def qr_png(text: str, scale: int = 10) -> bytes:
    matrix = qr_matrix(text)
    size = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (size, size), 1)
    pixels = image.load()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pixels[c + QUIET_ZONE, r + QUIET_ZONE] = 0
    image = image.resize((size * scale, size * scale), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_svg(text: str) -> str:
    """A scalable QR: one path of unit squares, crisp at any print size."""
    matrix = qr_matrix(text)
    size = len(matrix) + 2 * QUIET_ZONE
    squares = "".join(
        f"M{c + QUIET_ZONE} {r + QUIET_ZONE}h1v1h-1z"
        for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{squares}" fill="#000"/></svg>'
    )


def _wrap(text: str, font: str, size: float, width: float, c: canvas.Canvas) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if c.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return lines + ([current] if current else [])


def poster_pdf(unit_name: str, layanan_name: str, url: str) -> bytes:
    """A4 portrait: unit, layanan, a large QR and the printed link for people who type it."""
    return posters_pdf([(unit_name, layanan_name, url)], title=f"Survei Kepuasan Masyarakat — {layanan_name}")


def posters_pdf(posters: list[tuple[str, str, str]], title: str) -> bytes:
    """One A4 poster page per (unit name, layanan name, url): a unit prints all its posters at once."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(title)
    for unit_name, layanan_name, url in posters:
        _draw_poster(c, unit_name, layanan_name, url)
    c.save()
    return out.getvalue()


def _draw_poster(c: canvas.Canvas, unit_name: str, layanan_name: str, url: str) -> None:
    width, height = A4
    margin = 20 * mm
    text_width = width - 2 * margin

    y = height - 30 * mm
    c.setFont("Helvetica", 14)
    for line in _wrap(unit_name, "Helvetica", 14, text_width, c):
        c.drawCentredString(width / 2, y, line)
        y -= 18
    y -= 10
    c.setFont("Helvetica-Bold", 26)
    c.drawCentredString(width / 2, y, "Survei Kepuasan Masyarakat")
    y -= 36
    c.setFont("Helvetica-Bold", 18)
    for line in _wrap(layanan_name, "Helvetica-Bold", 18, text_width, c):
        c.drawCentredString(width / 2, y, line)
        y -= 24

    side = 120 * mm
    widget = QrCodeWidget(url, barLevel="M", barBorder=QUIET_ZONE)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.drawOn(c, (width - side) / 2, y - side - 10 * mm)
    y = y - side - 22 * mm

    c.setFont("Helvetica", 14)
    c.drawCentredString(width / 2, y, "Pindai kode QR dengan kamera ponsel, atau buka:")
    y -= 24
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(width / 2, y, url)
    y -= 30
    c.setFont("Helvetica", 12)
    c.drawCentredString(width / 2, y, "Jawaban Anda anonim dan membantu kami memperbaiki layanan. Terima kasih!")
    c.showPage()
