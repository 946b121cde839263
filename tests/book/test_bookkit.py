"""bookkit's link settings (fast, no build): calculator and hub launch URLs."""

from __future__ import annotations

import bookkit
import pytest

import tests.book.conftest  # noqa: F401  (puts book/ on sys.path)


def test_calculator_url_defaults_to_the_local_calculator_server(monkeypatch):
    monkeypatch.delenv("UKM_APPS_URL", raising=False)
    assert bookkit.apps_url() == "http://127.0.0.1:8866/kalkulator"
    # the pages the links name are the server's: ukm_tools.calcserver serves exactly these paths
    from ukm_tools.calcserver.home import CALCULATOR_PREFIX

    assert bookkit.apps_url().endswith(CALCULATOR_PREFIX)


def test_hub_launch_link_only_when_a_hub_is_set(monkeypatch):
    monkeypatch.delenv("UKM_HUB_URL", raising=False)
    assert bookkit.hub_launch_url("01-harga-ekspor") is None
    monkeypatch.setenv("UKM_HUB_URL", "https://hub.example/")
    assert (
        bookkit.hub_launch_url("01-harga-ekspor")
        == "https://hub.example/hub/user-redirect/lab/tree/apps/01-harga-ekspor.ipynb"
    )
    monkeypatch.setenv("UKM_HUB_APPS_DIR", "/kalkulator/")
    assert (bookkit.hub_launch_url("pembayaran") or "").endswith("/lab/tree/kalkulator/pembayaran.ipynb")


@pytest.mark.parametrize("module", bookkit.module_pages())
def test_every_module_links_a_calculator_of_the_gallery(module):
    from ukm_tools.widgets.gallery import available_apps

    app = bookkit.calculator(module)
    assert app.path in {a.path for a in available_apps()}
    assert app.title["id"]


def test_changed_link_settings_clear_the_execution_cache(tmp_path, monkeypatch):
    import build

    cache = tmp_path / ".jupyter_cache"
    monkeypatch.delenv("UKM_HUB_URL", raising=False)
    build._reset_cache_if_links_changed(tmp_path)
    cache.mkdir()
    build._reset_cache_if_links_changed(tmp_path)
    assert cache.exists()  # same settings: cache kept
    monkeypatch.setenv("UKM_HUB_URL", "https://hub.example")
    build._reset_cache_if_links_changed(tmp_path)
    assert not cache.exists()
