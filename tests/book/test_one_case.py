"""One case file behind every number: the case's key figures read off the built book, the slide
decks and the printed handouts agree with each other and with the case study computed from the
case file (ukm_tools.case_study)."""

from __future__ import annotations

import pytest

from tests.book.conftest import one, tables
from tests.book.test_slides_handouts import pdf_pages, squeeze
from ukm_tools.money import format_money

pytestmark = pytest.mark.slow


def cell(found: dict, key: str, row_starts: str, col: int) -> str:
    """The cell in column ``col`` of the first row of table ``key`` whose first cell starts with ``row_starts``."""
    rows = found[key]
    for r in rows[1:]:
        if r[0].startswith(row_starts):
            return r[col]
    raise AssertionError(f"table {key}: no row starting {row_starts!r} in {[r[0] for r in rows]}")


# figure -> where it is shown: (book page or "slides/<deck>", table key, row label, column)
WHERE = {
    "exw_unit_idr": [("modul/harga-incoterms", "harga-tangga", "EXW", 2)],
    "fob_unit": [
        ("modul/harga-incoterms", "harga-tangga", "FOB", 3),
        ("studi-kasus", "kasus-harga", "FOB", 2),
        ("slides/harga-incoterms", "slide-harga", "FOB", 2),
        ("slides/studi-kasus", "slide-kasus-harga", "FOB", 1),
    ],
    "cif_unit": [
        ("modul/harga-incoterms", "harga-tangga", "CIF", 3),
        ("modul/harga-incoterms", "harga-penawaran", "Harga per unit", 1),
        ("studi-kasus", "kasus-harga", "CIF", 2),
        ("slides/harga-incoterms", "slide-harga", "CIF", 2),
        ("slides/studi-kasus", "slide-kasus-harga", "CIF", 1),
    ],
    "invoice": [
        ("modul/harga-incoterms", "harga-tangga", "CIF", 4),
        ("modul/harga-incoterms", "harga-penawaran", "Total", 1),
        ("studi-kasus", "kasus-harga", "CIF", 3),
        ("studi-kasus", "kasus-hasil", "Nilai faktur", 1),
        ("slides/harga-incoterms", "slide-harga", "CIF", 3),
        ("slides/pembayaran", "slide-bayar-laba", "Nilai faktur", 1),
        ("slides/studi-kasus", "slide-kasus-harga", "Nilai faktur", 1),
        ("slides/studi-kasus", "slide-kasus-hasil", "Nilai faktur", 1),
    ],
    "received_idr": [
        ("studi-kasus", "kasus-hasil", "Dijual ke bank", 1),
        ("modul/pembayaran", "bayar-kurs", "+0%", 2),
        ("slides/pembayaran", "slide-bayar-laba", "Rupiah diterima", 1),
        ("slides/studi-kasus", "slide-kasus-hasil", "Rupiah diterima", 1),
    ],
    "planned_profit": [
        ("studi-kasus", "kasus-hasil", "Laba yang direncanakan", 1),
        ("slides/pembayaran", "slide-bayar-laba", "Laba yang direncanakan", 1),
    ],
    "profit": [
        ("studi-kasus", "kasus-hasil", "Laba kiriman setelah biaya bank", 1),
        ("modul/pembayaran", "bayar-kurs", "+0%", 3),
        ("slides/pembayaran", "slide-bayar-laba", "Laba kiriman", 1),
        ("slides/pembiayaan", "slide-modal-lc", "Laba kiriman sebelum bunga", 1),
        ("slides/studi-kasus", "slide-kasus-hasil", "Laba kiriman", 1),
    ],
    "peak_working_capital": [
        ("modul/pembiayaan", "biaya-modal", "L/C atas unjuk", 2),
        ("slides/pembiayaan", "slide-modal-lc", "Modal kerja puncak", 1),
        ("slides/studi-kasus", "slide-kasus-modal", "Modal kerja puncak", 1),
    ],
    "loan_cost": [
        ("modul/pembiayaan", "biaya-modal", "L/C atas unjuk", 5),
        ("slides/pembiayaan", "slide-modal-lc", "Bunga", 1),
        ("slides/pembiayaan", "slide-modal", "L/C atas unjuk", 3),
        ("slides/studi-kasus", "slide-kasus-modal", "Bunga", 1),
    ],
    "break_even_units": [("studi-kasus", "kasus-impas", "Titik impas (karton)", 1)],
    "katalog_price": [
        ("modul/ekatalog", "ekatalog-harga", "Harga di e-Katalog", 1),
        ("slides/ekatalog", "slide-ekatalog-harga", "Harga di e-Katalog", 1),
    ],
    "katalog_price_pkp": [
        ("modul/ekatalog", "ekatalog-harga", "Harga di e-Katalog", 2),
        ("slides/ekatalog", "slide-ekatalog-harga", "Harga di e-Katalog", 2),
    ],
}
# Book page -> its handout (tests/book/test_slides_handouts.py checks every cell; here: the figures).
HANDOUT_OF = {
    "modul/harga-incoterms": "harga-incoterms",
    "modul/pembayaran": "pembayaran",
    "modul/pembiayaan": "pembiayaan",
    "modul/ekatalog": "ekatalog",
    "studi-kasus": "studi-kasus",
}


