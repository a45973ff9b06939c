"""Session lifecycle against the real Better Auth test IdP: the session
endpoint, transparent refresh and its single flight (mpm_event and
mpm_prefork), the refresh endpoint, sign-out (RP-initiated logout), single
sign-on between two applications and back-channel logout, and the forged or
replayed logout tokens the back-channel endpoint must refuse.

Every test names the attack or fault it covers and asserts the exact status,
headers, body, the module's log lines and, where it matters, what the IdP saw
(/__test/stats: token requests by grant type, back-channel logouts sent).

Tests that count IdP requests exactly use a dedicated IdP (idp_factory) or
compare counters before and after one request (tests run one at a time).
The forged-token tests use a tiny in-process provider (discovery + JWKS with
an Ed25519 key generated here) so that tokens with a *valid* signature can
carry each bad claim; a real Better Auth logout token is captured by a small
HTTP recorder registered as the client's backchannel_logout_uri.
"""

import http.server
import json
import re
import secrets
import socketserver
import statistics
import threading
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from harness import (CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, DEMO_EMAIL, DEMO_NAME,
                     PROTECT_DEMO, PUBLIC_CLIENT_ID, Browser, Echo, module_directives)
from helpers import (XHR, assert_401_json, assert_no_store, b64u, jar_session, jwt_parts, log_mark,
                     log_since, lower_headers, ordered_json, pkce, session_cookies_deleted,
                     session_cookies_set, set_cookie_headers, set_cookies, sleep_until, utc_epoch,
                     wait_for, wait_for_log)

BCL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")
SEVEN_DAYS = 7 * 24 * 3600
# Access-token lifetime of the refresh tests' IdPs.  The module computes the
# expiry in whole seconds from the callback's request time.  Long enough that
# what must happen before the expiry does, even on a loaded machine (each test
# asserts that premise instead of skipping a step), short enough to wait for.
TTL = 10


# ---------------------------------------------------------------- helpers

def conf(issuer, client="public", extra=""):
    return module_directives(issuer, client=client, extra=extra) + PROTECT_DEMO


def grants(idp, kind="refresh_token"):
    return idp.stats()["token_requests"].get(kind, 0)


def same_origin(httpd, **more):
    h = {"Origin": httpd.origin, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors",
         "Sec-Fetch-Dest": "empty", "Accept": "application/json"}
    h.update(more)
    return h


def location_of(resp, base):
    return urljoin(base, resp.headers["Location"])


def browser_target(base, location):
    """Where a browser really goes for a Location value: it drops tab/CR/LF
    and treats backslashes as slashes in http(s) URLs."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return urlsplit(urljoin(base, cleaned))


def assert_json(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.headers, resp.text[:500])
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json", resp.headers
    assert "Location" not in resp.headers, resp.headers
    assert_no_store(resp)
    return ordered_json(resp.text)


def assert_authorize_redirect(resp, idp, client_id=PUBLIC_CLIENT_ID):
    assert resp.status_code == 302, (resp.status_code, resp.headers, resp.text[:500])
    loc = resp.headers["Location"]
    assert loc.startswith(idp.issuer + "/oauth2/authorize?"), loc
    assert parse_qs(urlsplit(loc).query)["client_id"] == [client_id], loc
    return loc


def assert_login_page(resp):
    assert resp.status_code == 200, (resp.status_code, resp.url)
    assert urlsplit(resp.url).path == "/login", resp.url
    assert 'type="password"' in resp.text


def demo_json(browser, httpd, headers=None):
    r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=headers)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:500])
    return r


def wait_until_expired(t_signed_in):
    """Wait until an access token issued before t_signed_in has expired: the
    module's expiry is (callback's whole second) + TTL <= t_signed_in + TTL."""
    sleep_until(t_signed_in + TTL + 0.3)


def before_expiry(t_started):
    """Whether an access token issued after t_started is surely still valid
    (with a second's margin for the whole-second arithmetic)."""
    return time.time() < t_started + TTL - 1.2


def assert_before_expiry(t_started, what):
    """The premise of a step that must run while the access token is valid."""
    assert before_expiry(t_started), "%s took longer than the %d s access token lives" % (what, TTL)


def sign_in(browser, httpd, path="/demo/"):
    resp, hops = browser.sign_in(httpd.url(path))
    assert resp.status_code == 200, (hops, resp.text[:500])
    return resp


@pytest.fixture
def recorder():
    r = Echo()
    yield r
    r.stop()


# ================================================================ 1. session endpoint

def test_session_endpoint_shape_and_no_token_leak(idp, httpd_factory, recorder):
    """Information leak: /session must describe the user and never carry a
    token (access, refresh or id_token), nor be cacheable, nor redirect."""
    httpd = httpd_factory(conf(idp.issuer) + (
        '<Location "/echo/">\n    ProxyPass "%s/"\n    AuthType SSOAuth\n    Require valid-user\n'
        '    SSOAuthPassAccessToken On\n</Location>\n' % recorder.url("")))
    browser = Browser()

    # Signed out: a navigation and an XHR both get {"user":null}, never a redirect.
    for headers in (None, XHR):
        r = browser.get(httpd.url("/api/auth/session"), follow=False, headers=headers)
        body = assert_json(r, 200)
        assert body == {"user": None} and list(body) == ["user"], r.text
        assert r.text.strip() == '{"user":null}', r.text
        assert not set_cookies(r), r.headers

    t_start = int(time.time())
    sign_in(browser, httpd)
    sub = demo_json(browser, httpd).json()["remote_user"]
    t0 = time.time()
    r = browser.get(httpd.url("/api/auth/session"), follow=False)
    body = assert_json(r, 200)
    assert list(body) == ["user", "expires"], r.text
    assert list(body["user"]) == ["id", "email", "name", "role", "emailVerified"], r.text
    assert body["user"] == {"id": sub, "email": DEMO_EMAIL, "name": DEMO_NAME, "role": "user",
                            "emailVerified": True}, r.text
    assert ISO_MS.fullmatch(body["expires"]), body["expires"]
    assert r.text.strip() == json.dumps(body, separators=(",", ":")), r.text  # byte for byte
    # SSOAuthSessionMaxAge's default, from the callback's second (UTC, whatever TZ says).
    assert t_start <= utc_epoch(body["expires"]) - SEVEN_DAYS <= t0, (body["expires"], t_start, t0)
    xhr = assert_json(browser.get(httpd.url("/api/auth/session"), follow=False, headers=XHR), 200)
    assert xhr == body

    # The session's real tokens: the access token (as the proxied backend
    # receives it) and the id_token (as the sign-out redirect carries it).
    browser.get(httpd.url("/echo/t"), follow=False)
    access_token = lower_headers(recorder.seen[-1]["headers"])["x-sso-access-token"][-1]
    assert len(access_token) >= 20
    out = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd))
    id_token = parse_qs(urlsplit(assert_json(out, 200)["redirectUrl"]).query)["id_token_hint"][0]
    assert id_token.count(".") == 2
    for secret in [access_token, id_token] + [p for p in id_token.split(".")]:
        assert secret not in r.text and secret not in str(r.headers), secret
    for value in jar_session(browser).values() or ["<none>"]:
        assert value not in r.text
    # Nothing token-like at all: every value was accounted for above.
    assert "eyJ" not in r.text

    # After sign-out: null again.
    r = browser.get(httpd.url("/api/auth/session"), follow=False)
    assert assert_json(r, 200) == {"user": None}
    browser.session.close()


