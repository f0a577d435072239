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
