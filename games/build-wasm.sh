#!/usr/bin/env bash
# Builds one crate (a game under games/, or a benchmark program under bench/programs/) to
# wasm and copies it to its program.wasm.
#
#   bash games/build-wasm.sh GAME_DIR          rustup's wasm32-unknown-unknown target if it
#                                              is installed, else Debian's rustc/cargo
#                                              (installed if missing)
#   bash games/build-wasm.sh GAME_DIR --check  rebuild with Debian's toolchain in a fresh
#                                              target directory; fail if the result differs
#                                              from the committed program.wasm
#
# Committed program.wasm files are Debian's builds (rustc 1.63, libstd-rust-dev-wasm32), so
# `--check` reproduces them bit for bit on any Debian 12 machine: each crate pins its
# release profile, and paths that differ between machines are remapped.
#
# A crate may hold a file `rustflags`: its words are added to RUSTFLAGS (target features,
# e.g. `-C target-feature=+bulk-memory`).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
game_dir=$(cd "$1" && pwd)
mode=${2:-}
cd "$game_dir"
game=$(basename "$game_dir")
# The crate's folder as the repository names it (games/rocket, bench/programs/lz).
shown=$(realpath --relative-to="$repo" "$game_dir")
crate=$(sed -n 's/^name = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
target=wasm32-unknown-unknown
out=program.wasm
extra_flags=$(cat rustflags 2>/dev/null || true)

debian_toolchain() {
    local packages=(rustc cargo libstd-rust-dev-wasm32 lld) missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "error: Debian's wasm toolchain is missing; install it with:" >&2
            echo "  sudo apt-get install ${packages[*]}" >&2
            echo "or use rustup: rustup target add $target" >&2
            exit 1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc
    cargo_bin=/usr/bin/cargo
}

rustup_has_target() {
    command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$target"
}

build() { # TARGET_DIR
    RUSTFLAGS="--remap-path-prefix=$game_dir=/$game --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo $extra_flags" \
        CARGO_TARGET_DIR="$1" "$cargo_bin" build --quiet --release --locked --target "$target"
    echo "$1/$target/release/${crate//-/_}.wasm"
}

if [ "$mode" = "--check" ]; then
    debian_toolchain
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    built=$(build "$scratch")
    if ! cmp -s "$built" "$out"; then
        echo "error: $shown/$out differs from a fresh build with Debian's toolchain" >&2
        echo "  committed: $(wc -c <"$out") bytes, rebuilt: $(wc -c <"$built") bytes" >&2
        echo "  rebuild it with: bash $shown/build.sh (on Debian 12)" >&2
        exit 1
    fi
    echo "$shown/$out is reproducible ($(wc -c <"$out") bytes)"
    exit 0
fi

if rustup_has_target; then
    cargo_bin=cargo
    echo "building with rustup's $target target" >&2
else
    debian_toolchain
    echo "building with Debian's toolchain ($(/usr/bin/rustc --version))" >&2
fi
built=$(build target)
cp "$built" "$out"
echo "wrote $shown/$out ($(wc -c <"$out") bytes)"
