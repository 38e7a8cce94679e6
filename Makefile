# mamori developer entry points. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= report
AS_OF  ?= 2026-11-29

.PHONY: demo test browser postgres lint typecheck unit dev wheel bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

## demo: install mamori and scan the bundled example estate; reports go to ./report/
demo: $(BIN)/python
	$(BIN)/pip install --quiet .
	@rc=0; $(BIN)/mamori scan --inventory examples/acme --config examples/acme/mamori.yaml \
	    --as-of $(AS_OF) --format console,json,csv,html --out $(OUT) || rc=$$?; \
	echo; echo "mamori exited with $$rc (0 clean, 1 failures found, 3 undecided findings)."; \
	echo "Reports: $(OUT)/mamori-report.html (open in a browser), .json, .csv"; \
	test $$rc -le 3 -a $$rc -ne 2

## test: build the wheel, install it with the test and dev tools, lint, type-check, run the suite
test: wheel browser postgres lint typecheck unit

## browser: headless Chromium for the HTML report test (Debian package; needs root,
## otherwise that test skips and says why)
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser test"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	else echo "no chromium and not root: the HTML browser test will be skipped"; fi

wheel: $(BIN)/python
	rm -rf dist build
	$(BIN)/pip install --quiet build
	$(BIN)/python -m build --wheel --outdir dist . >/dev/null
	$(BIN)/pip install --quiet "$$(ls dist/mamori-*.whl)[dev]"
	$(BIN)/pip install --quiet --force-reinstall --no-deps dist/mamori-*.whl

## postgres: PostgreSQL server binaries for the history-store tests (Debian package; the
## tests start their own throw-away cluster on 127.0.0.1, or skip and say why)
postgres:
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing postgresql for the history-store tests"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else echo "no postgresql and not root: the PostgreSQL history tests will be skipped"; fi

lint: $(BIN)/python
	$(BIN)/ruff check .

typecheck: $(BIN)/python
	$(BIN)/mypy -p mamori.checks -p mamori.ci -p mamori.providers -p mamori.reports -p mamori.rules
	$(BIN)/mypy --explicit-package-bases tests benchmarks

unit: $(BIN)/python
	$(BIN)/python -m pytest -n 2 -q

## dev: editable install for working on mamori
dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]' -C editable_mode=strict

## bench: whole mamori processes beside their parse floor (issue 13 targets); BENCH=--quick
bench: $(BIN)/python
	$(BIN)/pip install --quiet .
	$(BIN)/python -m benchmarks.bench $(BENCH)

clean:
	rm -rf $(VENV) dist build report mamori-report .mypy_cache .ruff_cache .pytest_cache
