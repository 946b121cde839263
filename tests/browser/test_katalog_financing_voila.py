"""The e-Katalog and financing calculators in Voila, driven in headless Chromium.

Self-contained (own Voila server on 127.0.0.1 for this module) so it does not depend on
the calculator gallery; it checks the widgets render, react to typed input and keep the
last good result beside an inline message.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

CHROMIUM = "/usr/bin/chromium"
READY_TIMEOUT_S = 90
WIDGET_TIMEOUT_MS = 60_000


def _notebook(code: str) -> dict:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [], "source": code}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voila-katalog")
    (folder / "katalog.ipynb").write_text(json.dumps(_notebook("from ukm_tools.widgets.katalog import app\napp()")))
    (folder / "financing.ipynb").write_text(json.dumps(_notebook("from ukm_tools.widgets.financing import app\napp()")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "voila", str(folder), f"--port={port}", "--Voila.ip=127.0.0.1", "--no-browser",
           "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
           "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
           "--VoilaConfiguration.show_tracebacks=False"]
    log = open(folder / "voila.log", "wb")
    env = dict(os.environ, UKM_LANG="id")
    proc = subprocess.Popen(cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited: {(folder / 'voila.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"voila not ready after {READY_TIMEOUT_S} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} missing: run .ci/system-deps.sh (Debian package chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        ctx = b.new_context(viewport={"width": 1100, "height": 1000})
        pg = ctx.new_page()
        pg.set_default_timeout(WIDGET_TIMEOUT_MS)
        yield pg
        b.close()


def field(page, label: str):
    return page.locator(f".widget-text:has(label:text-is('{label}')) input")


def type_into(page, label: str, text: str) -> None:
    box = field(page, label)
    box.click()
    box.fill(text)
    box.press("Tab")


def test_katalog_widget_in_voila(voila, page):
    page.goto(f"{voila}/voila/render/katalog.ipynb")
    page.get_by_text("Harga e-Katalog untuk satu produk").wait_for()
    page.get_by_text("Harga tidak termasuk PPN: penjual bukan Pengusaha Kena Pajak (PKP).").wait_for()
    assert "Rp31.080" in page.content()  # the PKP price shown beside it
    type_into(page, "Harga satuan sebelum PPN (Rp)", "30.000")
    # 30,000 + 150,000 / 50 = 33,000; PKP: + 3,630 = 36,630
    page.get_by_text("Rp36.630").first.wait_for()
    type_into(page, "NIB", "123")
    page.get_by_text("NIB: '123' harus terdiri dari 13 digit angka (terbaca 3 digit).").wait_for()
    type_into(page, "Harga satuan sebelum PPN (Rp)", "tiga puluh ribu")
    page.get_by_text("Harga terakhir yang benar (masukan sekarang belum benar):").wait_for()
    assert "Rp36.630" in page.content()


def test_financing_widget_in_voila(voila, page):
    page.goto(f"{voila}/voila/render/financing.ipynb")
    page.get_by_text("Modal kerja dan pembiayaan pesanan ekspor").wait_for()
    page.get_by_text("Rp36.200.000 (hari ke-35)").wait_for()
    img = page.locator(".widget-image img, img.widget-image").first
    img.wait_for()
    assert img.evaluate("e => e.naturalWidth") > 300  # the cash-flow chart decoded
    type_into(page, "Jumlah pesanan (unit)", "1.200")
    # half the order: peak = 1,200 x 13,000 + 5,000,000 = 20,600,000
    page.get_by_text("Rp20.600.000 (hari ke-35)").wait_for()
    type_into(page, "Jumlah pesanan (unit)", "dua ribu")
    page.get_by_text("Hasil terakhir yang benar (masukan sekarang belum benar):").wait_for()
    assert "Rp20.600.000" in page.content()
