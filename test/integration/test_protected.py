"""Protected resources: what the module hands to backends and what it refuses.

  * claims reach a CGI backend (SSO_CLAIM_*, X-SSO-Claim-*) and a proxied
    backend (X-SSO-Claim-*, optionally X-SSO-Access-Token);
  * client-supplied X-SSO-* headers (any case, '-' or '_') never reach a
    backend, on protected, unprotected, proxied and OPTIONS requests, and on
    the module's own endpoints, each removal logged as SSOAUTH00051; nor can
    a client make a proxy drop the module's headers by naming them in
    `Connection:`, or smuggle them as trailers with `MergeTrailers On`;
  * the module's own cookies (session, chunks, state) never reach a proxied
    or CGI backend, the application's cookies do (SSOAuthStripCookies);
  * `Require sso-claim` (exact, regex, several arguments, RequireAny,
    RequireAll, booleans, array claims) and its configtest failure;
  * unauthenticated non-navigation requests get the 401 JSON, never a
    redirect; SSOAuthUnauthAction 401 and pass;
  * bearer mode (AuthType SSOAuthBearer) with a real JWT access token from the
    test IdP, and the forgeries it must reject (expired, wrong audience,
    tampered, alg none, HS256 signed with the public key, an id_token, no
    token or a non-Bearer header), each with its own reason in the answer and
    the log; an expired token refused by its own cache entry (JWKS fetches
    counted at the IdP);
  * two applications on one host (cookies ignore the port) do not accept each
    other's sessions, with the default and with distinct cookie names.

The echo backend is a small Python HTTP server in this process that answers
every request with the request's headers as JSON and records what it saw.
"""

import hashlib
import hmac
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from harness import (CONFIDENTIAL_CLIENT_ID, DEMO_EMAIL, DEMO_NAME, DEMO_PASSWORD, PROTECT_DEMO,
                     PUBLIC_CLIENT_ID, Browser, Echo, module_directives)
from helpers import (XHR, assert_401_json, b64u, b64u_decode, jar_session, jwt_parts, log_mark,
                     log_since, lower_headers, set_cookie_headers, sleep_until, wait_for_log)
from steps import fetch_access_token, resource_of

# The forged values a client tries to smuggle to the backend.
EVIL = "evil@x"
FORGED = "forged"
SPOOF_VARIANTS = [
    ("X-SSO-Claim-Email", EVIL),
    ("x-sso-claim-email", EVIL),
    ("X_SSO_CLAIM_EMAIL", EVIL),
    ("X-SSO-Access-Token", FORGED),
    # A claim the demo user does not have, so the module never overwrites it.
    ("X-SSO-Claim-Role", "admin"),
    ("x_sso-Claim-role", "admin"),
]
FORGED_VALUES = (EVIL, FORGED, "admin")


# ---------------------------------------------------------------- helpers



def cgi_alias(httpd, path, auth=None, require=None, extra=""):
    """Serve the CGI demo at `path`/ with an optional <Location> guard."""
    out = 'Alias %s "%s/cgi-demo"\n' % (path, httpd.root)
    if auth or require or extra:
        out += '<Location "%s">\n' % path
        if auth:
            out += "    AuthType %s\n" % auth
        if extra:
            out += extra.rstrip("\n") + "\n"
        if require:
            out += require.rstrip("\n") + "\n"
        out += "</Location>\n"
    return out


def start_with(httpd_factory, conf_fn, **kw):
    """An httpd whose extra config needs its own ServerRoot (for Alias)."""
    httpd = httpd_factory("", start=False, **kw)
    httpd.extra_conf = conf_fn(httpd)
    return httpd.start()


def demo_json(browser, url, headers=None):
    r = browser.get(url, follow=False, headers=headers)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:500])
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    return r.json()


def assert_authorize_redirect(resp, idp, client_id=PUBLIC_CLIENT_ID):
    assert resp.status_code == 302, (resp.status_code, resp.headers, resp.text[:500])
    loc = resp.headers["Location"]
    authorize = idp.discovery()["authorization_endpoint"]
    assert loc.startswith(authorize + "?"), loc
    q = parse_qs(urlsplit(loc).query)
    assert q["client_id"] == [client_id], q
    assert q["response_type"] == ["code"], q
    return q


@pytest.fixture
def echo():
    e = Echo()
    yield e
    e.stop()


def proxy_location(path, echo, auth=None, require=None, extra=""):
    out = '<Location "%s">\n    ProxyPass "%s/"\n' % (path, echo.origin)
    if auth:
        out += "    AuthType %s\n" % auth
    if extra:
        out += extra.rstrip("\n") + "\n"
    if require:
        out += "    " + require + "\n"
    out += "</Location>\n"
    return out


# ------------------------------------------------- JWT access tokens, directly

idp_resource = resource_of


@pytest.fixture(scope="module")
def bearer_tokens(idp, httpd_ports):
    """One real token response (JWT access token, id_token) from the session
    IdP for this module."""
    redirect = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
    return fetch_access_token(idp, redirect, idp_resource(idp))


@pytest.fixture(scope="module")
def bearer_token(bearer_tokens):
    return bearer_tokens["access_token"]


def bearer(token):
    return {"Authorization": "Bearer " + token}


# The token_status names (src/core/token_status.cpp) a bearer refusal logs as
# "SSOAUTH00026: bearer token rejected: <name>", with the sentence each one
# sends as error_description.
REASONS = {
    "jwt_malformed": "The token is not a compact JWS of three base64url parts with JSON object header "
                     "and payload.",
    "jwt_header_crit_unsupported": "The token header lists critical extensions that are not supported.",
    "jwt_alg_none": "The token is unsigned (alg none), which is never accepted.",
    "jwt_alg_not_allowed": "The token's signing algorithm is not allowed.",
    "jwks_unknown_kid": "No key in the provider's key set matches the token's key id.",
    "jwks_key_alg_mismatch": "The key named by the token cannot be used with the token's algorithm.",
    "jwt_bad_signature": "The token's signature does not verify.",
    "jwt_audience_mismatch": "The token is not intended for this audience.",
    "jwt_expired": "The token has expired.",
    "jwt_typ_mismatch": "The token's type (typ) is not the expected kind of token.",
}


