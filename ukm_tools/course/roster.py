"""The participant roster: one documented sheet layout, read from .xlsx or .csv, validated.

Column layout (header row; title rows above it and empty rows are allowed)::

    id_peserta | nama | telepon | email | nama_produk | hpp_per_unit | kemasan_per_unit | jumlah_unit
    | jenis_kelamin | kecamatan | sektor | skala_usaha

``id_peserta`` and ``nama`` are required. The last four are optional reporting fields, each
from a fixed list (:mod:`ukm_tools.course.profiles`). The four product columns are optional but go
together: a participant with a product works the personal exercises on it (HPP and
packing in rupiah per unit, quantity in units per shipment); without one the exercises
use numbers seeded from the participant id. Ids are normalised to lower case and must be
usable by nbgrader and JupyterHub (folder names, user names): ``a-z``, ``0-9``, ``-``,
``_``, starting with a letter or digit, at most 32 characters.

CSV files may use comma or semicolon (Indonesian-locale Excel writes semicolons) and must
be UTF-8 (with or without BOM); a Windows-1252 ("ANSI") file is detected and refused with
advice, unless the caller names that encoding explicitly.

Every bad row is reported with its line number; nothing is imported unless the caller
asks to skip bad rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ukm_tools.course.profiles import FIELDS as PROFILE_FIELDS
from ukm_tools.course.profiles import choices as profile_choices
from ukm_tools.errors import Problem, UkmError
from ukm_tools.io.cells import Formula
from ukm_tools.messages import section
from ukm_tools.numbers import parse_number

PRODUCT = ["nama_produk", "hpp_per_unit", "kemasan_per_unit", "jumlah_unit"]
PROFILE = list(PROFILE_FIELDS)  # jenis_kelamin, kecamatan, sektor, skala_usaha
COLUMNS = ["id_peserta", "nama", "telepon", "email", *PRODUCT, *PROFILE]
REQUIRED = ["id_peserta", "nama"]
T = section("course.roster")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Participant:
    """One roster row, validated. Money fields are rupiah per unit."""

    student_id: str
    name: str
    phone: str = ""
    email: str = ""
    product_name: str = ""
    hpp: Decimal | None = None
    packing: Decimal | None = None
    quantity: int | None = None
    line: int = 0
    gender: str = ""
    district: str = ""
    sector: str = ""
    scale: str = ""

    @property
    def has_product(self) -> bool:
        return self.hpp is not None


@dataclass
class RosterRead:
    participants: list[Participant]
    problems: list[Problem]
    bad_lines: list[int]


DELIMITERS = (";", ",", "\t")


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s/]+", "_", str(value or "").strip().lower())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(raw: bytes, path: str, encoding: str | None) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise UkmError("malformed_file", "file", path, detail=str(e)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for candidate in ("cp1252", "latin-1"):
        try:
            raw.decode(candidate)
        except UnicodeDecodeError:
            continue
        raise UkmError("roster_encoding", "file", path, detected=candidate)
    raise UkmError("roster_encoding", "file", path, detected="?")


def _header_delimiter(text: str) -> str:
    """The delimiter of the header row (the first line naming ``id_peserta``, below any title
    rows): the one that splits it into the most known columns. A name or product further down
    holding commas (``"Siti, S.E."``) cannot mislead it. Indonesian-locale Excel writes ';'."""
    lines = text.splitlines()
    header = next((ln for ln in lines if "id_peserta" in ln.lower()), lines[0] if lines else "")

    def score(d: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=d), [])
        return sum(_norm_header(c) in COLUMNS for c in cells), -DELIMITERS.index(d)

    return max(DELIMITERS, key=score)


def _csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, list[str]]]:
    text = _decode(path.read_bytes(), str(path), encoding)
    delimiter = _header_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _xlsx_rows(path: Path, sheet: str = "peserta") -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)  # formulas as written: reported
    except Exception as e:  # openpyxl raises many types for damaged files
        raise UkmError("malformed_file", "file", str(path), detail=type(e).__name__) from None
    try:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]
        for idx, row in enumerate(ws.iter_rows(), start=1):
            yield idx, [Formula(c.value) if c.data_type == "f" else c.value for c in row]
    finally:
        wb.close()


def sheet_rows(path: Path, encoding: str | None, sheet: str = "peserta") -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of a .xlsx sheet (``sheet``, else the first) or a .csv file, checked like the roster."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    if suffix in (".csv", ".txt"):
        return _csv_rows(path, encoding)
    raise UkmError("roster_unknown_format", "file", str(path))


def _money(text: str, line: int, field: str, problems: list[Problem]) -> Decimal | None:
    try:
        value = parse_number(text, "id", field)
    except UkmError:
        value = None
    if value is None or value < 0:
        problems.append(Problem("roster_bad_number", field, text, None, {"line": line}))
        return None
    return value


def _lost_leading_zero(raw: Any) -> str | None:
    """The phone number meant, when a cell shows Excel dropped its leading 0: a number cell (or
    a CSV that Excel saved from one) such as 81234567890 for 081234567890. A number starting
    with the country code 62 lost only its '+', which changes nothing."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        text = _cell_text(raw)
    elif isinstance(raw, str) and raw.strip().isdigit():
        text = raw.strip()
    else:
        return None
    return "0" + text if text.startswith("8") else None


