"""`ukm formgrader`: nbgrader's formgrader on 127.0.0.1 over the course's gradebook."""

import json
import socket
import subprocess
import time
import urllib.request

import pytest

from ukm_tools.course.formgrader import formgrader_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_formgrader_serves_the_course_on_localhost(graded):
    port = _free_port()
    argv, url = formgrader_command(graded, port, token="uji123")
    assert url == f"http://127.0.0.1:{port}/formgrader?token=uji123"
    assert "--ServerApp.ip=127.0.0.1" in argv and "--ServerApp.port_retries=0" in argv
    proc = subprocess.Popen(argv, cwd=graded, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api = f"http://127.0.0.1:{port}/formgrader/api/assignments?token=uji123"
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(api, timeout=5) as r:
                    body = json.loads(r.read())
            except OSError:
                time.sleep(0.5)
        assert body is not None, "formgrader did not answer within 60 s"
        assert "harga-incoterms" in [a["name"] for a in body]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
