#!/usr/bin/env bash
# Builds the rocket game to program.wasm; `--check` verifies the committed file is
# reproducible. See games/build-wasm.sh.
exec bash "$(dirname "$0")/../build-wasm.sh" "$(dirname "$0")" "$@"
