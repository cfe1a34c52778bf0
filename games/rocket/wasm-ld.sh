#!/usr/bin/env bash
# The rocket game's linker (see .cargo/config.toml): rust-lld, without the two exports
# rustc asks of every wasm module it links (`__heap_base` and `__data_end`; Debian's
# rustc 1.63 asks, newer ones do not). The rocket contract's exports are exactly the
# original 2017 module's: memory, resize, update, draw and the four toggles.
set -euo pipefail
# rustc takes a linker for wasm-ld by its name (this file's) and so leaves out the
# flavor rust-lld needs.
args=()
[ "${1:-}" = -flavor ] || args=(-flavor wasm)
for arg in "$@"; do
    case "$arg" in
        --export=__heap_base | --export=__data_end) ;;
        *) args+=("$arg") ;;
    esac
done
exec rust-lld "${args[@]}"
