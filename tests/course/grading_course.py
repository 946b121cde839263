"""A tiny nbgrader course with one submission per grading case, built once per test session.

Source assignment ``ps1``: two autograded answers with visible and hidden tests
(``test_squares`` 2 points, ``test_total`` 3 points) and one manually graded answer (1 point),
generated with nbgrader's own ``generate_assignment``. Each submission is named after its case;
``CASES`` gives the status and autograde score the engine must report.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "ps1"
COURSE_ID = "ukm-test"
BIN = Path(sys.executable).parent

GOOD_SQUARES = "def squares(n):\n    return [i * i for i in range(n)]\n"
GOOD_TOTAL = "def total(prices):\n    return sum(prices)\n"
BAD_TOTAL = "def total(prices):\n    return 0\n"


def nbgrader_meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    """nbgrader's cell metadata (schema 3); shared with benchmarks/grading/run.py."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("# Latihan 1", metadata=nbgrader_meta("intro", locked=True)),
        new_code_cell(
            "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(n)]\n    ### END SOLUTION",
            metadata=nbgrader_meta("squares", solution=True),
        ),
        new_code_cell(
            "assert squares(3) == [0, 1, 4]\n### BEGIN HIDDEN TESTS\nassert squares(5) == [0, 1, 4, 9, 16]\n### END "
            "HIDDEN TESTS",
            metadata=nbgrader_meta("test_squares", grade=True, locked=True, points=2),
        ),
        new_code_cell(
            "def total(prices):\n    ### BEGIN SOLUTION\n    return sum(prices)\n    ### END SOLUTION",
            metadata=nbgrader_meta("total", solution=True),
        ),
        new_code_cell(
            "assert total([1, 2]) == 3\n### BEGIN HIDDEN TESTS\nassert total([5, 7, 11]) == 23  # "
            "SECRET-HIDDEN-TEST\n### END HIDDEN TESTS",
            metadata=nbgrader_meta("test_total", grade=True, locked=True, points=3),
        ),
        new_markdown_cell("Jelaskan jawaban Anda.", metadata=nbgrader_meta("explain_q", locked=True)),
        new_markdown_cell("YOUR ANSWER HERE", metadata=nbgrader_meta("explain", grade=True, solution=True, points=1)),
    ]
    return nb


def _cell(nb, grade_id):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


def _answer(release, squares=GOOD_SQUARES, total=GOOD_TOTAL):
    nb = copy.deepcopy(release)
    _cell(nb, "squares").source = squares
    _cell(nb, "total").source = total
    _cell(nb, "explain").source = "Karena jumlahnya benar."
    return nb


def attack_cells(course: Path) -> dict[str, str]:
    """Code a hostile participant could submit; every attack swallows its own failure."""
    gb = course / "gradebook.db"
    return {
        "attack-gradebook": (
            "import sqlite3\n"
            f"for path in [{str(gb)!r}, '../../../gradebook.db']:\n"
            "    try:\n"
            "        con = sqlite3.connect(path)\n"
            "        con.execute('UPDATE grade SET auto_score = 0')\n"
            "        con.execute('CREATE TABLE pwned (x)')\n"
            "        con.commit()\n"
            "        print('WROTE', path)\n"
            "    except Exception as exc:\n"
            "        print('blocked', type(exc).__name__)\n"
        ),
        "attack-read-source": (
            "import glob\n"
            f"for path in glob.glob({str(course)!r} + '/source/*/*.ipynb') + ['../../../source/ps1/ps1.ipynb']:\n"
            "    try:\n"
            "        print(open(path).read())\n"
            "    except Exception as exc:\n"
            "        print('blocked', type(exc).__name__)\n"
            "import os\n"
            "print(sorted(os.environ.items()))\n"
        ),
        "attack-alter-other": (
            "import glob\n"
            f"for path in glob.glob({str(course)!r} + '/*/passes-all/ps1/*.ipynb') + "
            "['../../passes-all/ps1/ps1.ipynb']:\n"
            "    try:\n"
            "        open(path, 'w').write('{}')\n"
            "        print('WROTE', path)\n"
            "    except Exception as exc:\n"
            "        print('blocked', type(exc).__name__)\n"
        ),
        "attack-background": (
            "import subprocess\n"
            "subprocess.Popen(['sleep', '4321.5'])\n"
            "subprocess.Popen(['/bin/sh', '-c', 'sleep 3; echo late > late-write.txt'])\n"
        ),
    }


PERSIST_ATTACK = (
    "import os, subprocess\n"
    "startup = os.path.expanduser('~/.ipython/profile_default/startup')\n"
    "os.makedirs(startup, exist_ok=True)\n"
    "open(startup + '/00-evil.py', 'w').write('import builtins\\nbuiltins.HACKED = 1\\n')\n"
    "open('/tmp/evil-marker', 'w').write('x')\n"
    "open('json.py', 'w').write('raise SystemExit(1)')\n"
    "subprocess.Popen(['/bin/sh', '-c', 'sleep 2; echo evil > evil.txt; sleep 100'])\n"
)
PERSIST_PROBE = (
    "import os, time, builtins, importlib\n"
    "time.sleep(3)\n"
    "print('PROBE', os.path.exists('/tmp/evil-marker'), os.path.exists('evil.txt'), hasattr(builtins, 'HACKED'),"
    " os.path.exists('json.py'))\n"
)


