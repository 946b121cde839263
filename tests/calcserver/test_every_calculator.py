"""Every calculator of `ukm apps` on a 360 x 740 phone in Chromium, through the one server.

Each test opens one calculator as a participant would and checks, in one page: it renders
with nothing from the internet and no script error; a number typed the Indonesian way gives
the figure the same calculator computes in this process (the page shows what the domain
says); a wrong input gets its message right above its box, the box marked red, while the
last good result stays; the inputs saved under a name open again; the language switch
rewrites labels and typed numbers; and at no point does any element of the calculator stick
out of the 360 px screen or hide its content behind a sideways scroll.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pytest

from tests.calcserver.conftest import choose_saved, type_into
from ukm_tools import safe_yaml
from ukm_tools.widgets.base import NumberField
from ukm_tools.widgets.gallery import APPS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

WIDTH, HEIGHT = 360, 740

# Elements of a calculator that stick out of the screen, or whose content is clipped or
# scrolls sideways (a text box may scroll its own text: that is how text boxes work), and a
# number box whose number is wider than the box (part of the figure hidden).
OVERFLOW_JS = """([width, numberClasses]) => {
  const found = [];
  const numbers = numberClasses.map(c => '.' + CSS.escape(c) + ' input').join(', ');
  for (const e of document.querySelectorAll('.ukm-calculator, .ukm-calculator *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    const what = e.tagName.toLowerCase() + '.' + String(e.className).trim().split(/\\s+/).slice(0, 3).join('.')
      + ' "' + (e.innerText || e.value || '').slice(0, 40).replace(/\\s+/g, ' ') + '"';
    if (r.right > width + 1 || r.left < -1) {
      found.push(what + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right));
    } else if (!['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(e.tagName)
               && ['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
               && e.scrollWidth > e.clientWidth + 1) {
      found.push(what + ' clips ' + e.scrollWidth + ' px into ' + e.clientWidth);
    } else if (numbers && e.matches(numbers) && e.scrollWidth > e.clientWidth + 1) {
      found.push(what + ' hides part of its ' + e.scrollWidth + ' px value in ' + e.clientWidth);
    }
  }
  return found;
}"""


def fits_the_phone(page, calc: Any = None) -> None:
    """Nothing of the page sticks out or is clipped; with ``calc`` (the same calculator in
    Python), no number box hides part of its number either."""
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    numbers = [f"ukm-field-{f.name}" for f in calc._fields if isinstance(f, NumberField)] if calc else []
    found = page.evaluate(OVERFLOW_JS, [WIDTH, numbers])
    assert found == [], "\n".join(found)


def test_the_overflow_check_sees_a_figure_cut_off(open_page):
    # The check itself, on hand-made pages: a figure clipped by its box and a number box too
    # narrow for its number are reported; a text box scrolling its text and a page that fits are not.
    page = open_page(WIDTH, HEIGHT).page
    figure = "Rp 123.456.789.012.345"
    cases = {
        f"<div style='width:100px;overflow:hidden;white-space:nowrap'>{figure}</div>": "clips",
        f"<div style='width:500px'>{figure}</div>": "spans",
        f"<div class='ukm-field-hpp'><input style='width:60px' value='{figure}'></div>": "hides part",
        f"<div class='ukm-field-name'><input style='width:60px' value='{figure}'></div>": None,
        f"<div>{figure}</div>": None,
    }
    for html, reported in cases.items():
        page.set_content(f"<body style='margin:0'><div class='ukm-calculator'>{html}</div></body>")
        found = page.evaluate(OVERFLOW_JS, [WIDTH, ["ukm-field-hpp"]])
        assert (reported is None and found == []) or (len(found) == 1 and reported in found[0]), (html, found)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}", " ", text))}


def _bilingual_texts(value: Any) -> Iterator[tuple[str, str]]:
    """Every ``{id: .., en: ..}`` pair in a parsed YAML file."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and isinstance(value.get("en"), str):
            yield value["id"], value["en"]
        for v in value.values():
            yield from _bilingual_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _bilingual_texts(v)


@functools.cache
def english_only_words() -> frozenset[str]:
    """Words that the project's English texts use and none of its Indonesian texts does (the
    message catalogue and the data files: an Indonesian text that keeps a trade term, "Free On
    Board", "packing list", makes that term Indonesian here)."""
    english: set[str] = set()
    indonesian: set[str] = set()
    for path in resources.files("ukm_tools.data").rglob("*.yaml"):  # type: ignore[attr-defined]
        for id_text, en_text in _bilingual_texts(safe_yaml.parse(path.read_text(encoding="utf-8"), packaged=True)):
            indonesian |= _words(id_text)
            english |= _words(en_text)
    return frozenset(english - indonesian - {"english"})  # the language switch names itself


# What a participant must never see: a Python or JavaScript value, a name left unfilled.
DEVELOPER_TEXT = re.compile(r"\b(None|NaN|nan|undefined|null|Traceback|Decimal|Exception)\b|\{[a-z_]+\}")


def speaks_indonesian(page) -> None:
    """The calculator's text (labels, options, results, messages) has no English and no developer text
    (in Indonesian mode)."""
    text = page.inner_text(".ukm-calculator")
    # A data file's citation (a trainer's rate sheet or tariff) is shown as its author wrote it.
    for source in page.locator(".ukm-calculator .ukm-source").all_inner_texts():
        text = text.replace(source, "")
    english = sorted(_words(text) & english_only_words())
    lines = [line for line in text.splitlines() if _words(line) & set(english)]
    assert english == [], "English in Indonesian mode:\n" + "\n".join(lines)
    assert DEVELOPER_TEXT.search(text) is None, text


def test_the_language_check_sees_english_and_developer_text(open_page):
    page = open_page(WIDTH, HEIGHT).page

    def check(html: str) -> None:
        page.set_content(f"<body><div class='ukm-calculator'>{html}</div></body>")
        speaks_indonesian(page)

    check("<p>Harga FOB per karton</p><p>Ongkos angkut utama (freight)</p>")
    check("<p>Harga</p><p class='ukm-source'>Sumber: Bank Jatim export L/C tariff (advising)</p>")
    for wrong in ("<p>Save the case</p>", "<p>Harga: None</p>", "<p>Kurs {rate}</p>", "<p>NaN karton</p>"):
        with pytest.raises(AssertionError):
            check(wrong)


def field(name: str) -> str:
    return f".ukm-field-{name} input, .ukm-field-{name} select"


@dataclass(frozen=True)
class Spec:
    """How one calculator is tried: a typed input and the figure it must give."""

    path: str
    ready: str  # an element that is there once the first result is drawn
    result: str  # where the figure shows
    typed: tuple[str, str]  # (field, Indonesian text) or, with ``act``, what ``act`` changes
    expected: Callable[[Any], str]  # the figure, from the same calculator driven in Python
    bad: tuple[str, str] | None  # (field, wrong text) or None: no input there can be wrong
    english: str | None  # the typed text as it reads in English
    act: Callable[[Any, Any], None] | None = None  # (page, calculator in Python) for non-typing inputs
    undo: Callable[[Any, Any], None] | None = None  # changes what ``act`` set, before the saved case is opened


def choose(page, calc, name: str, value: str) -> None:
    """Pick ``value`` in the drop-down ``name`` by the label the page shows for it."""
    f = next(f for f in calc._fields if f.name == name)
    page.select_option(field(name), label=next(label for label, v in f.input.options if v == value))


def _choose_cif(page, calc) -> None:
    choose(page, calc, "incoterm", "CIF")
    calc.f_rule.raw = "CIF"


def _answer_nib(page, calc) -> None:
    page.locator(".ukm-q-nib button", has_text="Ya, sudah").click()
    calc.answer("nib", True)


def _choose_fob(page, calc) -> None:
    choose(page, calc, "incoterm", "FOB")


def _unanswer_nib(page, calc) -> None:
    page.locator(".ukm-q-nib button", has_text="Belum").click()


SPECS = [
    Spec("harga-ekspor", ".ukm-shipment-quote", ".ukm-shipment-quote", ("hpp", "240.000"),
         lambda c: c.shown["shipment_quote"], ("quantity", "banyak"), "240,000"),
    Spec("incoterms", ".ukm-risk", ".ukm-risk", ("incoterm", "CIF"), lambda c: c.shown["risk"],
         None, None, act=_choose_cif, undo=_choose_fob),
    Spec("asuransi", ".ukm-premium", ".ukm-premium", ("insurance_rate_pct", "0,35"),
         lambda c: c.shown["premium_inclusive"], ("cfr", "banyak"), "0.35"),
    Spec("pembayaran", ".ukm-payments-table", ".ukm-payments-table", ("invoice", "12.500"),
         lambda c: c.shown["lc_confirmed"], ("tenor_days", "-1"), "12,500"),
    Spec("kurs", ".ukm-proceeds", ".ukm-proceeds", ("amount", "12.500"), lambda c: c.shown["at_buy"],
         ("amount", "dua belas"), "12,500"),
    Spec("titik-impas", ".ukm-units", ".ukm-units", ("fixed_costs", "7.500.000"), lambda c: c.shown["units"],
         ("unit_price", "mahal"), "7,500,000"),
    Spec("biaya-sampai-tujuan", ".ukm-saving", ".ukm-saving", ("duty_pct", "12,5"), lambda c: c.shown["saving"],
         ("vat_pct", "120"), "12.5"),
    Spec("kesiapan-ekspor", ".ukm-score", ".ukm-score", ("nib", "yes"), lambda c: c.shown["score"],
         None, None, act=_answer_nib, undo=_unanswer_nib),
    Spec("pembiayaan", ".ukm-financing-summary", ".ukm-financing-summary", ("order_quantity", "1.200"),
         lambda c: c.shown["peak"], ("order_quantity", "dua ribu"), "1,200"),
    Spec("e-katalog", ".ukm-katalog-price", ".ukm-katalog-price", ("price_before_ppn", "300.000"),
         lambda c: c.shown["unit_price"], ("min_order", "lima"), "300,000"),
]  # fmt: skip


def test_every_calculator_is_tried():
    assert sorted(s.path for s in SPECS) == sorted(a.path for a in APPS)


def _python_calculator(path: str, tmp_path) -> Any:
    app = next(a for a in APPS if a.path == path)
    calc = app.calculator_class()(save_dir=tmp_path / "here")
    assert calc.widget.children  # built: the first result is computed
    return calc


def _wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.innerText.includes(t); }",
        arg=[selector, text],
    )


