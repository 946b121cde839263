"""Case files for calculators: the trainer's case via UKM_CASE, exact round trips, safe names."""

from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.errors import UkmError
from ukm_tools.money import format_number
from ukm_tools.widgets import case_io
from ukm_tools.widgets.price import PriceBuildUpCalculator

pytestmark = pytest.mark.timeout(60)


def test_trainer_case_from_environment_prefills(tmp_path, monkeypatch, kw):
    m = case_io.case_to_mapping(packaged_case())
    m.update(case="kopi-gayo", quantity=75, named_place="Tanjung Priok")
    m["unit_costs"]["hpp"] = 123456
    path = tmp_path / "kopi.yaml"
    path.write_text(case_io.dump(m), encoding="utf-8")
    monkeypatch.setenv("UKM_CASE", str(path))
    calc = PriceBuildUpCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    assert calc.case.case == "kopi-gayo"
    assert calc.f_hpp.raw == "123.456" and calc.f_qty.raw == "75" and calc.f_place.raw == "Tanjung Priok"


def test_broken_trainer_case_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / "rusak.yaml"
    bad.write_text("case: x\nquantity: -1\n", encoding="utf-8")
    monkeypatch.setenv("UKM_CASE", str(bad))
    with pytest.raises(UkmError) as e:
        case_io.default_case()
    assert "seller" in e.value.message("en")


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.2"),
        Decimal("1.234"),
        Decimal("12345.67"),
        Decimal("0.125"),
        Decimal("1E+3"),
        # no float holds these: written as an exact Indonesian-style string
        Decimal("33.33333333333333333333"),
        Decimal("123456789012345.678901"),
    ],
)
def test_decimals_round_trip_exactly(value):
    m = case_io.case_to_mapping(packaged_case())
    m["plausible"] = {"markup_pct": {"max": 10**15 - 1}}  # widened on purpose: the figures are extreme
    m["unit_costs"]["markup_pct"] = value
    case, _ = case_io.read_case_text(case_io.dump(m))
    assert case.unit_costs.markup_pct == value


def test_extras_survive_and_stay_out_of_the_case():
    text = case_io.dump(case_io.case_to_mapping(packaged_case()), {"fx": {"range_pct": Decimal("7.5")}})
    case, extras = case_io.read_case_text(text)
    assert extras == {"fx": {"range_pct": 7.5}}
    assert case == packaged_case()


def test_a_program_error_is_a_message_not_a_traceback(kw, monkeypatch, caplog):
    calc = PriceBuildUpCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    before = dict(calc.shown)
    monkeypatch.setattr(PriceBuildUpCalculator, "compute", lambda self: 1 / 0)
    calc.f_hpp.input.value = "1.000"
    assert "kesalahan program (ZeroDivisionError)" in calc.errors_shown()
    assert calc.shown == before
    assert "compute failed" in caplog.text


def test_calculator_displays_itself_in_a_notebook(kw):
    calc = PriceBuildUpCalculator(**kw)
    bundle = calc._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == calc.widget.model_id


def test_a_long_fraction_typed_in_a_calculator_can_be_saved_and_opened(kw):
    calc = PriceBuildUpCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    calc.f_markup.raw = "33,33333333333333333333"
    assert calc.error is None
    case, _ = case_io.read_case_text(calc.saved_text())
    assert case.unit_costs.markup_pct == Decimal("33.33333333333333333333")
    assert case.quote().final == calc.result.final


@pytest.mark.parametrize(
    "calculator, extras",
    [
        ("insurance", {"cfr": "banyak"}),
        ("landed", {"cif": [1, 2]}),
        ("fx", {"amount": "abc"}),
        ("readiness", {"answers": "ya semua"}),
        ("price", "not a mapping"),
        ("financing", {"order_quantity": "banyak"}),
        ("katalog", {"have": "semua"}),
    ],
)
def test_opening_a_file_with_bad_saved_inputs_keeps_the_calculator_as_it_was(kw, calculator, extras):
    from ukm_tools.widgets import financing, fx, insurance, katalog, landed, readiness

    cls = {
        "financing": financing.FinancingCalculator,
        "katalog": katalog.KatalogCalculator,
        "insurance": insurance.InsuranceCalculator,
        "landed": landed.LandedCostCalculator,
        "fx": fx.FxCalculator,
        "readiness": readiness.ReadinessCalculator,
        "price": PriceBuildUpCalculator,
    }[calculator]
    calc = cls(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    before_case, before_shown, before_inputs = calc.case, dict(calc.shown), [f.raw for f in calc._fields]
    m = case_io.case_to_mapping(packaged_case())
    m["quantity"] = 999  # would show if the file were half-applied
    text = case_io.dump(m, {calculator: extras})
    assert calc.case_panel._load(lambda: case_io.read_case_text(text, "bad.yaml"), "bad.yaml") is False
    assert calc.error is not None and calc.error.code in ("not_a_number", "wrong_type")
    assert "ukm-error" in calc.message.value and "tidak bisa dibuka" in calc.case_panel.status.value
    assert calc.case is before_case and calc.shown == before_shown
    assert [f.raw for f in calc._fields] == before_inputs


# --- the course's case, read once and shared by every page ---------------------------------------
def test_course_case_is_read_once_per_version_of_the_file(tmp_path, monkeypatch):
    m = case_io.case_to_mapping(packaged_case())
    path = tmp_path / "kelas.yaml"
    path.write_text(case_io.dump(m), encoding="utf-8")
    monkeypatch.setenv("UKM_CASE", str(path))
    first = case_io.default_case()
    assert case_io.default_case() is first  # the server's next page: no second parse
    # The trainer edits the file during the workshop: the next page opens the new case.
    m["quantity"] = 480
    path.write_text(case_io.dump(m), encoding="utf-8")
    changed = case_io.default_case()
    assert changed is not first and changed.quantity == 480
    # A file that breaks later is reported again, never served from the cache.
    path.write_text("case: x\nquantity: -1\n", encoding="utf-8")
    with pytest.raises(UkmError):
        case_io.default_case()


def test_a_participants_case_never_reaches_the_next_participants_page(tmp_path, monkeypatch, kw):
    monkeypatch.delenv("UKM_CASE", raising=False)
    course = case_io.default_case()
    before = case_io.case_to_mapping(course)
    # Participant A types their own figures, saves, and opens another case of their own.
    a = PriceBuildUpCalculator(**{**kw, "save_dir": tmp_path / "a"})
    a.f_hpp.raw = "999.000"
    a.f_qty.raw = "12"
    a.recompute()
    assert a.case_panel.save() is not None
    own = case_io.case_to_mapping(course)
    own.update(case="sirup-a", quantity=7)
    a.set_case(case_io.split(own)[0])
    # Participant B's page opens afterwards: the course's case, as it was.
    b = PriceBuildUpCalculator(**{**kw, "save_dir": tmp_path / "b"})
    assert case_io.case_to_mapping(case_io.default_case()) == before
    assert b.case is course
    assert b.f_qty.raw == format_number(course.quantity, "id") and b.f_qty.raw not in ("12", "7")
    assert b.f_hpp.raw == format_number(course.unit_costs.hpp, "id") != "999.000"
