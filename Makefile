# `make demo`: set up and complete code with the shipped model. `make test`: set up and run every test
# (INKLING_SKIP_E2E=1 skips the one in a real VS Code, which installs code-server and Chromium on first use).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench,train]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@echo "--- examples/demo.py, line 12, column 5: the body of an empty function"
	@$(VENV)/bin/inkling complete examples/demo.py:12:5
	@echo "--- examples/demo.py, line 16, column 32: the rest of a half-typed line"
	@$(VENV)/bin/inkling complete examples/demo.py:16:32

test: $(STAMP)
	scripts/install_test_tools.sh
	npm ci --no-audit --no-fund
	npm test
	[ "$$INKLING_SKIP_E2E" = 1 ] || scripts/e2e_setup.sh
	$(VENV)/bin/ruff check server tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