def test_session_limits_config_and_expiry(idp, httpd_factory, browser):
    """SSOAuthSessionMaxAge sets the session's absolute end (what /session
    reports as expires); both limits refuse values below 60 s at configtest.
    Both limits elapsing is test_session_lifetime.py's
    test_max_age_and_inactivity_timeout_end_sessions (and session_gate_test.cpp)."""
    probe = httpd_factory("", start=False)
    for directive, ok in [("SSOAuthSessionMaxAge 59", False), ("SSOAuthSessionMaxAge 60", True),
                          ("SSOAuthSessionInactivityTimeout 59", False),
                          ("SSOAuthSessionInactivityTimeout 60", True),
                          ("SSOAuthSessionInactivityTimeout Off", True),
                          ("SSOAuthRefreshBeforeExpiry 0", True), ("SSOAuthRefreshBeforeExpiry -1", False)]:
        rc, out = probe.configtest(conf(idp.issuer, extra=directive))
        assert (rc == 0) == ok, (directive, rc, out)
        if not ok:
            assert directive.split()[0] in out, out

    httpd = httpd_factory(conf(idp.issuer, extra="SSOAuthSessionMaxAge 90\nSSOAuthSessionInactivityTimeout 60"))
    t_start = int(time.time())
    sign_in(browser, httpd)
    t0 = time.time()
    body = assert_json(browser.get(httpd.url("/api/auth/session"), follow=False), 200)
    assert t_start <= utc_epoch(body["expires"]) - 90 <= t0, (body, t_start, t0)


# ================================================================ 2. transparent refresh

def test_transparent_refresh_after_access_token_expiry(idp_factory, httpd_factory, browser):
    """Expired access token: the protected request is refreshed server-side
    (one refresh_token grant), the session cookie is resealed in the same
    response, and the request goes through.  Timed on a protected static
    file, so the figures are the module's own cost."""
    provider = idp_factory(access_token_ttl=TTL, name="idp (ttl %ds)" % TTL)
    httpd = httpd_factory(conf(provider.issuer, extra="SSOAuthRefreshBeforeExpiry 0")
                          + '<Location "/static">\n    AuthType SSOAuth\n    Require valid-user\n</Location>\n')
    t_started = time.time()
    sign_in(browser, httpd)
    t_signed_in = time.time()
    sub = demo_json(browser, httpd).json()["remote_user"]

    def timed_static():
        t = time.perf_counter()
        r = browser.get(httpd.url("/static/hello.txt"), follow=False)
        elapsed = time.perf_counter() - t
        assert r.status_code == 200 and r.text == "hello from httpd\n", (r.status_code, r.text[:300])
        return r, elapsed

    # Normal requests (token still valid): no refresh, no new cookie.
    normal = []
    for _ in range(10):
        r, elapsed = timed_static()
        normal.append(elapsed)
        assert not session_cookies_set(r), r.headers
    assert_before_expiry(t_started, "signing in and 10 requests")
    assert grants(provider) == 0
    old = jar_session(browser)

    wait_until_expired(t_signed_in)
    mark = log_mark(httpd)
    t_refresh = time.time()
    r, refreshed = timed_static()
    assert session_cookies_set(r), (r.headers, log_since(httpd, mark))
    assert jar_session(browser) != old
    assert grants(provider) == 1
    assert grants(provider, "authorization_code") == 1
    assert wait_for_log(httpd, r"SSOAUTH00029: session of %s refreshed$" % re.escape(sub), mark)
    assert "SSOAUTH00028" not in log_since(httpd, mark)

    # The resealed cookie is the session from now on: no further refresh, same user.
    after = []
    for _ in range(5):
        r, elapsed = timed_static()
        after.append(elapsed)
        assert not session_cookies_set(r)
    assert demo_json(browser, httpd).json()["remote_user"] == sub
    assert_before_expiry(t_refresh, "5 requests after the refresh")
    assert grants(provider) == 1
    print("\nREFRESH TIMING (protected static file): normal median %.1f ms (min %.1f, max %.1f, n=%d); "
          "with transparent refresh %.1f ms; after refresh median %.1f ms" % (
              statistics.median(normal) * 1000, min(normal) * 1000, max(normal) * 1000, len(normal),
              refreshed * 1000, statistics.median(after) * 1000))


