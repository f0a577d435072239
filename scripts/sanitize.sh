#!/usr/bin/env bash
# Builds and runs the whole test suite under a sanitizer (make sanitize).
#
#   scripts/sanitize.sh address|thread [swift test arguments...]
#
# Every process the suite starts (the test runner, each `skiff router` child, each CLI run)
# writes what the sanitizer finds to a report file of its own (log_path), so a report in a child
# router is counted as surely as one in the runner. The run fails on any report, even when every
# test passed. Suppressions (Tests/Sanitizers/) name only code outside this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=$1
shift
case $sanitizer in
    address) scratch=.build-asan prefix=asan ;;
    thread) scratch=.build-tsan prefix=tsan ;;
    *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments...]" >&2; exit 2 ;;
esac
reports=$(mktemp -d)
# Some tests run routers and the demo as nobody: their reports must be writable there too.
chmod 1777 "$reports"
trap 'rm -rf "$reports"' EXIT
root=$PWD
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
# SKIFF_LEAK_CHECK=0 turns off LeakSanitizer's check at process exit (memory errors are still
# reported), for chasing a memory error without the leak report of the run it aborted.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=${SKIFF_LEAK_CHECK:-1}:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$root/Tests/Sanitizers/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$root/Tests/Sanitizers/tsan.supp:halt_on_error=0:second_deadlock_stack=1"
# Under a sanitizer every step runs several times slower: tests that wait for the network to
# settle read this to wait longer (behaviour is checked, not speed).
export SKIFF_TEST_SLOWDOWN=${SKIFF_TEST_SLOWDOWN:-4}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
status=0
swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@" || status=$?
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
    echo "$sanitizer sanitizer: $found report(s):" >&2
    for report in "$reports"/*; do
        echo "==== $report" >&2
        head -300 "$report" >&2
    done
    exit 1
fi
echo "$sanitizer sanitizer: 0 reports (tests exit $status)"
exit $status
