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
        capture_output=True, text=True, timeout=120,
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
    bad.write_text("case: x\nquantity: -4\nseller: {name: A}\nproduct: {name: B}\nunit_costs: {hpp: abc}\n", encoding="utf-8")
    r = ukm("quote", str(bad), "--lang", "en")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith("Error:")]
    assert len(lines) >= 2
    assert any("Unit cost (HPP)" in l and "'abc'" in l for l in lines)
    assert any("Quantity" in l for l in lines)
