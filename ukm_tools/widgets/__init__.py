"""Calculators for participants: thin ipywidgets views over the domain core.

One module per calculator; each has a ``*Calculator`` class on :class:`.base.Calculator`
(``.widget`` to display, ``.refresh()`` after setting inputs in code) and an ``app()`` used by
the calculator server (:mod:`ukm_tools.calcserver`) and the gallery notebooks. Shared pieces:
:mod:`.base` (fields, messages, layout, the stylesheet ``calculator.css``), :mod:`.case_io`,
:mod:`.case_store` and :mod:`.case_panel` (saving/opening case files), :mod:`.charts` (bar
charts in HTML), :mod:`.gallery` (the list of calculators).
"""
