#!/usr/bin/env bash
# Smoke test of the test IdP, done the way a relying party would do it with curl:
# discovery, authorize, login page, sign-in, code exchange, id_token check against
# the JWKS, userinfo, refresh, SSO on a second authorize, restart with the same
# data dir, and the /__test counters. Runs once per signing algorithm.
#
#   bash test/idp/smoke.sh            (after: cd test/idp && npm ci)
#
# Exits 0 only if every step worked.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$here/node_modules/better-auth" ] || { echo "smoke: run 'npm ci' in test/idp first" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

fail() {
  echo "SMOKE FAIL: $*" >&2
  if [ -f "$work/server.err" ]; then echo "--- last server log lines:" >&2; tail -n 20 "$work/server.err" >&2; fi
  exit 1
}
step() { printf '  %-58s %s\n' "$1" "$2"; }

# js 'expression using d' FILE: evaluates the expression with d = the file's JSON.
js() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")); const v = eval(process.argv[1]); process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"; }
b64url_random() { node -e 'process.stdout.write(require("crypto").randomBytes(+process.argv[1]).toString("base64url"))' -- "$1"; }
s256() { node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' -- "$1"; }
urlenc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' -- "$1"; }
# query_param URL NAME
query_param() { node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get(process.argv[2]) ?? "")' -- "$1" "$2"; }

resource="" # when set, sign_in_flow sends resource= on authorize and token

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

start_server() { # alg datadir
  port=$(free_port)
  origin="http://127.0.0.1:$port"
  local t0 t1
  t0=$(date +%s%N)
  : >"$work/server.out"  # now, not when the background job gets to its redirection
  IDP_PORT=$port IDP_DATA_DIR="$2" IDP_SIGNING_ALG="$1" node "$here/server.mjs" >"$work/server.out" 2>>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 150); do
    grep -q '^IDP READY ' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || fail "server exited before READY"
    sleep 0.1
  done
  grep -qx "IDP READY $origin/api/auth" "$work/server.out" || fail "no READY line; got: $(cat "$work/server.out")"
  [ "$(wc -l <"$work/server.out")" -eq 1 ] || fail "stdout has more than the READY line"
  t1=$(date +%s%N)
  step "server ($1) ready on $origin" "$(( (t1 - t0) / 1000000 )) ms"
}

# Verifies the id_token: signature against the JWKS, header alg, iss, aud, nonce, exp,
# at_hash; prints a one-line summary. Arguments: token.json jwks.json issuer client_id nonce alg
check_id_token() {
  node - "$@" <<'EOF'
const fs = require("fs"), crypto = require("crypto");
const [tokenFile, jwksFile, issuer, clientId, nonce, alg] = process.argv.slice(2);
const tok = JSON.parse(fs.readFileSync(tokenFile, "utf8"));
const jwks = JSON.parse(fs.readFileSync(jwksFile, "utf8"));
const [h, p, s] = tok.id_token.split(".");
const header = JSON.parse(Buffer.from(h, "base64url"));
const claims = JSON.parse(Buffer.from(p, "base64url"));
const problems = [];
if (header.alg !== alg) problems.push(`header alg ${header.alg}, expected ${alg}`);
const jwk = jwks.keys.find((k) => k.kid === header.kid);
if (!jwk) problems.push(`kid ${header.kid} not in JWKS`);
else {
  const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, "base64url");
  const ok = alg === "EdDSA" ? crypto.verify(null, data, key, sig) : crypto.verify("sha256", data, key, sig);
  if (!ok) problems.push("signature does not verify");
}
const now = Math.floor(Date.now() / 1000);
if (claims.iss !== issuer) problems.push(`iss ${claims.iss}`);
const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
if (!aud.includes(clientId)) problems.push(`aud ${claims.aud}`);
if (claims.nonce !== nonce) problems.push(`nonce ${claims.nonce}`);
if (!(claims.exp > now)) problems.push(`exp ${claims.exp}`);
if (claims.at_hash) {
  const hashName = alg === "EdDSA" ? "sha512" : "sha256";
  const digest = crypto.createHash(hashName).update(tok.access_token).digest();
  const want = digest.subarray(0, digest.length / 2).toString("base64url");
  if (claims.at_hash !== want) problems.push(`at_hash mismatch (${hashName})`);
}
if (problems.length) { console.error(problems.join("; ")); process.exit(1); }
console.log(`header ${JSON.stringify(header)} claims [${Object.keys(claims).join(" ")}] aud=${JSON.stringify(claims.aud)} ttl=${claims.exp - claims.iat}s`);
EOF
}