@pytest.mark.parametrize("spec", SPECS, ids=[s.path for s in SPECS])
def test_calculator_on_a_phone(open_page, calc_url, tmp_path, spec: Spec):
    p = open_page(WIDTH, HEIGHT)
    page = p.page
    page.goto(f"{calc_url}/kalkulator/{spec.path}")
    page.wait_for_selector(spec.ready)
    calc = _python_calculator(spec.path, tmp_path)
    assert page.inner_text(".ukm-calculator h3") == calc.title.text("id")
    fits_the_phone(page, calc)
    speaks_indonesian(page)

    # Typed the Indonesian way: the page shows the figure the domain gives for it.
    name, text = spec.typed
    if spec.act is not None:
        spec.act(page, calc)
    else:
        type_into(page, field(name), text)
        next(f for f in calc._fields if f.name == name).raw = text
    want = spec.expected(calc)
    _wait_text(page, spec.result, want)

    # A wrong input: its message right above its box, the box red, the last result kept.
    if spec.bad is not None:
        bad_field, bad_text = spec.bad
        good_text = page.input_value(field(bad_field))
        type_into(page, field(bad_field), bad_text)
        error = page.locator(f".widget-vbox:has(> .ukm-field-{bad_field}) .ukm-field-error")
        error.first.wait_for()
        box = page.locator(field(bad_field)).bounding_box()
        message = error.first.bounding_box()
        assert 0 <= box["y"] - (message["y"] + message["height"]) < 40, (message, box)
        assert page.locator(f".ukm-invalid.ukm-field-{bad_field}").count() == 1
        color = page.locator(field(bad_field)).evaluate("e => getComputedStyle(e).borderTopColor")
        assert color == "rgb(198, 40, 40)"
        assert want in page.inner_text(spec.result)  # the last good result stays
        fits_the_phone(page, calc)
        speaks_indonesian(page)
        type_into(page, field(bad_field), good_text)
        page.wait_for_selector(".ukm-field-error", state="detached")
    elif spec.path == "incoterms":
        # The only wrong input an explorer has: a sea-only rule for air freight.
        choose(page, calc, "mode", "air")
        page.locator(".widget-vbox:has(> .ukm-field-incoterm) .ukm-field-error").first.wait_for()
        assert "FCA" in page.inner_text(".ukm-field-error") or "CIP" in page.inner_text(".ukm-field-error")
        choose(page, calc, "mode", "sea")
        page.wait_for_selector(".ukm-field-error", state="detached")

    # Saved under a name, changed, opened again: the inputs and the figure come back.
    saved = f"coba-{spec.path}"
    type_into(page, ".ukm-save-name input", saved)
    page.locator(".ukm-save").click()
    page.wait_for_selector(f".ukm-case-status a.ukm-download[download='{saved}.yaml']")
    assert "kasus-tersimpan" not in page.inner_text(".ukm-case-status")  # a name, never a server path
    if spec.undo is not None:
        spec.undo(page, calc)
    else:
        type_into(page, field(name), "1")
    page.wait_for_function("([s, t]) => !document.querySelector(s).innerText.includes(t)", arg=[spec.result, want])
    choose_saved(page, f"{saved}.yaml")
    page.locator(".ukm-open").click()
    page.wait_for_selector(".ukm-case-status:has-text('Dibuka')")
    _wait_text(page, spec.result, want)
    if spec.act is None:
        assert page.input_value(field(name)) == text

    # English: the heading, the labels and the typed number follow.
    page.locator(".ukm-lang button", has_text="English").click()
    page.wait_for_function(
        "t => document.querySelector('.ukm-calculator h3').innerText === t", arg=calc.title.text("en")
    )
    if spec.english is not None:
        assert page.input_value(field(name)) == spec.english
    fits_the_phone(page, calc)
    p.screenshot(f"{spec.path}-360px")
    assert p.external_requests() == [], p.external_requests()
    assert p.errors == []
