"""Payment methods, bank fee schedules, L/C and collection costs, draft discounting."""

from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.money import Money
from ukm_tools.payments import (
    FeeEvent,
    collection_cost,
    compare_methods,
    discount_draft,
    gross_up_face,
    lc_cost,
    load_fee_schedule,
    load_payment_methods,
    method_cost,
    parse_fee_schedule,
)

pytestmark = pytest.mark.timeout(60)


def usd(x) -> Money:
    return Money.of(x, "USD")


@pytest.fixture(scope="module")
def jatim():
    return load_fee_schedule()


# ------------------------------------------------------------------ methods


def test_six_methods_with_risk_ladders():
    methods = load_payment_methods()
    assert list(methods) == ["cash_in_advance", "lc_confirmed", "lc_unconfirmed", "dp", "da", "open_account"]
    exporter = [m.exporter_risk for m in methods.values()]
    assert exporter == [1, 2, 3, 4, 5, 6]
    # The importer's ladder runs the other way: open account safest, cash in advance riskiest.
    assert methods["open_account"].importer_risk == 1
    assert methods["cash_in_advance"].importer_risk == max(m.importer_risk for m in methods.values())
    assert methods["lc_confirmed"].rules == ("UCP 600",)
    assert methods["da"].rules == ("URC 522",)
    for m in methods.values():
        assert m.label["id"] and m.label["en"]
        assert m.exporter_needs["id"] and m.importer_needs["en"]


def test_unknown_method_names_the_allowed_ones(jatim):
    with pytest.raises(UkmError) as e:
        method_cost("cheque", usd(1000), jatim)
    assert e.value.code == "unknown_choice"
    assert e.value.field == "method"
    assert "open_account" in e.value.problems[0].allowed
    assert "cheque" in e.value.message("id")


# ------------------------------------------------------------------ schedule


def test_packaged_schedule_has_the_bank_jatim_tariff(jatim):
    assert jatim.currency == "USD"
    adv, amd, neg = jatim.fee("advising"), jatim.fee("amendment"), jatim.fee("negotiation")
    assert (adv.amount, amd.amount) == (Decimal(15), Decimal(15))
    assert amd.per is FeeEvent.AMENDMENT
    assert (neg.rate_pct, neg.minimum, neg.maximum) == (Decimal("0.125"), Decimal(25), Decimal(150))
    assert "Bank Jatim" in neg.source and not neg.example
    coll = jatim.fee("collection")
    assert (coll.rate_pct, coll.minimum, coll.maximum) == (Decimal("0.125"), Decimal(35), None)
    assert "Bumi Arta" in coll.source
    # Market-range figures are flagged as examples, each with its own source and date.
    for code in ("confirmation", "discrepancy", "courier"):
        f = jatim.fee(code)
        assert f.example and f.source and f.date


def _schedule(**fee_overrides):
    fee = {
        "code": "negotiation",
        "label": {"id": "Negosiasi", "en": "Negotiation"},
        "applies_to": ["lc"],
        "per": "once",
        "kind": "percent",
        "rate_pct": 0.125,
        "min": 25,
        "max": 150,
        "source": "test",
        "date": "2025-12-01",
    }
    fee.update(fee_overrides)
    fee = {k: v for k, v in fee.items() if v is not None}
    return {"bank": "Test", "currency": "USD", "date": "2025-12-01", "source": "test", "fees": [fee]}


def test_schedule_from_a_trainers_file(tmp_path):
    path = tmp_path / "my-bank.yaml"
    path.write_text(yaml.safe_dump(_schedule()), encoding="utf-8")
    s = load_fee_schedule(path)
    assert s.fee("negotiation").rate_pct == Decimal("0.125")  # exact, not 0.12500000000000000693


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"kind": "flat"}, "unknown_choice", "fees[0].kind"),
        ({"per": "monthly"}, "unknown_choice", "fees[0].per"),
        ({"applies_to": ["cheque"]}, "unknown_choice", "fees[0].applies_to"),
        ({"rate_pct": -1}, "negative", "fees[0].rate_pct"),
        ({"rate_pct": "1/8"}, "not_a_number", "fees[0].rate_pct"),
        ({"min": 200}, "min_above_max", "fees[0].min"),
        ({"source": None}, "missing_field", "fees[0].source"),
        ({"date": "yesterday"}, "wrong_type", "fees[0].date"),
        ({"per": "period"}, "missing_field", "fees[0].period_days"),
        ({"amout": 15}, "unknown_field", "fees[0].amout"),
        ({"kind": "fixed"}, "missing_field", "fees[0].amount"),
    ],
)
def test_bad_schedule_names_the_field(overrides, code, field):
    with pytest.raises(UkmError) as e:
        parse_fee_schedule(_schedule(**overrides))
    assert (code, field) in [(p.code, p.field) for p in e.value.problems]


