"""Attendance per session, imported from a sign-in sheet (.xlsx or .csv) and validated like the roster.

Two layouts are read (title rows above the header and empty rows are fine, CSV with ``,`` or
``;``, UTF-8 or refused with advice, as for the roster):

* one column per session, named by the session id of course.yml::

      id_peserta | nama | pagi | siang          values: ya/hadir/1/v/✓  or  tidak/absen/0/-/empty

* the sign-in list of one session (``--session pagi``): everyone listed is present, unless a
  ``hadir`` column says otherwise.

Rows are matched to the roster by ``id_peserta``, or by ``nama`` when the id is empty and exactly
one participant has that name. Rows naming someone not on the roster are reported, never added.
A value that is neither present nor absent is an error with its line; nothing is imported while
there are errors unless the caller skips bad rows.

Imports add up: a participant marked present stays present unless a later sheet marks them
absent explicitly; a participant of the roster no sheet of a session lists is absent from it
once the session has been imported. A session nobody imported yet is *unknown*, not absent.
Each import is written to the audit log (who, when, file, counts).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ukm_tools.course import audit
from ukm_tools.course.roster import ID_PATTERN, _cell_text, _norm_header, sheet_rows
from ukm_tools.errors import Problem, UkmError

ACTION = "attendance_import"
PRESENT = {"ya", "y", "hadir", "h", "1", "v", "✓", "✔", "√", "true", "benar"}
ABSENT = {"tidak", "t", "tidak hadir", "absen", "a", "0", "-", "false", "", "izin", "sakit"}


_META = sa.MetaData()
ATTENDANCE_TABLE = sa.Table(
    "ukm_attendance",
    _META,
    sa.Column("session", sa.String(128), primary_key=True),
    sa.Column("student_id", sa.String(128), primary_key=True),
    sa.Column("present", sa.Boolean, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)


@dataclass
class SheetRead:
    """A validated sign-in sheet: marks to import, rows reported but skipped, and errors."""

    sessions: list[str]
    marks: dict[tuple[str, str], bool] = field(default_factory=dict)  # (session, student) -> present
    errors: list[Problem] = field(default_factory=list)  # block the import unless skipped
    notices: list[Problem] = field(default_factory=list)  # rows not imported (not on the roster...)
    bad_lines: list[int] = field(default_factory=list)


def _presence(text: str) -> bool | None:
    key = " ".join(text.split()).lower()
    if key in PRESENT:
        return True
    if key in ABSENT:
        return False
    return None


def _norm_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def read_sheet(
    path: str | Path,
    session_ids: list[str],
    roster: dict[str, str],
    *,
    session: str | None = None,
    encoding: str | None = None,
) -> SheetRead:
    """Read and check a sign-in sheet against the course's sessions and the roster (id -> name)."""
    path = Path(path)
    if not session_ids:
        raise UkmError("attendance_no_sessions", "sessions")
    if session is not None and session not in session_ids:
        raise UkmError("unknown_choice", "session", session, session_ids)
    if not path.is_file():
        raise UkmError("file_not_found", "file", str(path))
    by_name: dict[str, list[str]] = {}
    for sid, name in roster.items():
        by_name.setdefault(_norm_name(name), []).append(sid)
    header: list[str] | None = None
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    result: SheetRead | None = None
    for line, row in sheet_rows(path, encoding, sheet="kehadiran"):
        cells = [_cell_text(v) for v in row]
        if not any(cells):
            continue
        if header is None:
            names = [_norm_header(c) for c in cells]
            if "id_peserta" in names or "nama" in names:
                header = names
                columns = {i: n for i, n in enumerate(names) if n in session_ids}
                if session is not None:
                    columns = {i: n for i, n in columns.items() if n == session}
                    if "hadir" in names:
                        columns[names.index("hadir")] = session
                if not columns and session is None:
                    raise UkmError("attendance_no_session_column", "file", str(path), session_ids)
                result = SheetRead(sorted(set(columns.values())) or [str(session)])
            continue
        rec = {n: (cells[i] if i < len(cells) else "") for i, n in enumerate(header)}
        _read_row(result, line, rec, columns, session, cells, roster, by_name, seen)
    if header is None or result is None:
        raise UkmError("attendance_no_header", "file", str(path), session_ids)
    return result


