#!/usr/bin/env bash
# Run the picture the mission starts from: one Better Auth SSO server and two
# applications, App 1 and App 2, each its own client, each protected by
# mod_ssoauth and serving the CGI demo (two virtual hosts of one Apache).
#
#   scripts/demo.sh          (re)start the IdP and Apache, print where to go
#   scripts/demo.sh stop     stop both
#
# Environment: DEMO_PORT (App 1, default 8080; App 2 is DEMO_PORT+1),
# IDP_PORT (default 9000), DEMO_SCOPE (default "openid profile email offline_access"),
# IDP_SIGNING_ALG (EdDSA | RS256, default EdDSA).
# Everything it writes goes to out/demo/.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$REPO/out/demo"
DEMO_PORT="${DEMO_PORT:-8080}"
APP2_PORT="$((DEMO_PORT + 1))"
IDP_PORT="${IDP_PORT:-9000}"
DEMO_SCOPE="${DEMO_SCOPE:-openid profile email offline_access}"
IDP_SIGNING_ALG="${IDP_SIGNING_ALG:-EdDSA}"
DEMO_EMAIL="demo@example.test"
DEMO_PASSWORD="demo-password-1234"

IDP_PID="$OUT/idp.pid"
HTTPD_PID="$OUT/run/httpd.pid"
HTTPD_BIN="$(apxs -q SBINDIR 2>/dev/null || echo /usr/sbin)/$(apxs -q TARGET 2>/dev/null || echo apache2)"

