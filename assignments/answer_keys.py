"""Answer keys of this course's assignments: what the grader expects from each participant.

STAFF ONLY. ``ukm init`` copies this file into the course folder (mode 600); the grader
(``ukm_tools.course.verify_answers.VerifyAnswers``, in the grading process, outside the sandbox)
loads it from there by path. The grading sandbox never mounts the course folder and this file is
not part of the ukm_tools package, so no participant's kernel or Jupyter server can import it.
Keep course folders unreadable for participants on a shared server.

``KEYS[assignment](student_id, product)`` returns ``{answer name: Expected}`` for every answer
named in ``ukm_tools.exercises.tugas.ASSIGNMENTS``. Personal answers are computed with the
domain core from the participant's own case, the same functions a participant uses to solve
the exercise; the multiple-choice answers are written out here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from ukm_tools.exercises.checks import Expected
from ukm_tools.exercises.params import Product
from ukm_tools.exercises.tugas import (
    READINESS_MARKET,
    READINESS_PRODUCT,
    PersonalCase,
    case_for,
    financing_case,
    katalog_case,
    readiness_situation,
)
from ukm_tools.fx import proceeds_to_idr, spread_cost
from ukm_tools.money import Money
from ukm_tools.payments import lc_cost, load_fee_schedule

Key = Callable[[str, Product], dict[str, Expected]]
ABCD = ("a", "b", "c", "d")


def _choice(name: str, answer: str, label: str, hint: str) -> Expected:
    return Expected(name, "choice", answer, label, hint, ABCD)


# --- harga-incoterms ------------------------------------------------------------------


def harga_incoterms(student_id: str, product: Product) -> dict[str, Expected]:
    b = case_for(student_id, product).build_up("CIF")
    return {
        "harga_exw": Expected(
            "harga_exw",
            "money",
            b.step("EXW").unit_idr,
            "harga EXW per unit (Rp)",
            "EXW = (HPP + kemasan) × (1 + markup%), dibulatkan ke rupiah.",
        ),
        "harga_fob": Expected(
            "harga_fob",
            "money",
            b.step("FOB").unit_quote,
            "harga FOB per unit (USD)",
            "Biaya per kiriman sampai di atas kapal dibagi jumlah unit, lalu dikonversi dengan kurs beli.",
        ),
        "harga_cif": Expected(
            "harga_cif",
            "money",
            b.step("CIF").unit_quote,
            "harga CIF per unit (USD)",
            "CIF = CFR + premi asuransi (110% pertanggungan); ongkos kapal USD memakai kurs jual.",
        ),
    }


# --- pembayaran -----------------------------------------------------------------------


def net_after_lc(case: PersonalCase, invoice: Money) -> Money:
    """Rupiah left from the invoice after the exporter's L/C bank fees (packaged fee schedule)."""
    fees = lc_cost(invoice, load_fee_schedule()).total
    return proceeds_to_idr(invoice - fees, case.rates).money.rounded()


def pembayaran(student_id: str, product: Product) -> dict[str, Expected]:
    case = case_for(student_id, product)
    invoice = case.build_up("CIF").step("CIF").shipment_quote
    return {
        "rupiah_diterima": Expected(
            "rupiah_diterima",
            "money",
            proceeds_to_idr(invoice, case.rates).money.rounded(),
            "rupiah yang diterima (kurs beli bank)",
            "Hasil ekspor dijual ke bank dengan kurs beli.",
        ),
        "selisih_kurs": Expected(
            "selisih_kurs",
            "money",
            spread_cost(invoice, case.rates).rounded(),
            "selisih terhadap kurs tengah (Rp)",
            "Selisih = nilai USD × (kurs tengah − kurs beli).",
        ),
        "dana_bersih": Expected(
            "dana_bersih",
            "money",
            net_after_lc(case, invoice),
            "rupiah bersih setelah biaya bank L/C",
            "Kurangi invoice USD dengan total biaya L/C bank (lc_cost), lalu jual sisanya ke bank dengan kurs beli.",
        ),
        "cara_bayar": _choice(
            "cara_bayar",
            "b",
            "cara pembayaran paling aman bagi eksportir baru",
            "Pikirkan siapa yang menjamin pembayaran bila pembeli belum dikenal.",
        ),
    }


