"""A real course (the template's harga-incoterms and pembayaran) handed in by honest and hostile participants.

Built once per test session by ``conftest.py``; every attack of issue 9 is one participant (or,
for the identity attack, two system users), so one grading run answers every attack test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
from course_helpers import CORRECT, WRONG, participant_notebook  # noqa: E402

A = "harga-incoterms"
B = "pembayaran"
AUTO_CELLS = {A: ("cek_exw", "cek_fob", "cek_cif"), B: ("cek_rupiah", "cek_selisih", "cek_bersih", "cek_cara_bayar")}
FULL = {
    A: {"cek_exw": 2.0, "cek_fob": 3.0, "cek_cif": 3.0},
    B: {"cek_rupiah": 3.0, "cek_selisih": 2.0, "cek_bersih": 3.0, "cek_cara_bayar": 2.0},
}
TOKEN = secrets.token_hex(4)
MARK_SOLUTION = f"PENANDA-SOLUSI-{TOKEN}"
MARK_HIDDEN = f"PENANDA-TES-{TOKEN}"
MARK_KEY = f"PENANDA-KUNCI-{TOKEN}"
SQLITE_MAGIC = "SQLite format 3"
#: Files the grading run itself writes; everything else in the course must stay byte for byte.
GRADER_WRITES = ("gradebook.db", "backups/", "autograded/", "feedback/", ".ukm-locks/")

HONEST = {
    A: CORRECT,
    B: {
        "jawab_rupiah": "rupiah_diterima = proceeds_to_idr(invoice, kasus.rates).money.rounded()",
        "jawab_selisih": "selisih_kurs = spread_cost(invoice, kasus.rates).rounded()",
        "jawab_bersih": (
            "biaya_lc = lc_cost(invoice, load_fee_schedule()).total\n"
            "dana_bersih = proceeds_to_idr(invoice - biaya_lc, kasus.rates).money.rounded()"
        ),
        "jawab_cara_bayar": 'cara_bayar = "b"',
    },
}


def mark_sources(course: Path) -> None:
    """Unique markers in the solution, the hidden tests and the answer key: none may reach a participant."""
    for assignment in (A, B):
        path = course / "source" / assignment / f"{assignment}.ipynb"
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "### BEGIN SOLUTION\n" in cell.source and cell.cell_type == "code":
                cell.source = cell.source.replace("### BEGIN SOLUTION\n", f"### BEGIN SOLUTION\n# {MARK_SOLUTION}\n", 1)
            if "### BEGIN HIDDEN TESTS\n" in cell.source:
                cell.source = cell.source.replace(
                    "### BEGIN HIDDEN TESTS\n", f"### BEGIN HIDDEN TESTS\n# {MARK_HIDDEN}\n", 1
                )
        nbformat.write(nb, path)
    keys = course / "answer_keys.py"
    if keys.exists():
        keys.write_text(keys.read_text() + f"\n# {MARK_KEY}\n")


def runtime_attack(course: Path) -> str:
    """Escape 1: plant links named like the grader's next connection files, logs and sockets."""
    gradebook, course_yml = course / "gradebook.db", course / "course.yml"
    return (
        "import os, glob\n"
        f"GB, YML = {str(gradebook)!r}, {str(course_yml)!r}\n"
        "print('MOUNTINFO', open('/proc/self/mountinfo').read())\n"
        "planted = 0\n"
        "folders = {'/run/ukm', os.getcwd(), '/tmp', '/stage'} | set(glob.glob('/run/ukm/*'))\n"
        "for d in sorted(folders):\n"
        "    for n in range(1, 80):\n"
        "        for name in (f'conn-{n}.json', f'kernel-{n}.json'):\n"
        "            try:\n"
        "                os.symlink(GB, os.path.join(d, name)); planted += 1\n"
        "            except OSError:\n"
        "                pass\n"
        "    for name in ('zygote.log', 'zygote.sock', 'kernel.log', 'connection.json'):\n"
        "        p = os.path.join(d, name)\n"
        "        try:\n"
        "            if os.path.lexists(p):\n"
        "                os.unlink(p)\n"
        "            os.symlink(YML, p); planted += 1\n"
        "        except OSError:\n"
        "            pass\n"
        "print('PLANTED', planted)\n"
    )


