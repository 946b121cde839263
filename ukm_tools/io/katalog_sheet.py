"""Participants' e-Katalog product sheets (.xlsx / .csv): read, validate per row, write.

A sheet has one header row (row 1) naming the columns (Indonesian or English labels, or
the field keys of :data:`ukm_tools.katalog.FIELD_KEYS`; a trailing ``*`` is ignored) and
one product per row. Every problem is reported with the sheet's own row number, so a
participant can find it in Excel. Writing goes to temporary files that replace the
targets only when all are written: a failure never leaves half an output behind.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukm_tools import katalog
from ukm_tools.datafiles import read_text
from ukm_tools.errors import Problem, UkmError
from ukm_tools.katalog import FIELD_KEYS, LISTING_FIELDS, Checklist, Listing, field_label
from ukm_tools.messages import register

SHEET_NAMES = ("produk", "products", "product")


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem in one row of a sheet; its message starts with the row number."""

    row: int = 0

    def message(self, lang: str = "id") -> str:
        return f"{'Baris' if lang == 'id' else 'Row'} {self.row}: {super().message(lang)}"


@dataclass(frozen=True)
class SheetRow:
    row: int  # the row number as the spreadsheet shows it (header = 1)
    values: dict[str, Any]


@dataclass(frozen=True)
class CheckedSheet:
    path: Path
    good: tuple[tuple[int, Listing], ...]
    bad: tuple[RowProblem, ...]

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.bad}))

    @property
    def listings(self) -> list[Listing]:
        return [lst for _, lst in self.good]


def _norm(header: Any) -> str:
    s = "" if header is None else str(header)
    s = s.strip().rstrip("*").strip().lower()
    return re.sub(r"\s+", " ", s)


def _header_map() -> dict[str, str]:
    m: dict[str, str] = {}
    for key in FIELD_KEYS:
        for name in (key, field_label(key, "id"), field_label(key, "en")):
            m[_norm(name)] = key
    return m


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UkmError(
            "malformed_file", "file", str(path), detail=f"not an Excel .xlsx workbook ({type(e).__name__})"
        ) from None
    try:
        ws = next((wb[n] for n in wb.sheetnames if n.strip().lower() in SHEET_NAMES), wb.worksheets[0])
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = read_text(path)
    except UkmError as e:
        if e.code != "malformed_file":
            raise
        # Excel's plain "CSV" on Windows is the ANSI code page, not UTF-8.
        text = path.read_bytes().decode("cp1252", errors="replace")
    # Indonesian Excel writes ';'-separated CSV (the comma is the decimal mark).
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as e:
        raise UkmError("malformed_file", "file", str(path), detail=str(e)) from None


def read_rows(path: str | Path) -> list[SheetRow]:
    """Rows of a product sheet keyed by field, blank rows dropped.

    Raises:
        UkmError: missing/unreadable file, unknown or missing or repeated columns.
    """
    p = Path(path)
    if not p.is_file():
        raise UkmError("file_not_found", "file", str(p))
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        table = _read_xlsx(p)
    elif suffix == ".csv":
        table = _read_csv(p)
    else:
        raise UkmError("unknown_choice", "file", p.name, [".xlsx", ".csv"])
    if not table or all(_blank(c) for c in table[0]):
        raise UkmError("sheet_no_header", "file", p.name)
    known = _header_map()
    columns: list[str | None] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(table[0]):
        if _blank(h):
            columns.append(None)
            continue
        key = known.get(_norm(h))
        if key is None:
            problems.append(
                Problem(
                    "sheet_unknown_column",
                    None,
                    str(h).strip(),
                    [field_label(k, "id") for k in FIELD_KEYS],
                    {"column": _col_letter(i)},
                )
            )
        elif key in seen:
            problems.append(Problem("sheet_repeated_column", key, str(h).strip(), None, {"column": _col_letter(i)}))
        else:
            seen[key] = i
        columns.append(key)
    for key, required in LISTING_FIELDS:
        if required and key not in seen:
            problems.append(Problem("sheet_missing_column", key, None, None))
    if problems:
        raise UkmError(problems=problems)
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        values = {k: c for k, c in zip(columns, cells) if k is not None}
        if all(_blank(v) for v in values.values()):
            continue
        rows.append(SheetRow(n, values))
    return rows


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def check_sheet(path: str | Path, numbers: str = "id", today: dt.date | None = None) -> CheckedSheet:
    """Validate every row; returns the good listings and every row's problems.

    ``numbers`` is the convention of numbers typed as text in the sheet ("id": 25.000,50).

    Raises:
        UkmError: only for problems with the file as a whole (see :func:`read_rows`) or
        a sheet with no product rows.
    """
    rows = read_rows(path)
    if not rows:
        raise UkmError("sheet_no_rows", "file", Path(path).name)
    good, bad = [], []
    for r in rows:
        try:
            good.append((r.row, katalog.validate_listing(r.values, numbers, today)))
        except UkmError as e:
            bad.extend(
                RowProblem(**{f.name: getattr(p, f.name) for f in dataclasses.fields(Problem)}, row=r.row)
                for p in e.problems
            )
    return CheckedSheet(Path(path), tuple(good), tuple(bad))


