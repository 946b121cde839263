"""Taking participants' submissions into the course: regular files only, identity from authentication.

Everything a participant sends is untrusted. :func:`read_folder` reads a submission folder
without ever following a link (every open is relative to an already opened folder, with
``O_NOFOLLOW``): only regular files with a single name (no symbolic or hard links, devices,
fifos or sockets), owned by the submitter, within the course's size and count limits; it lists
what it skipped and why.

:func:`intake` stores files under ``submitted/<participant>/<assignment>/`` for a participant
whose identity the caller established by authentication — never from a folder or file name:
the exchange collector (:func:`collect`) passes the roster id of the system user owning the
inbound folder; the hub's submission service will pass the hub's authenticated user. A newer
submission replaces the stored one atomically; an older or equal one never does.
"""

from __future__ import annotations

import fnmatch
import os
import pwd
import re
import secrets
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.regular_files import read_regular

T = section("course.intake")

#: Why a file of a submission was not taken (each has its words as ``skip_<reason>`` in the catalogue).
SKIP_REASONS = (
    "symlink",
    "hardlink",
    "special",
    "owner",
    "too_large",
    "total_too_large",
    "too_many",
    "too_deep",
    "changed",
    "unreadable",
)
#: Why a whole inbound folder was refused (words as ``refuse_<reason>`` in the catalogue).
REFUSE_REASONS = ("bad_name", "not_a_folder", "owner_mismatch", "not_on_roster")

_STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
TIMESTAMP_FILE = "timestamp.txt"
#: nbgrader names a participant's released feedback after this file; without it releasing
#: feedback fails for the whole assignment, so a submission lacking one gets a fresh secret.
SECRET_FILE = "submission_secret.txt"
#: Touched in the course folder after each stored submission, so grade-on-submit looks at once.
DOORBELL_FILE = ".ukm-new-submission"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # what nbgrader writes; parse_utc reads it back
#: A timestamp.txt longer than this is not one (nbgrader's is about 30 bytes).
MAX_TIMESTAMP_BYTES = 64


@dataclass(frozen=True)
class Limits:
    """What one submission may hold (from nbgrader's CourseDirectory and ukm's Intake settings)."""

    max_file_bytes: int
    max_total_bytes: int
    max_files: int
    max_depth: int
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ("*",)

    @classmethod
    def from_config(cls, config) -> Limits:
        from nbgrader.coursedir import CourseDirectory

        from ukm_tools.course.grading.settings import Intake

        cd, it = CourseDirectory(config=config), Intake(config=config)
        return cls(
            max_file_bytes=int(cd.max_file_size) * 1024,
            max_total_bytes=int(cd.max_dir_size) * 1024,
            max_files=int(it.max_files),
            max_depth=int(it.max_depth),
            ignore=tuple(cd.ignore),
            include=tuple(cd.include),
        )

    def ignored(self, name: str) -> bool:
        """Names the course's nbgrader settings leave out of every copy (checkpoints, caches)."""
        if any(fnmatch.fnmatch(name, g) for g in self.ignore):
            return True
        return not any(fnmatch.fnmatch(name, g) for g in self.include)


@dataclass(frozen=True)
class Skipped:
    """A file of a submission that was not taken."""

    path: str
    reason: str

    def message(self, student: str, lang: str = "id") -> str:
        reason = T.msg(f"skip_{self.reason}")
        return UkmError("collect_skipped", "file", self.path, student=student, reason=reason).message(lang)


@dataclass
class Files:
    """What :func:`read_folder` took from a submission folder."""

    contents: dict[str, bytes] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    total: int = 0


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def read_folder(folder: Path, limits: Limits, owner: int | None = None) -> Files:
    """Regular files of ``folder`` (relative name -> bytes) and what was skipped.

    ``owner``: every file must belong to this uid. ``timestamp.txt`` is left out: the time of a
    submission comes from its authenticated hand-in, not from a file the participant wrote.
    """
    files = Files()
    fd = os.open(folder, _DIR_FLAGS)
    try:
        _walk(fd, "", 0, limits, owner, files)
    finally:
        os.close(fd)
    return files


