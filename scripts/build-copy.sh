#!/usr/bin/env bash
# Builds a variant of the module (sanitizers, coverage) in a copy of the tree,
# so the in-tree build stays the plain one that the integration tests and the
# benchmarks load:
#
#   scripts/build-copy.sh DIR [configure arguments...] -- [make targets...]
#
# The copy holds git's tracked and new files plus what autoreconf generated.
# It is kept between runs, so only changed sources are rebuilt, and started
# again from scratch when configure changes: objects do not depend on the
# flags, so keeping old ones could mix two builds.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
dir=$1; shift
configure_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do configure_args+=("$1"); shift; done
[ $# -gt 0 ] && shift  # the "--"

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    autoreconf -fi
fi
if [ ! -f "$dir/config.status" ] || [ configure -nt "$dir/config.status" ]; then
    rm -rf "$dir"
fi
mkdir -p "$dir"
{ git ls-files -co --exclude-standard -z &&
    printf '%s\0' configure Makefile.in aclocal.m4 config.h.in build-aux m4; } |
    tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$dir"
cd "$dir"
if [ ! -f config.status ]; then
    ./configure "${configure_args[@]}" >configure.log
fi
make -j"$(nproc)" "$@"
