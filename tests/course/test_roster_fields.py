"""The roster's optional reporting fields: fixed lists kept as data, checked like every column."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from ukm_tools.course.profiles import PROFILE_TABLE, choices, profile_frame
from ukm_tools.course.roster import COLUMNS, read_roster, write_template
from ukm_tools.course.scores import fetch_rows
from ukm_tools.errors import UkmError

HEAD = "id_peserta;nama;jenis_kelamin;kecamatan;sektor;skala_usaha"


def test_values_are_matched_to_the_lists_and_stored(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text(
        f"{HEAD}\nani;Ani;P;medan  johor;Kuliner;Usaha Mikro\nbudi;Budi;laki-laki;;;\neka;Eka;;;;\n", encoding="utf-8"
    )
    got = {p.student_id: (p.gender, p.district, p.sector, p.scale) for p in read_roster(path).participants}
    assert got == {
        "ani": ("perempuan", "Medan Johor", "makanan dan minuman", "mikro"),
        "budi": ("laki-laki", "", "", ""),
        "eka": ("", "", "", ""),
    }


def test_a_value_not_in_the_list_is_refused_with_the_list(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_text(f"{HEAD}\nani;Ani;wanita;Medan Kota Lama;batik;besar\n", encoding="utf-8")
    result = read_roster(path)
    assert result.participants == [] and result.bad_lines == [2]
    lines = [p.message() for p in result.problems]
    assert lines[0].startswith("Baris 2: kecamatan 'Medan Kota Lama' tidak ada dalam daftar. Pilihan: Medan Amplas,")
    assert [p.field for p in result.problems] == ["kecamatan", "sektor", "skala_usaha"]  # "wanita" is an alias
    with pytest.raises(UkmError):
        from ukm_tools.course.roster import import_roster

        import_roster(path)


def test_the_template_has_the_columns_a_choices_sheet_and_drop_downs(tmp_path):
    path = write_template(tmp_path / "peserta.xlsx")
    wb = load_workbook(path)
    assert [c.value for c in wb["peserta"][1]] == COLUMNS and COLUMNS[-4:] == [
        "jenis_kelamin",
        "kecamatan",
        "sektor",
        "skala_usaha",
    ]
    sheet = wb["pilihan"]
    assert [c.value for c in sheet[1]] == COLUMNS[-4:]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]] == list(choices()["kecamatan"].values)
    rules = {str(dv.sqref): dv.formula1 for dv in wb["peserta"].data_validations.dataValidation}
    assert rules["J2:J1000"] == "=pilihan!$B$2:$B$22"  # the 21 districts of Medan


def test_profiles_are_stored_beside_the_roster(synthetic):
    from ukm_tools.course.participants import store_participants
    from ukm_tools.course.roster import Participant

    url = synthetic.db_url  # an existing gradebook (a new one costs an alembic run)
    store_participants(url, [Participant("ani", "Ani", gender="perempuan", scale="kecil"), Participant("budi", "Budi")])
    frame = profile_frame(url, ["ani", "budi"])
    assert frame.loc["ani"].to_dict() == {"gender": "perempuan", "district": "", "sector": "", "scale": "kecil"}
    assert (frame.loc["budi"] == "").all()
    # a participant without any reporting field gets no row at all
    assert [r[0] for r in fetch_rows(url, f"SELECT student_id FROM {PROFILE_TABLE.name}")] == ["ani"]
