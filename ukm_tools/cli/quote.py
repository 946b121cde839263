"""`ukm quote CASE.yaml`: the price build-up of a case as a rich table, or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.messages import section
from ukm_tools.money import format_money, format_number, format_percent

T = section("cli.quote", "cli.base")


@app.command(help=T.both("help_quote"))
def quote(
    case_file: Path = typer.Argument(..., help=T.both("help_case_file")),
    incoterm: str = typer.Option(None, "--incoterm", "-i", help=T.both("help_incoterm")),
    rates: Path = typer.Option(None, "--rates", help=T.both("help_rates")),
    as_json: bool = typer.Option(False, "--json", help=T.both("help_json")),
    lang: str = LangOption,
) -> None:
    """Export price build-up, step by step."""
    with user_errors(lang) as lang:
        from ukm_tools.case import load_case
        from ukm_tools.fx import load_rate_sheet

        case = load_case(case_file)
        # a --rates file keeps to the case's usual ranges (widened in the case file, if at all)
        result = case.quote(incoterm, load_rate_sheet(rates, bands=case.bands()) if rates else None)
    if as_json:
        typer.echo(json.dumps({"case": case.case, **result.to_json(lang)}, ensure_ascii=False, indent=2))
        return
    render_quote(case, result, lang)


def render_quote(case, result, lang: str) -> None:
    from ukm_tools.incoterms import rule

    cur = result.quote_currency
    title = f"{case.title or case.case} — {result.rule} {case.named_place}".strip()
    table = Table(title=title, show_lines=False)
    table.add_column("Incoterm")
    table.add_column(T("col_added", lang))
    for key in ("col_unit_idr", "col_unit_quote", "col_shipment_quote"):
        table.add_column(T(key, lang, currency=cur), justify="right")
    for s in result.steps:
        table.add_row(
            s.rule,
            result.added_text(s, lang),
            result.unit_text(s, lang, idr=True),
            result.unit_text(s, lang),
            format_money(s.shipment_quote, lang),
        )
    console.print(table)
    f = result.final
    console.print(
        T(
            "price_line",
            lang,
            rule=result.rule,
            place=case.named_place,
            unit_price=result.unit_text(f, lang),
            unit=case.product.unit,
            quantity=format_number(result.quantity, lang),
            total=f.shipment_quote,
        ),
        highlight=False,
    )
    if result.insurance:
        ins = result.insurance
        rate = format_percent(ins.rate_pct, lang)
        line = T(
            "insurance_line",
            lang,
            clause=ins.clause,
            rate=rate,
            premium=ins.premium,
            insured=ins.insured_amount,
            cfr=ins.cfr,
            cif=ins.cif,
        )
        console.print(line, highlight=False)
    console.print(T("risk_passes", lang, risk=rule(result.rule).risk), highlight=False)
    for n in result.notes:
        console.print("• " + n[lang], highlight=False)
