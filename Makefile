# Candor: `make run` serves the app with demo data; `make test` runs every check. Both bootstrap what they need.
PORT ?= 8000
HOST ?= 127.0.0.1
export UV_PYTHON_DOWNLOADS ?= never

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen

.PHONY: run test lint fmt typecheck pytest bench bootstrap browser migrate demo clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

bootstrap: $(UV)
	$(UV) sync --frozen --quiet

migrate: bootstrap
	$(RUN) candor db upgrade

demo: migrate
	$(RUN) candor demo load

run: demo
	@echo "Candor is starting at http://$(HOST):$(PORT)"
	$(RUN) candor serve --host $(HOST) --port $(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; browser tests will be skipped"; }

lint: bootstrap
	$(RUN) ruff check src tests migrations bench
	$(RUN) ruff format --check src tests migrations bench

typecheck: bootstrap
	$(RUN) mypy

pytest: bootstrap browser
	$(RUN) pytest $(PYTEST_ARGS)

test: lint typecheck pytest

fmt: bootstrap
	$(RUN) ruff check --fix src tests migrations bench
	$(RUN) ruff format src tests migrations bench

bench: migrate
	$(RUN) python -m bench

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache test-artifacts
