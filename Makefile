# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT HOST

.PHONY: run test html-checker lint format fuzz bench install install-dev demo clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: set up everything and start web, worker, beat and the mail sink (Ctrl-C stops all)
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  scievents is starting:"
	@echo "    Web site    http://$(HOST):$(PORT)/  (organiser area: /en/organiser/)"
	@echo "    API         http://$(HOST):$(PORT)/api/v1/events/"
	@echo "    API docs    http://$(HOST):$(PORT)/api/docs/"
	@echo "    Admin       http://$(HOST):$(PORT)/admin/"
	@echo "    Mail sink   SMTP on 127.0.0.1:1025 (messages are printed below)"
	@echo "  Demo organiser: organiser / organiser-demo    Programme staff: programme / programme-demo"
	@echo "  Admin: admin / admin-demo"
	@echo ""
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

## test: install the dev extra and run the whole test suite
test: install-dev html-checker
	$(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The Nu HTML Checker for tests/web/test_html_validity.py: the pinned vnu-jar from npm, kept
# next to the virtualenv (needs npm; running it needs java). A failure here is reported by the
# tests themselves: they fail under CI and skip elsewhere.
html-checker: install-dev
	-$(BIN)/python -m tests.web.html_checker

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

## messages: refresh locale/vi from the code and compile it (needs gettext)
messages: install
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

## fuzz: the API fuzzer (every operation of /api/schema/) and the seat properties, at length
fuzz: install-dev
	FUZZ_EXAMPLES=300 $(BIN)/pytest tests/test_api_fuzz.py tests/registration/test_properties.py -p no:cacheprovider

## bench: every benchmark under bench/ against PostgreSQL and Redis (needs wrk); rewrites docs/benchmarks.md
bench: install-dev
	$(BIN)/python bench/registration_burst.py --write-docs
	$(BIN)/python bench/reminder_fanout.py --write-docs
	$(BIN)/python bench/event_reads.py --write-docs
	$(BIN)/python bench/open_data.py --write-docs

clean:
	rm -rf var/celery var/db.sqlite3*
