"""The exercise portal as a hub service (``/services/ukm-portal/``): exercises as phone forms.

- ``/``                      the participant's released assignments and where each stands
- ``/tugas/<a>``             assignment ``a`` as a form: text, the participant's case, one box per answer
- ``/tugas/<a>/draf``        POST: keep what was typed (one field from the page's script, or the
                             whole form without script); answers with the visible check's verdict
- ``/tugas/<a>/kirim``       POST: write the answers into the released notebook and hand it in
- ``/tugas/<a>/hasil``       the released result: score per question, what is wrong in plain words

Who the participant is comes only from the hub (OAuth cookie or token, checked on every
request, members of the ``participants`` group in the roster): no URL, form field or file
names a participant, so nobody can name someone else's assignment, draft or result. Every
POST carries the ``_xsrf`` token of the page (checked by the hub's auth and by tornado).

Runs as the course user in the course folder (started by the hub):

    python -m ukm_tools.portal.app          (the hub sets JUPYTERHUB_* and UKM_HUB_COURSE_DIR)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from tornado import web

from ukm_tools.course.grading.status import utcnow
from ukm_tools.course.results import Result, ResultStore
from ukm_tools.exercises.checks import Verdict
from ukm_tools.exercises.forms import AnswerField, Form, Kind, Reading, fill_notebook, read_answer
from ukm_tools.hub.service import HubPage, listen, make_app
from ukm_tools.hub.settings import HUB_LANG, PARTICIPANTS, WORKSHOP_TZ
from ukm_tools.messages import section
from ukm_tools.portal.calculators import CalculatorLinks
from ukm_tools.portal.course import CourseView, Released
from ukm_tools.portal.store import PortalStore, Submission
from ukm_tools.widgets.gallery import App

T = section("portal.app")
LANG = HUB_LANG
STATIC = Path(__file__).resolve().parent / "static"
#: A result counts for a submission handed in at most this much earlier (timestamps round-trip
#: through nbgrader's text format).
SAME_SUBMISSION = timedelta(seconds=1)
#: Seconds the result page waits before looking again while the submission is being graded.
REFRESH_S = 2
#: Largest request body the portal reads (a form of a few answers and short reflections).
MAX_BODY = 256 * 1024


def _markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def _local(when: datetime) -> str:
    """A naive UTC time as the workshop reads it (Asia/Jakarta)."""
    return when.replace(tzinfo=UTC).astimezone(WORKSHOP_TZ).strftime("%d-%m-%Y %H:%M WIB")


def service_root() -> str:
    """The portal's own address on the hub (``/services/ukm-portal/``)."""
    return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/") + "/"


def _page(title: str, body: str, root: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{LANG}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="{root}static/portal.css"></head>'
        f"<body><main>{body}</main></body></html>"
    )


class PastDeadline(web.HTTPError):
    """A change sent after the assignment's deadline (the page may have been opened before it)."""

    def __init__(self) -> None:
        super().__init__(403, "past the deadline")


class PortalPage(HubPage):
    """A participant's page: hub login, ``participants`` group, and a roster entry in this course."""

    required_group = PARTICIPANTS

    def initialize(  # type: ignore[override]
        self,
        hub_auth: Any,
        course: CourseView,
        store: PortalStore,
        results: ResultStore,
        calculators: CalculatorLinks | None = None,
    ) -> None:
        super().initialize(hub_auth)
        self.course = course
        self.store = store
        self.results = results
        self.calculators = calculators

    @property
    def student(self) -> str:
        """The participant, as the hub authenticated them (never from the request)."""
        name = self.current_user["name"]
        if self.course.participant(name) is None:
            raise web.HTTPError(403, "not a participant of this course")
        return name

    def released_or_404(self, name: str, *, open_at: datetime | None = None) -> Released:
        """Released assignment ``name`` (404 when it is not); with ``open_at``, 403 when past its deadline then."""
        found = self.course.assignment(name)
        if found is None:
            raise web.HTTPError(404)
        if open_at is not None and not found.open_at(open_at):
            raise PastDeadline()
        return found

    def render_page(self, title: str, body: str) -> None:
        self.finish(_page(title, body, self._home()))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        key = {403: "refused", 404: "not_found", 413: "too_large"}.get(status_code, "server_error")
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, PastDeadline):
            key = "closed_long"  # says why, not "this page is not for you"
        home = f'<p><a href="{self._home()}">{escape(T("home", LANG))}</a></p>'
        self.finish(_page(T(key, LANG), f"<h1>{escape(T(key, LANG))}</h1>{home}", self._home()))

    def _home(self) -> str:
        return service_root()

    def submission_answers(self) -> dict[str, str]:
        """The form's answer boxes as posted (names of the form's fields only)."""
        return {k: self.get_body_argument(k, "") for k in self.request.body_arguments if not k.startswith("_")}

    def prepare(self) -> None:
        if len(self.request.body or b"") > MAX_BODY:
            raise web.HTTPError(413)


