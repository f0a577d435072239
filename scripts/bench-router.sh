#!/usr/bin/env bash
# Benchmark: the same workloads three ways on loopback — direct TCP, a stunnel4 pair (two TLS
# proxies), and two Skiff routers linked by mutual TLS — and a table of the figures:
#   bulk throughput, 1 flow and 8 parallel flows (iperf3)
#   new connections per second, one small HTTP request each, no keep-alive (ab → nginx), and the
#   CPU time the routers (or proxies) spend per connection, and their system calls per connection
#   (strace -c, when strace is installed)
#   request/response latency p50 and p99 (ab, one client)
#   10,000 flows opened at once, one request each: p99 connect-to-first-byte and flows/s
#   router memory with 10,000 idle flows open
# With SKUPPER_ROUTER=DIR (a skupper-router build: DIR/bin/skrouterd and DIR/python, as in
# ../shared/anchors/skupper-router), a fourth column: two skrouterd processes (interior, 4 worker
# threads, mutual TLS inter-router link with the same certificates) in front of the same backends;
# rounds alternate the paths (ROUNDS, default 2 with the column, 1 without) and each figure is the
# median over the rounds, with Skiff's ratio to skupper-router.
# Usage: scripts/bench-router.sh [path/to/skiff]   (make bench-router builds a release binary first)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
trap 'echo "bench-router: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
skupper=${SKUPPER_ROUTER:-}
rounds=${ROUNDS:-$([ -n "$skupper" ] && echo 2 || echo 1)}
skiff="$(cd "$(dirname "${1:-.build/release/skiff}")" && pwd)/$(basename "${1:-.build/release/skiff}")"
for tool in iperf3 ab nginx stunnel4 openssl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install iperf3 apache2-utils nginx-light stunnel4"; exit 1; }
done
work="$(mktemp -d)"
pids=()
www=""
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work" ${www:+"$www"}; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

read -r IPERF HTTP ECHO LINK S_IPERF S_HTTP S_ECHO T_IPERF T_HTTP T_ECHO K_IPERF K_HTTP K_ECHO R_LINK R_IPERF R_HTTP R_ECHO <<<"$(free_ports 17)"

# Backends: iperf3, nginx (a 100-byte page), a Python echo server for idle flows.
iperf3 -s -p "$IPERF" >/dev/null 2>&1 & pids+=($!)
# The page lives outside the 0700 scratch folder (which holds keys): nginx's worker runs as
# nobody when the benchmark runs as root and must be able to read it.
www="$(mktemp -d)"; chmod 755 "$www"
head -c 100 /dev/zero | tr '\0' x > "$www/index.html"; chmod 644 "$www/index.html"
cat > "$work/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 20000; }
http { access_log off; server { listen 127.0.0.1:$HTTP backlog=4096; root $www; } }
NGINX
nginx -c "$work/nginx.conf" & pids+=($!)
python3 "$(dirname "$0")/../Tests/Tools/echo_server.py" "$ECHO" >/dev/null & pids+=($!)

# Certificates: west's CA issues west's server certificate (via skiff apply) and east's client one.
mkdir -p "$work/net/west" "$work/net/east"
printf 'apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  linkAccess: default\n---\napiVersion: skupper.io/v2alpha1\nkind: RouterAccess\nmetadata:\n  name: r\nspec:\n  roles: [{name: inter-router, port: %s}]\n  subjectAlternativeNames: [127.0.0.1]\n' "$LINK" > "$work/net/west/site.yaml"
printf 'apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: east\n' > "$work/net/east/site.yaml"
"$skiff" apply --site west --repo "$work/net" --state-dir "$work/west" >/dev/null
"$skiff" apply --site east --repo "$work/net" --state-dir "$work/east" >/dev/null
# apply started both routers with the configuration from git; the benchmark runs its own.
"$skiff" stop --site west --state-dir "$work/west" >/dev/null
"$skiff" stop --site east --state-dir "$work/east" >/dev/null
links="$work/east/pki/links/to-west"; mkdir -p "$links"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$links/tls.key" -subj "/CN=link to-west" -out "$work/c.csr" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\nsubjectAltName=URI:urn:skiff:site:east\n' > "$work/ext"
openssl x509 -req -in "$work/c.csr" -CA "$work/west/pki/ca/ca.crt" -CAkey "$work/west/pki/ca/tls.key" -CAcreateserial -days 2 \
  -extfile "$work/ext" -out "$links/tls.crt" 2>/dev/null