# --------------------------------------------------------------------------- writing


def _replace_all(writers: Iterable[tuple[Path, Any]]) -> None:
    """Write each (target, write_fn(tmp_path)) to a temp file, then move all into place."""
    done: list[tuple[Path, Path]] = []
    writers = list(writers)
    for target, _ in writers:
        if target.is_dir():
            raise UkmError("cannot_write", "file", str(target), detail="a folder has that name")
    try:
        for target, write in writers:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
            os.close(fd)
            done.append((Path(tmp), target))
            write(Path(tmp))
    except BaseException as e:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise UkmError("cannot_write", "file", str(target), detail=e.strerror or str(e)) from None
        raise
    for tmp, target in done:
        os.replace(tmp, target)


def _fill_listing_sheet(ws, listings: list[Listing], lang: str) -> None:
    from openpyxl.styles import Font

    rows = [lst.as_row(lang) for lst in listings]
    headers = list(rows[0]) if rows else [field_label(k, lang) for k in FIELD_KEYS]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    money_cols = {field_label(k, lang) for k in ("price_before_ppn", "ppn_per_unit", "unit_price")}
    text_cols = {field_label(k, lang) for k in ("nib", "kbli", "npwp")}
    for r in rows:
        ws.append([int(v) if h in money_cols else v for h, v in r.items()])
    for j, h in enumerate(headers, start=1):
        letter = _col_letter(j - 1)
        ws.column_dimensions[letter].width = max(12, min(45, len(h) + 2))
        for cell in ws[letter][1:]:
            if h in money_cols:
                cell.number_format = "#,##0"
            elif h in text_cols:
                cell.number_format = "@"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def _fill_checklist_sheet(ws, checklist: Checklist, lang: str) -> None:
    from openpyxl.styles import Font

    t = lambda i, e: i if lang == "id" else e
    ws.append(
        [
            t("Langkah", "Step"),
            t("Status", "Status"),
            t("Di mana", "Where"),
            t("Yang diperlukan", "Needs"),
            t("Sudah ada", "Have"),
        ]
    )
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, s in enumerate(checklist.steps, 1):
        state = (
            t("selesai", "done")
            if s.done
            else (t("siap dikerjakan", "ready") if s.ready else t("belum siap", "not ready"))
        )
        for j, n in enumerate(s.needs):
            ws.append(
                [
                    f"{i}. {s.title[lang]}" if j == 0 else "",
                    state if j == 0 else "",
                    s.where[lang] if j == 0 else "",
                    n.text[lang],
                    t("ya", "yes") if n.have else t("belum", "no"),
                ]
            )
    ws.append([])
    ws.append([t("Sumber", "Source"), f"{checklist.source.strip()} ({checklist.date.isoformat()})"])
    for letter, w in zip("ABCDE", (40, 16, 45, 60, 10)):
        ws.column_dimensions[letter].width = w