def _validate_row(line: int, rec: dict[str, str], seen: dict[str, int]) -> tuple[Participant | None, list[Problem]]:
    problems: list[Problem] = []
    for col in REQUIRED:
        if not rec.get(col):
            problems.append(Problem("roster_required", col, None, None, {"line": line}))
    sid = rec.get("id_peserta", "").strip().lower()
    if sid:
        if not ID_PATTERN.match(sid):
            problems.append(Problem("roster_bad_id", "id_peserta", rec["id_peserta"], None, {"line": line}))
        elif sid in seen:
            problems.append(
                Problem("roster_duplicate_id", "id_peserta", sid, None, {"line": line, "first_line": seen[sid]})
            )
        else:
            seen[sid] = line
    email = rec.get("email", "")
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        problems.append(Problem("roster_bad_email", "email", email, None, {"line": line}))
    phone = rec.get("telepon", "")
    if phone and not re.match(r"^\+?[0-9][0-9 \-]{4,20}$", phone):
        problems.append(Problem("roster_bad_phone", "telepon", phone, None, {"line": line}))
    filled = [c for c in PRODUCT if rec.get(c)]
    hpp = packing = None
    quantity = None
    if filled and len(filled) < len(PRODUCT):
        problems.append(
            Problem("roster_partial_product", None, None, [c for c in PRODUCT if not rec.get(c)], {"line": line})
        )
    elif filled:
        hpp = _money(rec["hpp_per_unit"], line, "hpp_per_unit", problems)
        packing = _money(rec["kemasan_per_unit"], line, "kemasan_per_unit", problems)
        try:
            q = parse_number(rec["jumlah_unit"], "id", "jumlah_unit")
            if q <= 0 or q != q.to_integral_value():
                raise ValueError
            quantity = int(q)
        except (UkmError, ValueError):
            problems.append(Problem("roster_bad_quantity", "jumlah_unit", rec["jumlah_unit"], None, {"line": line}))
    profile: dict[str, str] = {}
    for col, attr in PROFILE_FIELDS.items():
        text = rec.get(col, "")
        if text:
            fc = profile_choices()[col]
            value = fc.normalise(text)
            if value is None:
                problems.append(Problem("roster_bad_choice", col, text, list(fc.values), {"line": line}))
            profile[attr] = value or ""
    if problems:
        return None, problems
    return (
        Participant(
            student_id=sid,
            name=rec["nama"],
            phone=phone,
            email=email,
            product_name=rec.get("nama_produk", ""),
            hpp=hpp,
            packing=packing,
            quantity=quantity,
            line=line,
            **profile,
        ),
        [],
    )


