"""Cookie attributes: SSOAuthCookieSameSite Strict and None, and
SSOAuthCookieSecure On, Off and Auto, including Auto behind a
TLS-terminating proxy (directives.md, troubleshooting.md#secure-cookies-over-http),
and a `__Host-` cookie name (always Secure, Path=/, no Domain).

Every Set-Cookie of the module (state cookie, session cookie, refreshed
session, deletions) is checked, not only the first.  The browser here is
python-requests, whose cookie jar, like a browser's, never sends a Secure
cookie over plain http: that makes the documented failure of Secure cookies
on an http site (state_mismatch) observable.  It does not enforce SameSite,
so a Strict sign-in is not refused here the way a browser would refuse it
when the provider is on another site.
"""

import pytest

from fronts import Front, TestCA
from harness import Browser
from helpers import set_cookie_headers, set_cookies
from steps import assert_error_page, assert_json, authorize_query, conf, demo_user, same_origin, trust


def module_cookies(resp):
    """Every cookie the module sets or deletes in a response, parsed."""
    return [c for c in set_cookies(resp) if c[0].startswith("ssoauth_")]


def expected_same_site(name, same_site):
    """The state cookie is at most Lax: the provider's redirect back to the
    callback is a cross-site navigation, which a Strict cookie would miss."""
    if name.startswith("ssoauth_state_") and same_site == "Strict":
        return "Lax"
    return same_site


def assert_attributes(resp, same_site, secure):
    cookies = module_cookies(resp)
    assert cookies, set_cookie_headers(resp)
    for name, _, attrs in cookies:
        # The canonical spelling, whatever the directive's case.
        assert attrs.get("samesite") == expected_same_site(name, same_site), (name, attrs)
        assert ("secure" in attrs) == secure, (name, attrs)
        assert attrs.get("httponly") is True and attrs.get("path") == "/", (name, attrs)
    return cookies


def walk_sign_in(browser, httpd_origin, provider_issuer, same_site, secure, path="/demo/"):
    """Sign in step by step at httpd_origin, checking the attributes of the
    state cookie, of the session cookie(s) and of the state cookie's deletion."""
    r = browser.get(httpd_origin + "/api/auth/login?returnTo=" + path.replace("/", "%2F"), follow=False)
    authorize_query(r, provider_issuer)
    assert_attributes(r, same_site, secure)
    callback, _ = browser.idp_login(r.headers["Location"])
    r = browser.get(callback, follow=False)
    assert r.status_code == 302, (r.status_code, r.text[:500])
    names = {n for n, _, _ in assert_attributes(r, same_site, secure)}
    assert "ssoauth_session" in names and any(n.startswith("ssoauth_state_") for n in names), names
    return callback


def test_samesite_strict_on_session_cookies_state_cookie_stays_lax(idp, httpd_factory, browser):
    """SameSite=Strict (the keyword in any case) on the session cookie, its
    refresh and its deletion at sign-out, while the per-attempt state cookie
    stays Lax so that the provider's cross-site redirect to the callback
    carries it; no Secure over http under Auto."""
    httpd = httpd_factory(conf(idp.issuer, extra="SSOAuthCookieSameSite strict"))
    walk_sign_in(browser, httpd.origin, idp.issuer, "Strict", False)
    assert demo_user(browser, httpd)["remote_user"]
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert_attributes(r, "Strict", False)
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert [n for n, v, a in assert_attributes(r, "Strict", False) if a.get("max-age") == "0"] == ["ssoauth_session"]


def test_samesite_none_is_always_secure_so_plain_http_cannot_sign_in(idp, httpd_factory, browser):
    """SameSite=None implies Secure even with SSOAuthCookieSecure Off; on a
    plain-http site the browser then never returns the state cookie, and
    the callback fails with state_mismatch (the documented sign-in loop)."""
    httpd = httpd_factory(conf(idp.issuer, extra="SSOAuthCookieSameSite None\nSSOAuthCookieSecure Off"))
    r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
    authorize_query(r, idp.issuer)
    (name, _, _), = assert_attributes(r, "None", True)
    assert any(c.name == name and c.secure for c in browser.cookies), list(browser.cookies)
    callback, _ = browser.idp_login(r.headers["Location"])
    r = browser.get(callback, follow=False)
    _, line = assert_error_page(r, httpd, 400, "state_mismatch")
    assert "no state cookie" in line.group(1), line.group(0)


def test_cookie_secure_on_off_auto_on_plain_http(idp, httpd_factory, browser):
    """SSOAuthCookieSecure per location (each with its own endpoint base):
    On is Secure even over http; Off never, even with an https redirect URI;
    Auto follows the request's scheme, or an https SSOAuthRedirectURI."""
    cases = [  # (location, directives, Secure?)
        ("/on", "SSOAuthCookieSecure On", True),
        ("/off", "SSOAuthCookieSecure Off\n    SSOAuthRedirectURI https://app.example.test/off/auth/callback", False),
        ("/auto", "SSOAuthCookieSecure Auto", False),
        ("/auto-https", "SSOAuthRedirectURI https://app.example.test/auto-https/auth/callback", True),
    ]
    locations = "".join('<Location "%s/">\n    SSOAuthEndpointBase %s/auth\n    %s\n</Location>\n'
                        % (path, path, directives) for path, directives, _ in cases)
    httpd = httpd_factory(conf(idp.issuer) + locations)
    for path, directives, secure in cases:
        r = browser.get(httpd.url(path + "/auth/login?returnTo=%2F"), follow=False)
        q = authorize_query(r, idp.issuer)
        assert_attributes(r, "Lax", secure)
        expected = ("https://app.example.test%s/auth/callback" % path if "RedirectURI" in directives
                    else httpd.url(path + "/auth/callback"))
        assert q["redirect_uri"] == expected, (path, q)


