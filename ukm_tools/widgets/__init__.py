"""Calculators for participants: thin ipywidgets views over the domain core.

One module per calculator; each has a ``*Calculator`` class (``.widget`` to display,
``.refresh()`` after setting inputs in code) and an ``app()`` used by the Voila gallery.
Shared pieces: :mod:`.base` (fields, messages, layout), :mod:`.case_io` and
:mod:`.case_panel` (saving/opening case files), :mod:`.charts` (matplotlib to PNG).
"""
