"""The hand-over folder between the exercise portal and the calculator pages: a link's token opens
its case for the first browser that uses it (and again for that browser), for nobody else, not
after it expires, and never through a symlink or from a file the portal could not have written."""

from __future__ import annotations

import os
import time

import pytest

from ukm_tools.calcserver.handoff import MAX_BYTES, TTL_S, HandoffBox, Handover, handed_case
from ukm_tools.case import packaged_case
from ukm_tools.exercises.calculator_case import calculator_case, calculator_extras
from ukm_tools.exercises.params import product_for
from ukm_tools.widgets import case_io

ANI_BROWSER, BUDI_BROWSER = "a" * 32, "b" * 32
NOW = 1_800_000_000.0


@pytest.fixture
def box(tmp_path) -> HandoffBox:
    return HandoffBox(tmp_path / "kasus-latihan")


def test_the_first_browser_claims_the_link_and_keeps_it_until_it_expires(box):
    token = box.put("angka: en\n", now=NOW)
    assert token not in " ".join(os.listdir(box.folder))  # the folder gives no working link
    assert box.take(token, ANI_BROWSER, now=NOW + 1) == "angka: en\n"
    assert box.take(token, ANI_BROWSER, now=NOW + 60) == "angka: en\n"  # a reload
    assert box.take(token, BUDI_BROWSER, now=NOW + 61) is None  # a copied link
    assert box.take(token, ANI_BROWSER, now=NOW + TTL_S + 1) is None  # expired
    assert box.sweep(now=NOW + TTL_S + 1) == 1 and os.listdir(box.folder) == []


@pytest.mark.parametrize("token", [None, "", "x", "../../etc/passwd", "A" * 42 + "!", "A" * 44])
def test_a_malformed_token_opens_nothing(box, token):
    box.put("angka: en\n", now=NOW)
    assert box.take(token, ANI_BROWSER, now=NOW) is None


def test_a_symlink_in_the_folder_is_never_followed(box, tmp_path):
    """Someone who can write into the folder links a hand-over name to a file they cannot read."""
    secret = tmp_path / "rahasia.yaml"
    secret.write_text("kode: rahasia\n")
    token = box.put("angka: en\n")
    (handed,) = os.listdir(box.folder)
    os.unlink(box.folder / handed)
    os.symlink(secret, box.folder / handed)  # before the first browser claims it
    assert box.take(token, ANI_BROWSER) is None
    token = box.put("angka: en\n")
    assert box.take(token, ANI_BROWSER) == "angka: en\n"
    (claimed,) = [n for n in os.listdir(box.folder) if n.endswith(".open") and not os.path.islink(box.folder / n)]
    os.unlink(box.folder / claimed)
    os.symlink(secret, box.folder / claimed)  # after: the browser's next reload
    assert box.take(token, ANI_BROWSER) is None


def test_a_file_larger_than_a_case_is_refused(box):
    token = box.put("x" * (MAX_BYTES + 1), now=NOW)
    assert box.take(token, ANI_BROWSER, now=NOW) is None


def test_the_page_opens_the_participants_case_or_the_courses(box):
    case = calculator_case("peserta-uji", product_for("peserta-uji"), packaged_case())
    extras = calculator_extras("peserta-uji")
    token = box.put(case_io.dump(case_io.case_to_mapping(case), extras))
    handed = handed_case(f"kasus={token}", ANI_BROWSER, box.folder)
    assert handed.case is not None and not handed.refused
    opened, opened_extras = handed.case
    assert opened.quote("CIF").final == case.quote("CIF").final and opened_extras == extras
    assert opened.unit_costs == case.unit_costs and opened.costs == case.costs
    broken = box.put("unit_costs: {hpp: banyak}\n")
    # The course's case instead, and the page is told why (not for a page opened without a link).
    assert handed_case(f"kasus={broken}", ANI_BROWSER, box.folder) == Handover(refused=True)
    assert handed_case("", ANI_BROWSER, box.folder) == Handover()
    assert handed_case(f"kasus={token}", BUDI_BROWSER, box.folder) == Handover(refused=True)  # Ani's
    expired = box.put(case_io.dump(case_io.case_to_mapping(case)), now=time.time() - TTL_S - 1)
    assert handed_case(f"kasus={expired}", ANI_BROWSER, box.folder) == Handover(refused=True)
