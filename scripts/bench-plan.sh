#!/usr/bin/env bash
# Benchmark: validate + plan on generated networks of 10, 1,000 and 10,000 resources.
# Prints wall time and peak memory (RSS) of each command, then, for 10,000 resources, `plan --base`
# against libyaml (PyYAML's C loader) parsing the same files once, in alternating rounds (ROUNDS,
# default 5), medians and their ratio. Usage: scripts/bench-plan.sh [path/to/skiff]
set -euo pipefail
skiff="$(cd "$(dirname "${1:-.build/release/skiff}")" && pwd)/$(basename "${1:-.build/release/skiff}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
python3 -c 'import yaml; yaml.CLoader' 2>/dev/null || { echo "needs PyYAML with libyaml (apt-get install python3-yaml)"; exit 1; }
rounds="${ROUNDS:-5}"

# Writes N resources spread over up to 10 sites (listeners and connectors, 100 documents a file),
# committed twice: the second commit changes every 10th listener's port, so plans have work to do.
generate() {
  python3 - "$1" "$2" <<'PY'
import os, sys
root, total = sys.argv[1], int(sys.argv[2])
sites = min(10, max(1, total // 10))
per_site = total // sites
for s in range(sites):
    site = f"site{s}"
    os.makedirs(f"{root}/{site}", exist_ok=True)
    with open(f"{root}/{site}/site.yaml", "w") as f:
        f.write(f"apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: {site}\n")
    docs = []
    for i in range(per_site - 1):
        kind = "Listener" if i % 2 == 0 else "Connector"
        host = "0.0.0.0" if kind == "Listener" else "127.0.0.1"
        port = 10000 + i
        docs.append(f"apiVersion: skupper.io/v2alpha1\nkind: {kind}\nmetadata:\n  name: svc-{i}\nspec:\n"
                    f"  routingKey: key-{i // 2}\n  host: {host}\n  port: {port}\n")
    for chunk in range(0, len(docs), 100):
        with open(f"{root}/{site}/services-{chunk // 100:03d}.yaml", "w") as f:
            f.write("---\n".join(docs[chunk:chunk + 100]))
PY
}

measure() {  # label, command...
  local label="$1"; shift
  /usr/bin/time -f '%e %M' "$@" >/dev/null 2>"$work/time" || true
  read -r seconds kib < <(tail -1 "$work/time")
  printf '%-10s %-34s %8.3f s %8.1f MiB\n' "$resources" "$label" "$seconds" "$(echo "$kib/1024" | bc -l)"
}

printf '%-10s %-34s %10s %12s\n' resources command time "peak RSS"
for resources in 10 1000 10000; do
  repo="$work/repo-$resources"
  git init -q -b main "$repo"
  generate "$repo" "$resources"
  git -C "$repo" add -A && git -C "$repo" -c user.name=bench -c user.email=b@x commit -qm base
  python3 - "$repo" <<'PY'
import glob, re, sys
for path in glob.glob(f"{sys.argv[1]}/*/services-*.yaml"):
    text = open(path).read()
    text = re.sub(r"(name: svc-(\d*0)\nspec:\n  routingKey: [^\n]*\n  host: 0.0.0.0\n  port: )(\d+)", lambda m: m.group(1) + str(int(m.group(3)) + 1), text)
    open(path, "w").write(text)
PY
  git -C "$repo" -c user.name=bench -c user.email=b@x commit -qam head
  cd "$repo"
  measure "validate" "$skiff" validate
  measure "plan --site site0 (empty state)" "$skiff" plan --site site0 --state-dir "$work/state"
  measure "plan --base HEAD~1 (CI, all sites)" "$skiff" plan --base HEAD~1
  cd - >/dev/null
done

# plan --base (the whole process: reading both commits through libgit2, validating, planning,
# printing) against libyaml parsing the head commit's files once (in process: the parse alone,
# the files already read). Alternating, so both see the same machine.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cd "$work/repo-10000"
: >"$work/libyaml" ; : >"$work/plan"
for ((round = 1; round <= rounds; round++)); do
  python3 - . >>"$work/libyaml" <<'PY'
import glob, sys, time, yaml
texts = [open(path, "rb").read() for path in sorted(glob.glob(f"{sys.argv[1]}/*/*.yaml"))]
start = time.perf_counter()
for text in texts:
    list(yaml.load_all(text, Loader=yaml.CLoader))
print(f"{time.perf_counter() - start:.3f}")
PY
  /usr/bin/time -f '%e' "$skiff" plan --base HEAD~1 >/dev/null 2>>"$work/plan" || true
done
cd - >/dev/null
libyaml=$(median <"$work/libyaml"); plan=$(grep -E '^[0-9.]+$' "$work/plan" | median)
printf '\n10,000 resources, %d alternating rounds (medians): libyaml parses the head once in %.3f s; plan --base takes %.3f s: %.2fx\n' \
  "$rounds" "$libyaml" "$plan" "$(echo "$plan / $libyaml" | bc -l)"