# --------------------------------------------------------------------------- home


class Home(PortalPage):
    @web.authenticated
    def get(self) -> None:
        student = self.student
        now = utcnow()
        drafted = self.store.drafted(student)
        submitted = {s.assignment: s for s in self.store.submissions(student=student)}
        rows = []
        for a in self.course.released():
            result = self.results.get(a.name, student)
            state = _state(a.name in drafted, submitted.get(a.name), result)
            due = T("due", LANG, when=_local(a.due)) if a.due else T("no_due", LANG)
            closed = "" if a.open_at(now) else f" · {T('closed', LANG)}"
            rows.append(
                f'<li><a href="tugas/{escape(a.name)}">{escape(a.title)}</a>'
                f'<span class="meta">{escape(state)}<br>{escape(due + closed)}</span></li>'
            )
        body = f"<h1>{escape(T('home_title', LANG))}</h1><p>{escape(T('signed_in_as', LANG, name=student))}</p>" + (
            f'<ul class="list">{"".join(rows)}</ul>' if rows else f"<p>{escape(T('nothing_released', LANG))}</p>"
        )
        self.render_page(T("home_title", LANG), body)


def _state(drafted: bool, submission: Submission | None, result: Result | None) -> str:
    if submission is None:
        return T("state_draft" if drafted else "state_new", LANG)
    if result is None or not _result_is_current(result, submission):
        return T("state_submitted", LANG)
    if not _graded(result):
        return T("state_attention", LANG)
    return T("state_graded", LANG, score=f"{result.score:g}", max=f"{result.max_score:g}")


def _graded(result: Result) -> bool:
    """Graded normally: a timeout or a broken notebook has no score to show (a zero would look real)."""
    from ukm_tools.course.grading.status import Status

    return result.status == Status.GRADED and result.score is not None and result.max_score is not None


def _result_is_current(result: Result, submission: Submission) -> bool:
    return result.submitted_at is not None and result.submitted_at >= submission.submitted_at - SAME_SUBMISSION


# --------------------------------------------------------------------------- the form


def _calculator_html(f: AnswerField, links: Mapping[str, tuple[App, str]]) -> str:
    """The link to the calculator that computes ``f``, opened with the participant's case."""
    found = links.get(f.calculator or "")
    if found is None:
        return ""
    app, url = found
    text = T("calculator_link", LANG, title=app.title.text(LANG))
    # A new tab keeps the typed answers; no referrer, so the calculator server never learns the form's address.
    return (
        f'<p class="calc"><a href="{escape(url)}" id="calc-{escape(f.name)}" target="_blank" '
        f'rel="noopener noreferrer">{escape(text)}</a></p>'
    )


def _field_html(f: AnswerField, reading: Reading, disabled: bool, calc: str = "") -> str:
    fid = f"f-{f.name}"
    off = " disabled" if disabled else ""
    problem = f'<p class="problem" id="{fid}-p" role="alert">{escape(reading.problem)}</p>'
    common = f'id="{fid}" name="{escape(f.name)}" data-field="{escape(f.name)}"{off}'
    if f.kind is Kind.TEXT:
        box = f'<textarea {common} rows="5" maxlength="4000">{escape(reading.typed)}</textarea>'
    elif f.kind is Kind.CHOICE:
        options = "".join(
            f'<label class="option"><input type="radio" name="{escape(f.name)}" value="{escape(k)}" '
            f'data-field="{escape(f.name)}"{" checked" if reading.typed.strip().lower() == k else ""}{off}> '
            f"<b>{escape(k)}</b> {escape(v)}</label>"
            for k, v in f.options
        )
        return f'<fieldset class="field"><legend>{escape(f.label)}</legend>{calc}{options}{problem}</fieldset>'
    else:
        unit = {"IDR": "Rp", "USD": "USD"}.get(f.kind.currency or "", "")
        prefix = f'<span class="unit">{unit}</span>' if unit else ""
        box = (
            f'<span class="amount">{prefix}<input {common} type="text" inputmode="decimal" autocomplete="off" '
            f'value="{escape(reading.typed)}" maxlength="40"></span>'
        )
    return f'<div class="field"><label for="{fid}">{escape(f.label)}</label>{calc}{box}{problem}</div>'