def end_provider_session(browser, provider, httpd, client_id=PUBLIC_CLIENT_ID):
    """End the browser's provider session behind the module's back: the same
    browser gets its own id_token for that provider session (SSO, no
    password) and calls end-session with it.  Returns that id_token's claims."""
    meta = provider.discovery()
    verifier, challenge = pkce()
    query = {"response_type": "code", "client_id": client_id,
             "redirect_uri": httpd.url("/api/auth/callback"), "scope": "openid",
             "state": secrets.token_urlsafe(12), "nonce": secrets.token_urlsafe(12),
             "code_challenge": challenge, "code_challenge_method": "S256"}
    r = browser.get(meta["authorization_endpoint"] + "?" + urlencode(query), follow=False)
    assert r.status_code == 302 and r.headers["Location"].startswith(httpd.url("/api/auth/callback?")), r.headers
    code = parse_qs(urlsplit(r.headers["Location"]).query)["code"][0]
    t = requests.post(meta["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": httpd.url("/api/auth/callback"),
        "client_id": client_id, "code_verifier": verifier})
    assert t.status_code == 200, t.text
    id_token = t.json()["id_token"]
    r = browser.get(meta["end_session_endpoint"] + "?" + urlencode({
        "id_token_hint": id_token, "post_logout_redirect_uri": httpd.url("/logged-out"),
        "client_id": client_id, "state": "s1"}), follow=False)
    assert r.status_code == 302 and r.headers["Location"].startswith(httpd.url("/logged-out")), (
        r.status_code, r.headers, r.text[:300])
    return jwt_parts(id_token)[1]


def test_refresh_refused_ends_session(idp_factory, httpd_factory, browser):
    """Refresh token revoked at the provider (here: the user signed out on a
    sibling server, which revoked it; this server's revocation list does not
    know the sid): the refresh grant is refused, so XHR gets 401 JSON and a
    navigation goes to sign-in, cookies cleared, SSOAUTH00028."""
    provider = idp_factory(access_token_ttl=TTL, name="idp (ttl %ds)" % TTL)
    directives = conf(provider.issuer, extra="SSOAuthRefreshBeforeExpiry 0")
    httpd = httpd_factory(directives, name="server A")
    sibling = httpd_factory(directives, name="server B")
    t_started = time.time()
    sign_in(browser, httpd)
    t_signed_in = time.time()
    sub = demo_json(browser, httpd).json()["remote_user"]
    assert_before_expiry(t_started, "signing in")   # so the request above did not refresh
    stolen = jar_session(browser)
    other = Browser()
    for name, value in stolen.items():
        other.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    idp_mark = log_mark(provider)
    out = other.get(sibling.url("/api/auth/signout"), follow=False)
    assert out.status_code == 302
    other.session.close()
    assert wait_for_log(provider, r"idp: POST /api/auth/oauth2/revoke 200", idp_mark)
    wait_until_expired(t_signed_in)

    mark = log_mark(httpd)
    before = grants(provider)
    r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(r, no_store=True, key_order=True)
    assert session_cookies_deleted(r) == sorted(stolen), r.headers
    assert grants(provider) == before + 1
    assert wait_for_log(httpd, r"SSOAUTH00028: refresh for %s failed: refresh_refused: token endpoint answered 400"
                        % re.escape(sub), mark), log_since(httpd, mark)
    assert "SSOAUTH00029" not in log_since(httpd, mark)

    # A navigation with the same cookie: sign-in, cookies cleared (the failed
    # result is reused for a while, so no second grant with a dead token).
    for name, value in stolen.items():
        browser.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    r = browser.get(httpd.url("/demo/"), follow=False)
    assert_authorize_redirect(r, provider)
    assert session_cookies_deleted(r) == sorted(stolen), r.headers
    assert grants(provider) == before + 1


def test_refresh_after_provider_logout_ends_session(idp_factory, httpd_factory, browser):
    """The provider session ended without any back-channel notice (end-session
    called elsewhere): Better Auth still honours the refresh token but the new
    id_token has sid null; the module must end the session, not extend it."""
    provider = idp_factory(access_token_ttl=TTL, name="idp (ttl %ds)" % TTL)
    httpd = httpd_factory(conf(provider.issuer, extra="SSOAuthRefreshBeforeExpiry 0"))
    t_started = time.time()
    sign_in(browser, httpd)
    t_signed_in = time.time()
    sub = demo_json(browser, httpd).json()["remote_user"]
    cookies = jar_session(browser)
    claims = end_provider_session(browser, provider, httpd)
    assert claims["sid"]
    demo_json(browser, httpd)  # the module does not know yet
    assert_before_expiry(t_started, "signing in and ending the provider session")
    wait_until_expired(t_signed_in)

    mark = log_mark(httpd)
    before = grants(provider)
    r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(r, no_store=True, key_order=True)
    assert session_cookies_deleted(r) == sorted(cookies), r.headers
    assert grants(provider) == before + 1
    assert wait_for_log(httpd, r"SSOAUTH00028: refresh for %s failed: session_ended: " % re.escape(sub), mark), \
        log_since(httpd, mark)


# ================================================================ 3. single flight

BURST = 20