LINKS_PRELUDE = (
    "for name in ('kunci.txt', 'nilai.txt', 'salinan.txt'):\n"
    "    try:\n"
    "        print(name, open(name, 'rb').read()[:4000])\n"
    "    except Exception as exc:\n"
    "        print('blocked', name, type(exc).__name__)\n"
)

KEY_THIEF = {
    # Escape 4: the solution cells ask the package (and any answer-key file in reach) for the answers.
    "jawab_exw": (
        "harga_exw = harga_fob = harga_cif = None\n"
        "from ukm_tools.exercises import current_identity\n"
        "sid, produk = current_identity()\n"
        "kunci = None\n"
        "try:\n"
        "    from ukm_tools.exercises.tugas import ASSIGNMENTS\n"
        "    kunci = ASSIGNMENTS['harga-incoterms'].expected(sid, produk)\n"
        "    print('KEY-VIA-PACKAGE')\n"
        "except Exception as exc:\n"
        "    print('blocked package', type(exc).__name__)\n"
        "import glob, importlib.util, os, ukm_tools\n"
        "for path in sorted(set(glob.glob(os.path.dirname(ukm_tools.__file__) + '/**/*.py', recursive=True)\n"
        "        + glob.glob('/stage/**/*.py', recursive=True) + glob.glob('@COURSE@/*.py')\n"
        "        + glob.glob('@TEMPLATE@/*.py'))):\n"
        "    try:\n"
        "        text = open(path).read()\n"
        "        if 'KEYS' not in text:\n"
        "            continue\n"
        "        spec = importlib.util.spec_from_file_location('k', path)\n"
        "        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "        kunci = m.KEYS['harga-incoterms'](sid, produk)\n"
        "        print('KEY-VIA-FILE', path)\n"
        "    except Exception as exc:\n"
        "        print('blocked', path, type(exc).__name__)\n"
        "if kunci:\n"
        "    harga_exw = kunci['harga_exw'].value\n"
        "    harga_fob = kunci['harga_fob'].value\n"
        "    harga_cif = kunci['harga_cif'].value\n"
    ),
    "jawab_fob": "pass",
    "jawab_cif": "pass",
}

KEY_THIEF_PAYMENT = {
    "jawab_rupiah": (
        "rupiah_diterima = selisih_kurs = dana_bersih = cara_bayar = None\n"
        "from ukm_tools.exercises import current_identity\n"
        "sid, produk = current_identity()\n"
        "try:\n"
        "    from ukm_tools.exercises.tugas import ASSIGNMENTS\n"
        "    k = ASSIGNMENTS['pembayaran'].expected(sid, produk)\n"
        "    rupiah_diterima, selisih_kurs = k['rupiah_diterima'].value, k['selisih_kurs'].value\n"
        "    dana_bersih, cara_bayar = k['dana_bersih'].value, k['cara_bayar'].value\n"
        "    print('KEY-VIA-PACKAGE')\n"
        "except Exception as exc:\n"
        "    print('blocked package', type(exc).__name__)\n"
    ),
    "jawab_selisih": "pass",
    "jawab_bersih": "pass",
    "jawab_cara_bayar": "pass",
}

#: Escape 5: fill every RAM-backed place a kernel can write.
RAM_HOG = (
    "import os, resource\n"
    "print('RLIMIT_AS', resource.getrlimit(resource.RLIMIT_AS)[0])\n"
    "chunk = b'x' * (8 * 1024 * 1024)\n"
    "for place in ('/tmp', '/dev/shm', '/', '/dev', os.path.expanduser('~'), os.getcwd()):\n"
    "    wrote = 0\n"
    "    try:\n"
    "        for i in range(16):\n"
    "            with open(os.path.join(place, f'hog-{i}'), 'wb') as f:\n"
    "                for _ in range(4):\n"
    "                    f.write(chunk); f.flush(); wrote += len(chunk)\n"
    "    except OSError as exc:\n"
    "        pass\n"
    "    print('WROTE', place, wrote)\n"
    "    for i in range(16):\n"
    "        try:\n"
    "            os.unlink(os.path.join(place, f'hog-{i}'))\n"
    "        except OSError:\n"
    "            pass\n"
)
#: RAM_HOG tries 16 x 32 MiB = 512 MiB per place.
HOG_ATTEMPT = 16 * 4 * 8 * 1024 * 1024