def test_bad_schedule_reports_every_problem_and_bad_currency():
    data = _schedule(kind="flat", source=None)
    data["currency"] = "XYZ"
    with pytest.raises(UkmError) as e:
        parse_fee_schedule(data)
    codes = {p.code for p in e.value.problems}
    assert {"unknown_currency", "unknown_choice", "missing_field"} <= codes


def test_missing_file_and_duplicate_codes(tmp_path):
    with pytest.raises(UkmError) as e:
        load_fee_schedule(tmp_path / "none.yaml")
    assert e.value.code == "file_not_found"
    data = _schedule()
    data["fees"].append(dict(data["fees"][0]))
    with pytest.raises(UkmError) as e:
        parse_fee_schedule(data)
    assert e.value.code == "duplicate_code" and e.value.field == "fees[1].code"


# ------------------------------------------------------------------ L/C and collection


def test_lc_negotiation_minimum_applies(jatim):
    # 1/8 % of USD 10,000 = USD 12.50, below the USD 25 minimum -> USD 25.
    b = lc_cost(usd(10_000), jatim)
    neg = b.line("negotiation")
    assert neg.amount == usd("25.00") and neg.applied == "minimum"
    assert neg.rule_text("en") == "0.125% x $10,000.00 = $12.50 -> min $25.00 applied"
    assert "minimum US$ 25,00 berlaku" in neg.rule_text("id")
    # Unconfirmed sight credit, no amendments: advising 15 + negotiation 25 + courier 40 = 80.
    assert [ln.code for ln in b.lines] == ["advising", "negotiation", "courier"]
    assert b.total == usd("80.00")


def test_lc_negotiation_maximum_applies(jatim):
    # 1/8 % of USD 200,000 = USD 250 -> capped at USD 150.
    neg = lc_cost(usd(200_000), jatim).line("negotiation")
    assert neg.amount == usd("150.00") and neg.applied == "maximum"
    assert "max $150.00 applied" in neg.rule_text("en")


def test_lc_negotiation_percentage_between_limits(jatim):
    # 1/8 % of USD 50,000 = USD 62.50, inside 25..150.
    neg = lc_cost(usd(50_000), jatim).line("negotiation")
    assert neg.amount == usd("62.50") and neg.applied == "percent"


def test_confirmed_lc_with_amendments_and_discrepancies(jatim):
    # USD 50,000, confirmed, 2 amendments, 1 discrepancy, 60-day usance, 90-day validity:
    # advising 15 + amendments 2 x 15 = 30 + negotiation 62.50
    # + confirmation 0.5 % x 50,000 = 250 per started 90 days; 90 + 60 = 150 days -> 2 periods = 500
    # + discrepancy 100 + courier 40  = 747.50
    b = lc_cost(usd(50_000), jatim, confirmed=True, amendments=2, discrepancies=1, tenor_days=60)
    assert b.line("amendment").amount == usd(30)
    assert b.line("confirmation").count == 2
    assert b.line("confirmation").amount == usd(500)
    assert b.total == usd("747.50")
    assert b.total_pct == Decimal("1.495")
    df = b.to_dataframe("id")
    assert list(df.columns) == ["Biaya", "Aturan", "Jumlah", "Nilai", "Sumber"]
    assert df.iloc[-1]["Nilai"] == Decimal("747.50")
    assert df.iloc[-1]["Jumlah"] == "US$ 747,50"


def test_confirmation_only_when_confirmed(jatim):
    plain = lc_cost(usd(50_000), jatim, tenor_days=60)
    assert "confirmation" not in [ln.code for ln in plain.lines]
    # Sight, 90-day validity: exactly one period.
    assert lc_cost(usd(50_000), jatim, confirmed=True).line("confirmation").amount == usd(250)


def test_collection_minimum_plus_swift(jatim):
    # 0.125 % of USD 10,000 = 12.50 -> minimum USD 35; + SWIFT 15 = USD 50.
    b = collection_cost(usd(10_000), jatim)
    assert b.method.code == "dp"
    assert b.line("collection").applied == "minimum"
    assert b.total == usd(50)
    # 0.125 % of USD 40,000 = USD 50 (above the minimum, no maximum) + 15 = 65.
    assert collection_cost(usd(40_000), jatim, acceptance=True).total == usd(65)


