"""SSOAuthErrorURL with an absolute URL, for every error code a sign-in can
end with (directives.md#ssoautherrorurl, endpoints.md#callback).

A failed sign-in is sent to `<url>?error=<code>` (`&error=` when the URL
has a query) instead of the built-in page: 302, no-store, no session
cookie, the attempt's state cookie deleted, and the failure logged as
SSOAUTH00030 (SSOAUTH00010 when the sign-in could not start) with its
reason.  The provider is scripted (scripted_op.py), so that each failure,
including those the real IdP never causes (an id_token with another nonce,
a userinfo answer about someone else, a token endpoint that drops the
connection), happens on demand.
"""

import re
from urllib.parse import urlsplit

import pytest

from harness import free_port, module_directives
from helpers import (assert_no_store, callback_with, log_mark, log_since, session_cookies_set, set_cookie_headers,
                     set_cookies, wait_for_log)
from scripted_op import ScriptedProvider

ERROR_URL = "https://errors.example.test/signin?lang=en"


@pytest.fixture
def op():
    provider = ScriptedProvider()
    yield provider
    provider.stop()


def start(browser, httpd, op, scenario, base="/api/auth"):
    """Start a sign-in at `base` and let the scripted provider answer its
    authorize request: returns the callback URL it sends the browser to."""
    op.scenario = scenario
    r = browser.get(httpd.url(base + "/login?returnTo=%2Fdemo%2F"), follow=False)
    assert r.status_code == 302 and r.headers["Location"].startswith(op.issuer + "/authorize?"), r.headers
    r = browser.get(r.headers["Location"], follow=False)
    assert r.status_code == 302, r.status_code
    return r.headers["Location"]


def assert_sent_to_error_url(resp, httpd, mark, code, reason, error_url=ERROR_URL, tag="00030"):
    """302 to the error URL with this code; no session; the log line's reason."""
    assert resp.status_code == 302, (code, resp.status_code, resp.text[:500])
    sep = "&" if "?" in error_url else "?"
    assert resp.headers["Location"] == error_url + sep + "error=" + code, (code, resp.headers["Location"])
    assert_no_store(resp)
    assert not session_cookies_set(resp), set_cookie_headers(resp)
    if tag == "00030":
        deleted = [n for n, v, a in set_cookies(resp) if n.startswith("ssoauth_state_") and a.get("max-age") == "0"]
        assert deleted or code == "state_mismatch", (code, set_cookie_headers(resp))
        line = wait_for_log(httpd, r"SSOAUTH00030: sign-in failed \[[\w-]+\]: %s: (.*)\n" % re.escape(code), mark)
    else:
        line = wait_for_log(httpd, r"SSOAUTH00010: cannot start sign-in \[[\w-]+\]: (.*)\n", mark)
    assert line and re.search(reason, line.group(1)), (code, log_since(httpd, mark))


def test_error_url_receives_every_error_code(op, httpd_factory, browser):
    dead = "http://127.0.0.1:%d/op" % free_port()
    httpd = httpd_factory(module_directives(op.issuer, extra='SSOAuthErrorURL "%s"' % ERROR_URL) + (
        # A location whose provider is down, and one whose error URL has no query.
        '<Location "/dead/">\n    SSOAuthEndpointBase /dead/auth\n    SSOAuthProvider %s\n</Location>\n'
        '<Location "/plain/">\n    SSOAuthEndpointBase /plain/auth\n'
        '    SSOAuthErrorURL https://errors.example.test/oops\n</Location>\n' % dead))

    # The scripted provider signs in when nothing goes wrong.
    r = browser.get(start(browser, httpd, op, "ok"), follow=False)
    assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/demo/", (r.status_code, r.text[:300])
    assert session_cookies_set(r)
    browser.cookies.clear()

    cases = [
        # (code, scenario, how the callback URL is changed, reason in the log)
        ("access_denied", "error:access_denied", {}, r"^the provider answered error=access_denied$"),
        # The provider's code cannot add parameters to the error URL.
        ("xlangevilerror_descriptionx", "error:x&lang=evil&error_description=x", {}, r"^the provider answered error="),
        ("state_mismatch", "ok", {"drop_state_cookie": True}, r"no state cookie"),
        ("callback_failed", "ok", {"iss": "https://evil.example/op"}, r"iss"),
        ("no_code", "ok", {"code": None}, r"code"),
        ("token_exchange", "token_refused", {}, r"invalid_grant"),
        ("provider_unreachable", "token_unreachable", {}, r"^token endpoint: "),
        ("invalid_id_token", "bad_nonce", {}, r"jwt_nonce_mismatch"),
        ("callback_failed", "userinfo_other_sub", {}, r"^userinfo sub differs from the id_token's sub$"),
    ]
    for code, scenario, changes, reason in cases:
        callback = start(browser, httpd, op, scenario)
        if changes.pop("drop_state_cookie", False):
            for c in [c for c in browser.cookies if c.name.startswith("ssoauth_state_")]:
                browser.cookies.clear(c.domain, c.path, c.name)
        mark = log_mark(httpd)
        r = browser.get(callback_with(callback, **changes), follow=False)
        assert_sent_to_error_url(r, httpd, mark, code, reason)
        assert not [c for c in browser.cookies if c.name.startswith("ssoauth_session")]

    # The sign-in cannot start: the provider is down (no metadata).
    mark = log_mark(httpd)
    r = browser.get(httpd.url("/dead/auth/login?returnTo=%2F"), follow=False)
    assert_sent_to_error_url(r, httpd, mark, "provider_unreachable", re.escape(dead), tag="00010")

    # An error URL without a query gets "?error=".
    callback = start(browser, httpd, op, "error:access_denied", base="/plain/auth")
    mark = log_mark(httpd)
    r = browser.get(callback, follow=False)
    assert_sent_to_error_url(r, httpd, mark, "access_denied", "", error_url="https://errors.example.test/oops")
    assert op.count("POST /op/token") == 5  # ok, token_refused, token_unreachable, bad_nonce, userinfo_other_sub
