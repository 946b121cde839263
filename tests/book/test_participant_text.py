"""No developer or English text where a participant reads: the book's pages, the slides, the
handouts (issue 17, item 6: "effective/flat", "Workshop notes (export-facts.md ...)", "L/C at
sight, irrevocable", "Bank Jatim (contoh / example)", `UKM_HUB_URL=... make book`, a 127.0.0.1
address in the introduction)."""

from __future__ import annotations

import re

import pytest

from tests.book.conftest import one
from tests.book.test_slides_handouts import DECKS, pdf_pages

pytestmark = pytest.mark.slow

# Text that is a developer's or English where Bahasa Indonesia is due. A term explained in
# brackets (tidak dapat dibatalkan (irrevocable)) is teaching, not these.
FORBIDDEN = [
    r"export-facts",
    r"Workshop notes",
    r"\b127\.0\.0\.1\b",
    r"localhost",
    r"\bmake (book|slides|handouts|kit)\b",
    r"\bUKM_[A-Z_]+",
    r"contoh / example",
    r"\bat sight\b",
    r"sight, irrevocable",
    r"\beffective\b",
    r"\bukm (apps|quote|kit|roster)\b",
    r"\.ya?ml\b",
    r"\.ipynb\b",
    r"Market range",
    r"Training assumption",
    r"\bIllustration\b",
]
# Pages a participant reads (the glossary explains English terms on purpose).
PAGES = ["intro", "agenda", "studi-kasus", "lembar-kerja", "sumber"] + [
    f"modul/{m}" for m in ("ekatalog", "syarat-ekspor", "harga-incoterms", "pembayaran", "pembiayaan")
]


def offending(text: str) -> list[str]:
    found = []
    for pattern in FORBIDDEN:
        for m in re.finditer(pattern, text):
            found.append(text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " "))
    return found


def test_the_check_finds_what_issue_17_found():
    assert offending("Bunga 9% setahun (effective)")
    assert offending("Syarat bayar: L/C at sight, irrevocable")
    assert offending("Workshop notes (export-facts.md: about 9%)")
    assert offending("`UKM_HUB_URL=https://hub.contoh make book`")
    assert offending("buka http://127.0.0.1:8866/voila/render/price.ipynb")
    assert not offending("L/C selalu tidak dapat dibatalkan sepihak (irrevocable), walau tidak ditulis.")


def test_no_book_page_a_participant_reads_has_developer_or_english_text(built_book):
    from bs4 import BeautifulSoup

    problems = []
    for page in PAGES:
        soup = BeautifulSoup((built_book / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        text = one(soup, "article.bd-article").get_text(" ", strip=True)
        problems += [f"{page}: …{t}…" for t in offending(text)]
    assert not problems, "\n".join(problems)


def test_no_slide_and_no_handout_has_developer_or_english_text(built_slides, handouts):
    import build
    from bs4 import BeautifulSoup

    problems = []
    for deck in DECKS:
        soup = BeautifulSoup((built_slides / f"{deck}.html").read_text(encoding="utf-8"), "html.parser")
        text = one(soup, ".reveal .slides").get_text(" ", strip=True)
        problems += [f"slides/{deck}: …{t}…" for t in offending(text)]
    for name in build.handouts():
        text = " ".join(t for _, t in pdf_pages(handouts / f"{name}.pdf"))
        problems += [f"handout {name}: …{t}…" for t in offending(text)]
    assert not problems, "\n".join(problems)


def test_the_quotation_pdf_prints_the_payment_terms_in_indonesian():
    import datetime as dt
    import io

    import pypdfium2 as pdfium

    from ukm_tools.case import packaged_case
    from ukm_tools.documents.quotation import quotation_pdf

    case = packaged_case("kasturi-syrup")
    pdf = quotation_pdf(case, case.quote(), today=dt.date(2026, 1, 5), kind="quotation", lang="id")
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()
    assert "L/C atas unjuk, tidak dapat dibatalkan" in re.sub(r"\s+", " ", text)
    assert not offending(text)
