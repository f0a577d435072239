# Helpers the scripts share (sourced, not run).

# N free TCP ports on 127.0.0.1, space-separated, all different. Taken below the kernel's
# ephemeral range (net.ipv4.ip_local_port_range), as the tests' FreePort does: a port bind(0) hands
# out comes from the range every outgoing connection takes its source port from, so a client could
# take it before the server binds it (the demo runs beside the whole test suite).
free_ports() { python3 -c "
import random, socket
low = int(open('/proc/sys/net/ipv4/ip_local_port_range').read().split()[0])
candidates = list(range(10000, max(10001, low)))
random.shuffle(candidates)
held = []
for port in candidates:
    if len(held) == $1: break
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', port)); held.append(s)
    except OSError:
        s.close()
if len(held) < $1: raise SystemExit('free_ports: fewer than $1 free ports below ' + str(low))
print(' '.join(str(s.getsockname()[1]) for s in held))"; }

# The median of the numbers on standard input (space- or newline-separated); "-" when there are
# none or they are "-" (a figure a path does not have).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {if (NR==0 || v[1]=="-") print "-"; else if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'; }

# The benchmarks' page is 100 bytes through each path; a figure counts only when every request got
# it with status 200, each one.
check_page() {  # port, path name
  local got; got="$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$1/" || true)"
  [ "$got" = "200 100" ] || { echo "the page through $2 (port $1) answers '$got', not '200 100': nothing measured" >&2; exit 1; }
}
ab_checked() {  # requests, concurrency, port [ab options]: ab's report, or exit 1 if any request failed or was not a 200 with the page
  local out; out="$(ab -q -n "$1" -c "$2" "${@:4}" "http://127.0.0.1:$3/" 2>&1)"
  if ! grep -q "^Complete requests: *$1\$" <<<"$out" || ! grep -q "^Failed requests: *0\$" <<<"$out" \
     || grep -q "^Non-2xx responses" <<<"$out" || ! grep -q "^Document Length: *100 bytes" <<<"$out"; then
    echo "ab through port $3 did not get $1 pages of 100 bytes with status 200:" >&2; grep -E "requests|responses|Length" <<<"$out" >&2; exit 1
  fi
  printf '%s\n' "$out"
}
# CPU ticks (user + system, 1/CLK_TCK s) the given processes have used so far, all threads, summed.
ticks_of() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# New connections per second (ab, c=32, no keep-alive), and the CPU the given processes spent per
# connection meanwhile, in microseconds (user + system, from /proc/PID/stat; "-" with none given).
connections() {  # requests, port, pid…: "rate µs-per-connection"
  local requests=$1 port=$2; shift 2
  local before; before=$(ticks_of "$@")
  local rate; rate=$(ab_checked "$requests" 32 "$port" | awk '/Requests per second/ {print $4}')
  local after; after=$(ticks_of "$@")
  local hz; hz=$(getconf CLK_TCK)
  if [ $# -eq 0 ]; then echo "$rate -"; else python3 -c "print('$rate', '%.0f' % (($after - $before) * 1e6 / $hz / $requests))"; fi
}