def shown(value) -> str:
    return str(value) if isinstance(value, int) else format_money(value, "id")


@pytest.mark.timeout(300)
def test_key_figures_agree_across_book_slides_and_handouts(built_book, built_slides, handouts):
    from ukm_tools.case import packaged_case
    from ukm_tools.case_study import CaseStudy

    study = CaseStudy(packaged_case("kasturi-syrup"))
    expected = {k: f.text("id") for k, f in study.key_figures().items()}
    pages: dict[str, dict] = {}
    printed: dict[str, str] = {}
    problems = []
    for figure, places in WHERE.items():
        seen = {}
        for where, key, row, col in places:
            if where not in pages:
                deck = where.startswith("slides/")
                html = built_slides / f"{where[7:]}.html" if deck else built_book / f"{where}.html"
                pages[where] = tables(html)
            seen[f"{where}:{key}"] = cell(pages[where], key, row, col)
            handout = HANDOUT_OF.get(where)
            if handout:
                printed.setdefault(handout, squeeze("".join(t for _, t in pdf_pages(handouts / f"{handout}.pdf"))))
                if squeeze(seen[f"{where}:{key}"]) not in printed[handout]:
                    problems.append(f"{figure}: {seen[f'{where}:{key}']} of {where} is not in handout {handout}.pdf")
        values = set(seen.values())
        if values != {expected[figure]}:
            problems.append(f"{figure}: case file gives {expected[figure]}, materials show {seen}")
    assert not problems, "\n".join(problems)


def test_the_case_studys_profit_is_the_same_after_bank_fees_everywhere(built_book):
    """Issue 17 item 5: the case study deducts the L/C fees; its cash flow and the financing
    module must too (they used to show the profit before fees)."""
    from ukm_tools.case import packaged_case
    from ukm_tools.case_study import CaseStudy

    study = CaseStudy(packaged_case("kasturi-syrup"))
    profit = format_money(study.profit.rounded(), "id")
    case_page = tables(built_book / "studi-kasus.html")
    assert cell(case_page, "kasus-hasil", "Laba kiriman setelah biaya bank", 1) == profit
    assert case_page["kasus-kas"][-1][-1] == profit  # the cash flow's closing balance
    # before the fix: the order was worth the invoice's full rupiah value
    without_fees = format_money(study.quote().final.shipment_idr - study.shipment_costs, "id")
    assert without_fees != profit
    text = (built_book / "modul" / "pembiayaan.html").read_text(encoding="utf-8")
    assert profit in text and without_fees not in text


def test_worksheet_gives_the_case_files_figures(built_book):
    """The printed worksheet's questions carry the case study's figures (no device needed)."""
    from bs4 import BeautifulSoup

    from ukm_tools.case import packaged_case
    from ukm_tools.case_study import CaseStudy

    study = CaseStudy(packaged_case("kasturi-syrup"))
    soup = BeautifulSoup((built_book / "lembar-kerja.html").read_text(encoding="utf-8"), "html.parser")
    questions = soup.select(".ukm-ws-item")
    assert len(questions) >= 7
    text = one(soup, ".ukm-worksheet").get_text(" ", strip=True)
    for figure in ("invoice", "bank_fees", "planned_profit"):
        assert shown(study.key_figures()[figure].value) in text, figure
    assert format_money(study.shipment_costs, "id") in text
    # nothing to read the answers from: the page has questions and empty boxes only
    assert shown(study.key_figures()["profit"].value) not in text
    assert all(q.select(".ukm-ws-line") for q in questions)
