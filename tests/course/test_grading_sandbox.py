"""Hostile submissions graded in the bubblewrap sandbox change no grade and leak nothing.

Each attack (see ``grading_course.attack_cells``) also answers the questions correctly, so it
must get exactly the normal score while its attack fails.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from grading_course import ASSIGNMENT, CASES, session_course, session_graded

from ukm_tools.course.grading.sandbox import write_kernelspec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    return session_graded(tmp_path_factory)


def _outputs(course: Path, student: str) -> str:
    nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return "\n".join(str(o.get("text", "")) + str(o.get("evalue", "")) for c in nb.cells for o in c.get("outputs", []))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_gradebook_cannot_be_written(graded):
    course, report = graded
    assert "WROTE" not in _outputs(course, "attack-gradebook")
    con = sqlite3.connect(course / "gradebook.db")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'pwned'").fetchall() == []
    for student, result in report.by_student().items():
        assert result.score == CASES[student][1]


def test_solutions_and_environment_do_not_leak(graded):
    course, _ = graded
    text = _outputs(course, "attack-read-source")
    assert "SECRET-HIDDEN-TEST" not in text and "BEGIN SOLUTION" not in text
    assert text.count("blocked FileNotFoundError") == 1  # the relative path; the glob found nothing
    env_line = next(line for line in text.splitlines() if line.startswith("[("))
    names = {name for name, _ in eval(env_line)}  # noqa: S307 - our own fixture's repr output
    assert names <= {
        "PATH",
        "HOME",
        "LANG",
        "MPLBACKEND",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "PYTHONDONTWRITEBYTECODE",
        "UKM_STUDENT_ID",
        "NBGRADER_EXECUTION",
        "PWD",
        "TMPDIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",  # per-kernel scratch folders of the warm zygote
        # set by ipykernel itself inside the sandbox
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "GIT_PAGER",
        "PAGER",
        "TERM",
        "PYDEVD_USE_FRAME_EVAL",
    }
    assert dict(eval(env_line))["UKM_STUDENT_ID"] == "attack-read-source"  # noqa: S307


def test_other_submissions_cannot_be_altered(tmp_path_factory, graded):
    course, report = graded
    pristine = session_course(tmp_path_factory)
    assert "WROTE" not in _outputs(course, "attack-alter-other")
    for student in CASES:
        for path in (pristine / "submitted" / student / ASSIGNMENT).iterdir():
            assert _sha(path) == _sha(course / "submitted" / student / ASSIGNMENT / path.name)
    assert report.by_student()["passes-all"].score == 5.0


def test_no_process_outlives_its_kernel(graded):
    course, _ = graded
    # The attack started `sleep 4321.5` and a shell that writes a file 3 s later.
    time.sleep(4)
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if "4321.5" in " ".join(p.info["cmdline"] or [])]
    assert leftovers == []
    assert not (course / "autograded" / "attack-background" / ASSIGNMENT / "late-write.txt").exists()


def test_sandboxed_kernelspec_starts_kernels_only_through_the_provisioner(tmp_path):
    import json
    import subprocess

    root = write_kernelspec(tmp_path / "jupyter")
    spec = json.loads((root / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == "ukm-zygote"
    conn = tmp_path / "conn.json"
    conn.write_text("{}")
    proc = subprocess.run(
        [spec["argv"][0], str(conn)], capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"}
    )
    assert proc.returncode == 97 and "only through the ukm-zygote provisioner" in proc.stderr


def test_provisioner_refuses_an_unannounced_working_folder(tmp_path, monkeypatch):
    import asyncio

    from jupyter_client.kernelspec import KernelSpec

    from ukm_tools.course.grading import provisioner

    class NoSandbox:
        def prepare_stage(self, workdir):
            raise AssertionError("must refuse before copying anything")

    monkeypatch.setattr(provisioner, "_SANDBOX", NoSandbox())
    monkeypatch.setenv("UKM_SANDBOX_WORKDIR", "/nonexistent")
    p = provisioner.ZygoteProvisioner(kernel_id="k", kernel_spec=KernelSpec(argv=["x"], display_name="x"))
    p.folder = "k-test"
    with pytest.raises(provisioner.ZygoteError, match="refusing to run a kernel in"):
        asyncio.run(p.launch_kernel(["wrapper", "conn.json"], cwd=str(tmp_path), env={}))


@pytest.mark.timeout(200)
def test_warm_kernel_leaves_nothing_for_the_next_participant(tmp_path_factory, tmp_path):
    """One worker: the attacker's kernel and then the probe's come from the same zygote."""
    from grading_course import fresh_copy

    from ukm_tools.course.grading import grade_assignment

    course = fresh_copy(
        session_course(tmp_path_factory), tmp_path / "course", students=["attack-persist", "persist-probe"]
    )
    # Schedule the attacker first: the engine starts bigger submissions first.
    probe = course / "submitted" / "persist-probe" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    attack = course / "submitted" / "attack-persist" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert attack.stat().st_size > probe.stat().st_size
    report = grade_assignment(course, ASSIGNMENT, workers=1, cell_timeout=5)
    assert {r.student: (r.status.value, r.score) for r in report.results} == {
        "attack-persist": ("graded", 5.0),
        "persist-probe": ("graded", 5.0),
    }
    began = {s: report.by_student()[s].started_at for s in ("attack-persist", "persist-probe")}
    attack_began, probe_began = began["attack-persist"], began["persist-probe"]
    assert attack_began is not None and probe_began is not None and attack_began < probe_began
    assert "PROBE False False False False" in _outputs(course, "persist-probe")
