"""The Solara app of the calculator server: one route per calculator, nothing else.

Each route builds its calculator once per session (``use_memo``) inside the session's
virtual kernel context and shows the unchanged ipywidgets tree as a child of the page,
so a calculator is the same object in a notebook, in the book's hub notebooks and here.
The home page is plain HTML served by :mod:`ukm_tools.calcserver.web` (no session needed
to read a list). Solara finds ``../templates`` (page template and loader) and
``../assets`` (our stylesheet, ``custom.css``) beside this package.
"""

from __future__ import annotations

from typing import Any

import solara
import solara.lab

from ukm_tools.calcserver import runtime, sessions
from ukm_tools.calcserver.handoff import handed_case
from ukm_tools.widgets.base import Calculator
from ukm_tools.widgets.gallery import APPS, App


@solara.component
def Layout(children: list[Any] = []):  # noqa: B006 (Solara passes children this way)
    # No Solara chrome (app bar, navigation): the calculator is the page.
    return solara.Div(children=children, classes=["ukm-page"])


def _page(app: App):
    @solara.component
    def Page():
        search = solara.use_router().search  # ?kasus=<token>: a case the exercise portal handed over

        def build() -> Any:
            state = runtime.current()
            cookies = solara.lab.cookies.value  # type: ignore[attr-defined]  # a Reactive solara.lab re-exports
            headers = solara.lab.headers.value  # type: ignore[attr-defined]
            identity = state.identity.identify(cookies or {}, headers or {})
            handed = handed_case(search, identity.key, state.config.handoff_root)
            calculator = sessions.open_calculator(
                app, identity, state.config.save_root, state.registry, handed=handed.case
            )
            if handed.refused and isinstance(calculator, Calculator):  # the others open no case files
                calculator.case_panel.handover_refused()
            return calculator

        calculator = solara.use_memo(build, dependencies=[])
        # The widget itself as the child, not solara.display(): display formats the widget for
        # every mimetype first, and its text/plain repr walks all ~400 widgets of a page (about
        # a quarter of a page's render time), only to wrap the result in one more Output widget.
        return solara.Div(children=[calculator.widget])

    Page.__name__ = f"Page_{app.path.replace('-', '_')}"
    return Page


routes = [solara.Route(path=a.path, component=_page(a), label=a.title.text("id"), layout=Layout) for a in APPS]
