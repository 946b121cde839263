"""Slide decks for a hall (reveal.js, offline) and printed handouts (A4 PDFs)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import Error

from tests.book.conftest import MODULES, one, only_local

pytestmark = pytest.mark.slow

DECKS = [*MODULES, "studi-kasus"]
# Read from the back of a hall on a 1280 x 720 screen.
MIN_BODY_PX = 28
MAX_LINES = 6


@pytest.mark.timeout(300)
def test_every_module_and_the_case_study_has_a_deck_that_loads_nothing_from_the_internet(built_slides):
    import build

    for name in DECKS:
        assert (built_slides / f"{name}.html").is_file(), name
    assert build.external_loads(built_slides) == []
    assert (built_slides / "reveal.js" / "dist" / "reveal.js").is_file()


# Per slide: the smallest body text as shown (CSS px x reveal's scale), its lines, its speaker
# notes, its chart's smallest text as shown, whether it has a source line, and whether it overflows.
_SLIDES = r"""() => {
  const scale = Reveal.getScale();
  return Reveal.getSlides().map((s, i) => {
    Reveal.slide(i);
    let minPx = Infinity;
    const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const n = walk.currentNode;
      const el = n.parentElement;
      if (!n.textContent.trim() || el.closest('aside.notes, .ukm-source, a.anchor-link')) continue;
      if (getComputedStyle(el).display === 'none') continue;
      minPx = Math.min(minPx, parseFloat(getComputedStyle(el).fontSize) * scale);
    }
    let lines = 0;
    for (const el of s.querySelectorAll('li, p, tr')) {
      if (el.closest('aside.notes') || el.matches('.ukm-source')) continue;
      if (el.tagName === 'P' && el.parentElement.closest('li, td, th')) continue;  // counted with its item
      if (!el.textContent.trim() || el.closest('h1, h2')) continue;
      const cs = getComputedStyle(el);
      const lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
      if (el.tagName === 'TR') {
        lines += Math.max(...[...el.children].map(c => {
          const ccs = getComputedStyle(c);
          const pad = parseFloat(ccs.paddingTop) + parseFloat(ccs.paddingBottom);
          const inner = c.getBoundingClientRect().height / scale - pad;
          return Math.max(1, Math.round(inner / (parseFloat(ccs.lineHeight) || lh)));
        }));
      } else {
        lines += Math.max(1, Math.round(el.getBoundingClientRect().height / scale / lh));
      }
    }
    const notes = s.querySelector('aside.notes');
    const charts = [...s.querySelectorAll('img.ukm-slide-chart')].map(
      im => parseFloat(im.dataset.minFontPx) * im.getBoundingClientRect().width / im.naturalWidth);
    const figure = s.querySelector('table.ukm-table, img.ukm-slide-chart') !== null;
    return {i, title: (s.querySelector('h1, h2') || {}).textContent || '', minPx, lines,
            notes: notes ? notes.textContent.trim().split(/\s+/).length : 0, charts, figure,
            source: s.querySelector('.ukm-source') !== null
                    || /Sumber:/.test(s.textContent.replace(notes ? notes.textContent : '', '')),
            overflow: s.scrollHeight > 720 + 2};
  });
}"""


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_decks_are_readable_from_the_back_of_a_hall(built_slides, browser):
    problems, slides = [], 0
    for name in DECKS:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        blocked = only_local(page)
        errors: list[str] = []

        def error(e: Error, errors: list[str] = errors) -> None:
            errors.append(str(e))

        page.on("pageerror", error)
        page.goto((built_slides / f"{name}.html").as_uri(), wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=10_000)
        found = page.evaluate(_SLIDES)
        assert 5 <= len(found) <= 10, (name, len(found))  # a few points per slide, not one per cell
        assert blocked == [] and errors == [], (name, blocked, errors)
        for s in found:
            slides += 1
            where = f"{name} slide {s['i'] + 1} ({s['title'].strip(' ¶')})"
            if s["minPx"] < MIN_BODY_PX:
                problems.append(f"{where}: text {s['minPx']:.1f} px")
            if s["lines"] > MAX_LINES:
                problems.append(f"{where}: {s['lines']} lines")
            if s["notes"] < 15:
                problems.append(f"{where}: speaker notes of {s['notes']} words")
            if any(c < MIN_BODY_PX for c in s["charts"]):
                problems.append(f"{where}: chart text {min(s['charts']):.1f} px")
            if s["figure"] and not s["source"]:
                problems.append(f"{where}: a figure without its source")
            if s["overflow"]:
                problems.append(f"{where}: runs off the slide")
        page.close()
    assert slides >= 6 * 5
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- handouts


def pdf_pages(path) -> list[tuple[tuple[int, int], str]]:
    """(page size in whole mm, page text in the order it is painted) for every page of a PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in pdf:
            w, h = page.get_size()
            out.append(((round(w / 72 * 25.4), round(h / 72 * 25.4)), page.get_textpage().get_text_range()))
        return out
    finally:
        pdf.close()


