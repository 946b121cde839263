"""The five course assignments as participants see them: their personal cases and the answer names.

Every assignment has at least one personal question, built on :func:`case_for` — the
participant's own product plus per-shipment costs seeded from their id — and on
:func:`readiness_situation`, :func:`katalog_case` and :func:`financing_case`, whose remaining
choices are seeded from the id too.

A question is identified by the nbgrader ``grade_id`` of its test cell; :data:`ASSIGNMENTS`
says which answer variables each one records. The expected answers are NOT here: they are the
course's answer key (``answer_keys.py`` in the course folder), which only the grader loads,
outside the sandbox (:mod:`ukm_tools.course.verify_answers`). This module is importable in
every participant's kernel and must stay free of answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ukm_tools.exercises.params import Product, Seed
from ukm_tools.fx import RateSheet, load_rate_sheet
from ukm_tools.money import Money, format_money, format_percent
from ukm_tools.pricing import CostLine, PriceBuildUp, PricingInput, build_up

if TYPE_CHECKING:
    from ukm_tools.financing import OrderInput
    from ukm_tools.katalog import PriceInput

QUOTE_CURRENCY = "USD"


def _whose(student_id: str, product: Product) -> list[str]:
    """The first lines of every exercise's description: who, and which product."""
    return [f"Peserta: {student_id}", f"Produk: {product.name}" + ("" if product.from_roster else " (angka latihan)")]


@dataclass(frozen=True)
class PersonalCase:
    """Everything a participant's pricing exercise is built on."""

    student_id: str
    product: Product
    pricing: PricingInput
    rates: RateSheet

    def build_up(self, incoterm: str = "CIF") -> PriceBuildUp:
        return build_up(self.pricing, incoterm, self.rates)

    def describe(self) -> str:
        """The participant's numbers in plain Indonesian (shown at the top of the notebook)."""
        p = self.pricing
        lines = [
            *_whose(self.student_id, self.product),
            f"HPP per unit: {format_money(p.hpp)}",
            f"Kemasan ekspor per unit: {format_money(p.packing)}",
            f"Markup: {format_percent(p.markup_pct)} dari (HPP + kemasan)",
            f"Jumlah per kiriman: {p.quantity} unit",
            "Biaya per kiriman:",
        ]
        for c in p.costs:
            lines.append(f"  - {c.name}: {format_money(c.amount)}")
        rate = p.insurance_rate_pct
        assert rate is not None  # case_for always sets the premium rate
        lines.append(f"Tarif premi asuransi ICC (C): {format_percent(rate)} (pertanggungan 110%)")
        usd = self.rates.rate(QUOTE_CURRENCY)
        lines.append(
            f"Kurs {QUOTE_CURRENCY} ({self.rates.source}, {self.rates.date:%d-%m-%Y}): "
            f"beli {format_money(Money(usd.buy, 'IDR'))}, tengah {format_money(Money(usd.mid, 'IDR'))}, jual "
            f"{format_money(Money(usd.sell, 'IDR'))}"
        )
        return "\n".join(lines)


def case_for(student_id: str, product: Product, rates: RateSheet | None = None) -> PersonalCase:
    """The participant's shipment: their product, plus costs seeded from their id."""
    s = Seed(student_id, "shipment")
    costs = (
        CostLine("Muat di gudang", "loading_at_seller", Money(Decimal(s.steps(150_000, 400_000, 25_000)), "IDR")),
        CostLine("Truk ke Belawan", "inland_to_port", Money(Decimal(s.steps(900_000, 2_500_000, 50_000)), "IDR")),
        CostLine("Jasa PPJK dan PEB", "export_clearance", Money(Decimal(s.steps(900_000, 1_600_000, 50_000)), "IDR")),
        CostLine("THC/CFS Belawan", "origin_thc", Money(Decimal(s.steps(1_000_000, 2_200_000, 50_000)), "IDR")),
        CostLine("Ongkos kapal LCL", "main_carriage", Money(Decimal(s.steps(150, 450, 10)), "USD")),
    )
    pricing = PricingInput(
        hpp=product.hpp,
        packing=product.packing,
        markup_pct=Decimal(s.choice((20, 25, 30, 35, 40))),
        quantity=product.quantity,
        quote_currency=QUOTE_CURRENCY,
        costs=costs,
        insurance_rate_pct=Decimal(s.choice(("0.15", "0.2", "0.25", "0.3"))),
        insurance_clause="C",
    )
    return PersonalCase(student_id, product, pricing, rates or load_rate_sheet())


@dataclass(frozen=True)
class Assignment:
    """An assignment's questions and how its expected answers are found. Which assignments the
    course has, their modules, weights and whether they are personal: ``course.yml``."""

    name: str
    questions: dict[str, tuple[str, ...]]  # grade_id -> answer variable names


# --- syarat-ekspor (personal part: readiness) -------------------------------------------

READINESS_PRODUCT, READINESS_MARKET = "processed_food", "MY"


def readiness_situation(student_id: str) -> dict[str, bool]:
    """Which export requirements the participant's (fictional) business already meets, seeded from the id."""
    from ukm_tools.readiness import load_requirements

    s = Seed(student_id, "readiness")
    return {
        r.code: s.choice((True, False)) for r in load_requirements().applicable(READINESS_PRODUCT, READINESS_MARKET)
    }


# --- ekatalog (personal part: government price) -------------------------------------------


def _exercise_validity() -> tuple[dt.date, dt.date]:
    from ukm_tools.katalog import exercise_validity

    return exercise_validity()


KATALOG_VALID_FROM, KATALOG_VALID_UNTIL = _exercise_validity()


