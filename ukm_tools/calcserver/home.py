"""The server's home page: the calculators listed by the question each one answers.

Plain HTML (no script, no session, nothing from the internet) so it opens at once on any
phone; Indonesian first, English with ``?lang=en``. No file names, folders or server
details appear on it.
"""

from __future__ import annotations

from html import escape

from ukm_tools.messages import lang_or_default, section
from ukm_tools.widgets.gallery import App

CALCULATOR_PREFIX = "/kalkulator"
T = section("calcserver.home")


STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 color:#1d2a33;background:#f6f8f7;line-height:1.4}
main{max-width:720px;margin:0 auto;padding:12px}
header{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
h1{font-size:1.35rem;margin:8px 0}
.lang{font-size:.95rem}
p{margin:6px 0 12px}
ol{list-style:none;margin:0;padding:0;display:grid;gap:8px}
li a{display:block;padding:12px 14px;background:#fff;border:1px solid #cfd8d3;border-radius:8px;
 text-decoration:none;color:inherit;overflow-wrap:anywhere}
li a:active,li a:hover{border-color:#1b6f8a;background:#eef6f8}
.q{display:block;font-size:1.1rem;font-weight:600;color:#1b6f8a}
.t{display:block;font-size:.9rem;color:#4a5a63;margin-top:2px}
.privacy{font-size:.85rem;color:#4a5a63}
"""


def render(apps: list[App], lang: str) -> str:
    lang = lang_or_default(lang)
    other = "en" if lang == "id" else "id"
    title = escape(T("title", lang))
    items = "\n".join(
        f'<li><a class="ukm-app-link" data-app="{escape(a.path)}" href="{CALCULATOR_PREFIX}/{escape(a.path)}">'
        f'<span class="q">{escape(a.question.text(lang))}</span><span class="t">{escape(a.title.text(lang))}</span>'
        "</a></li>"
        for a in apps
    )
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header><h1>{title}</h1>
<a class="lang" href="/?lang={other}">{escape(T("other_language", lang))}</a></header>
<p>{escape(T("lead", lang))}</p>
<ol class="ukm-apps">
{items}
</ol>
<p class="privacy">{escape(T("privacy", lang))}</p>
</main>
</body>
</html>
"""
