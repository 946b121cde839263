"""Course operations, thin over nbgrader's Python API: init, generate, release, collect, feedback.

All functions take the course folder (the one holding nbgrader_config.py and course.yml)
and load that folder's nbgrader configuration, so they behave exactly like the
``nbgrader`` commands run there — without a 6-second process start per call.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ukm_tools.course.environment import ensure_tools_on_path
from ukm_tools.errors import UkmError

CONFIG_FILE = "nbgrader_config.py"
# kunci-jawaban/: the pre/post tests' answer keys and the model answers of hand-graded questions,
# beside source/ (never released).
TEMPLATE_FILES = ("nbgrader_config.py", "course.yml", "answer_keys.py", "source", "kunci-jawaban")
#: Staff-only parts of a course (solutions, hidden tests, answer keys, model answers): private to the staff account.
PRIVATE_MODES = {"source": 0o700, "answer_keys.py": 0o600, "kunci-jawaban": 0o700}
#: The exchange on a shared server, where participants (other system users) drop submissions:
#: sticky root, so nobody renames another's folder; inbound writable but not listable, setgid so
#: submissions get the course's group. The workshop server (ukm_tools.hub.isolation) uses the same.
EXCHANGE_ROOT_MODE = 0o1777
INBOUND_MODE = 0o3733


# In a source checkout the template sits beside the package. A wheel install does not ship it
# (package data would duplicate the folder), so staff point UKM_COURSE_TEMPLATE at a copy.
REPO_TEMPLATE = Path(__file__).resolve().parents[2] / "assignments"


def template_dir(explicit: str | Path | None = None) -> Path:
    """The course template: ``explicit``, else ``$UKM_COURSE_TEMPLATE``, else the repository's ``assignments/``.

    Raises:
        UkmError: ``template_not_found`` naming the folder tried and where it came from.
    """
    env = os.environ.get("UKM_COURSE_TEMPLATE")
    if explicit:
        path, source = Path(explicit), "--template"
    elif env:
        path, source = Path(env), "UKM_COURSE_TEMPLATE"
    else:
        path, source = REPO_TEMPLATE, "bawaan repositori / repository default"
    if not (path / CONFIG_FILE).is_file():
        raise UkmError("template_not_found", "template", str(path), source=source)
    return path


def init_course(target: str | Path, template: str | Path | None = None) -> Path:
    """A new course folder from the template (nbgrader_config.py, course.yml, answer_keys.py, source/)
    and its empty gradebook: the only place a gradebook is ever created."""
    target = Path(target).resolve()
    src = template_dir(template)
    if target.exists() and any(target.iterdir()):
        raise UkmError("course_dir_not_empty", "folder", str(target))
    target.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        s = src / name
        if s.is_dir():
            shutil.copytree(s, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif s.is_file():
            shutil.copy2(s, target / name)
        if name in PRIVATE_MODES and (target / name).exists():
            os.chmod(target / name, PRIVATE_MODES[name])
    from nbgrader.coursedir import CourseDirectory

    from ukm_tools.course.config import load_course
    from ukm_tools.course.grading.gradebook import create_gradebook

    load_course(target)
    cfg = load_config(target)
    create_gradebook(_gradebook_url(target, cfg), CourseDirectory(config=cfg).course_id or "default_course")
    return target


def check_course_dir(course_dir: str | Path) -> Path:
    path = Path(course_dir).resolve()
    if not (path / CONFIG_FILE).is_file():
        raise UkmError("not_a_course", "course_dir", str(path))
    return path


def load_config(course_dir: str | Path, **overrides):
    """The course's nbgrader configuration (plus ``Section.trait`` overrides)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = check_course_dir(course_dir)
    cfg = PyFileConfigLoader(CONFIG_FILE, path=str(path)).load_config()
    extra = Config()
    for key, value in overrides.items():
        section, trait = key.split(".")
        extra[section][trait] = value
    cfg.merge(extra)
    return cfg


@contextmanager
def _in_dir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def api(course_dir: str | Path, **overrides):
    """nbgrader's ``NbGraderAPI`` for the course, configured from its nbgrader_config.py.

    Raises ``gradebook_missing`` / ``gradebook_unwritable`` first: nbgrader would silently
    create an empty gradebook in place of a missing one.
    """
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from ukm_tools.course.grading.gradebook import check_gradebook

    cfg = load_config(course_dir, **overrides)
    check_gradebook(_gradebook_url(course_dir, cfg))
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def db_url(course_dir: str | Path) -> str:
    """The course's gradebook URL, after checking the gradebook exists and can be written."""
    from ukm_tools.course.grading.gradebook import check_gradebook

    url = _gradebook_url(course_dir, load_config(course_dir))
    check_gradebook(url)
    return url


def _gradebook_url(course_dir: str | Path, cfg) -> str:
    """The configured gradebook URL, else nbgrader's default: ``gradebook.db`` in the course folder."""
    from ukm_tools.course.grading.status import default_db_url

    url = cfg.CourseDirectory.get("db_url", None)
    return url if isinstance(url, str) and url else default_db_url(course_dir)


def _check(result: dict, step: str, name: str) -> dict:
    if not result.get("success"):
        detail = (result.get("error") or "").strip().splitlines()
        raise UkmError("nbgrader_failed", "assignment", name, step=step, detail=detail[-1] if detail else "?")
    return result