@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_concurrent_refresh_is_single_flight(idp_factory, httpd_factory, mpm):
    """Refresh-token replay: 20 requests with the same expired session at once
    must cause exactly one refresh grant (a second use of the rotated token
    makes Better Auth revoke every session of the user).  A second session of
    the same user, signed in before the burst, still refreshes afterwards."""
    provider = idp_factory(access_token_ttl=TTL, name="idp (ttl %ds)" % TTL)
    mpm_conf = ("<IfModule mpm_prefork_module>\n    StartServers 5\n    MinSpareServers 5\n"
                "    MaxSpareServers 25\n    MaxRequestWorkers 25\n</IfModule>\n"
                "<IfModule mpm_event_module>\n    StartServers 2\n</IfModule>\n")
    httpd = httpd_factory(conf(provider.issuer, extra="SSOAuthRefreshBeforeExpiry 0") + mpm_conf, mpm=mpm)

    second = Browser()
    first = Browser()
    sign_in(second, httpd)
    t_started = time.time()
    sign_in(first, httpd)
    t_signed_in = time.time()
    sub = demo_json(first, httpd).json()["remote_user"]
    cookies = jar_session(first)
    assert_before_expiry(t_started, "signing in")   # so the request above did not refresh
    assert grants(provider) == 0 and grants(provider, "authorization_code") == 2

    wait_until_expired(t_signed_in)
    mark = log_mark(httpd)
    barrier = threading.Barrier(BURST)
    results = [None] * BURST

    def hit(i):
        with requests.Session() as s:
            barrier.wait()
            try:
                r = s.get(httpd.url("/demo/?format=json&n=%d" % i), cookies=dict(cookies),
                          headers=dict(XHR, Connection="close"), allow_redirects=False, timeout=30)
                results[i] = (r.status_code, bool(session_cookies_set(r)), r.text[:200])
            except Exception as e:  # noqa: BLE001 - reported below
                results[i] = ("exception", False, repr(e))

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert [x[0] for x in results] == [200] * BURST, (results, log_since(httpd, mark)[-4000:])
    assert all(x[1] for x in results), results  # every response reseals the cookie
    assert grants(provider) == 1, (provider.stats(), log_since(httpd, mark)[-4000:])
    assert wait_for_log(httpd, r"(?:.*SSOAUTH00029.*\n){%d}" % BURST, mark)
    text = log_since(httpd, mark)
    lines = [l for l in text.splitlines() if "SSOAUTH00029" in l]
    own = [l for l in lines if "reusing" not in l]
    reused = [l for l in lines if l.endswith("refreshed (reusing a concurrent request's refresh)")]
    assert len(own) == 1 and len(reused) == BURST - 1, lines
    assert "session of %s refreshed" % sub in own[0]
    assert "SSOAUTH00028" not in text
    pids = {m.group(1) for m in (re.search(r"\[pid (\d+)", l) for l in lines) if m}
    if mpm == "prefork":
        assert len(pids) >= 2, ("all requests landed in one process", pids)
    print("\nSINGLE FLIGHT (%s): %d requests, %d refresh grant(s), served by %d process(es)" % (
        mpm, BURST, grants(provider), len(pids)))

    # The other session was not revoked by a replay: its own refresh succeeds.
    mark = log_mark(httpd)
    r = demo_json(second, httpd)
    assert session_cookies_set(r), r.headers
    assert grants(provider) == 2
    assert wait_for_log(httpd, r"SSOAUTH00029: session of %s refreshed$" % re.escape(sub), mark)
    # ... and the first browser goes on with one of the resealed cookies.
    first.session.cookies.clear()
    for name, value in cookies.items():
        first.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    assert first.get(httpd.url("/demo/?format=json"), follow=False).status_code == 200
    second.session.close()
    first.session.close()


# ================================================================ 4. refresh endpoint

UNSAFE_RETURN_TO = [
    "returnTo=" + "%2F%2Fevil.example",            # //evil.example (scheme-relative)
    "returnTo=//evil.example",
    "returnTo=/%5Cevil.example",                   # /\evil.example
    "returnTo=" + "%5C%5Cevil.example",            # \\evil.example
    "returnTo=https://evil.example",
    "returnTo=https%3A%2F%2Fevil.example%2Fx",
    "returnTo=/ok%0d%0aSet-Cookie:%20injected=1",  # header injection
    "returnTo=%0d%0a//evil.example",
    "returnTo=/%09/evil.example",                  # tab: browsers drop it -> //evil.example
    "returnTo=javascript:alert(1)",
]


