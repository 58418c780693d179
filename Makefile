# Hegemon — one-command setup, build, test and benchmarks.
#
# All cargo invocations share ONE target directory outside the clone, so the CI run after a
# session (and every later build) is warm. Override with CARGO_TARGET_DIR=... if you like.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/hegemon/target
CARGO ?= cargo

# Crates that must also build `no_std` for the runtime's WASM target.
NO_STD_CRATES := hegemon-crypto transaction-circuit hegemon-merkle hegemon-da

.PHONY: help setup build build-wasm wasm-size test bench bench-import run fmt lint node devnet demo

help:
	@echo "make setup   install system packages (protoc) and the Rust toolchain/targets (idempotent)"
	@echo "make run     the main job today: wallet crypto demo + transaction proof benchmark (JSON)"
	@echo "make test    all tests, plus the no_std/WASM build of runtime-facing crates"
	@echo "make build   debug build of the workspace and the WASM checks"
	@echo "make bench   benchmarks, one JSON line each"
	@echo "make node    release build of hegemon-node;  make devnet  run a mining dev chain"
	@echo "make demo    dev node + wallet: 1,000 shielded transfers, then a restored wallet finds every note"
	@echo "make fmt     format;  make lint  rustfmt check + clippy -D warnings"

setup:
	@./scripts/setup.sh

WASM_BLOB = $(CARGO_TARGET_DIR)/debug/wbuild/hegemon-runtime/hegemon_runtime.wasm

build: build-wasm
	$(CARGO) build --workspace --all-targets
	@$(MAKE) --no-print-directory wasm-size

# The runtime is built to WASM by its build script; report the blob's size.
wasm-size:
	@test -f $(WASM_BLOB) && echo "runtime WASM: $$(stat -c %s $(WASM_BLOB)) bytes ($(WASM_BLOB))" || echo "runtime WASM not built (SKIP_WASM_BUILD?)"

# The runtime links these crates into WASM: keep them building for wasm32v1-none without std.
build-wasm:
	@for c in $(NO_STD_CRATES); do \
		echo "== no_std build of $$c for wasm32v1-none"; \
		$(CARGO) build --release -p $$c --no-default-features --target wasm32v1-none || exit 1; \
	done

test: build-wasm
	$(CARGO) test --workspace
	@$(MAKE) --no-print-directory wasm-size

bench:
	$(CARGO) bench -p hegemon-crypto --bench crypto
	$(CARGO) run --release -p circuits-bench -- --json --prove
	$(CARGO) bench -p hegemon-merkle --bench tree
	$(CARGO) bench -p hegemon-da --bench da
	@$(MAKE) --no-print-directory bench-import

# The node's import pipeline: proves 1,296 real transfers first (a few minutes on 2 cores).
bench-import:
	$(CARGO) bench --workspace --bench import --profile dev -- --sizes 16,256,1024

run:
	$(CARGO) run --release -p hegemon-crypto --example wallet_demo
	$(CARGO) run --release -p circuits-bench -- --smoke --json --prove

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

NODE_BIN = $(CARGO_TARGET_DIR)/release/hegemon-node

node:
	$(CARGO) build --release -p hegemon-node
	@if [ ! -e target ] || [ -L target ]; then ln -sfn "$(CARGO_TARGET_DIR)" target; fi
	@echo "built $(NODE_BIN); run ./target/release/hegemon-node --dev --tmp"

# A throwaway mining single-node chain; JSON-RPC on 127.0.0.1:9944.
devnet: node
	$(NODE_BIN) --dev --tmp

# The end-to-end demo (docs/demo.md): a dev node, a wallet funded by mining, DEMO_TRANSFERS
# shielded transfers, a restored wallet that finds every note. The dev profile already optimises
# the proving, hashing and encryption crates, and shares the warm test build.
DEMO_TRANSFERS ?= 1000
# Built like `make test` builds (whole workspace, dev-dependency features unified), so the two
# share every artefact.
demo:
	$(CARGO) build --workspace --bins --examples
	$(CARGO_TARGET_DIR)/debug/examples/demo \
		--node-bin $(CARGO_TARGET_DIR)/debug/hegemon-node --transfers $(DEMO_TRANSFERS)