@pytest.mark.parametrize(
    "kwargs, code, field",
    [
        ({"amendments": -1}, "negative", "amendments"),
        ({"discrepancies": 1.5}, "not_integer", "discrepancies"),
        ({"tenor_days": -30}, "negative", "tenor_days"),
    ],
)
def test_lc_bad_counts(jatim, kwargs, code, field):
    with pytest.raises(UkmError) as e:
        lc_cost(usd(10_000), jatim, **kwargs)
    assert (e.value.code, e.value.field) == (code, field)


def test_lc_invoice_must_be_positive_and_in_schedule_currency(jatim):
    with pytest.raises(UkmError) as e:
        lc_cost(usd(0), jatim)
    assert (e.value.code, e.value.field) == ("not_positive", "invoice")
    with pytest.raises(UkmError) as e:
        lc_cost(Money.of(10_000, "SGD"), jatim)
    assert (e.value.code, e.value.field) == ("currency_mismatch", "invoice")


# ------------------------------------------------------------------ comparison


def test_compare_methods_costs_and_order(jatim):
    # USD 10,000, 60 days, money at 8 % a year: waiting costs 10,000 x 8 % x 60/360 = 133.33.
    c = compare_methods(usd(10_000), jatim, 60, annual_rate_pct=8)
    assert [r.method.code for r in c.rows] == [
        "cash_in_advance",
        "lc_confirmed",
        "lc_unconfirmed",
        "dp",
        "da",
        "open_account",
    ]
    cia, lcc, lcu, dp, da, oa = c.rows
    assert (cia.fees, cia.financing, cia.total) == (usd(40), usd(0), usd(40))  # T/T fee only
    # confirmed: advising 15 + negotiation 25 + 0.5 % x 10,000 = 50 x 2 periods (150 days) + courier 40
    assert lcc.fees == usd(180) and lcc.financing == usd("133.33") and lcc.total == usd("313.33")
    assert lcu.total == usd("213.33")
    assert dp.total == usd(50)  # D/P is at sight: no waiting
    assert da.total == usd("183.33")
    assert oa.total == usd("173.33")
    by_cost = compare_methods(usd(10_000), jatim, 60, annual_rate_pct=8, sort_by="cost")
    assert [r.method.code for r in by_cost.rows][:2] == ["cash_in_advance", "dp"]
    df = c.to_dataframe("en")
    assert df["Exporter risk"].tolist() == [1, 2, 3, 4, 5, 6]


def test_compare_methods_without_rate_has_no_financing(jatim):
    c = compare_methods(usd(10_000), jatim, 60)
    assert all(r.financing == usd(0) for r in c.rows)
    with pytest.raises(UkmError) as e:
        compare_methods(usd(10_000), jatim, 60, sort_by="colour")
    assert (e.value.code, e.value.field) == ("unknown_choice", "sort_by")
    with pytest.raises(UkmError) as e:
        compare_methods(usd(10_000), jatim, -30)
    assert (e.value.code, e.value.field) == ("negative", "tenor_days")
    with pytest.raises(UkmError) as e:
        compare_methods(usd(10_000), jatim, 60, annual_rate_pct=0)
    assert (e.value.code, e.value.field) == ("not_positive", "annual_rate_pct")


# ------------------------------------------------------------------ discounting


def test_discount_draft_exact():
    # 10,000 x 8 % x 90 / 360 = 200.00; net = 10,000 - 200 - 25 = 9,775.00
    d = discount_draft(usd(10_000), 8, 90, usd(25))
    assert d.interest == usd(200) and d.net == usd(9_775)
    # 12,345.67 x 6.5 % x 45 / 360 = 100.308569 -> 100.31
    assert discount_draft(usd("12345.67"), "6.5", 45).interest == usd("100.31")
    df = d.to_dataframe("en")
    assert df.iloc[3]["Value"] == Decimal("9775.00")


def test_gross_up_exact_and_one_cent_less_falls_short():
    # target 10,000 net after 8 % for 60 days and USD 25 fees:
    # closed form (10,000 + 25) / (1 - 0.08 x 60/360) = 10,025 / 0.98666.. = 10,160.4729.. -> 10,160.48 up;
    # but interest on 10,160.47 is 135.4729.. -> 135.47, so 10,160.47 - 135.47 - 25 = 10,000.00 already
    # nets the target: the rounding nudge brings the face down one cent.
    face = gross_up_face(usd(10_000), 8, 60, usd(25))
    assert face == usd("10160.47")
    assert discount_draft(face, 8, 60, usd(25)).net >= usd(10_000)
    assert discount_draft(face - usd("0.01"), 8, 60, usd(25)).net < usd(10_000)


