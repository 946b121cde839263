# Two commands do all set-up on a fresh machine:  make demo  and  make test.
# Everything else here is a step they share.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup verifier system-deps proxy demo lint test test-fast bench clean apps book book-fresh slides handouts kit bench-book serve

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ukm-tools needs Python 3.11, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "pip==26.3"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# JupyterHub's proxy (configurable-http-proxy) from the npm registry, pinned, inside the venv:
# `ukm serve` and the hub tests find it there (ukm_tools.hub.settings.PROXY_BIN).
PROXY_VERSION := 5.3.0
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
$(PROXY): $(STAMP)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@$(PROXY_VERSION)
	test -x $(PROXY)

proxy: $(PROXY)

# The certificate verification page's Ed25519 check: audited @noble/ed25519 + @noble/hashes from the
# npm registry, pinned, bundled by esbuild into one script that `ukm certificates` inlines into
# verifikasi.html (no CDN, no network when the page runs). ukm_tools.course.verify_page.VERIFIER_JS.
NOBLE_ED25519 := 3.2.0
NOBLE_HASHES := 2.4.0
ESBUILD := 0.28.2
VERIFIER := $(VENV)/verifier/verifier.js
$(VERIFIER): ukm_tools/templates/verifier/entry.js Makefile  # the pins above live here
	npm install --silent --no-audit --no-fund --prefix $(VENV)/verifier \
		@noble/ed25519@$(NOBLE_ED25519) @noble/hashes@$(NOBLE_HASHES) esbuild@$(ESBUILD)
	cp ukm_tools/templates/verifier/entry.js $(VENV)/verifier/entry.js
	cd $(VENV)/verifier && node_modules/.bin/esbuild entry.js --bundle --minify --format=iife \
		--target=es2020 --legal-comments=inline --log-level=warning --outfile=verifier.js

verifier: $(VERIFIER)

# Debian packages: chromium (browser tests, PDF handouts), bubblewrap (grading sandbox),
# postgresql (the gradebook tests start their own throw-away server) and npm (the hub's proxy).
system-deps:
	@bash .ci/system-deps.sh

# The kasturi-syrup quote, then the whole workshop cycle into ./demo-output (DEMO_ARGS=--out DIR).
demo: setup verifier
	$(BIN)/ukm demo $(DEMO_ARGS)

# Style and types (configured in pyproject.toml): ruff's lint and format check, then mypy.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint system-deps proxy verifier
	$(BIN)/python -m pytest -p no:cacheprovider --durations=15 $(PYTEST_ARGS)

# Domain-only tests: seconds, no browser, no nbgrader.
test-fast: setup
	$(BIN)/python -m pytest -p no:cacheprovider tests/domain $(PYTEST_ARGS)

# Calculator gallery in the browser: http://127.0.0.1:8866/ (Voila, no code shown).
apps: setup
	$(BIN)/ukm apps $(APPS_ARGS)

# The workshop server with the demo course on http://127.0.0.1:8000/ (needs root: one system user
# per participant). SERVE_ARGS="--lan" serves the Wi-Fi network and prints the URL and a QR code.
serve: setup system-deps proxy
	$(BIN)/ukm serve $(SERVE_ARGS)

bench: setup
	$(BIN)/python benchmarks/run_all.py

# The training book (book/): HTML with cached execution, failing on any warning; JS
# (widgets, reveal.js) comes from the npm registry at build time. Output: book/_build/.
book: setup
	$(BIN)/python book/build.py html

# Rebuild from an empty execution cache (after changing book/bookkit.py or ukm_tools data).
book-fresh: setup
	rm -rf book/_build
	$(BIN)/python book/build.py html

slides: setup
	$(BIN)/python book/build.py slides

handouts: book system-deps
	$(BIN)/python book/build.py handouts

# The trainer kit (timed agenda, facilitator notes, pendamping briefing, model answers, attendance
# sheet, evaluation form) into ./kit-pelatih: trainer-only, never published with the book. A real
# course: make kit KIT_ARGS="--course kursus" (roster imported) or "--course kursus --roster peserta.xlsx".
KIT_ARGS ?= --course assignments --roster ukm_tools/data/demo/peserta-demo.csv --out kit-pelatih
kit: setup
	$(BIN)/ukm kit $(KIT_ARGS)

bench-book: setup
	$(BIN)/python benchmarks/book/bench_build.py

clean:
	rm -rf $(VENV) book/_build test-artifacts kit-pelatih
