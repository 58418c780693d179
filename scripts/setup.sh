#!/usr/bin/env bash
# Idempotent machine setup: system packages the build needs, and the pinned Rust toolchain.
set -euo pipefail

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)   # sc-network, litep2p
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)                   # CashVM test vectors
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v rustup >/dev/null 2>&1; then
  echo "setup: rustup is required (https://rustup.rs); install it and re-run make setup" >&2
  exit 1
fi
# rust-toolchain.toml pins the channel, components and the wasm32v1-none target; this makes
# rustup install all of them now rather than on first use.
cd "$(dirname "$0")/.."
rustup show active-toolchain >/dev/null
rustup target add wasm32v1-none >/dev/null
echo "setup: ok ($(rustc --version), protoc $(protoc --version | cut -d' ' -f2))"
