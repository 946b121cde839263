"""The grader's verdicts on a test cell are the grader's own: a submitted notebook cannot plant them."""

from __future__ import annotations

import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from ukm_tools.course.ops import REPO_TEMPLATE
from ukm_tools.course.verify_answers import VERDICTS_KEY, VerifyAnswers

pytestmark = pytest.mark.timeout(30)

#: What a participant writes into a test cell's metadata to put a message of their choice on
#: their result page (the portal reads this key from the autograded notebook).
PLANTED = [{"key": "not_right", "name": "harga_exw", "params": {"got": "1", "hint": "DITANAM"}}]


def _test_cell(grade_id: str):
    cell = new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": 1}
    cell.metadata[VERDICTS_KEY] = PLANTED
    return cell


@pytest.mark.parametrize("assignment", ["tugas-buatan-pengajar", "harga-incoterms"])
def test_a_submitted_verdict_never_survives_grading(assignment):
    """A course's own assignment (no answer key of ukm's) and a cell ukm does not judge alike."""
    nb = new_notebook(cells=[_test_cell("cek_buatan_sendiri")])
    resources = {"nbgrader": {"assignment": assignment, "student": "peserta-1"}}
    config = Config()
    config.CourseDirectory.root = str(REPO_TEMPLATE)  # the template's answer key, as the grader loads it
    out, _ = VerifyAnswers(config=config).preprocess(nb, resources)
    assert VERDICTS_KEY not in out.cells[0].metadata


#: What a participant writes in a reflection (or a cell they add) to run script in the trainer's
#: formgrader, which renders the autograded notebook's markdown as HTML without sanitizing it.
LINK = "Lihat foto produk saya: [klik di sini](javascript:alert(document.cookie))"
IMAGE = '<img src=x onerror="alert(1)"> ![logo](javascript:alert(2))'
REFERENCE = "[katalog][k]\n\n[k]: javascript:alert(3)"
INSTRUCTIONS = "Baca [panduan harga](https://contoh.id/panduan) lalu tulis <b>refleksi</b> Anda."
STUB = "JAWABAN ANDA DI SINI"


def _formgrader_html(source: str) -> str:
    """A markdown cell as nbgrader's formgrade template renders it (``markdown2html``, no sanitizer)."""
    from nbconvert.filters import markdown2html

    return markdown2html(source)


def _unsafe(html: str) -> bool:
    return any(tag in html for tag in ("<img", "<script", 'href="javascript', 'src="javascript'))


def test_markdown_a_participant_wrote_reaches_the_formgrader_as_text_only(tmp_path):
    from nbformat.v4 import new_markdown_cell

    from ukm_tools.course.verify_answers import InertParticipantMarkdown
    from ukm_tools.exercises.forms import markdown_for

    assert all(_unsafe(_formgrader_html(text)) for text in (LINK, IMAGE, REFERENCE))  # the attack, unprocessed
    release = tmp_path / "release" / "refleksi"
    release.mkdir(parents=True)
    released = new_notebook(cells=[new_markdown_cell(INSTRUCTIONS), new_markdown_cell(STUB)])
    (release / "refleksi.ipynb").write_text(json.dumps(released), encoding="utf-8")
    portal = markdown_for("Harga naik [10%] karena <ongkir>")
    submitted = new_notebook(cells=[new_markdown_cell(t) for t in (INSTRUCTIONS, LINK, IMAGE, REFERENCE, STUB, portal)])
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    resources = {"nbgrader": {"assignment": "refleksi", "notebook": "refleksi", "student": "peserta-1"}}
    out, _ = InertParticipantMarkdown(config=config).preprocess(submitted, resources)
    instructions, link, image, reference, stub, filled = (c.source for c in out.cells)
    assert (instructions, stub, filled) == (
        INSTRUCTIONS,
        STUB,
        portal,
    )  # the course's text and the portal's: as they were
    assert 'href="https://contoh.id/panduan"' in _formgrader_html(instructions)
    for source, words in ((link, "klik di sini"), (image, "onerror"), (reference, "katalog")):
        html = _formgrader_html(source)
        assert not _unsafe(html) and "<a " not in html, html
        assert words in html  # the participant's words are all still there, as text
    assert "[10%]" in _formgrader_html(filled) and "&lt;ongkir&gt;" in _formgrader_html(filled)


def test_what_a_participants_code_displays_reaches_the_formgrader_as_text_only():
    """``display(HTML(...))`` and friends in a solution cell, run by the grader, would be live in the formgrader."""
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_output

    from ukm_tools.course.verify_answers import HIDDEN_OUTPUT, InertOutputs
    from ukm_tools.exercises import ANSWERS_MIME

    cell = new_code_cell("from IPython.display import HTML, Javascript, Markdown, display\n...")
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "jawab_exw"}
    record = {"assignment": "harga-incoterms", "question": "cek_exw", "answers": {}}
    cell.outputs = [
        new_output("display_data", data={"text/html": "<script>alert('nilai')</script>", "text/plain": "<HTML>"}),
        new_output("display_data", data={"application/javascript": "alert('nilai')"}),
        new_output("display_data", data={"text/markdown": "[klik](javascript:alert('nilai'))"}),
        new_output("display_data", data={"image/svg+xml": "<svg onload=\"alert('nilai')\"/>"}),
        new_output("execute_result", data={"text/plain": "76300"}, execution_count=1),
        new_output("display_data", data={ANSWERS_MIME: record, "text/plain": "(jawaban tercatat)"}),
    ]
    nb = new_notebook(cells=[cell])
    assert "<script>alert('nilai')</script>" in HTMLExporter().from_notebook_node(nb)[0]  # the attack, unprocessed
    out, _ = InertOutputs().preprocess(nb, {"nbgrader": {"assignment": "harga-incoterms", "student": "p1"}})
    html, _ = HTMLExporter().from_notebook_node(out)
    assert "alert('nilai')" not in html and "javascript:" not in html
    data = [o.get("data", {}) for o in out.cells[0].outputs]
    assert data[0] == {"text/plain": "<HTML>"} and data[4] == {"text/plain": "76300"}
    assert data[1] == data[2] == data[3] == {"text/plain": HIDDEN_OUTPUT}
    assert data[5][ANSWERS_MIME] == record  # the grader's own records stay for VerifyAnswers


def test_an_images_size_metadata_cannot_add_attributes_in_the_formgrader():
    """nbconvert's classic template (the formgrader's base) writes an image's width unquoted:
    ``width=1 onerror=...`` becomes an event handler on the <img>."""
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_output

    from ukm_tools.course.verify_answers import InertOutputs

    cell = new_code_cell("display(Image(...), metadata=...)")
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "jawab_exw"}
    attack = "1 onerror=alert('nilai')"
    cell.outputs = [
        new_output("display_data", data={"image/png": "iVBORw0KGgo="}, metadata={"image/png": {"width": attack}})
    ]
    nb = new_notebook(cells=[cell])
    exporter = HTMLExporter(template_name="classic")
    assert "onerror=\"alert('nilai')\"" in exporter.from_notebook_node(nb)[0]  # the attack, unprocessed
    out, _ = InertOutputs().preprocess(nb, {"nbgrader": {"assignment": "harga-incoterms", "student": "p1"}})
    html, _ = exporter.from_notebook_node(out)
    assert "onerror" not in html and "iVBORw0KGgo=" in html  # the picture itself is still shown
