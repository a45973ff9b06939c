"""The sign-in flow end to end against the real Better Auth test IdP: the
authorize redirect, the state cookie, the callback and its failures, the
session cookie, passphrase rotation, XHR versus navigation, unsafe
returnTo values and the cap on pending sign-in attempts.

Every failure case asserts the exact status, the error code on the page (or
in the SSOAuthErrorURL redirect), the SSOAUTH00030 log line carrying the
page's request id, that no session cookie is set, and (where the module must
stop before the code exchange) that the IdP saw no authorization_code
token request."""

import re
import time
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests

from helpers import wait_for_log
from harness import (CONFIDENTIAL_CLIENT_SECRET, DEMO_EMAIL, DEMO_NAME, PROTECT_DEMO,
                     PUBLIC_CLIENT_ID, Browser)
from helpers import XHR, callback_with, session_cookies_set, set_cookie_headers, set_cookies, sleep_until

PASS_A = "passphrase-A-for-rotation-tests-0123456789-abcdef"
PASS_B = "passphrase-B-for-rotation-tests-0123456789-abcdef"
PASS_C = "passphrase-C-for-rotation-tests-0123456789-abcdef"


# ---------------------------------------------------------------- helpers

def directives(issuer, passphrases=(PASS_A,), client_id=PUBLIC_CLIENT_ID, auth="none",
               secret=None, extra=""):
    lines = ['SSOAuthProvider "%s"' % issuer, "SSOAuthClientID %s" % client_id,
             "SSOAuthTokenEndpointAuth %s" % auth]
    if secret:
        lines.append('SSOAuthClientSecret "%s"' % secret)
    lines.append("SSOAuthCryptoPassphrase " + " ".join('"%s"' % p for p in passphrases))
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n" + PROTECT_DEMO




def jar_names(browser):
    return [c.name for c in browser.cookies]


def jar_state_cookies(browser):
    return [c for c in browser.cookies if c.name.startswith("ssoauth_state_")]


def clear_cookies(browser, prefix):
    for c in list(browser.cookies):
        if c.name.startswith(prefix):
            browser.cookies.clear(c.domain, c.path, c.name)


def code_requests(idp):
    return idp.stats()["token_requests"].get("authorization_code", 0)


def location_path(resp):
    """The Location header as path?query (the module may send it relative
    or absolute; both must name the same place on this server)."""
    loc = resp.headers["Location"]
    parts = urlsplit(loc)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def assert_authorize_redirect(resp, idp, httpd, client_id=PUBLIC_CLIENT_ID):
    """A 302 to the provider's authorize endpoint with a fresh state cookie.
    Returns the authorize query (dict of single values)."""
    assert resp.status_code == 302, (resp.status_code, resp.text[:500])
    loc = resp.headers["Location"]
    endpoint = idp.issuer + "/oauth2/authorize"
    assert loc.startswith(endpoint + "?"), loc
    q = parse_qs(urlsplit(loc).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in q.values()), q
    q = {k: v[0] for k, v in q.items()}
    assert q["response_type"] == "code"
    assert q["client_id"] == client_id
    assert q["redirect_uri"] == httpd.url("/api/auth/callback")
    assert "openid" in q["scope"].split()
    assert q["code_challenge_method"] == "S256"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", q["code_challenge"]), q["code_challenge"]
    assert len(q["state"]) >= 22 and len(q["nonce"]) >= 22, q
    assert q["state"] != q["nonce"]
    assert resp.headers.get("Cache-Control") == "no-store"
    # The state cookie of this attempt.
    mine = [c for c in set_cookies(resp) if c[0] == "ssoauth_state_" + q["state"][:16]]
    assert len(mine) == 1, set_cookie_headers(resp)
    _, value, attrs = mine[0]
    assert value
    assert attrs.get("path") == "/"
    assert attrs.get("max-age") == "300"
    assert attrs.get("httponly") is True
    assert attrs.get("samesite", "").lower() == "lax"
    assert "secure" not in attrs  # plain http
    assert q["state"] not in value and q["nonce"] not in value  # sealed, not plain
    return q


