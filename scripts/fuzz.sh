#!/usr/bin/env bash
# Runs every fuzz target under libFuzzer for a fixed number of executions (make fuzz).
#
#   scripts/fuzz.sh BINARY RUNS [TARGET...]
#
# Each target starts from Tests/Fuzz/Corpus/<target>; afterwards the corpus is minimised (the
# seed-* files are kept, then only inputs that add coverage) and written back, so a commit keeps
# what the run learnt. A crash leaves its input in Tests/Fuzz/Crashers/<target>/ (replayed by
# make test from then on) and fails the run. Prints executions, speed and coverage per target.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1 runs=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(link-session network-file grant-request token-file)
# libFuzzer, not Swift's backtracer, must catch a trap: it saves the input that caused it.
export SWIFT_BACKTRACE=enable=no
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
printf '%-14s %12s %10s %8s %8s %8s  %s\n' target executions exec/s seconds cov corpus result
for target in "${targets[@]}"; do
    corpus=Tests/Fuzz/Corpus/$target crashers=Tests/Fuzz/Crashers/$target
    mkdir -p "$corpus" "$crashers" "$work/$target/found" "$work/$target/merged"
    start=$(date +%s)
    # Inputs up to 32 KiB: enough for a frame past a 16 KiB window, a whole site folder, a request.
    status=ok
    SKIFF_FUZZ_TARGET=$target "$binary" -runs="$runs" -max_len=32768 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashers/" -print_final_stats=1 "$work/$target/found" "$corpus" \
        >"$work/$target.log" 2>&1 || status=CRASH
    seconds=$(( $(date +%s) - start ))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$target.log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$work/$target.log" | tail -1 | cut -d' ' -f2)
    if [ "$status" = ok ]; then
        cp "$corpus"/seed-* "$work/$target/merged/" 2>/dev/null || true
        SKIFF_FUZZ_TARGET=$target "$binary" -merge=1 -max_len=32768 "$work/$target/merged" "$corpus" "$work/$target/found" \
            >>"$work/$target.log" 2>&1
        find "$corpus" -type f ! -name 'seed-*' -delete
        cp -n "$work/$target/merged"/* "$corpus/"
    else
        failed=1
        tail -40 "$work/$target.log" >&2
    fi
    printf '%-14s %12s %10s %8s %8s %8s  %s\n' "$target" "${executions:-?}" "${speed:-?}" "$seconds" "${coverage:-?}" \
        "$(find "$corpus" -type f | wc -l)" "$status"
done
exit $failed
