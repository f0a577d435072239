#!/usr/bin/env bash
# What a NIO channel per connection costs: the same server (scripts/channel-cost: answer a
# connection's first read with a 100-byte page, half-close, close when the client does) built on a
# NIO channel per connection, on raw sockets in an epoll set of its own, and on raw sockets whose
# requests hop to a NIO event loop and back (flows on a thread of their own beside links on NIO),
# driven in turn by `ab -c 32` (no keep-alive). Prints connections per second and the server's CPU
# per connection (user + system, all threads, /proc/PID/stat), per round and as medians. Every
# connection is the router's per-flow work in miniature: the differences are what flows that are
# not NIO channels would save.
#
#   scripts/bench-channel.sh            (ROUNDS=4 rounds of REQUESTS=30000 per server)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rounds=${ROUNDS:-4}
requests=${REQUESTS:-30000}
command -v ab >/dev/null || { echo "missing ab: apt-get install apache2-utils"; exit 1; }
# Linked as `make release` links skiff (Swift's runtime in the binary): the NIO server pays what a router does.
build=(swift build -c release --static-swift-stdlib --package-path scripts/channel-cost)
"${build[@]}" >/dev/null
binary="$("${build[@]}" --show-bin-path)/channel-cost"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
servers="nio raw hop"
declare -A port pid rate cpu
read -r port[nio] port[raw] port[hop] <<<"$(free_ports 3)"
for name in $servers; do
  "$binary" "$name" "${port[$name]}" & pids+=($!); pid[$name]=$!
done
for name in $servers; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:${port[$name]}/" && break; sleep 0.1; done
  check_page "${port[$name]}" "$name"
done
for r in $(seq "$rounds"); do
  # The order rotates, so no server always goes first.
  case $((r % 3)) in 1) order="nio raw hop" ;; 2) order="raw hop nio" ;; *) order="hop nio raw" ;; esac
  for name in $order; do
    figure=$(connections "$requests" "${port[$name]}" "${pid[$name]}")
    rate[$name]+="${figure% *} "; cpu[$name]+="${figure#* } "
    sleep 1
  done
done
printf '%-40s %13s %13s %17s\n' "" "NIO channel" "raw epoll" "raw, hop to NIO"
printf '%-40s %13s %13s %17s\n' "connections/s (ab -c 32, median)" "$(median <<<"${rate[nio]}")" "$(median <<<"${rate[raw]}")" "$(median <<<"${rate[hop]}")"
printf '%-40s %13s %13s %17s\n' "server CPU per connection (µs, median)" "$(median <<<"${cpu[nio]}")" "$(median <<<"${cpu[raw]}")" "$(median <<<"${cpu[hop]}")"
echo "per round, connections/s: NIO ${rate[nio]}; raw ${rate[raw]}; hop ${rate[hop]}"
echo "per round, µs per connection: NIO ${cpu[nio]}; raw ${cpu[raw]}; hop ${cpu[hop]}"