def assert_invalid_token(resp, reason):
    """401 invalid_token whose error_description (header and body) is the
    sentence for `reason`, a token_status name."""
    description = REASONS[reason]
    assert resp.status_code == 401, (reason, resp.status_code, resp.headers, resp.text[:500])
    assert "Location" not in resp.headers, resp.headers
    assert resp.headers.get("WWW-Authenticate") == \
        'Bearer error="invalid_token", error_description="%s"' % description, (reason, resp.headers)
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json", resp.headers
    body = resp.json()
    assert body == {"error": "invalid_token", "error_description": description}, (reason, body)
    return body


def assert_bearer_rejected(httpd, send, reason):
    """send() makes one request that must be refused for `reason`: the
    answer says so, and so does the log line of that request."""
    mark = log_mark(httpd)
    assert_invalid_token(send(), reason)
    m = wait_for_log(httpd, r"SSOAUTH00026: bearer token rejected: (\S+)$", mark)
    assert m and m.group(1) == reason, (reason, log_since(httpd, mark))


def assert_bearer_required(resp, malformed):
    """No usable token: a bare `Bearer` challenge, or (for an Authorization
    header that is not `Bearer <token>`) invalid_request, as documented."""
    assert resp.status_code == 401, (resp.status_code, resp.headers, resp.text[:300])
    assert "Location" not in resp.headers, resp.headers
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json", resp.headers
    if not malformed:
        assert resp.headers["WWW-Authenticate"] == "Bearer", resp.headers
        assert resp.json() == {"error": "unauthenticated"}, resp.text
        return
    description = "a Bearer token is required"
    assert resp.headers["WWW-Authenticate"] == \
        'Bearer error="invalid_request", error_description="%s"' % description, resp.headers
    assert resp.json() == {"error": "invalid_request", "error_description": description}, resp.text


def bearer_conf(idp, echo, audience=None, extra_locations=""):
    audience = audience or idp_resource(idp)
    return (module_directives(idp.issuer) + "SSOAuthClockSkew 0\n"
            + proxy_location("/api/", echo, auth="SSOAuthBearer", require="Require valid-user",
                             extra="    SSOAuthBearerAudience %s" % audience)
            + extra_locations)


# ================================================================ 1. claims reach backends

@pytest.mark.parametrize("pass_token", [False, True], ids=["no-access-token", "pass-access-token"])
def test_claims_reach_cgi_and_proxied_backend(idp, httpd_factory, browser, echo, pass_token):
    extra = "    SSOAuthPassAccessToken On" if pass_token else ""
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user", extra=extra)))

    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, (hops, resp.text[:500])

    # CGI: SSO_CLAIM_* variables and X-SSO-Claim-* headers (HTTP_X_SSO_CLAIM_*).
    body = demo_json(browser, httpd.url("/demo/?format=json"))
    sub = body["remote_user"]
    assert sub and body["auth_type"] == "SSOAuth", body
    assert body["claims"]["sub"] == sub
    assert body["claims"]["email"] == DEMO_EMAIL
    assert body["claims"]["name"] == DEMO_NAME
    assert body["claims"]["email_verified"] == "true", body
    assert body["claim_headers"]["sub"] == sub
    assert body["claim_headers"]["email"] == DEMO_EMAIL
    assert body["claim_headers"]["name"] == DEMO_NAME
    # email_verified travels as X-SSO-Claim-email-verified.
    assert body["claim_headers"]["email_verified"] == "true", body
    assert "role" not in body["claims"] and "role" not in body["claim_headers"], body

    # Proxy: the same claims as request headers.
    r = browser.get(httpd.url("/echo/hello?x=1"), follow=False)
    assert r.status_code == 200, (r.status_code, r.text[:500])
    seen = lower_headers(echo.last("GET", "/hello")["headers"])
    assert seen["x-sso-claim-email"] == [DEMO_EMAIL], seen
    assert seen["x-sso-claim-sub"] == [sub], seen
    assert seen["x-sso-claim-name"] == [DEMO_NAME], seen
    assert seen["x-sso-claim-email-verified"] == ["true"], seen
    assert "x-sso-claim-role" not in seen, seen
    if not pass_token:
        assert "x-sso-access-token" not in seen, seen
        return
    assert len(seen["x-sso-access-token"]) == 1, seen
    token = seen["x-sso-access-token"][0]
    assert token and token != FORGED
    # It is the real access token of the session: the IdP's userinfo accepts it.
    ui = requests.get(idp.discovery()["userinfo_endpoint"], headers=bearer(token), timeout=10)
    assert ui.status_code == 200, ui.text
    assert ui.json()["sub"] == sub and ui.json()["email"] == DEMO_EMAIL
    # ... and nothing the browser itself receives from the module carries it.
    page = browser.get(httpd.url("/demo/"), follow=False)
    assert token not in page.text and token not in str(page.headers)
    for c in browser.cookies:
        assert token not in c.value


HOSTILE_NAME = "D\u00ebmo \u00dcser \u65e5\u672c\r\nX-Injected: yes\x07\x7f\tend"
CLEAN_NAME = "D\u00ebmo \u00dcser \u65e5\u672cX-Injected: yesend"


