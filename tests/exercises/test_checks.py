"""Answer checks: exact types and values, tolerant only of money rounding."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest

from ukm_tools.course.ops import REPO_TEMPLATE
from ukm_tools.course.verify_answers import load_answer_keys
from ukm_tools.exercises import ANSWERS_MIME, JawabanBelumTepat, cek_bentuk, periksa
from ukm_tools.exercises.checks import Expected, record, verify
from ukm_tools.exercises.params import Seed, product_for, seeded_product
from ukm_tools.exercises.tugas import case_for
from ukm_tools.money import Money

#: The course template's answer key: staff only, loaded by path as the grader does.
KEYS = load_answer_keys(REPO_TEMPLATE / "answer_keys.py")

RP = Expected("harga_exw", "money", Money(Decimal(23288), "IDR"), "harga EXW")
USD = Expected("harga_fob", "money", Money(Decimal("1.81"), "USD"), "harga FOB")
CHOICE = Expected("jawaban_1", "choice", "b", "soal", options=("a", "b", "c", "d"))


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0

    __rsub__ = __sub__

    def __abs__(self):
        return 0

    def __lt__(self, other):
        return True

    __le__ = __lt__


class SneakyFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class SneakyStr(str):
    def lower(self):
        return "b"


def ok(value, exp):
    return verify(record(value), exp) is None


@pytest.mark.parametrize(
    "value", [23288, Decimal("23288"), 23288.0, Decimal("23287.5"), 23289, Money(Decimal(23288), "IDR")]
)
def test_real_numbers_within_one_rupiah_pass(value):
    assert ok(value, RP)


@pytest.mark.parametrize(
    "value", [23290, 23286.9, Decimal("23289.01"), "23288", True, None, [23288], Money(Decimal(23288), "USD")]
)
def test_wrong_values_and_forms_fail(value):
    assert not ok(value, RP)


def test_cent_tolerance():
    assert ok(Decimal("1.82"), USD) and ok(1.80, USD) and ok(Money(Decimal("1.81"), "USD"), USD)
    assert not ok(Decimal("1.83"), USD) and not ok(Money(Decimal("1.81"), "IDR"), USD)


@pytest.mark.parametrize("cheat", [AlwaysEqual(), SneakyFloat(1.0), SneakyStr("x"), float("nan"), float("inf")])
def test_cheating_objects_fail(cheat):
    assert not ok(cheat, RP)
    assert not ok(cheat, CHOICE)
    assert record(cheat)["type"] == "invalid"


def test_money_with_fake_amount_fails():
    m = Money(Decimal(23288), "IDR")
    object.__setattr__(m, "amount", AlwaysEqual())
    assert record(m)["type"] == "invalid" and not ok(m, RP)


def test_choice_ignores_case_and_spaces_only():
    assert ok(" B ", CHOICE) and not ok("c", CHOICE)
    assert "bukan salah satu pilihan" in (verify(record("z"), CHOICE) or "")


def test_messages_plain_indonesian():
    assert verify(record(None), RP) == "`harga_exw` (harga EXW) belum diisi. Ganti `None`/`...` dengan jawaban Anda."
    assert (verify(record(30000), RP) or "").startswith("`harga_exw` = Rp30.000 belum tepat")
    assert "harus berupa angka" in (verify(record(AlwaysEqual()), RP) or "")


def test_seeds_differ_between_participants_and_are_stable_across_processes():
    a, b = seeded_product("ani"), seeded_product("budi")
    assert (a.hpp, a.packing, a.quantity) != (b.hpp, b.packing, b.quantity)
    code = "from ukm_tools.exercises.params import seeded_product as s; p=s('ani'); print(p.hpp.amount, p.quantity)"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": seed}, check=True
        ).stdout
        for seed in ("1", "2")
    }
    assert outs == {f"{a.hpp.amount} {a.quantity}\n"}
    assert Seed("ani", "x").steps(0, 10, 1) == Seed("ani", "x").steps(0, 10, 1)


def test_roster_product_used_when_given():
    class Entry:
        product_name, hpp, packing, quantity = "Sirup jeruk kasturi 600 ml", Decimal(18000), Decimal(1500), 2400

    p = product_for("siti", Entry())
    assert p.from_roster and p.hpp == Money(Decimal(18000), "IDR") and p.quantity == 2400
    exp = KEYS["harga-incoterms"]("siti", p)
    # EXW = (18.000 + 1.500) x (1 + markup%) with the seeded markup for siti
    markup = case_for("siti", p).pricing.markup_pct
    assert exp["harga_exw"].value == Money((Decimal(19500) * (1 + markup / 100)), "IDR").rounded()


def test_personal_answers_fail_for_another_participant():
    ani, budi = seeded_product("ani"), seeded_product("budi")
    for name in ("harga-incoterms", "pembayaran"):
        ea, eb = KEYS[name]("ani", ani), KEYS[name]("budi", budi)
        for key, exp in ea.items():
            if exp.kind == "money":
                assert verify(record(exp.value), exp) is None
                assert verify(record(eb[key].value), exp) is not None, (name, key)


def test_periksa_only_records_the_answers(monkeypatch, tmp_path):
    """The hidden test decides nothing in the kernel: right and wrong answers are both just recorded."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UKM_STUDENT_ID", "ani")
    exp = KEYS["harga-incoterms"]("ani", seeded_product("ani"))
    periksa("harga-incoterms", "cek_exw", {"harga_exw": exp["harga_exw"].value})
    periksa("harga-incoterms", "cek_exw", {"harga_exw": exp["harga_exw"].value.amount + 5})
    recorded = [s[ANSWERS_MIME]["answers"]["harga_exw"] for s in shown]
    assert recorded == [record(exp["harga_exw"].value), record(exp["harga_exw"].value.amount + 5)]
    with pytest.raises(JawabanBelumTepat, match="belum diisi"):
        cek_bentuk(None, "money", "harga_exw")
    cek_bentuk(Decimal(1), "money", "harga_exw")


