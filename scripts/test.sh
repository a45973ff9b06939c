#!/usr/bin/env bash
# Install dependencies, build, and run every test suite:
#   unit         test/unit/unit_tests (Boost.Test), counted from its XML report
#   integration  pytest test/integration, counted from its JUnit XML
# Prints one line per suite, then a last line exactly "N passed, N failed".
# Exits 0 only if nothing failed and at least one test passed.
# Reports go to out/test/.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
OUT="$REPO/out/test"
mkdir -p "$OUT"
rm -f "$OUT"/unit-report.xml "$OUT"/integration-junit.xml

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

# ---- unit tests (Boost.Test)
section "unit tests"
UNIT_XML="$OUT/unit-report.xml"
if ! make -j"$(nproc)" check TESTS=; then
    record unit 0 1 "test/unit/unit_tests did not build"
else
    set +e
    timeout 900 test/unit/unit_tests --report_format=XML --report_level=short \
        --report_sink="$UNIT_XML"
    rc=$?
    if [ ! -s "$UNIT_XML" ]; then
        record unit 0 1 "unit_tests exited with $rc and wrote no report"
    else
        read -r p f note < <("$PY" - "$UNIT_XML" "$rc" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
path, rc = sys.argv[1], int(sys.argv[2])
try:
    root = ET.parse(path).getroot()
except ET.ParseError as e:
    print(0, 1, "unreadable-report"); sys.exit()
suites = [root] if root.tag == "TestSuite" else root.findall("TestSuite")
p = sum(int(s.get("test_cases_passed", 0)) for s in suites)
f = sum(int(s.get("test_cases_failed", 0)) + int(s.get("test_cases_aborted", 0))
        + int(s.get("test_cases_timed_out", 0)) for s in suites)
skipped = sum(int(s.get("test_cases_skipped", 0)) for s in suites)
note = "skipped=%d" % skipped if skipped else "-"
if rc != 0 and f == 0:
    f, note = 1, "exit-code-%d" % rc
print(p, f, note)
PYEOF
        )
        p="${p:-0}"; f="${f:-1}"; [ "${note:--}" != "-" ] || note=""
        echo "unit_tests: exit code $rc; report: $UNIT_XML"
        record unit "$p" "$f" "$note"
    fi
fi

# ---- integration tests (pytest)
section "integration tests"
JUNIT="$OUT/integration-junit.xml"
set +e
timeout 2700 "${PYTEST[@]}" test/integration -v -p no:cacheprovider --junitxml="$JUNIT"
rc=$?
if [ ! -s "$JUNIT" ]; then
    record integration 0 1 "pytest exited with $rc and wrote no report"
else
    read -r p f note < <("$PY" - "$JUNIT" "$rc" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
path, rc = sys.argv[1], int(sys.argv[2])
try:
    root = ET.parse(path).getroot()
except ET.ParseError:
    print(0, 1, "unreadable-report"); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failures = sum(int(s.get("failures", 0)) for s in suites)
errors = sum(int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
f = failures + errors
p = tests - failures - errors - skipped
note = "skipped=%d" % skipped if skipped else "-"
if rc not in (0, 5) and f == 0:   # 5: no tests collected
    f, note = 1, "exit-code-%d" % rc
print(p, f, note)
PYEOF
    )
    p="${p:-0}"; f="${f:-1}"; [ "${note:--}" != "-" ] || note=""
    record integration "$p" "$f" "$note"
fi

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
