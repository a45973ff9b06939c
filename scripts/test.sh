#!/usr/bin/env bash
# Install dependencies, build, and run every test suite:
#   unit             test/unit/unit_tests (Boost.Test), counted from its XML report
#   unit-sanitizers  the same, built with --enable-sanitizers (ASan + UBSan) in
#                    out/build-sanitizers/; any sanitizer finding fails it
#   integration      pytest test/integration, counted from its JUnit XML
#   httpd-logs       one check over every httpd error_log the integration tests left
# scripts/test_report.py reads the reports: a suite that ran nothing, or skipped
# a case whose reason is not on its allow-list, fails; every skip is printed.
# Prints one line per suite, then a last line exactly "N passed, N failed".
# Exits 0 only if nothing failed and at least one test passed.
# Reports go to out/test/.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
OUT="$REPO/out/test"
mkdir -p "$OUT"
rm -f "$OUT"/unit-report.xml "$OUT"/unit-sanitizers-report.xml "$OUT"/integration-junit.xml

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if command -v pytest-3 >/dev/null 2>&1; then
    PYTEST=(pytest-3)
else
    PYTEST=("$PY" -m pytest)
fi

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

record() {  # record <suite> <passed> <failed> [note]
    TOTAL_PASSED=$((TOTAL_PASSED + $2))
    TOTAL_FAILED=$((TOTAL_FAILED + $3))
    SUMMARY+=("$1: $2 passed, $3 failed${4:+ ($4)}")
}

section() {
    echo
    echo "======== $* ========"
}

# ---- dependencies and build
section "install-deps"
if ! bash scripts/install-deps.sh; then
    record deps 0 1 "scripts/install-deps.sh failed"
fi

section "build"
if ! bash scripts/build.sh; then
    record build 0 1 "scripts/build.sh failed"
fi

# unit_suite <suite> <binary> <xml report>: runs a unit_tests binary and
# records its counts. A run that dies (a sanitizer finding exits at once)
# writes no report and counts as one failure.
unit_suite() {
    local suite=$1 binary=$2 xml=$3 log="$OUT/$1.log" rc p f note
    timeout 900 "$binary" --report_format=XML --report_level=detailed --report_sink="$xml" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    local finding=""  # leaks are reported at exit, after the XML report
    if [ "$rc" -ne 0 ] && grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"; then
        finding="sanitizer finding, see $log"
    fi
    if [ ! -s "$xml" ]; then
        record "$suite" 0 1 "${finding:-exited with $rc and wrote no report}"
        return
    fi
    read -r p f note < <("$PY" scripts/test_report.py boost "$suite" "$xml" "$rc")
    p="${p:-0}"; f="${f:-1}"; [ "${note:--}" != "-" ] || note=""
    note="${finding:-$note}"
    echo "$suite: exit code $rc; report: $xml"
    record "$suite" "$p" "$f" "$note"
}

# ---- unit tests (Boost.Test)
section "unit tests"
if ! make -j"$(nproc)" check TESTS=; then
    record unit 0 1 "test/unit/unit_tests did not build"
else
    unit_suite unit test/unit/unit_tests "$OUT/unit-report.xml"
fi

# ---- the same unit tests (and fuzz corpora) under AddressSanitizer + UBSan,
# built in a copy of the tree (scripts/build-copy.sh) so the in-tree build
# stays the plain one the integration tests load.
build_sanitized_unit_tests() {
    # -O0: a third of -O1's compile time, and the tests run in seconds either way.
    bash scripts/build-copy.sh "$REPO/out/build-sanitizers" --enable-sanitizers CXXFLAGS="-g -O0" \
        -- test/unit/unit_tests
}

section "unit tests under sanitizers"
rm -f "$OUT/unit-sanitizers-report.xml"
SANITIZERS_START=$SECONDS
if ! build_sanitized_unit_tests; then
    record unit-sanitizers 0 1 "the --enable-sanitizers build in out/build-sanitizers failed"
else
    # Leak checking included; any finding ends the run with a non-zero exit.
    export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    unit_suite unit-sanitizers "$REPO/out/build-sanitizers/test/unit/unit_tests" "$OUT/unit-sanitizers-report.xml"
    unset ASAN_OPTIONS UBSAN_OPTIONS
fi
echo "unit tests under sanitizers: $((SECONDS - SANITIZERS_START)) s (build and run)"

# ---- integration tests (pytest)
# The servers' roots go under a private TMPDIR and are kept, so that every
# httpd error_log can be read afterwards: a child that died on a signal, or a
# module line at crit/alert/emerg, fails the run even when every test passed.
section "integration tests"
JUNIT="$OUT/integration-junit.xml"
SERVERS_TMP="$(mktemp -d /tmp/ssoauth-test-run.XXXXXX)"
chmod 755 "$SERVERS_TMP"   # httpd's children (www-data) reach the CGI scripts under it
set +e
TMPDIR="$SERVERS_TMP" SSOAUTH_KEEP_TMP=1 \
    timeout 2700 "${PYTEST[@]}" test/integration -v -rs -p no:cacheprovider --junitxml="$JUNIT"
rc=$?
read -r p f note < <("$PY" scripts/test_report.py junit integration "$JUNIT" "$rc")
record integration "${p:-0}" "${f:-1}" "$([ "${note:--}" = "-" ] || echo "$note")"

section "httpd error logs"
rm -rf "$OUT/httpd-logs"
read -r p f note < <("$PY" scripts/test_report.py httpd-logs "$SERVERS_TMP" "$OUT/httpd-logs")
record httpd-logs "${p:-0}" "${f:-1}" "$([ "${note:--}" = "-" ] || echo "$note")"
rm -rf "$SERVERS_TMP"

# ---- summary
section "summary"
for line in "${SUMMARY[@]}"; do
    echo "$line"
done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
if [ "$TOTAL_FAILED" -eq 0 ] && [ "$TOTAL_PASSED" -gt 0 ]; then
    exit 0
fi
exit 1
