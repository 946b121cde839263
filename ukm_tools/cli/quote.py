"""`ukm quote CASE.yaml`: the price build-up of a case as a rich table, or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors
from ukm_tools.money import format_money, format_number, format_percent


@app.command()
def quote(
    case_file: Path = typer.Argument(..., help="Berkas kasus (YAML). / Case file (YAML)."),
    incoterm: str = typer.Option(None, "--incoterm", "-i", help="Incoterm 2020 (bawaan: dari berkas kasus)."),
    rates: Path = typer.Option(None, "--rates", help="Lembar kurs YAML pengganti. / Replacement rate sheet."),
    as_json: bool = typer.Option(False, "--json", help="Keluaran JSON untuk skrip."),
    lang: str = LangOption,
) -> None:
    """Hitung harga ekspor langkah demi langkah. / Export price build-up, step by step."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.case import load_case
        from ukm_tools.fx import load_rate_sheet

        case = load_case(case_file)
        result = case.quote(incoterm, load_rate_sheet(rates) if rates else None)
    if as_json:
        typer.echo(json.dumps({"case": case.case, **result.to_json()}, ensure_ascii=False, indent=2))
        return
    render_quote(case, result, lang)


def render_quote(case, result, lang: str) -> None:
    from ukm_tools.incoterms import rule

    t = lambda i, e: i if lang == "id" else e  # noqa: E731
    cur = result.quote_currency
    title = f"{case.title or case.case} — {result.rule} {case.named_place}".strip()
    table = Table(title=title, show_lines=False)
    table.add_column("Incoterm")
    table.add_column(t("Biaya yang ditambahkan", "Costs added"))
    table.add_column(t("Per unit (IDR)", "Per unit (IDR)"), justify="right")
    table.add_column(t(f"Per unit ({cur})", f"Per unit ({cur})"), justify="right")
    table.add_column(t(f"Total kiriman ({cur})", f"Shipment ({cur})"), justify="right")
    for s in result.steps:
        if s.rule == "EXW":
            added = t("HPP + kemasan + markup", "cost + packing + markup")
        else:
            added = ", ".join(a.label(lang) for a in s.added) or t("(tidak ada biaya baru)", "(no new costs)")
        table.add_row(
            s.rule,
            added,
            format_money(s.unit_idr, lang),
            format_money(s.unit_quote, lang),
            format_money(s.shipment_quote, lang),
        )
    console.print(table)
    f = result.final
    qty = format_number(result.quantity, lang)
    console.print(
        t(
            f"Harga {result.rule} {case.named_place}: {format_money(f.unit_quote, lang)} per {case.product.unit}, "
            f"{qty} {case.product.unit} = {format_money(f.shipment_quote, lang)}",
            f"{result.rule} {case.named_place} price: {format_money(f.unit_quote, lang)} per {case.product.unit}, "
            f"{qty} {case.product.unit} = {format_money(f.shipment_quote, lang)}",
        ),
        highlight=False,
    )
    if result.insurance:
        ins = result.insurance
        console.print(
            t(
                f"Asuransi ICC ({ins.clause}) {format_percent(ins.rate_pct, lang)}: premi {format_money(ins.premium, lang)}, nilai pertanggungan (110% CIF) {format_money(ins.insured_amount, lang)}",
                f"Insurance ICC ({ins.clause}) {format_percent(ins.rate_pct, lang)}: premium {format_money(ins.premium, lang)}, insured amount (110% CIF) {format_money(ins.insured_amount, lang)}",
            ),
            highlight=False,
        )
    console.print(t("Risiko berpindah: ", "Risk passes: ") + rule(result.rule).risk[lang], highlight=False)
    for n in result.notes:
        console.print("• " + n[lang], highlight=False)