cp "$work/west/pki/ca/ca.crt" "$links/ca.crt"

# Skiff: listeners at west, connectors at east, the link dialled by east.
mkdir -p "$work/west/router" "$work/east/router"
cat > "$work/west/router/config.json" <<JSON
{"site":"west","linkAccess":[{"role":"inter-router","host":"127.0.0.1","port":$LINK}],
 "listeners":[{"name":"iperf","routingKey":"iperf","host":"127.0.0.1","port":$K_IPERF},
              {"name":"http","routingKey":"http","host":"127.0.0.1","port":$K_HTTP},
              {"name":"echo","routingKey":"echo","host":"127.0.0.1","port":$K_ECHO}]}
JSON
cat > "$work/east/router/config.json" <<JSON
{"site":"east","links":[{"name":"to-west","host":"127.0.0.1","port":$LINK}],
 "connectors":[{"name":"iperf","routingKey":"iperf","host":"127.0.0.1","port":$IPERF},
               {"name":"http","routingKey":"http","host":"127.0.0.1","port":$HTTP},
               {"name":"echo","routingKey":"echo","host":"127.0.0.1","port":$ECHO}]}
JSON
"$skiff" router --site west --state-dir "$work/west" --log-level error & west_pid=$!; pids+=($west_pid)
"$skiff" router --site east --state-dir "$work/east" --log-level error & east_pid=$!; pids+=($east_pid)

# stunnel: the client proxy (T_*) wraps in TLS 1.3 with the same certificates; the server proxy
# (S_*) unwraps and forwards to the backend.
cat > "$work/stunnel-server.conf" <<CONF
foreground = yes
pid =
sslVersionMin = TLSv1.3
cert = $work/west/pki/server/tls.crt
key = $work/west/pki/server/tls.key
CAfile = $work/west/pki/ca/ca.crt
verifyChain = yes
[iperf]
accept = 127.0.0.1:$S_IPERF
connect = 127.0.0.1:$IPERF
[http]
accept = 127.0.0.1:$S_HTTP
connect = 127.0.0.1:$HTTP
[echo]
accept = 127.0.0.1:$S_ECHO
connect = 127.0.0.1:$ECHO
CONF
cat > "$work/stunnel-client.conf" <<CONF
foreground = yes
pid =
client = yes
sslVersionMin = TLSv1.3
cert = $links/tls.crt
key = $links/tls.key
CAfile = $links/ca.crt
verifyChain = yes
[iperf]
accept = 127.0.0.1:$T_IPERF
connect = 127.0.0.1:$S_IPERF
[http]
accept = 127.0.0.1:$T_HTTP
connect = 127.0.0.1:$S_HTTP
[echo]
accept = 127.0.0.1:$T_ECHO
connect = 127.0.0.1:$S_ECHO
CONF
stunnel4 "$work/stunnel-server.conf" 2>/dev/null & s_server=$!; pids+=($s_server)
stunnel4 "$work/stunnel-client.conf" 2>/dev/null & s_client=$!; pids+=($s_client)

