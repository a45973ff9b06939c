"""The connection to the provider over https: SSOAuthCABundle,
SSOAuthSSLVerify and SSOAuthHTTPTimeout, through the real Apache.

The test IdP stands behind a TLS front (fronts.Front) with a certificate
from a CA made at test time; it publishes the front's https origin as its
issuer (IDP_PUBLIC_ORIGIN), so every call of the module (discovery, JWKS,
token, userinfo, revocation) goes over TLS, and the front records each one.

Faults: a certificate from a CA the module was not told to trust (the
documented "SSL certificate problem" of troubleshooting.md), a certificate
from the trusted CA for another host name (a man in the middle holding a
valid certificate), and a provider slower than SSOAuthHTTPTimeout.  Each
must stop the sign-in with the documented page: 503 provider_unreachable
with a request id, and the SSOAUTH00010 / SSOAUTH00030 line naming curl's
reason; none may reach the provider's endpoints.
"""

import re
import time

import pytest

from fronts import Front, TestCA
from harness import Idp
from helpers import log_mark, log_since, session_cookies_deleted, wait_for_log
from steps import (assert_error_page, assert_json, authorize_query, conf, demo_user, grants,
                   same_origin, sign_in, trust)

DISCOVERY = r"^GET /api/auth/\.well-known/openid-configuration "
TOKEN = r"^POST /api/auth/oauth2/token "


@pytest.fixture(scope="module")
def ca():
    return TestCA()


@pytest.fixture(scope="module")
def tls_provider(ca, httpd_ports):
    """(IdP, its TLS front), shared by this file: the IdP's issuer is
    https://127.0.0.1:<front>/api/auth."""
    front = Front(certificate=ca.issue(("127.0.0.1",), "idp"), name="idp TLS front")
    provider = Idp(redirect_uris=["http://127.0.0.1:%d/api/auth/callback" % p for p in httpd_ports],
                   env={"IDP_PUBLIC_ORIGIN": front.origin}, name="idp (behind TLS)")
    provider.start()
    front.upstream_port = provider.port
    assert provider.issuer == front.url("/api/auth"), provider.issuer
    yield provider, front
    provider.stop()
    front.stop()


@pytest.fixture
def tls_idp(tls_provider):
    """The shared IdP and front, without faults and with counters at zero."""
    provider, front = tls_provider
    front.mode, front.delay, front.delay_match, front.drop_match = "up", 0.0, None, None
    with front.lock:
        del front.lines[:]
    provider.reset()
    yield provider, front


def test_provider_over_https_trusted_through_ca_bundle(tls_idp, httpd_factory, browser, ca):
    """SSOAuthCABundle: a provider with a private CA signs in, refreshes and
    signs out over https; every call went through the TLS front."""
    provider, front = tls_idp
    trust(browser, ca)
    httpd = httpd_factory(conf(provider.issuer, extra='SSOAuthCABundle "%s"' % ca.pem))
    sign_in(browser, httpd.url("/demo/"))
    sub = demo_user(browser, httpd)["remote_user"]
    assert sub
    for call in (DISCOVERY, r"^GET /api/auth/jwks ", TOKEN, r"^GET /api/auth/oauth2/userinfo "):
        assert front.count(call) >= 1, (call, front.lines)
    assert grants(provider, "authorization_code") == 1

    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
    assert assert_json(r, 200)["success"] is True, r.text
    assert grants(provider) == 1 and front.count(TOKEN) == 2, front.lines

    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd.origin))
    body = assert_json(r, 200)
    assert body["redirectUrl"].startswith(front.url("/api/auth/oauth2/end-session?")), body
    assert session_cookies_deleted(r), r.headers
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)
    assert "SSOAUTH00034" not in log_since(httpd, mark)  # the provider confirmed the revocation
    assert front.count(r"^POST /api/auth/oauth2/revoke ") == 1, front.lines


UNTRUSTED = [
    # (case, what the module trusts, curl's reason in the log)
    ("certificate from another CA", "other-ca", r"SSL certificate problem: unable to get local issuer certificate"),
    ("system CA store only", "system", r"SSL certificate problem: unable to get local issuer certificate"),
    ("trusted CA, certificate for another host", "wrong-host",
     r"SSL: no alternative certificate subject name matches target (host name|ipv4 address) '127\.0\.0\.1'"),
]