def _read_row(result, line, rec, columns, session, cells, roster, by_name, seen) -> None:
    sid = rec.get("id_peserta", "").strip().lower()
    name = rec.get("nama", "").strip()
    if not sid and not name:
        result.errors.append(Problem("attendance_no_identity", None, None, None, {"line": line}))
        result.bad_lines.append(line)
        return
    if not sid:
        found = by_name.get(_norm_name(name), [])
        if len(found) > 1:
            result.notices.append(
                Problem("attendance_ambiguous_name", "nama", name, None, {"line": line, "count": len(found)})
            )
            return
        sid = found[0] if found else ""
    if not sid or not ID_PATTERN.match(sid) or sid not in roster:
        result.notices.append(Problem("attendance_not_on_roster", "id_peserta", sid or name, None, {"line": line}))
        return
    if sid in seen:
        result.errors.append(
            Problem("attendance_duplicate", "id_peserta", sid, None, {"line": line, "first_line": seen[sid]})
        )
        result.bad_lines.append(line)
        return
    seen[sid] = line
    marks: dict[tuple[str, str], bool] = {}
    bad = False
    for i, sess in columns.items():
        text = cells[i] if i < len(cells) else ""
        value = _presence(text)
        if value is None:
            result.errors.append(Problem("attendance_bad_value", sess, text, None, {"line": line}))
            bad = True
        else:
            marks[(sess, sid)] = value
    if session is not None and not columns:
        marks[(session, sid)] = True  # a sign-in list: being on it is being present
    if bad:
        result.bad_lines.append(line)
    else:
        result.marks.update(marks)


def _engine(db_url: str) -> sa.Engine:
    engine = sa.create_engine(db_url)
    _META.create_all(engine)
    return engine


def store(db_url: str, sheet: SheetRead, *, source: str, by: str | None = None) -> audit.AuditEntry:
    """Merge the sheet's marks into ``ukm_attendance`` and log the import."""
    at = audit.now_jakarta()
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            for (sess, sid), present in sheet.marks.items():
                key = (ATTENDANCE_TABLE.c.session == sess) & (ATTENDANCE_TABLE.c.student_id == sid)
                conn.execute(sa.delete(ATTENDANCE_TABLE).where(key))
                conn.execute(
                    sa.insert(ATTENDANCE_TABLE).values(session=sess, student_id=sid, present=present, at=at.isoformat())
                )
    finally:
        engine.dispose()
    n_present = sum(1 for v in sheet.marks.values() if v)
    detail = (
        f"{source}: {n_present} hadir, {len(sheet.marks) - n_present} tidak hadir; {len(sheet.notices)} baris dilewati"
    )
    return audit.append(
        db_url,
        by=by or getpass.getuser(),
        action=ACTION,
        unit=",".join(sheet.sessions),
        detail=detail,
        at=at,
    )


def import_attendance(
    course_dir: str | Path,
    path: str | Path,
    *,
    session: str | None = None,
    skip_bad_rows: bool = False,
    encoding: str | None = None,
    by: str | None = None,
) -> SheetRead:
    """Validate a sign-in sheet against course.yml and the roster, then store it (see module docs)."""
    from ukm_tools.course.config import load_course
    from ukm_tools.course.ops import check_course_dir, db_url

    course_dir = check_course_dir(course_dir)
    spec = load_course(course_dir)
    url = db_url(course_dir)
    sheet = read_sheet(path, [s.id for s in spec.sessions], roster_names(url), session=session, encoding=encoding)
    if sheet.errors and not skip_bad_rows:
        raise UkmError(problems=sheet.errors)
    store(url, sheet, source=Path(path).name, by=by)
    return sheet


def roster_names(db_url: str) -> dict[str, str]:
    """Participant id -> name, from the gradebook (nbgrader's students plus ukm_participant)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            names = {
                r[0]: " ".join(x for x in (r[1], r[2]) if x)
                for r in conn.exec_driver_sql("SELECT id, first_name, last_name FROM student")
            }
            try:
                for sid, name in conn.exec_driver_sql("SELECT student_id, name FROM ukm_participant"):
                    if sid in names and name:
                        names[sid] = name
            except sa.exc.OperationalError:
                pass
            return names
    finally:
        engine.dispose()


def load_marks(db_url: str) -> dict[tuple[str, str], bool]:
    """Every stored mark: (session, participant) -> present ({} before the first import)."""
    from ukm_tools.course.scores import fetch_rows

    rows = fetch_rows(db_url, f"SELECT session, student_id, present FROM {ATTENDANCE_TABLE.name}")
    return {(s, sid): bool(v) for s, sid, v in rows}


def imported_sessions(log: Iterable[audit.AuditEntry]) -> set[str]:
    """Sessions at least one sheet was imported for (the others are unknown, not absent)."""
    return {s for e in log if e.action == ACTION and e.unit for s in e.unit.split(",")}


def write_template(path: str | Path, session_ids: list[str], roster: dict[str, str] | None = None) -> Path:
    """A sign-in sheet: id_peserta, nama and one column per session (pre-filled with the roster)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ["id_peserta", "nama", *session_ids]
    rows = [[sid, name, *[""] * len(session_ids)] for sid, name in sorted((roster or {}).items())]
    if path.suffix.lower() == ".csv":
        import csv

        from ukm_tools.io.cells import csv_row

        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(csv_row(header))
            w.writerows(csv_row(row) for row in rows)  # a name like =HYPERLINK(...) stays text
        return path
    if path.suffix.lower() != ".xlsx":
        raise UkmError("roster_unknown_format", "file", str(path))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ukm_tools.io.cells import append_row  # names stay text, never formulas
    from ukm_tools.io.workbooks import first_sheet

    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "kehadiran"
    append_row(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(ws, row)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 30
    wb.save(path)
    return path