# skupper-router: A (like west) accepts the inter-router link and has the listeners; B (like
# east) dials it with east's client certificate and has the connectors. B verifies A's chain
# against west's CA but not the host: Proton matches host names against DNS names and the
# certificate names 127.0.0.1 as an IP address (the check costs nothing measurable either way).
if [ -n "$skupper" ]; then
  [ -x "$skupper/bin/skrouterd" ] || { echo "SKUPPER_ROUTER=$skupper: no bin/skrouterd there"; exit 1; }
  ldd "$skupper/bin/skrouterd" | grep -q "not found" && { echo "skrouterd needs: apt-get install libwebsockets17"; exit 1; }
  for end in a b; do
    if [ $end = a ]; then
      profile="\"certFile\": \"$work/west/pki/server/tls.crt\", \"privateKeyFile\": \"$work/west/pki/server/tls.key\""
      link="[\"listener\", {\"name\": \"inter-router\", \"role\": \"inter-router\", \"host\": \"127.0.0.1\", \"port\": \"$R_LINK\", \"sslProfile\": \"tls\", \"requireSsl\": true, \"authenticatePeer\": true, \"saslMechanisms\": \"EXTERNAL\"}]"
      tcp=(tcpListener "$R_IPERF" "$R_HTTP" "$R_ECHO")
    else
      profile="\"certFile\": \"$links/tls.crt\", \"privateKeyFile\": \"$links/tls.key\""
      link="[\"connector\", {\"name\": \"to-a\", \"role\": \"inter-router\", \"host\": \"127.0.0.1\", \"port\": \"$R_LINK\", \"sslProfile\": \"tls\", \"verifyHostname\": false, \"saslMechanisms\": \"EXTERNAL\"}]"
      tcp=(tcpConnector "$IPERF" "$HTTP" "$ECHO")
    fi
    cat > "$work/skrouterd-$end.json" <<JSON
[["router", {"mode": "interior", "id": "$end"}],
 ["sslProfile", {"name": "tls", "caCertFile": "$work/west/pki/ca/ca.crt", $profile}],
 $link,
 ["${tcp[0]}", {"name": "iperf", "address": "iperf", "host": "127.0.0.1", "port": "${tcp[1]}"}],
 ["${tcp[0]}", {"name": "http", "address": "http", "host": "127.0.0.1", "port": "${tcp[2]}"}],
 ["${tcp[0]}", {"name": "echo", "address": "echo", "host": "127.0.0.1", "port": "${tcp[3]}"}],
 ["log", {"module": "DEFAULT", "enable": "error+", "outputFile": "$work/skrouterd-$end.log"}]]
JSON
    "$skupper/bin/skrouterd" -I "$skupper/python" -c "$work/skrouterd-$end.json" >"$work/skrouterd-$end.out" 2>&1 & pids+=($!)
    eval "sr_$end=\$!"
  done
fi

for _ in $(seq 100); do
  curl -sf --unix-socket "$work/west/router/router.sock" http://localhost/v1/status 2>/dev/null | grep -q '"hasMatchingConnector" : true' && break
  sleep 0.1
done
if [ -n "$skupper" ]; then
  for _ in $(seq 200); do curl -sf -m 2 -o /dev/null "http://127.0.0.1:$R_HTTP/" 2>/dev/null && break; sleep 0.1; done
  curl -sf -m 2 -o /dev/null "http://127.0.0.1:$R_HTTP/" || { echo "skupper-router does not carry the page; its output:"; for f in "$work"/skrouterd-*; do echo "== $f"; tail -n 5 "$f"; done; exit 1; }
fi

