"""The save / open panel under every calculator.

"Simpan" writes the inputs as a case file into the working folder (so a page reload
loses nothing: the file is listed under "Buka") and offers it as a download; "Buka"
reads a saved file back, "Unggah" reads a case file from the participant's device.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import ipywidgets as W

from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.widgets import case_io

if TYPE_CHECKING:  # pragma: no cover
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
        self.saved = W.Dropdown(layout=W.Layout(flex="1 1 160px", min_width="140px"))
        self.open_button = W.Button(icon="folder-open", layout=W.Layout(width="auto"))
        self.open_button.add_class("ukm-open")
        self.upload = W.FileUpload(accept=".yaml,.yml", multiple=False, layout=W.Layout(width="auto"))
        self.status = output_area("ukm-case-status")
        self.save_button.on_click(lambda _: self.save())
        self.open_button.on_click(lambda _: self.open_selected())
        self.upload.observe(self._on_upload, "value")
        self.box = W.VBox(
            [
                self.title,
                wrap_row([self.name, self.save_button]),
                wrap_row([self.saved, self.open_button, self.upload]),
                self.status,
            ],
            layout=W.Layout(width="100%", border_top="1px solid #ccc", margin="12px 0 0 0", padding="4px 0"),
        )
        self.box.add_class("ukm-case-panel")

    def relabel(self) -> None:
        lang = self.calc.lang
        self.title.value = f"<b>{T('title', lang)}</b>"
        self.save_button.description = T("save", lang)
        self.open_button.description = T("open", lang)
        self.upload.description = T("upload", lang)
        self.name.placeholder = T("name_placeholder", lang)
        self.refresh_list()

    def refresh_list(self) -> None:
        files = case_io.list_saved(self.calc.save_dir)
        current = self.saved.value
        options = [(p.name, str(p)) for p in files] or [(T("nothing_saved", self.calc.lang), "")]
        self.saved.options = options
        values = [v for _, v in options]
        self.saved.value = current if current in values else values[0]  # newest first

    def save(self) -> str | None:
        """Write the inputs; returns the path, or None (and a message) when the inputs are not valid."""
        lang = self.calc.lang
        try:
            text = self.calc.saved_text()
        except UkmError as e:
            self.calc.show_error(e)
            self.status.value = T("not_saved", lang)
            return None
        # Without a name, a time stamp keeps participants sharing one server from overwriting each other.
        name = self.name.value.strip() or f"{self.calc.case.case}-{dt.datetime.now():%Y%m%d-%H%M%S}"
        path = case_io.save_text(self.calc.save_dir, name, text)
        link = case_io.data_link(text.encode("utf-8"), path.name, "application/x-yaml", T("download", lang))
        self.status.value = f"{T('saved_to', lang)} <code>{path}</code> — {link}"
        self.refresh_list()
        self.saved.value = str(path)
        return str(path)

    def open_selected(self) -> bool:
        path = self.saved.value
        if not path:
            return False
        return self._load(lambda: case_io.read_case_file(path), path)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        text = bytes(f["content"]).decode("utf-8-sig", errors="replace")
        self._load(lambda: case_io.read_case_text(text, f["name"]), f["name"])

    def _load(self, reader, name: str) -> bool:
        lang = self.calc.lang
        try:
            case, extras = reader()
            self.calc.set_case(case, extras)
        except UkmError as e:
            self.calc.show_error(e)
            self.status.value = T("cannot_open", lang)
            return False
        self.status.value = f"{T('opened', lang)}: <code>{name}</code>"
        return True
