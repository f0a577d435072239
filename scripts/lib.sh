# Helpers the scripts share (sourced, not run).

# N free TCP ports on 127.0.0.1, space-separated (bound at once, so no two are the same).
free_ports() { python3 -c "
import socket
socks=[socket.socket() for _ in range($1)]
for s in socks: s.bind(('127.0.0.1',0))
print(' '.join(str(s.getsockname()[1]) for s in socks))"; }

# The median of the numbers on standard input (space- or newline-separated); "-" when there are
# none or they are "-" (a figure a path does not have).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {if (NR==0 || v[1]=="-") print "-"; else if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'; }
