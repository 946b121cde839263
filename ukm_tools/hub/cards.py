"""Login cards: a PDF with eight cards per A4 sheet, cut along the dashed lines.

Each card shows the participant's name, their user name, the login code (in groups, a
monospaced font so 2/z and 5/s stay apart), when the code works (WIB), the hub's address and
a QR code that opens the login page with the user name filled in. The QR carries no code:
URLs end up in browser histories and proxy logs, and a photographed QR would be a key. The
card says it is personal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ukm_tools.hub.accounts import IssuedCode
from ukm_tools.hub.settings import HUB_LANG, STAFF
from ukm_tools.messages import section

T = section("hub.cards")

COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
MARGIN = 10 * mm
CARD_W = (A4[0] - 2 * MARGIN) / COLUMNS
CARD_H = (A4[1] - 2 * MARGIN) / ROWS
QR_SIZE = 30 * mm


@dataclass(frozen=True)
class Card:
    name: str
    issued: IssuedCode


def login_link(login_url: str, username: str) -> str:
    """The QR's target: the hub's login page with the user name filled in (no code)."""
    return f"{login_url}?{urlencode({'username': username})}"


def _fit(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """Shrink to fit, down to 7 pt, then cut with an ellipsis."""
    while size > 7 and stringWidth(text, font, size) > width:
        size -= 0.5
    while stringWidth(text, font, size) > width and len(text) > 1:
        text = text[:-2] + "…"
    return text, size


def _name_lines(name: str, width: float) -> list[tuple[str, float]]:
    """The name beside the QR code: one line at 13 pt down to 10 pt, else two lines (then cut)."""
    text, size = _fit(name, "Helvetica-Bold", 13, width)
    if size >= 10 and not text.endswith("…"):
        return [(text, size)]
    words = name.split()
    for cut in range(len(words) - 1, 0, -1):
        first = " ".join(words[:cut])
        if stringWidth(first, "Helvetica-Bold", 11) <= width:
            second, size2 = _fit(" ".join(words[cut:]), "Helvetica-Bold", 11, width)
            return [(first, 11), (second, size2)]
    return [_fit(name, "Helvetica-Bold", 11, width)]


def _draw_card(c: Canvas, x: float, y: float, card: Card, title: str, login_url: str) -> None:
    pad = 5 * mm
    c.setDash(3, 3)
    c.setStrokeGray(0.6)
    c.rect(x, y, CARD_W, CARD_H)
    c.setDash()
    c.setFillGray(0)
    text_w = CARD_W - QR_SIZE - 3 * pad
    top = y + CARD_H - pad

    heading = title + (f" · {T('staff', HUB_LANG)}" if card.issued.role == STAFF else "")
    line, size = _fit(heading, "Helvetica", 8, CARD_W - 2 * pad)
    c.setFont("Helvetica", size)
    c.drawString(x + pad, top - 8, line)
    cursor = top - 24
    for name_line, name_size in _name_lines(card.name, text_w):
        c.setFont("Helvetica-Bold", name_size)
        c.drawString(x + pad, cursor, name_line)
        cursor -= name_size + 2

    rows = [
        (T("username", HUB_LANG), card.issued.username, "Courier-Bold", 12),
        (T("code", HUB_LANG), card.issued.shown, "Courier-Bold", 15),
    ]
    cursor -= 6
    for label, value, font, size in rows:
        c.setFont("Helvetica", 7.5)
        c.drawString(x + pad, cursor, label)
        value, size = _fit(value, font, size, text_w)
        c.setFont(font, size)
        c.drawString(x + pad, cursor - size - 1, value)
        cursor -= size + 16
    c.setFont("Helvetica", 7.5)
    c.drawString(x + pad, cursor, T("valid", HUB_LANG, window=card.issued.window.describe(HUB_LANG)))
    address, size = _fit(T("open", HUB_LANG, url=login_url), "Helvetica", 7.5, text_w)
    c.setFont("Helvetica", size)
    c.drawString(x + pad, cursor - 11, address)

    c.setFont("Helvetica-Bold", 7.5)
    c.drawString(x + pad, y + pad + 9, T("personal", HUB_LANG))
    c.setFont("Helvetica", 7)
    c.drawString(x + pad, y + pad, T("lost", HUB_LANG))

    qr = QrCodeWidget(login_link(login_url, card.issued.username), barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(qr)
    qr_x = x + CARD_W - pad - QR_SIZE
    qr_y = y + CARD_H - pad - QR_SIZE - 12
    renderPDF.draw(drawing, c, qr_x, qr_y)
    c.setFont("Helvetica", 6.5)
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 7, T("scan", HUB_LANG))


def write_cards(path: Path, cards: Iterable[Card], *, login_url: str, title: str | None = None) -> Path:
    """Write the cards (sorted by user name) to ``path``; returns it. The file holds live codes:
    print it and delete it (``ukm hub accounts`` says so)."""
    title = title or T("title", HUB_LANG)
    ordered = sorted(cards, key=lambda k: k.issued.username)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    c.setAuthor("ukm-tools")
    for i, card in enumerate(ordered):
        slot = i % PER_PAGE
        if i and slot == 0:
            c.showPage()
        col, row = slot % COLUMNS, slot // COLUMNS
        _draw_card(c, MARGIN + col * CARD_W, A4[1] - MARGIN - (row + 1) * CARD_H, card, title, login_url)
    c.save()
    return path
