"""`ukm katalog SHEET.xlsx|csv`: check a product sheet, write the clean listing and the checklist.

`ukm katalog --template produk.xlsx` writes an empty sheet to fill in. Nothing is written
for a sheet with bad rows unless --skip-bad-rows is given (then the good rows are).
"""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, err_console, user_errors
from ukm_tools.dated import today_jakarta
from ukm_tools.errors import UkmError
from ukm_tools.messages import section

T = section("cli.katalog", "cli.base")


@app.command(help=T.both("help_katalog"))
def katalog(
    sheet: Path = typer.Argument(None, help=T.both("help_sheet")),
    out: Path = typer.Option(None, "--out", "-o", help=T.both("help_out")),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help=T.both("help_skip_bad_rows")),
    have: str = typer.Option("", "--have", help=T.both("help_have")),
    template: Path = typer.Option(None, "--template", help=T.both("help_template")),
    numbers: str = typer.Option("id", "--numbers", help=T.both("help_numbers")),
    lang: str = LangOption,
) -> None:
    """Check an e-Katalog product sheet; write the listing and the registration checklist."""
    with user_errors(lang) as lang:
        from ukm_tools.io import katalog_sheet as ks
        from ukm_tools.katalog import checklist, have_from_listings

        if template is not None:
            ks.write_template(template, lang)
            console.print(T("template_written", lang, path=template), highlight=False)
            return
        if sheet is None:
            raise UkmError("missing_field", "sheet")
        if numbers not in ("id", "en"):
            raise UkmError("unknown_choice", "numbers", numbers, ["id", "en"])
        checked = ks.check_sheet(sheet, numbers, today=today_jakarta())
        if checked.bad and not skip_bad_rows:
            raise UkmError(problems=list(checked.bad))
        if not checked.good:
            raise UkmError(problems=list(checked.bad) or [UkmError("sheet_no_rows", "file", sheet.name).problems[0]])
        extra = {h.strip() for h in have.split(",") if h.strip()}
        chk = checklist(have_from_listings(checked.listings, all_rows_valid=not checked.bad) | extra)
        folder = out or sheet.parent
        listing_path = folder / f"{sheet.stem}-listing.xlsx"
        checklist_path = folder / f"{sheet.stem}-checklist.md"
        ks.write_outputs(checked.listings, chk, listing_path, checklist_path, lang)
    from rich.table import Table

    from ukm_tools.money import format_money

    table = Table(title=T("table_title", lang))
    for key, right in (
        ("col_row", True),
        ("col_product", False),
        ("col_unit", False),
        ("col_unit_price", True),
        ("col_ppn_included", False),
        ("col_min_order", True),
    ):
        table.add_column(T(key, lang), justify="right" if right else "left")
    for row, lst in checked.good:
        p = lst.price
        table.add_row(
            str(row),
            lst.product_name,
            lst.sale_unit,
            format_money(p.unit_price, lang),
            T("yes" if p.ppn_included else "no", lang),
            str(p.min_order),
        )
    console.print(table)
    for line in (p.message(lang) for p in checked.bad):
        err_console.print(f"[yellow]{T('skipped', lang)}:[/] {line}", highlight=False)
    n = len(checked.good)
    console.print(T("written", lang, n=n, listing=listing_path, checklist=checklist_path), highlight=False)
    if checked.bad:
        console.print(T("rows_skipped", lang, rows=", ".join(map(str, checked.bad_rows))), highlight=False)
    nxt = chk.next_step
    if nxt is not None:
        console.print(T("next_step", lang, step=nxt.title), highlight=False)
