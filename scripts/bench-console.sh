#!/usr/bin/env bash
# Benchmark: what the console's network-wide figures cost with 50 routers and 1,000 services, idle
# and with every site's figures changing, and how fast the console's first load is
# (Tests/Tools/console_bench.py). Usage: scripts/bench-console.sh [path/to/skiff] [routers] [services]
set -euo pipefail
skiff="${1:-.build/release/skiff}"
routers="${2:-50}"
services="${3:-1000}"
command -v openssl >/dev/null || { echo "needs openssl"; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 "$(dirname "$0")/../Tests/Tools/console_bench.py" "$skiff" "$routers" "$services" ${SECONDS_PER_PHASE:+--seconds "$SECONDS_PER_PHASE"}
