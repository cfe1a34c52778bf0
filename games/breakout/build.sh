#!/usr/bin/env bash
# Builds breakout to program.wasm; `--check` verifies the committed file is
# reproducible. See games/build-wasm.sh.
exec bash "$(dirname "$0")/../build-wasm.sh" "$(dirname "$0")" "$@"
