"""The printed case worksheet: questions on the case study a group answers on paper, and their answers.

For participants without a device (or a battery), the book has a worksheet page (printed as a
handout) with the case's data and one question per part of the case study; the trainer kit
prints the same questions with their answers. Both are built here from one
:class:`~ukm_tools.case_study.CaseStudy`, so the figures a question gives and the answer the
facilitator reads out are the case file's, and the same as the case study page shows.

Questions ask for arithmetic a phone calculator or paper can do: every input is printed.
Pure: returns text (Bahasa Indonesia), formats money the Indonesian way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ukm_tools.case_study import CaseStudy, pieces
from ukm_tools.money import Money, format_money, format_number, format_percent


@dataclass(frozen=True)
class WorksheetItem:
    """One question of the worksheet, with the lines left to answer it and the model answer."""

    part: str  # the case study's part it belongs to
    question: str
    answer: str
    lines: int = 3  # ruled lines left blank on paper


def _m(value: Money) -> str:
    return format_money(value, "id")


def case_facts(study: CaseStudy) -> list[tuple[str, str]]:
    """The data every question needs, as (what, value) rows printed above the questions."""
    case = study.case
    p = case.product
    uc = case.unit_costs
    usd = study.sheet.rate(case.quote_currency)
    fees = study.bank_fees()
    return [
        ("Penjual", f"{case.seller.name}, {case.seller.city}"),
        ("Pembeli", f"{case.buyer.name}, {case.buyer.city}" if case.buyer else "-"),
        ("Produk", p.description or p.name),
        (
            "Jumlah kiriman",
            f"{format_number(case.quantity, 'id')} {p.unit} "
            f"({format_number(pieces(case, case.quantity), 'id')} {p.piece_name})",
        ),
        (f"HPP per {p.unit}", _m(Money(uc.hpp, "IDR"))),
        (f"Kemasan ekspor per {p.unit}", _m(Money(uc.packing, "IDR"))),
        ("Markup (laba atas HPP + kemasan)", format_percent(uc.markup_pct, "id")),
        ("Syarat penyerahan", f"{case.incoterm} {case.named_place}, Incoterms 2020"),
        ("Syarat bayar", case.payment_terms),
        (
            f"Kurs {case.quote_currency} ({study.sheet.date:%d-%m-%Y})",
            f"beli {_m(Money(usd.buy, 'IDR'))}, tengah {_m(Money(usd.mid, 'IDR'))}, jual {_m(Money(usd.sell, 'IDR'))}",
        ),
        ("Biaya bank L/C (advis, negosiasi, kurir)", _m(fees.total)),
    ]


def cost_rows(study: CaseStudy) -> list[tuple[str, str]]:
    """The shipment's costs as the case file lists them (name, amount)."""
    return [(c.name, _m(Money(c.amount, c.currency))) for c in study.case.costs]