def read_roster(path: str | Path, encoding: str | None = None) -> RosterRead:
    """Read and validate every row; file-level faults raise, row faults are collected."""
    path = Path(path)
    if not path.is_file():
        raise UkmError("file_not_found", "file", str(path))
    header: list[str] | None = None
    participants: list[Participant] = []
    problems: list[Problem] = []
    bad_lines: list[int] = []
    seen: dict[str, int] = {}
    for line, row in sheet_rows(path, encoding):
        cells = [_cell_text(v) for v in row]
        if not any(cells):
            continue  # empty rows are fine (Excel leaves them everywhere)
        if header is None:
            names = [_norm_header(c) for c in cells]
            if "id_peserta" in names:
                header = names
                missing = [c for c in REQUIRED if c not in names]
                if missing:
                    raise UkmError("roster_missing_columns", "file", str(path), missing, line=line)
            continue  # a title row above the header
        rec = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name in COLUMNS}
        formulas = [(name, row[i]) for i, name in enumerate(header) if name in COLUMNS and i < len(row)]
        formulas = [(name, v) for name, v in formulas if isinstance(v, Formula)]
        participant, row_problems = _validate_row(line, rec, seen)
        # a formula's column is reported as a formula, not also as a bad number or missing
        row_problems = [p for p in row_problems if p.field not in {n for n, _ in formulas}]
        row_problems += [Problem("roster_formula_cell", n, str(v), None, {"line": line}) for n, v in formulas]
        if formulas:
            participant = None
        at = header.index("telepon") if "telepon" in header else len(row)
        if lost := _lost_leading_zero(row[at] if at < len(row) else None):
            row_problems.append(
                Problem("roster_phone_lost_zero", "telepon", rec["telepon"], None, {"line": line, "fixed": lost})
            )
            participant = None
        if row_problems:
            problems.extend(row_problems)
            bad_lines.append(line)
        elif participant is not None:
            participants.append(participant)
    if header is None:
        raise UkmError("roster_no_header", "file", str(path), COLUMNS)
    if not participants and not problems:
        raise UkmError("roster_empty", "file", str(path))
    return RosterRead(participants, problems, bad_lines)


def write_template(path: str | Path, lang: str = "id") -> Path:
    """An empty roster sheet with the documented header (``.xlsx`` or ``.csv``)."""
    from ukm_tools.io.cells import append_row, csv_row

    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        # Semicolons and a BOM: Indonesian-locale Excel opens this as columns, in UTF-8.
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f, delimiter=";").writerow(csv_row(COLUMNS))
        return path
    if suffix != ".xlsx":
        raise UkmError("roster_unknown_format", "file", str(path))
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ukm_tools.io.workbooks import first_sheet

    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "peserta"
    append_row(ws, COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(col) + 4)
    help_ws = wb.create_sheet(T("sheet_help", lang))
    append_row(help_ws, [T(f"col_{k}", lang) for k in ("column", "meaning", "required")])
    for col in COLUMNS:
        append_row(help_ws, [col, T(f"help_{col}", lang), T("required_yes", lang) if col in REQUIRED else ""])
    _choices_sheet(wb, ws)
    wb.save(path)
    return path


def _choices_sheet(wb, ws) -> None:
    """A 'pilihan' sheet listing each optional column's values, and drop-downs in those columns."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = wb.create_sheet("pilihan")
    for j, col in enumerate(PROFILE, start=1):
        letter = get_column_letter(j)
        values = profile_choices()[col].values
        sheet.cell(1, j, col)
        for i, value in enumerate(values, start=2):
            sheet.cell(i, j, value)
        dv = DataValidation(type="list", formula1=f"=pilihan!${letter}$2:${letter}${len(values) + 1}", allow_blank=True)
        target = get_column_letter(COLUMNS.index(col) + 1)
        dv.add(f"{target}2:{target}1000")
        ws.add_data_validation(dv)


def import_roster(path: str | Path, *, skip_bad_rows: bool = False, encoding: str | None = None) -> RosterRead:
    """Validated roster rows; raises with every problem unless ``skip_bad_rows``."""
    result = read_roster(path, encoding)
    if result.problems and not skip_bad_rows:
        raise UkmError(problems=result.problems)
    return result


def participant_rows(participants: Iterable[Participant]) -> list[dict[str, Any]]:
    return [
        {
            "student_id": p.student_id,
            "name": p.name,
            "phone": p.phone,
            "email": p.email,
            "product_name": p.product_name,
            "hpp": None if p.hpp is None else str(p.hpp),
            "packing": None if p.packing is None else str(p.packing),
            "quantity": p.quantity,
            **{attr: getattr(p, attr) for attr in PROFILE_FIELDS.values()},
        }
        for p in participants
    ]
