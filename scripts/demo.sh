#!/usr/bin/env bash
# `make demo`: the bundled hello-world network as a user meets it, in a throw-away git repository:
# validate, plan, a daemon per site (each starts its router), traffic from west's listener to a
# backend at east, status of both sites, a pull request planned for CI — then everything is stopped.
set -euo pipefail
skiff="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
backend=""
daemons=()
cleanup() {
  for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$skiff" stop --site west --state-dir "$work/state/west" >/dev/null 2>&1 || true
  "$skiff" stop --site east --state-dir "$work/state/east" >/dev/null 2>&1 || true
  [ -n "$backend" ] && kill "$backend" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$@"; set +e; "$@"; local code=$?; set -e; echo "(exit $code)"; }
. "$root/scripts/lib.sh"

# The example as committed, with free ports in place of 8080/9090/55671/45671/8443 so the demo
# never collides with something already running here. Every port the demo uses is picked in one
# call, so no two are the same (picked one at a time, the listener once got the inter-router port).
read -r listen service inter edge grants west_http east_http moved <<<"$(free_ports 8)"
git init -q -b main "$work/repo"
mkdir -p "$work/repo/network"
cp -R "$root/Examples/hello-world/west" "$root/Examples/hello-world/east" "$work/repo/network/"
# In one pass and whole numbers only, so a port put in for one number is never rewritten as another.
python3 -c '
import re, sys
ports = dict(zip(["8080", "9090", "55671", "45671", "8443"], sys.argv[1:6]))
for path in sys.argv[6:]:
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"\b(8080|9090|55671|45671|8443)\b", lambda m: ports[m.group(1)], text))
' "$listen" "$service" "$inter" "$edge" "$grants" "$work"/repo/network/*/*.yaml
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=demo -c user.email=demo@example.com commit -qm "hello-world: two sites"
cd "$work/repo"

run "$skiff" validate --path network
run "$skiff" plan --site west --path network --state-dir "$work/state/west" --detailed-exitcode
wait_ready() {  # port: until the daemon has applied a good commit
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "daemon on port $1 did not become ready"; return 1
}
step "$skiff" daemon --site west --path network --interval 5s --http "127.0.0.1:$west_http" "&"
"$skiff" daemon --site west --path network --state-dir "$work/state/west" --interval 5s --http "127.0.0.1:$west_http" \
  --log-level warning & daemons+=($!)
wait_ready "$west_http"
curl -s "http://127.0.0.1:$west_http/readyz"

# West's router serves its AccessGrant. Issue the token, and commit it into east's folder: the
# "4 steps" (west runs; token issued; token handed over, here by a commit; east redeems and links).
run "$skiff" token issue east-link --site west --state-dir "$work/state/west" --name to-west --output network/east/token.yaml
git add -A
git -c user.name=demo -c user.email=demo@example.com commit -qm "east: token for west"

step "$skiff" daemon --site east --path network --interval 5s --http "127.0.0.1:$east_http" "&"
"$skiff" daemon --site east --path network --state-dir "$work/state/east" --interval 5s --http "127.0.0.1:$east_http" \
  --log-level warning & daemons+=($!)
wait_ready "$east_http"
curl -s "http://127.0.0.1:$east_http/readyz"

# A small backend at east: it answers every line with a greeting.
python3 - "$service" <<'PY' &
import socketserver, sys
class Hello(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(b"hello from east, you said: " + line)
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Hello).serve_forever()
PY
backend=$!
for _ in $(seq 100); do "$skiff" status --site west --state-dir "$work/state/west" | grep -q "Listener/backend: Ready" && break; sleep 0.1; done

step "python3 -c 'connect to 127.0.0.1:$listen (west) and say hi'"
python3 - "$listen" <<'PY'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as connection:
    connection.sendall(b"hi from west\n")
    connection.shutdown(socket.SHUT_WR)
    print(connection.makefile().read(), end="")
PY

run "$skiff" status --site west --state-dir "$work/state/west"
run "$skiff" status --site east --state-dir "$work/state/east"
# Every site's summary reaches every other (every 5 s while figures change): the whole network, from west.
for _ in $(seq 100); do "$skiff" network status --site west --state-dir "$work/state/west" 2>/dev/null | grep -q "backend: reachable, 0 open flows" && break; sleep 0.1; done
run "$skiff" network status --site west --state-dir "$work/state/west"

step "curl -X POST http://127.0.0.1:$west_http/hooks/git; curl http://127.0.0.1:$west_http/metrics | grep skiff_listener"
curl -s -X POST "http://127.0.0.1:$west_http/hooks/git"
sleep 1
curl -s "http://127.0.0.1:$west_http/metrics" | grep '^skiff_listener' || true

# A pull request: move the listener and add a second one; CI plans it without touching anything.
sed -i "s/port: $listen/port: $moved/" network/west/listener.yaml
cat > network/west/metrics.yaml <<'YAML'
apiVersion: skupper.io/v2alpha1
kind: Listener
metadata:
  name: metrics
spec:
  routingKey: metrics
  host: 127.0.0.1
  port: 9100
YAML
git add -A
git -c user.name=demo -c user.email=demo@example.com commit -qm "west: move backend, add metrics"
run "$skiff" plan --base HEAD~1 --path network --output markdown
step "stopping both daemons, both routers and the backend"
