# make preview: the dev stack's offline preview (the main job).  make test: the whole test suite.
# Both create venv/ from requirements.txt when it is missing or out of date.
PYTHON ?= python3
VENV := venv
STAMP := $(VENV)/.installed

.PHONY: preview preview-prod test lint bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

preview: $(STAMP)
	$(VENV)/bin/ampliform preview --stack dev

preview-prod: $(STAMP)
	$(VENV)/bin/ampliform preview --stack prod

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy components

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench.py
	$(VENV)/bin/python benchmarks/preview_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
