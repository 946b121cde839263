"""Issue 9's escapes, each reproduced by a participant of a real course assignment graded with the sandbox on.

Every attack test also asserts what holds for all of them: the run finished, no file of the
course outside what grading writes changed, no other participant's grade changed, and nothing
of source/, the gradebook or the answer key reached any feedback page or export.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from tests.security.hostile_course import (
    FULL,
    HOG_ATTEMPT,
    MARK_HIDDEN,
    MARK_KEY,
    MARK_SOLUTION,
    SQLITE_MAGIC,
    A,
    B,
    grades,
    outputs,
    texts_participants_see,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _common(h) -> None:
    """The run finished; nothing outside the submissions' grading changed; nothing leaked; others intact."""
    assert h.errors == {}, "\n".join(h.errors.values())
    for assignment, report in h.reports.items():
        assert report is not None and all(not r.status.in_progress for r in report.results), assignment
    changed = sorted(k for k in set(h.before) | set(h.after) if h.before.get(k) != h.after.get(k))
    assert changed == [], f"course files changed by grading: {changed}"
    import sqlite3

    con = sqlite3.connect(h.course / "gradebook.db")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    for assignment, student in [(A, s) for s in h.honest] + [(B, "jujur")]:
        got = grades(h.course, assignment, student)
        assert {k: got.get(k) for k in FULL[assignment]} == FULL[assignment], (assignment, student)
    emails = [f"{s}@contoh.id" for s in (*h.honest, "pencuri", "penimbun", "penjahat-runtime", "penjahat-tautan")]
    texts = texts_participants_see(h.course, h.exports)
    assert any("feedback" in p for p in texts) and any("ekspor" in p for p in texts)
    for path, text in texts.items():
        for secret in (MARK_SOLUTION, MARK_HIDDEN, MARK_KEY, SQLITE_MAGIC, "BEGIN HIDDEN TESTS", *emails):
            assert secret not in text, f"{secret!r} in {path}"


def test_escape_1_runtime_folder_links_reach_nothing(hostile):
    """Links planted where the grader writes the next kernels' files redirect nothing; no course path is mounted."""
    _common(hostile)
    text = outputs(hostile.course, A, "penjahat-runtime")
    assert "PLANTED" in text
    mounts = text.split("MOUNTINFO", 1)[1]
    assert str(hostile.course) not in mounts and str(hostile.course.parent) not in mounts
    result = hostile.reports[A].by_student()["penjahat-runtime"]
    assert (result.status.value, result.score) == ("graded", 8.0)
    for student in ("jujur", "pencuri", "penimbun", hostile.korban):
        assert hostile.reports[A].by_student()[student].status.value == "graded", student


def test_escape_2_exchange_links_are_not_followed(hostile):
    """Symlinks and hard links in an inbound folder are skipped and reported; the count is bounded."""
    _common(hostile)
    folder = hostile.course / "submitted" / "penjahat-tautan" / A
    names = sorted(p.name for p in folder.iterdir())
    assert not any(stat.S_ISLNK(p.lstat().st_mode) for p in folder.iterdir())
    assert not {"kunci.txt", "nilai.txt", "salinan.txt"} & set(names)
    assert f"{A}.ipynb" in names and len([n for n in names if n.startswith("sampah-")]) <= 50
    text = outputs(hostile.course, A, "penjahat-tautan")
    assert text.count("blocked") == 3 and "SQLite" not in text and MARK_SOLUTION not in text
    skipped = {s.path: s.reason for s in hostile.collected[A].skipped["penjahat-tautan"]}
    assert skipped["kunci.txt"] == skipped["nilai.txt"] == "symlink"
    assert skipped["salinan.txt"] == "hardlink"
    assert "too_many" in skipped.values()
    lines = hostile.collected[A].problems("id")
    assert any("kunci.txt" in line and "tautan simbolik" in line for line in lines)


def test_escape_3_nobody_hands_in_as_someone_else(hostile):
    """A newer inbound folder named after another participant but owned by the attacker is refused."""
    if hostile.users is None:
        pytest.skip("needs root (useradd, runuser) to create the two system users of this attack")
    _common(hostile)
    korban, penyamar = hostile.korban, hostile.penyamar
    submitted = hostile.course / "submitted" / korban / A / f"{A}.ipynb"
    assert submitted.read_bytes() == hostile.genuine
    assert grades(hostile.course, A, korban)["cek_exw"] == 2.0
    refused = [r for r in hostile.collected[A].refused if r.folder.startswith(f"{korban}+")]
    assert [(r.reason, r.claimed, r.owner) for r in refused] == [("owner_mismatch", korban, penyamar)]
    assert any(penyamar in line and "ditolak" in line for line in hostile.collected[A].problems("id"))
    assert hostile.reports[A].by_student()[penyamar].score == 8.0  # their own submission still counts


