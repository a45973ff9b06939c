"""How long a session lasts, through Apache and the real IdP:
SSOAuthSessionMaxAge and SSOAuthSessionInactivityTimeout elapsing (both at
their smallest value, 60 s, in one shared wait), a refresh while the
provider is down (the cookie is kept, a later request refreshes), and a
session without a refresh token at the refresh endpoint (no_refresh_token,
the session stays valid).

The expected answers are those of docs/endpoints.md#refresh and
docs/directives.md: an ended session gets the 401 JSON (or {"user":null})
and its cookies deleted, with the reason as the refresh endpoint's error
and in SSOAUTH00021.
"""

import calendar
import re
import time

import requests

from fronts import Front
from harness import Browser
from helpers import (XHR, assert_401_json, log_mark, log_since, session_cookies_deleted, session_cookies_set,
                     set_cookies, wait_for_log)
from steps import assert_json, conf, demo_user, grants, same_origin, sign_in

LIMIT = 60  # the smallest SSOAuthSessionMaxAge and SSOAuthSessionInactivityTimeout
ISO = "%Y-%m-%dT%H:%M:%S.000Z"


def session_expires(browser, httpd):
    body = assert_json(browser.get(httpd.url("/api/auth/session"), follow=False), 200)
    assert body["user"], body
    return calendar.timegm(time.strptime(body["expires"], ISO))


def assert_ended(browser, httpd, reason):
    """The browser's session is over for `reason`: a protected XHR gets the
    401 JSON, /session says null, the refresh endpoint names the reason;
    each answer deletes the session cookie; SSOAUTH00021 gives the reason."""
    cookies = {c.name: c.value for c in browser.cookies if c.name.startswith("ssoauth_session")}
    assert cookies
    mark = log_mark(httpd)
    for ask in ("xhr", "session", "refresh"):
        jar = requests.Session()
        for name, value in cookies.items():
            jar.cookies.set(name, value, domain="127.0.0.1", path="/")
        if ask == "xhr":
            r = jar.get(httpd.url("/demo/?format=json"), headers=XHR, allow_redirects=False, timeout=10)
            assert_401_json(r, "/demo/?format=json")
        elif ask == "session":
            r = jar.get(httpd.url("/api/auth/session"), allow_redirects=False, timeout=10)
            assert assert_json(r, 200) == {"user": None}, r.text
        else:
            r = jar.post(httpd.url("/api/auth/refresh"), headers=same_origin(httpd.origin), timeout=10)
            assert assert_json(r, 401) == {"error": reason}, r.text
        assert session_cookies_deleted(r) == sorted(cookies), (ask, r.headers)
        jar.close()
    assert len(re.findall(r"SSOAUTH00021: session not accepted: %s$" % reason, log_since(httpd, mark), re.M)) == 3, \
        log_since(httpd, mark)


def test_max_age_and_inactivity_timeout_end_sessions(idp, httpd_factory):
    """A session past SSOAuthSessionMaxAge is expired although it was
    refreshed (a refresh does not extend it); under
    SSOAuthSessionInactivityTimeout a session idle for longer ends, whether
    it was used after sign-in or never, while a session in use lives on,
    its cookie rewritten about once every timeout/4 seconds."""
    aged = httpd_factory(conf(idp.issuer, extra="SSOAuthSessionMaxAge %d" % LIMIT), name="httpd (max age)")
    idle = httpd_factory(conf(idp.issuer, extra="SSOAuthSessionInactivityTimeout %d" % LIMIT),
                         name="httpd (inactivity)")
    a, b, c, d = Browser(), Browser(), Browser(), Browser()
    t0 = time.time()
    sign_in(a, aged.url("/demo/"))
    expires = session_expires(a, aged)
    assert abs(expires - (t0 + LIMIT)) <= 3, (expires, t0)
    # b never comes back after sign-in (it lands on an unprotected page).
    sign_in(b, idle.url("/api/auth/login?returnTo=%2Fstatic%2Fhello.txt"))
    sign_in(d, idle.url("/demo/"))  # d is seen once, on the page after sign-in
    sign_in(c, idle.url("/demo/"))
    t_signed_in = time.time()

    rewrites, refreshed = [], False
    while time.time() < t_signed_in + LIMIT + 1.5:
        r = c.get(idle.url("/demo/?format=json"), follow=False)
        assert r.status_code == 200, (r.status_code, r.text[:300])
        if session_cookies_set(r):
            rewrites.append(time.time())
        if not refreshed and time.time() > t0 + LIMIT / 2:
            r = a.post(aged.url("/api/auth/refresh"), follow=False, headers=same_origin(aged.origin))
            assert assert_json(r, 200)["success"] is True
            assert session_expires(a, aged) == expires  # the absolute end stays
            refreshed = True
        time.sleep(4)
    assert refreshed

    assert_ended(a, aged, "expired")
    assert_ended(b, idle, "inactive")
    assert_ended(d, idle, "inactive")
    assert demo_user(c, idle)["remote_user"]
    # In use: the cookie was rewritten every 15 s (60/4), not on every request.
    gaps = [round(y - x, 1) for x, y in zip(rewrites, rewrites[1:])]
    assert 3 <= len(rewrites) <= 5 and all(13 <= g <= 25 for g in gaps), (rewrites, gaps)
    for browser in (a, b, c, d):
        browser.session.close()


