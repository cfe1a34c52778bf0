#!/usr/bin/env bash
# Builds the workloads benchmark programs to program.wasm; `--check` verifies the committed file is
# reproducible. See games/build-wasm.sh.
exec bash "$(dirname "$0")/../../../games/build-wasm.sh" "$(dirname "$0")" "$@"