def assert_error_page(resp, httpd, status, code):
    """The module's sign-in error page, and its log line. Returns the request id."""
    assert resp.status_code == status, (resp.status_code, resp.text[:1000])
    assert resp.headers["Content-Type"].startswith("text/html"), resp.headers
    assert '<code id="error">%s</code>' % code in resp.text, resp.text
    m = re.search(r'<code id="request-id">([^<]+)</code>', resp.text)
    assert m, resp.text
    assert resp.headers.get("Cache-Control") == "no-store"
    assert resp.headers.get("Referrer-Policy") == "no-referrer"
    assert not session_cookies_set(resp), set_cookie_headers(resp)
    request_id = m.group(1)
    line = wait_for_log(httpd, r"SSOAUTH00030: sign-in failed \[%s\]: %s: \S" % (
        re.escape(request_id), re.escape(code)))
    assert line, "no SSOAUTH00030 line for [%s] %s in error_log:\n%s" % (
        request_id, code, httpd.error_log_text()[-3000:])
    return request_id


def assert_state_cookie_deleted(resp, state):
    name = "ssoauth_state_" + state[:16]
    deleted = [a for n, v, a in set_cookies(resp) if n == name and a.get("max-age") == "0"]
    assert deleted, set_cookie_headers(resp)


def full_sign_in(idp, httpd, browser, path="/demo/?tab=2"):
    """Sign in step by step, checking every hop. Returns the callback response."""
    first = browser.get(httpd.url(path), follow=False)
    q = assert_authorize_redirect(first, idp, httpd)
    callback, _ = browser.idp_login(first.headers["Location"])
    assert callback.startswith(httpd.url("/api/auth/callback?")), callback
    cq = parse_qs(urlsplit(callback).query)
    assert cq["state"] == [q["state"]] and cq["iss"] == [idp.issuer] and cq["code"][0]

    before = code_requests(idp)
    cb = browser.get(callback, follow=False)
    assert cb.status_code == 302, (cb.status_code, cb.text[:1000], httpd.error_log_text()[-2000:])
    assert location_path(cb) == path
    assert cb.headers.get("Cache-Control") == "no-store"
    assert cb.headers.get("Referrer-Policy") == "no-referrer"
    assert_state_cookie_deleted(cb, q["state"])
    sessions = session_cookies_set(cb)
    assert sessions, set_cookie_headers(cb)
    for name, value, attrs in sessions:
        assert attrs.get("path") == "/"
        assert attrs.get("httponly") is True
        assert attrs.get("samesite", "").lower() == "lax"
        assert "secure" not in attrs
    assert code_requests(idp) == before + 1
    assert "ssoauth_session" in jar_names(browser)
    assert not jar_state_cookies(browser)
    return cb


# ---------------------------------------------------------------- 1. full sign-in

@pytest.mark.parametrize("alg", ["EdDSA", "RS256"])
def test_full_sign_in_returns_to_original_url(idp, idp_factory, httpd_factory, browser, alg):
    provider = idp if alg == "EdDSA" else idp_factory(alg="RS256")
    httpd = httpd_factory(directives(provider.issuer))

    cb = full_sign_in(provider, httpd, browser, "/demo/?tab=2")
    page = browser.get(urljoin(httpd.url("/api/auth/callback"), cb.headers["Location"]))
    assert page.status_code == 200, page.text[:1000]
    assert page.url == httpd.url("/demo/?tab=2")
    assert "Signed in as" in page.text

    j = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert j.status_code == 200, j.text
    body = j.json()
    assert body["claims"]["email"] == DEMO_EMAIL
    assert body["claims"]["name"] == DEMO_NAME
    assert body["remote_user"] == body["claims"]["sub"]
    assert wait_for_log(httpd, r"SSOAUTH00031: signed in: sub=%s\b" % re.escape(body["remote_user"]))


# ---------------------------------------------------------------- 2. confidential clients

@pytest.mark.parametrize("auth,client_id", [("client_secret_basic", "ssoauth-confidential"),
                                            ("client_secret_post", "ssoauth-confidential-post")])
