# JSM Pipeline — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
BUILD ?= build
VENV ?= .venv
PYTHON ?= python3
JOBS ?= $(shell nproc)
DATA_CSV ?= ../shared/data/sales_transactions_v4a.csv

.PHONY: all deps venv build run test unit pytest bench clean

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

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The pipeline end to end on the embedded defaults: embedded broker, ./lakehouse, synthetic orders.
run: build
	$(BUILD)/jsm run --until-drained

# Every test: C++ unit and integration tests (ctest), then the Python checks.
test: build venv
	cd $(BUILD) && ctest --output-on-failure -j 2
	JSM_BIN=$(abspath $(BUILD)/jsm) JSM_DATA_CSV=$(abspath $(DATA_CSV)) $(VENV)/bin/python -m pytest -v tests/e2e tests/python

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j 2

pytest: build venv
	JSM_BIN=$(abspath $(BUILD)/jsm) JSM_DATA_CSV=$(abspath $(DATA_CSV)) $(VENV)/bin/python -m pytest -v tests/e2e tests/python

bench: build venv
	JSM_BIN=$(abspath $(BUILD)/jsm) $(VENV)/bin/python bench/pipeline_bench.py --input $(DATA_CSV)

clean:
	rm -rf $(BUILD)
