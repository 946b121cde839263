"""The save / open panel under every calculator.

"Simpan" writes the inputs as a case file into the participant's own
:class:`~ukm_tools.widgets.case_store.CaseStore` (so a page reload loses nothing: the
file is listed under "Buka") and offers it as a download; "Buka" reads a saved case back,
"Unggah" reads a case file from the participant's device. Files are shown by name only.
Saving under a name that another calculator used asks first ("Ganti?"), so one
calculator never silently replaces another's case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from ukm_tools.dated import now_jakarta
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.widgets import case_io
from ukm_tools.widgets.case_store import CaseStore, NameTaken, SavedCase

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.case import Case
    from ukm_tools.widgets.base import Calculator

T = section("widgets.case_panel")


class CasePanel:
    def __init__(self, calc: Calculator):
        from ukm_tools.widgets.base import output_area, wrap_row

        self.calc = calc
        self.title = W.HTML()
        self.name = W.Text(layout=W.Layout(flex="1 1 160px", min_width="140px"))
        self.name.add_class("ukm-save-name")
        self.save_button = W.Button(icon="save", layout=W.Layout(width="auto"))
        self.save_button.add_class("ukm-save")
        self.confirm_text = output_area()
        self.confirm_button = W.Button(button_style="warning", layout=W.Layout(width="auto"))
        self.confirm_button.add_class("ukm-save-replace")
        self.cancel_button = W.Button(layout=W.Layout(width="auto"))
        self.cancel_button.add_class("ukm-save-cancel")
        self.confirm_box = wrap_row([self.confirm_text, self.confirm_button, self.cancel_button], own_layout=True)
        self.confirm_box.add_class("ukm-save-confirm")
        self.confirm_box.layout.display = "none"
        self.saved = W.Dropdown(layout=W.Layout(flex="1 1 160px", min_width="140px"))
        self.saved.add_class("ukm-saved-list")
        self.open_button = W.Button(icon="folder-open", layout=W.Layout(width="auto"))
        self.open_button.add_class("ukm-open")
        self.upload = W.FileUpload(accept=".yaml,.yml", multiple=False, layout=W.Layout(width="auto"))
        self.upload.add_class("ukm-upload")
        self.status = output_area("ukm-case-status")
        self._pending: tuple[str, str] | None = None  # (name, text) waiting for "replace?"
        self.save_button.on_click(lambda _: self.save())
        self.confirm_button.on_click(lambda _: self.confirm_replace())
        self.cancel_button.on_click(lambda _: self.cancel_replace())
        self.open_button.on_click(lambda _: self.open_selected())
        self.upload.observe(self._on_upload, "value")
        self.box = W.VBox(
            [
                self.title,
                wrap_row([self.name, self.save_button]),
                self.confirm_box,
                wrap_row([self.saved, self.open_button, self.upload]),
                self.status,
            ],
            layout=W.Layout(width="100%", border_top="1px solid #ccc", margin="12px 0 0 0", padding="4px 0"),
        )
        self.box.add_class("ukm-case-panel")

    @property
    def store(self) -> CaseStore:
        return self.calc.store

    def relabel(self) -> None:
        lang = self.calc.lang
        self.title.value = f"<b>{_esc(T('title', lang))}</b>"
        self.save_button.description = T("save", lang)
        self.confirm_button.description = T("replace_yes", lang)
        self.cancel_button.description = T("cancel", lang)
        self.open_button.description = T("open", lang)
        self.upload.description = T("upload", lang)
        self.name.placeholder = T("name_placeholder", lang)
        self.refresh_list()

    def handover_refused(self) -> None:
        """Say why the page shows the course's case: its link from the portal opened nothing."""
        self.status.value = _esc(T("handover_refused", self.calc.lang))

    def _label(self, case: SavedCase) -> str:
        from ukm_tools.widgets.base import calculator_title

        where = ""
        if case.calculator != self.calc.key:
            title = calculator_title(case.calculator)
            where = f" — {self.calc.t(title)}" if title else ""
        return f"{case.name} ({case.saved[5:]}){where}"

    def refresh_list(self) -> None:
        cases = self.store.list()
        current = self.saved.value
        options = [(self._label(c), c.name) for c in cases] or [(T("nothing_saved", self.calc.lang), "")]
        self.saved.options = options
        values = [v for _, v in options]
        self.saved.value = current if current in values else values[0]  # newest first

    # --- saving ------------------------------------------------------------------------------
    def save(self) -> str | None:
        """Write the inputs; returns the file name, or None (and a message) when they are not
        valid or when the name belongs to another calculator's case (then it asks first)."""
        self.cancel_replace()
        try:
            text = self.calc.saved_text()
        except UkmError as e:
            self.calc.show_error(e)
            self.status.value = _esc(T("not_saved", self.calc.lang))
            return None
        # Without a name, a time stamp keeps one participant's saves from replacing each other.
        name = self.name.value.strip() or f"{self.calc.case.case}-{now_jakarta():%Y%m%d-%H%M%S}"
        return self._write(name, text, replace=False)

    def confirm_replace(self) -> str | None:
        if self._pending is None:
            return None
        name, text = self._pending
        self.cancel_replace()
        return self._write(name, text, replace=True)

    def cancel_replace(self) -> None:
        self._pending = None
        self.confirm_box.layout.display = "none"

    def _write(self, name: str, text: str, *, replace: bool) -> str | None:
        from ukm_tools.widgets.base import calculator_title

        lang = self.calc.lang
        try:
            saved = self.store.save(name, self.calc.key, text, replace=replace)
        except NameTaken as e:
            other = calculator_title(e.existing.calculator)
            owner = self.calc.t(other) if other else T("another_calculator", lang)
            self._pending = (name, text)
            self.confirm_text.value = _esc(
                T("name_taken", lang, name=e.existing.name, owner=owner, saved=e.existing.saved)
            )
            self.confirm_box.layout.display = "flex"
            self.status.value = ""
            return None
        except UkmError as e:
            self.status.value = "<br>".join(_esc(line) for line in e.lines(lang))
            return None
        link = case_io.data_link(text.encode("utf-8"), saved.name, "application/x-yaml", T("download", lang))
        self.status.value = f"{_esc(T('saved_as', lang))} <b>{_esc(saved.name)}</b> — {link}"
        self.refresh_list()
        self.saved.value = saved.name
        return saved.name

    # --- opening -----------------------------------------------------------------------------
    def open_selected(self) -> bool:
        name = self.saved.value
        if not name:
            return False
        return self._load(lambda: self.store.read(name), name)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name = case_io.safe_name(str(f.get("name", "")))
        data = bytes(f["content"])
        self.upload.value = ()  # the same file can be chosen again after fixing it
        self.open_upload(name, data)

    def open_upload(self, name: str, data: bytes) -> bool:
        """Read an uploaded case file (hostile input: bounded, strict UTF-8, safe YAML)."""
        limits = self.store.limits
        return self._load(lambda: case_io.read_case_text(case_io.case_text(data, name, limits), name, limits), name)

    def _load(self, reader: Callable[[], tuple[Case, dict[str, Any]]], name: str) -> bool:
        lang = self.calc.lang
        try:
            case, extras = reader()
            self.calc.set_case(case, extras)
        except UkmError as e:
            self.calc.show_error(e)
            self.status.value = _esc(T("cannot_open", lang))
            return False
        self.status.value = f"{_esc(T('opened', lang))}: <b>{_esc(name)}</b>"
        return True


def _esc(text: str) -> str:
    import html

    return html.escape(text)