def squeeze(text: str) -> str:
    """Text compared whitespace-free: a cell wrapped over lines in print reads as one string.
    PDFium writes a hyphen that ends a printed line as U+FFFE."""
    text = unicodedata.normalize("NFKC", text).replace("\ufffe", "-").replace("\u00ad", "")
    return re.sub(r"\s+", "", text)


A4 = {(210, 297), (297, 210)}


@pytest.mark.timeout(300)
def test_every_handout_is_a4_with_numbered_pages_and_every_table_cell_printed(built_book, handouts):
    """Each handout is printed from its book page; every cell (and caption) of every table on the
    page must be in the PDF's text: a column cut off at the paper's edge fails this."""
    import build
    from bs4 import BeautifulSoup

    assert set(build.handouts()) >= {*MODULES, "studi-kasus", "agenda", "lembar-kerja"}
    problems, cells = [], 0
    for name, page in build.handouts().items():
        pages = pdf_pages(handouts / f"{name}.pdf")
        assert pages, name
        for i, (size, text) in enumerate(pages, 1):
            if size not in A4:
                problems.append(f"{name} page {i}: {size} mm is not A4")
            if f"Halaman {i} dari {len(pages)}" not in text:
                problems.append(f"{name} page {i}: no page number")
        printed = squeeze("".join(text for _, text in pages))
        soup = BeautifulSoup((built_book / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("article.bd-article table"):
            for cell in table.select("th, td, caption"):
                shown = cell.get_text(" ", strip=True)
                if not shown:
                    continue
                cells += 1
                if squeeze(shown) not in printed:
                    problems.append(f"{name}: table {table.get('data-ukm-table', '?')} cell not printed: {shown[:50]}")
    assert cells >= 800  # every table of every handout was compared
    assert not problems, "\n".join(problems)


@pytest.mark.timeout(300)
def test_the_incoterms_matrix_gets_a_landscape_page(handouts):
    sizes = [size for size, _ in pdf_pages(handouts / "harga-incoterms.pdf")]
    assert (297, 210) in sizes and (210, 297) in sizes


@pytest.mark.timeout(300)
def test_each_decks_notes_give_its_timing_from_the_agenda(built_slides):
    """Minutes are set once, in the agenda: the notes of a deck's first slide read them from there."""
    from bs4 import BeautifulSoup

    from ukm_tools.agenda import load_agenda

    day = load_agenda()
    for deck in DECKS:
        page = "studi-kasus" if deck == "studi-kasus" else f"modul/{deck}"
        soup = BeautifulSoup((built_slides / f"{deck}.html").read_text(encoding="utf-8"), "html.parser")
        notes = one(soup, "aside.notes").get_text(" ", strip=True)
        assert notes.startswith("Di agenda:"), deck
        for b in day.page_blocks(page):
            assert f"{b.span()}" in notes and f"({b.minutes} menit)" in notes, (deck, b.title)
        body = one(soup, ".reveal .slides")
        for aside in body.select("aside.notes"):
            aside.extract()
        assert not re.search(r"\d+ menit", body.get_text(" ")), deck  # no minutes on a slide itself
