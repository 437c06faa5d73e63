# The two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
ROOT := $(CURDIR)
PYTHON ?= python3.11
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
DB ?= demo
PORT ?= 8000
# the demo's Sendcloud (ecom_labels' simulator, served beside trytond)
SENDCLOUD_PORT ?= 8011
# and its Stripe (ecom_stripe's simulator, test mode, the account the build made)
STRIPE_PORT ?= 8012
DEMO_PASSWORD ?= backoffice
# the modules, in dependency order: requirements.txt is the one list
MODULES := $(shell sed -n 's@^-e ./addons/\([a-z0-9_]*\) *$$@\1@p' requirements.txt)
SAO_VERSION := $(shell sed -n 's/.*"tryton-sao": *"\([^"]*\)".*/\1/p' package.json)

# Tryton reads these before trytond.conf (which therefore leaves them unset).
export TRYTOND_DATABASE__URI ?= sqlite://
export TRYTOND_DATABASE__PATH ?= $(ROOT)/var/db
export TRYTOND_WEB__ROOT ?= $(ROOT)/var/sao/package
export TRYTOND_WEB__LISTEN ?= 127.0.0.1:$(PORT)
export DEMO_PASSWORD

.PHONY: demo install test test-postgresql bench-intake bench-reports bench-catalog \
	bench-promotions bench-connector bench-loyalty bench-payments bench-flash \
	bench-analytics lint serve \
	stop browser clean

install: $(VENV)/.installed $(ROOT)/var/sao/.installed

$(VENV)/.installed: requirements.txt $(wildcard addons/*/pyproject.toml)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	# Bytecode of everything, with asserts (tests) and without (-O, the
	# demo build): where PYTHONDONTWRITEBYTECODE is set, as on the CI
	# machine, no process could cache what it compiled, and -O had no
	# bytecode at all (statsforecast's import 5.8 s against 1.8 s).
	$(PY) -m compileall -q -j 0 addons demo tests bench >/dev/null
	$(PY) -O -m compileall -q -j 0 $(VENV)/lib addons demo tests bench \
		>/dev/null
	touch $@

# sao the README way: npm pack, unpack, npm install in the unpacked package/.
$(ROOT)/var/sao/.installed: package.json
	rm -rf var/sao && mkdir -p var/sao
	cd var/sao && npm pack --silent tryton-sao@$(SAO_VERSION) >/dev/null \
		&& tar xzf tryton-sao-$(SAO_VERSION).tgz
	cd var/sao/package && npm install --omit=dev --legacy-peer-deps \
		--no-audit --no-fund --loglevel=error
	touch $@

# Built with asserts off (PYTHONOPTIMIZE, for trytond-admin too): trytond's
# check of every instance's ids is quadratic in its prefetch group; the demo
# took 205 s with it, 167 s without (bench/README.md). The server keeps them.
# The activated empty database is cached per code version (demo/activation.py;
# DEMO_CACHE=off activates every time).
$(TRYTOND_DATABASE__PATH)/$(DB).sqlite: | $(VENV)/.installed
	PYTHONOPTIMIZE=1 $(PY) -m demo.build_demo -c trytond.conf -d $(DB) $(DEMO_ARGS) \
		|| { rm -rf $@ $(TRYTOND_DATABASE__PATH)/$(DB); exit 1; }
	touch $(TRYTOND_DATABASE__PATH)/$(DB).updated

# A demo database older than the module code is updated in place.
MODULE_FILES := $(wildcard addons/*/*.py addons/*/*.xml addons/*/*.json \
	addons/*/view/*.xml addons/*/tryton.cfg)
$(TRYTOND_DATABASE__PATH)/$(DB).updated: $(TRYTOND_DATABASE__PATH)/$(DB).sqlite \
		$(MODULE_FILES)
	$(VENV)/bin/trytond-admin -c trytond.conf -d $(DB) --all \
		-u $(MODULES) --activate-dependencies
	touch $@