@dataclass(frozen=True)
class KatalogCase:
    """A participant's e-Katalog offer: their EXW price, seeded order size, delivery and PKP status."""

    student_id: str
    product: Product
    price: PriceInput

    def describe(self) -> str:
        p = self.price
        return "\n".join(
            [
                *_whose(self.student_id, self.product),
                "Harga jual per unit di tempat Anda (harga EXW Modul 3, sebelum PPN): "
                f"{format_money(p.price_before_ppn)}",
                f"Pesanan minimum dinas: {p.min_order} unit",
                f"Ongkos antar ke kantor dinas per pesanan: {format_money(p.delivery_per_order)}",
                f"Status pajak: {'Pengusaha Kena Pajak (PKP)' if p.pkp else 'bukan PKP'}",
                f"Harga berlaku: {p.valid_from:%d-%m-%Y} s.d. {p.valid_until:%d-%m-%Y}",
            ]
        )


def katalog_case(student_id: str, product: Product) -> KatalogCase:
    """The participant's government offer: seller price = their EXW unit price (the domain's build-up)."""
    from ukm_tools.katalog import PriceInput

    s = Seed(student_id, "katalog")
    exw = case_for(student_id, product).build_up("EXW").step("EXW").unit_idr
    price = PriceInput(
        price_before_ppn=exw,
        min_order=s.steps(20, 200, 10),
        pkp=s.choice((True, False)),
        valid_from=KATALOG_VALID_FROM,
        valid_until=KATALOG_VALID_UNTIL,
        delivery_per_order=Money(Decimal(s.steps(50_000, 400_000, 25_000)), "IDR"),
    )
    return KatalogCase(student_id, product, price)


# --- pembiayaan (personal part: KUR interest on the order's working capital) -------------------

FINANCING_METHODS = ("lc_sight", "dp", "lc_usance", "da", "open_account")
# KUR schemes by loan size, smallest first: the participant borrows under the one whose plafond fits.
KUR_BY_SIZE = ("kur_super_mikro", "kur_mikro", "kur_kecil")
_BASIS_ID = {"effective": "efektif, anuitas", "flat": "flat"}


@dataclass(frozen=True)
class FinancingCase:
    """A participant's export order (from their CIF price build-up) and the KUR scheme that fits it."""

    student_id: str
    product: Product
    order: OrderInput
    scheme: str
    materials_share_pct: int
    """Share of the order's costs spent on materials (what the order was built from)."""

    def describe(self) -> str:
        from ukm_tools.financing import loan_scheme, payment_method

        o, sch = self.order, loan_scheme(self.scheme)
        m = payment_method(o.method)
        return "\n".join(
            [
                *_whose(self.student_id, self.product),
                f"Nilai pesanan (CIF, Rp): {format_money(o.order_value)}",
                f"Bahan baku, dibayar hari ke-0: {format_money(o.materials)}",
                f"Biaya produksi lain, dibayar saat produksi selesai (hari ke-{o.production_days}): "
                f"{format_money(o.production_costs)}",
                f"Biaya ekspor, dibayar saat pengapalan: {format_money(o.export_costs)}",
                f"Cara bayar pembeli: {m.name['id']}",
                f"Pinjaman: {sch.name['id']}, bunga {format_percent(sch.rate_pct)} setahun ({_BASIS_ID[sch.basis]})",
            ]
        )


def financing_case(student_id: str, product: Product) -> FinancingCase:
    """The order behind the participant's CIF quote, with seeded production time and payment method."""
    from ukm_tools.financing import cash_flow, loan_scheme, order_from_quote

    case = case_for(student_id, product)
    s = Seed(student_id, "financing")
    share = s.steps(40, 70, 5)
    order = order_from_quote(
        case.build_up("CIF"),
        case.pricing,
        materials_share_pct=share,
        production_days=s.steps(7, 35, 7),
        method=s.choice(FINANCING_METHODS),
    )
    peak = cash_flow(order).peak_working_capital.rounded_up()
    scheme = next((k for k in KUR_BY_SIZE if peak <= loan_scheme(k).plafond_max), KUR_BY_SIZE[-1])
    return FinancingCase(student_id, product, order, scheme, share)


ASSIGNMENTS: dict[str, Assignment] = {
    "ekatalog": Assignment(
        "ekatalog",
        {"cek_syarat_daftar": ("jawaban_1",), "cek_ppn": ("jawaban_2",), "cek_harga_pemerintah": ("harga_pemerintah",)},
    ),
    "syarat-ekspor": Assignment(
        "syarat-ekspor",
        {
            "cek_peb": ("jawaban_1",),
            "cek_ska": ("jawaban_2",),
            "cek_bpom": ("jawaban_3",),
            "cek_skor": ("skor_kesiapan",),
            "cek_hari": ("hari_siap",),
        },
    ),
    "harga-incoterms": Assignment(
        "harga-incoterms",
        {"cek_exw": ("harga_exw",), "cek_fob": ("harga_fob",), "cek_cif": ("harga_cif",)},
    ),
    "pembayaran": Assignment(
        "pembayaran",
        {
            "cek_rupiah": ("rupiah_diterima",),
            "cek_selisih": ("selisih_kurs",),
            "cek_bersih": ("dana_bersih",),
            "cek_cara_bayar": ("cara_bayar",),
        },
    ),
    "pembiayaan": Assignment(
        "pembiayaan",
        {"cek_kur": ("jawaban_1",), "cek_lpei": ("jawaban_2",), "cek_bunga_kur": ("bunga_kur",)},
    ),
}


def assignment(name: str) -> Assignment:
    from ukm_tools.errors import UkmError

    if name not in ASSIGNMENTS:
        raise UkmError("unknown_choice", "assignment", name, sorted(ASSIGNMENTS))
    return ASSIGNMENTS[name]
