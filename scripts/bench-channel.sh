#!/usr/bin/env bash
# What a NIO channel per connection costs: the same one-thread server (scripts/channel-cost: answer
# a connection's first read with a 100-byte page, half-close, close when the client does) built on
# a NIO channel per connection and on raw sockets in an epoll set of its own, driven alternately by
# `ab -c 32` (no keep-alive). Prints connections per second and the server's CPU per connection
# (user + system, /proc/PID/stat), per round and as medians. Every connection is the router's
# per-flow work in miniature: the difference is what flows that are not NIO channels would save.
#
#   scripts/bench-channel.sh            (ROUNDS=4 rounds of REQUESTS=30000 per server)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rounds=${ROUNDS:-4}
requests=${REQUESTS:-30000}
command -v ab >/dev/null || { echo "missing ab: apt-get install apache2-utils"; exit 1; }
swift build -c release --package-path scripts/channel-cost >/dev/null
binary="$(swift build -c release --package-path scripts/channel-cost --show-bin-path)/channel-cost"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
read -r nio_port raw_port <<<"$(free_ports 2)"
"$binary" nio "$nio_port" & pids+=($!); nio_pid=$!
"$binary" raw "$raw_port" & pids+=($!); raw_pid=$!
declare -A port=([nio]=$nio_port [raw]=$raw_port) pid=([nio]=$nio_pid [raw]=$raw_pid) rate cpu
for name in nio raw; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:${port[$name]}/" && break; sleep 0.1; done
  check_page "${port[$name]}" "$name"
done
for r in $(seq "$rounds"); do
  # The order alternates, so neither server always goes first.
  if [ $((r % 2)) -eq 1 ]; then order="nio raw"; else order="raw nio"; fi
  for name in $order; do
    figure=$(connections "$requests" "${port[$name]}" "${pid[$name]}")
    rate[$name]+="${figure% *} "; cpu[$name]+="${figure#* } "
    sleep 1
  done
done
printf '%-44s %14s %14s\n' "" "NIO channel" "raw epoll"
printf '%-44s %14s %14s\n' "connections/s (ab -c 32, median)" "$(median <<<"${rate[nio]}")" "$(median <<<"${rate[raw]}")"
printf '%-44s %14s %14s\n' "server CPU per connection (µs, median)" "$(median <<<"${cpu[nio]}")" "$(median <<<"${cpu[raw]}")"
echo "per round, connections/s: NIO ${rate[nio]}; raw ${rate[raw]}"
echo "per round, µs per connection: NIO ${cpu[nio]}; raw ${cpu[raw]}"
