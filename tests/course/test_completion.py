"""Completion rules on synthetic gradebooks: pass marks, states, attendance, ANY/ALL, overrides.

Points of the template's assignments (source notebooks): harga-incoterms cek_exw 2 + cek_fob 3 +
cek_cif 3 + refleksi_harga 4 (manual) = 12; pembayaran 3+2+3+2 + refleksi_bayar 4 = 14;
tests: ten questions of 1 point.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import yaml
from synthetic_gradebook import PENDING, Sub, full_marks

from ukm_tools.course import audit
from ukm_tools.course.completion import (
    COMPLETED,
    NEEDS_ATTENTION,
    NOT_YET,
    PROVISIONAL,
    completions,
    evaluate,
    progress,
)
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.overrides import set_override, withdraw_override
from ukm_tools.errors import UkmError

pytestmark = pytest.mark.timeout(60)
MODULE_OF = {
    "ekatalog": "m1-ekatalog",
    "syarat-ekspor": "m2-syarat",
    "harga-incoterms": "m3-harga",
    "pembayaran": "m4-pembayaran",
    "pembiayaan": "m5-pembiayaan",
}


def set_rules(course, **completion):
    """Rewrite course.yml's completion section (other sections as in the template)."""
    path = course.course / "course.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["completion"] = {**data["completion"], **completion}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def people(course, *ids):
    course.add_students({"id": s, "name": s.replace("-", " ").title()} for s in ids)


def all_present(course, *ids):
    course.attend({(s.id, p): True for s in course.spec.sessions for p in ids})


def done_everything(course, student, but=()):
    """Full marks in every module assignment except those in ``but``."""
    return [Sub(student, a, full_marks(course, a)) for a in MODULE_OF if a not in but]


def state_of(course, student, unit=None):
    result = evaluate(load_course_data(course.course))
    i = result.students.index(student)
    return result.state[i] if unit is None else result.units[unit].state[i]


def test_exactly_at_the_pass_mark_counts_and_a_point_less_does_not(synthetic):
    # m3-harga at 75%: 9 of 12 points is exactly 75%; 8 is 66.7%.
    set_rules(synthetic, modules={"m3-harga": {"pass_pct": 75}})
    people(synthetic, "tepat", "kurang")
    synthetic.submit(
        [
            Sub("tepat", "harga-incoterms", {"cek_exw": 2, "cek_fob": 3, "cek_cif": 0, "refleksi_harga": 4}),
            Sub("kurang", "harga-incoterms", {"cek_exw": 2, "cek_fob": 3, "cek_cif": 0, "refleksi_harga": 3}),
        ]
    )
    assert state_of(synthetic, "tepat", "m3-harga") == COMPLETED
    assert state_of(synthetic, "kurang", "m3-harga") == NOT_YET


def test_pass_mark_is_compared_exactly_not_in_floating_point(synthetic):
    # Partial points 1.4 + 2.8 + 1.8 are 6 exactly, but 5.999999999999999 added as floats; 50% of 12 is 6.
    set_rules(synthetic, modules={"m3-harga": {"pass_pct": 50}})
    people(synthetic, "enam")
    synthetic.submit(
        [Sub("enam", "harga-incoterms", {"cek_exw": 0, "cek_fob": 1.4, "cek_cif": 2.8, "refleksi_harga": 1.8})]
    )
    assert 0.0 + 1.4 + 2.8 + 1.8 < 6  # the trap
    assert state_of(synthetic, "enam", "m3-harga") == COMPLETED


def test_pending_manual_points_make_a_module_provisional_only_when_they_could_decide(synthetic):
    people(synthetic, "menunggu", "sudah-cukup", "tak-terkejar")
    synthetic.submit(
        [
            # 4 of 12 now, 8 with the reflection: the 60% mark (7.2) depends on the grader.
            Sub("menunggu", "harga-incoterms", {"cek_exw": 2, "cek_fob": 0, "cek_cif": 2, "refleksi_harga": PENDING}),
            # 8 of 12 already: passes whatever the reflection gets.
            Sub(
                "sudah-cukup", "harga-incoterms", {"cek_exw": 2, "cek_fob": 3, "cek_cif": 3, "refleksi_harga": PENDING}
            ),
            # 2 of 12, at most 6 with the reflection: cannot reach 7.2.
            Sub(
                "tak-terkejar", "harga-incoterms", {"cek_exw": 2, "cek_fob": 0, "cek_cif": 0, "refleksi_harga": PENDING}
            ),
        ]
    )
    data = load_course_data(synthetic.course)
    result = evaluate(data)
    units = result.units["m3-harga"]
    got = {s: units.state[result.students.index(s)] for s in ("menunggu", "sudah-cukup", "tak-terkejar")}
    assert got == {"menunggu": PROVISIONAL, "sudah-cukup": COMPLETED, "tak-terkejar": NOT_YET}
    notes = [
        n.message() for u in progress(data, result, "menunggu").units if u.condition.unit == "m3-harga" for n in u.notes
    ]
    assert "4 poin menunggu nilai manual dari pengajar (refleksi_harga)." in notes


