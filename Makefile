# compute-econ: `make lab` opens the lessons, `make test` runs every test.
# Both create .venv on first use (Python >= 3.11) and re-install when pyproject.toml changes.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
# Saved notebooks drop BokehJS and dead explorer views (widgets/saving.py); every server in .venv loads it.
SERVER_CONFIG := jupyter-config/jupyter_server_config.d/compute_econ.json
# JupyterLab refuses to start as root (containers, some classroom VMs) unless told.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
# Kernels talk to the server over Unix sockets, not unencrypted TCP on localhost (ipykernel 7 warns
# about TCP on every kernel start); Windows has no Unix sockets for ZeroMQ, so it keeps TCP.
KERNEL_ARGS ?= $(if $(filter Windows_NT,$(OS)),,--KernelManager.transport=ipc)

.PHONY: lab test lint bench book slides hub hub-load clean help

help:
	@echo "make lab    - set up .venv and open the lessons in JupyterLab"
	@echo "make test   - set up .venv with the test extra and run every test (lint and types included)"
	@echo "make lint   - ruff and mypy only (configured in pyproject.toml)"
	@echo "make bench  - time the explorers in the kernel and in the page (prints two tables, ~20 min)"
	@echo "make book   - build the static book (pages, slides, index; no kernel needed to read it) in _build/book"
	@echo "make hub    - JupyterHub for a class on this machine (localhost:8000; prints the login and the nbgitpuller link)"
	@echo "make hub-load - load-test that hub: 1, 10, 20, 40 learners move a slider together (~15 min; table in test-artifacts/)"
	@echo "make clean  - remove .venv and test artefacts"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml binder/overrides.json $(SERVER_CONFIG)
	$(BIN)/python -m pip install --quiet -e .
	mkdir -p $(LAB_SETTINGS) && cp binder/overrides.json $(LAB_SETTINGS)/overrides.json
	# An editable install skips data files: put the save hook's server config in place by hand.
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d && cp $(SERVER_CONFIG) $(VENV)/etc/jupyter/jupyter_server_config.d/
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

lab: $(VENV)/.installed
	BOKEH_RESOURCES=inline $(BIN)/jupyter lab $(LAB_ARGS) $(KERNEL_ARGS) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/lessons

# Two workers (pytest-xdist), each taking whole test files: most tests wait on a kernel, a browser or a
# subprocess, so two of them share a 2-core machine well. PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=30 $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python -m mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/browser_latency.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/browser_floor.py --rounds 1 --lessons

# The static book: every lesson executed once, as pages and reveal.js decks that need no kernel (book/).
# reveal.js comes from npm (book/package-lock.json): the build runs `npm ci --prefix book` when it is missing.
book: $(VENV)/.installed-test
	$(BIN)/python -m book --out _build/book
	@echo "open $(CURDIR)/_build/book/index.html (from disk, or copy _build/book to any static host)"

# JupyterHub on this machine (hub/): the hub, the idle culler and nbgitpuller from the `hub` extra, the lab
# settings of binder/overrides.json from the install above; configurable-http-proxy from npm
# (`npm ci --prefix hub` on first use: hub/package-lock.json). HUB_PORT, HUB_IP, HUB_PASSWORD: hub/__main__.py.
$(VENV)/.installed-hub: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[hub]'
	touch $@

hub: $(VENV)/.installed-hub
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "error: the hub's proxy (configurable-http-proxy) needs Node.js 20+ and npm: install them (Debian/Ubuntu: sudo apt-get install nodejs npm; macOS: brew install node), then run make hub again"; exit 1; }
	$(BIN)/python -m hub

# The class load test on a real hub (hub/load.py): 1, 10, 20 and 40 learners log in, run lesson 1 and move a
# slider together; the table goes to test-artifacts/hub-load.md (HUB_LOAD_ARGS, e.g. --levels 1 10).
hub-load: $(VENV)/.installed-hub
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "error: the hub's proxy (configurable-http-proxy) needs Node.js 20+ and npm: install them (Debian/Ubuntu: sudo apt-get install nodejs npm; macOS: brew install node), then run make hub-load again"; exit 1; }
	$(BIN)/python -m hub.load $(HUB_LOAD_ARGS)

clean:
	rm -rf $(VENV) test-artifacts _build book/node_modules hub/node_modules .pytest_cache .hypothesis
