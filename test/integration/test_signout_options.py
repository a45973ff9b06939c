"""Sign-out settings: SSOAuthPostLogoutRedirect (absolute, local, behind
an https SSOAuthRedirectURI, and a provider without an end-session
endpoint) and SSOAuthRevokeOnSignout Off (endpoints.md#signout).

Whether the refresh token survived a sign-out is proved the way an
attacker holding a copy of the cookie would use it: a sibling server with
the same client and passphrase (but its own shared store, so it does not
know about the sign-out) refreshes that copy at the provider.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from harness import Browser, module_directives
from helpers import jar_session, log_mark, log_since, session_cookies_deleted, wait_for_log
from scripted_op import ScriptedProvider
from steps import assert_json, conf, demo_user, grants, idp_requests, same_origin, sign_in

REVOKE = "POST /api/auth/oauth2/revoke"


def post_logout_target(url):
    return parse_qs(urlsplit(url).query)["post_logout_redirect_uri"][0]


def test_post_logout_redirect_absolute_and_local(idp, httpd_factory, httpd_ports, browser):
    """An absolute SSOAuthPostLogoutRedirect is sent as it is (and the real
    provider, where it is registered, sends the browser there); a local path
    is made absolute with this site's origin, which SSOAuthRedirectURI
    defines when set."""
    other = "http://127.0.0.1:%d/logged-out" % httpd_ports[-1]  # registered at the IdP
    locations = (
        '<Location "/abs/">\n    SSOAuthEndpointBase /abs/auth\n    SSOAuthPostLogoutRedirect %s\n</Location>\n'
        '<Location "/loc/">\n    SSOAuthEndpointBase /loc/auth\n    SSOAuthPostLogoutRedirect /bye?x=1\n</Location>\n'
        '<Location "/proxied/">\n    SSOAuthEndpointBase /proxied/auth\n'
        '    SSOAuthRedirectURI https://app.example.test/proxied/auth/callback\n'
        '    SSOAuthPostLogoutRedirect /bye\n</Location>\n' % other)
    httpd = httpd_factory(conf(idp.issuer) + locations, port=httpd_ports[0])
    end_session = idp.discovery()["end_session_endpoint"]
    for base, target in (("/abs/auth", other), ("/loc/auth", httpd.url("/bye?x=1")),
                         ("/proxied/auth", "https://app.example.test/bye")):
        r = browser.get(httpd.url(base + "/signout"), follow=False)  # no session: no id_token_hint
        assert r.status_code == 302 and r.headers["Location"].startswith(end_session + "?"), (base, r.headers)
        assert post_logout_target(r.headers["Location"]) == target, (base, r.headers["Location"])

    # End to end: sign in, sign out, and the provider sends the browser to the absolute URL.
    sign_in(browser, httpd.url("/demo/"))
    r = browser.post(httpd.url("/abs/auth/signout"), follow=False, headers=same_origin(httpd.origin))
    url = assert_json(r, 200)["redirectUrl"]
    assert post_logout_target(url) == other and "id_token_hint=" in url, url
    r = browser.get(url, follow=False)
    assert r.status_code == 302 and r.headers["Location"].startswith(other + "?state="), (r.status_code, r.headers)


def test_post_logout_redirect_without_end_session_endpoint(httpd_factory, browser):
    """A provider that publishes no end_session_endpoint: sign-out sends the
    browser to SSOAuthPostLogoutRedirect itself (GET 302, POST redirectUrl)."""
    op = ScriptedProvider(end_session=False)
    try:
        httpd = httpd_factory(module_directives(op.issuer, extra="SSOAuthPostLogoutRedirect /goodbye"))
        r = browser.get(httpd.url("/api/auth/signout"), follow=False)
        assert r.status_code == 302 and r.headers["Location"] == httpd.url("/goodbye"), (r.status_code, r.headers)
        r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd.origin))
        assert assert_json(r, 200) == {"success": True, "redirectUrl": httpd.url("/goodbye")}, r.text
    finally:
        op.stop()


@pytest.mark.parametrize("revoke", ["Off", "On"])
def test_revoke_on_signout(idp, httpd_factory, revoke):
    """Off: sign-out ends the session here but sends the provider no
    revocation, so a copy of the cookie can still be refreshed by a server
    that did not see the sign-out; On (the default): the provider revokes the
    refresh token and that refresh is refused."""
    directives = conf(idp.issuer, extra="SSOAuthRevokeOnSignout %s" % revoke)
    httpd = httpd_factory(directives, name="httpd (RevokeOnSignout %s)" % revoke)
    sibling = httpd_factory(directives, name="sibling (own shared store)")
    browser = Browser()
    sign_in(browser, httpd.url("/demo/"))
    sub = demo_user(browser, httpd)["remote_user"]
    copy = jar_session(browser)

    revocations = idp_requests(idp, REVOKE)
    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert session_cookies_deleted(r) == sorted(copy)
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)
    assert "SSOAUTH00034" not in log_since(httpd, mark)
    assert idp_requests(idp, REVOKE) == revocations + (1 if revoke == "On" else 0)

    for name, value in copy.items():
        browser.cookies.set(name, value, domain="127.0.0.1", path="/")
    before = grants(idp)
    mark = log_mark(sibling)
    r = browser.post(sibling.url("/api/auth/refresh"), follow=False, headers=same_origin(sibling.origin))
    assert grants(idp) == before + 1
    if revoke == "Off":
        assert assert_json(r, 200)["success"] is True, r.text
        assert wait_for_log(sibling, r"SSOAUTH00029: session of %s refreshed$" % re.escape(sub), mark)
    else:
        assert assert_json(r, 401) == {"error": "refresh_refused"}, r.text
        assert session_cookies_deleted(r) == sorted(copy)
        assert wait_for_log(sibling, r"SSOAUTH00028: refresh for %s failed: refresh_refused: token endpoint "
                            r"answered 400" % re.escape(sub), mark), log_since(sibling, mark)
    browser.session.close()