# --- syarat-ekspor ------------------------------------------------------------------------


def syarat_ekspor(student_id: str, product: Product) -> dict[str, Expected]:
    from ukm_tools.readiness import assess

    a = assess(readiness_situation(student_id), READINESS_PRODUCT, READINESS_MARKET)
    return {
        "jawaban_1": _choice(
            "jawaban_1",
            "b",
            "dokumen pemberitahuan ekspor ke Bea Cukai",
            "Dokumen ini diajukan lewat CEISA sebelum barang masuk kawasan pabean.",
        ),
        "jawaban_2": _choice(
            "jawaban_2",
            "d",
            "form SKA untuk tarif preferensi ATIGA",
            "ATIGA adalah perjanjian perdagangan barang ASEAN.",
        ),
        "jawaban_3": _choice(
            "jawaban_3",
            "a",
            "izin edar pangan olahan",
            "Nomor MD diterbitkan oleh badan pengawas obat dan makanan.",
        ),
        "skor_kesiapan": Expected(
            "skor_kesiapan",
            "integer",
            a.score,
            "skor kesiapan ekspor (0-100)",
            "Skor = bobot persyaratan yang sudah dipenuhi dibagi bobot semua persyaratan yang berlaku.",
        ),
        "hari_siap": Expected(
            "hari_siap",
            "integer",
            a.ready_in_days,
            "jumlah hari sampai siap ekspor",
            "Langkah yang tidak saling menunggu boleh berjalan bersamaan.",
        ),
    }


# --- ekatalog -----------------------------------------------------------------------------


def ekatalog(student_id: str, product: Product) -> dict[str, Expected]:
    from ukm_tools.katalog import government_price

    g = government_price(katalog_case(student_id, product).price)
    return {
        "jawaban_1": _choice(
            "jawaban_1",
            "c",
            "syarat mendaftar di e-katalog lokal",
            "Ingat dokumen usaha dari OSS dan status pajak.",
        ),
        "jawaban_2": _choice(
            "jawaban_2",
            "a",
            "harga untuk pembeli pemerintah",
            "Penawaran ke instansi harus jelas soal pajaknya.",
        ),
        "harga_pemerintah": Expected(
            "harga_pemerintah",
            "money",
            g.unit_price,
            "harga per unit di e-Katalog (Rp)",
            "Harga + ongkos antar dibagi pesanan minimum, dibulatkan ke rupiah; bila PKP tambahkan PPN "
            "(12% × DPP 11/12), juga dibulatkan ke rupiah.",
        ),
    }


# --- pembiayaan ---------------------------------------------------------------------------


def pembiayaan(student_id: str, product: Product) -> dict[str, Expected]:
    from ukm_tools.financing import cash_flow, finance_order

    f = financing_case(student_id, product)
    return {
        "jawaban_1": _choice(
            "jawaban_1",
            "b",
            "bunga KUR Mikro pada pinjaman pertama",
            "Lihat Permenko 1/2023: Super Mikro 3%, Mikro dan Kecil lebih tinggi.",
        ),
        "jawaban_2": _choice(
            "jawaban_2", "c", "lembaga pembiayaan ekspor milik negara", "Namanya juga Indonesia Eximbank."
        ),
        "bunga_kur": Expected(
            "bunga_kur",
            "money",
            finance_order(cash_flow(f.order), scheme=f.scheme).cost,
            "total bunga KUR pesanan Anda (Rp)",
            "Pinjam modal kerja puncak (dibulatkan ke atas) selama bulan-bulan uang tertahan (30 hari = 1 bulan); "
            "bunga = jumlah bunga di tabel angsuran.",
        ),
    }


KEYS: dict[str, Key] = {
    "ekatalog": ekatalog,
    "syarat-ekspor": syarat_ekspor,
    "harga-incoterms": harga_incoterms,
    "pembayaran": pembayaran,
    "pembiayaan": pembiayaan,
}