def test_refresh_endpoint(idp, httpd_factory, browser):
    """GET refresh with returnTo, POST refresh (same-origin only: CSRF), and
    open redirects through returnTo."""
    httpd = httpd_factory(conf(idp.issuer))
    sign_in(browser, httpd)

    # GET ?returnTo=<local path>: one refresh grant, resealed cookie, 302 there.
    before = grants(idp)
    mark = log_mark(httpd)
    r = browser.get(httpd.url("/api/auth/refresh?" + urlencode({"returnTo": "/demo/?x=1&y=2"})), follow=False)
    assert r.status_code == 302, (r.status_code, r.text[:500])
    assert location_of(r, httpd.url("/")) == httpd.url("/demo/?x=1&y=2")
    assert_no_store(r)
    assert session_cookies_set(r), r.headers
    assert grants(idp) == before + 1
    assert wait_for_log(httpd, r"SSOAUTH00029: session of \S+ refreshed$", mark)
    assert browser.get(httpd.url("/demo/?x=1&y=2"), follow=False).status_code == 200

    # POST same-origin (Origin), then with only Sec-Fetch-Site: success JSON.
    for headers in (same_origin(httpd), same_origin(httpd, Origin=None)):
        before = grants(idp)
        t0 = int(time.time())
        r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=headers)
        t1 = time.time()
        body = assert_json(r, 200)
        assert list(body) == ["success", "expires"] and body["success"] is True, r.text
        assert ISO_MS.fullmatch(body["expires"]), body
        # The new access token's expiry (IdP default 1 h), in UTC whatever TZ says.
        assert t0 <= utc_epoch(body["expires"]) - 3600 <= t1, (body, t0, t1)
        assert session_cookies_set(r), r.headers
        assert grants(idp) == before + 1

    # Cross-site POSTs (CSRF): 403, no grant, the cookie untouched, logged.
    before = grants(idp)
    jar = jar_session(browser)
    for label, headers in [
            ("evil origin", same_origin(httpd, Origin="http://evil.example", **{"Sec-Fetch-Site": "cross-site"})),
            ("evil origin, lying Sec-Fetch-Site", same_origin(httpd, Origin="http://evil.example")),
            ("other port, same host", same_origin(httpd, Origin="http://127.0.0.1:1", **{"Sec-Fetch-Site": "same-site"})),
            ("origin null", same_origin(httpd, Origin="null")),
            ("no Origin, no Sec-Fetch-Site", same_origin(httpd, Origin=None, **{"Sec-Fetch-Site": None})),
            ("no Origin, cross-site", same_origin(httpd, Origin=None, **{"Sec-Fetch-Site": "cross-site"}))]:
        mark = log_mark(httpd)
        r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=headers)
        assert assert_json(r, 403) == {"error": "cross_origin_request"}, (label, r.text)
        assert not set_cookies(r), (label, r.headers)
        assert wait_for_log(httpd, r"SSOAUTH00032: refresh refused: cross-origin POST", mark), label
    assert grants(idp) == before
    assert jar_session(browser) == jar

    # Open redirect: whatever returnTo says, the Location stays on this site.
    offsite = []
    for query in UNSAFE_RETURN_TO:
        before = grants(idp)
        r = browser.get(httpd.url("/api/auth/refresh?" + query), follow=False)
        assert r.status_code == 302, (query, r.status_code, r.text[:300])
        loc = r.headers["Location"]
        target = browser_target(httpd.url("/api/auth/refresh"), loc)
        if target.netloc != urlsplit(httpd.origin).netloc or target.scheme != "http" or \
                any(c in loc for c in "\r\n\t\\"):
            offsite.append((query, loc))
        assert not [c for c in set_cookies(r) if c[0] == "injected"], r.headers
        assert grants(idp) == before + 1
    assert offsite == [], offsite
    for query in UNSAFE_RETURN_TO[:6]:
        r = browser.get(httpd.url("/api/auth/refresh?" + query), follow=False)
        assert urlunsplit(("", "", *urlsplit(location_of(r, httpd.url("/")))[2:4], "")) == "/", (query, r.headers)

    # Signed out: POST answers 401 JSON, GET starts a sign-in (to the IdP).
    anon = Browser()
    r = anon.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd))
    body = assert_json(r, 401)
    assert list(body) == ["error"] and body["error"], body
    r = anon.get(httpd.url("/api/auth/refresh?returnTo=%2Fdemo%2F"), follow=False)
    assert_authorize_redirect(r, idp)
    anon.session.close()


# ================================================================ 5. sign-out

def assert_end_session_url(url, idp, httpd, client_id=PUBLIC_CLIENT_ID):
    end_session = idp.discovery()["end_session_endpoint"]
    assert url.startswith(end_session + "?"), (url, end_session)
    q = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert set(q) == {"id_token_hint", "post_logout_redirect_uri", "client_id", "state"}, q
    assert all(len(v) == 1 for v in q.values()), q
    q = {k: v[0] for k, v in q.items()}
    assert q["post_logout_redirect_uri"] == httpd.url("/logged-out"), q
    assert q["client_id"] == client_id
    assert len(q["state"]) >= 16, q
    _, claims, _ = jwt_parts(q["id_token_hint"])
    assert claims["aud"] == client_id and claims["iss"] == idp.issuer, claims
    return q, claims


def test_signout(idp, httpd_factory):
    """RP-initiated logout: POST (same-origin only) clears every session
    cookie, revokes the refresh token, and hands over the provider's
    end-session URL, which ends the provider session.  A copy of the
    signed-out cookie (stolen earlier) is dead afterwards."""
    httpd = httpd_factory(conf(idp.issuer))
    browser = Browser()
    sign_in(browser, httpd)
    sub = demo_json(browser, httpd).json()["remote_user"]
    stolen = jar_session(browser)

    # Cross-origin POSTs (CSRF logout): 403, logged, nothing cleared, session alive.
    for headers in (same_origin(httpd, Origin="http://evil.example", **{"Sec-Fetch-Site": "cross-site"}),
                    same_origin(httpd, Origin=None, **{"Sec-Fetch-Site": None}),
                    same_origin(httpd, Origin="http://127.0.0.1:1")):
        mark = log_mark(httpd)
        r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=headers)
        assert assert_json(r, 403) == {"error": "cross_origin_request"}, r.text
        assert not set_cookies(r), r.headers
        assert wait_for_log(httpd, r"SSOAUTH00033: sign-out refused: cross-origin POST", mark)
        assert "SSOAUTH00035" not in log_since(httpd, mark)
    assert jar_session(browser) == stolen
    demo_json(browser, httpd)

    # Same-origin POST.
    idp_mark = log_mark(idp)
    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd))
    body = assert_json(r, 200)
    assert list(body) == ["success", "redirectUrl"] and body["success"] is True, r.text
    q, claims = assert_end_session_url(body["redirectUrl"], idp, httpd)
    assert claims["sub"] == sub
    assert session_cookies_deleted(r) == sorted(stolen), set_cookie_headers(r)
    assert not session_cookies_set(r)
    assert jar_session(browser) == {}
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)
    assert "SSOAUTH00034" not in log_since(httpd, mark)  # the provider confirmed the revocation
    assert wait_for_log(idp, r"idp: POST /api/auth/oauth2/revoke 200", idp_mark)

    # The end-session URL ends the provider session and comes back with the state.
    r = browser.get(body["redirectUrl"], follow=False)
    assert r.status_code == 302, (r.status_code, r.text[:500])
    back = urlsplit(r.headers["Location"])
    assert urlunsplit((back.scheme, back.netloc, back.path, "", "")) == httpd.url("/logged-out"), r.headers
    assert parse_qs(back.query).get("state") == [q["state"]], r.headers
    page = browser.get(r.headers["Location"])
    assert page.status_code == 200 and "signed out" in page.text

    # Replaying the stolen cookie: revoked locally (sid), cleared, 401 / sign-in.
    thief = Browser()
    for name, value in stolen.items():
        thief.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    mark = log_mark(httpd)
    r = thief.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(r, no_store=True, key_order=True)
    assert session_cookies_deleted(r) == sorted(stolen)
    assert wait_for_log(httpd, r"SSOAUTH00027: session of %s ended by the provider" % re.escape(sub), mark)
    thief.session.close()

    # The provider session is gone: signing in again asks for the password.
    assert_login_page(browser.get(httpd.url("/demo/")))
    browser.session.close()