def _kind(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "special"


def _walk(dir_fd: int, prefix: str, depth: int, limits: Limits, owner: int | None, files: Files) -> None:
    for name in sorted(os.listdir(dir_fd)):
        rel = f"{prefix}{name}"
        if limits.ignored(name) or (not prefix and name == TIMESTAMP_FILE):
            continue
        try:
            st = os.lstat(name, dir_fd=dir_fd)
        except OSError:
            files.skipped.append(Skipped(rel, "unreadable"))
            continue
        kind = _kind(st.st_mode)
        if kind:
            files.skipped.append(Skipped(rel, kind))
        elif owner is not None and st.st_uid != owner:
            files.skipped.append(Skipped(rel, "owner"))
        elif stat.S_ISDIR(st.st_mode):
            if depth + 1 >= limits.max_depth:
                files.skipped.append(Skipped(rel + "/", "too_deep"))
                continue
            try:
                sub = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError:
                files.skipped.append(Skipped(rel + "/", "unreadable"))
                continue
            try:
                _walk(sub, rel + "/", depth + 1, limits, owner, files)
            finally:
                os.close(sub)
        elif st.st_nlink != 1:
            files.skipped.append(Skipped(rel, "hardlink"))
        elif len(files.contents) >= limits.max_files:
            files.skipped.append(Skipped(rel, "too_many"))
        elif st.st_size > limits.max_file_bytes:
            files.skipped.append(Skipped(rel, "too_large"))
        elif files.total + st.st_size > limits.max_total_bytes:
            files.skipped.append(Skipped(rel, "total_too_large"))
        else:
            _read_file(dir_fd, name, rel, st, limits, files)


def _read_file(dir_fd: int, name: str, rel: str, st: os.stat_result, limits: Limits, files: Files) -> None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        files.skipped.append(Skipped(rel, "unreadable"))
        return
    try:
        now = os.fstat(fd)
        # The entry checked above must be the file opened (not swapped in between) and still plain.
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(now.st_mode) or now.st_nlink != 1:
            files.skipped.append(Skipped(rel, "changed"))
            return
        room = min(limits.max_file_bytes, limits.max_total_bytes - files.total)
        chunks, size = [], 0
        while size <= room:
            chunk = os.read(fd, min(1 << 20, room + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > room:
            files.skipped.append(Skipped(rel, "too_large" if size > limits.max_file_bytes else "total_too_large"))
            return
        files.contents[rel] = b"".join(chunks)
        files.total += size
    except OSError:
        files.skipped.append(Skipped(rel, "unreadable"))
    finally:
        os.close(fd)


@dataclass
class IntakeResult:
    """What :func:`intake` did with one participant's submission."""

    student: str
    assignment: str
    stored: bool
    replaced: bool = False
    """An earlier stored submission was replaced by this newer one."""
    files: list[str] = field(default_factory=list)


def check_student_id(student: str) -> str:
    if not _STUDENT.match(student) or ".." in student:
        raise UkmError("intake_bad_student", "student", student)
    return student


def stored_time(folder: Path) -> datetime | None:
    """When the submission stored in ``folder`` was handed in (its timestamp.txt, naive UTC).

    Grade-on-submit reads it for every result it releases, so no link, FIFO or huge file is read
    (:func:`~ukm_tools.regular_files.read_regular`)."""
    from nbgrader.utils import parse_utc

    data = read_regular(folder / TIMESTAMP_FILE, MAX_TIMESTAMP_BYTES + 1)
    if data is None or len(data) > MAX_TIMESTAMP_BYTES:
        return None
    try:
        return parse_utc(data.decode().strip())
    except (ValueError, OverflowError):  # UnicodeDecodeError is a ValueError
        return None


def ring_doorbell(course_dir: Path) -> None:
    """Write a fresh token to the course's doorbell file (best effort: grade-on-submit also polls).

    A new token rather than a new mtime: two submissions within one tick of the file system's
    clock still ring twice. Written aside and renamed, so a reader never sees half a token."""
    aside = course_dir / f"{DOORBELL_FILE}.{secrets.token_hex(4)}"
    try:
        # Readable by all: it holds no data, and the service may run as another user than the intake.
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(8))
        os.replace(aside, course_dir / DOORBELL_FILE)
    except OSError:
        aside.unlink(missing_ok=True)


def intake(
    course_dir: Path, assignment: str, student: str, files: Mapping[str, bytes], timestamp: datetime
) -> IntakeResult:
    """Store ``files`` as ``student``'s submission of ``assignment`` handed in at ``timestamp`` (naive UTC).

    ``student`` must come from authentication (the uid owning the inbound folder, mapped to the
    roster; the hub's authenticated user), never from a name the participant chose. A stored
    submission is replaced only by a newer one, atomically: a crash leaves either the old or
    the new submission, never a mix.
    """
    check_student_id(student)
    check_student_id(assignment)
    parent = Path(course_dir) / "submitted" / student
    parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    if parent.is_symlink():
        raise UkmError("intake_bad_student", "student", student)
    final = parent / assignment
    existing = stored_time(final) if final.is_dir() else None
    if final.is_dir() and existing is not None and timestamp <= existing:
        return IntakeResult(student, assignment, stored=False)
    token = secrets.token_hex(6)
    incoming = parent / f".{assignment}.incoming-{token}"
    incoming.mkdir(mode=0o750)
    try:
        for rel, data in sorted(files.items()):
            target = incoming / rel
            if not target.resolve().is_relative_to(incoming.resolve()):
                continue  # read_folder never yields such names; a caller's mapping might
            target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o640)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        (incoming / TIMESTAMP_FILE).write_text(timestamp.strftime(TIMESTAMP_FORMAT))
        if SECRET_FILE not in files:
            (incoming / SECRET_FILE).write_text(secrets.token_hex(16))
        replaced = final.exists() or final.is_symlink()
        if replaced:
            old = parent / f".{assignment}.old-{token}"
            final.rename(old)
            incoming.rename(final)
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old)
            else:
                old.unlink()
        else:
            incoming.rename(final)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    ring_doorbell(Path(course_dir))
    return IntakeResult(student, assignment, stored=True, replaced=replaced, files=sorted(files))


