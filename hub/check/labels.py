"""QR labels for /check: each encodes the check URL of one cylinder or product code (segno makes
the QR code), as one SVG label, an SVG sheet, or a PDF sheet of A4 pages (fpdf2) for a station to
print and tag its cylinders with."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode

import segno
from fpdf import FPDF

from hub.check.text import TEXT

CHECK_PATH = "/check"
# One label: 50 mm x 60 mm, drawn in units of 0.25 mm (200 x 240).
LABEL_W, LABEL_H = 200, 240
QR_BOX = 180  # the QR code's side, quiet zone included
PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 210, 297, 5
COLUMNS, ROWS = 4, 4


def check_url(base: str, code: str) -> str:
    return base.rstrip("/") + CHECK_PATH + "?" + urlencode({"code": code})


def _qr(base: str, code: str) -> segno.QRCode:
    return segno.make(check_url(base, code), error="m", micro=False)


def _label_group(base: str, code: str, x: float = 0, y: float = 0) -> str:
    qr = _qr(base, code)
    side = qr.symbol_size(scale=1, border=4)[0]
    inner = qr.svg_inline(scale=1, border=4, dark="#000", light="#fff")
    heading = f"{TEXT['zh']['label_title']} · {TEXT['en']['label_title']}"
    return (
        f'<g transform="translate({x},{y})">'
        f'<rect width="{LABEL_W}" height="{LABEL_H}" fill="#fff" stroke="#000" '
        'stroke-width="0.5"/>'
        f'<text x="{LABEL_W / 2}" y="22" text-anchor="middle" font-size="14" '
        f'font-family="sans-serif">{escape(heading)}</text>'
        f'<g transform="translate({(LABEL_W - QR_BOX) / 2},28) scale({QR_BOX / side})" '
        f'shape-rendering="crispEdges">{inner}</g>'
        f'<text x="{LABEL_W / 2}" y="228" text-anchor="middle" font-size="17" '
        f'font-family="monospace" font-weight="bold">{escape(code)}</text></g>'
    )


def label_svg(base: str, code: str) -> str:
    """One label, 50 mm x 60 mm."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="60mm" '
        f'viewBox="0 0 {LABEL_W} {LABEL_H}">{_label_group(base, code)}</svg>'
    )


def sheet_svg(base: str, codes: Iterable[str]) -> str:
    """Every label on one sheet 210 mm wide, four to a row (as tall as the codes need)."""
    codes = list(codes)
    rows = max(1, -(-len(codes) // COLUMNS))
    gap = (PAGE_W_MM * 4 - COLUMNS * LABEL_W) / (COLUMNS + 1)
    width, height = PAGE_W_MM * 4, rows * (LABEL_H + gap) + gap
    groups = "".join(
        _label_group(base, code, gap + (i % COLUMNS) * (LABEL_W + gap),
                     gap + (i // COLUMNS) * (LABEL_H + gap))
        for i, code in enumerate(codes)
    )  # fmt: skip
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width / 4}mm" height="{height / 4}mm" '
        f'viewBox="0 0 {width} {height}">{groups}</svg>'
    )


def sheet_pdf(base: str, codes: Iterable[str]) -> bytes:
    """A4 pages of sixteen labels each; the QR modules drawn as filled rectangles (ASCII text
    only: the PDF's built-in fonts have no Chinese)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("hub labels")
    w, h = LABEL_W / 4, LABEL_H / 4
    gap_x = (PAGE_W_MM - COLUMNS * w) / (COLUMNS + 1)
    gap_y = (PAGE_H_MM - ROWS * h) / (ROWS + 1)
    for i, code in enumerate(codes):
        if i % (COLUMNS * ROWS) == 0:
            pdf.add_page()
        slot = i % (COLUMNS * ROWS)
        x = gap_x + (slot % COLUMNS) * (w + gap_x)
        y = gap_y + (slot // COLUMNS) * (h + gap_y)
        pdf.set_line_width(0.1)
        pdf.rect(x, y, w, h)
        pdf.set_font("Helvetica", size=9)
        pdf.text(x + w / 2 - pdf.get_string_width("Scan to check") / 2, y + 5, "Scan to check")
        _draw_qr(pdf, _qr(base, code), x + (w - QR_BOX / 4) / 2, y + 7, QR_BOX / 4)
        pdf.set_font("Courier", style="B", size=11)
        pdf.text(x + w / 2 - pdf.get_string_width(code) / 2, y + h - 2.5, code)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def _draw_qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float, side: float) -> None:
    rows = [list(r) for r in qr.matrix_iter(scale=1, border=4)]
    module = side / len(rows)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
