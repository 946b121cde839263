"""`ukm quote` as a user runs it: a real subprocess, its output and exit status."""

import json
import subprocess
import sys
from importlib import resources

import pytest

from ukm_tools.case import packaged_case

CASE = str(resources.files("ukm_tools.data").joinpath("cases/kasturi-syrup.yaml"))


def ukm(*args):
    return subprocess.run(
        [sys.executable, "-c", "from ukm_tools.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_quote_prints_the_table_and_final_price():
    r = ukm("quote", CASE)
    assert r.returncode == 0, r.stderr
    final = packaged_case().quote().final
    assert "CIF" in r.stdout and "kurs beli" in r.stdout
    assert f"{final.unit_quote.amount}".replace(".", ",") in r.stdout


def test_quote_json_matches_the_domain_core():
    r = ukm("quote", CASE, "--incoterm", "FOB", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    expected = packaged_case().quote("FOB").to_json()
    assert data["steps"] == expected["steps"] and data["incoterm"] == "FOB"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--incoterm", "XYZ"], "EXW, FCA, FAS"),
        (["--rates", "/nonexistent/rates.yaml"], "tidak ditemukan"),
    ],
)
def test_bad_input_is_one_line_per_problem_and_exit_2(args, needle):
    r = ukm("quote", CASE, *args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert needle in r.stderr.replace("\n", " ")


def test_malformed_case_file_reports_each_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "case: x\nquantity: -4\nseller: {name: A}\nproduct: {name: B}\nunit_costs: {hpp: abc}\n", encoding="utf-8"
    )
    r = ukm("quote", str(bad), "--lang", "en")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) >= 2
    assert any("Unit cost (HPP)" in line and "'abc'" in line for line in lines)
    assert any("Quantity" in line for line in lines)


@pytest.mark.parametrize(
    "text,needle",
    [
        ("date: 2025-01-01\nsource: x\nrates: [16000, 16100]\n", "rates: '['16000', '16100']' is not valid"),
        ("date: 2025-01-01\nsource: x\nrates: {USD: 16000}\n", "rates.USD"),
        ("date: kemarin\nsource: x\nrates: {USD: {buy: 16000, sell: 16100}}\n", "YYYY-MM-DD"),
    ],
)
def test_malformed_rate_sheet_is_a_message_not_a_traceback(tmp_path, text, needle):
    bad = tmp_path / "rates.yaml"
    bad.write_text(text, encoding="utf-8")
    r = ukm("quote", CASE, "--rates", str(bad), "--lang", "en")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert needle in r.stderr


def test_rate_sheet_with_a_time_of_day_is_read(tmp_path):
    sheet = tmp_path / "rates.yaml"
    sheet.write_text(
        "date: 2025-01-01 10:00:00\nsource: papan kurs\nrates: {USD: {buy: 16000, sell: 16100}}\n", encoding="utf-8"
    )
    r = ukm("quote", CASE, "--rates", str(sheet))
    assert r.returncode == 0, r.stderr
    assert "16.000 (01-01-2025, papan kurs)" in r.stdout


def test_quote_text_writes_numbers_the_indonesian_way(tmp_path):
    case = packaged_case().to_mapping()
    case["quantity"] = 2400
    case["insurance"] = {"rate_pct": 0.35}
    path = tmp_path / "case.yaml"
    import yaml

    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    r = ukm("quote", str(path))
    assert r.returncode == 0, r.stderr
    assert "2.400 karton" in r.stdout and "ICC (C) 0,35%" in r.stdout
    r = ukm("quote", str(path), "--lang", "en")
    assert "2,400 karton" in r.stdout and "ICC (C) 0.35%" in r.stdout
