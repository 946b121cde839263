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
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.io.cells import Formula, append_row, csv_row
from ukm_tools.io.workbooks import first_sheet
from ukm_tools.katalog import FIELD_KEYS, LISTING_FIELDS, Checklist, Listing, field_label
from ukm_tools.messages import Section, section

SHEET_NAMES = ("produk", "products", "product")
T = section("io.katalog_sheet", "katalog")


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem in one row of a sheet; its message starts with the row number."""

    row: int = 0

    def message(self, lang: str = "id", view: Section | None = None) -> str:
        return T("row", lang, row=self.row, message=super().message(lang, view))


@dataclass(frozen=True)
class SheetRow:
    row: int  # the row number as the spreadsheet shows it (header = 1)
    values: dict[str, Any]
    columns: tuple[str | None, ...] = ()  # the field of each column, left to right


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
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UkmError(
            "malformed_file", "file", str(path), detail=f"not an Excel .xlsx workbook ({type(e).__name__})"
        ) from None
    try:
        ws = next((wb[n] for n in wb.sheetnames if n.strip().lower() in SHEET_NAMES), wb.worksheets[0])
        # Formulas as written, not their cached results (a sheet saved by a program has none, and
        # an official listing takes typed values): each is reported as a formula, never "missing".
        return [[Formula(c.value) if c.data_type == "f" else c.value for c in r] for r in ws.iter_rows()]
    finally:
        wb.close()


DELIMITERS = (";", ",", "\t")


def _header_delimiter(text: str) -> str:
    """The delimiter of a CSV, taken from its header row: the one that splits it into the most
    known column names (Indonesian Excel writes ';', the comma being its decimal mark; a quoted
    comma further down, in ``"Sirup ""Kasturi"", 600 ml"``, cannot mislead it). Ties: most columns."""
    header_line = text.split("\n", 1)[0]
    known = _header_map()

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader(io.StringIO(header_line), delimiter=d), [])
        return sum(_norm(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = read_text(path)
    except UkmError as e:
        if e.code != "malformed_file":
            raise
        # Excel's plain "CSV" on Windows is the ANSI code page, not UTF-8.
        text = path.read_bytes().decode("cp1252", errors="replace")
    delimiter = _header_delimiter(text)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as e:
        raise UkmError("malformed_file", "file", str(path), detail=str(e)) from None


@owned("katalog")  # the columns are the listing fields of ukm_tools.katalog
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
        values = {k: c for k, c in zip(columns, cells, strict=False) if k is not None}
        if all(_blank(v) for v in values.values()):
            continue
        rows.append(SheetRow(n, values, tuple(columns)))
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
    good: list[tuple[int, Listing]] = []
    bad: list[RowProblem] = []
    columns = {key: i for i, key in enumerate(rows[0].columns)} if rows else {}
    for r in rows:
        formulas = [k for k, v in r.values.items() if isinstance(v, Formula)]
        problems = [
            Problem("sheet_formula_cell", k, str(r.values[k]), None, {"column": _col_letter(columns.get(k, 0))})
            for k in formulas
        ]
        values = {k: (None if k in formulas else v) for k, v in r.values.items()}
        try:
            listing = katalog.validate_listing(values, numbers, today)
        except UkmError as e:
            # a formula's field is reported as a formula, not also as missing
            problems += [p for p in e.problems if p.field not in formulas]
        if problems:
            bad.extend(
                RowProblem(**{f.name: getattr(p, f.name) for f in dataclasses.fields(Problem)}, row=r.row)
                for p in problems
            )
        else:
            good.append((r.row, listing))
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
            fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
            os.close(fd)
            done.append((Path(tmp_name), target))
            write(Path(tmp_name))
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
    append_row(ws, headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    money_cols = {field_label(k, lang) for k in ("price_before_ppn", "ppn_per_unit", "unit_price")}
    text_cols = {field_label(k, lang) for k in ("nib", "kbli", "npwp")}
    for r in rows:
        append_row(ws, [int(v) if h in money_cols else v for h, v in r.items()])  # a name like =... stays text
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

    append_row(ws, [T(f"col_{k}", lang) for k in ("step", "status", "where", "needs", "have")])
    for c in ws[1]:
        c.font = Font(bold=True)
    for i, s in enumerate(checklist.steps, 1):
        state = s.state(lang)
        for j, n in enumerate(s.needs):
            append_row(
                ws,
                [
                    f"{i}. {s.title[lang]}" if j == 0 else "",
                    state if j == 0 else "",
                    s.where[lang] if j == 0 else "",
                    n.text[lang],
                    T("have_yes" if n.have else "have_no", lang),
                ],
            )
    ws.append([])
    append_row(ws, [T("source", lang), f"{checklist.source.strip()} ({checklist.date.isoformat()})"])
    for letter, w in zip("ABCDE", (40, 16, 45, 60, 10), strict=True):
        ws.column_dimensions[letter].width = w


def listing_workbook(listings: list[Listing], checklist: Checklist, lang: str = "id"):
    """An openpyxl workbook: sheet Produk (clean listing) + sheet Checklist."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = T("sheet_products", lang)
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


EXAMPLE_ROW = katalog.example_listing()


def template_workbook(lang: str = "id"):
    """The sheet participants fill in: Produk (headers only), Contoh (one example), Petunjuk."""
    import openpyxl
    from openpyxl.styles import Font

    headers = [field_label(k, lang) + (" *" if req else "") for k, req in LISTING_FIELDS]
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = T("sheet_products", lang)
    ex = wb.create_sheet(T("sheet_example", lang))
    for sheet in (ws, ex):
        append_row(sheet, headers)
        for c in sheet[1]:
            c.font = Font(bold=True)
        for j, h in enumerate(headers):
            letter = _col_letter(j)
            sheet.column_dimensions[letter].width = max(14, min(40, len(h) + 2))
            if LISTING_FIELDS[j][0] in ("nib", "kbli", "npwp"):
                # Excel keeps only 15 significant digits of a number: a 16-digit NPWP must be text.
                sheet.column_dimensions[letter].number_format = "@"
    append_row(ex, [EXAMPLE_ROW[k] for k in FIELD_KEYS])
    info = wb.create_sheet(T("sheet_instructions", lang))
    append_row(info, [T("col_column", lang), T("col_what", lang)])
    for c in info[1]:
        c.font = Font(bold=True)
    for key, req in LISTING_FIELDS:
        hint = T(f"hint_{key}", lang)
        append_row(info, [field_label(key, lang) + (" *" if req else ""), hint])
    info.append([])
    append_row(info, [T("required_note", lang)])
    append_row(info, [T("check_with", lang)])
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
                csv.writer(f, delimiter=";").writerow(csv_row(headers))

        _replace_all([(p, write_csv)])
    elif p.suffix.lower() == ".xlsx":
        wb = template_workbook(lang)
        _replace_all([(p, lambda tmp: wb.save(tmp))])
    else:
        raise UkmError("unknown_choice", "file", p.name, [".xlsx", ".csv"])