class FormPage(PortalPage):
    @web.authenticated
    def get(self, name: str) -> None:
        student = self.student
        released = self.released_or_404(name)
        form, _ = self.course.form(name)
        typed = self.store.draft(name, student)
        open_ = released.open_at(utcnow())
        product = self.course.product(student)
        parts = [f'<p><a href="../">{escape(T("home", LANG))}</a></p>']
        if released.due:
            parts.append(f'<p class="due">{escape(T("due", LANG, when=_local(released.due)))}</p>')
        if not open_:
            parts.append(f'<p class="closed">{escape(T("closed_long", LANG))}</p>')
        links = (
            self.calculators.links([f.calculator for f in form.fields.values() if f.calculator], student, product)
            if self.calculators
            else {}
        )
        submission = self.store.submission(name, student)
        if submission:
            when = _local(submission.submitted_at)
            parts.append(
                f'<p class="sent">{escape(T("sent_at", LANG, when=when, n=submission.attempts))} '
                f'<a href="{escape(name)}/hasil">{escape(T("see_result", LANG))}</a></p>'
            )
        parts.append(
            f'<form method="post" action="{escape(name)}/kirim" id="form" data-draft="{escape(name)}/draf">'
            f'<input type="hidden" name="_xsrf" value="{escape(self.xsrf_token.decode())}">'
        )
        for block in form.blocks:
            if block.kind == "text":
                parts.append(f'<section class="text">{_markdown(block.text)}</section>')
            elif block.kind == "case":
                from ukm_tools.exercises import case_lines

                lines = case_lines(block.case, student, product)
                parts.append(
                    f'<section class="case"><h3>{escape(T("your_case", LANG))}</h3>'
                    f"<pre>{escape(chr(10).join(lines))}</pre></section>"
                )
            else:
                fields = "".join(
                    _field_html(f, read_answer(f, typed.get(f.name, ""), LANG), not open_, _calculator_html(f, links))
                    for f in block.fields
                )
                parts.append(f'<section class="answers">{fields}</section>')
        if open_:
            parts.append(
                f'<p class="saved" id="saved" aria-live="polite"></p>'
                f'<div class="buttons"><button type="submit" formaction="{escape(name)}/draf" class="secondary">'
                f"{escape(T('save', LANG))}</button>"
                f'<button type="submit" id="kirim">{escape(T("submit", LANG))}</button></div>'
            )
        parts.append("</form>")
        parts.append(f'<script src="{self._home()}static/portal.js" defer></script>')
        self.render_page(released.title, "".join(parts))


class DraftSave(PortalPage):
    """Keep what was typed. The page's script posts one field at a time and reads the answer as
    JSON (the visible check's verdict); without script the whole form is posted and the page reloads."""

    @web.authenticated
    def post(self, name: str) -> None:
        student = self.student
        self.released_or_404(name, open_at=utcnow())
        form, _ = self.course.form(name)
        fields = form.fields
        if self.get_body_argument("_field", None) is not None:
            field = self.get_body_argument("_field")
            if field not in fields:
                raise web.HTTPError(400)
            text = self.get_body_argument("typed", "")
            reading = read_answer(fields[field], text, LANG)
            self.store.save_draft(name, student, {field: text}, utcnow())
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"field": field, "problem": reading.problem, "saved": T("saved", LANG)}))
            return
        typed = {k: v for k, v in self.submission_answers().items() if k in fields}
        self.store.save_draft(name, student, typed, utcnow())
        self.redirect(f"{self._home()}tugas/{name}")


class Submit(PortalPage):
    """ "Kirim": the answers written into the participant's copy of the released notebook, handed
    in through the course's intake as the authenticated participant."""

    @web.authenticated
    def post(self, name: str) -> None:
        student = self.student
        now = utcnow()
        self.released_or_404(name, open_at=now)
        form, nb = self.course.form(name)
        typed = {k: v for k, v in self.submission_answers().items() if k in form.fields}
        self.store.save_draft(name, student, typed, now)
        typed = {**self.store.draft(name, student), **typed}
        readings = {n: read_answer(f, typed.get(n, ""), LANG) for n, f in form.fields.items()}
        filled = fill_notebook(nb, form, readings)
        files = released_files(self.course.course_dir / "release" / name)
        files[f"{name}.ipynb"] = (json.dumps(filled, ensure_ascii=False, indent=1) + "\n").encode()
        hand_in(self.course.course_dir, name, student, files, now)
        self.store.record_submission(name, student, {n: r.typed for n, r in readings.items() if not r.empty}, now)
        self.redirect(f"{self._home()}tugas/{name}/hasil")


