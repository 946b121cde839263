"""One certificate as an A4 landscape PDF (reportlab), with its QR code printed 5 cm wide."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ukm_tools.certificate_code import CertificateFacts
from ukm_tools.course.completion import ModulePassed
from ukm_tools.course.config import CourseSpec
from ukm_tools.messages import section

T = section("course.certificate_pdf")
QR_WIDTH = 5 * cm  # at least 4 cm (issue 16): a phone reads a ~400-character URL from a print at arm's length
MONTHS = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember").split()


def long_date(day) -> str:  # 1 Desember 2026: the way a certificate says it
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def qr_image(url: str):
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=8)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


def write_certificate_pdf(
    path: Path,
    spec: CourseSpec,
    facts: CertificateFacts,
    url: str,
    *,
    business: str,
    modules: Sequence[ModulePassed],
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = landscape(A4)
    c = Canvas(str(path), pagesize=(width, height))
    c.setTitle(T("title", "id") + " " + facts.number)
    c.setLineWidth(3)
    c.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
    mid = width / 2 - 2.5 * cm
    y = height - 3.2 * cm
    if spec.certificate.issuer:
        c.setFont("Helvetica", 13)
        c.drawCentredString(mid, y, spec.certificate.issuer)
    y -= 1.5 * cm
    c.setFont("Helvetica-Bold", 30)
    c.drawCentredString(mid, y, T("title", "id"))
    y -= 1.2 * cm
    c.setFont("Helvetica", 13)
    c.drawCentredString(mid, y, T("given_to", "id"))
    y -= 1.3 * cm
    c.setFont("Helvetica-Bold", 24)
    c.drawCentredString(mid, y, facts.name)
    if business:
        y -= 0.9 * cm
        c.setFont("Helvetica", 13)
        c.drawCentredString(mid, y, T("business", "id", business=business))
    y -= 1.2 * cm
    c.setFont("Helvetica", 13)
    c.drawCentredString(mid, y, T("completed", "id"))
    y -= 0.9 * cm
    c.setFont("Helvetica-Bold", 17)
    c.drawCentredString(mid, y, spec.title)
    y -= 0.9 * cm
    c.setFont("Helvetica", 11)
    c.drawCentredString(mid, y, T("modules_passed", "id"))
    for m in modules:
        y -= 0.55 * cm
        c.drawCentredString(mid, y, f"• {m.title}")
    y -= 1.0 * cm
    place = f"{spec.certificate.city}, " if spec.certificate.city else ""
    c.setFont("Helvetica", 12)
    c.drawCentredString(mid, y, place + long_date(facts.issued_on))
    # The QR and what it proves, on the right.
    qx, qy = width - 2 * cm - QR_WIDTH, 4 * cm
    c.drawImage(ImageReader(qr_image(url)), qx, qy, QR_WIDTH, QR_WIDTH)
    c.setFont("Helvetica", 9)
    lines = [
        T("number", "id", number=facts.number),
        T("key", "id", key=facts.key_id),
        T("scan", "id"),
    ]
    for i, line in enumerate(lines):
        c.drawCentredString(qx + QR_WIDTH / 2, qy - (i + 1) * 0.45 * cm, line)
    c.showPage()
    c.save()
    return path
