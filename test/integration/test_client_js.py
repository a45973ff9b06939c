"""<base>/client.js through the real module: the browser API script, served
with an ETag and revalidated with 304, for the configured endpoint base."""

import requests

from harness import module_directives


def test_client_js_is_served_with_an_etag_and_revalidated(idp, httpd_factory):
    httpd = httpd_factory(module_directives(idp.issuer))
    r = requests.get(httpd.url("/api/auth/client.js"), timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    etag = r.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 26, etag
    assert 'var base = "/api/auth";' in r.text
    for api in ("getSession", "signIn", "signOut", "refresh", "onSessionChange"):
        assert api in r.text

    again = requests.get(httpd.url("/api/auth/client.js"), headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304, again.status_code
    assert again.content == b""
    stale = requests.get(httpd.url("/api/auth/client.js"), headers={"If-None-Match": '"0000"'}, timeout=10)
    assert stale.status_code == 200 and stale.headers["ETag"] == etag
    assert requests.post(httpd.url("/api/auth/client.js"), timeout=10).status_code == 405


def test_client_js_follows_the_endpoint_base(idp, httpd_factory):
    httpd = httpd_factory(module_directives(idp.issuer, extra="SSOAuthEndpointBase /sso"))
    r = requests.get(httpd.url("/sso/client.js"), timeout=10)
    assert r.status_code == 200
    assert 'var base = "/sso";' in r.text
    assert requests.get(httpd.url("/api/auth/client.js"), timeout=10).status_code == 404
