#!/usr/bin/env bash
# Benchmark: link-state routing with 50, 100 and 200 router processes in a random mesh on loopback
# (Tests/Tools/mesh_bench.py): time until every router's routes are the ones a shortest-path
# computation gives, link-state messages per router, and the same after a router leaves, joins
# and a link goes and comes back. Usage: scripts/bench-mesh.sh [path/to/skiff] [sizes...]
set -euo pipefail
skiff="${1:-.build/release/skiff}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50 100 200)
command -v openssl >/dev/null || { echo "needs openssl"; exit 1; }
# Each router holds a few descriptors per link and its management socket.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 "$(dirname "$0")/../Tests/Tools/mesh_bench.py" "$skiff" "${sizes[@]}" --events
