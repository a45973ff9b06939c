"""Sessions split into several cookies, through Apache and the real IdP.

security.md: when the sealed session exceeds 4000 bytes it is split, the
session cookie then holds `chunks.<n>` and the pieces are `<prefix>_session_0`
… `<prefix>_session_<n-1>`, at most 8 chunks; a session that needs more is
refused (`callback_failed` at sign-in, `session_too_large` at refresh).

The session's size is driven by an extra userinfo claim the test IdP hands
out (/__test/claims): random base64url text, which deflate cannot shrink
much, so each added character costs about one character of cookie.  Apache's
own limit on one request header (LimitRequestFieldSize, 8190 bytes by
default; troubleshooting.md#cookie-size) is raised, as a site with large
sessions must.
"""

import re
import secrets

import pytest
import requests

from helpers import (log_mark, log_since, session_cookies_deleted, session_cookies_set, set_cookie_headers,
                     wait_for_log)
from steps import assert_error_page, assert_json, conf, demo_user, fresh_browser, grants, same_origin

CHUNK = 4000
LARGE_SESSIONS = """
LimitRequestFieldSize 65536
SSOAuthSharedStoreEntries 64
SSOAuthSharedStoreValueBytes 65536
"""


def set_claims(idp, userinfo=None, id_token=None):
    r = requests.post(idp.url("/__test/claims"), timeout=10,
                      json={"userinfo": userinfo or {}, "id_token": id_token or {}})
    r.raise_for_status()


def session_cookies(resp):
    """{name: value} of the session cookies a response sets."""
    return {n: v for n, v, _ in session_cookies_set(resp)}


def assert_chunked(cookies, n):
    """The Set-Cookie values of a session in n chunks (n == 1: one cookie)."""
    if n == 1:
        assert list(cookies) == ["ssoauth_session"], list(cookies)
        assert len(cookies["ssoauth_session"]) <= CHUNK
        return
    names = ["ssoauth_session"] + ["ssoauth_session_%d" % i for i in range(n)]
    assert sorted(cookies) == sorted(names), (n, sorted(cookies), {k: len(v) for k, v in cookies.items()})
    assert cookies["ssoauth_session"] == "chunks.%d" % n, cookies["ssoauth_session"][:40]
    sizes = [len(cookies["ssoauth_session_%d" % i]) for i in range(n)]
    assert all(s == CHUNK for s in sizes[:-1]) and 0 < sizes[-1] <= CHUNK, sizes


def sealed_length(cookies):
    if len(cookies) == 1:
        return len(cookies["ssoauth_session"])
    return sum(len(v) for k, v in cookies.items() if k != "ssoauth_session")


def callback_response(browser, httpd):
    """Sign in up to the callback; returns the callback's response (not followed)."""
    callback, _ = browser.idp_login(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"))
    return browser.get(callback, follow=False)


@pytest.fixture
def large_idp(idp_factory):
    provider = idp_factory(name="idp (large claims)")
    yield provider
    set_claims(provider)


def chunks_in_use(browser, httpd, idp, n):
    """A session in n chunks signs in, opens on a protected page, refreshes
    into n new chunks, and signs out deleting every one of them."""
    r = callback_response(browser, httpd)
    assert r.status_code == 302, (n, r.status_code, r.text[:500], httpd.error_log_text()[-2000:])
    assert_chunked(session_cookies(r), n)
    assert wait_for_log(httpd, r"SSOAUTH00013: callback \[[\w-]+\]: session sealed into %d Set-Cookie header\(s\)$"
                        % (n + 1))
    sub = demo_user(browser, httpd)["remote_user"]
    assert sub

    before = grants(idp)
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
    assert assert_json(r, 200)["success"] is True, r.text
    assert grants(idp) == before + 1
    assert_chunked(session_cookies(r), n)
    assert demo_user(browser, httpd)["remote_user"] == sub  # the rewritten chunks open

    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert session_cookies_deleted(r) == all_chunk_names(n), set_cookie_headers(r)
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)
    assert "SSOAUTH00034" not in log_since(httpd, mark)


def all_chunk_names(n):
    return sorted(["ssoauth_session"] + ["ssoauth_session_%d" % i for i in range(n)])


def test_chunked_sessions_sign_in_refresh_and_sign_out(large_idp, httpd_factory):
    """2, 3 and 8 chunks (the maximum) work end to end: the callback writes
    exactly that many chunks, protected pages open them, a refresh rewrites
    them, and sign-out deletes every one; one chunk too many at sign-in is
    callback_failed (502), and a refresh that outgrows 8 chunks is
    session_too_large (401, every chunk deleted)."""
    idp = large_idp
    httpd = httpd_factory(conf(idp.issuer, extra=LARGE_SESSIONS))

    # A session without the big claim: one cookie, the baseline size.
    with fresh_browser() as base:
        r = callback_response(base, httpd)
        assert r.status_code == 302, (r.status_code, r.text[:500])
        assert_chunked(session_cookies(r), 1)
        baseline = sealed_length(session_cookies(r))

    def blob_for(chunks):
        # Aim at the middle of the wanted chunk count (about one cookie
        # character per random character, after deflate and base64url).
        target = int((chunks - 0.5) * CHUNK)
        return secrets.token_urlsafe(target)[:max(0, target - baseline)]

    for n in (2, 3, 8):
        set_claims(idp, userinfo={"blob": blob_for(n)})
        with fresh_browser() as browser:
            chunks_in_use(browser, httpd, idp, n)

    # One chunk too many at sign-in: callback_failed, no cookie at all.
    set_claims(idp, userinfo={"blob": blob_for(9)})
    with fresh_browser() as browser:
        r = callback_response(browser, httpd)
        _, line = assert_error_page(r, httpd, 502, "callback_failed")
        assert line.group(1) == "the session is too large for its cookies", line.group(0)
        assert not [c for c in browser.cookies if c.name.startswith("ssoauth_session")]

    # A full session whose refresh brings a bigger id_token: session_too_large.
    set_claims(idp, userinfo={"blob": blob_for(8)})
    with fresh_browser() as browser:
        r = callback_response(browser, httpd)
        assert_chunked(session_cookies(r), 8)
        set_claims(idp, userinfo={"blob": ""}, id_token={"grow": secrets.token_urlsafe(3000)})
        mark = log_mark(httpd)
        before = grants(idp)
        r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
        assert assert_json(r, 401) == {"error": "session_too_large"}, r.text
        assert grants(idp) == before + 1
        assert session_cookies_deleted(r) == all_chunk_names(8), set_cookie_headers(r)
        assert wait_for_log(httpd, r"SSOAUTH00021: session not accepted: session_too_large$", mark)
