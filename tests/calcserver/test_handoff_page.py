"""A link from the exercise portal opens the calculator page with the participant's case, on a
360 px phone: the first browser keeps it across a reload; the same link in another browser opens
the course's case (a copied link shows nobody's figures) and says why."""

from __future__ import annotations

import re

import pytest

from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.calcserver.handoff import HandoffBox
from ukm_tools.case import packaged_case
from ukm_tools.exercises.calculator_case import calculator_case
from ukm_tools.exercises.params import product_for
from ukm_tools.widgets import case_io

STUDENT = "peserta-uji"


def _unit(case) -> str:
    result = case.quote()
    return result.unit_text(result.final, "id")


def _hpp(page) -> str:
    return re.sub(r"\D", "", page.input_value(".ukm-field-hpp input"))


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_a_portal_link_opens_the_price_calculator_with_the_participants_case(open_page, calc_server):
    base, folder, _ = calc_server
    product = product_for(STUDENT)
    case = calculator_case(STUDENT, product, packaged_case())
    assert _unit(case) != _unit(packaged_case())
    token = HandoffBox(ServerConfig(folder=folder).handoff_root).put(case_io.dump(case_io.case_to_mapping(case)))
    link = f"{base}/kalkulator/harga-ekspor?kasus={token}"

    phone = open_page(360, 740)
    phone.page.goto(link)
    phone.page.wait_for_selector(".ukm-unit-quote")
    assert phone.page.inner_text(".ukm-unit-quote") == _unit(case)
    assert _hpp(phone.page) == str(int(product.hpp.amount))
    assert "tidak berlaku" not in phone.page.inner_text(".ukm-case-status")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot("calculator-from-portal-360")
    phone.page.reload()
    phone.page.wait_for_selector(".ukm-unit-quote")
    assert phone.page.inner_text(".ukm-unit-quote") == _unit(case)

    other = open_page(360, 740)
    other.page.goto(link)
    other.page.wait_for_selector(".ukm-unit-quote")
    assert other.page.inner_text(".ukm-unit-quote") == _unit(packaged_case())
    # ... and says so: the course's figures must not pass for the participant's own.
    assert "Tautan kasus dari portal latihan sudah tidak berlaku" in other.page.inner_text(".ukm-case-status")
    assert other.page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.external_requests() == [] and other.external_requests() == []