stop_pid() {  # stop_pid <pidfile> <what>
    local pidfile="$1" what="$2" pid
    [ -f "$pidfile" ] || return 0
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "demo: stopping $what (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

stop_demo() {
    stop_pid "$HTTPD_PID" "Apache"
    stop_pid "$IDP_PID" "IdP"
}

if [ "${1:-}" = "stop" ]; then
    stop_demo
    echo "demo: stopped"
    exit 0
elif [ -n "${1:-}" ]; then
    echo "usage: $0 [stop]" >&2
    exit 2
fi

stop_demo

bash "$REPO/scripts/install-deps.sh"
bash "$REPO/scripts/build.sh"

MODULE="$REPO/.libs/mod_ssoauth.so"
[ -f "$MODULE" ] || { echo "demo: $MODULE was not built" >&2; exit 1; }

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
for p in "$IDP_PORT" "$DEMO_PORT" "$APP2_PORT"; do
    if port_busy "$p"; then
        echo "demo: port $p on 127.0.0.1 is already in use (set DEMO_PORT / IDP_PORT)" >&2
        exit 1
    fi
done

mkdir -p "$OUT/logs" "$OUT/run"
chmod 755 "$OUT" "$OUT/run"
rm -rf "$OUT/idp-data"
mkdir -p "$OUT/idp-data"

# ---- the identity provider, with one client per application
ISSUER="http://127.0.0.1:$IDP_PORT/api/auth"
APP2_SECRET="confidential-test-secret-0123456789abcdef"
client_json() {  # client_json <id> <port> <secret-or-null> <name>
    cat <<JSON
{"client_id": "$1", "client_secret": $3, "name": "$4",
 "redirect_uris": ["http://127.0.0.1:$2/api/auth/callback"],
 "post_logout_redirect_uris": ["http://127.0.0.1:$2/logged-out"],
 "backchannel_logout_uri": "http://127.0.0.1:$2/api/auth/backchannel-logout"}
JSON
}
cat >"$OUT/idp-config.json" <<JSON
{"clients": [
$(client_json ssoauth-public "$DEMO_PORT" null "App 1"),
$(client_json ssoauth-confidential "$APP2_PORT" "\"$APP2_SECRET\"" "App 2")
]}
JSON
: > "$OUT/idp.log"
(
    cd "$REPO/test/idp"
    IDP_PORT="$IDP_PORT" IDP_DATA_DIR="$OUT/idp-data" IDP_SIGNING_ALG="$IDP_SIGNING_ALG" \
    IDP_CONFIG="$OUT/idp-config.json" \
        setsid nohup node server.mjs >"$OUT/idp.log" 2>&1 </dev/null &
    echo $! >"$IDP_PID"
)
echo "demo: starting the IdP on port $IDP_PORT"
for _ in $(seq 1 300); do
    grep -q '^IDP READY ' "$OUT/idp.log" && break
    if ! kill -0 "$(cat "$IDP_PID")" 2>/dev/null; then
        echo "demo: the IdP exited; $OUT/idp.log:" >&2
        tail -n 40 "$OUT/idp.log" >&2
        rm -f "$IDP_PID"
        exit 1
    fi
    sleep 0.1
done
if ! grep -q '^IDP READY ' "$OUT/idp.log"; then
    echo "demo: the IdP did not get ready within 30 s; $OUT/idp.log:" >&2
    tail -n 40 "$OUT/idp.log" >&2
    stop_demo
    exit 1
fi
ISSUER="$(sed -n 's/^IDP READY \([^ ]*\).*/\1/p' "$OUT/idp.log" | head -1)"

# ---- Apache
# Apache's children run as www-data: serve the CGI demo from the repository
# if www-data can reach it, otherwise from a copy it can reach.
CGI_DIR="$REPO/cgi-demo"
SOCK="$OUT/run/cgid.sock"
if [ "$(id -u)" -eq 0 ] && ! runuser -u www-data -- test -x "$CGI_DIR/index.cgi" 2>/dev/null; then
    CGI_DIR="$(mktemp -d /tmp/ssoauth-demo.XXXXXX)"
    chmod 755 "$CGI_DIR"
    cp -p "$REPO"/cgi-demo/* "$CGI_DIR/"
    echo "demo: www-data cannot read $REPO/cgi-demo; serving a copy from $CGI_DIR"
fi
if [ "$(id -u)" -eq 0 ] && ! runuser -u www-data -- test -x "$OUT/run" 2>/dev/null \
   || [ "${#SOCK}" -gt 100 ]; then
    SOCK="/tmp/ssoauth-demo-cgid-$DEMO_PORT.sock"
fi

if [ ! -s "$OUT/passphrase" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$OUT/passphrase")
fi
PASSPHRASE="$(cat "$OUT/passphrase")"


LIBEXEC="$(apxs -q LIBEXECDIR)"
USER_CONF=""
if [ "$(id -u)" -eq 0 ]; then
    USER_CONF="User www-data
Group www-data"
fi
MIME_CONF=""
[ -f /etc/mime.types ] && MIME_CONF="TypesConfig /etc/mime.types"

CONF="$OUT/httpd.conf"
(umask 077; cat >"$CONF" <<CONFEOF
# generated by scripts/demo.sh
ServerRoot "$OUT"
DefaultRuntimeDir "$OUT/run"
PidFile "$HTTPD_PID"
Listen 127.0.0.1:$DEMO_PORT
Listen 127.0.0.1:$APP2_PORT
ServerName 127.0.0.1:$DEMO_PORT

LoadModule mpm_event_module $LIBEXEC/mod_mpm_event.so
LoadModule authn_core_module $LIBEXEC/mod_authn_core.so
LoadModule authz_core_module $LIBEXEC/mod_authz_core.so
LoadModule authz_user_module $LIBEXEC/mod_authz_user.so
LoadModule mime_module $LIBEXEC/mod_mime.so
LoadModule alias_module $LIBEXEC/mod_alias.so
LoadModule dir_module $LIBEXEC/mod_dir.so
LoadModule env_module $LIBEXEC/mod_env.so
LoadModule headers_module $LIBEXEC/mod_headers.so
LoadModule setenvif_module $LIBEXEC/mod_setenvif.so
LoadModule cgid_module $LIBEXEC/mod_cgid.so
<IfModule !log_config_module>
    LoadModule log_config_module $LIBEXEC/mod_log_config.so
</IfModule>
LoadModule ssoauth_module "$MODULE"

$USER_CONF
ErrorLog "$OUT/logs/error_log"
LogLevel warn ssoauth:debug
LogFormat "%h %l %u %t \"%r\" %>s %b %D" timed
CustomLog "$OUT/logs/access_log" timed
$MIME_CONF
ScriptSock "$SOCK"
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 2
    ThreadsPerChild 16
    MaxRequestWorkers 32
</IfModule>

DocumentRoot "$CGI_DIR"
<Directory />
    AllowOverride None
    Require all denied
</Directory>

# mod_ssoauth, talking to the test IdP: what both applications share.
SSOAuthProvider "$ISSUER"
SSOAuthCryptoPassphrase "$PASSPHRASE"
SSOAuthScope "$DEMO_SCOPE"

# The demo: /demo/ is protected, /logged-out is public.
# (The module serves /api/auth/*; nothing here may map that path.)
RedirectMatch 302 ^/\$ /demo/
Alias /demo "$CGI_DIR"
Alias /logged-out "$CGI_DIR/logged-out.html"
<Directory "$CGI_DIR">
    Options +ExecCGI
    AddHandler cgi-script .cgi
    DirectoryIndex index.cgi
    Require all granted
</Directory>
<Location "/demo">
    AuthType SSOAuth
    Require valid-user
</Location>

# App 1: a public client (PKCE, no secret).
<VirtualHost 127.0.0.1:$DEMO_PORT>
    ServerName 127.0.0.1:$DEMO_PORT
    SSOAuthClientID ssoauth-public
    SSOAuthCookieName app1
    SetEnv SSOAUTH_DEMO_APP "App 1"
</VirtualHost>

# App 2: a confidential client. Browsers share cookies between ports of one
# host, so each application has its own cookie names.
<VirtualHost 127.0.0.1:$APP2_PORT>
    ServerName 127.0.0.1:$APP2_PORT
    SSOAuthClientID ssoauth-confidential
    SSOAuthClientSecret "$APP2_SECRET"
    SSOAuthCookieName app2
    SetEnv SSOAUTH_DEMO_APP "App 2"
</VirtualHost>
CONFEOF
)

echo "demo: starting Apache on port $DEMO_PORT"
if ! env -i PATH="$PATH" LANG=C "$HTTPD_BIN" -f "$CONF" -k start; then
    echo "demo: Apache failed to start; $OUT/logs/error_log:" >&2
    tail -n 40 "$OUT/logs/error_log" >&2 || true
    stop_demo
    exit 1
fi
ok=""
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$DEMO_PORT/logged-out" 2>/dev/null; then
        ok=1
        break
    fi
    sleep 0.2
done
if [ -z "$ok" ]; then
    echo "demo: Apache does not answer on port $DEMO_PORT; $OUT/logs/error_log:" >&2
    tail -n 40 "$OUT/logs/error_log" >&2 || true
    stop_demo
    exit 1
fi

cat <<INFO

mod_ssoauth demo is running: one SSO server, two applications.

  App 1:     http://127.0.0.1:$DEMO_PORT/demo/   (client ssoauth-public)
  App 2:     http://127.0.0.1:$APP2_PORT/demo/   (client ssoauth-confidential)
  Sign in:   $DEMO_EMAIL / $DEMO_PASSWORD
  SSO:       $ISSUER  (Better Auth, signing: $IDP_SIGNING_ALG)

  Sign in to App 1, then open App 2: no password is asked (single sign-on).
  Sign out in App 2: App 1 is signed out too (back-channel logout).

  Logs:      $OUT/logs/error_log
             $OUT/logs/access_log
             $OUT/idp.log
  Config:    $CONF

  Stop:      scripts/demo.sh stop
INFO
