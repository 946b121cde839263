"""`ukm apps`: the calculator server on 127.0.0.1 by default, on the workshop network with
--lan (checked only by what it binds and prints: nothing here connects to a non-loopback
address), trainer's files checked before it starts, stops cleanly on SIGTERM."""

import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.calcserver.server import free_port, get
from ukm_tools.calcserver.lan import lan_addresses
from ukm_tools.widgets.gallery import APPS

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

UKM = [sys.executable, "-c", "from ukm_tools.cli import main; main()"]


def start(*args: str, cwd=None) -> subprocess.Popen:
    return subprocess.Popen(
        [*UKM, "apps", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd
    )


def wait_ready(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        try:
            get(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:
            assert time.monotonic() < deadline, "ukm apps not ready in 120 s"
            time.sleep(0.3)


def listening(pid: int, port: int) -> list[str]:
    return [
        c.laddr.ip for c in psutil.Process(pid).net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == port
    ]


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    return out.decode("utf-8", "replace")


def test_apps_serves_the_calculators_on_loopback_and_stops_on_sigterm(tmp_path):
    port = free_port()
    proc = start("--dir", str(tmp_path / "apps"), "--port", str(port))
    try:
        wait_ready(proc, port)
        assert listening(proc.pid, port) == ["127.0.0.1"]  # this machine only, by default
        home = get(f"http://127.0.0.1:{port}/")
        for a in APPS:
            assert a.question["id"] in home and f"/kalkulator/{a.path}" in home
        page = get(f"http://127.0.0.1:{port}/kalkulator/harga-ekspor")
        assert "ukm_tools" not in page and "cdn.jsdelivr" not in page  # no code, nothing from a CDN
        assert "/_solara/cdn/" in page  # Solara's scripts come from this server
    finally:
        out = stop(proc)
    assert proc.returncode == 0, out
    assert f"10 kalkulator di http://127.0.0.1:{port}/" in out
    time.sleep(0.5)
    with pytest.raises(OSError):  # the server went away with it
        get(f"http://127.0.0.1:{port}/", timeout=2)


def test_lan_binds_every_interface_and_prints_the_address_and_a_qr_code(tmp_path):
    port = free_port()
    folder = tmp_path / "kelas"
    proc = start("--lan", "--dir", str(folder), "--port", str(port))
    addresses = lan_addresses()
    if not addresses:  # a machine with loopback only: a clear refusal instead of a useless URL
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 2 and "Tidak ada jaringan" in out.decode()
        return
    try:
        wait_ready(proc, port)  # checked through loopback only
        assert listening(proc.pid, port) == ["0.0.0.0"]
    finally:
        out = stop(proc)
    url = f"http://{addresses[0]}:{port}/"
    assert f"10 kalkulator untuk peserta: {url}" in out
    assert out.count("█") > 100  # the QR code, drawn in the terminal
    png = folder / "alamat-kalkulator.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and str(png) in out


def run_apps(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*UKM, "apps", *args, "--dir", str(tmp_path / "a")], capture_output=True, text=True, timeout=60
    )


def test_apps_refuses_a_broken_case_file(tmp_path):
    bad = tmp_path / "rusak.yaml"
    bad.write_text("case: x\nquantity: nol\n", encoding="utf-8")
    r = run_apps(tmp_path, "--case", str(bad))
    assert r.returncode == 2
    assert "Galat:" in r.stderr and "Jumlah" in r.stderr  # field named in Indonesian
    assert "Traceback" not in r.stderr


def test_apps_refuses_a_broken_fee_schedule(tmp_path):
    bad = tmp_path / "bank.yaml"
    bad.write_text("bank: X\ncurrency: USD\n", encoding="utf-8")
    r = run_apps(tmp_path, "--fees", str(bad))
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
    r = run_apps(tmp_path, "--case", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "rates.USD" in r.stderr
