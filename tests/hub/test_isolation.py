"""Participants are system users: each attempt to read what is not theirs is refused by the kernel.

Every attempt runs as Budi's system user (as his JupyterLab server, kernel or terminal would),
after Ani, through her own JupyterLab server, saved a note in her home and submitted. Each test also shows
the allowed counterpart works, so a refusal cannot come from a broken set-up.
"""

from __future__ import annotations

import pytest

from tests.hub.conftest import ASSIGNMENT, run_as


def attempt(user, code: str) -> str:
    """Run ``code`` as ``user``; returns 'denied' on PermissionError, else what it printed."""
    wrapped = (
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + ("except PermissionError:\n    print('denied')\n")
    )
    result = run_as(user, wrapped)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def ani_submission(ani_submitted):
    return ani_submitted.inbound


def test_the_course_folder_is_closed(hub):
    course = hub.settings.course_dir
    budi = hub.users["budi"]
    assert attempt(budi, f"print(sorted(__import__('os').listdir({str(course)!r})))") == "denied"
    # answer_keys.py: the expected answers live only here, never in the package a participant imports.
    for target in (
        "nbgrader_config.py",
        "gradebook.db",
        f"source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
        "course.yml",
        "answer_keys.py",
    ):
        assert attempt(budi, f"print(open({str(course / target)!r}, 'rb').read(20))") == "denied", target
    # The course user can (the formgrader and staff services run as it).
    assert attempt(hub.users["kursus"], f"print(open({str(course / 'gradebook.db')!r}, 'rb').read(6))") == "b'SQLite'"


def test_another_participants_home_is_closed(hub, ani_submission):
    ani_home = hub.users["ani"].home
    budi = hub.users["budi"]
    assert attempt(budi, f"print(__import__('os').listdir({str(ani_home)!r}))") == "denied"
    assert attempt(budi, f"print(open({str(ani_home / 'catatan.txt')!r}).read())") == "denied"
    assert attempt(hub.users["ani"], f"print(open({str(ani_home / 'catatan.txt')!r}).read())") == "rahasia Ani"


def test_other_inbound_submissions_are_closed(hub, ani_submission):
    """Budi can drop his own submission but cannot list the inbound folder, nor read or change
    Ani's submission even knowing its exact name."""
    budi = hub.users["budi"]
    inbound = ani_submission.parent
    assert attempt(budi, f"print(__import__('os').listdir({str(inbound)!r}))") == "denied"
    notebook = ani_submission / f"{ASSIGNMENT}.ipynb"
    assert attempt(budi, f"print(open({str(notebook)!r}).read())") == "denied"
    assert attempt(budi, f"open({str(ani_submission / 'palsu.ipynb')!r}, 'w').write('x')") == "denied"
    assert attempt(budi, f"__import__('os').rename({str(ani_submission)!r}, {str(inbound / 'dipindah')!r})") == "denied"
    mine = inbound / f"{hub.budi}+{ASSIGNMENT}+2026-05-12 09:05:00.000000 UTC+Qw8e7Rt6Yu5I"
    assert attempt(budi, f"__import__('os').mkdir({str(mine)!r}); print('ok')") == "ok"
    assert attempt(budi, f"__import__('os').rmdir({str(mine)!r}); print('ok')") == "ok"
    # The course user reads Ani's (group of the setgid inbound folder), so collect works.
    kursus = hub.users["kursus"]
    assert attempt(kursus, f"print(len(open({str(notebook)!r}).read()) > 100)") == "True"


def test_released_assignments_are_readable(hub):
    outbound = hub.settings.exchange_dir / hub.course_id / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    out = attempt(hub.users["budi"], f"print(len(open({str(outbound)!r}).read()) > 100)")
    assert out == "True"


def test_the_hubs_state_and_other_parameters_are_closed(hub):
    """The account store (hashed codes), the hub database and another participant's exercise
    parameters are out of reach; Budi's own parameters are readable."""
    budi = hub.users["budi"]
    for secret in ("accounts.sqlite", "jupyterhub.sqlite", "ukm-cli.token", "jupyterhub_cookie_secret"):
        assert attempt(budi, f"print(open({str(hub.settings.state_dir / secret)!r}, 'rb').read(4))") == "denied"
    params = hub.settings.params_dir
    assert attempt(budi, f"print(open({str(params / (hub.ani + '.json'))!r}).read())") == "denied"
    own = attempt(budi, f"import json; print(json.load(open({str(params / (hub.budi + '.json'))!r}))['student_id'])")
    assert own == hub.budi
    assert attempt(budi, f"print(__import__('os').listdir({str(params)!r}))") == "denied"


def test_another_participants_jupyterlab_refuses_my_token(hub, ani_submitted):
    """Through the hub, Budi's token opens nothing in Ani's JupyterLab; her own token does."""
    import httpx

    hub.ensure_server(hub.ani)
    budi = {"Authorization": f"token {hub.user_token(hub.budi, note='isolation')}"}
    r = httpx.get(f"{hub.settings.url}user/{hub.ani}/api/contents/catatan.txt", headers=budi, timeout=60)
    assert r.status_code == 403 and "rahasia" not in r.text
    with hub.api() as api:
        server_url = api.get(f"users/{hub.ani}").json()["servers"][""]["url"]
    ani_token = {"Authorization": f"token {hub.user_token(hub.ani, note='isolation')}"}
    mine = httpx.get(
        f"{hub.settings.url.rstrip('/')}{server_url}api/contents/catatan.txt", headers=ani_token, timeout=60
    )
    assert mine.status_code == 200 and "rahasia Ani" in mine.text
