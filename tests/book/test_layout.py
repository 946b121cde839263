"""Every page of the built book on a phone (360 px) and a laptop (1280 px), in headless Chromium.

A participant reads on a phone: no page may be wider than the screen, and no table may hide a
number behind a sideways scroll (tables of more than two columns fold into one block per row).
Charts carry the size of their smallest text in pixels at the image's natural size; scaled to
the column they are shown in, that text must stay readable.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (360, 1280)
# Smallest readable chart text once scaled into the page (CSS px). 9 px is about what a phone
# shows for the footnotes of a printed page held at reading distance.
MIN_CHART_TEXT_PX = 9

_MEASURE = """() => {
  const doc = document.documentElement.scrollWidth;
  const tables = [];
  for (const t of document.querySelectorAll('article.bd-article table')) {
    const box = t.parentElement.getBoundingClientRect();
    const hidden = [];
    for (const c of t.querySelectorAll('td, th')) {
      const r = c.getBoundingClientRect();
      if (r.width === 0) continue;                      // a header row folded away on a phone
      if (r.right > Math.min(box.right, window.innerWidth) + 1 || c.scrollWidth > c.clientWidth + 1)
        hidden.push(c.textContent.trim().slice(0, 40));
    }
    tables.push({key: t.dataset.ukmTable || t.className || 'markdown', width: t.scrollWidth,
                 room: t.parentElement.clientWidth, hidden});
  }
  return {doc, tables};
}"""

_CHARTS = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('picture.ukm-chart img')) {
    img.scrollIntoView();
    await img.decode().catch(() => {});
    const phone = img.parentElement.querySelector('source');
    const usesPhone = phone !== null && img.currentSrc === phone.srcset;
    const px = parseFloat(usesPhone ? phone.dataset.minFontPx : img.dataset.minFontPx);
    const shown = img.getBoundingClientRect().width;
    out.push({usesPhone, natural: img.naturalWidth, shown, px: px * shown / img.naturalWidth});
  }
  return out;
}"""


def book_pages(html_dir):
    """Every page a reader can open (not the search and index pages, not the redirecting root)."""
    skip = {"search.html", "genindex.html", "index.html"}
    return sorted(p for p in html_dir.rglob("*.html") if p.name not in skip and "_static" not in p.parts)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_wider_than_the_screen_no_number_behind_a_sideways_scroll_and_readable_charts(
    built_book, browser, width
):
    pages = book_pages(built_book)
    assert len(pages) >= 11  # intro, agenda, five modules, case study, worksheet, glossary, sources
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    problems, tables_seen, charts = [], 0, 0
    try:
        for f in pages:
            page = ctx.new_page()
            page.goto(f.as_uri(), wait_until="load")
            found = page.evaluate(_MEASURE)
            name = str(f.relative_to(built_book))
            if found["doc"] > width:
                problems.append(f"{name}: page is {found['doc']} px wide")
            for t in found["tables"]:
                tables_seen += 1
                if t["hidden"] or t["width"] > t["room"] + 1:
                    problems.append(f"{name}: table {t['key']} {t['width']} px in {t['room']} px: {t['hidden'][:3]}")
            for c in page.evaluate(_CHARTS):
                charts += 1
                if c["usesPhone"] != (width == 360):  # a phone gets the phone drawing, a laptop the wide one
                    problems.append(f"{name}: a chart shows the {'phone' if c['usesPhone'] else 'wide'} drawing")
                if c["px"] < MIN_CHART_TEXT_PX:
                    problems.append(
                        f"{name}: chart text {c['px']:.1f} px ({c['natural']} px image shown at {c['shown']:.0f})"
                    )
            page.close()
    finally:
        ctx.close()
    assert tables_seen >= 30 and charts >= 7  # the book's tables and charts were measured, not an empty page
    assert not problems, "\n".join(problems)


def test_a_wide_table_is_stacked_and_a_two_column_table_is_not():
    """bookkit marks tables of more than two columns to fold on a phone, and many-column tables as wide."""
    import bookkit
    import pandas as pd

    three = bookkit.table_html(pd.DataFrame([["a", "b", "Rp1"]], columns=["x", "y", "z"]), "t3", numeric=[2])
    two = bookkit.table_html(pd.DataFrame([["a", "Rp1"]], columns=["x", "y"]), "t2", numeric=[1])
    wide = bookkit.table_html(pd.DataFrame([list("abcdefgh")], columns=list("ABCDEFGH")), "t8")
    assert 'class="ukm-table ukm-stack"' in three and "ukm-stack" not in two
    assert "ukm-wide" in wide and "ukm-wide" not in three
    # a short figure stays on one line; a sentence in a column of figures may wrap
    sentence = bookkit.table_html(
        pd.DataFrame([["Harga sudah termasuk PPN 12% dari DPP"]], columns=["n"]), "s", numeric=[0]
    )
    assert 'class="num nw"' in three and 'class="num"' in sentence
