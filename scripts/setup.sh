#!/usr/bin/env bash
# Idempotent set-up behind `make setup`: environments, compiled catalogs, migrated database, trained model.
# Each step is skipped when its inputs have not changed since it last ran.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR="${KIM_CACHE_DIR:-$HOME/.cache/kim-frontdoor}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 RASA_TELEMETRY_ENABLED=false
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fingerprint() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# --- .venv: Python 3.11 for booking/, channels/ and the tests ------------------------------------
PY311="${PYTHON311:-python3.11}"
if ! "$PY311" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    echo "error: Python 3.11 is needed (set PYTHON311=/path/to/python3.11)" >&2; exit 1
fi
want=$(fingerprint pyproject.toml requirements/app.lock)
if [ "$(cat .venv/.fingerprint 2>/dev/null)" != "$want" ]; then
    step "installing .venv (Python 3.11)"
    [ -x .venv/bin/python ] || "$PY311" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -c requirements/app.lock -e '.[test]'
    echo "$want" > .venv/.fingerprint
fi

# --- .venv-rasa: Python 3.10 for Rasa, the action server and bot/ ---------------------------------
PY310=$(scripts/find-python310)
want=$(fingerprint requirements/rasa.in requirements/rasa.lock)
if [ "$(cat .venv-rasa/.fingerprint 2>/dev/null)" != "$want" ]; then
    step "installing .venv-rasa (Python 3.10, rasa 3.6.21) — a few minutes the first time"
    [ -x .venv-rasa/bin/python ] || "$PY310" -m venv .venv-rasa
    .venv-rasa/bin/pip install -q --upgrade 'pip<24.1' 'wheel<0.46'  # newer wheel needs a packaging too new for rasa
    .venv-rasa/bin/pip install -q -c requirements/rasa.lock -r requirements/rasa.in
    echo "$want" > .venv-rasa/.fingerprint
fi

# --- gettext catalogs ----------------------------------------------------------------------------
# (completeness is checked by `make test`: scripts/check_catalogs.py)
step "compiling message catalogs"
.venv/bin/pybabel -q compile -d locales -D messages

# --- database (SQLite under var/ unless BOOKING_DATABASE_URL says otherwise) ------------------------
step "migrating the database"
.venv/bin/python -m booking migrate

# --- Rasa model: trained only when its inputs changed; cached by fingerprint across clones --------
model_inputs=$(find config.yml domain.yml nlu_data data -type f 2>/dev/null | LC_ALL=C sort)
model_fp=$( { echo "rasa-3.6.21"; for f in $model_inputs; do echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-16)
model="models/kim-${model_fp}.tar.gz"
if [ ! -f "$model" ]; then
    mkdir -p models "$CACHE_DIR/models"
    if [ -f "$CACHE_DIR/models/kim-${model_fp}.tar.gz" ]; then
        step "reusing the trained model ${model_fp} from $CACHE_DIR"
        cp "$CACHE_DIR/models/kim-${model_fp}.tar.gz" "$model"
    else
        step "training the Rasa model ${model_fp} (inputs changed)"
        .venv-rasa/bin/rasa train --config config.yml --domain domain.yml --data nlu_data data \
            --out models --fixed-model-name "kim-${model_fp}" --quiet
        cp "$model" "$CACHE_DIR/models/"
    fi
    find models -name 'kim-*.tar.gz' ! -name "kim-${model_fp}.tar.gz" -delete
fi
echo "$model" > models/CURRENT
step "set-up complete (model: $model)"
