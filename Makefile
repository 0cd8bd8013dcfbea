# KIM Front Door — the two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup run test test-fast bench catalogs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup:  ## environments, compiled catalogs, migrated database, trained model (idempotent)
	@scripts/setup.sh

run: setup  ## set up, seed demo data, start every process on SQLite, print the URLs
	@.venv/bin/python -m booking seed-demo
	@scripts/run.sh

test: setup  ## set up what is needed and run every test
	@scripts/test.sh

bench: setup  ## benchmarks (numbers, not pass/fail)
	@.venv/bin/python bench/booking.py

catalogs:  ## extract new messages into locales/ and update every language's catalog
	.venv/bin/pybabel extract -F babel.cfg -c TRANSLATORS: -k _t:2 -o locales/messages.pot --no-location --sort-output --project kim-frontdoor .
	.venv/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

clean:  ## remove environments, models, database and caches
	rm -rf .venv .venv-rasa models var .pytest_cache .hypothesis
