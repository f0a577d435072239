#!/usr/bin/env bash
# Benchmark: how fast git reaches the data plane, and what a no-change cycle costs.
#   1. time from `git commit` to traffic flowing through a new listener, with the webhook and with polling
#   2. reconcile time with 1,000 listeners and connectors at one site when nothing changed
# Usage: scripts/bench-reconcile.sh [path/to/skiff]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
skiff="$(cd "$(dirname "${1:-.build/release/skiff}")" && pwd)/$(basename "${1:-.build/release/skiff}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$skiff" stop --site west --state-dir "$work/state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { python3 -c 'import time; print(time.monotonic())'; }

read -r echo_port http_port <<<"$(free_ports 2)"
python3 "$root/Tests/Tools/echo_server.py" "$echo_port" >/dev/null & pids+=($!)

# A site with 500 listeners and 500 connectors (listeners on free ports, connectors to the echo server).
git init -q -b main "$work/repo"; mkdir -p "$work/repo/west"
printf 'apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n' > "$work/repo/west/site.yaml"
python3 - "$work/repo/west" "$echo_port" $(free_ports 500) <<'PY'
import sys
folder, echo, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
docs = []
for i, port in enumerate(ports):
    docs.append(f"apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: l{i}\nspec:\n  routingKey: k{i}\n  host: 127.0.0.1\n  port: {port}\n")
    docs.append(f"apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata:\n  name: c{i}\nspec:\n  routingKey: k{i}\n  host: 127.0.0.1\n  port: {echo}\n")
open(f"{folder}/services.yaml", "w").write("---\n".join(docs))
PY
git -C "$work/repo" add -A && git -C "$work/repo" -c user.name=b -c user.email=b@x commit -qm "1,000 services"
"$skiff" apply --site west --repo "$work/repo" --state-dir "$work/state" >/dev/null

start=$(now)
for _ in 1 2 3 4 5; do "$skiff" apply --site west --repo "$work/repo" --state-dir "$work/state" >/dev/null; done
nochange=$(python3 -c "print('%.3f' % (($(now) - $start) / 5))")

"$skiff" daemon --site west --repo "$work/repo" --state-dir "$work/state" --interval 5s --http "127.0.0.1:$http_port" 2>/dev/null & pids+=($!)
for _ in $(seq 100); do curl -sf "127.0.0.1:$http_port/readyz" >/dev/null && break; sleep 0.1; done
sleep 6
cycle=$(curl -sf "127.0.0.1:$http_port/api/v1/status" | python3 -c "import json,sys; print('%.3f' % json.load(sys.stdin)['daemon']['last_cycle_seconds'])")

commit_to_traffic() {  # name, trigger(webhook|poll): seconds from commit until the new listener carries an echo
  local port; port=$(free_ports 1)
  printf 'apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata:\n  name: %s\nspec:\n  routingKey: k0\n  host: 127.0.0.1\n  port: %s\n' "$1" "$port" \
    > "$work/repo/west/$1.yaml"
  git -C "$work/repo" add -A && git -C "$work/repo" -c user.name=b -c user.email=b@x commit -qm "$1"
  local begin; begin=$(now)
  [ "$2" = webhook ] && curl -sf -X POST "127.0.0.1:$http_port/hooks/git" >/dev/null
  python3 - "$port" <<'PY'
import socket, sys, time
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as c:
            c.sendall(b"ping\n"); c.shutdown(socket.SHUT_WR)
            if c.recv(16) == b"ping\n": break
    except OSError:
        time.sleep(0.02)
PY
  python3 -c "print('%.2f' % ($(now) - $begin))"
}
webhook=$(commit_to_traffic hooked webhook)
polling=$(commit_to_traffic polled poll)

printf '%-62s %s\n' "commit → traffic through a new listener, webhook" "${webhook} s"
printf '%-62s %s\n' "commit → traffic through a new listener, polling (5 s interval)" "${polling} s"
printf '%-62s %s\n' "skiff apply with nothing to change, 1,000 listeners+connectors" "${nochange} s"
printf '%-62s %s\n' "daemon cycle with nothing to change (last_cycle_seconds)" "${cycle} s"