def test_claim_values_sanitised_utf8_kept(idp_factory, httpd_factory, httpd_ports, browser, echo):
    """A user whose name carries CR LF (header injection), BEL, DEL and TAB
    plus non-ASCII: the backends get it with the control characters removed
    and the UTF-8 intact, and no extra header appears."""
    provider = idp_factory(config={"user": {"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                                            "name": HOSTILE_NAME}}, name="idp (hostile name)")
    # The provider really hands out the raw name (so the module is what cleans it).
    redirect = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
    token = fetch_access_token(provider, redirect, idp_resource(provider))["access_token"]
    ui = requests.get(provider.discovery()["userinfo_endpoint"], headers=bearer(token), timeout=10)
    assert ui.status_code == 200 and ui.json()["name"] == HOSTILE_NAME, ui.text
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(provider.issuer) + PROTECT_DEMO
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user")))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, (hops, resp.text[:500])

    body = demo_json(browser, httpd.url("/demo/?format=json"))
    assert body["claims"]["name"] == CLEAN_NAME, body
    assert body["claim_headers"]["name"] == CLEAN_NAME, body
    assert "injected" not in body["claim_headers"], body

    r = browser.get(httpd.url("/echo/n"), follow=False)
    assert r.status_code == 200, r.text
    rec = echo.last("GET", "/n")
    # http.server decodes header bytes as latin-1; undo that to see the UTF-8.
    seen = {k.lower(): v.encode("latin-1").decode("utf-8") for k, v in rec["headers"]}
    assert seen["x-sso-claim-name"] == CLEAN_NAME, rec
    assert "x-injected" not in seen, rec


# ================================================================ 2. spoofed X-SSO-* headers

def test_client_x_sso_headers_never_reach_backends(idp, httpd_factory, browser, echo):
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO
        + cgi_alias(h, "/open-demo")
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user",
                         extra="    SSOAuthPassAccessToken Off")
        + proxy_location("/open-echo/", echo)))

    def assert_logged(name):
        assert wait_for_log(httpd, r"SSOAUTH00051: removed client-supplied header %s$" % re.escape(name)), \
            "no SSOAUTH00051 line for %s" % name

    def assert_clean_echo(rec, claims=None):
        seen = lower_headers(rec["headers"])
        for name, values in seen.items():
            for v in values:
                assert v not in FORGED_VALUES, (name, v, rec)
        sso = {k: v for k, v in seen.items() if k.startswith(("x-sso", "x_sso"))}
        assert sso == (claims or {}), rec

    # Unauthenticated: unprotected CGI, unprotected proxy (GET and OPTIONS).
    for name, value in SPOOF_VARIANTS:
        h = {name: value}
        body = demo_json(browser, httpd.url("/open-demo/?format=json"), headers=h)
        assert body["claims"] == {} and body["claim_headers"] == {}, (name, body)
        assert not body["remote_user"], body

        r = browser.get(httpd.url("/open-echo/p1"), follow=False, headers=h)
        assert r.status_code == 200, r.text
        assert_clean_echo(echo.last("GET", "/p1"))

        r = browser.request("OPTIONS", httpd.url("/open-echo/p2"), follow=False, headers=h)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        assert_clean_echo(echo.last("OPTIONS", "/p2"))
        assert_logged(name)

    # The module's own endpoint strips them too (logged; it answers with a redirect).
    before = log_mark(httpd)
    r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False,
                    headers={"X-SSO-Claim-Sub": "attacker"})
    assert r.status_code == 302, r.status_code
    assert wait_for_log(httpd, r"SSOAUTH00051: removed client-supplied header X-SSO-Claim-Sub$", before)

    # Signed in: the protected CGI and proxy see the real values only.
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    for name, value in SPOOF_VARIANTS:
        h = {name: value}
        body = demo_json(browser, httpd.url("/demo/?format=json"), headers=h)
        sub = body["remote_user"]
        assert body["claims"]["email"] == DEMO_EMAIL, (name, body)
        assert body["claim_headers"]["email"] == DEMO_EMAIL, (name, body)
        assert "role" not in body["claims"] and "role" not in body["claim_headers"], (name, body)
        assert EVIL not in json.dumps(body) and "admin" not in json.dumps(body), (name, body)

        r = browser.get(httpd.url("/echo/p3"), follow=False, headers=h)
        assert r.status_code == 200, r.text
        assert_clean_echo(echo.last("GET", "/p3"), claims={
            "x-sso-claim-sub": [sub], "x-sso-claim-email": [DEMO_EMAIL], "x-sso-claim-name": [DEMO_NAME],
            "x-sso-claim-email-verified": ["true"]})

        r = browser.request("OPTIONS", httpd.url("/echo/p4"), follow=False, headers=h)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        assert_clean_echo(echo.last("OPTIONS", "/p4"), claims={
            "x-sso-claim-sub": [sub], "x-sso-claim-email": [DEMO_EMAIL], "x-sso-claim-name": [DEMO_NAME],
            "x-sso-claim-email-verified": ["true"]})


def test_all_spoof_variants_in_one_request(idp, httpd_factory, echo):
    """Several X-SSO-* spellings in one request (as raw header lines, which
    requests' case-insensitive dict cannot send): every one is removed."""
    import http.client
    httpd = start_with(httpd_factory, lambda h: module_directives(idp.issuer) + proxy_location("/open-echo/", echo))
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=10)
    conn.putrequest("GET", "/open-echo/all")
    for name, value in SPOOF_VARIANTS + [("X-Sso-Claim-Email", EVIL), ("X-SSO-", EVIL), ("x_sso_", EVIL)]:
        conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 200
    rec = json.loads(resp.read())
    conn.close()
    names = [k.lower() for k, _ in rec["headers"]]
    assert not [n for n in names if n.replace("_", "-").startswith("x-sso-")], rec
    assert not [v for _, v in rec["headers"] if v in FORGED_VALUES], rec
    # httpd merges header lines whose names differ only in case into the
    # first one (x-sso-claim-email and X-Sso-Claim-Email into X-SSO-Claim-Email).
    for name in ("X-SSO-Claim-Email", "X_SSO_CLAIM_EMAIL", "X-SSO-Access-Token", "X-SSO-Claim-Role",
                 "x_sso-Claim-role", "X-SSO-", "x_sso_"):
        assert wait_for_log(httpd, r"SSOAUTH00051: removed client-supplied header %s$" % re.escape(name)), name


def test_connection_header_naming_x_sso_cannot_make_proxy_drop_module_headers(idp, httpd_factory, browser, echo):
    """A client lists the module's headers in `Connection:` so that
    mod_proxy_http would delete them as hop-by-hop: the backend still gets
    every X-SSO-* header the module set, and the client's other Connection
    tokens still work (a header they name is dropped by the proxy)."""
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user",
                         extra="    SSOAuthPassAccessToken On")))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    sub = demo_json(browser, httpd.url("/demo/?format=json"))["remote_user"]
    before = log_mark(httpd)
    r = browser.get(httpd.url("/echo/conn"), follow=False, headers={
        "Connection": "keep-alive, X-SSO-Claim-Sub, x_sso_claim_email, X-SSO-Access-Token, X-Hop",
        "X-Hop": "dropped-by-proxy"})
    assert r.status_code == 200, r.text
    seen = lower_headers(echo.last("GET", "/conn")["headers"])
    assert seen.get("x-sso-claim-sub") == [sub], seen
    assert seen.get("x-sso-claim-email") == [DEMO_EMAIL], seen
    assert len(seen.get("x-sso-access-token", [])) == 1, seen
    assert "x-hop" not in seen, seen  # the client's own hop-by-hop token still applies
    assert wait_for_log(httpd, r"SSOAUTH00150: removed client-supplied X-SSO-\* names from the Connection header",
                        before)


