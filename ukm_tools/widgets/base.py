"""What every calculator shares: language switch, number fields, inline messages,
the rate-sheet banner, a phone-friendly layout and saving/loading case files.

A calculator subclasses :class:`Calculator` and writes:

* ``setup()`` / ``body()``: its fields and result widgets, and their order on the page;
* ``apply_case(case, extras)`` / ``case_mapping()``: case file -> inputs and back (saving);
* ``compute()`` reads the inputs and returns the domain core's result (or raises
  :class:`~ukm_tools.errors.UkmError`); no formula lives here;
* ``render(result)`` shows it (tables as HTML, figures formatted by :mod:`ukm_tools.money`)
  and records the key figures as displayed in ``shown`` (what tests compare);
* ``draw_chart(result)`` (optional) redraws the chart, kept apart so its cost is measured apart;
* ``sources_html()``: date and source of the data used, with the staleness warning.

When an input is wrong the message appears above the result and the last good result
stays visible, marked as such.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

import ipywidgets as W
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ukm_tools import checks
from ukm_tools.dated import Dated, stale_warning, today_jakarta
from ukm_tools.errors import Problem, UkmError
from ukm_tools.fx import DEFAULT_MAX_RATE_AGE_DAYS, RATE_SHEET_NAME
from ukm_tools.messages import Bilingual, Section, format_date, lang_or_default, local, section
from ukm_tools.money import format_number
from ukm_tools.numbers import parse_number
from ukm_tools.widgets import case_io
from ukm_tools.widgets.case_store import CaseStore

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.case import Case
    from ukm_tools.fx import RateSheet

# A label: a catalogue Msg, a data file's {id, en} label, or text shown as it is (a currency code).
Text = Bilingual | str
T = section("widgets.base")
LANG_OPTIONS = (("Bahasa Indonesia", "id"), ("English", "en"))
log = logging.getLogger(__name__)


def as_user_error(e: Exception, where: str) -> UkmError:
    """``e`` itself when it is a UkmError; otherwise logged, and the 'program error' message
    (a bug must not leave a participant with a traceback or a frozen page)."""
    if isinstance(e, UkmError):
        return e
    log.error("%s failed", where, exc_info=e)
    return UkmError("unexpected_error", None, type(e).__name__)


def tr(text: Text, lang: str) -> str:
    return local(text, lang)


def esc(s: Any) -> str:
    return html.escape(str(s))


# Layouts and styles are widget models of their own: a calculator page of 220 widgets had 250
# Layout and 160 Style models, each sent to the browser when a page opens. While a calculator
# builds its page, identical ones are made once and shared (``shared_models``); a widget whose
# layout changes later (shown/hidden) asks for its own (``own_layout=True``).
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("ukm_shared_models", default=None)


@contextmanager
def shared_models() -> Iterator[None]:
    """Within this block, identical layouts and styles are one model (see :func:`shared`)."""
    token = _SHARED.set({}) if _SHARED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SHARED.reset(token)


def shared(key: Any, make: Callable[[], W.Widget]) -> Any:
    """``make()`` once per ``key`` inside :func:`shared_models`; a new one outside it."""
    cache = _SHARED.get()
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


def wrap_row(children: Sequence[W.Widget], gap: str = "4px 12px", *, own_layout: bool = False) -> W.Box:
    """Children side by side on a wide screen, one under the other on a phone."""

    def layout() -> W.Layout:
        return W.Layout(display="flex", flex_flow="row wrap", width="100%", grid_gap=gap, align_items="flex-end")

    return W.Box(list(children), layout=layout() if own_layout else shared(("wrap_row", gap), layout))


def full_width(**kw) -> W.Layout:
    return shared(("full_width", tuple(sorted(kw.items()))), lambda: W.Layout(width="100%", max_width="100%", **kw))


def output_area(css_class: str | None = None) -> W.HTML:
    """A full-width HTML area for a result (summary, table, message), marked with ``css_class``."""
    area = W.HTML(layout=full_width())
    if css_class:
        area.add_class(css_class)
    return area


def note_html(text: str, css_class: str | None = None) -> str:
    """A small grey line under a result: where its figures come from (HTML, ``text`` escaped)."""
    cls = f" class='{css_class}'" if css_class else ""
    return f"<div{cls} style='font-size:90%;color:#444'>{esc(text)}</div>"


def facts_html(rows: Sequence[tuple[str, str]], *, strong: Sequence[int] = ()) -> str:
    """Label-value lines (a result's key figures): side by side where they fit, the value
    under its label on a phone; rows whose index is in ``strong`` in bold."""
    lines = "".join(
        f"<div class='ukm-fact{' ukm-fact-strong' if i in strong else ''}'><span>{esc(label)}</span>"
        f"<span class='ukm-fact-value'>{esc(value)}</span></div>"
        for i, (label, value) in enumerate(rows)
    )
    return f"<div class='ukm-facts'>{lines}</div>"


def heading(text: str) -> str:
    """A small section heading inside a result area (HTML, ``text`` escaped)."""
    return f"<h4 style='margin:8px 0 2px'>{esc(text)}</h4>"


def input_layout() -> W.Layout:
    # No side margins: ipywidgets' default 2px each side on a 100% wide input pushed it
    # past its column, which clipped the box's right border on a phone.
    return shared("input_layout", lambda: W.Layout(width="100%", margin="2px 0px"))


def html_widget(**kw: Any) -> W.HTML:
    """An HTML widget with the shared default layout and style."""
    kw.setdefault("layout", shared("html_layout", W.Layout))
    return W.HTML(style=shared("html_style", HTMLStyle), **kw)


# The calculators' one stylesheet (phone layout, marked inputs, stacked tables, bar charts),
# carried once by every calculator page so a notebook, the book and the server look alike.
CALCULATOR_CSS = (Path(__file__).with_name("calculator.css")).read_text(encoding="utf-8")


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def max_rate_age_default() -> int:
    return env_int("UKM_MAX_RATE_AGE_DAYS", DEFAULT_MAX_RATE_AGE_DAYS)


def save_dir_default() -> Path:
    return Path(os.environ.get("UKM_SAVE_DIR") or Path.cwd() / "kasus-tersimpan")


# key -> title of every calculator class, so a saved case can say which calculator wrote it.
_TITLES: dict[str, Text] = {}


def calculator_title(key: str | None) -> Text | None:
    return _TITLES.get(key or "")


class Field:
    """A labelled input box; the label sits above it so it fits a 360 px screen.

    ``hint`` is a short grey remark after the label; ``placeholder`` is said inside the empty
    box (a long label would squeeze the box on a phone). Problems with the input show right
    above it (:meth:`set_errors`, the box marked red); gaps that do not stop the calculation
    (a listing field still empty) show there too, in amber (:meth:`set_warnings`).
    """

    def __init__(
        self,
        name: str,
        label: Text,
        value: Any = "",
        *,
        hint: Text | None = None,
        placeholder: Text | None = None,
        min_width: str = "150px",
    ) -> None:
        self.name = name
        self.label_text = label
        self.hint_text = hint
        self.placeholder_text = placeholder
        self.errors: list[str] = []  # this input's problems, shown above it
        self.warnings: list[str] = []  # gaps that do not stop the calculation
        self.label = html_widget()
        self.input = self._make_input(value)
        self.input.add_class(f"ukm-field-{name}")
        box_layout = shared(
            ("field_box", min_width),
            lambda: W.Layout(flex="1 1 " + min_width, min_width=min_width, max_width="100%"),
        )
        self.box = W.VBox(self._children(), layout=box_layout)

    def _children(self) -> list[W.Widget]:
        return [self.label, self.input]

    def _make_input(self, value: Any) -> W.Widget:
        # continuous_update=False: the value is sent on Enter or when leaving the box (Tab),
        # so a half-typed number never triggers a message.
        return W.Text(
            value=value,
            continuous_update=False,
            layout=input_layout(),
            style=shared("text_style", TextStyle),
        )

    def _messages_html(self) -> str:
        return "".join(
            f"<div class='ukm-field-error' role='alert'>⚠ {esc(line)}</div>" for line in self.errors
        ) + "".join(f"<div class='ukm-field-warning'>• {esc(line)}</div>" for line in self.warnings)

    def relabel(self, lang: str) -> None:
        hint = f" <small class='ukm-hint'>{esc(tr(self.hint_text, lang))}</small>" if self.hint_text else ""
        self.label.value = f"<div class='ukm-label'><b>{esc(tr(self.label_text, lang))}</b>{hint}</div>" + (
            self._messages_html()
        )
        if self.placeholder_text is not None:
            self.input.placeholder = tr(self.placeholder_text, lang)

    def set_errors(self, lines: list[str], lang: str) -> None:
        """Show ``lines`` right above this input and mark its box red (no lines: clear both)."""
        if lines == self.errors:
            return
        self.errors = list(lines)
        self.relabel(lang)
        if lines:
            self.input.add_class("ukm-invalid")
        else:
            self.input.remove_class("ukm-invalid")

    def set_warnings(self, lines: list[str], lang: str) -> None:
        """Show ``lines`` above this input in amber, without marking it wrong (no lines: clear)."""
        if lines != self.warnings:
            self.warnings = list(lines)
            self.relabel(lang)

    @property
    def disabled(self) -> bool:
        return bool(self.input.disabled)

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self.input.disabled = value

    @property
    def raw(self) -> Any:
        return self.input.value

    @raw.setter
    def raw(self, value: Any) -> None:
        self.input.value = value


class TextField(Field):
    """Text typed as it is (a product name, an NIB): read without surrounding spaces."""

    def read(self, lang: str = "id") -> str:
        return str(self.input.value).strip()


class NumberField(Field):
    """A number typed the language's way ("1.234.567,5" in Indonesian), read with parse_number."""

    def read(self, lang: str) -> Decimal:
        return parse_number(self.input.value, lang, self.name)

    def read_int(self, lang: str) -> int:
        value = self.read(lang)
        if value != value.to_integral_value():
            raise UkmError("not_integer", self.name, self.input.value)
        return int(value)

    def read_optional(self, lang: str) -> Decimal | None:
        """The number, or None when the box is left empty (an input that may be blank)."""
        return self.read(lang) if str(self.input.value).strip() else None

    def read_int_optional(self, lang: str) -> int | None:
        return self.read_int(lang) if str(self.input.value).strip() else None

    def show_optional(self, value: Decimal | int | str | None, lang: str) -> None:
        """:meth:`show`, or an empty box for None or ""."""
        if value is None or value == "":
            self.input.value = ""
        else:
            self.show(value, lang)

    def show(self, value: Decimal | int | str, lang: str) -> None:
        """Put a value (from a case file, a saved calculator) into the box, formatted the ``lang`` way.

        Raises:
            UkmError: ``not_a_number`` naming this field for a value that is not a number.
        """
        self.input.value = format_number(checks.number(value, self.name), lang)

    def switch_lang(self, old: str, new: str) -> None:
        """Rewrite the typed number in the new language's convention (left alone if unreadable)."""
        try:
            self.show(parse_number(self.input.value, old, self.name), new)
        except UkmError:
            pass


class ChoiceField(Field):
    """A drop-down; options are (label Text, value) pairs relabelled with the language."""

    def __init__(self, name: str, label: Text, options: Sequence[tuple[Text, Any]], value: Any = None, **kw: Any):
        self.options = list(options)
        self._initial = value if value is not None else self.options[0][1]
        super().__init__(name, label, **kw)

    def _make_input(self, value: str) -> W.Widget:
        return W.Dropdown(
            options=[(tr(t, "id"), v) for t, v in self.options],
            value=self._initial,
            layout=input_layout(),
            style=shared("description_style", DescriptionStyle),
        )

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        current = self.input.value
        self.input.options = [(tr(t, lang), v) for t, v in self.options]
        self.input.value = current

    def set_options(self, options: Sequence[tuple[Text, Any]], value: Any, lang: str) -> None:
        """Replace the choices (e.g. the currencies of a newly loaded rate sheet) and select ``value``."""
        self.options = list(options)
        values = [v for _, v in self.options]
        self.input.options = [(tr(t, lang), v) for t, v in self.options]
        self.input.value = value if value in values else values[0]

    def read(self, lang: str = "id") -> Any:
        return self.input.value


class DateField(Field):
    """A date from the browser's own calendar (on a phone: its date wheel), so no date is typed
    in one country's order and read in another's."""

    def _make_input(self, value: Any) -> W.Widget:
        return W.DatePicker(
            value=value or None, layout=input_layout(), style=shared("description_style", DescriptionStyle)
        )

    def read(self, lang: str = "id") -> dt.date:
        """The chosen date; ``missing_field`` naming this box when none is chosen."""
        value = self.input.value
        if value is None:
            raise UkmError("missing_field", self.name)
        return value  # ipywidgets is untyped (Any): a datetime.date

    def read_optional(self, lang: str = "id") -> dt.date | None:
        return self.input.value


class CheckField(Field):
    """A tick box with its text beside it (the text wraps on a phone); messages above it."""

    def _make_input(self, value: Any) -> W.Widget:
        return W.Checkbox(
            value=bool(value), indent=False, layout=shared("check_layout", lambda: W.Layout(width="100%"))
        )

    def relabel(self, lang: str) -> None:
        self.input.description = tr(self.label_text, lang)
        self.label.value = self._messages_html()

    def read(self, lang: str = "id") -> bool:
        return bool(self.input.value)


def currency_field(
    name: str = "currency", currencies: Sequence[str] = ("USD",), label: Text | None = None
) -> ChoiceField:
    """A narrow drop-down of currency codes (the first chosen); set_options swaps in a rate sheet's."""
    return ChoiceField(name, label or T.msg("currency"), [(c, c) for c in currencies], currencies[0], min_width="90px")


def rate_banner(data: Dated, source: str, what: Text, *, today: dt.date, max_age_days: int, lang: str) -> str:
    """HTML naming the date and source of a rate sheet, fee schedule or requirements list, with
    the staleness warning (the same one the quotation PDF prints) when it is older than allowed."""
    line = T("source_line", lang, what=tr(what, lang).capitalize(), date=format_date(data.date, lang), source=source)
    out = note_html(line, "ukm-source")
    msg = stale_warning(data, what, today, max_age_days, lang)
    if msg:
        out += (
            "<div class='ukm-stale' style='background:#fff4d6;border-left:4px solid #e0a800;padding:4px 8px;"
            f"margin:4px 0'>⚠ {esc(msg)}</div>"
        )
    return out


def sheet_banner(sheet: RateSheet, today: dt.date, max_age_days: int, lang: str) -> str:
    """:func:`rate_banner` for a :class:`~ukm_tools.fx.RateSheet`."""
    return rate_banner(sheet, sheet.source, RATE_SHEET_NAME, today=today, max_age_days=max_age_days, lang=lang)


def html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    css_class: str = "ukm-table",
    numeric_from: int = 1,
    highlight_last: bool = False,
) -> str:
    """A plain HTML table; on a phone (up to 600 px wide) each row stacks into a card whose
    first cell is its heading and every other value sits beside its column's name (the
    calculators' stylesheet, ``calculator.css``), so no column is cut off."""
    th = "".join(
        f"<th style='text-align:{'right' if i >= numeric_from else 'left'};padding:2px 6px;"
        f"border-bottom:1px solid #999'>{esc(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for r_i, r in enumerate(rows):
        bold = "font-weight:bold;background:#eef6ee;" if highlight_last and r_i == len(rows) - 1 else ""
        tds = []
        for i, c in enumerate(r):
            align = "right" if i >= numeric_from else "left"
            wrap = "nowrap" if i >= numeric_from else "normal"
            head = " class='ukm-row-head'" if i == 0 else ""
            label = esc(header[i]) if i < len(header) else ""
            tds.append(
                f"<td{head} data-label='{label}' style='{bold}text-align:{align};padding:2px 6px;"
                f"white-space:{wrap}'>{esc(c)}</td>"
            )
        body.append(f"<tr>{''.join(tds)}</tr>")
    return (
        f"<div style='max-width:100%'><table class='{css_class} ukm-cards'>"
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


FieldT = TypeVar("FieldT", bound=Field)


class Calculator:
    """Base of every calculator widget (see the module docstring)."""

    key = "calculator"  # section name under `calculators:` in a saved case file
    # A problem's field -> the input it belongs to, when the domain names it otherwise
    # (an order total computed from a per-unit box).
    field_aliases: Mapping[str, str] = {}
    texts: Section = section("widgets.base")  # this calculator's part of the message catalogue

    @property
    def title(self) -> Text:
        """The heading: the ``title`` text of this calculator's catalogue section."""
        return self.texts.msg("title")

    @property
    def intro(self) -> Text:
        """The line under the heading: the section's ``intro`` text."""
        return self.texts.msg("intro")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _TITLES[cls.key] = cls.texts.msg("title")

    def __init__(
        self,
        case: Case | None = None,
        *,
        extras: Mapping[str, Any] | None = None,
        lang: str | None = None,
        today: dt.date | None = None,
        max_rate_age_days: int | None = None,
        save_dir: str | Path | None = None,
        store: CaseStore | None = None,
    ):
        lang = lang or os.environ.get("UKM_LANG") or "id"
        self.lang = lang_or_default(lang)
        self.today = today or today_jakarta()
        self.max_rate_age_days = max_rate_age_default() if max_rate_age_days is None else max_rate_age_days
        self.save_dir = Path(save_dir) if save_dir is not None else save_dir_default()
        # The participant's own saved cases (the calculator server passes one per identity).
        self.store = store if store is not None else CaseStore(self.save_dir)
        self.result: Any = None  # the last good domain result
        self.error: UkmError | None = None
        self.shown: dict[str, Any] = {}  # key figures exactly as displayed (tests, benchmarks)
        self._fields: list[Field] = []
        self._labels: list[tuple[W.Widget, str, Text, str | None]] = []
        self._hold = False

        self.lang_switch = W.ToggleButtons(options=list(LANG_OPTIONS), value=self.lang, style={"button_width": "auto"})
        self.lang_switch.add_class("ukm-lang")
        self.lang_switch.observe(self._on_lang, "value")
        self.heading = W.HTML()
        self.message = output_area("ukm-message")
        self.source_info = output_area("ukm-sources")
        from ukm_tools.widgets.case_panel import CasePanel

        with shared_models():
            self.case_panel = CasePanel(self)
            self.setup()
            self.set_case(case if case is not None else case_io.default_case(), extras)

    @classmethod
    def from_case_file(cls, path: str | Path, **kw: Any) -> Self:
        """A calculator pre-filled from a trainer's (or a saved) case file."""
        case, extras = case_io.read_case_file(path)
        return cls(case, extras=extras, **kw)

    def set_case(self, case: Case, extras: Mapping[str, Any] | None = None) -> None:
        """Fill the inputs from a case (and this calculator's saved extras), then recompute.

        Raises:
            UkmError: the case or the extras cannot fill the inputs (a saved value that is not
            a number...); the calculator then keeps its previous case and inputs.
        """
        previous = (self.case, self.extras_all) if hasattr(self, "case") else None
        try:
            self._fill(case, extras)
        except Exception as e:
            if previous is not None:
                self._fill(*previous)  # a half-applied file must not stay on screen
            raise as_user_error(e, f"{type(self).__name__}: opening a case") from None
        if hasattr(self, "_widget"):
            self.refresh()

    def _fill(self, case: Case, extras: Mapping[str, Any] | None) -> None:
        self.case = case
        self.extras_all = dict(extras or {})
        own = self.extras_all.get(self.key) or {}
        if not isinstance(own, Mapping):
            raise UkmError("wrong_type", f"{case_io.EXTRAS_KEY}.{self.key}", type(own).__name__, "mapping")
        with self.holding():
            self.apply_case(case, dict(own))

    def saved_text(self) -> str:
        """The inputs as case-file YAML; UkmError when they are not valid."""
        mapping, own = self.case_mapping()
        case, _ = case_io.split(mapping)
        extras = {k: v for k, v in self.extras_all.items() if k != self.key}
        if own:
            extras[self.key] = own
        return case_io.dump(case_io.case_to_mapping(case), extras)

    # --- building blocks for subclasses -------------------------------------------------
    def field(self, f: FieldT, *, recompute: bool = True) -> FieldT:
        """Register an input: it follows the language switch, its problems show above it, and a
        change recomputes (``recompute=False``: the calculator observes it itself)."""
        self._fields.append(f)
        if recompute:
            f.input.observe(self._on_input, "value")
        return f

    def label(self, widget: W.Widget, attr: str, text: Text, wrap: str | None = None) -> W.Widget:
        """Register a widget attribute that follows the language switch (``wrap``: HTML around
        the escaped text, ``{}`` marking where it goes)."""
        self._labels.append((widget, attr, text, wrap))
        return widget

    def t(self, text: Text) -> str:
        return tr(text, self.lang)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Set many inputs without recomputing after each one."""
        old, self._hold = self._hold, True
        try:
            yield
        finally:
            self._hold = old

    # --- to be written by each calculator --------------------------------------------------
    def compute(self) -> Any:
        raise NotImplementedError

    def render(self, result: Any) -> None:
        raise NotImplementedError

    def draw_chart(self, result: Any) -> None:
        pass

    def sources_html(self) -> str:
        return ""

    def setup(self) -> None:
        """Create the input fields and result widgets."""
        raise NotImplementedError

    def body(self) -> list[W.Widget]:
        raise NotImplementedError

    def results(self, *areas: W.Widget) -> list[W.Widget]:
        """What follows a calculator's inputs in ``body()``: the message, its result areas in
        order, then the date and source of the data used."""
        return [self.message, *areas, self.source_info]

    def apply_case(self, case: Case, extras: dict[str, Any]) -> None:
        """Put a case's figures (and this calculator's saved extras) into the inputs."""
        raise NotImplementedError

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The inputs as (case-file mapping, this calculator's extras); UkmError if unreadable."""
        raise NotImplementedError

    # --- the cycle ---------------------------------------------------------------------------
    def recompute(self) -> bool:
        """Read inputs, compute, show results; on bad input show the message and keep the last result."""
        try:
            result = self.compute()
        except Exception as e:  # a bug must not leave a participant with a frozen page
            self.show_error(self._as_user_error(e, "compute"))
            return False
        # The message goes before the new result is drawn, so a page never shows a fresh
        # result under an old error.
        self.clear_errors()
        try:
            self.render(result)
        except Exception as e:
            # Formatting can still fail (a figure too large to show): put the last good
            # result back so no half-drawn new one stays on screen.
            if self.result is not None:
                try:
                    self.render(self.result)
                except Exception:
                    log.exception("%s: redrawing the last result failed", type(self).__name__)
            self.show_error(self._as_user_error(e, "render"))
            return False
        self.result = result
        return True

    def _as_user_error(self, e: Exception, stage: str) -> UkmError:
        return as_user_error(e, f"{type(self).__name__}: {stage}")

    def refresh(self) -> bool:
        ok = self.recompute()
        if ok:
            self.draw_chart(self.result)
        self.source_info.value = self.sources_html()
        return ok

    def field_for(self, name: str | None) -> Field | None:
        """The input a problem's field names: exactly, or by the last part of a dotted path
        ("unit_costs.hpp" is the box "hpp"); None when no single input matches."""
        if not name:
            return None
        name = self.field_aliases.get(name, name)
        for f in self._fields:
            if f.name == name:
                return f
        found = [f for f in self._fields if name.endswith("." + f.name) or f.name.endswith("." + name)]
        return found[0] if len(found) == 1 else None

    def show_error(self, err: UkmError) -> None:
        """Each problem under the input it concerns (the box marked red); problems of no single
        input, and the note that the result shown is the last good one, above the result."""
        self.error = err
        at_field: dict[int, list[str]] = {}
        general: list[str] = []
        for problem in err.problems:
            line = problem.message(self.lang, self.texts)
            f = self.field_for(problem.field)
            if f is None:
                general.append(line)
            else:
                at_field.setdefault(id(f), []).append(line)
        for f in self._fields:
            f.set_errors(at_field.get(id(f), []), self.lang)
        notes = []
        if at_field:
            notes.append(T("fix_marked_inputs", self.lang))
        if self.result is not None:
            notes.append(T("last_result_kept", self.lang))
        lines = "".join(f"<li>{esc(line)}</li>" for line in general)
        self.message.value = (
            "<div class='ukm-error' role='alert' style='background:#fdecea;border-left:4px solid #c62828;"
            "padding:4px 8px;margin:4px 0'>"
            + (f"<ul style='margin:0;padding-left:18px'>{lines}</ul>" if lines else "")
            + "".join(f"<div style='font-size:90%'>{esc(n)}</div>" for n in notes)
            + "</div>"
        )

    def errors_shown(self) -> str:
        """Every problem line on the page now (at its input or above the result), as text."""
        lines = [line for f in self._fields for line in f.errors]
        if self.error is not None:
            lines += [line for line in self.error.lines(self.lang, self.texts) if line not in lines]
        return "\n".join(lines)

    def clear_errors(self) -> None:
        self.error = None
        self.message.value = ""
        for f in self._fields:
            if f.errors:
                f.set_errors([], self.lang)

    def _on_input(self, change: dict) -> None:
        if not self._hold:
            self.refresh()

    def _on_lang(self, change: dict) -> None:
        old, new = change["old"], change["new"]
        with self.holding():
            for f in self._fields:
                if isinstance(f, NumberField):
                    f.switch_lang(old, new)
            self.lang = new
            self.relabel()
        self.refresh()

    def relabel(self) -> None:
        self.heading.value = f"<h3 style='margin:4px 0'>{esc(self.t(self.title))}</h3>" + (
            f"<div style='color:#444'>{esc(self.t(self.intro))}</div>"
        )
        for f in self._fields:
            f.relabel(self.lang)
        for widget, attr, text, wrap in self._labels:
            setattr(widget, attr, self.t(text) if wrap is None else wrap.format(esc(self.t(text))))
        self.case_panel.relabel()

    def set_lang(self, lang: str) -> None:
        self.lang_switch.value = lang

    # --- assembly ----------------------------------------------------------------------------
    def build(self) -> W.VBox:
        with shared_models():
            return self._build()

    def _build(self) -> W.VBox:
        style = W.HTML(
            f"<style>{CALCULATOR_CSS}</style>", layout=shared("style_layout", lambda: W.Layout(display="none"))
        )
        style.add_class("ukm-style")
        children = [style, self.lang_switch, self.heading, *self.body(), self.case_panel.box]
        with self.holding():
            self.relabel()
        self.refresh()
        box = W.VBox(children, layout=W.Layout(width="100%", max_width="900px", padding="0 4px"))
        box.add_class("ukm-calculator")
        box.add_class(f"ukm-{self.key}")
        return box

    @property
    def widget(self) -> W.VBox:
        if not hasattr(self, "_widget"):
            self._widget = self.build()
        return self._widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- helpers for reading several fields at once -----------------------------------------
    def read_all(self, readers: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Call every reader; collect all problems so the participant sees them together."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, reader in readers.items():
            try:
                values[name] = reader()
            except UkmError as e:
                problems.extend(e.problems)
        if problems:
            raise UkmError(problems=problems)
        return values
