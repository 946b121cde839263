"""`ukm apps`: writes the gallery, serves it with Voila on 127.0.0.1 without code, stops cleanly."""

import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import free_port
from ukm_tools.widgets.gallery import APPS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")


def test_apps_serves_gallery_and_stops_on_sigterm(tmp_path):
    port = free_port()
    folder = tmp_path / "apps"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ukm_tools.cli import main; main()",
            "apps",
            "--dir",
            str(folder),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert time.monotonic() < deadline, "ukm apps not ready in 90 s"
                time.sleep(0.3)
        assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(
            ["00-daftar-kalkulator.ipynb"] + [f"{a.slug}.ipynb" for a in APPS]
        )
        page = get(f"http://127.0.0.1:{port}/voila/render/01-harga-ekspor.ipynb")
        assert "ukm_tools.widgets.price" not in page  # sources stripped: no code shown
        assert "cdn.jsdelivr.net" not in page  # the ukm page template loads nothing from the internet
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    time.sleep(0.5)
    with pytest.raises(OSError):  # Voila went away with it
        get(f"http://127.0.0.1:{port}/")


def test_apps_refuses_a_broken_case_file(tmp_path):
    bad = tmp_path / "rusak.yaml"
    bad.write_text("case: x\nquantity: nol\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ukm_tools.cli import main; main()",
            "apps",
            "--case",
            str(bad),
            "--dir",
            str(tmp_path / "a"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "Galat:" in r.stderr and "Jumlah" in r.stderr  # field named in Indonesian
    assert "Traceback" not in r.stderr


def test_apps_refuses_a_broken_fee_schedule(tmp_path):
    bad = tmp_path / "bank.yaml"
    bad.write_text("bank: X\ncurrency: USD\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ukm_tools.cli import main; main()",
            "apps",
            "--fees",
            str(bad),
            "--dir",
            str(tmp_path / "a"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "Galat: source: wajib diisi." in r.stderr and "Traceback" not in r.stderr


def test_apps_refuses_a_case_whose_rates_section_is_broken(tmp_path):
    """The rates: section is checked with the case, not first by every page that prices it."""
    import yaml

    from ukm_tools.case import packaged_case

    bad = tmp_path / "kurs-rusak.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                **packaged_case().to_mapping(),
                "rates": {"date": "2025-12-01", "source": "papan", "rates": {"USD": 16000}},
            }
        ),
        encoding="utf-8",
    )
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ukm_tools.cli import main; main()",
            "apps",
            "--case",
            str(bad),
            "--dir",
            str(tmp_path / "a"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "rates.USD" in r.stderr
