"""The book builds clean (-W -n) from an empty cache, loads nothing from the internet, and
a page that raises fails the build."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.book.conftest import MODULES, MYST_PAGE, minimal_book

pytestmark = pytest.mark.slow


@pytest.mark.timeout(600)
def test_clean_build_has_every_page_and_no_reports(built_book):
    for name in MODULES:
        assert (built_book / "modul" / f"{name}.html").is_file(), name
    for page in ("intro", "studi-kasus", "glosarium", "sumber"):
        assert (built_book / f"{page}.html").is_file(), page
    # myst-nb writes a report for every notebook that failed to execute
    assert not (built_book / "reports").exists()


def test_no_page_loads_an_external_url(built_book):
    import build

    assert build.external_loads(built_book) == []
    # and the widget manager the pages would use is the vendored copy
    assert (built_book / "_static" / "vendor-js" / "require.js").stat().st_size > 10_000
    assert (built_book / "_static" / "vendor-js" / "embed-amd.js").stat().st_size > 100_000
    # and, with no widget on a page, the widget manager is not loaded at all
    assert "embed-amd.js" not in (built_book / "modul" / "pembayaran.html").read_text(encoding="utf-8")


def test_code_is_hidden_from_readers(built_book):
    html = (built_book / "modul" / "harga-incoterms.html").read_text(encoding="utf-8")
    assert "bookkit.table(" not in html
    assert "packaged_case(" not in html


BROKEN_PAGES = {
    # control: the same minimal book with a sound page builds (exit 0)
    "sound": ("```{code-cell} ipython3\n1 + 1\n```\n", None),
    # a cell that raises: myst-nb only warns, -W turns it into a failure
    "raises": ("```{code-cell} ipython3\n1 / 0\n```\n", "ZeroDivisionError"),
    # a reference to a page that does not exist: a warning under -n
    "dangling-reference": ("See {doc}`no-such-page`.\n", "no-such-page"),
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("case", sorted(BROKEN_PAGES))
def test_a_broken_page_fails_the_build(tmp_path, case):
    """A minimal copy of the book with one broken page: -W -n must turn it into exit 1 (and a
    sound page in the same minimal book must not)."""
    import build

    src = minimal_book(
        tmp_path, {"intro": "# Intro\n\nText.\n", "broken": MYST_PAGE + "# Broken\n\n" + BROKEN_PAGES[case][0]}
    )
    result = subprocess.run(
        build.jupyter_book_cmd("build", str(src), "-W", "-n", "--keep-going", "--path-output", str(tmp_path / "out")),
        capture_output=True,
        text=True,
        timeout=280,
        env=dict(os.environ, PYTHONPATH=str(src)),
    )
    if BROKEN_PAGES[case][1] is None:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return
    assert result.returncode != 0
    reports = tmp_path / "out" / "_build" / "html" / "reports"
    told = result.stdout + result.stderr + "".join(p.read_text() for p in reports.glob("*.log"))
    assert str(BROKEN_PAGES[case][1]) in told