# --- the exchange: inbound folders owned by system users -----------------------------------------


@dataclass(frozen=True)
class Refused:
    """An inbound folder that was not collected at all."""

    folder: str
    reason: str
    claimed: str = ""
    owner: str = ""

    def message(self, lang: str = "id") -> str:
        reason = T.msg(f"refuse_{self.reason}", claimed=self.claimed, owner=self.owner)
        return UkmError("collect_refused", "folder", self.folder, reason=reason).message(lang)


@dataclass
class CollectReport:
    """Result of collecting one assignment; iterating it gives the participants with a stored submission."""

    assignment: str
    students: list[str] = field(default_factory=list)
    """Every participant with a stored submission after collecting (new, replaced or kept)."""
    stored: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: dict[str, list[Skipped]] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)

    def __iter__(self):
        return iter(self.students)

    def __len__(self) -> int:
        return len(self.students)

    def problems(self, lang: str = "id") -> list[str]:
        lines = [r.message(lang) for r in self.refused]
        for student, items in sorted(self.skipped.items()):
            lines += [s.message(student, lang) for s in items]
        return lines


def _parse_name(name: str, assignment: str) -> tuple[str, datetime] | None:
    from nbgrader.utils import parse_utc

    m = re.match(rf"^(?P<student>[^+]+)\+{re.escape(assignment)}\+(?P<ts>[^+]+)(\+[^+]*)?$", name)
    if not m:
        return None
    try:
        return m.group("student"), parse_utc(m.group("ts"))
    except (ValueError, OverflowError):
        return None


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def collect(
    course_dir: Path, assignment: str, inbound: Path, roster: set[str], limits: Limits, staff_uid: int | None = None
) -> CollectReport:
    """Collect the newest inbound submission of every participant of ``assignment``.

    Identity: an inbound folder owned by a system user belongs to that user's roster id (login
    name = roster id, case-insensitive); its name must agree, or it is refused and reported. A
    folder owned by the staff account running this (``staff_uid``: the demo, simulated
    participants, a hub service submitting for authenticated users) is taken by its name.
    """
    staff_uid = os.getuid() if staff_uid is None else staff_uid
    report = CollectReport(assignment)
    roster_ids = {r.lower(): r for r in roster}
    newest: dict[str, tuple[datetime, str, int]] = {}
    pattern = f"+{assignment}+"
    for entry in sorted(os.scandir(inbound), key=lambda e: e.name):
        if pattern not in entry.name:
            continue
        parsed = _parse_name(entry.name, assignment)
        if parsed is None:
            report.refused.append(Refused(entry.name, "bad_name"))
            continue
        claimed, when = parsed
        st = entry.stat(follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode):
            report.refused.append(Refused(entry.name, "not_a_folder"))
            continue
        if st.st_uid == staff_uid:
            student = claimed
        else:
            owner = _user_name(st.st_uid)
            on_roster = roster_ids.get(owner.lower())
            if on_roster is None:
                report.refused.append(Refused(entry.name, "not_on_roster", claimed, owner))
                continue
            student = on_roster
            if claimed.lower() != student.lower():
                report.refused.append(Refused(entry.name, "owner_mismatch", claimed, owner))
                continue
        try:
            check_student_id(student)
        except UkmError:
            report.refused.append(Refused(entry.name, "bad_name"))
            continue
        if student not in newest or when > newest[student][0]:
            newest[student] = (when, entry.name, st.st_uid)
    for student, (when, name, uid) in sorted(newest.items()):
        files = read_folder(inbound / name, limits, owner=uid)
        if files.skipped:
            report.skipped[student] = files.skipped
        result = intake(course_dir, assignment, student, files.contents, when)
        if result.stored:
            report.stored.append(student)
            if result.replaced:
                report.replaced.append(student)
    report.students = stored_students(course_dir, assignment)
    return report


def stored_students(course_dir: Path, assignment: str) -> list[str]:
    """Participants with a stored submission of ``assignment`` (``submitted/<id>/<assignment>/``)."""
    submitted = Path(course_dir) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir() and not p.is_symlink())