def ensure_exchange(course_dir: Path) -> Path:
    cfg = load_config(course_dir)
    root = Path(cfg.Exchange.root)
    inbound = root / cfg.CourseDirectory.course_id / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    (root / cfg.CourseDirectory.course_id / "outbound").mkdir(parents=True, exist_ok=True)
    os.chmod(root, EXCHANGE_ROOT_MODE)
    os.chmod(inbound, INBOUND_MODE)
    return root


def generate(course_dir: str | Path, assignment: str) -> Path:
    """``nbgrader generate_assignment``: the participant version in release/ (solutions, hidden tests removed)."""
    course_dir = check_course_dir(course_dir)
    with _in_dir(course_dir):
        _check(api(course_dir).generate_assignment(assignment, force=True, create=True), "generate", assignment)
    return course_dir / "release" / assignment


def release(course_dir: str | Path, assignment: str) -> Path:
    """Generate and release to the exchange, where participants fetch it."""
    course_dir = check_course_dir(course_dir)
    generate(course_dir, assignment)
    ensure_exchange(course_dir)
    with _in_dir(course_dir):
        a = api(course_dir)
        out = Path(load_config(course_dir).Exchange.root) / a.coursedir.course_id / "outbound" / assignment
        if out.exists():
            a.unrelease(assignment)
        _check(a.release_assignment(assignment), "release", assignment)
    return out


def collect(course_dir: str | Path, assignment: str):
    """Collect every participant's newest submission from the exchange into submitted/.

    Only regular files are copied, within the course's size and count limits, and identity
    comes from the system user owning each inbound folder (:mod:`ukm_tools.course.intake`).
    Returns a :class:`~ukm_tools.course.intake.CollectReport`: iterating it gives the
    participants with a stored submission; it also lists skipped files and refused folders.
    """
    from ukm_tools.course import intake
    from ukm_tools.course.participants import load_participants

    course_dir = check_course_dir(course_dir)
    cfg = load_config(course_dir)
    url = db_url(course_dir)
    inbound = Path(cfg.Exchange.root) / cfg.CourseDirectory.course_id / "inbound"
    if not inbound.is_dir():  # nothing handed in yet
        return intake.CollectReport(assignment, students=intake.stored_students(course_dir, assignment))
    from nbgrader.api import Gradebook

    with Gradebook(url, cfg.CourseDirectory.course_id) as gb:
        roster = {s.id for s in gb.students} | set(load_participants(url))
    return intake.collect(course_dir, assignment, inbound, roster, intake.Limits.from_config(cfg))


def submit_as(course_dir: str | Path, assignment: str, student_id: str, work_dir: Path) -> None:
    """Hand in ``work_dir/<course_id>/<assignment>/`` through the exchange as ``student_id``.

    This is what ``nbgrader submit --student ID`` does for a participant; the demo and
    tests use it to simulate participants.
    """
    ensure_tools_on_path()
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.submit import ExchangeSubmit

    course_dir = check_course_dir(course_dir)
    cfg = load_config(
        course_dir, **{"CourseDirectory.student_id": student_id, "CourseDirectory.assignment_id": assignment}
    )
    coursedir = CourseDirectory(config=cfg)
    submit = ExchangeSubmit(
        coursedir=coursedir,
        authenticator=Authenticator(config=cfg),
        config=cfg,
        assignment_dir=str(work_dir),
        cache=str(work_dir / ".nbgrader-cache"),
    )
    submit.start()


def released_notebook(course_dir: str | Path, assignment: str) -> Path:
    course_dir = check_course_dir(course_dir)
    return course_dir / "release" / assignment / f"{assignment}.ipynb"


@dataclass
class FeedbackResult:
    student: str
    path: Path | None
    ok: bool
    error: str = ""


def feedback(
    course_dir: str | Path, assignment: str, students: list[str] | None = None, *, release: bool = True
) -> list[FeedbackResult]:
    """Feedback HTML per graded participant (hidden tests stripped by the course config).

    With ``release`` the files are also put in the exchange, where each participant
    fetches their own from the assignment list (``nbgrader release_feedback``).
    """
    from ukm_tools.course.feedback import localize_feedback_html

    course_dir = check_course_dir(course_dir)
    from ukm_tools.course.quiet import quiet_nbgrader

    results: list[FeedbackResult] = []
    with _in_dir(course_dir), quiet_nbgrader():
        a = api(course_dir)
        graded = sorted(a.get_autograded_students(assignment))
        for sid in students or graded:
            if sid not in graded:
                results.append(FeedbackResult(sid, None, False, "not graded"))
                continue
            r = a.generate_feedback(assignment, sid, force=True)
            path = course_dir / "feedback" / sid / assignment / f"{assignment}.html"
            ok = bool(r.get("success")) and path.is_file()
            if ok:
                localize_feedback_html(path)
            err = "" if ok else ((r.get("error") or "").strip().splitlines() or ["?"])[-1]
            results.append(FeedbackResult(sid, path if ok else None, ok, err))
        if release and any(r.ok for r in results):
            ensure_exchange(course_dir)
            _check(a.release_feedback(assignment), "release feedback", assignment)
    return results
