# Two commands on a fresh machine: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The assignment ids, in order, from the course manifest (course.toml), read when used.
ASSIGNMENTS = $(shell $(PY) -m autograder.course ids)
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: venv sysdeps release student book book-instructor test lint format bench clean

venv: $(STAMP)

# A changed lock rebuilds the venv from nothing: pip never removes what the lock dropped.
$(STAMP): requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@if [ "$${CI:-}" = "true" ] || [ "$${WITH_TORCH:-}" = "1" ]; then \
	  echo "installing optional torch==2.13.0 (CPU) for cross-checks"; \
	  $(PY) -m pip install --quiet torch==2.13.0; fi
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# System packages for browser and sandbox tests (Debian); skipped without root.
sysdeps:
	@bash scripts/install-system-deps.sh

release: $(STAMP)
	$(PY) -m autograder.release $(ASSIGNMENTS)

# The student edition (student/): release notebooks, helpers wheel, requirements.txt, README.
student: release
	$(PY) -m autograder.student $(ASSIGNMENTS) --out student

book: release
	$(PY) scripts/build_book.py

book-instructor: release
	$(PY) scripts/build_book.py --instructor

test: $(STAMP) sysdeps
	$(VENV)/bin/ruff check --no-cache .
	$(VENV)/bin/ruff format --no-cache --check .
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "no tests collected" ; exit $$rc; }

lint:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf _build release student submitted autograded feedback source gradebook.db