@pytest.mark.parametrize(
    "args, code, field",
    [
        ((usd(10_000), 0, 90), "not_positive", "annual_rate_pct"),
        ((usd(10_000), -2, 90), "not_positive", "annual_rate_pct"),
        ((usd(10_000), 8, -1), "negative", "days"),
        ((usd(0), 8, 90), "not_positive", "face"),
        ((usd(10_000), 50, 800), "discount_exceeds_face", "days"),  # 50% x 800 / 360 days > the face
        ((usd(10_000), 400, 90), "implausible", "annual_rate_pct"),  # 400% a year: a slipped 4,00%
    ],
)
def test_discount_bad_input(args, code, field):
    with pytest.raises(UkmError) as e:
        discount_draft(*args)
    assert (e.value.code, e.value.field) == (code, field)
    assert e.value.message("id") and e.value.message("en")


def test_gross_up_bad_input():
    with pytest.raises(UkmError) as e:
        gross_up_face(usd(-5), 8, 90)
    assert (e.value.code, e.value.field) == ("not_positive", "target_net")
    with pytest.raises(UkmError) as e:
        gross_up_face(usd(100), 8, 90, Money.of(5, "EUR"))
    assert (e.value.code, e.value.field) == ("currency_mismatch", "fees")


cents = st.integers(min_value=1, max_value=10**9).map(lambda c: Money(Decimal(c).scaleb(-2), "USD"))
rates = st.decimals(min_value="0.01", max_value="30", places=2)
days = st.integers(min_value=0, max_value=360)


@settings(max_examples=200, deadline=None)
@given(target=cents, rate=rates, d=days, fee=st.integers(min_value=0, max_value=50_000))
def test_gross_up_is_the_smallest_face_that_nets_the_target(target, rate, d, fee):
    fees = Money(Decimal(fee).scaleb(-2), "USD")
    face = gross_up_face(target, rate, d, fees)
    assert discount_draft(face, rate, d, fees).net >= target
    one_less = face - usd("0.01")
    if one_less.amount > 0:
        assert discount_draft(one_less, rate, d, fees).net < target


@settings(max_examples=200, deadline=None)
@given(face=cents, rate=rates, d1=days, d2=days)
def test_longer_tenor_never_lowers_interest(face, rate, d1, d2):
    short, long_ = sorted((d1, d2))
    assert discount_draft(face, rate, short).interest <= discount_draft(face, rate, long_).interest


@settings(max_examples=100, deadline=None)
@given(a=cents, b=cents)
def test_lc_cost_never_falls_as_invoice_rises(a, b):
    schedule = load_fee_schedule()
    small, big = sorted((a, b), key=lambda m: m.amount)
    assert lc_cost(small, schedule).total <= lc_cost(big, schedule).total


def test_tables_and_json_views(jatim):
    import json

    df = jatim.to_dataframe("id").set_index("Biaya")
    assert df.loc["Komisi negosiasi dokumen", "Tarif"] == "0,125% min US$ 25,00 max US$ 150,00"
    assert df.loc["Komisi konfirmasi (per 90 hari)", "Dikenakan"] == "per 90 hari"
    assert df.loc["Komisi konfirmasi (per 90 hari)", "Contoh"] == "ya"
    from ukm_tools.payments import methods_dataframe

    m = methods_dataframe("en")
    assert m["Importer risk"].tolist() == [5, 4, 4, 3, 2, 1]
    data = json.loads(json.dumps(compare_methods(usd(10_000), jatim, 60, annual_rate_pct=8).to_json()))
    lcu = next(r for r in data["methods"] if r["method"] == "lc_unconfirmed")
    assert lcu["total"] == {"amount": "213.33", "currency": "USD"}
    neg = next(ln for ln in lcu["breakdown"]["lines"] if ln["code"] == "negotiation")
    assert neg["applied"] == "minimum" and neg["rule"].endswith("min $25.00 applied")
    assert discount_draft(usd(10_000), 8, 90).to_json()["net"] == {"amount": "9800.00", "currency": "USD"}


def test_rates_from_a_slider_may_be_floats():
    # A float rate is read by its shortest decimal form: 8.1 -> 8.1 exactly, not 8.0999999...
    # 10,000 x 8.1 % x 90 / 360 = 202.50
    assert discount_draft(usd(10_000), 8.1, 90).interest == usd("202.50")
    with pytest.raises(UkmError) as e:
        discount_draft(usd(10_000), float("nan"), 90)
    assert e.value.code == "not_a_number"