def released_files(folder: Path) -> dict[str, bytes]:
    """The regular files of a release folder (data a notebook reads), without links or subfolders."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.is_symlink() and p.suffix != ".ipynb"
    }


def hand_in(course_dir: Path, assignment: str, student: str, files: Mapping[str, bytes], now: datetime) -> None:
    """Store the submission through the course's intake (the one way submissions enter ``submitted/``)."""
    from ukm_tools.course.intake import intake

    intake(course_dir, assignment, student, files, now)


# --------------------------------------------------------------------------- the result


def verdict_text(v: Verdict, form: Form) -> str:
    """A grader's verdict in the portal's words: the answer's label, never its variable name."""
    values = v.values()
    f = form.fields.get(v.name)
    values["label"] = f.label if f else values.get("label", "")
    values.setdefault("hint", "")
    return T(f"verdict_{v.key}", LANG, **values)


class ResultPage(PortalPage):
    @web.authenticated
    def get(self, name: str) -> None:
        student = self.student
        released = self.released_or_404(name)
        form, _ = self.course.form(name)
        submission = self.store.submission(name, student)
        result = self.results.get(name, student)
        parts = [f'<p><a href="../{escape(name)}">{escape(T("back_to_form", LANG))}</a></p>']
        parts.append(f"<h1>{escape(released.title)}</h1>")
        if submission is None:
            parts.append(f"<p>{escape(T('not_submitted', LANG))}</p>")
        elif result is None or not _result_is_current(result, submission):
            parts.append(
                f'<p class="waiting" id="waiting">{escape(T("grading", LANG))}</p>'
                f'<meta http-equiv="refresh" content="{REFRESH_S}">'
            )
        else:
            parts.append(self._result_html(form, result))
        self.render_page(released.title, "".join(parts))

    def _result_html(self, form: Form, result: Result) -> str:
        if not _graded(result) or result.score is None or result.max_score is None:
            return f'<p class="problem">{escape(T("attention", LANG))}</p>'
        total = T("score", LANG, score=f"{result.score:g}", max=f"{result.max_score:g}")
        out = [
            f'<p class="score" id="score">{escape(total)}</p>',
            f"<p>{escape(T('submitted_when', LANG, when=_local(result.submitted_at)))}</p>"
            if result.submitted_at
            else "",
            '<ul class="list results">',
        ]
        order = {cell: i for i, cell in enumerate(form.points)}  # notebook order
        for q in sorted(result.questions, key=lambda q: (order.get(q.cell, len(order)), q.cell)):
            block = form.question(q.cell)
            title = block.title if block and block.title else q.cell
            if q.waiting_for_trainer:
                mark, line = "•", T("waiting_trainer", LANG, max=f"{q.max_score:g}")
            else:
                mark = "✓" if q.full else "✗"
                line = T("question_score", LANG, score=f"{q.score:g}", max=f"{q.max_score:g}")
            why = "".join(f'<p class="problem">{escape(verdict_text(v, form))}</p>' for v in q.verdict_objects())
            if not q.full and not q.waiting_for_trainer and not why:
                why = f'<p class="problem">{escape(T("not_full_unexplained", LANG))}</p>'
            out.append(f"<li><b>{mark} {escape(title)}</b><span class='meta'>{escape(line)}</span>{why}</li>")
        out.append("</ul>")
        return "".join(out)


# --------------------------------------------------------------------------- the application


def course_dir() -> Path:
    return Path(os.environ.get("UKM_HUB_COURSE_DIR") or os.getcwd())


def make_portal_app(
    course: CourseView, store: PortalStore, results: ResultStore, calculators: CalculatorLinks | None = None
) -> web.Application:
    deps = {"course": course, "store": store, "results": results, "calculators": calculators}
    name = r"([a-z0-9][a-z0-9_-]*)"
    app = make_app(
        [
            (r"", Home, deps),
            (rf"tugas/{name}", FormPage, deps),
            (rf"tugas/{name}/draf", DraftSave, deps),
            (rf"tugas/{name}/kirim", Submit, deps),
            (rf"tugas/{name}/hasil", ResultPage, deps),
        ],
        xsrf_cookies=True,
        static_path=str(STATIC),
        static_url_prefix=service_root() + "static/",
    )
    return app


def main() -> None:
    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.quiet import quiet_nbgrader

    ensure_tools_on_path()
    course = CourseView(course_dir())
    store, results = PortalStore(course.db_url), ResultStore(course.db_url)
    with quiet_nbgrader():
        listen(make_portal_app(course, store, results, CalculatorLinks.from_env()))


if __name__ == "__main__":
    main()
