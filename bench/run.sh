#!/usr/bin/env bash
# Benchmark mod_ssoauth against mod_auth_openidc (see docs/BENCHMARKS.md).
#
#   bench/run.sh                      # ROUNDS=3 DURATION=10, writes docs/BENCHMARKS.md
#   ROUNDS=5 DURATION=20 bench/run.sh
#   SKIP_CALLGRIND=1 WRITE_DOC=0 bench/run.sh
#
# Installs what is missing (wrk, valgrind, libapache2-mod-auth-openidc, ...),
# then runs bench/bench.py, which starts the test IdP and four httpd servers on
# 127.0.0.1 and stops all of them when it ends, fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v callgrind_control >/dev/null || need+=(valgrind)
command -v apxs >/dev/null || need+=(apache2-dev)
command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || need+=(apache2)
command -v setpriv >/dev/null || need+=(util-linux)
command -v node >/dev/null || need+=(nodejs npm)
openidc_so=/usr/lib/apache2/modules/mod_auth_openidc.so
[ -f "$openidc_so" ] || need+=(libapache2-mod-auth-openidc)

if [ ${#need[@]} -gt 0 ]; then
    echo "bench: installing ${need[*]}"
    openidc_was_enabled=no
    [ -e /etc/apache2/mods-enabled/auth_openidc.load ] && openidc_was_enabled=yes
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${need[@]}" \
        || { apt-get update && apt-get install -y --no-install-recommends "${need[@]}"; }
    # The package's postinst enables the module for the system's apache2; the
    # benchmark only loads the .so from its own configuration, so undo that.
    if [ "$openidc_was_enabled" = no ] && [ -e /etc/apache2/mods-enabled/auth_openidc.load ]; then
        a2dismod -q auth_openidc || true
    fi
fi

python3 -c 'import requests' 2>/dev/null || {
    echo "bench: python3 'requests' is missing (scripts/install-deps.sh installs the test dependencies)" >&2
    exit 2
}
[ -d test/idp/node_modules ] || (cd test/idp && npm ci)
[ -f .libs/mod_ssoauth.so ] || make -j2

# bench.py cleans up on exit, SIGINT, SIGTERM and SIGHUP.
exec python3 bench/bench.py "$@"