# One full sign-in with a client. Arguments: client_id auth(none|basic|post) secret [sso]
# With "sso" the cookie jar from the previous sign-in is reused and no password is sent.
sign_in_flow() {
  local client_id=$1 auth=$2 secret=${3:-} sso=${4:-}
  local redirect_uri="http://127.0.0.1:8080/api/auth/callback"
  local state nonce verifier challenge out code loc query resp url sub
  state=$(b64url_random 12); nonce=$(b64url_random 12)
  verifier=$(b64url_random 48); challenge=$(s256 "$verifier")
  local authorize_url="$authz?response_type=code&client_id=$(urlenc "$client_id")&redirect_uri=$(urlenc "$redirect_uri")&scope=$(urlenc "openid profile email offline_access")&state=$state&nonce=$nonce&code_challenge=$challenge&code_challenge_method=S256${resource:+&resource=$(urlenc "$resource")}"

  [ -n "$sso" ] || rm -f "$work/cookies"
  out=$(curl -sS -b "$work/cookies" -c "$work/cookies" -o /dev/null -w '%{http_code} %{redirect_url}' "$authorize_url")
  code=${out%% *}; loc=${out#* }
  [ "$code" = 302 ] || fail "$client_id authorize: HTTP $code"

  if [ -z "$sso" ]; then
    case "$loc" in "$origin/login?"*) ;; *) fail "$client_id authorize went to $loc, not the login page" ;; esac
    query=${loc#*\?}
    curl -sS -f "$loc" -o "$work/login.html" || fail "login page not served"
    for id in email password submit; do grep -q "id=\"$id\"" "$work/login.html" || fail "login page lacks #$id"; done
    resp=$(curl -sS -b "$work/cookies" -c "$work/cookies" -o "$work/signin.json" -w '%{http_code}' \
      -H "Origin: $origin" -H 'Content-Type: application/json' \
      --data-binary "{\"email\":\"demo@example.test\",\"password\":\"demo-password-1234\",\"oauth_query\":\"$query\"}" \
      "$origin/api/auth/sign-in/email")
    [ "$resp" = 200 ] || fail "$client_id sign-in: HTTP $resp $(cat "$work/signin.json")"
    [ "$(js 'd.redirect' "$work/signin.json")" = true ] || fail "sign-in answer lacks redirect:true: $(cat "$work/signin.json")"
    url=$(js 'd.url' "$work/signin.json")
    grep -q 'better-auth.session_token' "$work/cookies" || fail "no session cookie after sign-in"
  else
    url=$loc # already signed in: authorize redirects straight to the client
  fi

  case "$url" in "$redirect_uri?"*) ;; *) fail "$client_id: redirect went to $url" ;; esac
  [ "$(query_param "$url" state)" = "$state" ] || fail "$client_id: state mismatch in $url"
  [ "$(query_param "$url" iss)" = "$issuer" ] || fail "$client_id: iss mismatch in $url"
  local authcode; authcode=$(query_param "$url" code)
  [ -n "$authcode" ] || fail "$client_id: no code in $url"

  local -a client_auth=()
  case "$auth" in
    none)  client_auth=(--data-urlencode "client_id=$client_id") ;;
    basic) client_auth=(-u "$client_id:$secret") ;;
    post)  client_auth=(--data-urlencode "client_id=$client_id" --data-urlencode "client_secret=$secret") ;;
  esac
  local -a resource_param=()
  [ -z "$resource" ] || resource_param=(--data-urlencode "resource=$resource")
  resp=$(curl -sS -o "$work/token.json" -w '%{http_code}' "${client_auth[@]}" "${resource_param[@]}" \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$authcode" \
    --data-urlencode "redirect_uri=$redirect_uri" --data-urlencode "code_verifier=$verifier" "$token_ep")
  [ "$resp" = 200 ] || fail "$client_id token: HTTP $resp $(cat "$work/token.json")"
  for f in id_token access_token refresh_token; do
    [ -n "$(js "d.$f ?? ''" "$work/token.json")" ] || fail "$client_id token response lacks $f: $(js 'Object.keys(d)' "$work/token.json")"
  done
  local summary; summary=$(check_id_token "$work/token.json" "$work/jwks.json" "$issuer" "$client_id" "$nonce" "$alg") \
    || fail "$client_id id_token check failed"

  resp=$(curl -sS -o "$work/userinfo.json" -w '%{http_code}' -H "Authorization: Bearer $(js d.access_token "$work/token.json")" "$userinfo_ep")
  [ "$resp" = 200 ] || fail "$client_id userinfo: HTTP $resp"
  [ "$(js d.email "$work/userinfo.json")" = demo@example.test ] || fail "userinfo email: $(cat "$work/userinfo.json")"
  sub=$(node -e 'const t=require(process.argv[1]);process.stdout.write(JSON.parse(Buffer.from(t.id_token.split(".")[1],"base64url")).sub)' "$work/token.json")
  [ "$(js d.sub "$work/userinfo.json")" = "$sub" ] || fail "userinfo sub differs from id_token sub"

  resp=$(curl -sS -o "$work/refresh.json" -w '%{http_code}' "${client_auth[@]}" \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$(js d.refresh_token "$work/token.json")" "$token_ep")
  [ "$resp" = 200 ] || fail "$client_id refresh: HTTP $resp $(cat "$work/refresh.json")"
  [ "$(js d.refresh_token "$work/refresh.json")" != "$(js d.refresh_token "$work/token.json")" ] || fail "refresh token did not rotate"

  step "$client_id ($auth${sso:+, SSO without password})" "ok"
  echo "      id_token $summary"
  if [ -n "$resource" ]; then
    node -e 'const t = require(process.argv[1]); const [h, p] = t.access_token.split(".").slice(0, 2).map((x) => JSON.parse(Buffer.from(x, "base64url")));
      if (h.typ !== "at+jwt" || ![].concat(p.aud).includes(process.argv[2])) { console.error("access token", h, p); process.exit(1); }
      console.log(`      access token: JWT header ${JSON.stringify(h)} aud ${JSON.stringify(p.aud)} expires_in ${t.expires_in}`);' "$work/token.json" "$resource" \
      || fail "$client_id: resource= did not give a JWT access token for $resource"
  fi
  echo "      token response keys: $(js 'Object.keys(d).join(" ")' "$work/token.json"); userinfo: $(js 'Object.keys(d).join(" ")' "$work/userinfo.json")"
}

expect_stats() { # authorization_code refresh_token
  curl -sS -f "$origin/__test/stats" -o "$work/stats.json" || fail "GET /__test/stats"
  [ "$(js d.token_requests.authorization_code "$work/stats.json")" = "$1" ] && [ "$(js d.token_requests.refresh_token "$work/stats.json")" = "$2" ] \
    || fail "stats $(cat "$work/stats.json"), expected $1 authorization_code / $2 refresh_token"
  step "/__test/stats" "$(cat "$work/stats.json")"
}

for alg in EdDSA RS256; do
  echo "== $alg"
  datadir="$work/data-$alg"
  start_server "$alg" "$datadir"
  issuer="$origin/api/auth"

  curl -sS -f "$issuer/.well-known/openid-configuration" -o "$work/discovery.json" || fail "discovery"
  [ "$(js d.issuer "$work/discovery.json")" = "$issuer" ] || fail "discovery issuer $(js d.issuer "$work/discovery.json")"
  authz=$(js d.authorization_endpoint "$work/discovery.json")
  token_ep=$(js d.token_endpoint "$work/discovery.json")
  userinfo_ep=$(js d.userinfo_endpoint "$work/discovery.json")
  curl -sS -f "$(js d.jwks_uri "$work/discovery.json")" -o "$work/jwks.json" || fail "jwks"
  step "discovery + jwks" "id_token algs $(js d.id_token_signing_alg_values_supported "$work/discovery.json"), jwks $(js 'd.keys.map(k => k.kty + "/" + k.alg + "/" + k.kid).join(",")' "$work/jwks.json")"

  sign_in_flow ssoauth-public none
  sign_in_flow ssoauth-public none "" sso
  sign_in_flow ssoauth-confidential basic confidential-test-secret-0123456789abcdef
  # A wrong client secret must be refused (with a valid, just-rotated refresh token).
  resp=$(curl -sS -o "$work/wrong.json" -w '%{http_code}' -u ssoauth-confidential:wrong-secret \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$(js d.refresh_token "$work/refresh.json")" "$token_ep")
  [ "$resp" = 401 ] || fail "wrong client secret gave HTTP $resp $(cat "$work/wrong.json"), expected 401"
  step "wrong client secret refused" "HTTP $resp $(cat "$work/wrong.json")"
  sign_in_flow ssoauth-confidential-post post confidential-test-secret-0123456789abcdef
  expect_stats 4 5

  curl -sS -f -X POST "$origin/__test/reset" -o /dev/null || fail "POST /__test/reset"
  expect_stats 0 0

  # Restart on the same data dir: seeding must be idempotent and keys must survive.
  kid_before=$(js 'd.keys.map(k => k.kid).join(",")' "$work/jwks.json")
  stop_server
  start_server "$alg" "$datadir"
  issuer="$origin/api/auth"
  authz="$issuer/oauth2/authorize"; token_ep="$issuer/oauth2/token"; userinfo_ep="$issuer/oauth2/userinfo"
  curl -sS -f "$issuer/jwks" -o "$work/jwks.json" || fail "jwks after restart"
  [ "$(js 'd.keys.map(k => k.kid).join(",")' "$work/jwks.json")" = "$kid_before" ] || fail "signing keys changed across restart"
  sign_in_flow ssoauth-confidential basic confidential-test-secret-0123456789abcdef
  stop_server
done

echo "== IDP_CONFIG with a back-channel logout client, resource=, IDP_ACCESS_TOKEN_TTL=5"
bcl_port=$(free_port)
node -e 'require("http").createServer((q, r) => { let b = ""; q.on("data", (c) => b += c);
  q.on("end", () => { if (new URLSearchParams(b).get("logout_token")) require("fs").appendFileSync(process.argv[1], "logout_token\n"); r.writeHead(200); r.end(); }); })
  .listen(+process.argv[2], "127.0.0.1")' "$work/bcl.log" "$bcl_port" &