gbit() { python3 -c "import json,sys; d=json.load(sys.stdin); print('%.2f' % (d['end']['sum_received']['bits_per_second']/1e9))"; }
iperf() { iperf3 -c 127.0.0.1 -p "$1" -t 5 -P "$2" -J 2>/dev/null | gbit || echo "n/a"; }
# System calls per new flow in the path's processes (strace -c on every thread of each, during 2,000
# checked requests at c=32): once per path, after the timed figures, since tracing slows everything.
syscalls_per_flow() {  # port, pid…
  local port=$1; shift
  command -v strace >/dev/null || { echo "-"; return; }
  local tracers=() pid
  for pid in "$@"; do strace -c -f -p "$pid" -o "$work/strace.$pid" 2>/dev/null & tracers+=($!); done
  sleep 1
  ab_checked 2000 32 "$port" >/dev/null
  sleep 0.5
  kill -INT "${tracers[@]}" 2>/dev/null || true; wait "${tracers[@]}" 2>/dev/null || true
  local calls=0
  for pid in "$@"; do calls=$((calls + $(awk '$NF == "total" {print $4}' "$work/strace.$pid"))); done
  python3 -c "print('%.1f' % ($calls / 2000))"
}
# 10,000 flows opened at once through the path to nginx, each one request: p99 connect-to-first-
# byte (ms) and flows per second (Tests/Tools/short_flows.py). Every flow must be answered.
short_flows() {  # port
  local out; out=$(python3 "$(dirname "$0")/../Tests/Tools/short_flows.py" "$1" 10000)
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit('short flows through port $1: %d of %d failed' % (d['failed'], d['flows'])) if d['failed'] else print(d['p99_ms'], round(d['flows'] / d['seconds']))" "$out"
}
latency() {  # p50 and p99 in ms with fractions (ab -e writes the percentiles)
  ab_checked 2000 1 "$1" -e "$work/lat.csv" >/dev/null
  awk -F, '$1=="50" {p50=$2} $1=="99" {p99=$2} END {printf "%.2f %.2f\n", p50, p99}' "$work/lat.csv"
}
check_page "$HTTP" direct; check_page "$T_HTTP" stunnel4; check_page "$K_HTTP" skiff
[ -z "$skupper" ] || check_page "$R_HTTP" skupper-router
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
idle_memory() {  # port, pid… : KiB per idle flow, over the given processes
  local port=$1; shift
  local before=0 after=0
  for pid in "$@"; do before=$((before + $(rss_kib "$pid"))); done
  python3 - "$port" >/dev/null <<'PY' &
import socket, sys, time
port = int(sys.argv[1]); held = []
for _ in range(10000):
    held.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(8)
PY
  local client=$!
  sleep 6
  for pid in "$@"; do after=$((after + $(rss_kib "$pid"))); done
  wait "$client" 2>/dev/null || true
  python3 -c "print('%.1f' % (($after - $before) / 10000))"
}