def test_signout_get_redirects(idp, httpd_factory, browser):
    httpd = httpd_factory(conf(idp.issuer))
    sign_in(browser, httpd)
    names = sorted(jar_session(browser))
    r = browser.get(httpd.url("/api/auth/signout"), follow=False)
    assert r.status_code == 302, (r.status_code, r.text[:300])
    assert_no_store(r)
    assert_end_session_url(r.headers["Location"], idp, httpd)
    assert session_cookies_deleted(r) == names
    # Signed out already: still a 302 to the provider, without an id_token_hint.
    r = browser.get(httpd.url("/api/auth/signout"), follow=False)
    assert r.status_code == 302
    assert "id_token_hint" not in parse_qs(urlsplit(r.headers["Location"]).query)


# ================================================================ 6. SSO and back-channel logout

def idp_client(client_id, port, backchannel_logout_uri=None, secret=None):
    """One client of the test IdP's config, for an httpd on 127.0.0.1:port."""
    c = {"client_id": client_id,
         "redirect_uris": ["http://127.0.0.1:%d/api/auth/callback" % port],
         "post_logout_redirect_uris": ["http://127.0.0.1:%d/logged-out" % port],
         "backchannel_logout_uri": backchannel_logout_uri}
    if secret:
        c["client_secret"] = secret
    return c


def two_app_config(p1, p2, backchannel=True):
    def bcl(port):
        return "http://127.0.0.1:%d/api/auth/backchannel-logout" % port if backchannel else None
    return {"clients": [idp_client(PUBLIC_CLIENT_ID, p1, bcl(p1)),
                        idp_client(CONFIDENTIAL_CLIENT_ID, p2, bcl(p2), CONFIDENTIAL_CLIENT_SECRET)]}


def test_sso_and_backchannel_logout_between_two_apps(idp_factory, httpd_factory, httpd_ports):
    """Single sign-on into a second application without a password, then a
    sign-out in the second application ends the first one's session through
    back-channel logout (the stolen-laptop case: signing out anywhere must
    sign out everywhere)."""
    p1, p2 = httpd_ports[0], httpd_ports[1]
    provider = idp_factory(config=two_app_config(p1, p2), name="idp (back-channel)")
    app1 = httpd_factory(conf(provider.issuer, extra="SSOAuthCookieName app1"), port=p1, name="app1")
    app2 = httpd_factory(conf(provider.issuer, client="confidential", extra="SSOAuthCookieName app2"),
                         port=p2, name="app2")
    browser = Browser()

    sign_in(browser, app1)
    sub = demo_json(browser, app1).json()["remote_user"]
    app1_cookies = jar_session(browser, "app1")
    assert app1_cookies

    # App 2: SSO, the IdP sends the browser straight back with a code.
    r = browser.get(app2.url("/demo/?format=json"))
    assert r.status_code == 200, browser.chain
    assert r.json()["remote_user"] == sub
    assert [urlsplit(h.url).path for h in browser.chain] == [
        "/demo/", "/api/auth/oauth2/authorize", "/api/auth/callback", "/demo/"], browser.chain
    assert not any(urlsplit(h.url).path == "/login" for h in browser.chain)
    assert grants(provider, "authorization_code") == 2
    assert provider.stats()["backchannel_logout_sent"] == 0

    # Sign out in app 2 and follow the end-session redirect in the same browser.
    mark1, mark2 = log_mark(app1), log_mark(app2)
    out = browser.post(app2.url("/api/auth/signout"), follow=False, headers=same_origin(app2))
    q, claims = assert_end_session_url(assert_json(out, 200)["redirectUrl"], provider, app2,
                                       client_id=CONFIDENTIAL_CLIENT_ID)
    sid = claims["sid"]
    assert sid
    end = browser.get(assert_json(out, 200)["redirectUrl"], follow=False)
    assert end.status_code == 302 and end.headers["Location"].startswith(app2.url("/logged-out")), end.headers

    # The provider tells app 1 (back-channel); app 1 records the sid.
    assert wait_for_log(app1, r"SSOAUTH00040: back-channel logout: provider session %s ended$" % re.escape(sid),
                        mark1, timeout=8), log_since(app1, mark1)
    wait_for(lambda: provider.stats()["backchannel_logout_sent"] >= 2, timeout=8)
    # One logout token per client that took part in the provider session.
    assert provider.stats()["backchannel_logout_sent"] == 2, provider.stats()
    assert wait_for_log(app2, r"SSOAUTH00040: back-channel logout: provider session %s ended$" % re.escape(sid),
                        mark2, timeout=8), log_since(app2, mark2)
    assert "SSOAUTH00038" not in log_since(app1, mark1) + log_since(app2, mark2)
    # App 2 (a confidential client) signed out locally and revoked its refresh token.
    assert wait_for_log(app2, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark2)
    assert "SSOAUTH00034" not in log_since(app2, mark2)
    assert wait_for_log(provider, r"idp: POST /api/auth/oauth2/revoke 200")

    # App 1's next request: unauthenticated, cookies cleared.
    mark1 = log_mark(app1)
    r = browser.get(app1.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(r, no_store=True, key_order=True)
    assert session_cookies_deleted(r, "app1") == sorted(app1_cookies), r.headers
    assert wait_for_log(app1, r"SSOAUTH00027: session of %s ended by the provider" % re.escape(sub), mark1)
    assert jar_session(browser, "app1") == {}
    # /session with the old cookie: {"user":null}, cookies cleared.
    for name, value in app1_cookies.items():
        browser.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    r = browser.get(app1.url("/api/auth/session"), follow=False)
    assert assert_json(r, 200) == {"user": None}, r.text
    assert session_cookies_deleted(r, "app1") == sorted(app1_cookies), r.headers
    # A navigation with the old cookie (replayed) goes to sign-in, cookies cleared again.
    for name, value in app1_cookies.items():
        browser.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    r = browser.get(app1.url("/demo/"), follow=False)
    assert_authorize_redirect(r, provider)
    assert session_cookies_deleted(r, "app1") == sorted(app1_cookies)
    # ... and the provider asks for the password again.
    assert_login_page(browser.get(r.headers["Location"]))
    browser.session.close()


# ================================================================ 7. forged / replayed logout tokens

class FakeProvider:
    """Discovery and JWKS for an issuer whose Ed25519 key this test holds,
    so logout tokens with a valid signature can carry any claims.  The other
    endpoints point at the real test IdP (the back-channel endpoint never
    calls them)."""

    def __init__(self, real_discovery):
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.other_key = ed25519.Ed25519PrivateKey.generate()
        self.kid = "fake-" + secrets.token_hex(4)
        x = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64u(x), "kid": self.kid, "alg": "EdDSA"}]}
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/op/.well-known/openid-configuration":
                    body = json.dumps(fake.discovery)
                elif self.path == "/op/jwks":
                    body = json.dumps(fake.jwks)
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.issuer = "http://127.0.0.1:%d/op" % self.server.server_address[1]
        self.discovery = dict(real_discovery, issuer=self.issuer, jwks_uri=self.issuer + "/jwks",
                              id_token_signing_alg_values_supported=["EdDSA"])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sign(self, claims, header=None, key=None):
        h = {"alg": "EdDSA", "kid": self.kid, "typ": "logout+jwt"}
        h.update(header or {})
        signing_input = "%s.%s" % (b64u(json.dumps(h)), b64u(json.dumps(claims)))
        sig = (key or self.key).sign(signing_input.encode())
        return signing_input + "." + b64u(sig)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def logout_claims(issuer, aud=PUBLIC_CLIENT_ID, **changes):
    now = int(time.time())
    claims = {"iss": issuer, "aud": aud, "sub": "user-" + secrets.token_hex(4),
              "sid": "sid-" + secrets.token_hex(8), "iat": now, "exp": now + 120,
              "jti": secrets.token_hex(16), "events": {BCL_EVENT: {}}}
    for k, v in changes.items():
        if v is None:
            claims.pop(k, None)
        else:
            claims[k] = v
    return claims