def items(study: CaseStudy) -> list[WorksheetItem]:
    """The worksheet's questions and answers, in the order of the case study's parts."""
    case = study.case
    unit = case.product.unit
    uc = case.unit_costs
    cif = study.quote()
    exw = cif.step("EXW").unit_idr
    truck = next((c for c in case.costs if c.item == "inland_to_port"), None)
    now = study.readiness("now")
    steps = [a.requirement.text("label", "id") for a in now.plan]
    first = [f"{a.requirement.text('label', 'id')} ({a.requirement.text('where', 'id')})" for a in now.plan[:3]]
    fees = study.bank_fees().total
    received = study.received()
    be = study.break_even
    t = study.cash_flow()
    loan = study.loan()
    lc = study.landed
    out = [
        WorksheetItem(
            "1. Kesiapan (Modul 2)",
            "Usaha ini sudah punya NIB, NPWP, kode HS, izin edar BPOM dan sertifikat halal. Sebutkan tiga langkah "
            "yang masih harus dikerjakan sebelum kiriman pertama, dan ke instansi mana.",
            "Misalnya: " + "; ".join(first) + f". Semua {len(steps)} langkah ({'; '.join(steps)}) selesai sekitar "
            f"hari ke-{now.ready_in_days}.",
        ),
        WorksheetItem(
            "2. Harga (Modul 3)",
            f"Hitung harga EXW per {unit}: (HPP + kemasan) × (1 + markup). Bulatkan ke rupiah.",
            f"({_m(Money(uc.hpp, 'IDR'))} + {_m(Money(uc.packing, 'IDR'))}) × "
            f"{format_number(1 + uc.markup_pct / 100, 'id')} = {_m(exw)} per {unit}.",
            lines=2,
        ),
    ]
    if truck is not None:
        per_unit = (Money(truck.amount, truck.currency) / case.quantity).rounded()
        out.append(
            WorksheetItem(
                "2. Harga (Modul 3)",
                f"Ongkos truk {_m(Money(truck.amount, truck.currency))} per kiriman. Berapa yang masuk ke harga "
                f"per {unit}?",
                f"{_m(Money(truck.amount, truck.currency))} ÷ {format_number(case.quantity, 'id')} {unit} = "
                f"{_m(per_unit)} per {unit}: biaya per kiriman dibagi dulu, baru ditambahkan.",
                lines=2,
            )
        )
    out += [
        WorksheetItem(
            "3. Biaya sampai gudang pembeli",
            f"Harga {cif.rule} seluruh kiriman {_m(study.invoice)}. Tanpa Form D bea masuk "
            f"{format_percent(case.import_.normal_duty_pct, 'id')}, dengan Form D "
            f"{format_percent(case.import_.duty_pct, 'id')}. Mengapa pembeli meminta Form D?",
            f"Dengan Form D pembeli menghemat {_m(lc.saving)} untuk kiriman ini; SKA Form D lewat e-SKA tidak "
            "dipungut biaya, jadi selalu urus.",
        ),
        WorksheetItem(
            "4. Pembayaran (Modul 4)",
            f"Faktur {_m(study.invoice)}, biaya bank L/C {_m(fees)}, kurs beli "
            f"{_m(Money(received.rate.value, 'IDR'))}. Berapa rupiah yang diterima?",
            f"({_m(study.invoice)} − {_m(fees)}) × {_m(Money(received.rate.value, 'IDR'))} = "
            f"{_m(received.money.rounded())}.",
            lines=2,
        ),
        WorksheetItem(
            "4. Pembayaran (Modul 4)",
            f"Biaya kiriman seluruhnya {_m(study.shipment_costs)}. Berapa laba kiriman, dan mengapa lebih kecil "
            f"dari laba yang direncanakan ({_m(study.planned_profit.rounded())})?",
            f"{_m(received.money.rounded())} − {_m(study.shipment_costs)} = {_m(study.profit.rounded())}. Selisihnya "
            "adalah biaya bank dan kurs beli yang tidak dimasukkan ke harga.",
        ),
        WorksheetItem(
            "5. Titik impas",
            f"Biaya memulai ekspor {_m(be.fixed_costs)}. Setiap {unit} menyisakan {_m(be.contribution_per_unit)} "
            f"setelah biaya. Berapa {unit} harus terjual?",
            f"{_m(be.fixed_costs)} ÷ {_m(be.contribution_per_unit)} = {format_number(be.units_exact, 'id', 1)}, "
            f"dibulatkan ke atas: {format_number(be.units, 'id')} {unit} "
            f"({format_number(pieces(case, be.units), 'id')} {case.product.piece_name}).",
            lines=2,
        ),
        WorksheetItem(
            "6. Modal kerja (Modul 5)",
            f"Dengan {t.method.name['id']} uang pembeli masuk hari ke-{t.receipt_day}. Modal kerja puncak "
            f"{_m(t.peak_working_capital)}. Berapa lama modal tertahan, dan berapa bunganya dengan "
            f"{study.loan_scheme.name['id']} ({format_percent(study.loan_scheme.rate_pct, 'id')} setahun)?",
            f"Tertahan {t.days_tied_up} hari, dipinjam {loan.months} bulan: bunga {_m(loan.cost)}; laba setelah "
            f"bunga {_m(loan.margin_after_financing)}.",
        ),
        WorksheetItem(
            "Rencana tindak lanjut",
            "Tulis tiga langkah yang akan Anda kerjakan minggu depan, siapa yang mengerjakan, dan kapan selesai.",
            "Jawaban peserta sendiri; contoh: cek kode HS ke PPJK, daftar e-SKA, minta tarif L/C ke bank.",
            lines=4,
        ),
    ]
    return out


__all__ = ["WorksheetItem", "case_facts", "cost_rows", "items"]
