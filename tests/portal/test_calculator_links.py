"""Each answer a calculator computes links to that calculator, opened with the participant's own
case; the link carries an opaque token only (no name, no id, no figures: UU 27/2022), and the case
handed over holds the participant's business figures, never who they are.

Worked example (Ani, the roster's product for her id): the exercise's EXW, FOB and CIF unit prices
(:func:`ukm_tools.exercises.tugas.case_for`, what the grader expects) are the quote of the case the
price calculator opens with, to the last decimal.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.portal.conftest import ASSIGNMENT, CALC_URL, client
from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.calcserver.handoff import HandoffBox
from ukm_tools.course.participants import load_participant
from ukm_tools.exercises.params import product_for
from ukm_tools.exercises.tugas import case_for
from ukm_tools.widgets import case_io

FORM = f"tugas/{ASSIGNMENT}"
BROWSER = "b" * 32  # a calculator-server identity key (the hash of a browser's cookie)
OTHER_BROWSER = "c" * 32


def _links(html: str) -> dict[str, str]:
    """Answer field -> the address its calculator link opens."""
    return {field: url for url, field in re.findall(r'<a href="([^"]+)" id="calc-([a-z_]+)"', html)}


@pytest.mark.timeout(60)
def test_each_calculated_answer_links_its_calculator_with_the_participants_case(portal_with_calculators, calc_folder):
    portal = portal_with_calculators
    with client(portal, "ani") as ani:
        page = ani.get(FORM)
    assert page.status_code == 200
    links = _links(page.text)
    assert set(links) == {"harga_exw", "harga_fob", "harga_cif"}  # the reflection has no calculator
    assert "Hitung dengan kalkulator" in page.text and "sudah berisi kasus Anda" in page.text
    assert 'target="_blank" rel="noopener noreferrer"' in page.text

    (url,) = set(links.values())  # one hand-over for the page's calculator
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == CALC_URL and parts.path == "/kalkulator/harga-ekspor"
    query = parse_qs(parts.query)
    assert list(query) == ["kasus"] and re.fullmatch(r"[A-Za-z0-9_-]{43}", query["kasus"][0])
    for private in ("ani", "Ani", "Lestari"):
        assert private not in url

    box = HandoffBox(ServerConfig(folder=calc_folder).handoff_root)
    text = box.take(query["kasus"][0], BROWSER)
    assert text is not None and "Lestari" not in text and not re.search(r"\bani\b", text, re.IGNORECASE)
    assert box.take(query["kasus"][0], OTHER_BROWSER) is None  # claimed by the first browser
    case, _ = case_io.read_case_text(text)

    product = product_for("ani", load_participant(portal.db_url, "ani"))
    exercise = case_for("ani", product)
    assert case.product.name == product.name and case.unit_costs.hpp == product.hpp.amount
    for rule in ("EXW", "FOB", "CIF"):
        want, got = exercise.build_up(rule).step(rule), case.quote(rule).final
        assert (got.unit_idr, got.unit_quote) == (want.unit_idr, want.unit_quote), rule


def test_each_page_view_hands_over_anew_and_budi_gets_his_own_case(portal_with_calculators, calc_folder):
    portal = portal_with_calculators
    with client(portal, "ani") as ani, client(portal, "budi") as budi:
        first, second = (_links(ani.get(FORM).text)["harga_exw"] for _ in range(2))
        his = _links(budi.get(FORM).text)["harga_exw"]
    assert len({first, second, his}) == 3
    box = HandoffBox(ServerConfig(folder=calc_folder).handoff_root)
    token = parse_qs(urlsplit(his).query)["kasus"][0]
    case, _ = case_io.read_case_text(box.take(token, BROWSER) or "")
    budi_product = product_for("budi", load_participant(portal.db_url, "budi"))
    assert case.unit_costs.hpp == budi_product.hpp.amount and case.product.name == budi_product.name


def test_without_a_calculator_server_the_form_links_none(portal):
    with client(portal, "ani") as ani:
        page = ani.get(FORM)
    assert page.status_code == 200 and 'id="calc-' not in page.text and "kasus=" not in page.text