def test_refresh_while_provider_down_keeps_the_cookie(idp_factory, httpd_factory, browser):
    """The provider is unreachable when a refresh is due: the request is
    refused for now (401 JSON, refresh endpoint provider_unreachable,
    SSOAUTH00028) but no cookie is touched and nothing is consumed at the
    provider; once it is back, the next request refreshes and goes through."""
    front = Front(name="idp front (up/down)")
    provider = idp_factory(env={"IDP_PUBLIC_ORIGIN": front.origin}, name="idp (behind a front)")
    front.upstream_port = provider.port
    try:
        # Refresh due on every request: the access token lives 3600 s.
        httpd = httpd_factory(conf(provider.issuer, extra="SSOAuthRefreshBeforeExpiry 3600"))
        sign_in(browser, httpd.url("/demo/"))
        sub = demo_user(browser, httpd)["remote_user"]
        jar = {c.name: c.value for c in browser.cookies if c.name.startswith("ssoauth_session")}
        before = grants(provider)

        front.mode = "down"
        mark = log_mark(httpd)
        r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
        assert_401_json(r, "/demo/?format=json")
        assert set_cookies(r) == [], r.headers
        assert wait_for_log(httpd, r"SSOAUTH00028: refresh for %s failed: provider_unreachable: token endpoint: "
                            % re.escape(sub), mark), log_since(httpd, mark)
        r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
        assert assert_json(r, 401) == {"error": "provider_unreachable"}, r.text
        assert set_cookies(r) == [], r.headers
        r = browser.get(httpd.url("/api/auth/session"), follow=False)
        assert assert_json(r, 200) == {"user": None} and set_cookies(r) == [], (r.text, r.headers)
        assert {c.name: c.value for c in browser.cookies if c.name.startswith("ssoauth_session")} == jar
        assert grants(provider) == before  # nothing reached the provider

        front.mode = "up"
        mark = log_mark(httpd)
        r = browser.get(httpd.url("/demo/?format=json"), follow=False, headers=XHR)
        assert r.status_code == 200 and r.json()["remote_user"] == sub, (r.status_code, r.text[:300])
        assert session_cookies_set(r), r.headers
        assert grants(provider) == before + 1
        assert wait_for_log(httpd, r"SSOAUTH00029: session of %s refreshed$" % re.escape(sub), mark)
    finally:
        front.stop()


def test_refresh_without_refresh_token_keeps_the_session(idp, httpd_factory, browser):
    """A session signed in without offline_access has no refresh token: the
    refresh endpoint answers 401 no_refresh_token, logs SSOAUTH00028, and
    keeps the cookie; the session stays valid until its max age."""
    httpd = httpd_factory(conf(idp.issuer, extra='SSOAuthScope "openid profile email"'))
    sign_in(browser, httpd.url("/demo/"))
    sub = demo_user(browser, httpd)["remote_user"]
    before = grants(idp)
    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
    assert assert_json(r, 401) == {"error": "no_refresh_token"}, r.text
    assert set_cookies(r) == [], r.headers
    assert wait_for_log(httpd, r"SSOAUTH00028: refresh for %s failed: no_refresh_token: the session has no "
                        r"refresh token$" % re.escape(sub), mark), log_since(httpd, mark)
    assert grants(idp) == before
    assert demo_user(browser, httpd)["remote_user"] == sub
    body = assert_json(browser.get(httpd.url("/api/auth/session"), follow=False), 200)
    assert body["user"]["id"] == sub, body
