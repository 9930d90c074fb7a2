# The two commands of the README. Both create .venv on first use and install the project into it.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.test-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.demo-installed

# The demo estate is not compliant on purpose: exit codes 1 (findings) and 3 (incomplete) are its
# verdict, not a failure of the command; 2 (bad input) or anything else is.
demo: $(VENV)/.demo-installed
	@$(BIN)/auditor demo; code=$$?; \
	if [ $$code -eq 0 ] || [ $$code -eq 1 ] || [ $$code -eq 3 ]; then \
	  echo "The gate's exit code was $$code. Open audit-out/report.html in a browser."; \
	else exit $$code; fi

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n auto --dist worksteal

lint: $(VENV)/.test-installed
	$(BIN)/ruff check auditor tests benchmarks
	$(BIN)/mypy --strict auditor

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) audit-out dist build .pytest_cache .mypy_cache .ruff_cache