def test_x_sso_trailers_merged_by_merge_trailers_never_reach_backend(idp, httpd_factory, browser, echo):
    """With `MergeTrailers On`, a chunked body's trailers are merged into the
    request headers after post_read_request removed the client's X-SSO-*
    headers: an X-SSO-* trailer must neither reach the backend nor displace
    the module's own value."""
    import http.client
    httpd = start_with(httpd_factory, lambda h: (
        "MergeTrailers On\n" + module_directives(idp.issuer) + PROTECT_DEMO
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user")
        + proxy_location("/open-echo/", echo)))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    sub = demo_json(browser, httpd.url("/demo/?format=json"))["remote_user"]
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in browser.cookies)

    def post_with_trailers(path, headers):
        conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=10)
        conn.putrequest("POST", path)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Trailer", "X-SSO-Claim-Sub, X-SSO-Claim-Role")
        conn.endheaders()
        conn.send(b"5\r\nhello\r\n0\r\nX-SSO-Claim-Sub: attacker\r\nX-SSO-Claim-Role: admin\r\n"
                  b"X-App-Trailer: kept\r\n\r\n")
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body

    for path, headers, claims in (("/echo/t1", {"Cookie": cookie}, {"x-sso-claim-sub": [sub]}),
                                  ("/open-echo/t2", {}, {})):
        before = log_mark(httpd)
        status, body = post_with_trailers(path, headers)
        assert status == 200, (status, body[:300])
        seen = lower_headers(echo.last("POST", path[path.index("/", 1):])["headers"])
        assert "attacker" not in json.dumps(seen) and "admin" not in json.dumps(seen), seen
        assert "x-sso-claim-role" not in seen, seen
        for name, values in claims.items():
            assert seen.get(name) == values, seen
        assert wait_for_log(httpd, r"SSOAUTH00151: removed client-supplied trailer X-SSO-Claim-Sub$", before)


# ================================================================ 2b. the module's cookies stay with it

COOKIE_CGI = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s' \"$HTTP_COOKIE\"\n"
APP_COOKIES = ("theme=dark", 'lang="en US"')


def with_cookie_cgi(httpd):
    """/demo/cookie.cgi answers with the HTTP_COOKIE it was given."""
    script = httpd.root / "cgi-demo" / "cookie.cgi"
    script.write_text(COOKIE_CGI)
    script.chmod(0o755)
    return ""


def module_cookies(browser):
    """name=value of the module's cookies in the jar (the IdP's, on the same host, are left out)."""
    return ["%s=%s" % (c.name, c.value) for c in browser.cookies if c.name.startswith("ssoauth_")]


def cookie_header_with_app_cookies(browser):
    """The browser's cookies (the module's session) between the
    application's own, plus a leftover state cookie of the module."""
    module = module_cookies(browser)
    assert any(c.startswith("ssoauth_session=") for c in module), module
    return "; ".join([APP_COOKIES[0]] + module + ["ssoauth_state_0123456789abcdef=leftover", APP_COOKIES[1]])


def test_module_cookies_never_reach_backends(idp, httpd_factory, browser, echo):
    """The sealed session and state cookies are the module's: a proxied
    backend's Cookie header and a CGI script's HTTP_COOKIE hold only the
    application's cookies, byte for byte and in order, also after an internal
    redirect (ErrorDocument) into another protected location."""
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO + with_cookie_cgi(h)
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user")
        + '<Location "/redir">\n    AuthType SSOAuth\n    Require valid-user\n'
          '    ErrorDocument 404 /demo/cookie.cgi\n</Location>\n'))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    header = {"Cookie": cookie_header_with_app_cookies(browser)}
    expected = "; ".join(APP_COOKIES)

    r = browser.get(httpd.url("/echo/cookies"), follow=False, headers=header)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    seen = lower_headers(echo.last("GET", "/cookies")["headers"])
    assert seen.get("cookie") == [expected], seen

    r = browser.get(httpd.url("/demo/cookie.cgi"), follow=False, headers=header)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.text == expected, r.text

    r = browser.get(httpd.url("/redir/missing"), follow=False, headers=header)
    assert r.status_code == 404, (r.status_code, r.headers, r.text[:300])
    assert r.text == expected, r.text

    # Only the module's cookies: no Cookie header reaches the backend at all.
    only_module = {"Cookie": "; ".join(module_cookies(browser))}
    r = browser.get(httpd.url("/echo/none"), follow=False, headers=only_module)
    assert r.status_code == 200, r.text
    assert "cookie" not in lower_headers(echo.last("GET", "/none")["headers"])


def test_strip_cookies_off_hands_the_module_cookies_to_the_backend(idp, httpd_factory, browser, echo):
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO
        + proxy_location("/echo/", echo, auth="SSOAuth", require="Require valid-user",
                         extra="    SSOAuthStripCookies Off")))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    header = {"Cookie": cookie_header_with_app_cookies(browser)}
    r = browser.get(httpd.url("/echo/kept"), follow=False, headers=header)
    assert r.status_code == 200, r.text
    assert lower_headers(echo.last("GET", "/kept")["headers"]).get("cookie") == [header["Cookie"]]


# ================================================================ 3. Require sso-claim

REQUIRE_CASES = [
    # path, Require block, expected status
    ("/rq/exact", "Require sso-claim email:demo@example.test", 200),
    ("/rq/exact-deny", "Require sso-claim email:someone@else", 403),
    ("/rq/regex", r"Require sso-claim email~@example\.test$", 200),
    ("/rq/regex-deny", r"Require sso-claim email~^admin@", 403),
    ("/rq/anyof", "Require sso-claim email:nope@x email:demo@example.test", 200),
    ("/rq/quoted", 'Require sso-claim "name:Demo User"', 200),
    ("/rq/bool", "Require sso-claim email_verified:true", 200),
    ("/rq/missing", "Require sso-claim role:admin", 403),
    ("/rq/requireany", "<RequireAny>\n    Require sso-claim email:nope@x\n"
                       "    Require sso-claim name~^Demo\n</RequireAny>", 200),
    ("/rq/requireall", "<RequireAll>\n    Require valid-user\n    Require sso-claim email:demo@example.test\n"
                       "    Require sso-claim email_verified:false\n</RequireAll>", 403),
    ("/rq/requireall-ok", "<RequireAll>\n    Require valid-user\n"
                          "    Require sso-claim email~^demo@ \"name:Demo User\"\n"
                          "    Require sso-claim email_verified:true\n</RequireAll>", 200),
]


