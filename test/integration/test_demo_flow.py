"""End to end through the CGI demo: sign in at the test IdP and see the
claims the module hands to the application.  Needs the module's login
flow (AuthType SSOAuth, <base>/callback)."""

import pytest
import requests

from harness import DEMO_EMAIL, DEMO_NAME, PROTECT_DEMO, module_directives


@pytest.mark.parametrize("client,mpm", [("public", "event"), ("confidential", "prefork")])
def test_sign_in_through_demo_shows_user_and_claims(idp, httpd_factory, browser, client, mpm):
    httpd = httpd_factory(module_directives(idp.issuer, client=client) + PROTECT_DEMO, mpm=mpm)

    # Not signed in: a navigation to the protected page goes to the IdP.
    first = browser.get(httpd.url("/demo/"), follow=False)
    assert first.status_code in (302, 303), first.text
    assert first.headers["Location"].startswith(idp.origin + "/") or \
        first.headers["Location"].startswith(httpd.url("/api/auth/"))

    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, (hops, resp.text)
    assert resp.url == httpd.url("/demo/"), hops
    assert any(h.url.startswith(httpd.url("/api/auth/callback")) for h in hops), hops
    assert "Signed in as" in resp.text

    j = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert j.status_code == 200, j.text
    body = j.json()
    assert body["remote_user"]
    assert body["claims"]["sub"] == body["remote_user"]
    assert body["claims"]["email"] == DEMO_EMAIL
    assert body["claims"]["name"] == DEMO_NAME

    # No token reaches the page, and an anonymous client is still refused.
    for cookie in browser.cookies:
        assert cookie.value not in j.text
    anon = requests.get(httpd.url("/demo/"), allow_redirects=False, timeout=15)
    assert anon.status_code in (302, 303, 401)
