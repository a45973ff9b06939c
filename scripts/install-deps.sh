#!/usr/bin/env bash
# Install what building and testing mod_ssoauth needs on Debian 12.
# Idempotent: installs only the packages that are missing, runs
# `apt-get update` only when something has to be installed, and runs
# `npm ci` for the test IdP only when its node_modules is missing or older
# than package-lock.json.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(apache2 apache2-dev libssl-dev libjansson-dev libcurl4-openssl-dev libcjose-dev libre2-dev
          libboost-test-dev zlib1g-dev autoconf automake libtool pkg-config make g++
          python3-pytest python3-requests python3-cryptography curl
          debhelper dpkg-dev fakeroot lintian)   # the Debian package and its test
# Node may come from elsewhere (nodesource, nvm, a tarball); only fall back
# to Debian's packages when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
fi
# The browser test (test/browser, test/integration/test_browser.py) drives
# Debian's Chromium at /usr/bin/chromium.
if [ ! -x /usr/bin/chromium ]; then
    PACKAGES+=(chromium)
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only if they are absent or older than a day,
    # and once more if the install fails with the lists we have.
    lists_fresh=""
    if [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
        lists_fresh=1
    fi
    [ -n "$lists_fresh" ] || "${SUDO[@]}" apt-get update -q
    if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        "${SUDO[@]}" apt-get update -q
        "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
else
    echo "install-deps: Debian packages already installed"
fi

# The test identity provider's node modules.
IDP="$REPO/test/idp"
if [ -f "$IDP/package-lock.json" ]; then
    stamp="$IDP/node_modules/.package-lock.json"   # written by every npm install/ci
    if [ ! -d "$IDP/node_modules" ] || [ ! -f "$stamp" ] || [ "$IDP/package-lock.json" -nt "$stamp" ]; then
        echo "install-deps: npm ci in test/idp"
        (cd "$IDP" && npm ci --no-audit --no-fund)
    else
        echo "install-deps: test/idp/node_modules up to date"
    fi
fi

# The browser test's node modules (playwright-core; it uses Debian's Chromium,
# never a downloaded browser).
BROWSER="$REPO/test/browser"
if [ -f "$BROWSER/package-lock.json" ]; then
    stamp="$BROWSER/node_modules/.package-lock.json"
    if [ ! -d "$BROWSER/node_modules" ] || [ ! -f "$stamp" ] || [ "$BROWSER/package-lock.json" -nt "$stamp" ]; then
        echo "install-deps: npm ci in test/browser"
        (cd "$BROWSER" && npm ci --no-audit --no-fund)
    else
        echo "install-deps: test/browser/node_modules up to date"
    fi
fi
