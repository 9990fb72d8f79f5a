#!/usr/bin/env bash
# Release build: scripts/release.sh [TARGET...]
#
# Writes dist/ujilab-VERSION-TARGET.tar.gz for each target (the binary, bash/zsh/
# fish completions, man pages, README and docs/) and dist/SHA256SUMS. Without
# arguments: the host target, then every other Linux target of
# {x86_64,aarch64}-unknown-linux-{musl,gnu} that rustup has installed and can link.
#
# The binaries are static: musl targets are static by nature; a -gnu target is
# linked with glibc's static libraries (crt-static), so that one file runs on any
# Linux of its architecture and in a FROM scratch image (Containerfile). Name
# lookup then uses glibc's built-in files and dns sources only (no NSS plugins
# such as mdns or sss).
#
# Reproducible: the dist profile of Cargo.toml (fat LTO, one codegen unit,
# stripped), --locked, SOURCE_DATE_EPOCH from the commit (the build date that
# --version shows, and every mtime in the tarball), source paths remapped, tar
# entries sorted with fixed owners, gzip without a timestamp.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
host="$(rustc -vV | sed -n 's/^host: //p')"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
dist="${DIST:-dist}"
mkdir -p "$dist"

installed="$(rustup target list --installed 2>/dev/null || echo "$host")"
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=("$host")
  for candidate in x86_64-unknown-linux-musl x86_64-unknown-linux-gnu \
                   aarch64-unknown-linux-musl aarch64-unknown-linux-gnu; do
    [ "$candidate" = "$host" ] && continue
    if grep -qx "$candidate" <<<"$installed"; then
      targets+=("$candidate")
    else
      echo "note: $candidate skipped: its Rust standard library is not installed (rustup target add $candidate)"
    fi
  done
fi

# A cross target needs a C linker for it (ring compiles C): aarch64-linux-gnu-gcc
# from Debian's gcc-aarch64-linux-gnu.
linker_for() {
  case "$1" in
    "$host") echo "" ;;
    aarch64-*) command -v aarch64-linux-gnu-gcc || echo "missing" ;;
    x86_64-*) command -v x86_64-linux-gnu-gcc || command -v cc || echo "missing" ;;
    *) echo "missing" ;;
  esac
}

remap="--remap-path-prefix=$PWD=/ujilab --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
built=()
for target in "${targets[@]}"; do
  linker="$(linker_for "$target")"
  if [ "$linker" = "missing" ]; then
    echo "note: $target skipped: no C linker for it"
    continue
  fi
  static=""
  case "$target" in *-linux-gnu) static="-C target-feature=+crt-static" ;; esac
  env_name="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER"
  echo "== cargo build --profile dist --target $target"
  if [ -n "$linker" ]; then export "$env_name=$linker"; fi
  RUSTFLAGS="$static $remap" cargo build --profile dist --locked --quiet --target "$target" -p ujilab
  built+=("$target")
done
[ "${#built[@]}" -gt 0 ] || { echo "error: nothing was built" >&2; exit 1; }

# Completions and man pages come from the clap definitions: any built binary that
# runs here writes them (the host's, built first).
generator="target/$host/dist/ujilab"
[ -x "$generator" ] || generator="target/${built[0]}/dist/ujilab"

for target in "${built[@]}"; do
  name="ujilab-$version-$target"
  stage="$(mktemp -d)/$name"
  mkdir -p "$stage/completions" "$stage/man"
  cp "target/$target/dist/ujilab" "$stage/ujilab"
  "$generator" completions bash >"$stage/completions/ujilab.bash"
  "$generator" completions zsh >"$stage/completions/_ujilab"
  "$generator" completions fish >"$stage/completions/ujilab.fish"
  "$generator" man --out "$stage/man"
  cp README.md "$stage/"
  cp -r docs "$stage/docs"
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$(dirname "$stage")" -cf - "$name" | gzip -9 -n >"$dist/$name.tar.gz"
  rm -rf "$(dirname "$stage")"
  echo "$dist/$name.tar.gz"
done

(cd "$dist" && sha256sum ujilab-*.tar.gz >SHA256SUMS)
echo "== $dist/SHA256SUMS"
cat "$dist/SHA256SUMS"
for target in "${built[@]}"; do
  ls -l "target/$target/dist/ujilab"
done