demo: install $(TRYTOND_DATABASE__PATH)/$(DB).sqlite \
		$(TRYTOND_DATABASE__PATH)/$(DB).updated
	@echo
	@echo "  E-commerce back office: http://$(TRYTOND_WEB__LISTEN)/#$(DB)"
	@echo "  login: admin     password: $(DEMO_PASSWORD)   (all menus)"
	@echo "  also:  manager / staff / accountant / empleado (in Spanish), same password"
	@test ! -f $(TRYTOND_DATABASE__PATH)/$(DB).api-key || { read -r channel key \
		< $(TRYTOND_DATABASE__PATH)/$(DB).api-key; echo "  order intake API (see README): POST \
	http://$(TRYTOND_WEB__LISTEN)/$(DB)/ecom/v1/channels/$$channel/orders \
	with 'Authorization: Bearer $$key'"; }
	@echo "  Ctrl-C stops the server; 'make demo' again reuses the database."
	@echo
	$(PY) -m trytond.modules.ecom_labels.tests.sendcloud_simulator \
		--port $(SENDCLOUD_PORT) & sim=$$!; \
	$(PY) -m trytond.modules.ecom_stripe.tests.stripe_simulator \
		--port $(STRIPE_PORT) --state $(TRYTOND_DATABASE__PATH)/$(DB).stripe.json & \
	stripe=$$!; trap "kill $$sim $$stripe 2>/dev/null" EXIT; \
	TRYTOND_ECOM_LABELS__SENDCLOUD_URL=http://127.0.0.1:$(SENDCLOUD_PORT)/api/v2/ \
	TRYTOND_ECOM_STRIPE__API_BASE=http://127.0.0.1:$(STRIPE_PORT) \
		$(VENV)/bin/trytond -c trytond.conf -d $(DB)

# Production profile on PostgreSQL (deploy/serve.py): WEB gunicorn workers,
# QUEUE_WORKERS trytond-worker processes (plus one for the invoices' posting
# and one for their rendering, deploy/production.conf) and one trytond-cron,
# in the background; `make stop` ends them. Builds the demo there if DB is missing.
WEB ?= 2
QUEUE_WORKERS ?= 2
serve: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m deploy.serve start -d $(DB) \
		--web $(WEB) --workers $(QUEUE_WORKERS) --port $(PORT)
	@echo "  login: admin / manager / staff / accountant / empleado, password $(DEMO_PASSWORD)"

stop:
	$(PY) -m deploy.serve stop

# Headless Chromium for the browser tests (Debian packages).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium chromium-driver >/dev/null; }

lint: $(VENV)/.installed
	$(PY) -m ruff check $(wildcard addons demo deploy tests bench ecom_modules.py)

# JOBS / PG_JOBS: suites run in that many processes at a time.
JOBS ?= 1
PG_JOBS ?= 2
test: install browser lint
	$(PY) tests/run.py --jobs $(JOBS)

# Same suites on PostgreSQL (a server on 127.0.0.1:5432; .ci/run starts one).
PG_URI ?= postgresql://tryton:tryton@127.0.0.1:5432/
test-postgresql: install browser
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) tests/run.py --jobs $(PG_JOBS)

# Benchmarks (figures, not tests), on PostgreSQL like production.
bench-intake: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.intake $(BENCH_ARGS)
bench-reports: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.reports $(BENCH_ARGS)
bench-catalog: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.catalog $(BENCH_ARGS)
bench-promotions: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.promotions $(BENCH_ARGS)
bench-connector: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.connector $(BENCH_ARGS)
bench-loyalty: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.loyalty $(BENCH_ARGS)
bench-payments: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.payments $(BENCH_ARGS)
bench-analytics: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.analytics $(BENCH_ARGS)
bench-flash: install
	TRYTOND_DATABASE__URI=$(PG_URI) $(PY) -m bench.flash $(BENCH_ARGS)

clean:
	rm -rf var/db var/artifacts ~/.cache/ecom-backoffice