def test_require_sso_claim(idp, httpd_factory, browser):
    def conf(h):
        out = module_directives(idp.issuer) + PROTECT_DEMO
        for path, require, _ in REQUIRE_CASES:
            out += cgi_alias(h, path, auth="SSOAuth", require=require)
        return out
    httpd = start_with(httpd_factory, conf)

    # Not signed in: authentication comes first (401 JSON for XHR, not 403).
    r = browser.get(httpd.url("/rq/exact-deny/"), follow=False, headers=XHR)
    assert_401_json(r, "/rq/exact-deny/")

    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    sub = demo_json(browser, httpd.url("/demo/?format=json"))["remote_user"]

    results, details = {}, {}
    for path, require, expected in REQUIRE_CASES:
        r = browser.get(httpd.url(path + "/?format=json"), follow=False)
        results[path] = r.status_code
        details[path] = (r.status_code, r.headers.get("WWW-Authenticate"), r.headers.get("Content-Type"))
        if r.status_code == 200:
            assert r.json()["remote_user"] == sub
        if r.status_code == 403:
            assert "Location" not in r.headers
            assert "Bearer" not in r.headers.get("WWW-Authenticate", "")
    assert results == {p: e for p, _, e in REQUIRE_CASES}, details

    assert wait_for_log(httpd, r"SSOAUTH00050: user %s does not satisfy 'Require sso-claim email:someone@else'"
                        % re.escape(sub))
    assert wait_for_log(httpd, r"SSOAUTH00050: user %s does not satisfy 'Require sso-claim email~\^admin@'"
                        % re.escape(sub))
    assert wait_for_log(httpd, r"SSOAUTH00050: user %s does not satisfy 'Require sso-claim email_verified:false'"
                        % re.escape(sub))


@pytest.mark.parametrize("require", ["Require sso-claim email~(", "Require sso-claim email~[a-",
                                     "Require sso-claim emailonly"])
def test_require_sso_claim_invalid_fails_configtest(idp, httpd_factory, require):
    httpd = httpd_factory("", start=False)
    rc, out = httpd.configtest(module_directives(idp.issuer)
                               + '<Location "/x">\n    AuthType SSOAuth\n    %s\n</Location>\n' % require)
    assert rc != 0, out
    assert "sso-claim" in out, out
    rc, out = httpd.configtest(module_directives(idp.issuer)
                               + '<Location "/x">\n    AuthType SSOAuth\n    Require sso-claim email~^a(b|c)$\n</Location>\n')
    assert rc == 0, out


# ================================================================ 4. unauthenticated requests

def test_unauthenticated_xhr_gets_401_json_navigation_redirects(idp, httpd_factory, browser):
    httpd = start_with(httpd_factory, lambda h: (
        module_directives(idp.issuer) + PROTECT_DEMO
        + cgi_alias(h, "/only401", auth="SSOAuth", require="Require valid-user",
                    extra="    SSOAuthUnauthAction 401")
        + cgi_alias(h, "/passthru", auth="SSOAuth", require="Require valid-user",
                    extra="    SSOAuthUnauthAction pass")))
    path = "/demo/?x=1&y=a%2Fb"

    # fetch()/XHR: Sec-Fetch-Mode other than navigate.
    assert_401_json(browser.get(httpd.url(path), follow=False, headers=XHR), path)
    assert_401_json(browser.get(httpd.url(path), follow=False,
                                headers={"Sec-Fetch-Mode": "cors"}), path)
    # No Sec-Fetch-Mode, but Accept without text/html.
    assert_401_json(browser.get(httpd.url(path), follow=False,
                                headers={"Sec-Fetch-Mode": None, "Sec-Fetch-Dest": None,
                                         "Accept": "application/json"}), path)
    # X-Requested-With, even with an HTML Accept.
    assert_401_json(browser.get(httpd.url(path), follow=False,
                                headers={"X-Requested-With": "XMLHttpRequest"}), path)
    # A POST, even from a navigating form.
    assert_401_json(browser.post(httpd.url(path), follow=False, data={"a": "b"}), path)
    assert_401_json(browser.request("DELETE", httpd.url(path), follow=False), path)
    # A CORS preflight.
    assert_401_json(browser.request("OPTIONS", httpd.url(path), follow=False,
                                    headers={"Sec-Fetch-Mode": "cors", "Origin": "http://127.0.0.1:1",
                                             "Access-Control-Request-Method": "GET"}), path)
    # None of those left a state cookie behind (no sign-in was started).
    assert not [c.name for c in browser.cookies if c.name.startswith("ssoauth_state")], list(browser.cookies)

    # A navigation (GET or HEAD) goes to the provider.
    assert_authorize_redirect(browser.get(httpd.url(path), follow=False), idp)
    assert_authorize_redirect(browser.request("HEAD", httpd.url(path), follow=False), idp)

    # SSOAuthUnauthAction 401: even a navigation gets the 401 JSON.
    assert_401_json(browser.get(httpd.url("/only401/"), follow=False), "/only401/")
    assert_401_json(browser.get(httpd.url("/only401/?format=json"), follow=False, headers=XHR),
                    "/only401/?format=json")

    # SSOAuthUnauthAction pass: through, with no identity and no claim headers.
    body = demo_json(browser, httpd.url("/passthru/?format=json"), headers={"X-SSO-Claim-Email": EVIL})
    assert not body["remote_user"], body
    assert body["claims"] == {} and body["claim_headers"] == {}, body
    body = demo_json(browser, httpd.url("/passthru/?format=json"), headers=XHR)
    assert not body["remote_user"] and body["claims"] == {}, body

    # Once signed in, the same locations see the identity.
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    for p in ("/only401/?format=json", "/passthru/?format=json"):
        body = demo_json(browser, httpd.url(p), headers=XHR)
        assert body["remote_user"] and body["claims"]["email"] == DEMO_EMAIL, (p, body)


# ================================================================ 5. bearer mode

