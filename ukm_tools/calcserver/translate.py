"""Solara's page in Indonesian: its few English status texts replaced in the served HTML.

Solara's template (``solara.html.j2``) writes these texts outside any block a child
template could override, so the page Solara renders is rewritten on the way out. Every
text must be found: :func:`missing_texts` lists any that a Solara upgrade reworded, and
a test fails on it, so a participant never meets an English message unnoticed.
"""

from __future__ import annotations

from typing import Any

from ukm_tools.messages import section

T = section("calcserver.translate")

# Solara's text exactly as its template writes it -> (catalogue key, the same layout around it).
PAGE_TEXTS = {
    "App is disconnected, and may not function properly. Please refresh the page.": ("disconnected", "{}"),
    "Server\n                disconnected.": ("server_disconnected", "{}"),
    "Restoring session…": ("restoring", "{}"),
    "Please refresh the page": ("please_refresh", "{}"),
    "Could not restore session. Please refresh.": ("cannot_restore", "{}"),
    "Refresh now": ("refresh_now", "{}"),
    ">\n                        Cancel\n": ("cancel", ">\n                        {}\n"),
}


def translate(page: str) -> str:
    for english, (key, around) in PAGE_TEXTS.items():
        page = page.replace(english, around.format(T(key, "id")))
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
