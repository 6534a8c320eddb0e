# make preview: the dev stack's offline preview (the main job).  make test: the whole test suite.
# make lint: ruff, mypy and the layering contracts (import-linter). `.ci/run` runs `make lint` and `make test`.
# Each target creates venv/ from requirements.txt when it is missing or out of date.
PYTHON ?= python3
VENV := venv
STAMP := $(VENV)/.installed
# mypy checks the package under its installed name: build/typecheck/ampliform is a link to components/
TYPECHECK := build/typecheck

.PHONY: preview preview-prod test lint golden bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

preview: $(STAMP)
	$(VENV)/bin/ampliform preview --stack dev

preview-prod: $(STAMP)
	$(VENV)/bin/ampliform preview --stack prod

# The independent IAM evaluator of tests/test_evaluate_differential.py (@cloud-copilot/iam-simulate, pinned by
# tests/node/package-lock.json), installed into the git-ignored tests/node/node_modules when it is missing or
# the lock changed. Without npm (or the registry) the test is skipped and says why (-rs prints the reason).
NODE_DEPS := tests/node/node_modules/.installed

$(NODE_DEPS): tests/node/package.json tests/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/node --no-audit --no-fund --loglevel=error && touch $@ \
		|| echo "npm ci --prefix tests/node failed: the differential evaluator test will be skipped"; \
	else echo "npm not found: the differential evaluator test will be skipped"; fi

test: $(STAMP) $(NODE_DEPS)
	$(VENV)/bin/python -m pytest -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	mkdir -p $(TYPECHECK) && ln -sfn ../../components $(TYPECHECK)/ampliform
	MYPYPATH=$(TYPECHECK) $(VENV)/bin/mypy -p ampliform
	$(VENV)/bin/lint-imports

golden: $(STAMP)
	$(VENV)/bin/python -m pytest tests/test_golden.py --update-golden -q

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench.py
	$(VENV)/bin/python benchmarks/preview_bench.py
	$(VENV)/bin/python benchmarks/preview_bench.py --app large
	$(VENV)/bin/python benchmarks/preview_bench.py --project-dir examples/photo-sharing
	$(VENV)/bin/python benchmarks/preview_bench.py --project-dir examples/blog
	$(VENV)/bin/python benchmarks/data_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .mypy_cache tests/node/node_modules
