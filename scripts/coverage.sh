#!/usr/bin/env bash
# Line coverage of src/core and src/httpd, measured over the unit tests (with
# the fuzz corpora replayed) and the integration tests:
#   1. configure --enable-coverage in a copy of the tree, out/build-coverage/
#      (the in-tree build stays the plain one), and build the module and tests;
#   2. run test/unit/unit_tests, then pytest test/integration with
#      SSOAUTH_MODULE pointing at the coverage module: httpd's children, which
#      run as www-data, write their counts when they exit (the harness's
#      SIGTERM stop ends each through exit()), so every .gcda file exists
#      beforehand and is writable by them;
#   3. lcov collects the counts, genhtml writes out/coverage/html/index.html.
# The last two lines are exactly
#   coverage src/core: NN.N% lines
#   coverage src/httpd: NN.N% lines
# Exits non-zero if the build failed or a test failed (the figures are still
# printed when there are any). Installs Debian's lcov if it is missing.
# Not a CI step: run it by hand (about 3 minutes on 2 cores, 1.5 once built).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO" || exit 1
BUILD="$REPO/out/build-coverage"
OUT="$REPO/out/coverage"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

section() {
    echo
    echo "======== $* ========"
}

need_lcov() {
    command -v lcov >/dev/null 2>&1 && command -v genhtml >/dev/null 2>&1 && return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "coverage: installing lcov"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends lcov ||
        { "${sudo[@]}" apt-get update -q &&
          DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends lcov; }
}

# In a copy of the tree (scripts/build-copy.sh), kept between runs.
build_coverage() {
    bash scripts/build-copy.sh "$BUILD" --enable-coverage -- mod_ssoauth.la test/unit/unit_tests
}

# Counts from an earlier run go; then every object's .gcda is created empty
# and world-writable, because the first process to write one (the test
# runner, or httpd's parent as root) would otherwise own it and the children
# (www-data) could not add to it. libgcov rewrites a .gcda in place.
prepare_counters() {
    find "$BUILD" -name '*.gcda' -delete
    find "$BUILD" -name '*.gcno' -print0 | while IFS= read -r -d '' gcno; do
        : >"${gcno%.gcno}.gcda" && chmod 0666 "${gcno%.gcno}.gcda"
    done
}

# percent <info file> <directory>: line coverage of the files under it.
percent() {
    awk -v dir="$2/" '
        /^SF:/ { mine = index(substr($0, 4), dir) == 1 }
        mine && /^LF:/ { found += substr($0, 4) }
        mine && /^LH:/ { hit += substr($0, 4) }
        END { if (found) printf "%.1f", 100 * hit / found; else printf "n/a" }' "$1"
}

START=$SECONDS
FAILED=()

section "lcov"
need_lcov || { echo "coverage: lcov is missing and could not be installed" >&2; exit 1; }

section "coverage build in out/build-coverage"
if ! build_coverage; then
    echo "coverage: the --enable-coverage build failed" >&2
    exit 1
fi
prepare_counters

section "unit tests"
(cd "$BUILD" && timeout 900 test/unit/unit_tests) || FAILED+=(unit)

section "integration tests"
# test_debian_package.py builds and installs the Debian package and tests that
# module, not the coverage one: it adds time and no counted line.
SERVERS_TMP="$(mktemp -d /tmp/ssoauth-coverage.XXXXXX)"
chmod 755 "$SERVERS_TMP"   # httpd's children (www-data) reach the CGI scripts under it
TMPDIR="$SERVERS_TMP" SSOAUTH_MODULE="$BUILD/.libs/mod_ssoauth.so" SSOAUTH_KEEP_TMP=1 \
    timeout 2700 "$PY" -m pytest test/integration -q -rs -p no:cacheprovider \
    --ignore=test/integration/test_debian_package.py || FAILED+=(integration)
# The harness stops httpd with SIGTERM: the parent passes it on and each child
# leaves through exit(), which writes its counts. A child still busy after
# nine seconds is killed, and its counts are lost: say so.
killed=$(cat "$SERVERS_TMP"/*/httpd-*/logs/error_log 2>/dev/null |
    grep -cE "still did not exit, sending a SIGKILL|exit signal" || true)
[ "$killed" -eq 0 ] || echo "coverage: $killed httpd children ended on a signal; their counts are missing"
rm -rf "$SERVERS_TMP"

section "report"
rm -rf "$OUT"
mkdir -p "$OUT"
# Objects no process ran (none expected) keep an empty .gcda, which lcov refuses.
find "$BUILD" -name '*.gcda' -empty -delete
lcov --quiet --capture --directory "$BUILD" --base-directory "$BUILD" \
    --output-file "$OUT/all.info" 2>"$OUT/lcov.log" || { cat "$OUT/lcov.log" >&2; exit 1; }
lcov --quiet --extract "$OUT/all.info" "$BUILD/src/*" --output-file "$OUT/src.info" \
    2>>"$OUT/lcov.log" || { cat "$OUT/lcov.log" >&2; exit 1; }
genhtml --quiet --prefix "$BUILD" --title "mod_ssoauth" --output-directory "$OUT/html" \
    "$OUT/src.info" 2>>"$OUT/lcov.log" || { cat "$OUT/lcov.log" >&2; exit 1; }
echo "report: $OUT/html/index.html"
echo "coverage.sh: $((SECONDS - START)) s"
if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "coverage: failed suites: ${FAILED[*]} (the figures below count what ran)"
fi
echo "coverage src/core: $(percent "$OUT/src.info" "$BUILD/src/core")% lines"
echo "coverage src/httpd: $(percent "$OUT/src.info" "$BUILD/src/httpd")% lines"
[ "${#FAILED[@]}" -eq 0 ]