@pytest.fixture(scope="module")
def ca():
    return TestCA()


def test_auto_secure_behind_tls_terminating_proxy(idp_factory, httpd_factory, ca):
    """httpd behind a proxy that terminates TLS sees plain http.  With
    `ServerName https://…` or an https SSOAuthRedirectURI (the two documented
    ways), Auto makes every cookie Secure, the callback URL says https, and
    the whole session works through the proxy: sign-in, a protected page,
    and the same-origin POSTs with the https Origin.  SameSite=None with
    Secure Off through the same proxy is Secure too, and works."""
    variants = {  # name: directives, given the proxy's origin
        "ServerName https": lambda origin: "ServerName %s" % origin,
        "SSOAuthRedirectURI https": lambda origin: "SSOAuthRedirectURI %s/api/auth/callback" % origin,
        "SameSite None, Secure Off": lambda origin: ("SSOAuthRedirectURI %s/api/auth/callback\n"
                                                     "SSOAuthCookieSameSite None\nSSOAuthCookieSecure Off" % origin),
    }
    certificate = ca.issue(("127.0.0.1",), "proxy")
    fronts = {name: Front(certificate=certificate, name="TLS proxy (%s)" % name) for name in variants}
    try:
        provider = idp_factory(redirect_uris=[f.url("/api/auth/callback") for f in fronts.values()],
                               post_logout_uris=[f.url("/logged-out") for f in fronts.values()],
                               name="idp (clients behind a TLS proxy)")
        for name, directives in variants.items():
            front = fronts[name]
            httpd = httpd_factory(conf(provider.issuer, extra=directives(front.origin)), name="httpd (%s)" % name)
            front.upstream_port = httpd.port
            browser = Browser()
            trust(browser, ca)
            same_site = "None" if "None" in name else "Lax"
            callback = walk_sign_in(browser, front.origin, provider.issuer, same_site, True)
            assert callback.startswith(front.url("/api/auth/callback?")), (name, callback)
            r = browser.get(front.url("/demo/?format=json"), follow=False)
            assert r.status_code == 200 and r.json()["remote_user"], (name, r.status_code, r.text[:300])
            r = browser.post(front.url("/api/auth/refresh"), follow=False, headers=same_origin(front.origin))
            assert_json(r, 200)
            assert_attributes(r, same_site, True)
            r = browser.post(front.url("/api/auth/signout"), follow=False, headers=same_origin(front.origin))
            body = assert_json(r, 200)
            assert_attributes(r, same_site, True)
            assert "post_logout_redirect_uri=" + front.url("/logged-out").replace(":", "%3A").replace("/", "%2F") \
                in body["redirectUrl"], (name, body)
            browser.session.close()
            httpd.stop()
    finally:
        for f in fronts.values():
            f.stop()


def assert_host_prefix_rules(resp, prefix="__Host-app"):
    """Every cookie of the module in a response obeys the __Host- rules:
    Secure, Path=/, no Domain."""
    cookies = [c for c in set_cookies(resp) if c[0].startswith(prefix + "_")]
    assert cookies, set_cookie_headers(resp)
    for name, _, attrs in cookies:
        assert "secure" in attrs and attrs.get("path") == "/" and "domain" not in attrs, (name, attrs)
    return cookies


def test_host_prefixed_cookie_name_is_always_written_by_the_host_prefix_rules(idp_factory, httpd_factory, ca):
    """SSOAuthCookieName __Host-app (the recommended production setting):
    every cookie is Secure with Path=/ and no Domain, even with
    SSOAuthCookieSecure Off (a browser refuses a __Host- cookie otherwise),
    and a whole session works behind a TLS-terminating proxy."""
    extra = "SSOAuthCookieName __Host-app\nSSOAuthCookieSecure Off"
    certificate = ca.issue(("127.0.0.1",), "proxy")
    front = Front(certificate=certificate, name="TLS proxy (__Host-)")
    try:
        provider = idp_factory(redirect_uris=[front.url("/api/auth/callback")],
                               post_logout_uris=[front.url("/logged-out")], name="idp (__Host- cookies)")
        httpd = httpd_factory(conf(provider.issuer, extra=extra + "\nSSOAuthRedirectURI %s/api/auth/callback"
                                   % front.origin))
        front.upstream_port = httpd.port
        browser = Browser()
        trust(browser, ca)
        r = browser.get(front.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
        authorize_query(r, provider.issuer)
        assert_host_prefix_rules(r)
        callback, _ = browser.idp_login(r.headers["Location"])
        r = browser.get(callback, follow=False)
        assert r.status_code == 302, (r.status_code, r.text[:500])
        names = {n for n, _, _ in assert_host_prefix_rules(r)}
        assert "__Host-app_session" in names, names
        r = browser.get(front.url("/demo/?format=json"), follow=False)
        assert r.status_code == 200 and r.json()["remote_user"], (r.status_code, r.text[:300])
        r = browser.post(front.url("/api/auth/signout"), follow=False, headers=same_origin(front.origin))
        assert_json(r, 200)
        assert_host_prefix_rules(r)
        browser.session.close()
    finally:
        front.stop()