@pytest.mark.parametrize("status", ["error", "kernel_died", "corrupt_notebook", "missing_notebook"])
def test_a_failed_grading_needs_attention_and_is_never_a_fail_or_a_pass(synthetic, status):
    people(synthetic, "gagal")
    all_present(synthetic, "gagal")
    synthetic.submit(
        [
            *done_everything(synthetic, "gagal", but=("harga-incoterms",)),
            Sub("gagal", "harga-incoterms", status=status, reason="grader process died"),
        ]
    )
    data = load_course_data(synthetic.course)
    result = evaluate(data)
    assert result.units["m3-harga"].state[0] == NEEDS_ATTENTION
    assert result.state[0] == NEEDS_ATTENTION  # the course waits on staff, not on the participant
    note = next(n for u in progress(data, result, "gagal").units if u.condition.unit == "m3-harga" for n in u.notes)
    assert note.code == "progress_attention" and "Bukan kesalahan peserta" in note.message()


def test_a_failed_grading_does_not_hide_a_module_already_lost_elsewhere(synthetic):
    # Two required assignments in one module: one failed to grade, the other not handed in.
    path = synthetic.course / "course.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["modules"][3]["assignments"].append(data["modules"][4]["assignments"].pop())
    data["modules"].pop(4)
    for topic in data["tests"]["topics"]:
        topic["module"] = "m4-pembayaran" if topic["module"] == "m5-pembiayaan" else topic["module"]
    data["completion"]["modules"] = {"m4-pembayaran": {"required": ["pembayaran", "pembiayaan"]}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    people(synthetic, "dua")
    synthetic.submit([Sub("dua", "pembayaran", status="error")])
    assert state_of(synthetic, "dua", "m4-pembayaran") == NOT_YET  # pembiayaan is still to hand in


def test_missing_attendance_is_unknown_until_the_sheets_are_imported(synthetic):
    people(synthetic, "rajin")
    synthetic.submit(done_everything(synthetic, "rajin"))
    assert state_of(synthetic, "rajin") == NEEDS_ATTENTION  # min 2 sessions, no sheet imported yet
    synthetic.attend({("pagi", "rajin"): True})
    data = load_course_data(synthetic.course)
    result = evaluate(data)
    assert result.state[0] == NEEDS_ATTENTION and result.sessions_unknown == ["siang"]
    assert [n.message() for n in progress(data, result, "rajin").attendance_notes] == [
        "Hadir 1 dari minimal 2 sesi.",
        "Daftar hadir sesi siang belum diimpor (ukm attendance import).",
    ]
    synthetic.attend({("siang", "rajin"): False})
    assert state_of(synthetic, "rajin") == NOT_YET
    synthetic.attend({("siang", "rajin"): True})  # a corrected sheet
    assert state_of(synthetic, "rajin") == COMPLETED


def test_all_needs_every_module_and_any_needs_one(synthetic):
    people(synthetic, "satu-modul", "semua")
    all_present(synthetic, "satu-modul", "semua")
    synthetic.submit(
        [
            Sub("satu-modul", "harga-incoterms", full_marks(synthetic, "harga-incoterms")),
            *done_everything(synthetic, "semua"),
        ]
    )
    assert state_of(synthetic, "satu-modul") == NOT_YET and state_of(synthetic, "semua") == COMPLETED
    set_rules(synthetic, combine="any")
    assert state_of(synthetic, "satu-modul") == COMPLETED and state_of(synthetic, "semua") == COMPLETED


def test_any_waits_for_staff_before_manual_grades_when_nothing_is_complete(synthetic):
    set_rules(synthetic, combine="any", min_sessions=0)
    people(synthetic, "ragu")
    synthetic.submit(
        [
            Sub("ragu", "harga-incoterms", status="error"),
            Sub("ragu", "pembayaran", {"cek_rupiah": 3, "cek_selisih": 2, "refleksi_bayar": PENDING}),
        ]
    )
    assert state_of(synthetic, "ragu", "m4-pembayaran") == PROVISIONAL
    assert state_of(synthetic, "ragu") == NEEDS_ATTENTION


def test_tests_count_only_when_the_rules_name_them(synthetic):
    people(synthetic, "tanpa-tes")
    all_present(synthetic, "tanpa-tes")
    synthetic.submit(done_everything(synthetic, "tanpa-tes"))
    assert state_of(synthetic, "tanpa-tes") == COMPLETED
    set_rules(synthetic, tests={"tes-akhir": 0})  # taking the post-test is enough...
    assert state_of(synthetic, "tanpa-tes") == NOT_YET  # ...but it must be taken
    synthetic.submit([Sub("tanpa-tes", "tes-akhir", {})])  # 0 of 10
    assert state_of(synthetic, "tanpa-tes") == COMPLETED


def test_override_and_withdrawal_are_logged_and_never_erased(synthetic):
    people(synthetic, "koreksi")
    all_present(synthetic, "koreksi")
    synthetic.submit(done_everything(synthetic, "koreksi", but=("harga-incoterms",)))
    spec = synthetic.spec
    assert state_of(synthetic, "koreksi") == NOT_YET
    set_override(
        synthetic.db_url,
        spec,
        "koreksi",
        "m3-harga",
        "selesai",
        why="Dinilai lisan oleh pelatih; notebook hilang saat listrik padam.",
        by="Bu Rina",
    )
    data = load_course_data(synthetic.course)
    result = evaluate(data)
    harga = result.units["m3-harga"]
    assert (harga.state[0], harga.computed[0], bool(harga.overridden[0])) == (COMPLETED, NOT_YET, True)
    assert result.state[0] == COMPLETED
    done = completions(synthetic.course, data)
    assert [c.student for c in done] == ["koreksi"] and done[0].overridden
    assert [m.module_id for m in done[0].modules if m.overridden] == ["m3-harga"]
    (harga_progress,) = [u for u in progress(data, result, "koreksi").units if u.condition.unit == "m3-harga"]
    note = harga_progress.notes[0]
    assert note.code == "progress_override" and "Bu Rina" in note.message() and "belum" in note.message()

    withdraw_override(
        synthetic.db_url, spec, "koreksi", "m3-harga", why="Notebook ditemukan; dinilai biasa.", by="Pak Ali"
    )
    assert state_of(synthetic, "koreksi") == NOT_YET
    log = audit.entries(synthetic.db_url)
    assert [(e.action, e.by, e.status) for e in log] == [
        ("attendance_import", "tes", None),
        ("override", "Bu Rina", COMPLETED),
        ("withdraw", "Pak Ali", None),
    ]
    assert all(e.at.utcoffset() == dt.timedelta(hours=7) for e in log)  # Asia/Jakarta
    with pytest.raises(UkmError) as err:  # nothing left to withdraw
        withdraw_override(synthetic.db_url, spec, "koreksi", "m3-harga", why="Sekali lagi, tidak boleh.", by="Pak Ali")
    assert err.value.code == "override_nothing_to_withdraw"
    # The database itself refuses to rewrite or delete the log.
    with sqlite3.connect(synthetic.db_path) as db:
        for sql in ("UPDATE ukm_audit_log SET why = 'x'", "DELETE FROM ukm_audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)
    assert len(audit.entries(synthetic.db_url)) == 3


def test_an_override_with_bad_input_reports_every_problem(synthetic):
    people(synthetic, "ada")
    with pytest.raises(UkmError) as err:
        set_override(synthetic.db_url, synthetic.spec, "tidak-ada", "m9-salah", "mungkin", why="ok", by=" ")
    assert [p.code for p in err.value.problems] == [
        "override_unknown_participant",
        "override_unknown_unit",
        "override_no_why",
        "override_no_by",
        "override_bad_status",
    ]
    assert audit.entries(synthetic.db_url) == []


def test_completions_give_modules_and_the_day_in_jakarta(synthetic):
    people(synthetic, "malam")
    all_present(synthetic, "malam")
    late = dt.datetime(2026, 2, 14, 17, 30)  # 00:30 on 15 February in Jakarta
    synthetic.submit(
        [
            Sub(
                "malam",
                a,
                full_marks(synthetic, a),
                timestamp=late if a == "pembiayaan" else dt.datetime(2026, 2, 14, 3),
            )
            for a in MODULE_OF
        ]
    )
    (done,) = completions(synthetic.course)
    assert done.student == "malam" and done.name == "Malam" and not done.overridden
    assert done.completed_on == dt.date(2026, 2, 15)
    assert [(m.module_id, m.completed_on) for m in done.modules] == [
        ("m1-ekatalog", dt.date(2026, 2, 14)),
        ("m2-syarat", dt.date(2026, 2, 14)),
        ("m3-harga", dt.date(2026, 2, 14)),
        ("m4-pembayaran", dt.date(2026, 2, 14)),
        ("m5-pembiayaan", dt.date(2026, 2, 15)),
    ]


def test_not_handed_in_is_not_yet_and_says_what_to_hand_in(synthetic):
    people(synthetic, "belum")
    data = load_course_data(synthetic.course)
    result = evaluate(data)
    p = progress(data, result, "belum")
    assert p.state == NOT_YET
    first = p.units[0]
    assert first.state == NOT_YET and [n.message() for n in first.notes] == ["ekatalog belum dikumpulkan."]
    with pytest.raises(UkmError) as err:
        progress(data, result, "tidak-terdaftar")
    assert err.value.code == "progress_unknown_participant"
