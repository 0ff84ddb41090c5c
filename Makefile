# JSM Pipeline — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
BUILD ?= build
VENV ?= .venv
PYTHON ?= python3
JOBS ?= $(shell nproc)
DATA_CSV ?= ../shared/data/sales_transactions_v4a.csv

.PHONY: all deps venv build jsm run test unit pytest bench clean spark-jars
.PHONY: kafka-jars kafka-up kafka-down azurite-install azurite-up azurite-down bench-azure bench-ingest
.PHONY: dashboard browser-deps sanitize asan-build tsan fuzz

all: build

deps:
	@deploy/install-deps.sh

# Python checking peers (deltalake, pyarrow, pytest), pinned, in a project venv.
$(VENV)/.installed: tests/python/requirements.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/python/requirements.txt
	@touch $@

venv: deps $(VENV)/.installed

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja dashboard
	cmake --build $(BUILD) -j $(JOBS)

# Only what `make run` needs: the jsm binary (no tests, tools, fuzzers or benchmarks) and the dashboard.
jsm: deps $(BUILD)/build.ninja dashboard
	cmake --build $(BUILD) -j $(JOBS) --target jsm

# The live dashboard `jsm serve` serves at / (docs/dashboard.md): pinned npm packages
# (web/dashboard/package-lock.json) bundled by esbuild into web/dashboard/dist.
DASHBOARD := web/dashboard
$(DASHBOARD)/node_modules/.installed: $(DASHBOARD)/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is needed to build the dashboard (Node.js 20)" >&2; exit 1; }
	cd $(DASHBOARD) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DASHBOARD)/dist/index.html: $(DASHBOARD)/node_modules/.installed $(DASHBOARD)/build.mjs $(wildcard $(DASHBOARD)/src/*)
	cd $(DASHBOARD) && node build.mjs

dashboard: $(DASHBOARD)/dist/index.html

# playwright-core (pinned in tests/browser/package-lock.json) for the browser test; it drives
# Debian's chromium (deploy/debian-packages.txt) and never downloads a browser.
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser-deps: tests/browser/node_modules/.installed

# The pipeline end to end on the embedded defaults: embedded broker, ./lakehouse, synthetic orders.
run: jsm
	$(BUILD)/jsm run --until-drained

# Every test: C++ unit and integration tests (ctest), the Python checks, the Airflow DAG tests,
# a short chaos run, AddressSanitizer + UBSan with the fuzz targets (`make sanitize`), then
# ThreadSanitizer (`make tsan`). Each layer prints its wall time (README, "Tests").
LAYER = @echo "== layer $(1): $$(( $$(date +%s) - $$(cat $(BUILD)/.layer_start) )) s"; date +%s > $(BUILD)/.layer_start
test: build venv spark-jars kafka-jars azurite-install browser-deps airflow-venv
	@date +%s > $(BUILD)/.layer_start
	cd $(BUILD) && ctest --output-on-failure -j 2
	$(call LAYER,ctest)
	JSM_BIN=$(abspath $(BUILD)/jsm) JSM_DATA_CSV=$(abspath $(DATA_CSV)) $(VENV)/bin/python -m pytest -v --durations=15 tests/e2e tests/python
	$(call LAYER,pytest)
	$(MAKE) --no-print-directory airflow-test
	$(call LAYER,airflow)
	$(MAKE) --no-print-directory chaos CHAOS_ARGS="--kills 24 --maintenance-kills 8 --broker-restarts 2 --pauses 1"
	$(call LAYER,chaos (short))
	$(MAKE) --no-print-directory sanitize
	$(call LAYER,sanitize (build and tests))
	$(MAKE) --no-print-directory tsan
	$(call LAYER,tsan (build and tests))

# Sanitizer builds with clang (cmake/sanitizers.cmake, docs/fuzzing.md). A sanitizer report fails the test.
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
SANITIZER_CC ?= clang-16
SANITIZER_CXX ?= clang++-16
SANITIZER_CMAKE = cmake -S . -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=$(SANITIZER_CC) \
	-DCMAKE_CXX_COMPILER=$(SANITIZER_CXX)
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
TSAN_ENV = TSAN_OPTIONS=suppressions=$(abspath tests/sanitizers/tsan.supp):halt_on_error=1:second_deadlock_stack=1
# What ThreadSanitizer runs: the integration tests (every stage on its own thread) and the pipeline
# and serve unit tests.
TSAN_TARGETS ?= integration_tests pipeline_tests serve_tests
TSAN_LABELS ?= integration|unit

$(ASAN_BUILD)/build.ninja: CMakeLists.txt cmake/sanitizers.cmake
	$(SANITIZER_CMAKE) -B $(ASAN_BUILD) -DJSM_SANITIZE=address,undefined

$(TSAN_BUILD)/build.ninja: CMakeLists.txt cmake/sanitizers.cmake
	$(SANITIZER_CMAKE) -B $(TSAN_BUILD) -DJSM_SANITIZE=thread

asan-build: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# AddressSanitizer + UndefinedBehaviorSanitizer: unit and integration tests, each fuzz target briefly.
sanitize: asan-build
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -L 'unit|integration|fuzz' -j 2

# ThreadSanitizer: only $(TSAN_TARGETS) are built; ctest runs the tests of those binaries.
tsan: deps $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target $(TSAN_TARGETS)
	cd $(TSAN_BUILD) && $(TSAN_ENV) ctest --output-on-failure -L '$(TSAN_LABELS)' -j 2

# A fuzzing campaign: every target FUZZ_SECONDS on its own (work corpus kept in
# $(ASAN_BUILD)/fuzz/campaign/<name>/corpus between campaigns), then a line of figures per target.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz: asan-build
	@set -o pipefail; failed=0; while read -r name binary seeds dict; do \
	  if [[ -n "$(FUZZ_TARGETS)" && " $(FUZZ_TARGETS) " != *" $$name "* ]]; then continue; fi; \
	  echo "== $$name: $(FUZZ_SECONDS) s" >&2; \
	  $(ASAN_ENV) tests/fuzz/run_target.sh --keep --quiet "$$binary" $(abspath $(ASAN_BUILD))/fuzz/campaign/$$name \
	    $(FUZZ_SECONDS) "$$dict" "$$seeds" -- -timeout=10 -rss_limit_mb=2048 \
	    | tee -a $(ASAN_BUILD)/fuzz/campaign.txt || failed=1; \
	done < $(ASAN_BUILD)/fuzz/targets.txt; \
	echo "figures: $(ASAN_BUILD)/fuzz/campaign.txt"; exit $$failed

# Delta Lake jars for the Spark checks, from Maven Central into deploy/spark/jars (versions in the pom).
SPARK_JARS := deploy/spark/jars
$(SPARK_JARS)/.installed: deploy/spark/pom.xml
	rm -rf $(SPARK_JARS)
	mvn -q -B -f deploy/spark/pom.xml dependency:copy-dependencies -DoutputDirectory=jars -DexcludeTransitive=true
	@touch $@

spark-jars: $(SPARK_JARS)/.installed

# A real Apache Kafka broker (KRaft) from Maven Central jars in deploy/kafka/.cache/lib (see docs/kafka.md).
# `make kafka-up` starts one broker on 127.0.0.1:9092, `make kafka-up BROKERS=3` three (9092-9094).
BROKERS ?= 1
KAFKA_JARS := deploy/kafka/.cache/lib
$(KAFKA_JARS)/.installed: deploy/kafka/pom.xml
	deploy/kafka/fetch.sh
	@touch $@

kafka-jars: $(KAFKA_JARS)/.installed

kafka-up: deps kafka-jars
	deploy/kafka/up.sh $(BROKERS)

kafka-down:
	deploy/kafka/down.sh

# Azurite, the Azure Storage emulator (npm, pinned in deploy/azurite/package-lock.json; see docs/azure.md).
# `make azurite-up` serves blobs on 127.0.0.1:10000 (JSM_AZURITE_PORT=0 picks a free port).
azurite-install:
	@bash -c 'source deploy/azurite/lib.sh && azurite_install'

azurite-up:
	deploy/azurite/up.sh

azurite-down:
	deploy/azurite/down.sh

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j 2

pytest: build venv spark-jars kafka-jars azurite-install browser-deps
	JSM_BIN=$(abspath $(BUILD)/jsm) JSM_DATA_CSV=$(abspath $(DATA_CSV)) $(VENV)/bin/python -m pytest -v tests/e2e tests/python

bench: build venv
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/pipeline_bench.py --input $(DATA_CSV)
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/parquet_vs_pyarrow.py --input $(DATA_CSV)
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/delta_log_bench.py --commits 10000
	$(MAKE) bench-ingest

# Local disk against Azure Blob Storage on Azurite, same data (see docs/azure.md).
bench-azure: build venv azurite-install
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/azure_bench.py --input $(DATA_CSV)

# Ingest from a real broker (started on free ports by deploy/kafka/up.sh) with one and two consumer processes.
bench-ingest: build venv kafka-jars
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/ingest_bench.py --input $(DATA_CSV)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)

# Apache Airflow (issue 7) in its own venv: its pins clash with pyspark/deltalake of $(VENV). See docs/airflow.md.
AIRFLOW_VENV ?= .venv-airflow
AIRFLOW_REQ := orchestration/airflow/requirements.txt orchestration/airflow/constraints.txt
.PHONY: airflow-venv airflow-test airflow-up airflow-down
$(AIRFLOW_VENV)/.installed: $(AIRFLOW_REQ)
	@test -x $(AIRFLOW_VENV)/bin/python || python3.11 -m venv $(AIRFLOW_VENV) || $(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/pip install -q --disable-pip-version-check -r orchestration/airflow/requirements.txt -c orchestration/airflow/constraints.txt
	@touch $@

airflow-venv: $(AIRFLOW_VENV)/.installed

airflow-test: build venv airflow-venv
	JSM_BIN=$(abspath $(BUILD)/jsm) JSM_DATA_CSV=$(abspath $(DATA_CSV)) JSM_PEER_PYTHON=$(abspath $(VENV)/bin/python) $(AIRFLOW_VENV)/bin/python -m pytest -v tests/airflow

airflow-up: build airflow-venv
	orchestration/airflow/up.sh

airflow-down:
	orchestration/airflow/down.sh

# The chaos suite (docs/faults.md): a real Kafka, faults injected into a running pipeline, then
# bronze/silver/gold checked exactly and every table version read by delta-rs. `make test` runs a
# short one; `make chaos` runs 100 kills (CHAOS_ARGS="--kills N --brokers 3 ..." to change it).
CHAOS_ARGS ?= --kills 100
.PHONY: chaos
chaos: build venv kafka-jars
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python tests/chaos/chaos.py $(CHAOS_ARGS)
