#!/usr/bin/env bash
# Checks the Containerfile's runtime stage where no container engine runs: a Debian bookworm
# root (debootstrap, minbase) with the packages the Containerfile's runtime stage installs (read
# from it), the binary built as its build stage builds it (static Swift runtime, stripped), and
# its user; then, as uid 10001, `skiff version`, `skiff apply` of a site (its router starts) and
# `skiff stop`. Root, debootstrap and Debian's mirror needed; everything made is removed.
# Usage: scripts/container-check.sh [ROOTFS_CACHE]   (a cached root is reused: debootstrap is slow)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "container-check: needs root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
rootfs=${1:-/var/tmp/skiff-bookworm-rootfs}
# The runtime stage's `apt-get install …` words up to the next `&&`, options dropped.
packages=$(sed -n '/^FROM .*debian:bookworm-slim/,$p' Containerfile | tr -d '\\\n' | sed 's/.*apt-get install//; s/&&.*//' \
  | tr ' ' '\n' | grep -E '^[a-z0-9]' | paste -sd, -)
echo "runtime packages (from the Containerfile): $packages"
[ -x "$rootfs/bin/sh" ] || debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" >/dev/null
make --no-print-directory release >/dev/null
binary=$(mktemp); cp .build/release/skiff "$binary"; strip "$binary"
work=$(mktemp -d -p "$rootfs/tmp")
cleanup() { umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$work" "$binary" "$rootfs/usr/local/bin/skiff" "$rootfs/var/lib/skiff"; }
trap cleanup EXIT
install -m 0755 "$binary" "$rootfs/usr/local/bin/skiff"
# The user, as the Containerfile makes it.
awk '/groupadd|useradd|install -d/' Containerfile | sed 's/^ *&& *//; s/ *\\$//; s/^RUN //' | while read -r line; do
  chroot "$rootfs" sh -c "$line" 2>/dev/null || true
done
chroot "$rootfs" id skiff
mount -t proc proc "$rootfs/proc"
site="${work#"$rootfs"}/net/west"; mkdir -p "$rootfs$site"
printf 'apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  linkAccess: default\n' > "$rootfs$site/site.yaml"
chmod -R a+rX "$work"
as_skiff() { chroot --userspec=10001:10001 "$rootfs" env HOME=/var/lib/skiff XDG_STATE_HOME=/var/lib XDG_CACHE_HOME=/var/cache /usr/local/bin/skiff "$@"; }
as_skiff version
as_skiff apply --site west --repo "${site%/west}" | grep -q "Site/west: Ready" || { echo "container-check: the site did not become Ready"; exit 1; }
as_skiff status --site west | grep -q "^Router: running" || { echo "container-check: no router running"; exit 1; }
as_skiff stop --site west
echo "container-check: the runtime stage runs skiff as uid 10001 ($(du -h "$binary" | cut -f1) binary; packages: $packages)"