# The paths: name, iperf / http / echo ports, the processes whose memory counts.
paths=("direct $IPERF $HTTP $ECHO" "stunnel4 $T_IPERF $T_HTTP $T_ECHO $s_client $s_server" "skiff $K_IPERF $K_HTTP $K_ECHO $west_pid $east_pid")
[ -z "$skupper" ] || paths+=("skupper-router $R_IPERF $R_HTTP $R_ECHO $sr_a $sr_b")
# Each round measures every path in turn (the order rotates, so no path always runs first); a
# failed check exits in the command substitution and stops the benchmark, not a hole in the table.
# Before each path, wait (at most 30 s) until every proxy and router is idle: a path's leftovers
# (stunnel4 tearing down thousands of connections keeps a core busy for a while) must not slow the
# next path's figures.
all_procs="$s_client $s_server $west_pid $east_pid ${sr_a:-} ${sr_b:-}"
settle() {  # until they use under a tenth of a core (cpu ticks are 1/100 s), or 30 s have passed
  local a b
  # shellcheck disable=SC2086
  for _ in $(seq 30); do a=$(ticks_of $all_procs); sleep 1; b=$(ticks_of $all_procs); if [ $((b - a)) -le 10 ]; then return 0; fi; done
  return 0
}
declare -A figures
for round in $(seq "$rounds"); do
  for ((i = 0; i < ${#paths[@]}; i++)); do
    read -r name iperf_port http_port echo_port procs <<<"${paths[$(( (i + round - 1) % ${#paths[@]} ))]}"
    settle
    figures[$name,bulk1]+="$(iperf "$iperf_port" 1) "
    figures[$name,bulk8]+="$(iperf "$iperf_port" 8) "
    # shellcheck disable=SC2086
    conn=$(connections 5000 "$http_port" $procs); figures[$name,rps]+="${conn% *} "; figures[$name,cpu]+="${conn#* } "
    lat=$(latency "$http_port"); figures[$name,p50]+="${lat% *} "; figures[$name,p99]+="${lat#* } "
    # stunnel4 forks a process per connection: 10,000 at once would take minutes; not run.
    if [ "$name" = stunnel4 ]; then sf="- -"; else settle; sf=$(short_flows "$http_port"); fi
    figures[$name,sf99]+="${sf% *} "; figures[$name,sfs]+="${sf#* } "
  done
done
# Memory per idle flow last, once per path: 10,000 connections are the heaviest leftovers. Before
# it, the system calls per new flow (stunnel4 forks a process per connection: not counted).
for path in "${paths[@]}"; do
  read -r name iperf_port http_port echo_port procs <<<"$path"
  settle
  # shellcheck disable=SC2086
  if [ -n "$procs" ] && [ "$name" != stunnel4 ]; then figures[$name,sys]="$(syscalls_per_flow "$http_port" $procs)"; else figures[$name,sys]="-"; fi
  settle
  # shellcheck disable=SC2086
  if [ -n "$procs" ]; then figures[$name,idle]="$(idle_memory "$echo_port" $procs)"; else figures[$name,idle]="-"; fi
done
names=(direct stunnel4 skiff); [ -z "$skupper" ] || names+=(skupper-router)
row() {  # label, figure key
  printf '%-34s' "$1"
  for name in "${names[@]}"; do printf ' %14s' "$(median <<<"${figures[$name,$2]}")"; done
  if [ -n "$skupper" ]; then
    printf ' %10s' "$(python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) or float(b)==0 else '%.2f×' % (float(a)/float(b)))" \
      "$(median <<<"${figures[skiff,$2]}")" "$(median <<<"${figures[skupper-router,$2]}")")"
  fi
  echo
}
printf '%-34s' ""; for name in "${names[@]}"; do printf ' %14s' "$name"; done
[ -z "$skupper" ] || printf ' %10s' "skiff/sr"; echo
row "bulk, 1 flow (Gbit/s)" bulk1
row "bulk, 8 flows (Gbit/s)" bulk8
row "new connections/s (ab, c=32)" rps
row "router CPU per connection (µs)" cpu
row "system calls per connection" sys
row "latency p50 (ms, ab -e, c=1)" p50
row "latency p99 (ms, ab -e, c=1)" p99
row "10,000 flows at once: p99 (ms)" sf99
row "10,000 flows at once: flows/s" sfs
row "memory per idle flow (KiB, both)" idle
echo "(medians of $rounds round(s); every ab figure counts only status-200 responses with the 100-byte page, checked per request)"
# How the binary was linked moves its CPU per connection by 5-7% (make release links Swift's runtime in).
if ldd "$skiff" 2>/dev/null | grep -q libswiftCore; then linkage="Swift's runtime shared"; else linkage="Swift's runtime linked in"; fi
echo "skiff: $("$skiff" --version | head -1), $linkage"
# Bulk round by round: whether 8 flows beat 1 within each round, which a median cannot show.
printf 'bulk per round, 1 flow / 8 flows (Gbit/s):'
for name in "${names[@]}"; do
  read -ra one <<<"${figures[$name,bulk1]}"; read -ra eight <<<"${figures[$name,bulk8]}"
  printf ' %s' "$name"; for ((r = 0; r < ${#one[@]}; r++)); do printf ' %s/%s' "${one[$r]}" "${eight[$r]}"; done; printf ';'
done
echo
# New connections round by round: this machine moves by 10% or more from one round to the next.
printf 'new connections/s per round:'
for name in "${names[@]}"; do printf ' %s %s;' "$name" "$(xargs <<<"${figures[$name,rps]}")"; done
echo