@pytest.mark.parametrize("case,trust,reason", UNTRUSTED, ids=[c[1] for c in UNTRUSTED])
def test_untrusted_provider_certificate_refused_with_error_page(tls_idp, httpd_factory, browser, ca,
                                                                case, trust, reason):
    """Man in the middle on the way to the provider: the TLS handshake is
    refused, sign-in cannot start (503 provider_unreachable page with a
    request id, SSOAUTH00010 with curl's reason), nothing reaches the IdP;
    SSOAuthSSLVerify Off (a lab setting) would have let it through."""
    provider, front = tls_idp
    issuer = provider.issuer
    extra = ""
    wrong_host = None
    if trust == "other-ca":
        extra = 'SSOAuthCABundle "%s"' % TestCA("another CA").pem
    elif trust == "wrong-host":
        wrong_host = Front(provider.port, certificate=ca.issue(("sso.example.test",), "other-host"),
                           name="front with a certificate for another host")
        issuer = wrong_host.url("/api/auth")
        extra = 'SSOAuthCABundle "%s"' % ca.pem
    try:
        httpd = httpd_factory(conf(issuer, extra=extra))
        r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
        _, line = assert_error_page(r, httpd, 503, "provider_unreachable", tag="00010")
        assert re.search(reason, line.group(1)), (case, line.group(0))
        assert issuer + "/.well-known/openid-configuration" in line.group(1), line.group(0)
        for f in (front, wrong_host):
            assert f is None or f.count(DISCOVERY) == 0, (case, f.lines)
        httpd.stop()

        # SSOAuthSSLVerify Off: the handshake passes and discovery reaches the
        # provider.  (Through the other-host front the IdP still names its own
        # front as issuer, so there the sign-in stops at issuer_mismatch.)
        httpd = httpd_factory(conf(issuer, extra="SSOAuthSSLVerify Off"))
        r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
        assert (wrong_host or front).count(DISCOVERY) == 1, (front.lines, wrong_host and wrong_host.lines)
        if wrong_host:
            _, line = assert_error_page(r, httpd, 503, "provider_unreachable", tag="00010")
            assert "issuer_mismatch" in line.group(1), line.group(0)
        else:
            authorize_query(r, issuer)
    finally:
        if wrong_host:
            wrong_host.stop()


def test_provider_slower_than_http_timeout(tls_idp, httpd_factory, browser, ca):
    """A provider that answers after SSOAuthHTTPTimeout: the module gives
    up after the timeout (not after the provider's delay), at discovery
    (login: 503, SSOAUTH00010) and at the code exchange (callback: 503,
    SSOAUTH00030); a provider slower than usual but within the timeout works."""
    provider, front = tls_idp
    trust(browser, ca)
    directives = conf(provider.issuer, extra='SSOAuthCABundle "%s"\nSSOAuthHTTPTimeout 1' % ca.pem)
    timeout_reason = r"(Operation timed out after \d+ milliseconds|Timeout was reached)"

    # Within the timeout: signs in.
    front.delay, front.delay_match = 0.3, TOKEN
    httpd = httpd_factory(directives, name="httpd (timeout 1 s)")
    sign_in(browser, httpd.url("/demo/"))

    # The token endpoint answers after 4 s: the callback fails after ~1 s.
    front.delay = 4
    before = front.count(TOKEN)
    r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
    r = browser.get(r.headers["Location"], follow=False)  # the provider's session: straight back
    assert r.headers["Location"].startswith(httpd.url("/api/auth/callback?")), r.headers
    t = time.monotonic()
    r = browser.get(r.headers["Location"], follow=False)
    elapsed = time.monotonic() - t
    _, line = assert_error_page(r, httpd, 503, "provider_unreachable")
    assert re.search(r"^token endpoint: .*" + timeout_reason, line.group(1)), line.group(0)
    assert 0.9 <= elapsed < 3.5, elapsed
    assert front.count(TOKEN) == before + 1  # tried once, not retried
    httpd.stop()

    # Discovery answers after 4 s: a sign-in cannot start (a fresh server,
    # so no metadata is cached).
    front.delay_match = DISCOVERY
    httpd = httpd_factory(directives, name="httpd (timeout 1 s, slow discovery)")
    t = time.monotonic()
    r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
    elapsed = time.monotonic() - t
    _, line = assert_error_page(r, httpd, 503, "provider_unreachable", tag="00010")
    assert re.search(timeout_reason, line.group(1)), line.group(0)
    assert 0.9 <= elapsed < 3.5, elapsed
