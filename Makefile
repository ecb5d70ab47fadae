# Kiln's two everyday commands are `make run` and `make test`; the rest are their steps.

SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8787
DATA_DIR ?= ./kiln-data
RUNTIME ?= simulated
KILN_DEBUG := .build/debug/kiln
KILN_RELEASE := .build/release/kiln

.PHONY: run test test-cluster build release unit-test e2e generate check-generated lint bench bench-cluster torture soak fuzz clean

## run: build a release binary and serve on 127.0.0.1:8787 with state in ./kiln-data (RUNTIME=qemu boots instances)
run: release
	$(KILN_RELEASE) serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR) --runtime $(RUNTIME)

## test: every test: generated code up to date, Swift tests, then end-to-end tests on the same build
test:
	scripts/install-deps.sh test
	$(MAKE) check-generated
	$(MAKE) lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest
	KILN_BIN=$(KILN_DEBUG) python3 -m pytest -q tests/e2e

## test-cluster: the end-to-end suite against two kiln nodes sharing a throw-away PostgreSQL and SeaweedFS, requests alternating between them
test-cluster: build
	scripts/install-deps.sh test
	KILN_CLUSTER=postgres KILN_BLOCKS=seaweedfs KILN_BIN=$(KILN_DEBUG) python3 -m pytest -q tests/e2e

build:
	scripts/install-deps.sh build
	$(SWIFT) build

release:
	scripts/install-deps.sh build
	$(SWIFT) build -c release --product kiln

unit-test:
	$(SWIFT) test --disable-xctest

e2e: build
	KILN_BIN=$(KILN_DEBUG) python3 -m pytest -q tests/e2e

## generate: rewrite Sources/KilnWire/Generated from botocore's models and codegen/operations.json, and the instance type table from moto's data
generate:
	scripts/install-deps.sh build
	python3 codegen/generate.py
	python3 codegen/reference_data.py

## lint: swift-format's lint with the repository's .swift-format, on every hand-written Swift file; a finding fails
lint:
	find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | xargs -0 $(SWIFT) format lint --strict

check-generated:
	python3 codegen/generate.py --check
	python3 codegen/reference_data.py --check

## bench: Kiln against moto_server, side by side (release build)
bench: release
	scripts/install-deps.sh bench
	KILN_BIN=$(KILN_RELEASE) python3 bench/run.py

## soak: 200 concurrent clients of mixed calls for 10 minutes against a release build (make test runs 20 for 30 s)
soak: release
	KILN_BIN=$(KILN_RELEASE) python3 bench/soak.py --clients 200 --seconds 600

## torture: the long kill -9 torture, 200 rounds, a new data directory every 20 (make test runs 10)
torture: build
	KILN_BIN=$(KILN_DEBUG) python3 bench/torture.py --rounds 200 --fresh-every 20

## fuzz: every fuzz target under libFuzzer, 10 minutes each (SECONDS_EACH=...); crashes join Fuzz/Corpus, which make test replays
fuzz:
	Fuzz/run.sh

clean:
	rm -rf .build
