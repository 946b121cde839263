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
from ukm_tools.hub.settings import HUB_LANG, STAFF
from ukm_tools.messages import section

T = section("hub.staff")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:60rem}
h1{font-size:1.3rem} table{border-collapse:collapse;width:100%} .wrap{overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums} a{color:#0b5}
"""


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{HUB_LANG}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _table(headings: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    return f'<div class="wrap"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def course_dir() -> Path:
    return Path(os.environ.get("UKM_HUB_COURSE_DIR") or os.getcwd())


class StaffPage(HubPage):
    required_group = STAFF


class Overview(StaffPage):
    @web.authenticated
    def get(self) -> None:
        from ukm_tools.course.config import load_course
        from ukm_tools.course.grading.status import NEEDS_ATTENTION, Status
        from ukm_tools.course.reports import NOT_SUBMITTED, assignment_rows

        course = course_dir()
        spec = load_course(course)
        rows = []
        for a in spec.assignments():
            counts = Counter(r.status for r in assignment_rows(course, a.name))
            attention = sum(n for s, n in counts.items() if s in NEEDS_ATTENTION)
            submitted = sum(n for s, n in counts.items() if s != NOT_SUBMITTED)
            rows.append(
                f'<tr><td><a href="tugas/{escape(a.name)}">{escape(a.title or a.name)}</a></td>'
                f'<td class="n">{submitted}</td><td class="n">{counts.get(Status.GRADED, 0)}</td>'
                f'<td class="n">{attention}</td><td class="n">{counts.get(NOT_SUBMITTED, 0)}</td></tr>'
            )
        keys = ("col_assignment", "col_submitted", "col_graded", "col_attention", "col_not_submitted")
        body = (
            f"<h1>{escape(T('overview_heading', HUB_LANG, course=spec.title))}</h1>"
            f"<p>{escape(T('signed_in_as', HUB_LANG, name=self.current_user['name']))} "
            f'<a href="nilai.xlsx">{escape(T("download_excel", HUB_LANG))}</a></p>'
            + _table([T(k, HUB_LANG) for k in keys], rows)
        )
        self.finish(_page(T("overview_title", HUB_LANG), body))


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
                f"<td>{escape(status_label(r.status, HUB_LANG))}</td><td>{escape(r.reason)}</td>"
                f'<td class="n">{escape(score)}</td></tr>'
            )
        keys = ("col_participant", "col_name", "col_status", "col_reason", "col_score")
        back = escape(T("all_assignments", HUB_LANG))
        body = f'<p><a href="../">{back}</a></p><h1>{escape(name)}</h1>' + _table([T(k, HUB_LANG) for k in keys], lines)
        self.finish(_page(name, body))


class ExcelExport(StaffPage):
    @web.authenticated
    def get(self) -> None:
        from ukm_tools.course.reports import export

        with tempfile.TemporaryDirectory(prefix="ukm-staf-") as tmp:
            data = export(course_dir(), Path(tmp), lang=HUB_LANG)["xlsx"].read_bytes()
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
