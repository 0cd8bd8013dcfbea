#!/usr/bin/env bash
# Every test, after `make setup`. Fails on any failure, including pytest's "no tests ran" (exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false

echo "==> catalogs complete in all seven languages"
.venv/bin/python scripts/check_catalogs.py

echo "==> rasa data validate"
.venv-rasa/bin/rasa data validate --config config.yml --domain domain.yml --data nlu_data data --fail-on-warnings --quiet

echo "==> rasa test stories (e2e: NLU and dialogue, seven languages, --fail-on-prediction-errors)"
stories_out=$(mktemp -d)
.venv-rasa/bin/rasa test core --e2e --stories tests/stories --model "$(cat models/CURRENT)" \
    --fail-on-prediction-errors --out "$stories_out" --quiet
rm -rf "$stories_out"

echo "==> ruff (lint and format)"
.venv/bin/ruff check booking channels tests bench scripts
.venv/bin/ruff format --check booking channels tests bench scripts

echo "==> pytest: bot/ in the Rasa environment (Python 3.10)"
.venv-rasa/bin/python -m pytest -c tests/bot/pytest.ini tests/bot

scripts/ensure-chromium.sh
mkdir -p var/screenshots

echo "==> pytest: booking, channels, end to end, browser (Python 3.11)"
.venv/bin/python -m pytest "$@"