def test_bearer_real_token_accepted_and_claims_passed(idp, httpd_factory, echo, bearer_token):
    resource = idp_resource(idp)
    _, payload, _ = jwt_parts(bearer_token)
    httpd = start_with(httpd_factory, lambda h: bearer_conf(idp, echo, extra_locations=(
        cgi_alias(h, "/api-cgi", auth="SSOAuthBearer", require="Require valid-user",
                  extra="    SSOAuthBearerAudience %s" % resource)
        + proxy_location("/api-aud/", echo, auth="SSOAuthBearer", require="Require sso-claim aud:%s" % resource,
                         extra="    SSOAuthBearerAudience %s" % resource)
        + proxy_location("/api-aud-deny/", echo, auth="SSOAuthBearer",
                         require="Require sso-claim aud:http://127.0.0.1:1/other",
                         extra="    SSOAuthBearerAudience %s" % resource))))

    for i in range(2):  # the second one comes from the verified-token cache
        r = requests.get(httpd.url("/api/things/%d" % i), timeout=10,
                         headers=dict(bearer(bearer_token), **{"X-SSO-Claim-Email": EVIL,
                                                                "X_SSO_Access_Token": FORGED}))
        assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
        # ProxyPass inside <Location /api/> maps /api/things/N to /things/N.
        seen = lower_headers(echo.last("GET", "/things/%d" % i)["headers"])
        assert seen["x-sso-claim-sub"] == [payload["sub"]], seen
        # The access token carries no email: the forged one must not show through.
        assert "x-sso-claim-email" not in seen, seen
        assert "x-sso-access-token" not in seen and "x_sso_access_token" not in seen, seen
        assert seen["authorization"] == ["Bearer " + bearer_token], seen

    # A CGI backend gets REMOTE_USER and the claim variables.
    r = requests.get(httpd.url("/api-cgi/?format=json"), headers=bearer(bearer_token), timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["remote_user"] == payload["sub"] and body["auth_type"] == "SSOAuthBearer", body
    assert body["claims"]["sub"] == payload["sub"] and body["claim_headers"]["sub"] == payload["sub"], body

    # aud is an array [resource, userinfo URL]: one element matching grants.
    assert isinstance(payload["aud"], list) and len(payload["aud"]) == 2, payload
    r = requests.get(httpd.url("/api-aud/x"), headers=bearer(bearer_token), timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
    r = requests.get(httpd.url("/api-aud-deny/x"), headers=bearer(bearer_token), timeout=10)
    assert r.status_code == 403, (r.status_code, r.headers, r.text[:300])
    assert r.headers.get("WWW-Authenticate", "").startswith('Bearer error="insufficient_scope"'), r.headers
    assert "Location" not in r.headers
    assert wait_for_log(httpd, r"SSOAUTH00050: user %s does not satisfy 'Require sso-claim aud:http://127\.0\.0\.1:1/other'"
                        % re.escape(payload["sub"]))


def flip_keeping_json(p64):
    """p64 with one base64url character changed near its middle such that
    it still decodes to a JSON object (printable ASCII): a tampering only
    the signature can reveal."""
    for i in list(range(len(p64) // 2, len(p64) - 4)) + list(range(4, len(p64) // 2)):
        for c in "ABab01":
            if c == p64[i]:
                continue
            flipped = p64[:i] + c + p64[i + 1:]
            raw = b64u_decode(flipped)
            if not all(0x20 <= b < 0x7f for b in raw):
                continue
            try:
                if isinstance(json.loads(raw), dict):
                    return flipped
            except ValueError:
                continue
    raise AssertionError("no one-character change keeps the payload JSON: %s" % p64)


def public_key_secrets(key):
    """The byte strings a confused verifier might take as an HMAC secret:
    the provider's public key in every common encoding."""
    out = [("jwk-json", json.dumps(key).encode()),
           ("jwk-json-compact", json.dumps(key, separators=(",", ":")).encode())]
    if key["kty"] == "OKP":
        out.append(("okp-x-raw", b64u_decode(key["x"])))
        out.append(("okp-x-text", key["x"].encode()))
        pub = ed25519.Ed25519PublicKey.from_public_bytes(b64u_decode(key["x"]))
    else:
        out.append(("rsa-n-raw", b64u_decode(key["n"])))
        pub = rsa.RSAPublicNumbers(int.from_bytes(b64u_decode(key["e"]), "big"),
                                   int.from_bytes(b64u_decode(key["n"]), "big")).public_key()
    out.append(("pem", pub.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)))
    out.append(("der", pub.public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)))
    return out


def forged_tokens(token, jwks):
    """(label, token, reason) triples a bearer endpoint must reject, built
    from a real token; reason is the token_status name the module gives."""
    header, payload, sig = jwt_parts(token)
    h64, p64, _ = token.split(".")
    out = []

    def hdr64(**changes):
        h = dict(header, **changes)
        return b64u(json.dumps({k: v for k, v in h.items() if v is not None}))

    # Tampered: one payload character changed (the sub), signature kept.
    sub = payload["sub"]
    evil = dict(payload, sub=("A" if sub[0] != "A" else "B") + sub[1:])
    out.append(("tampered-sub", "%s.%s.%s" % (h64, b64u(json.dumps(evil, separators=(",", ":"))), sig),
                "jwt_bad_signature"))
    # Tampered in the base64 text itself (one character of the payload).
    out.append(("tampered-b64", "%s.%s.%s" % (h64, flip_keeping_json(p64), sig), "jwt_bad_signature"))
    # Signature removed / truncated (still canonical base64url).
    out.append(("no-signature", "%s.%s." % (h64, p64), "jwt_bad_signature"))
    out.append(("truncated-signature", "%s.%s.%s" % (h64, p64, b64u(b64u_decode(sig)[:-3])),
                "jwt_bad_signature"))

    # alg none in any letter case, with an empty signature.  Without typ the
    # token is not even an access token, which is checked first.
    out.append(("alg-none", "%s.%s." % (hdr64(alg="none"), p64), "jwt_alg_none"))
    out.append(("alg-None-nokid", "%s.%s." % (hdr64(alg="None", kid=None), p64), "jwt_alg_none"))
    out.append(("alg-none-notyp", "%s.%s." % (b64u(json.dumps({"alg": "none"})), p64), "jwt_typ_mismatch"))

    # HS256/HS512 "signed" with the provider's public key material as the HMAC secret.
    key = next(k for k in jwks["keys"] if k.get("kid") == header.get("kid"))
    secrets_ = public_key_secrets(key) + [("jwks-json", json.dumps(jwks).encode())]
    for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
        for label, secret in secrets_:
            for kid in (header["kid"], None):
                signing_input = "%s.%s" % (hdr64(alg=alg, kid=kid), p64)
                mac = hmac.new(secret, signing_input.encode(), digest).digest()
                out.append(("%s-%s%s" % (alg, label, "" if kid else "-nokid"),
                            signing_input + "." + b64u(mac), "jwt_alg_not_allowed"))

    # The real signature, but the header switched to another algorithm (the
    # key named by kid cannot make it), or naming a key the provider lacks.
    other = "RS256" if header["alg"] != "RS256" else "PS256"
    out.append(("alg-switched", "%s.%s.%s" % (hdr64(alg=other), p64, sig), "jwks_key_alg_mismatch"))
    out.append(("unknown-kid", "%s.%s.%s" % (hdr64(kid="no-such-key"), p64, sig), "jwks_unknown_kid"))
    # A critical header extension nobody understands.
    out.append(("crit", "%s.%s.%s" % (hdr64(crit=["x-unknown"]), p64, sig), "jwt_header_crit_unsupported"))
    # Garbage.
    out.append(("not-a-jwt", "abc", "jwt_malformed"))
    out.append(("four-parts", token + ".x", "jwt_malformed"))
    out.append(("payload-not-json", "%s.%s.%s" % (h64, b64u("not json"), sig), "jwt_malformed"))
    return out


@pytest.mark.parametrize("alg", ["EdDSA", "RS256"])
def test_bearer_rejects_forged_tokens(idp, idp_factory, httpd_factory, httpd_ports, echo, bearer_token, alg):
    if alg == "EdDSA":
        provider, token = idp, bearer_token
    else:
        provider = idp_factory(alg="RS256", name="idp (RS256)")
        redirect = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
        token = fetch_access_token(provider, redirect, idp_resource(provider))["access_token"]
    httpd = httpd_factory(bearer_conf(provider, echo))
    jwks = requests.get(provider.discovery()["jwks_uri"], timeout=10).json()

    # The genuine token works (so every refusal below is about the forgery).
    r = requests.get(httpd.url("/api/ok"), headers=bearer(token), timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])

    wrong = []
    for label, forged, reason in forged_tokens(token, jwks):
        n = len(echo.seen)
        mark = log_mark(httpd)
        r = requests.get(httpd.url("/api/forged"), headers=bearer(forged), timeout=10)
        m = wait_for_log(httpd, r"SSOAUTH00026: bearer token rejected: (\S+)$", mark, timeout=2)
        got = (r.status_code, m and m.group(1), r.headers.get("WWW-Authenticate"))
        if got[:2] != (401, reason):
            wrong.append((label, "expected", reason, "got", got))
            continue
        assert_invalid_token(r, reason)
        assert len(echo.seen) == n, label
    assert wrong == [], "\n".join(map(repr, wrong))


def test_bearer_no_token_and_wrong_audience(idp, httpd_factory, echo, bearer_token):
    httpd = httpd_factory(bearer_conf(idp, echo, extra_locations=proxy_location(
        "/api-other/", echo, auth="SSOAuthBearer", require="Require valid-user",
        extra="    SSOAuthBearerAudience http://127.0.0.1:1/other-api")))

    # No token: a bare challenge, for an API client and for a navigation.
    for headers in ({}, XHR, Browser.NAV_HEADERS):
        r = requests.get(httpd.url("/api/x"), headers=headers, timeout=10, allow_redirects=False)
        assert_bearer_required(r, malformed=False)
    r = requests.post(httpd.url("/api/x"), data="a=b", timeout=10, allow_redirects=False)
    assert_bearer_required(r, malformed=False)
    # An Authorization header that is not "Bearer <token>": invalid_request.
    r = requests.get(httpd.url("/api/x"), auth=("demo", "pw"), timeout=10, allow_redirects=False)
    assert_bearer_required(r, malformed=True)
    for value in ("Bearer", "Bearer ", "Bearer a b", "Token " + bearer_token, "bearer,%s" % bearer_token):
        r = requests.get(httpd.url("/api/x"), headers={"Authorization": value}, timeout=10,
                         allow_redirects=False)
        assert_bearer_required(r, malformed=True)
    # A session cookie is no substitute for a token (not even a forged one).
    r = requests.get(httpd.url("/api/x"), headers=Browser.NAV_HEADERS, cookies={"ssoauth_session": "x" * 40},
                     timeout=10, allow_redirects=False)
    assert_bearer_required(r, malformed=False)
    assert not echo.seen, echo.seen

    # A genuine token for another audience, after it was verified (and
    # cached) for this one: the cache is per audience.
    r = requests.get(httpd.url("/api/x"), headers=bearer(bearer_token), timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
    n = len(echo.seen)
    for headers in (bearer(bearer_token), dict(Browser.NAV_HEADERS, **bearer(bearer_token))):
        assert_bearer_rejected(httpd, lambda: requests.get(httpd.url("/api-other/x"), headers=headers, timeout=10,
                                                           allow_redirects=False), "jwt_audience_mismatch")
    assert len(echo.seen) == n
    # ... while the right audience accepts it.
    r = requests.get(httpd.url("/api/x"), headers=bearer(bearer_token), timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])


def test_bearer_rejects_id_token_as_access_token(idp, httpd_factory, echo, bearer_tokens):
    """Token confusion: the provider's ID token (typ absent, aud = client id)
    presented as a bearer token to an API whose audience is that client id:
    refused because it is not an access token (typ), whatever else holds."""
    id_token = bearer_tokens["id_token"]
    header, payload, _ = jwt_parts(id_token)
    assert payload["aud"] == PUBLIC_CLIENT_ID and header.get("typ") != "at+jwt", (header, payload)
    httpd = httpd_factory(bearer_conf(idp, echo, audience=PUBLIC_CLIENT_ID))
    n = len(echo.seen)
    assert_bearer_rejected(httpd, lambda: requests.get(httpd.url("/api/x"), headers=bearer(id_token), timeout=10),
                           "jwt_typ_mismatch")
    assert len(echo.seen) == n


# One child process (so one verified-token cache sees every request).
ONE_PROCESS = """
<IfModule mpm_event_module>
    ServerLimit 1
    StartServers 1
    MaxRequestWorkers 16
    MinSpareThreads 1
    MaxSpareThreads 16
</IfModule>
"""
# The provider marks its key set fresh for this long (the module's floor for max-age).
JWKS_MAX_AGE = 10
TOKEN_TTL = 20


def test_bearer_expired_token_rejected_even_after_caching(idp_factory, httpd_factory, echo):
    """A verified token is cached until its exp; past exp the cache entry
    itself refuses it.  The hits are seen at the provider: its key set is
    fresh for only JWKS_MAX_AGE seconds, so a token verified again after
    that makes the module fetch the keys again, and a cache hit does not."""
    provider = idp_factory(access_token_ttl=TOKEN_TTL, env={"IDP_JWKS_MAX_AGE": str(JWKS_MAX_AGE)},
                           name="idp (ttl %ds, jwks max-age %ds)" % (TOKEN_TTL, JWKS_MAX_AGE))
    httpd = httpd_factory(bearer_conf(provider, echo) + ONE_PROCESS)

    def jwks_fetches():
        return provider.stats()["jwks_requests"]

    redirect = httpd.url("/api/auth/callback")
    token = fetch_access_token(provider, redirect, idp_resource(provider))["access_token"]
    _, payload, _ = jwt_parts(token)
    assert payload["exp"] - payload["iat"] == TOKEN_TTL, payload
    fetched = jwks_fetches()

    # Valid: verified (the keys fetched once) and cached.
    r = requests.get(httpd.url("/api/early"), headers=bearer(token), timeout=10)
    t_verified = time.time()
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
    assert jwks_fetches() == fetched + 1
    fetched += 1

    # Still valid, the keys stale by now: served from the cache (no refetch).
    sleep_until(t_verified + JWKS_MAX_AGE + 1.5)
    assert time.time() < payload["exp"] - 1, "the premise failed: the token expired before the cache hit"
    r = requests.get(httpd.url("/api/again"), headers=bearer(token), timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
    assert jwks_fetches() == fetched, "the cached token was verified again"

    # Expired (SSOAuthClockSkew 0): the cache entry refuses it, still without a fetch ...
    sleep_until(payload["exp"] + 1)
    n = len(echo.seen)
    assert_bearer_rejected(httpd, lambda: requests.get(httpd.url("/api/late"), headers=bearer(token), timeout=10),
                           "jwt_expired")
    assert jwks_fetches() == fetched, "the expired token was not refused by its cache entry"
    # ... and drops out of the cache: the next try is verified afresh (which
    # fetches the stale keys: the count above would have shown a miss).
    assert_bearer_rejected(httpd, lambda: requests.get(
        httpd.url("/api/late"), headers=dict(Browser.NAV_HEADERS, **bearer(token)), timeout=10,
        allow_redirects=False), "jwt_expired")
    assert jwks_fetches() == fetched + 1
    assert len(echo.seen) == n


# ================================================================ 6. two applications, one host

def two_apps(idp, httpd_factory, names=(None, None)):
    apps = []
    for client, name in zip(("public", "confidential"), names):
        extra = "SSOAuthCookieName %s" % name if name else ""
        apps.append(httpd_factory(module_directives(idp.issuer, client=client, extra=extra) + PROTECT_DEMO,
                                  name="app-%s" % client))
    return apps


def session_cookie_names(resp):
    return [h.split("=", 1)[0] for h in set_cookie_headers(resp)]


def assert_not_accepted(app, browser, idp, client_id):
    nav = browser.get(app.url("/demo/"), follow=False)
    assert_authorize_redirect(nav, idp, client_id=client_id)
    xhr = browser.get(app.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(xhr, "/demo/?format=json")
    return nav, xhr


@pytest.mark.parametrize("names", [(None, None), ("app1", "app2")], ids=["default-cookie-name", "app1-app2"])
def test_two_apps_do_not_share_sessions(idp, httpd_factory, names):
    browser = Browser()
    app1, app2 = two_apps(idp, httpd_factory, names)
    prefix1 = names[0] or "ssoauth"
    prefix2 = names[1] or "ssoauth"

    resp, hops = browser.sign_in(app1.url("/demo/"))
    assert resp.status_code == 200, hops
    sub = demo_json(browser, app1.url("/demo/?format=json"))["remote_user"]
    assert sub
    jar_before = jar_session(browser, prefix1)
    assert jar_before, list(browser.cookies)

    # App 2 on another port of the same host receives app 1's cookies and refuses them.
    nav, xhr = assert_not_accepted(app2, browser, idp, CONFIDENTIAL_CLIENT_ID)
    # ... without deleting app 1's session.
    for r in (nav, xhr):
        for name in session_cookie_names(r):
            assert not name.startswith(prefix1 + "_session"), set_cookie_headers(r)
    assert demo_json(browser, app1.url("/demo/?format=json"))["remote_user"] == sub

    if prefix1 != prefix2:
        # App 1's sealed session copied under app 2's cookie name(s) is not accepted.
        for name, value in jar_before.items():
            browser.cookies.set(prefix2 + name[len(prefix1):], value, domain="127.0.0.1", path="/")
        assert_not_accepted(app2, browser, idp, CONFIDENTIAL_CLIENT_ID)
        assert wait_for_log(app2, r"SSOAUTH00021: session (cookie )?not accepted: \w+")
    # App 1 still works.
    assert demo_json(browser, app1.url("/demo/?format=json"))["remote_user"] == sub
    browser.session.close()


def test_copied_cookie_rejected_even_for_same_client(idp, httpd_factory):
    """Same provider, same client, same passphrase, different cookie names:
    the session is sealed to its cookie name, so a copy under the other
    name does not open."""
    browser = Browser()
    app1 = httpd_factory(module_directives(idp.issuer, extra="SSOAuthCookieName app1") + PROTECT_DEMO)
    app2 = httpd_factory(module_directives(idp.issuer, extra="SSOAuthCookieName app2") + PROTECT_DEMO)
    resp, hops = browser.sign_in(app1.url("/demo/"))
    assert resp.status_code == 200, hops
    copied = jar_session(browser, "app1")
    assert copied
    for name, value in copied.items():
        browser.cookies.set("app2" + name[len("app1"):], value, domain="127.0.0.1", path="/")
    assert_not_accepted(app2, browser, idp, PUBLIC_CLIENT_ID)
    assert wait_for_log(app2, r"SSOAUTH00021: session (cookie )?not accepted: undecryptable")
    browser.session.close()
