"""JupyterLab for participants who want notebooks: fetch and submit as themselves, a cap on servers,
idle servers stopped. (The culling test is last in this file: it waits for the culler.)"""

from __future__ import annotations

import shutil
import stat
import time

from tests.hub.conftest import ASSIGNMENT, run_as, ukm


def test_fetch_and_submit_arrive_under_the_participants_own_id(hub, ani_submitted):
    """The fetched copy is Ani's, in her home; the submission in the inbound folder is named with
    her id, owned by her uid, private to her and the course group; collect files it under her id."""
    ani, kursus = hub.users["ani"], hub.users["kursus"]
    notebook = ani_submitted.fetched / f"{ASSIGNMENT}.ipynb"
    assert notebook.is_file() and notebook.stat().st_uid == ani.uid
    inbound = ani_submitted.inbound
    assert inbound.name.startswith(f"{hub.ani}+{ASSIGNMENT}+")
    info = inbound.stat()
    assert info.st_uid == ani.uid and info.st_gid == kursus.gid
    assert stat.S_IMODE(info.st_mode) & 0o007 == 0, oct(info.st_mode)
    submitted_nb = inbound / f"{ASSIGNMENT}.ipynb"
    assert submitted_nb.stat().st_uid == ani.uid and stat.S_IMODE(submitted_nb.stat().st_mode) == 0o640

    # Staff collect on the server (root continues as the course user).
    ukm(hub.settings, "collect", ASSIGNMENT, "--course", str(hub.settings.course_dir))
    submitted = hub.settings.course_dir / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == [hub.ani]
    copy = submitted / hub.ani / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert copy.read_bytes() == submitted_nb.read_bytes()
    assert copy.stat().st_uid == kursus.uid  # collected as the course user, not root


def test_a_submission_forged_in_anothers_name_is_refused(hub, ani_submitted):
    """Budi drops a newer folder named for Ani into the inbound folder: collect reads the owner
    (Budi's uid), refuses the folder and says so; Ani's own submission stays the one collected
    (identity from the folder's owner: ukm_tools.course.intake)."""
    inbound = ani_submitted.inbound.parent
    forged = inbound / f"{hub.ani}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+palsu"
    make = (
        f"import os\nos.mkdir({str(forged)!r})\n"
        f"open(os.path.join({str(forged)!r}, '{ASSIGNMENT}.ipynb'), 'w').write('{{}}')\n"
        f"open(os.path.join({str(forged)!r}, 'timestamp.txt'), 'w').write('2099-01-01 00:00:00.000000 UTC')\n"
    )
    try:
        assert run_as(hub.users["budi"], make).returncode == 0
        collected = ukm(hub.settings, "collect", ASSIGNMENT, "--course", str(hub.settings.course_dir))
        assert hub.budi in collected.stderr and "palsu" in collected.stderr  # reported, naming the owner
        copy = hub.settings.course_dir / "submitted" / hub.ani / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert copy.read_bytes() == (ani_submitted.inbound / f"{ASSIGNMENT}.ipynb").read_bytes()
    finally:
        shutil.rmtree(forged, ignore_errors=True)


def test_the_server_limit_refuses_with_a_clear_message(hub, ani_submitted):
    """With the limit at one server, Budi asking for JupyterLab while Ani's runs gets a 429 page in
    Indonesian saying the workspace is full, how many fit, and what to do."""
    hub.ensure_server(hub.ani)
    with hub.browser_session(hub.budi) as budi:
        r = budi.get("hub/spawn", follow_redirects=True)
    assert r.status_code == 429
    assert "sedang penuh" in r.text and f"paling banyak {hub.settings.server_limit} peserta" in r.text
    assert "Active user limit" not in r.text
    assert not hub.server_ready(hub.budi)


def test_an_idle_server_is_culled(hub, ani_submitted):
    """Nobody uses Ani's server: the idle culler (a hub service with its own role) stops it; her files stay."""
    hub.ensure_server(hub.ani)
    limit = hub.settings.cull_timeout_s + 2 * hub.settings.cull_every_s + 2 * hub.settings.activity_interval_s + 30
    deadline = time.monotonic() + limit
    with hub.api() as api:
        while api.get(f"users/{hub.ani}").json()["servers"]:  # stopping counts as running until done
            assert time.monotonic() < deadline, f"not culled within {limit} s"
            time.sleep(2)
    assert (ani_submitted.fetched / f"{ASSIGNMENT}.ipynb").is_file()
    assert "idle-culler" in hub.log.read_text()
