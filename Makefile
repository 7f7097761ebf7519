# Two set-up commands on a fresh machine (Python 3.11+ and make):
#   make run   - start the bot (Discord when DISCORD_TOKEN is set, the local console otherwise)
#   make test  - install everything, then the type check (mypy), the lint (ruff) and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test postgres lint format typecheck check eval bench bench-discord clean lock fit test-lowest

# Installs exactly what requirements.lock pins (every package, the model packages included), then the
# project itself; `make lock` refreshes the lock from pyproject.toml's ranges.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^cited-news-bot' > requirements.lock
	rm -rf .lock-venv

run: $(STAMP)
	$(PY) -m bot

# the type check and the lint first: a failure there stops the run before the (longer) tests
test: $(STAMP) postgres
	$(PY) -m mypy
	$(PY) -m ruff check bot knowledge commands bench tests
	$(PY) -m ruff format --check bot knowledge commands bench tests
	$(PY) -m pytest

# the tests at the lowest versions pyproject.toml allows (every floor pinned by .ci/lowest-constraints),
# in a separate .venv-lowest made afresh each run; pytest only (the type check and the lint run in `test`)
LOWEST := .venv-lowest
test-lowest: postgres
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) .ci/lowest-constraints $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/constraints.txt -e '.[dev]'
	$(LOWEST)/bin/python -m pip freeze --exclude-editable > $(LOWEST)/installed.txt
	$(LOWEST)/bin/python -m pytest -q

# PostgreSQL's server programs, for the tests that start a throwaway server (installed when missing)
postgres:
	@.ci/postgres

lint: $(STAMP)
	$(PY) -m ruff check bot knowledge commands bench tests
	$(PY) -m ruff format --check bot knowledge commands bench tests

# rewrite the code in the formatter's style (what `make test` checks)
format: $(STAMP)
	$(PY) -m ruff format bot knowledge commands bench tests

# mypy over bot/, commands/ and knowledge/ ([tool.mypy] in pyproject.toml)
typecheck: $(STAMP)
	$(PY) -m mypy

check: $(STAMP)
	$(PY) -m bot kb check

eval: $(STAMP)
	$(PY) tests/data/score.py --cases tests/data/dev_cases.json --corpus knowledge/data/corpus --show-fails -- $(PY) -m bot ask --json

# refit the answer/abstain decision on every question set in tests/data (prints held-out figures)
fit: $(STAMP)
	$(PY) -m knowledge.training

bench: $(STAMP)
	$(PY) -m bot bench

# 500 slash commands at once to the real bot through the local Discord fake (ARGS="--interactions 2000" for
# the overload goal): per round, acknowledged within 3 s, deferred, late, answered, out of order; p50/p99
# of the time to acknowledgement and to answer; question records after shutdown. Robustness figures:
# python -m tests.robustness.hostile_questions, python -m tests.robustness.broken_folders
bench-discord: $(STAMP)
	$(PY) -m tests.fakediscord.loadbench $(ARGS)

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .mypy_cache
