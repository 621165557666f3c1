# Two commands do all the setup on a fresh machine: `make run` and `make test`.
PYTHON := $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bootstrap migrate seed lint chromium bench clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

bootstrap: $(STAMP)

migrate: bootstrap
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	@$(FLASK) demo-info --base-url http://$(HOST):$(PORT)
	@# The job queue's worker (huey consumer: webhooks, large exports) runs beside the server and stops with it.
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --worker-class gthread --workers 1 --threads 8 --keep-alive 5 \
		--bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Browser tests drive Debian's Chromium, PDF reports embed DejaVu Sans, the spreadsheet tests
# open exports in LibreOffice Calc; install them when missing (CI runs as root).
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || ! command -v soffice >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core libreoffice-calc-nogui >/dev/null; \
		else echo "Pasang paket Debian 'chromium', 'fonts-dejavu-core' dan 'libreoffice-calc-nogui' agar tes peramban, PDF dan lembar kerja bisa berjalan." >&2; fi; \
	fi

test: bootstrap chromium
	$(BIN)/python -m pytest -q

lint: bootstrap
	$(BIN)/ruff check .

# bench/bench_submit.py drives gunicorn with wrk; install Debian's wrk when missing (as root).
bench: bootstrap
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "Pasang paket Debian 'wrk' agar bench/bench_submit.py bisa berjalan." >&2; fi; \
	fi
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