def post_logout_token(httpd, token=None, data=None):
    return requests.post(httpd.url("/api/auth/backchannel-logout"),
                         data=data if data is not None else {"logout_token": token},
                         allow_redirects=False, timeout=10)


def assert_refused(resp, label):
    assert resp.status_code == 400, (label, resp.status_code, resp.text[:300])
    assert_no_store(resp)
    assert resp.json() == {"error": "invalid_request"}, (label, resp.text)


@pytest.fixture
def fake_provider(idp):
    fp = FakeProvider(idp.discovery())
    yield fp
    fp.stop()


def test_backchannel_rejects_forged_logout_tokens(fake_provider, httpd_factory):
    """Forged logout tokens (an attacker logging users out, or a token meant
    for something else): each is 400, no-store, SSOAUTH00038 with the exact
    reason; none of them uses up the jti of the genuine token."""
    fp = fake_provider
    # The whole site is protected: the provider's POST carries no cookie and
    # must still reach the endpoint (not a 401 or a sign-in redirect).
    httpd = httpd_factory(conf(fp.issuer) + '<Location "/">\n    AuthType SSOAuth\n    Require valid-user\n</Location>\n')
    iss = fp.issuer
    now = int(time.time())
    jti = secrets.token_hex(16)
    good = logout_claims(iss, jti=jti)
    cases = [
        ("bad signature (other key, same kid)", fp.sign(good, key=fp.other_key), "jwt_bad_signature"),
        ("payload tampered after signing", fp.sign(good).split(".")[0] + "." +
         b64u(json.dumps(dict(good, sid="sid-attacker"))) + "." + fp.sign(good).split(".")[2],
         "jwt_bad_signature"),
        ("alg none", "%s.%s." % (b64u(json.dumps({"alg": "none", "typ": "logout+jwt"})), b64u(json.dumps(good))),
         "jwt_alg_none"),
        ("unknown kid", fp.sign(good, header={"kid": "nope"}), "jwks_unknown_kid"),
        ("wrong aud", fp.sign(dict(good, aud="another-client")), "jwt_audience_mismatch"),
        ("wrong iss", fp.sign(dict(good, iss=iss + "x")), "jwt_issuer_mismatch"),
        ("expired", fp.sign(dict(good, iat=now - 7200, exp=now - 3600)), "jwt_expired"),
        ("issued in the future", fp.sign(dict(good, iat=now + 3600, exp=now + 7200)), "jwt_issued_in_future"),
        ("with a nonce", fp.sign(dict(good, nonce="n-123")), "logout_nonce_forbidden"),
        ("no events", fp.sign(logout_claims(iss, jti=jti, events=None)), "logout_events_missing"),
        ("events without back-channel member",
         fp.sign(logout_claims(iss, jti=jti, events={"http://schemas.openid.net/event/other": {}})),
         "logout_events_missing"),
        ("neither sid nor sub", fp.sign(logout_claims(iss, jti=jti, sid=None, sub=None)), "jwt_subject_missing"),
        ("no jti", fp.sign(logout_claims(iss, jti=None)), "logout_jti_missing"),
        ("an access token (typ at+jwt)", fp.sign(good, header={"typ": "at+jwt"}), "jwt_typ_mismatch"),
    ]
    problems = []
    for label, token, reason in cases:
        mark = log_mark(httpd)
        r = post_logout_token(httpd, token)
        if r.status_code != 400:
            problems.append((label, r.status_code, r.text[:200]))
            continue
        assert_refused(r, label)
        m = wait_for_log(httpd, r"SSOAUTH00038: back-channel logout refused: (\S+)", mark)
        if not m or m.group(1).rstrip(":") != reason:
            problems.append((label, "log", m and m.group(0)))
    assert problems == [], problems

    # No logout_token, an empty one, two of them, a GET: no token (SSOAUTH00036).
    for label, data in [("none", {}), ("empty", {"logout_token": ""}),
                        ("two", [("logout_token", fp.sign(good)), ("logout_token", fp.sign(good))])]:
        mark = log_mark(httpd)
        r = post_logout_token(httpd, data=data)
        assert_refused(r, label)
        assert wait_for_log(httpd, r"SSOAUTH00036: back-channel logout refused: no single logout_token", mark), label
    r = requests.get(httpd.url("/api/auth/backchannel-logout"), timeout=10)
    assert r.status_code == 405, r.status_code
    assert_no_store(r)

    # The genuine token, with the jti every forgery above carried: accepted once.
    token = fp.sign(good)
    mark = log_mark(httpd)
    r = post_logout_token(httpd, token)
    assert r.status_code == 200, (r.status_code, r.text, log_since(httpd, mark))
    assert_no_store(r)
    assert wait_for_log(httpd, r"SSOAUTH00040: back-channel logout: provider session %s ended$"
                        % re.escape(good["sid"]), mark)
    # Replayed: 400, SSOAUTH00037.
    mark = log_mark(httpd)
    r = post_logout_token(httpd, token)
    assert_refused(r, "replay")
    assert wait_for_log(httpd, r"SSOAUTH00037: back-channel logout refused: the logout token was replayed", mark)
    # A token for a user (sub, no sid) is valid too.
    mark = log_mark(httpd)
    user_only = logout_claims(iss, sid=None)
    assert post_logout_token(httpd, fp.sign(user_only)).status_code == 200
    assert wait_for_log(httpd, r"SSOAUTH00040: back-channel logout: user %s ended$" % re.escape(user_only["sub"]),
                        mark)