def listing_workbook(listings: list[Listing], checklist: Checklist, lang: str = "id"):
    """An openpyxl workbook: sheet Produk (clean listing) + sheet Checklist."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Produk" if lang == "id" else "Products"
    _fill_listing_sheet(ws, listings, lang)
    _fill_checklist_sheet(wb.create_sheet("Checklist"), checklist, lang)
    return wb


def write_outputs(
    listings: list[Listing], checklist: Checklist, listing_path: Path, checklist_path: Path, lang: str = "id"
) -> None:
    """Write the clean listing (.xlsx) and the checklist (.md), both or neither."""
    wb = listing_workbook(listings, checklist, lang)
    md = checklist.to_markdown(lang)
    _replace_all(
        [
            (Path(listing_path), lambda tmp: wb.save(tmp)),
            (Path(checklist_path), lambda tmp: tmp.write_text(md, encoding="utf-8")),
        ]
    )


def _example_row() -> dict[str, object]:
    """The template's example: the case study's own e-Katalog sale (the case file's katalog: section),
    so the sheet a participant fills in shows the figures the book and the calculator show."""
    from ukm_tools.case import packaged_case
    from ukm_tools.case_study import CaseStudy

    study = CaseStudy(packaged_case("kasturi-syrup"))
    case, terms = study.case, study.katalog_terms
    offer = study.katalog_input(pkp=False)
    return {
        "product_name": "Sirup Jeruk Kasturi",
        "specification": f"{case.product.description}, tanpa pengawet, BPOM MD",
        "sale_unit": case.product.unit,
        "brand": "Kasturi Deli",
        "origin": f"{case.seller.city}, Sumatera Utara",
        "price_before_ppn": int(offer.price_before_ppn.amount),
        "delivery_per_order": int(offer.delivery_per_order.amount),
        "min_order": offer.min_order,
        "delivery_area": terms.delivery_area or case.seller.city,
        "valid_from": offer.valid_from,
        "valid_until": offer.valid_until,
        "nib": "1234567890123",
        "kbli": "11040",
        "npwp": "0123456789012000",
        "kswp_status": "valid",
        "pkp": "tidak",
    }


EXAMPLE_ROW = _example_row()

_HINTS = {
    "product_name": ("Nama dagang produk", "Trade name of the product"),
    "specification": (
        "Ukuran, isi, bahan, izin edar (BPOM/PIRT), halal",
        "Size, contents, ingredients, permits (BPOM/PIRT), halal",
    ),
    "sale_unit": ("botol, pak, kg, buah ...", "bottle, pack, kg, piece ..."),
    "brand": ("Merek dagang", "Brand"),
    "origin": ("Kota/kabupaten produksi", "Where it is made"),
    "price_before_ppn": (
        "Harga jual per satuan di tempat Anda, tanpa PPN (contoh 25.000)",
        "Your price per unit at your premises, without PPN (e.g. 25,000)",
    ),
    "delivery_per_order": (
        "Ongkos antar satu pesanan minimum ke kantor pembeli (boleh kosong = 0)",
        "Delivering one minimum order to the buying office (blank = 0)",
    ),
    "min_order": ("Jumlah satuan paling sedikit per pesanan", "Fewest units per order"),
    "delivery_area": ("Wilayah yang Anda layani", "Area you deliver to"),
    "valid_from": (
        "Tanggal mulai berlaku (kosong = hari ini), contoh 01-01-2026",
        "Start date (blank = today), e.g. 2026-01-01",
    ),
    "valid_until": ("Tanggal akhir berlaku harga, contoh 31-12-2026", "Last day the price holds, e.g. 2026-12-31"),
    "nib": ("13 digit dari OSS (tulis sebagai teks)", "13 digits from OSS (as text)"),
    "kbli": ("5 digit, contoh 11040 (minuman ringan)", "5 digits, e.g. 11040 (soft drinks)"),
    "npwp": ("15 atau 16 digit; titik dan strip boleh", "15 or 16 digits; dots and dashes allowed"),
    "kswp_status": ("valid / tidak valid (cek di DJP Online)", "valid / not valid (check on DJP Online)"),
    "pkp": ("ya jika Pengusaha Kena Pajak, tidak jika bukan", "yes if VAT-registered (PKP), no if not"),
}


def template_workbook(lang: str = "id"):
    """The sheet participants fill in: Produk (headers only), Contoh (one example), Petunjuk."""
    import openpyxl
    from openpyxl.styles import Font

    t = lambda i, e: i if lang == "id" else e
    headers = [field_label(k, lang) + (" *" if req else "") for k, req in LISTING_FIELDS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Produk" if lang == "id" else "Products"
    ex = wb.create_sheet(t("Contoh", "Example"))
    for sheet in (ws, ex):
        sheet.append(headers)
        for c in sheet[1]:
            c.font = Font(bold=True)
        for j, h in enumerate(headers):
            letter = _col_letter(j)
            sheet.column_dimensions[letter].width = max(14, min(40, len(h) + 2))
            if LISTING_FIELDS[j][0] in ("nib", "kbli", "npwp"):
                # Excel keeps only 15 significant digits of a number: a 16-digit NPWP must be text.
                sheet.column_dimensions[letter].number_format = "@"
    ex.append([EXAMPLE_ROW[k] for k in FIELD_KEYS])
    info = wb.create_sheet(t("Petunjuk", "Instructions"))
    info.append([t("Kolom", "Column"), t("Isi", "What to write")])
    for c in info[1]:
        c.font = Font(bold=True)
    for key, req in LISTING_FIELDS:
        hint = _HINTS[key][0 if lang == "id" else 1]
        info.append([field_label(key, lang) + (" *" if req else ""), hint])
    info.append([])
    info.append(
        [
            t(
                "* wajib diisi. Satu produk per baris, mulai baris 2 di lembar Produk.",
                "* required. One product per row, from row 2 of the Products sheet.",
            )
        ]
    )
    info.append([t("Periksa dengan: ukm katalog BERKAS.xlsx", "Check with: ukm katalog FILE.xlsx")])
    info.column_dimensions["A"].width = 38
    info.column_dimensions["B"].width = 80
    return wb


def write_template(path: str | Path, lang: str = "id") -> None:
    """A fresh product sheet (.xlsx with instructions, or .csv with the header row)."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        headers = [field_label(k, lang) + (" *" if req else "") for k, req in LISTING_FIELDS]

        def write_csv(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f, delimiter=";").writerow(headers)

        _replace_all([(p, write_csv)])
    elif p.suffix.lower() == ".xlsx":
        wb = template_workbook(lang)
        _replace_all([(p, lambda tmp: wb.save(tmp))])
    else:
        raise UkmError("unknown_choice", "file", p.name, [".xlsx", ".csv"])


register(
    {
        "cannot_write": {
            "id": "Tidak bisa menulis '{value}': {detail}.",
            "en": "Cannot write '{value}': {detail}.",
        },
        "sheet_no_header": {
            "id": "{value}: baris 1 harus berisi judul kolom (lihat templat: ukm katalog --template produk.xlsx).",
            "en": "{value}: row 1 must hold the column headers (see the template: ukm katalog --template products.xlsx).",
        },
        "sheet_no_rows": {
            "id": "{value}: belum ada produk (mulai dari baris 2).",
            "en": "{value}: no products yet (start at row 2).",
        },
        "sheet_unknown_column": {
            "id": "Kolom {column} '{value}' tidak dikenal (salah ketik?). Kolom yang boleh: {allowed}.",
            "en": "Column {column} '{value}' is not known (a typo?). Allowed columns: {allowed}.",
        },
        "sheet_repeated_column": {
            "id": "Kolom {column} '{value}' muncul dua kali ({field}).",
            "en": "Column {column} '{value}' appears twice ({field}).",
        },
        "sheet_missing_column": {
            "id": "Kolom wajib '{field}' tidak ada di baris judul.",
            "en": "Required column '{field}' is missing from the header row.",
        },
    }
)
