"""`ukm init` without the repository: a clear message, and the two ways to point at a template."""

import shutil

import pytest
from test_cli_e2e import ukm

from ukm_tools.course import ops


@pytest.fixture
def installed_without_repo(monkeypatch, tmp_path):
    """What a wheel install sees: no assignments/ folder beside the package, no variable set."""
    monkeypatch.setattr(ops, "REPO_TEMPLATE", tmp_path / "site-packages" / "assignments")
    monkeypatch.delenv("UKM_COURSE_TEMPLATE", raising=False)
    return tmp_path


@pytest.mark.timeout(60)
def test_missing_template_says_what_to_do(installed_without_repo):
    r = ukm("init", str(installed_without_repo / "kursus"), check=False)
    assert r.returncode == 2
    msg = " ".join(r.stderr.split())
    assert str(installed_without_repo / "site-packages" / "assignments") in msg
    assert "set UKM_COURSE_TEMPLATE ke folder assignments/" in msg and "--template" in msg
    assert not (installed_without_repo / "kursus").exists()  # nothing half-made


@pytest.mark.timeout(60)
def test_template_from_variable_or_option(installed_without_repo, monkeypatch):
    copy = installed_without_repo / "templat"
    repo = ops.Path(ops.__file__).resolve().parents[2] / "assignments"
    shutil.copytree(repo, copy)
    r = ukm("init", str(installed_without_repo / "a"), "--template", str(copy))
    assert "ekatalog" in r.stdout and (installed_without_repo / "a" / "course.yml").is_file()
    monkeypatch.setenv("UKM_COURSE_TEMPLATE", str(copy))
    ukm("init", str(installed_without_repo / "b"))
    assert (installed_without_repo / "b" / "source" / "pembiayaan" / "pembiayaan.ipynb").is_file()
    monkeypatch.setenv("UKM_COURSE_TEMPLATE", str(installed_without_repo / "salah"))
    r = ukm("init", str(installed_without_repo / "c"), check=False)
    assert r.returncode == 2 and "(UKM_COURSE_TEMPLATE)" in r.stderr