def test_escape_4_answer_key_is_not_importable_in_the_kernel(hostile):
    """Solution cells that ask the package or any file in reach for the answers get nothing, MC included."""
    _common(hostile)
    for assignment in (A, B):
        text = outputs(hostile.course, assignment, "pencuri")
        assert "KEY-VIA" not in text and "blocked package" in text
        got = grades(hostile.course, assignment, "pencuri")
        assert {k: got[k] for k in FULL[assignment]} == dict.fromkeys(FULL[assignment], 0.0), assignment


def test_escape_4_no_answer_key_in_the_package():
    """What a participant's server can import (the ukm_tools package) holds no expected answer."""
    import ukm_tools
    from ukm_tools.course.ops import REPO_TEMPLATE

    key_text = (REPO_TEMPLATE / "answer_keys.py").read_text()
    hints = re.findall(r'"([^"]{25,})"', key_text)  # the key's hint texts, written only there
    assert len(hints) > 10
    package = Path(ukm_tools.__file__).parent
    for path in package.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".yaml", ".csv", ".json"):
            text = path.read_text(errors="replace")
            assert not [h for h in hints if h in text], path
    import ukm_tools.exercises as ex
    import ukm_tools.exercises.tugas as tugas

    assert not hasattr(tugas, "expected_for") and not hasattr(ex, "expected_for")
    assert not any(hasattr(a, "expected") for a in tugas.ASSIGNMENTS.values())


def test_escape_5_ram_scratch_is_bounded_and_counted(hostile):
    """Writing to /tmp, /dev/shm, /, /dev, HOME or the working folder stops at the kernel's scratch size."""
    _common(hostile)
    from tests.security.conftest import MEMORY_BYTES, SCRATCH_BYTES, SHM_BYTES

    text = outputs(hostile.course, A, "penimbun")
    wrote = {m.group(1): int(m.group(2)) for m in re.finditer(r"WROTE (\S+) (\d+)", text)}
    assert len(wrote) == 6, text
    for place, amount in wrote.items():
        limit = SHM_BYTES if place == "/dev/shm" else (0 if place in ("/", "/dev") else SCRATCH_BYTES)
        assert amount <= limit < HOG_ATTEMPT, (place, amount)
    # Counted: the address space is what the memory budget leaves after the RAM scratch.
    assert f"RLIMIT_AS {MEMORY_BYTES - SCRATCH_BYTES - SHM_BYTES}" in text
    assert hostile.reports[A].by_student()["penimbun"].score == 8.0


def test_escape_6_unsandboxed_scores_are_rolled_back(hostile, unsandboxed):
    """Without the sandbox: refused unless confirmed; a notebook writing scores is rolled back and named."""
    u = unsandboxed
    assert u.cli.exit_code == 2
    assert "PERINGATAN: menilai TANPA sandbox" in u.cli.stderr and "--confirm-no-sandbox" in u.cli.stderr
    assert u.errors == {}, "\n".join(u.errors.values())
    curang = u.report.by_student()["curang"]
    assert curang.status.value == "attack" and curang.score is None
    assert "outside 0..max of their cell (e.g. 3996 of" in curang.reason and "another participant" in curang.reason
    assert "SCORES WRITTEN" in outputs(u.course, A, "curang")
    assert {s: grades(u.course, A, s) for s in hostile.honest} == u.before  # the victim's grades are back
    assert all(score != 3996 for score in grades(u.course, A, "curang").values())
    # No exported score is the forged one (the reason of curang's status names it, as it should).
    import csv

    with (u.exports / f"nilai-{A}.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert rows and not [r for r in rows for k, v in r.items() if k != "alasan" and "3996" in str(v)]
    from openpyxl import load_workbook

    for sheet in load_workbook(u.exports / "nilai.xlsx", read_only=True).worksheets:
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert not [c for c in cells if c in ("3996", "3996.0") or c.replace(".", "") == "3996"], sheet.title