def test_backchannel_real_token_replay_and_tampering(idp_factory, httpd_factory, httpd_ports, recorder):
    """A genuine Better Auth logout token, captured on its way to the client:
    tampered (sid changed) it is refused; genuine it ends the module session
    with that sid; replayed it is refused (SSOAUTH00037).  Also a token
    signed by an attacker's key under the provider's real kid."""
    port = httpd_ports[0]
    cfg = {"clients": [idp_client(PUBLIC_CLIENT_ID, port, recorder.url("/bcl"))]}
    provider = idp_factory(config=cfg, name="idp (capture)")
    httpd = httpd_factory(conf(provider.issuer), port=port)
    browser = Browser()
    sign_in(browser, httpd)
    sub = demo_json(browser, httpd).json()["remote_user"]
    cookies = jar_session(browser)

    # End the provider session behind the module's back.
    sid = end_provider_session(browser, provider, httpd)["sid"]

    hits = recorder.wait_for(lambda e: e["method"] == "POST" and e["path"] == "/bcl")
    assert len(hits) == 1, recorder.seen
    assert lower_headers(hits[0]["headers"])["content-type"][-1].startswith(
        "application/x-www-form-urlencoded")
    token = parse_qs(hits[0]["body"])["logout_token"][0]
    header, claims, _ = jwt_parts(token)
    assert header["typ"] == "logout+jwt" and claims["sid"] == sid and claims["sub"] == sub, (header, claims)
    assert claims["aud"] == PUBLIC_CLIENT_ID and BCL_EVENT in claims["events"] and "nonce" not in claims
    assert provider.stats()["backchannel_logout_sent"] == 1

    # The module does not know yet: the session still works.
    demo_json(browser, httpd)

    # An attacker's key under the provider's real kid.
    attacker = ed25519.Ed25519PrivateKey.generate()
    signing_input = "%s.%s" % (b64u(json.dumps(header)), b64u(json.dumps(dict(claims, jti=secrets.token_hex(8)))))
    forged = signing_input + "." + b64u(attacker.sign(signing_input.encode()))
    # The real token with its payload changed (another sid), signature kept.
    h64, _, s64 = token.split(".")
    tampered = "%s.%s.%s" % (h64, b64u(json.dumps(dict(claims, sid="attacker-chosen-sid"))), s64)
    for label, bad in (("attacker key, real kid", forged), ("tampered payload", tampered)):
        mark = log_mark(httpd)
        r = post_logout_token(httpd, bad)
        assert_refused(r, label)
        assert wait_for_log(httpd, r"SSOAUTH00038: back-channel logout refused: jwt_bad_signature", mark), label
    demo_json(browser, httpd)  # still signed in

    # Genuine: 200, the sid is ended.
    mark = log_mark(httpd)
    r = post_logout_token(httpd, token)
    assert r.status_code == 200, (r.status_code, r.text, log_since(httpd, mark))
    assert_no_store(r)
    assert wait_for_log(httpd, r"SSOAUTH00040: back-channel logout: provider session %s ended$" % re.escape(sid), mark)
    r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
    assert_401_json(r, no_store=True, key_order=True)
    assert session_cookies_deleted(r) == sorted(cookies)
    assert wait_for_log(httpd, r"SSOAUTH00027: session of %s ended by the provider" % re.escape(sub), mark)

    # Replayed: refused.
    mark = log_mark(httpd)
    r = post_logout_token(httpd, token)
    assert_refused(r, "replay")
    assert wait_for_log(httpd, r"SSOAUTH00037: back-channel logout refused: the logout token was replayed", mark)
    browser.session.close()