def test_confidential_client_signs_in(idp, httpd_factory, browser, auth, client_id):
    if auth == "client_secret_basic":
        # The default method when SSOAuthTokenEndpointAuth is not given.
        conf = ('SSOAuthProvider "%s"\nSSOAuthClientID %s\nSSOAuthClientSecret "%s"\n'
                'SSOAuthCryptoPassphrase "%s"\n' % (idp.issuer, client_id,
                                                   CONFIDENTIAL_CLIENT_SECRET, PASS_A)) + PROTECT_DEMO
    else:
        conf = directives(idp.issuer, client_id=client_id, auth=auth, secret=CONFIDENTIAL_CLIENT_SECRET)
    httpd = httpd_factory(conf)

    first = browser.get(httpd.url("/demo/?tab=2"), follow=False)
    assert_authorize_redirect(first, idp, httpd, client_id=client_id)
    callback, _ = browser.idp_login(first.headers["Location"])
    before = code_requests(idp)
    cb = browser.get(callback, follow=False)
    assert cb.status_code == 302, (cb.text[:1000], httpd.error_log_text()[-2000:])
    assert location_path(cb) == "/demo/?tab=2"
    assert session_cookies_set(cb)
    assert code_requests(idp) == before + 1
    j = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert j.status_code == 200
    assert j.json()["claims"]["email"] == DEMO_EMAIL


# ---------------------------------------------------------------- 3. negatives

@pytest.fixture
def public_httpd(idp, httpd_factory):
    return httpd_factory(directives(idp.issuer))


def _start_and_login(idp, httpd, browser, path="/demo/"):
    first = browser.get(httpd.url(path), follow=False)
    q = assert_authorize_redirect(first, idp, httpd)
    callback, _ = browser.idp_login(first.headers["Location"])
    return q, callback


