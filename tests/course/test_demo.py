"""The demo cycle on a five-participant slice of the demo roster."""

import csv

import pytest

from ukm_tools.course.demo import demo_roster_path, run_demo


@pytest.mark.slow
@pytest.mark.timeout(420)  # grades three assignments (pre-test, harga-incoterms, post-test): 195 s on a loaded machine
def test_demo_cycle_small(tmp_path):
    lines = demo_roster_path().read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("id_peserta"))
    roster = tmp_path / "peserta.csv"
    roster.write_text("\n".join(lines[: header + 6]) + "\n", encoding="utf-8")
    said: list[str] = []
    result = run_demo(
        tmp_path / "out", ("harga-incoterms",), workers=2, say=said.append, plain_progress=True, roster_file=roster
    )
    kinds = result.submissions["harga-incoterms"]
    assert kinds["ahmad-nasution"] == "corrupt-json"  # the fourth participant
    statuses = {r.student: r.status.value for r in result.reports["harga-incoterms"].results}
    assert statuses["ahmad-nasution"] == "corrupt_notebook"
    assert all(statuses[s] == "graded" for s, k in kinds.items() if k in ("passes-all", "partly-wrong"))
    with result.exports["csv:harga-incoterms"].open(encoding="utf-8-sig") as f:
        rows = {r["id_peserta"]: r for r in csv.DictReader(f, delimiter=";")}
    for student, kind in kinds.items():
        if kind == "passes-all":
            assert rows[student]["total"] == "8", (student, rows[student])
        elif kind == "partly-wrong":
            assert rows[student]["total"] == "6", (student, rows[student])
    assert (result.course / "feedback" / "siti-aminah" / "harga-incoterms" / "harga-incoterms.html").is_file()
    assert any(line.startswith("4. [harga-incoterms] dinilai") and "cadangan gradebook" in line for line in said)
    # The pre/post tests were graded against their keys, attendance imported, and the day ends with the report.
    assert {r.student: r.status.value for r in result.reports["tes-akhir"].results} == {s: "graded" for s in kinds}
    assert any(line.startswith("7. Kehadiran dari") and "1 baris bukan peserta" in line for line in said)
    assert result.report["xlsx"].is_file() and result.report["html"].is_file()
    from openpyxl import load_workbook

    summary = [
        [c for c in r if c is not None]
        for r in load_workbook(result.report["xlsx"])["ringkasan"].iter_rows(values_only=True)
    ]
    assert ["terdaftar", 5] in summary and ["peserta dengan kedua tes", 5] in summary
    # The day ends with a certificate for each participant who completed (as the completion module says).
    from ukm_tools.course.completion import completions

    done = completions(result.course)
    assert len(result.certificates) == len(done)
    assert said[-1].startswith(f"9. Sertifikat bertanda tangan untuk {len(done)} peserta")
    assert (result.course / "sertifikat" / "publik" / "verifikasi.html").is_file()
    assert not list(result.course.rglob("*.pem")) and list((result.out / "kunci-rahasia").rglob("*.pem"))


def test_demo_output_folder_replaced_only_if_it_is_the_demos(tmp_path):
    from ukm_tools.course.demo import prepare_out
    from ukm_tools.errors import UkmError

    out = prepare_out(tmp_path / "demo")
    (out / "old.txt").write_text("x")
    assert not (prepare_out(out) / "old.txt").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("x")
    with pytest.raises(UkmError):
        prepare_out(mine)
    assert (mine / "thesis.docx").exists()