def score_cheat(course: Path, victim: str) -> str:
    """Escape 6 (no sandbox): write absurd scores for itself and another participant into the gradebook."""
    return (
        "import sqlite3\n"
        f"con = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
        'con.execute("UPDATE grade SET manual_score = 3996 WHERE notebook_id IN (SELECT n.id FROM submitted_notebook n'
        " JOIN submitted_assignment s ON n.assignment_id = s.id WHERE s.student_id IN ('curang', "
        f"'{victim}'))\")\n"
        "con.commit()\n"
        "print('SCORES WRITTEN')\n"
    )


def course_checksums(course: Path) -> dict[str, str]:
    """sha256 of every file the grading run may not change (all but what the grader writes)."""
    sums = {}
    for path in sorted(course.rglob("*")):
        rel = path.relative_to(course).as_posix()
        if path.is_dir() or any(rel == w.rstrip("/") or rel.startswith(w) for w in GRADER_WRITES):
            continue
        if rel.startswith("gradebook.db-") or "/feedback/" in rel:
            continue  # SQLite's journal; feedback released to the exchange
        if path.is_symlink():
            sums[rel] = "link -> " + os.readlink(path)
        elif path.is_file():
            sums[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def texts_participants_see(course: Path, exports: Path) -> dict[str, str]:
    """Every feedback page and export file as text (xlsx unpacked), by path."""
    found = {}
    for path in sorted(course.rglob("*.html")):
        if "feedback" in path.parts:
            found[str(path)] = path.read_text(errors="replace")
    for path in sorted(exports.rglob("*")):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                found[str(path)] = "\n".join(z.read(n).decode(errors="replace") for n in z.namelist())
        elif path.is_file():
            found[str(path)] = path.read_text(errors="replace")
    return found


def outputs(course: Path, assignment: str, student: str) -> str:
    path = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    if not path.is_file():
        return ""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")) + str(out.get("evalue", "")))
            parts.append(json.dumps(out.get("data", {})))
    return "\n".join(parts)


def grades(course: Path, assignment: str, student: str) -> dict[str, float]:
    import sqlite3

    con = sqlite3.connect(course / "gradebook.db")
    try:
        rows = con.execute(
            "SELECT c.name, COALESCE(g.manual_score, g.auto_score) FROM grade g JOIN base_cell c ON c.id = g.cell_id "
            "JOIN submitted_notebook n ON n.id = g.notebook_id JOIN submitted_assignment s ON s.id = n.assignment_id "
            "JOIN assignment a ON a.id = s.assignment_id WHERE s.student_id = ? AND a.name = ?",
            (student, assignment),
        ).fetchall()
    finally:
        con.close()
    return {name: score for name, score in rows}


# --- system users for the identity attack ------------------------------------------------------


def can_make_users() -> bool:
    return os.geteuid() == 0 and all(shutil.which(t) for t in ("useradd", "userdel", "runuser"))


@contextlib.contextmanager
def system_users(count: int):
    """``count`` fresh system users with unique names, removed afterwards."""
    names = [f"ukms{secrets.token_hex(3)}{chr(97 + i)}" for i in range(count)]
    made = []
    try:
        for name in names:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
                timeout=30,
            )
            made.append(name)
        yield names
    finally:
        for name in made:
            subprocess.run(["userdel", name], capture_output=True, timeout=30)


def hand_in_as_user(user: str, inbound: Path, folder_name: str, notebook: Path, assignment: str) -> None:
    """What a participant logged in as ``user`` can do: create a folder in the inbound and fill it."""
    target = inbound / folder_name
    script = (
        f"mkdir {shlex_quote(str(target))} && cp {shlex_quote(str(notebook))} "
        f"{shlex_quote(str(target / (assignment + '.ipynb')))} && printf %s {shlex_quote(folder_name.split('+')[2])} "
        f"> {shlex_quote(str(target / 'timestamp.txt'))}"
    )
    subprocess.run(["runuser", "-u", user, "--", "/bin/sh", "-c", script], check=True, capture_output=True, timeout=30)


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def notebook_for(course: Path, assignment: str, answers: dict[str, str], prelude: str | None = None):
    return participant_notebook(course, assignment, answers, prelude)


__all__ = ["CORRECT", "WRONG"]
