"""The calculator server: every calculator for a whole class from one process.

Voila started one Python kernel per open page (about 135 MB each, never shut down); here
one process holds every participant's pages as Solara sessions of a few MB, ends idle
ones, and serves nothing from the internet. ``ukm apps`` starts it.

    config.py     the settings (``ServerConfig``), declared once
    web.py        the Starlette app: home page, Solara's calculator pages, status
    home.py       the home page: calculators listed by the question they answer
    pages/        the Solara app: one route per calculator (built per session)
    sessions.py   opening a session, activity, idle culling, counts
    identity.py   who a session belongs to (a browser now; the hub's login later)
    translate.py  Solara's few English page texts in Indonesian
    serve.py      uvicorn around it
    lan.py        the workshop-network address and its QR code
    templates/, assets/   Solara's loader and our stylesheet, found by Solara beside pages/
"""