bcl_pid=$!
trap 'kill $bcl_pid 2>/dev/null || true; cleanup' EXIT
cat >"$work/config.json" <<JSON
{"clients": [{"client_id": "bc-client", "client_secret": "bc-secret-0123456789abcdef0123456789",
              "backchannel_logout_uri": "http://127.0.0.1:$bcl_port/backchannel-logout", "name": "back-channel test"}]}
JSON
IDP_CONFIG="$work/config.json" IDP_ACCESS_TOKEN_TTL=5 start_server EdDSA "$work/data-config"
issuer="$origin/api/auth"
authz="$issuer/oauth2/authorize"; token_ep="$issuer/oauth2/token"; userinfo_ep="$issuer/oauth2/userinfo"
curl -sS -f "$issuer/.well-known/openid-configuration" -o "$work/discovery.json" || fail "discovery"
curl -sS -f "$issuer/jwks" -o "$work/jwks.json" || fail "jwks"
alg=EdDSA
resource="$origin/api/resource"
sign_in_flow bc-client basic bc-secret-0123456789abcdef0123456789
resource=""
[ "$(js d.expires_in "$work/token.json")" = 5 ] || fail "IDP_ACCESS_TOKEN_TTL=5 not applied: expires_in $(js d.expires_in "$work/token.json")"
curl -sS -f -X POST "$origin/__test/reset" -o /dev/null
end_session=$(js d.end_session_endpoint "$work/discovery.json")
out=$(curl -sS -b "$work/cookies" -c "$work/cookies" -o /dev/null -w '%{http_code} %{redirect_url}' \
  "$end_session?id_token_hint=$(js d.id_token "$work/token.json")&post_logout_redirect_uri=$(urlenc http://127.0.0.1:8080/logged-out)&state=bye")
[ "$out" = "302 http://127.0.0.1:8080/logged-out?state=bye" ] || fail "end-session: $out"
step "end-session with id_token_hint" "$out"
for _ in $(seq 1 50); do [ -s "$work/bcl.log" ] && break; sleep 0.1; done
[ "$(wc -l <"$work/bcl.log" 2>/dev/null || echo 0)" -eq 1 ] || fail "back-channel logout not received exactly once"
curl -sS -f "$origin/__test/stats" -o "$work/stats.json"
[ "$(js d.backchannel_logout_sent "$work/stats.json")" = 1 ] || fail "backchannel_logout_sent: $(cat "$work/stats.json")"
step "back-channel logout received; stats" "$(cat "$work/stats.json")"
out=$(curl -sS -b "$work/cookies" -o /dev/null -w '%{redirect_url}' "$authz?response_type=code&client_id=bc-client&redirect_uri=$(urlenc http://127.0.0.1:8080/api/auth/callback)&scope=openid&state=s&nonce=n&code_challenge=$(s256 abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk)&code_challenge_method=S256")
case "$out" in "$origin/login?"*) step "authorize after logout asks for the password again" "ok" ;; *) fail "authorize after logout went to $out" ;; esac
stop_server

echo "SMOKE OK"
