# The two commands a contributor needs (see README.md):
#   make serve   set up everything and serve the site with live reload
#   make test    set up everything and run all the tests
# Other targets: build, lint, review, links, watch, bench, lock, clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint review links watch bench browser lock clean

# Site dependencies, pinned with hashes; reinstalled when the lock changes.
$(VENV)/.site: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

# Site and test dependencies.
$(VENV)/.dev: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.site

# Restarted when a hook changes: MkDocs imports hooks once (tools/serve.py).
serve: $(VENV)/.site
	$(BIN)/python tools/serve.py

build: $(VENV)/.site
	$(BIN)/mkdocs build

# Debian's Chromium drives the browser tests (Playwright cannot download its
# own browser here; the tests point it at /usr/bin/chromium). Java runs the Nu
# HTML Checker; npm installs it.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

# Node tools (the Nu HTML Checker), from package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

lint: $(VENV)/.dev
	$(BIN)/ruff check hooks tests bench tools
	$(BIN)/ruff format --check hooks tests bench tools
	$(BIN)/pymarkdown --config pyproject.toml scan -r docs includes
	$(BIN)/codespell --toml pyproject.toml docs includes hooks tests tools README.md CONTRIBUTING.md

# External links: list them (no network needed) or check them (needs one).
links: $(VENV)/.site
	$(BIN)/python hooks/links.py --check

# New reviews and guidelines on dry needling in PubMed that the bibliography
# lacks (tools/watch.py; needs a network, or WATCH_ARGS="--offline DIR").
watch: $(VENV)/.site
	$(BIN)/python tools/watch.py $(WATCH_ARGS)

# Benchmark against a default Material build (a script, not a test): writes
# bench-results/report.md. Needs the Node tools (Lighthouse) and Chromium.
bench: $(VENV)/.dev browser node_modules/.installed
	$(BIN)/python bench/bench.py

# Pages whose review is overdue or due within 60 days (fails if any is overdue).
review: $(VENV)/.site
	$(BIN)/python hooks/metadata.py

test: $(VENV)/.dev browser node_modules/.installed lint
	$(BIN)/python -m pytest

# Regenerate the hashed lock files after editing requirements*.in.
lock: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11.2 requirements.in -o requirements.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11.2 requirements-dev.in -o requirements-dev.txt
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11.2 requirements-audit.in -o requirements-audit.txt

clean:
	rm -rf site .pytest_cache
