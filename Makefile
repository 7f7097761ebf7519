# Two set-up commands on a fresh machine (Python 3.11+ and make):
#   make run   - start the bot (Discord when DISCORD_TOKEN is set, the local console otherwise)
#   make test  - install everything and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint check eval bench bench-discord clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check bot knowledge commands tests

check: $(STAMP)
	$(PY) -m bot kb check

eval: $(STAMP)
	$(PY) ../shared/eval/score.py --cases ../shared/eval/dev_cases.json --show-fails -- $(PY) -m bot ask --json

bench: $(STAMP)
	$(PY) -m bot bench

# 500 slash commands at once to the real bot through the local Discord fake: p50/p99 response times.
bench-discord: $(STAMP)
	$(PY) -m tests.fakediscord.loadbench

clean:
	rm -rf $(VENV) .pytest_cache
