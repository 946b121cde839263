"""The hostile course, built and graded once per session (sandbox on); see hostile_course.py."""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.security.hostile_course import (
    HONEST,
    KEY_THIEF,
    KEY_THIEF_PAYMENT,
    LINKS_PRELUDE,
    RAM_HOG,
    WRONG,
    A,
    B,
    can_make_users,
    course_checksums,
    hand_in_as_user,
    mark_sources,
    notebook_for,
    runtime_attack,
    score_cheat,
    system_users,
)
from ukm_tools.course import ops
from ukm_tools.course.environment import ensure_tools_on_path
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant

ensure_tools_on_path()

#: Kernel scratch of the test course (small, so the RAM attack is quick); counted in memory_bytes.
SCRATCH_BYTES = 64 * 1024**2
SHM_BYTES = 16 * 1024**2
MEMORY_BYTES = 2 * 1024**3
T1, T2 = "2026-03-02 09:00:00.000000 UTC", "2026-03-02 11:00:00.000000 UTC"


def _attempt(errors: dict, step: str, fn, *args, **kwargs):
    """Run one step of the workshop; a step that crashes is recorded (the tests say "the run finished")."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        errors[step] = traceback.format_exc()
        return None


def _submit(course: Path, assignment: str, student: str, nb, work: Path) -> None:
    from course_helpers import submit

    submit(course, assignment, student, nb, work)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    with ExitStack() as stack:
        # The exchange must be reachable for the system users of the identity attack.
        shared = Path(tempfile.mkdtemp(prefix="ukm-sec-", dir="/tmp"))
        stack.callback(shutil.rmtree, shared, True)
        os.chmod(shared, 0o755)
        users = stack.enter_context(system_users(2)) if can_make_users() else None
        yield _build(root, shared, users)


def _build(root: Path, shared: Path, users: list[str] | None) -> SimpleNamespace:
    errors: dict[str, str] = {}
    course = ops.init_course(root / "kursus")
    with (course / "nbgrader_config.py").open("a") as f:
        f.write(
            f"\nc.Exchange.root = {str(shared / 'exchange')!r}\n"
            f"c.SandboxLimits.memory_bytes = {MEMORY_BYTES}\n"
            f"c.SandboxLimits.scratch_bytes = {SCRATCH_BYTES}\n"
            f"c.SandboxLimits.shm_bytes = {SHM_BYTES}\n"
        )
    mark_sources(course)
    korban, penyamar = users if users else ("korban", "penyamar")
    ids = ["jujur", korban, penyamar, "penjahat-runtime", "penjahat-tautan", "pencuri", "penimbun"]
    people = [Participant(s, s.title(), phone="0812 3456 7890", email=f"{s}@contoh.id") for s in ids]
    store_participants(ops.db_url(course), people)
    for assignment in (A, B):
        ops.release(course, assignment)
    work = root / "laptop"
    _submit(course, A, "jujur", notebook_for(course, A, HONEST[A]), work)
    _submit(course, B, "jujur", notebook_for(course, B, HONEST[B]), work)
    _submit(course, A, "penjahat-runtime", notebook_for(course, A, HONEST[A], runtime_attack(course)), work)
    _submit(course, A, "penjahat-tautan", notebook_for(course, A, HONEST[A], LINKS_PRELUDE), work)
    thief = {
        k: v.replace("@COURSE@", str(course)).replace("@TEMPLATE@", str(ops.REPO_TEMPLATE))
        for k, v in KEY_THIEF.items()
    }
    _submit(course, A, "pencuri", notebook_for(course, A, thief), work)
    _submit(course, B, "pencuri", notebook_for(course, B, KEY_THIEF_PAYMENT), work)
    _submit(course, A, "penimbun", notebook_for(course, A, HONEST[A], RAM_HOG), work)

    cfg = ops.load_config(course)
    inbound = Path(cfg.Exchange.root) / cfg.CourseDirectory.course_id / "inbound"
    # Escape 2: links and too many files in a participant's own inbound folder.
    (linked,) = inbound.glob(f"penjahat-tautan+{A}+*")
    (linked / "kunci.txt").symlink_to(course / "source" / A / f"{A}.ipynb")
    (linked / "nilai.txt").symlink_to(course / "gradebook.db")
    os.link(course / "source" / A / f"{A}.ipynb", linked / "salinan.txt")
    for i in range(60):
        (linked / f"sampah-{i:03d}.txt").write_text(f"{i}\n")

    if users:
        # Escape 3: two participants who are system users; the second also hands in as the first, later.
        src = Path(tempfile.mkdtemp(prefix="ukm-sec-src-", dir="/tmp"))
        os.chmod(src, 0o755)
        try:
            import nbformat

            for who, answers, name in ((korban, HONEST[A], "asli"), (penyamar, HONEST[A], "sendiri")):
                path = src / f"{name}.ipynb"
                nbformat.write(notebook_for(course, A, answers), path)
                os.chmod(path, 0o644)
                hand_in_as_user(who, inbound, f"{who}+{A}+{T1}", path, A)
            forged = src / "palsu.ipynb"
            nbformat.write(notebook_for(course, A, WRONG), forged)
            os.chmod(forged, 0o644)
            first = _attempt(errors, "collect", ops.collect, course, A)
            genuine = (course / "submitted" / korban / A / f"{A}.ipynb").read_bytes()
            hand_in_as_user(penyamar, inbound, f"{korban}+{A}+{T2}", forged, A)
        finally:
            shutil.rmtree(src, ignore_errors=True)
    else:
        _submit(course, A, "korban", notebook_for(course, A, HONEST[A]), work)
        _submit(course, A, "penyamar", notebook_for(course, A, HONEST[A]), work)
        first, genuine = None, None
    collected = {a: _attempt(errors, f"collect {a}", ops.collect, course, a) for a in (A, B)}
    before = course_checksums(course)

    from ukm_tools.course.grading import grade_assignment

    reports = {
        a: _attempt(errors, f"grade {a}", grade_assignment, course, a, workers=2, cell_timeout=20) for a in (A, B)
    }
    feedback = {a: _attempt(errors, f"feedback {a}", ops.feedback, course, a) for a in (A, B)}
    from ukm_tools.course.reports import export

    exports = root / "ekspor-nilai"
    _attempt(errors, "export", export, course, exports, [A, B])
    return SimpleNamespace(
        course=course,
        root=root,
        inbound=inbound,
        users=users,
        korban=korban,
        penyamar=penyamar,
        honest=["jujur", korban, penyamar],
        first_collect=first,
        genuine=genuine,
        collected=collected,
        reports=reports,
        feedback=feedback,
        exports=exports,
        errors=errors,
        before=before,
        after=course_checksums(course),
    )


@pytest.fixture(scope="session")
def unsandboxed(hostile, tmp_path_factory):
    """Escape 6: a copy of the graded course where 'curang' writes scores straight into the gradebook."""
    from course_helpers import grades
    from typer.testing import CliRunner

    from ukm_tools.cli import _COMMAND_MODULES, app
    from ukm_tools.course.grading import grade_assignment

    errors: dict[str, str] = {}
    root = tmp_path_factory.mktemp("tanpa-sandbox")
    course = root / "kursus"
    shutil.copytree(hostile.course, course, ignore=shutil.ignore_patterns("feedback", ".ukm-locks"))
    store_participants(ops.db_url(course), [Participant("curang", "Curang", email="curang@contoh.id")])
    import nbformat

    folder = course / "submitted" / "curang" / A
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(T1)
    nbformat.write(notebook_for(course, A, HONEST[A], score_cheat(course, hostile.korban)), folder / f"{A}.ipynb")
    before = {s: grades(course, A, s) for s in hostile.honest}

    # The CLI: --no-sandbox without confirmation (no terminal to ask) is refused, with the warning.
    only_curang = root / "kursus-cli"
    shutil.copytree(course, only_curang)
    for sub in (only_curang / "submitted").iterdir():
        if sub.name != "curang":
            shutil.rmtree(sub)
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    cli = CliRunner().invoke(
        app, ["grade", A, "--course", str(only_curang), "--no-sandbox"], env={"UKM_LANG": "id", "COLUMNS": "200"}
    )
    report = _attempt(
        errors,
        "grade",
        grade_assignment,
        course,
        A,
        sandbox=False,
        confirm_unsandboxed=True,
        students=["curang"],
        cell_timeout=20,
    )
    from ukm_tools.course.reports import export

    exports = root / "ekspor-nilai"
    _attempt(errors, "export", export, course, exports, [A])
    return SimpleNamespace(course=course, cli=cli, report=report, errors=errors, before=before, exports=exports)
