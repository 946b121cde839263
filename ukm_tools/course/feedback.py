"""Feedback HTML without hidden tests (nbgrader shows them by default: jupyter/nbgrader GitHub issue #917).

:class:`StripHiddenTests` runs in ``GenerateFeedback.preprocessors`` (see the course's
nbgrader_config.py). It removes the ``BEGIN/END HIDDEN TESTS`` regions from every cell,
drops the answer records the grader read, and reduces error tracebacks in test cells
to their message — an IPython traceback quotes the failing line of hidden test code.
"""

from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests

from ukm_tools.exercises import ANSWERS_MIME
from ukm_tools.messages import section

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _pending_manual_grades(resources) -> set[str]:
    """Grade ids of this notebook waiting for a grader (answered, no manual score yet)."""
    from nbgrader.api import Gradebook, MissingEntry

    info = resources.get("nbgrader", {})
    if not info.get("db_url"):
        return set()
    try:
        with Gradebook(info["db_url"]) as gb:
            nb = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            return {g.name for g in nb.grades if g.needs_manual_grade and g.manual_score is None}
    except MissingEntry:
        return set()


class StripHiddenTests(ClearHiddenTests):
    """ClearHiddenTests for feedback: never fails on a participant's stray markers; marks
    manual answers not graded yet as pending (nbgrader would show them as 0 points)."""

    pending_note = "*(Bagian ini belum dinilai pengajar; nilainya menyusul.)*"

    def preprocess(self, nb, resources):
        self._pending = _pending_manual_grades(resources)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade_id") in self._pending:
            # nbgrader's template prints an ungraded manual answer as 0 points; say it is pending.
            cell.source = f"{cell.source}\n\n{self.pending_note}"
        try:
            self._remove_hidden_test_region(cell)
        except RuntimeError:
            # Unbalanced markers typed by a participant in their own cell; test cells are
            # restored from the source by OverwriteCells, so theirs are always balanced.
            if utils.is_grade(cell) and not utils.is_solution(cell):
                raise
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            outputs, seen_errors = [], set()
            for out in cell.get("outputs", []):
                if out.get("output_type") in ("display_data", "execute_result", "update_display_data"):
                    data = out.get("data", {})
                    data.pop(ANSWERS_MIME, None)
                    if not data:
                        continue
                    if set(data) == {"text/plain"} and data["text/plain"].startswith("(jawaban tercatat"):
                        continue
                if out.get("output_type") == "error":
                    message = _ANSI.sub("", f"{out.get('ename', '')}: {out.get('evalue', '')}")
                    if message in seen_errors:
                        continue  # the kernel's message and the grader's verdict often agree
                    seen_errors.add(message)
                    out["traceback"] = [message]
                outputs.append(out)
            cell.outputs = outputs
        return cell, resources


# nbgrader's feedback template is in English. Its fixed labels (nbgrader 0.9.6,
# server_extensions/formgrader/templates/feedback/index.html.j2), each as (the markup around
# it, nbgrader's words, our catalogue text in course/feedback.yaml) — nbgrader's words are
# matched as nbgrader writes them, so they stay here and not in the catalogue.
_NBGRADER_LABELS = (
    ("({}: ", "Score", "score"),
    (">{}</a>", "Test cell", "test_cell"),
    (">{}</a>", "Coding free-response", "coding"),
    (">{}</a>", "Written response", "written"),
    (">{}</a>", "Task", "task"),
    (">{}</a>", "Comment", "comment"),
    ("{}", "Late submission penalty", "late_penalty"),
    ('<span class="nbgrader-label">{}</span>', "Student's answer", "students_answer"),
    ('<span class="nbgrader-label">{}</span>', "Student's task", "students_task"),
    ('<span class="nbgrader-label">{}: <code>', "Grade cell", "grade_cell"),
    ('<span class="nbgrader-label">{}: <code>', "Task", "task"),
    ("<b>{}:</b>", "Comments", "comments"),
    ('<a href="#top">({})</a>', "Top", "top"),
)
_SCORE_LINE = re.compile(r"^(\s*)Score: (\d)", re.M)
T = section("course.feedback")


def localize_feedback_html(path) -> None:
    """Rewrite the template's English labels of one feedback file in Bahasa Indonesia."""
    from pathlib import Path

    p = Path(path)
    html = p.read_text(encoding="utf-8").replace("<html>", '<html lang="id">')
    for markup, nbgrader_words, key in _NBGRADER_LABELS:
        html = html.replace(markup.format(nbgrader_words), markup.format(T(key, "id")))
    html = _SCORE_LINE.sub(rf"\1{T('score', 'id')}: \2", html)
    p.write_text(html, encoding="utf-8")
