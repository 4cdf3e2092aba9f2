# make demo: set up everything, generate the sample batch, check it, print where the reports are.
# make test: set up everything, lint, and run the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng poppler-utils fonts-dejavu-core \
                   chromium chromium-driver
DEMO   ?= demo

.PHONY: setup system venv demo test lint format clean fuzz

setup: system venv

system:
	@bash scripts/ensure-system.sh $(SYSTEM_PACKAGES)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "sopcheck needs Python >= 3.11 (found $$($(PYTHON) --version)); set PYTHON=python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

demo: setup
	@rm -rf $(DEMO)
	$(BIN)/sopcheck sample $(DEMO)/batch
	@$(BIN)/sopcheck check $(DEMO)/batch --out $(DEMO)/report --jobs 2 --format json,md,junit,html,register --trust $(DEMO)/batch/sample-trust-root.pem; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo; echo "demo: reports written to $(DEMO)/report (exit code $$rc: the sample batch breaks rules on purpose)"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup lint
	$(BIN)/python -m pytest -q -n 2

# make fuzz: atheris (coverage-guided, libFuzzer) on the EXIF and manifest readers, FUZZ_SECONDS each.
# Not part of `make test`. The corpus grows in .fuzz/corpus; a crashing input lands in .fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_DIR     ?= .fuzz
fuzz: venv
	@$(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/python -m pip install -q atheris
	@$(BIN)/python fuzz/seeds.py $(FUZZ_DIR)/corpus
	@for h in fuzz/fuzz_*.py; do \
	  n=$$(basename $$h .py); echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  $(BIN)/python $$h $(FUZZ_DIR)/corpus/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$n- \
	    || { echo "fuzz: $$n found a crash, see $(FUZZ_DIR)/$$n-*" >&2; exit 1; }; \
	done

clean:
	rm -rf $(VENV) $(DEMO) sopcheck-report .pytest_cache .ruff_cache .fuzz
