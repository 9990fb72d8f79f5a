#!/usr/bin/env bash
# Builds the container image (Containerfile) from the static release binary and
# checks it: scripts/container.sh [--check] [TAG]
#
# Lays out dist/container/ (the binary of scripts/release.sh for the host target,
# Debian's CA bundle, and Debian's static BusyBox for the ujilab-shell target), then
# builds `ujilab:TAG` and `ujilab:TAG-shell` with podman, buildah or docker. Nothing
# is pulled: the base is scratch.
#
# --check, also when no builder works: lists what the image holds (or, without a
# builder, what the context would put in it) and fails unless it is exactly the
# binary, the CA bundle and /tmp; checks the binary is static and runs as it
# would in the image (an empty root); with a runtime, runs `ujilab --version` and
# `ujilab demo` in the image as user 65534, without network.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
if [ "${1:-}" = "--check" ]; then check=true; shift; fi
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
tag="${1:-$version}"
host="$(rustc -vV | sed -n 's/^host: //p')"
binary="${UJILAB_BINARY:-target/$host/dist/ujilab}"
context=dist/container

[ -x "$binary" ] || { echo "error: $binary is missing: run scripts/release.sh first" >&2; exit 1; }
# Static: no shared library needed (a static-pie has a dynamic section, without NEEDED).
needs_libraries() { readelf -d "$1" 2>/dev/null | grep -q '(NEEDED)'; }
if needs_libraries "$binary"; then
  echo "error: $binary is dynamically linked; the image has no libc (scripts/release.sh builds it static)" >&2
  exit 1
fi
ca=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca" ] || { echo "error: $ca is missing (Debian's ca-certificates)" >&2; exit 1; }

rm -rf "$context"
mkdir -p "$context/rootfs/tmp"
cp "$binary" "$context/ujilab"
cp "$ca" "$context/ca-certificates.crt"
if [ -x /bin/busybox ] && ! needs_libraries /bin/busybox; then
  cp /bin/busybox "$context/busybox"
fi

builder=""
for candidate in podman buildah docker; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  # A docker client without a daemon cannot build.
  [ "$candidate" != docker ] || docker info >/dev/null 2>&1 || continue
  builder="$candidate"
  break
done

built=false
if [ -n "$builder" ]; then
  build=(bud)
  [ "$builder" = buildah ] || build=(build)
  echo "== $builder ${build[*]} -t ujilab:$tag"
  "$builder" "${build[@]}" -q -f Containerfile -t "ujilab:$tag" "$context"
  if [ -e "$context/busybox" ]; then
    "$builder" "${build[@]}" -q -f Containerfile --target ujilab-shell -t "ujilab:$tag-shell" "$context"
  fi
  built=true
else
  echo "note: no container builder (podman, buildah, docker); checking the image's contents from the context"
fi

$check || exit 0

echo "== what the image holds"
if $built && [ "$builder" != docker ] && command -v podman >/dev/null 2>&1; then
  # The image's own layers, not what a runtime would add (/etc/hosts, /proc).
  # Files only (folders such as /tmp and /work are not listed).
  holds="$(podman image save "ujilab:$tag" | tar -xO --wildcards '*.tar' | tar -ti \
           | grep -v '/$' | sed 's#^\./##' | sort -u)"
else
  # The destinations of the COPY lines of the Containerfile's `base` and `ujilab`
  # stages (folders such as /tmp are not listed).
  holds="$(awk '/^FROM /{stage=($0 ~ / AS (base|ujilab)$/)} stage && /^COPY /{print $NF}' Containerfile \
           | grep -v -x / | sed 's#^/##' | sort -u)"
fi
echo "$holds"
for file in usr/local/bin/ujilab etc/ssl/certs/ca-certificates.crt; do
  grep -qx "$file" <<<"$holds" || { echo "error: the image lacks $file" >&2; exit 1; }
done
extra="$(grep -vx -e usr/local/bin/ujilab -e etc/ssl/certs/ca-certificates.crt <<<"$holds" || true)"
[ -z "$extra" ] || { echo "error: the image holds more than ujilab and the CA roots: $extra" >&2; exit 1; }

echo "== the binary in an empty root, as user 65534 (no libc, no /etc)"
root="$(mktemp -d)"
chmod 755 "$root"
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc/ssl/certs"
chmod 1777 "$root/tmp"
cp "$context/ujilab" "$root/usr/local/bin/ujilab"
cp "$context/ca-certificates.crt" "$root/etc/ssl/certs/"
chroot --userspec=65534:65534 "$root" /usr/local/bin/ujilab --version
rm -rf "$root"

if $built && [ "$builder" = podman ]; then
  echo "== ujilab in the image: --version and the demo, user 65534, no network"
  # runc and explicit limits: this machine's sandbox refuses crun's cgroups and
  # raising limits; elsewhere plain `podman run` does the same.
  run=(podman)
  command -v runc >/dev/null 2>&1 && run+=(--runtime runc)
  run+=(run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
  "${run[@]}" "ujilab:$tag" --version
  [ "$("${run[@]}" --entrypoint /usr/local/bin/ujilab "ujilab:$tag" --version | head -1)" = "ujilab $version" ]
  user="$(podman image inspect --format '{{.Config.User}}' "ujilab:$tag")"
  [ "$user" = "65534:65534" ] || { echo "error: the image runs as '$user', not 65534" >&2; exit 1; }
  "${run[@]}" "ujilab:$tag" demo --quiet --no-progress --out /tmp/demo
  if [ -e "$context/busybox" ]; then
    "${run[@]}" "ujilab:$tag-shell" sh -c 'ujilab --version >/dev/null && SHARD=$((0 + 1)) && [ "$SHARD" -eq 1 ] && echo "shell image: ok"'
  fi
fi
echo "container check: ok"
