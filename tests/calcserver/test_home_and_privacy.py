"""The server's home page (questions, Indonesian, no files, nothing from the internet) and
the privacy of saved cases: two browsers never see each other's files, nor a server path."""

from __future__ import annotations

import pytest

from tests.calcserver.conftest import choose_saved, type_into
from tests.calcserver.server import get
from ukm_tools.calcserver.home import CALCULATOR_PREFIX
from ukm_tools.widgets.gallery import APPS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_home_lists_every_calculator_by_its_question_at_360px(open_page, calc_url):
    p = open_page(360, 740)
    p.page.goto(calc_url + "/")
    links = p.page.locator("a.ukm-app-link")
    assert links.count() == len(APPS)
    for i, a in enumerate(APPS):
        assert links.nth(i).locator(".q").inner_text() == a.question["id"]
        assert links.nth(i).get_attribute("href") == f"{CALCULATOR_PREFIX}/{a.path}"
    assert p.page.locator("text=Berapa harga ekspor saya?").count() == 1
    text = p.page.inner_text("body")
    for leak in (".ipynb", ".yaml", "kasus-tersimpan", "/tmp", "voila"):
        assert leak not in text
    assert p.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert p.page.get_attribute("html", "lang") == "id"
    p.screenshot("home-360px")
    # English on request; the questions follow
    p.page.locator("a.lang").click()
    p.page.wait_for_selector("text=What is my export price?")
    assert p.external_requests() == [] and p.errors == []


def test_home_link_opens_a_calculator_and_the_page_is_indonesian(open_page, calc_url):
    p = open_page(360, 740)
    p.page.goto(calc_url + "/")
    p.page.locator("a.ukm-app-link[data-app='harga-ekspor']").click()
    p.page.wait_for_selector(".ukm-unit-quote")
    # Solara's page title, then the calculator's own once its route has rendered: Indonesian either way
    assert p.page.title() in ("Kalkulator Ekspor UKM", "Harga ekspor (Incoterms)")
    html = p.page.content()
    assert "Please refresh" not in html and "Restoring session" not in html  # Solara's texts translated
    assert p.external_requests() == [] and p.errors == []


def test_the_server_itself_reaches_nothing_outside_this_machine(open_page, calc_url, calc_server):
    import psutil

    p = open_page(360, 740)
    p.page.goto(f"{calc_url}{CALCULATOR_PREFIX}/pembayaran")
    p.page.wait_for_selector(".ukm-payments-table")
    remote = {c.raddr.ip for c in psutil.Process(calc_server[2]).net_connections("inet") if c.raddr}
    assert remote <= {"127.0.0.1"}, remote  # no CDN, no telemetry: only the pages on this machine
    assert p.external_requests() == []


def test_unknown_page_is_not_found(calc_url):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        get(f"{calc_url}{CALCULATOR_PREFIX}/tidak-ada")
    assert e.value.code == 404


def test_status_counts_only(calc_url):
    from tests.calcserver.server import status

    s = status(calc_url)
    assert set(s) == {
        "sessions_open",
        "calculators_in_memory",
        "sessions_opened_total",
        "sessions_closed_total",
        "sessions_culled_idle_total",
        "rss_bytes",
        "gc",
    }
    # the collector's pauses: per generation a count and seconds, nothing else
    assert set(s["gc"]) == {"gen0", "gen1", "gen2"}
    for figures in s["gc"].values():
        assert set(figures) == {"count", "total_s", "max_s"}
        assert all(isinstance(v, int | float) for v in figures.values())


def test_two_browsers_never_see_each_others_saved_cases(open_page, calc_url, calc_server):
    _, folder, _pid = calc_server
    ani, budi = open_page(360, 1400), open_page(360, 1400)
    for p in (ani, budi):
        p.page.goto(f"{calc_url}{CALCULATOR_PREFIX}/harga-ekspor")
        p.page.wait_for_selector(".ukm-unit-quote")
    type_into(ani.page, ".ukm-save-name input", "rahasia-ani")
    ani.page.locator(".ukm-save").click()
    ani.page.wait_for_selector(".ukm-case-status a.ukm-download[download='rahasia-ani.yaml']")
    status_text = ani.page.inner_text(".ukm-case-status")
    assert "rahasia-ani.yaml" in status_text and str(folder) not in status_text

    # Budi (another browser) does not see Ani's file, even after a reload
    budi.page.reload()
    budi.page.wait_for_selector(".ukm-unit-quote")
    options = budi.page.locator(".ukm-saved-list select option").all_inner_texts()
    assert not any("rahasia-ani" in o for o in options)
    # and saving under the same name does not touch Ani's case
    type_into(budi.page, ".ukm-save-name input", "rahasia-ani")
    type_into(budi.page, ".ukm-field-hpp input", "999.000")
    budi.page.locator(".ukm-save").click()
    budi.page.wait_for_selector(".ukm-case-status a.ukm-download[download='rahasia-ani.yaml']")

    # Ani, in a new tab of her own browser, still finds her own case (HPP 216.000 from the example)
    again = ani.context.new_page()
    again.goto(f"{calc_url}{CALCULATOR_PREFIX}/harga-ekspor")
    again.wait_for_selector(".ukm-unit-quote")
    choose_saved(again, "rahasia-ani.yaml")
    again.locator(".ukm-open").click()
    again.wait_for_selector(".ukm-case-status:has-text('Dibuka')")
    assert again.input_value(".ukm-field-hpp input") == "216.000"
    # on disk: two private folders, each with one case, under hashed names (not the cookie)
    saved = sorted(p.parent.name for p in (folder / "kasus-tersimpan").glob("*/rahasia-ani.yaml"))
    assert len(saved) == 2 and all(len(name) == 32 for name in saved)
    cookies = [c for c in ani.context.cookies() if c["name"] == "ukm-peserta"]
    assert len(cookies) == 1 and cookies[0]["value"] not in saved
    assert cookies[0]["httpOnly"]  # no script on the page can read it
