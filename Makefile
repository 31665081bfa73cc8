# The README's commands. Each target creates .venv when it is missing and installs the kit
# into it, so a fresh clone needs nothing installed by hand.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
WORKSPACE ?= workspace
# Extra arguments for JupyterLab (tests pass --no-browser, a port and a token).
LAB_ARGS ?=

.PHONY: lab open-keys lite test lint typecheck workspace exercises bench demo hub clean-venv help

help:
	@echo "make lab   - create .venv, install the kit, open the course in JupyterLab"
	@echo "make test  - create .venv, install the kit with test extras, run every test"

# A stamp per extra, rebuilt when pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Two distributions (README "How it is built"): the student runtime `sourcing-lab-course` (.) and
# the instructor side `sourcing-lab` (autograder/). A checkout installs both, editable.
PROJECTS = pyproject.toml autograder/pyproject.toml autograder/setup.py

$(VENV)/.installed-lab: $(PROJECTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . -e ./autograder
	@touch $@

$(VENV)/.installed-hub: $(PROJECTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . -e "./autograder[hub]"
	@touch $@ $(VENV)/.installed-lab

$(VENV)/.installed-test: $(PROJECTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]" -e "./autograder[hub]"
	@touch $@ $(VENV)/.installed-lab $(VENV)/.installed-hub

# Copy the student notebooks into a git-ignored workspace. Files the student already has are
# never overwritten: their work survives `make lab` being run again after an update.
workspace:
	@mkdir -p $(WORKSPACE)
	@cp -R -n exercises/. $(WORKSPACE)/ 2>/dev/null || true
	@echo "Your course workspace: $(abspath $(WORKSPACE))"

# JupyterLab refuses to start as root (containers, cloud VMs) unless told --allow-root: pass it
# only when the user really is root. JupyterLab prints the URL to open (with its token) below.
LAB_ROOT_ARG = $(if $(filter 0,$(shell id -u)),--allow-root,)

# The open keys for self-study feedback, exported from the instructor's keys into a data file
# that `course` reads (course never imports the instructor package).
open-keys: $(VENV)/.installed-lab
	@PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m sourcing_lab.open_keys

lab: $(VENV)/.installed-lab workspace open-keys
	@echo "Starting JupyterLab on $(abspath $(WORKSPACE)); open the http://127.0.0.1:... URL it prints below (Ctrl+C stops it)."
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir="$(abspath $(WORKSPACE))" $(LAB_ROOT_ARG) $(LAB_ARGS)

# The zero-install self-study site (JupyterLite), built into $(SITE); serve it with any static
# server. Its build tools live in their own venv (see pyproject.toml's `lite` extra).
SITE ?= _site
LITE_VENV ?= .venv-lite
$(LITE_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_VENV)/bin/python -m pip install --quiet "jupyterlite-core==0.8.6" "jupyterlite-pyodide-kernel==0.8.6" "ipywidgets==8.1.9" "anywidget==0.11.0" "jupyter_server==2.21.1"
	@touch $@

lite: $(VENV)/.installed-lab $(LITE_VENV)/.installed
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m sourcing_lab.lite_site --jupyter "$(abspath $(LITE_VENV))/bin/jupyter" --output "$(abspath $(SITE))"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check course autograder tests
	$(BIN)/ruff format --check course autograder tests

# mypy, strict on the pure layer (the settings are [tool.mypy] in pyproject.toml).
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

test: $(VENV)/.installed-test lint typecheck
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)

# Regenerate the student notebooks from solutions/ with nbgrader (never edit exercises/ by hand).
exercises: $(VENV)/.installed-lab
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m sourcing_lab.exercises

# Benchmark (a measurement, not a test): stock serial nbgrader autograde vs sourcing-lab grade.
bench: $(VENV)/.installed-lab
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m sourcing_lab.demo.bench $(BENCH_ARGS)

# The whole instructor path on a simulated class (prints where everything is).
demo: $(VENV)/.installed-lab
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/sourcing-lab demo $(DEMO_ARGS)

# A demo class on JupyterHub at http://127.0.0.1:8000 (HUB_PORT=...): one instructor, three
# students, nbgrader's exchange. As root: real system users, removed again on Ctrl+C.
hub: $(VENV)/.installed-hub
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m sourcing_lab.hub $(HUB_ARGS)