def test_tampered_state_is_state_mismatch(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    state = q["state"]
    # Flip the last character: the cookie is found (same 16-char prefix) but does not match.
    tampered = state[:-1] + ("A" if state[-1] != "A" else "B")
    before = code_requests(idp)
    r = browser.get(callback_with(callback, state=tampered), follow=False)
    assert_error_page(r, public_httpd, 400, "state_mismatch")
    assert_state_cookie_deleted(r, state)
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_callback_without_state_cookie_is_state_mismatch(idp, public_httpd, browser):
    _, callback = _start_and_login(idp, public_httpd, browser)
    clear_cookies(browser, "ssoauth_state_")
    before = code_requests(idp)
    r = browser.get(callback, follow=False)
    assert_error_page(r, public_httpd, 400, "state_mismatch")
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_replayed_callback_is_state_mismatch(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    ok = browser.get(callback, follow=False)
    assert ok.status_code == 302 and session_cookies_set(ok), ok.text[:1000]
    session = browser.cookies.get("ssoauth_session")
    before = code_requests(idp)

    # Same browser: its state cookie was used up.
    again = browser.get(callback, follow=False)
    assert_error_page(again, public_httpd, 400, "state_mismatch")
    assert browser.cookies.get("ssoauth_session") == session  # the first session is untouched

    # Another browser never had the state cookie.
    other = Browser()
    try:
        r = other.get(callback, follow=False)
        assert_error_page(r, public_httpd, 400, "state_mismatch")
        assert "ssoauth_session" not in jar_names(other)
    finally:
        other.session.close()
    assert code_requests(idp) == before


def test_provider_error_access_denied(idp, public_httpd, browser):
    first = browser.get(public_httpd.url("/demo/"), follow=False)
    q = assert_authorize_redirect(first, idp, public_httpd)
    before = code_requests(idp)
    url = public_httpd.url("/api/auth/callback?" + urlencode(
        {"error": "access_denied", "state": q["state"], "iss": idp.issuer}))
    r = browser.get(url, follow=False)
    assert_error_page(r, public_httpd, 403, "access_denied")
    assert_state_cookie_deleted(r, q["state"])
    assert "ssoauth_session" not in jar_names(browser)
    assert not jar_state_cookies(browser)
    assert code_requests(idp) == before


def test_provider_error_code_is_sanitized_and_description_not_echoed(idp, public_httpd, browser):
    first = browser.get(public_httpd.url("/demo/"), follow=False)
    q = assert_authorize_redirect(first, idp, public_httpd)
    url = public_httpd.url("/api/auth/callback?" + urlencode(
        {"error": "access_denied<script>alert(1)</script>", "state": q["state"], "iss": idp.issuer,
         "error_description": "<b>injected-description</b>"}))
    r = browser.get(url, follow=False)
    assert_error_page(r, public_httpd, 403, "access_deniedscriptalert1script")
    assert "<script>" not in r.text and "injected-description" not in r.text


def test_duplicated_state_is_state_mismatch(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    before = code_requests(idp)
    r = browser.get(callback + "&state=" + q["state"], follow=False)
    assert_error_page(r, public_httpd, 400, "state_mismatch")
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_wrong_iss_is_rejected_before_code_exchange(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    before = code_requests(idp)
    r = browser.get(callback_with(callback, iss=idp.issuer + "x"), follow=False)
    assert_error_page(r, public_httpd, 400, "callback_failed")
    assert_state_cookie_deleted(r, q["state"])
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_missing_iss_is_rejected_before_code_exchange(idp, public_httpd, browser):
    # The provider advertises authorization_response_iss_parameter_supported.
    q, callback = _start_and_login(idp, public_httpd, browser)
    before = code_requests(idp)
    r = browser.get(callback_with(callback, iss=None), follow=False)
    assert_error_page(r, public_httpd, 400, "callback_failed")
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_callback_without_code_is_no_code(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    before = code_requests(idp)
    r = browser.get(callback_with(callback, code=None), follow=False)
    assert_error_page(r, public_httpd, 400, "no_code")
    assert_state_cookie_deleted(r, q["state"])
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before


def test_forged_code_is_token_exchange(idp, public_httpd, browser):
    q, callback = _start_and_login(idp, public_httpd, browser)
    before = code_requests(idp)
    r = browser.get(callback_with(callback, code="forged" + "x" * 26), follow=False)
    assert_error_page(r, public_httpd, 400, "token_exchange")
    assert "ssoauth_session" not in jar_names(browser)
    assert code_requests(idp) == before + 1  # exactly one attempt, no retry


def test_provider_stopped_before_callback_is_provider_unreachable(idp_factory, httpd_factory, browser):
    provider = idp_factory(name="idp (stopped)")
    httpd = httpd_factory(directives(provider.issuer))
    q, callback = _start_and_login(provider, httpd, browser)
    provider.stop()
    r = browser.get(callback, follow=False)
    assert_error_page(r, httpd, 503, "provider_unreachable")
    assert "ssoauth_session" not in jar_names(browser)


# ---------------------------------------------------------------- 4. SSOAuthErrorURL

def test_error_url_receives_the_error_code(idp, httpd_factory, browser):
    httpd = httpd_factory(directives(idp.issuer, extra="SSOAuthErrorURL /sso-error"))
    q, callback = _start_and_login(idp, httpd, browser)
    clear_cookies(browser, "ssoauth_state_")
    before = code_requests(idp)
    r = browser.get(callback, follow=False)
    assert r.status_code == 302, (r.status_code, r.text[:500])
    assert location_path(r) == "/sso-error?error=state_mismatch"
    loc = urlsplit(r.headers["Location"])
    assert not loc.netloc or loc.netloc == urlsplit(httpd.origin).netloc
    assert r.headers.get("Cache-Control") == "no-store"
    assert not session_cookies_set(r)
    assert wait_for_log(httpd, r"SSOAUTH00030: sign-in failed \[[^\]]+\]: state_mismatch: \S")
    assert code_requests(idp) == before


# ---------------------------------------------------------------- 5. passphrase rotation

def test_passphrase_rotation(idp, httpd_factory, browser):
    httpd = httpd_factory(directives(idp.issuer, passphrases=(PASS_A,)))
    port = httpd.port
    full_sign_in(idp, httpd, browser, "/demo/")
    assert browser.get(httpd.url("/demo/"), follow=False).status_code == 200
    httpd.stop()

    # B is new, A still opens old cookies: no new sign-in.
    httpd = httpd_factory(directives(idp.issuer, passphrases=(PASS_B, PASS_A)), port=port)
    before = code_requests(idp)
    r = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:500])
    assert r.json()["claims"]["email"] == DEMO_EMAIL
    assert not [h for h in set_cookie_headers(r) if h.startswith("ssoauth_session")]
    assert code_requests(idp) == before
    httpd.stop()

    # Only C: the cookie is no session; a navigation goes to the provider and the
    # response deletes the cookie.
    httpd = httpd_factory(directives(idp.issuer, passphrases=(PASS_C,)), port=port)
    r = browser.get(httpd.url("/demo/"), follow=False)
    assert_authorize_redirect(r, idp, httpd)
    deleted = [a for n, v, a in set_cookies(r) if n == "ssoauth_session" and not v]
    assert deleted and deleted[0].get("max-age") == "0", set_cookie_headers(r)
    assert "ssoauth_session" not in jar_names(browser)


# ---------------------------------------------------------------- 6. XHR, navigation, returnTo

@pytest.mark.parametrize("how", ["sec-fetch-cors", "accept-json", "x-requested-with", "post"])
def test_xhr_without_session_gets_401_json(idp, public_httpd, browser, how):
    path = "/demo/?tab=2"
    url = public_httpd.url(path)
    if how == "sec-fetch-cors":
        r = browser.get(url, follow=False, headers=XHR)
    elif how == "accept-json":
        r = requests.get(url, headers={"Accept": "application/json"}, allow_redirects=False, timeout=10)
    elif how == "x-requested-with":
        r = browser.get(url, follow=False, headers={"X-Requested-With": "XMLHttpRequest"})
    else:
        r = browser.post(url, follow=False, data={"a": "b"})
    assert r.status_code == 401, (r.status_code, r.text[:500])
    assert r.headers.get("WWW-Authenticate") == "SSOAuth", r.headers
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error": "unauthenticated",
                        "login": "/api/auth/login?returnTo=" + quote(path, safe="")}
    assert "Location" not in r.headers
    assert not [c for c in set_cookies(r) if c[0].startswith("ssoauth_state_")]

    nav = browser.get(url, follow=False)
    assert_authorize_redirect(nav, idp, public_httpd)


def test_unsafe_return_to_falls_back_to_root(idp, public_httpd, browser):
    full_sign_in(idp, public_httpd, browser, "/demo/")
    for target in ["//evil.example", "/\\evil.example", "https://evil.example/x",
                   "/ok\r\nSet-Cookie: x=y", "/%2F/evil.example"]:
        url = public_httpd.url("/api/auth/login?" + urlencode({"returnTo": target}))
        # The IdP session exists, so authorize sends the browser straight back.
        final = browser.get(url)
        callbacks = [h for h in browser.chain if h.url.startswith(public_httpd.url("/api/auth/callback"))]
        assert len(callbacks) == 1, browser.chain
        assert callbacks[0].status == 302, browser.chain
        # "/%2F/evil.example" is a local path (its %2F stays encoded), so it is kept.
        expected = target if target == "/%2F/evil.example" else "/"
        loc = urlsplit(callbacks[0].location)
        assert not loc.netloc and urlunsplit(("", "", loc.path, loc.query, "")) == expected, (
            target, browser.chain)
        assert urlsplit(final.url).netloc == urlsplit(public_httpd.origin).netloc, (target, browser.chain)


# ---------------------------------------------------------------- 7. pending attempts

def test_at_most_seven_pending_state_cookies(idp, public_httpd, browser):
    states = []
    for i in range(8):
        r = browser.get(public_httpd.url("/api/auth/login?returnTo=/demo/%d" % i), follow=False)
        states.append(assert_authorize_redirect(r, idp, public_httpd)["state"])
        assert len(jar_state_cookies(browser)) == min(i + 1, 7), jar_names(browser)
        if i == 0:
            # Attempts are timed in whole seconds: the next ones start in a
            # later second than the first (which ended by now), so it is strictly oldest.
            sleep_until(int(time.time()) + 1)
    names = {c.name for c in jar_state_cookies(browser)}
    assert "ssoauth_state_" + states[-1][:16] in names
    assert "ssoauth_state_" + states[0][:16] not in names  # the oldest was evicted