def test_readiness_questions_are_personal_and_use_the_domain():
    from ukm_tools.exercises.tugas import readiness_situation
    from ukm_tools.readiness import assess

    a, b = readiness_situation("ani"), readiness_situation("budi")
    assert a != b and set(a) == set(b) and "bpom_md" in a
    exp = KEYS["syarat-ekspor"]("ani", seeded_product("ani"))
    result = assess(a, "processed_food", "MY")
    assert (exp["skor_kesiapan"].value, exp["hari_siap"].value) == (result.score, result.ready_in_days)
    assert ok(result.score, exp["skor_kesiapan"]) and ok(float(result.score), exp["skor_kesiapan"])
    assert not ok(result.score + 1, exp["skor_kesiapan"]) and not ok(result.score + 0.5, exp["skor_kesiapan"])
    assert not ok(AlwaysEqual(), exp["hari_siap"])


def test_katalog_question_is_the_domain_government_price():
    from ukm_tools.exercises.tugas import KATALOG_VALID_FROM, katalog_case
    from ukm_tools.katalog import PriceInput, government_price

    class Entry:
        product_name, hpp, packing, quantity = "Sirup jeruk kasturi 600 ml", Decimal(18000), Decimal(1500), 2400

    p = product_for("siti", Entry())
    k = katalog_case("siti", p)
    # The seller's price is the participant's own EXW price from the pricing module.
    assert k.price.price_before_ppn == KEYS["harga-incoterms"]("siti", p)["harga_exw"].value
    exp = KEYS["ekatalog"]("siti", p)["harga_pemerintah"]
    assert exp.value == government_price(k.price).unit_price
    # Both tax statuses: PKP adds 12% x 11/12 of the rounded pre-tax price; non-PKP nothing.
    for pkp in (True, False):
        inp = PriceInput(
            k.price.price_before_ppn,
            k.price.min_order,
            pkp,
            KATALOG_VALID_FROM,
            k.price.valid_until,
            k.price.delivery_per_order,
        )
        before = (k.price.price_before_ppn + k.price.delivery_per_order / k.price.min_order).rounded()
        ppn = (before * Decimal(11) / 100).rounded() if pkp else Money(Decimal(0), "IDR")
        assert government_price(inp).unit_price == before + ppn
    statuses = {katalog_case(f"p{i}", seeded_product(f"p{i}")).price.pkp for i in range(12)}
    assert statuses == {True, False}  # participants get both tax situations


def test_financing_question_is_the_domain_kur_interest():
    from ukm_tools.exercises.tugas import financing_case
    from ukm_tools.financing import cash_flow, finance_order, loan_scheme

    p = seeded_product("ani")
    f = financing_case("ani", p)
    t = cash_flow(f.order)
    loan = finance_order(t, scheme=f.scheme)
    assert KEYS["pembiayaan"]("ani", p)["bunga_kur"].value == loan.cost
    assert loan.cost.amount > 0 and f.order.method != "cash_in_advance"
    # The scheme is the smallest KUR whose plafond holds the borrowed peak.
    assert loan_scheme(f.scheme).plafond_min <= loan.principal <= loan_scheme(f.scheme).plafond_max
    # The order is the participant's CIF invoice, sold to the bank at the buying rate the price used.
    q = case_for("ani", p).build_up("CIF")
    assert q.price_rate is not None
    assert f.order.order_value == Money(q.final.shipment_quote.amount * q.price_rate.value, "IDR").rounded()


@pytest.mark.parametrize(
    "name,question,answer",
    [("ekatalog", "cek_harga_pemerintah", "harga_pemerintah"), ("pembiayaan", "cek_bunga_kur", "bunga_kur")],
)
def test_katalog_and_financing_answers_are_personal(name, question, answer):
    from ukm_tools.course.verify_answers import expected_for

    ani, budi = seeded_product("ani"), seeded_product("budi")
    ea, eb = KEYS[name]("ani", ani)[answer], KEYS[name]("budi", budi)[answer]
    assert expected_for(KEYS, name, question, "ani", ani) == [ea]
    assert verify(record(ea.value), ea) is None and verify(record(ea.value.amount), ea) is None
    assert verify(record(eb.value), ea) is not None  # budi's right answer is wrong for ani
    assert "belum tepat" in (verify(record(ea.value.amount + 2), ea) or "")


def test_ekatalog_exercise_prices_hold_for_the_course_data_period():
    from ukm_tools.exercises.tugas import katalog_case
    from ukm_tools.katalog import exercise_validity

    price = katalog_case("ani", seeded_product("ani")).price
    assert (price.valid_from, price.valid_until) == exercise_validity() == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
