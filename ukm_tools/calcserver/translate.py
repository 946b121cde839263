"""Solara's page in Indonesian: its few English status texts replaced in the served HTML.

Solara's template (``solara.html.j2``) writes these texts outside any block a child
template could override, so the page Solara renders is rewritten on the way out. Every
text must be found: :func:`missing_texts` lists any that a Solara upgrade reworded, and
a test fails on it, so a participant never meets an English message unnoticed.
"""

from __future__ import annotations

from typing import Any

PAGE_TEXTS = {
    "App is disconnected, and may not function properly. Please refresh the page.": (
        "Sambungan ke kalkulator terputus. Muat ulang halaman ini (isian yang sudah disimpan tidak hilang)."
    ),
    "Server\n                disconnected.": "Sambungan\n                terputus.",
    "Restoring session…": "Menyambung kembali…",
    "Please refresh the page": "Muat ulang halaman",
    "Could not restore session. Please refresh.": "Sesi tidak bisa dipulihkan. Muat ulang halaman.",
    "Refresh now": "Muat ulang",
    ">\n                        Cancel\n": ">\n                        Batal\n",
}


def translate(page: str) -> str:
    for english, indonesian in PAGE_TEXTS.items():
        page = page.replace(english, indonesian)
    return page.replace("<html>", '<html lang="id">', 1)


def missing_texts(page: str) -> list[str]:
    """The English texts not present in Solara's untranslated ``page``."""
    return [english for english in PAGE_TEXTS if english not in page]


async def translated_root(request: Any) -> Any:
    """Solara's page endpoint with the texts in Indonesian (cookies and status kept)."""
    from solara.server import starlette as solara_starlette
    from starlette.responses import HTMLResponse

    response = await solara_starlette.root(request)
    if not isinstance(response, HTMLResponse):
        return response
    body = translate(bytes(response.body).decode("utf-8")).encode("utf-8")
    headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"]
    out = HTMLResponse(body, status_code=response.status_code)
    out.raw_headers = [*headers, (b"content-length", str(len(body)).encode())]
    return out
