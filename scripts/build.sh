#!/usr/bin/env bash
# Build mod_ssoauth in the source tree: autoreconf and configure only when
# needed, then make.  The module ends up in .libs/mod_ssoauth.so.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    echo "build: autoreconf -fi"
    autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
    echo "build: ./configure ${CONFIGURE_FLAGS:-}"
    # shellcheck disable=SC2086
    ./configure ${CONFIGURE_FLAGS:-}
fi
echo "build: make -j$(nproc)"
make -j"$(nproc)"
