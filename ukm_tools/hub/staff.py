"""Staff pages as a hub service (``/services/ukm-staf/``): where each assignment stands, and the export.

- ``/``               every assignment of course.yml: submitted, graded, needs attention, not submitted
- ``/tugas/<name>``   one assignment: each participant's status, reason and score (as ``ukm status``)
- ``/nilai.xlsx``     the Excel export of ``ukm export`` (no e-mail or phone: UU 27/2022)

Runs as the course user in the course folder (started by the hub); every request must come
from a member of the ``staff`` group with access to this service (:class:`~.service.HubPage`),
so a participant's cookie or token is refused with 403.

    python -m ukm_tools.hub.staff        (the hub sets JUPYTERHUB_* and UKM_HUB_COURSE_DIR)
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from html import escape
from pathlib import Path

from tornado import web

from ukm_tools.hub.service import HubPage, listen, make_app
from ukm_tools.hub.settings import STAFF

ATTENTION = {"timeout", "corrupt_notebook", "missing_notebook", "kernel_died", "tampered_test_cell", "error"}

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:60rem}
h1{font-size:1.3rem} table{border-collapse:collapse;width:100%} .wrap{overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums} a{color:#0b5}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def course_dir() -> Path:
    return Path(os.environ.get("UKM_HUB_COURSE_DIR") or os.getcwd())


class StaffPage(HubPage):
    required_group = STAFF


class Overview(StaffPage):
    @web.authenticated
    def get(self) -> None:
        from ukm_tools.course.config import load_course
        from ukm_tools.course.reports import assignment_rows

        course = course_dir()
        spec = load_course(course)
        rows = []
        for a in spec.assignments():
            counts = Counter(r.status for r in assignment_rows(course, a.name))
            attention = sum(n for s, n in counts.items() if s in ATTENTION)
            submitted = sum(n for s, n in counts.items() if s != "not_submitted")
            rows.append(
                f'<tr><td><a href="tugas/{escape(a.name)}">{escape(a.title or a.name)}</a></td>'
                f'<td class="n">{submitted}</td><td class="n">{counts.get("graded", 0)}</td>'
                f'<td class="n">{attention}</td><td class="n">{counts.get("not_submitted", 0)}</td></tr>'
            )
        body = (
            f"<h1>{escape(spec.title)}: status tugas</h1>"
            f"<p>Masuk sebagai {escape(self.current_user['name'])} (staf). "
            '<a href="nilai.xlsx">Unduh rekap nilai (Excel)</a></p><div class="wrap"><table>'
            "<tr><th>Tugas</th><th>Dikumpulkan</th><th>Dinilai</th><th>Perlu dicek</th>"
            "<th>Belum mengumpulkan</th></tr>" + "".join(rows) + "</table></div>"
        )
        self.finish(_page("Status tugas", body))


class AssignmentPage(StaffPage):
    @web.authenticated
    def get(self, name: str) -> None:
        from ukm_tools.course.config import load_course
        from ukm_tools.course.reports import assignment_rows, status_label
        from ukm_tools.errors import UkmError

        course = course_dir()
        try:
            load_course(course).assignment(name)
        except UkmError:
            raise web.HTTPError(404) from None
        lines = []
        for r in assignment_rows(course, name):
            score = "-" if r.score is None else f"{r.score:g} / {r.max_score:g}"
            lines.append(
                f"<tr><td>{escape(r.student)}</td><td>{escape(r.name)}</td>"
                f"<td>{escape(status_label(r.status, 'id'))}</td><td>{escape(r.reason)}</td>"
                f'<td class="n">{escape(score)}</td></tr>'
            )
        body = (
            f'<p><a href="../">&larr; semua tugas</a></p><h1>{escape(name)}</h1><div class="wrap"><table>'
            "<tr><th>Peserta</th><th>Nama</th><th>Status</th><th>Alasan</th><th>Nilai</th></tr>"
            + "".join(lines)
            + "</table></div>"
        )
        self.finish(_page(name, body))


class ExcelExport(StaffPage):
    @web.authenticated
    def get(self) -> None:
        from ukm_tools.course.reports import export

        with tempfile.TemporaryDirectory(prefix="ukm-staf-") as tmp:
            data = export(course_dir(), Path(tmp), lang="id")["xlsx"].read_bytes()
        self.set_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.set_header("Content-Disposition", 'attachment; filename="nilai.xlsx"')
        self.finish(data)


def make_staff_app() -> web.Application:
    return make_app([(r"", Overview), (r"tugas/([a-z0-9_-]+)", AssignmentPage), (r"nilai\.xlsx", ExcelExport)])


def main() -> None:
    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.quiet import quiet_nbgrader

    ensure_tools_on_path()
    with quiet_nbgrader():
        listen(make_staff_app())


if __name__ == "__main__":
    main()