#: case -> (status, autograde score (None: not graded), max score)
CASES = {
    "passes-all": ("graded", 5.0, 6.0),
    "fails-one": ("graded", 2.0, 6.0),
    "infinite-loop": ("timeout", 2.0, 6.0),
    "memory-bomb": ("graded", 2.0, 6.0),
    "kernel-crash": ("kernel_died", None, None),
    "corrupt-json": ("corrupt_notebook", None, None),
    "deleted-test-cell": ("tampered_test_cell", 5.0, 6.0),
    "edited-test-cell": ("tampered_test_cell", 2.0, 6.0),
    "empty-file": ("corrupt_notebook", None, None),
    "wrong-notebook-name": ("missing_notebook", None, None),
    "attack-gradebook": ("graded", 5.0, 6.0),
    "attack-read-source": ("graded", 5.0, 6.0),
    "attack-alter-other": ("graded", 5.0, 6.0),
    "attack-background": ("graded", 5.0, 6.0),
    "attack-persist": ("graded", 5.0, 6.0),
    "persist-probe": ("graded", 5.0, 6.0),
}


def write_submission(course: Path, assignment: str, student: str, nb=None, *, name: str = "", raw=None) -> None:
    """``submitted/<student>/<assignment>/`` as collect leaves it: the notebook (or raw bytes) and a timestamp."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    path = folder / (name or f"{assignment}.ipynb")
    if raw is not None:
        path.write_bytes(raw if isinstance(raw, bytes) else raw.encode())
    else:
        nbformat.write(nb, path)


def _run(args, cwd):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NBFORMAT_VALIDATOR="fastjsonschema")
    subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=180)


def build_course(root: Path) -> Path:
    """Create the course at ``root`` with the released assignment and every case's submission."""
    course = root / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    nbformat.write(source_notebook(), course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    _run(["generate_assignment", ASSIGNMENT, "--force"], course)
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    attacks = attack_cells(course)

    def submit(student, nb=None, *, name=f"{ASSIGNMENT}.ipynb", raw=None):
        write_submission(course, ASSIGNMENT, student, nb, name=name, raw=raw)

    submit(
        "passes-all",
        _answer(release, squares="import os\nprint('ID', os.environ.get('UKM_STUDENT_ID'))\n" + GOOD_SQUARES),
    )
    submit("fails-one", _answer(release, total=BAD_TOTAL))
    submit("infinite-loop", _answer(release, total="while True:\n    pass\n"))
    # One allocation past the kernel's 2 GiB address-space limit: refused at once (MemoryError)
    # however busy the machine, where filling 100 MB blocks up to the limit could outlast the cell
    # timeout on a loaded machine. Without the limit it would succeed (3 GiB on a 24 GiB machine),
    # so the case still proves the limit.
    submit("memory-bomb", _answer(release, total="blob = bytearray(3 * 1024**3)\n" + GOOD_TOTAL))
    submit("kernel-crash", _answer(release, total="import os\nos._exit(3)\n"))
    good = nbformat.writes(_answer(release))
    submit("corrupt-json", raw=good[: len(good) // 2].encode())
    deleted = _answer(release)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_total"]
    submit("deleted-test-cell", deleted)
    edited = _answer(release, total=BAD_TOTAL)
    _cell(edited, "test_total").source = "pass"
    submit("edited-test-cell", edited)
    submit("empty-file", raw=b"")
    submit("wrong-notebook-name", _answer(release), name=f"{ASSIGNMENT}-Copy1.ipynb")
    attacks = dict(attacks, **{"attack-persist": PERSIST_ATTACK, "persist-probe": PERSIST_PROBE})
    for student, code in attacks.items():
        nb = _answer(release)
        nb.cells.insert(2, new_code_cell(code))
        submit(student, nb)
    return course


_BUILT: dict[str, Any] = {}  # the built course, and the graded (course, report)


def session_course(tmp_path_factory) -> Path:
    """The ungraded fixture course, built once per session; copy it before grading."""
    if "course" not in _BUILT:
        _BUILT["course"] = build_course(tmp_path_factory.mktemp("grading"))
    return _BUILT["course"]


def session_graded(tmp_path_factory):
    """(course, report): a copy of the fixture course graded once per session, sandbox on."""
    if "graded" not in _BUILT:
        from ukm_tools.course.grading import grade_assignment

        course = fresh_copy(session_course(tmp_path_factory), tmp_path_factory.mktemp("graded") / "course")
        report = grade_assignment(course, ASSIGNMENT, cell_timeout=5)
        _BUILT["graded"] = (course, report)
    return _BUILT["graded"]


def fresh_copy(course: Path, target: Path, students: list[str] | None = None) -> Path:
    """Copy of the course (gradebook included) for tests that grade it themselves."""
    shutil.copytree(course, target, ignore=shutil.ignore_patterns("autograded", "feedback", "backups"))
    if students is not None:
        for folder in (target / "submitted").iterdir():
            if folder.name not in students:
                shutil.rmtree(folder)
    return target


def runtime_folders(pid: int) -> list[Path]:
    """The engine's runtime folders of the run with this pid (in the temp folder, or /tmp)."""
    return sorted({p for base in {Path("/tmp"), Path(tempfile.gettempdir())} for p in base.glob(f"ukm-grade-{pid}-*")})
