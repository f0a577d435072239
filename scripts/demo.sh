#!/usr/bin/env bash
# `make demo`: the bundled hello-world network as a user meets it, in a throw-away git repository.
# Validates it, plans both sites, then commits a change and shows the CI plan of that change.
set -euo pipefail
skiff="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
examples="$(cd "$(dirname "$0")/../Examples/hello-world" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$@"; set +e; "$@"; local code=$?; set -e; echo "(exit $code)"; }

git init -q -b main "$work/repo"
mkdir -p "$work/repo/network"
cp -R "$examples/west" "$examples/east" "$work/repo/network/"
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=demo -c user.email=demo@example.com commit -qm "hello-world: two sites"

cd "$work/repo"
run "$skiff" validate --path network
run "$skiff" plan --site west --path network --state-dir "$work/state/west" --detailed-exitcode
run "$skiff" plan --site east --path network --state-dir "$work/state/east"
run "$skiff" apply --site west --path network --state-dir "$work/state/west"
run "$skiff" apply --site east --path network --state-dir "$work/state/east"
run openssl verify -CAfile "$work/state/west/pki/ca/ca.crt" "$work/state/west/pki/server/tls.crt"
run "$skiff" apply --site west --path network --state-dir "$work/state/west"

# A pull request: move the listener to port 8081 and add a second one.
sed -i 's/port: 8080/port: 8081/' network/west/listener.yaml
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
git -c user.name=demo -c user.email=demo@example.com commit -qm "west: move backend to 8081, add metrics"
run "$skiff" plan --base HEAD~1 --path network
run "$skiff" plan --base HEAD~1 --path network --output markdown
