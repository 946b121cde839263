"""`ukm katalog SHEET.xlsx|csv`: check a product sheet, write the clean listing and the checklist.

`ukm katalog --template produk.xlsx` writes an empty sheet to fill in. Nothing is written
for a sheet with bad rows unless --skip-bad-rows is given (then the good rows are).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, err_console, resolve_lang, user_errors
from ukm_tools.errors import UkmError


@app.command()
def katalog(
    sheet: Path = typer.Argument(None, help="Lembar produk (.xlsx atau .csv). / Product sheet (.xlsx or .csv)."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder keluaran (bawaan: folder lembar). / Output folder."),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Tulis baris yang benar saja. / Write the good rows only."
    ),
    have: str = typer.Option(
        "",
        "--have",
        help="Yang sudah dimiliki, dipisah koma (mis. ktp,email,spse_account). / Already have, comma-separated.",
    ),
    template: Path = typer.Option(
        None, "--template", help="Tulis templat lembar produk ke berkas ini (.xlsx/.csv). / Write a blank sheet."
    ),
    numbers: str = typer.Option(
        "id",
        "--numbers",
        help="Format angka di lembar: id (25.000,50) atau en (25,000.50). / Number format in the sheet.",
    ),
    lang: str = LangOption,
) -> None:
    """Periksa lembar produk e-Katalog dan tulis daftar produk + checklist. / Check an e-Katalog product sheet."""
    lang = resolve_lang(lang)
    t = lambda i, e: i if lang == "id" else e
    with user_errors(lang):
        from ukm_tools.io import katalog_sheet as ks
        from ukm_tools.katalog import checklist, have_from_listings

        if template is not None:
            ks.write_template(template, lang)
            console.print(t(f"Templat ditulis: {template}", f"Template written: {template}"), highlight=False)
            return
        if sheet is None:
            raise UkmError("missing_field", "sheet")
        if numbers not in ("id", "en"):
            raise UkmError("unknown_choice", "numbers", numbers, ["id", "en"])
        checked = ks.check_sheet(sheet, numbers, today=dt.date.today())
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

    table = Table(title=t("Daftar produk e-Katalog", "e-Katalog listing"))
    for col, right in (
        (t("Baris", "Row"), True),
        (t("Produk", "Product"), False),
        (t("Satuan", "Unit"), False),
        (t("Harga/satuan", "Unit price"), True),
        (t("PPN termasuk", "PPN included"), False),
        (t("Pesanan min.", "Min. order"), True),
    ):
        table.add_column(col, justify="right" if right else "left")
    for row, lst in checked.good:
        p = lst.price
        table.add_row(
            str(row),
            lst.product_name,
            lst.sale_unit,
            format_money(p.unit_price, lang),
            t("ya", "yes") if p.ppn_included else t("tidak", "no"),
            str(p.min_order),
        )
    console.print(table)
    for line in (p.message(lang) for p in checked.bad):
        err_console.print(f"[yellow]{t('Dilewati', 'Skipped')}:[/] {line}", highlight=False)
    console.print(
        t(
            f"{len(checked.good)} produk ditulis ke {listing_path}; checklist: {checklist_path}",
            f"{len(checked.good)} products written to {listing_path}; checklist: {checklist_path}",
        ),
        highlight=False,
    )
    if checked.bad:
        console.print(
            t(
                f"Baris dilewati: {', '.join(map(str, checked.bad_rows))}",
                f"Rows skipped: {', '.join(map(str, checked.bad_rows))}",
            ),
            highlight=False,
        )
    nxt = chk.next_step
    if nxt is not None:
        console.print(t("Langkah berikutnya: ", "Next step: ") + nxt.title[lang], highlight=False)
