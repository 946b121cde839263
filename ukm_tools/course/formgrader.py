"""Starting nbgrader's formgrader for manual grading, on 127.0.0.1 only.

    ukm formgrader --course KURSUS [--port 8642]

runs ``jupyter server`` in the course folder (so nbgrader reads its nbgrader_config.py)
with nbgrader's formgrader extension, bound to 127.0.0.1 with a random token, and prints
``http://127.0.0.1:PORT/formgrader?token=...``. Staff open it in a browser on the same
machine (or through an SSH tunnel), grade the manual cells, and the scores appear in
``ukm status`` and ``ukm export`` — they are stored in the same gradebook.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from ukm_tools.course.environment import ensure_tools_on_path


def formgrader_command(course_dir: Path, port: int, token: str | None = None) -> tuple[list[str], str]:
    """The argv that starts the server and the URL to open."""
    ensure_tools_on_path()
    token = token or secrets.token_hex(16)
    argv = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={course_dir}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}",
    ]
    if hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")
    return argv, f"http://127.0.0.1:{port}/formgrader?token={token}"
