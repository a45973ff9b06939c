"""The provider down (troubleshooting.md#the-provider-is-unreachable):
sign-in cannot start (503 page with a request id, or the cached metadata
keeps it going), and bearer mode answers 503 temporarily_unavailable when
the keys cannot be had, while keys fetched before keep working.

The provider is the scripted one (scripted_op.py) behind a front that can
refuse connections (fronts.Front), or a port where nothing listens.
"""

import re

import pytest
import requests

from fronts import Front
from harness import free_port, module_directives
from helpers import XHR, assert_401_json, assert_no_store, log_mark, log_since, wait_for_log
from scripted_op import ScriptedProvider
from steps import ONE_PROCESS, assert_error_page, bearer, conf

AUDIENCE = "https://api.example.test"
BEARER_LOCATION = ('<Location "/static/">\n    AuthType SSOAuthBearer\n    SSOAuthBearerAudience %s\n'
                   '    Require valid-user\n</Location>\n' % AUDIENCE)
DISCOVERY = "GET /op/.well-known/openid-configuration"


@pytest.fixture
def fronted_op():
    """(scripted provider, the front clients reach it through)."""
    front = Front(name="scripted provider front")
    op = ScriptedProvider(public_origin=front.origin)
    front.upstream_port = op.port
    yield op, front
    front.stop()
    op.stop()


def test_sign_in_with_provider_down_shows_503_page_with_request_id(httpd_factory, browser):
    """No metadata can be had: a protected page's navigation and the login
    endpoint answer the built-in page, 503 provider_unreachable, with a
    request id that the SSOAUTH00010 line (URL and curl's reason) repeats;
    a script's request still gets the plain 401 JSON."""
    dead = "http://127.0.0.1:%d/api/auth" % free_port()
    httpd = httpd_factory(conf(dead))
    for path in ("/demo/", "/api/auth/login?returnTo=%2Fdemo%2F"):
        r = browser.get(httpd.url(path), follow=False)
        _, line = assert_error_page(r, httpd, 503, "provider_unreachable", tag="00010")
        assert re.search(r"^provider %s: unreachable: %s/\.well-known/openid-configuration unreachable: "
                         r".*Couldn't connect to server" % (re.escape(dead), re.escape(dead)), line.group(1)), \
            line.group(0)
        assert not [c for c in browser.cookies if c.name.startswith("ssoauth_")], list(browser.cookies)
    assert_401_json(browser.get(httpd.url("/demo/"), follow=False, headers=XHR), "/demo/")


def test_cached_metadata_keeps_sign_in_starting_while_provider_down(fronted_op, httpd_factory, browser):
    """Metadata fetched once is used while the provider is down: the sign-in
    still starts (the browser is sent to the provider), without a new fetch."""
    op, front = fronted_op
    httpd = httpd_factory(module_directives(op.issuer) + ONE_PROCESS)
    for mode in ("up", "down"):
        front.mode = mode
        r = browser.get(httpd.url("/api/auth/login?returnTo=%2F"), follow=False)
        assert r.status_code == 302 and r.headers["Location"].startswith(op.issuer + "/authorize?"), (
            mode, r.status_code, r.text[:300])
    assert front.count("^" + DISCOVERY) == 1, front.lines
    assert "SSOAUTH00010" not in log_since(httpd, 0)


def assert_unavailable(resp, httpd, mark, reason):
    """503 temporarily_unavailable with the Bearer challenge, SSOAUTH00025."""
    assert resp.status_code == 503, (resp.status_code, resp.headers, resp.text[:300])
    assert resp.headers["WWW-Authenticate"] == ('Bearer error="temporarily_unavailable", '
                                                'error_description="the identity provider cannot be reached"')
    assert resp.json() == {"error": "temporarily_unavailable",
                           "error_description": "the identity provider cannot be reached"}, resp.text
    assert_no_store(resp)
    line = wait_for_log(httpd, r"SSOAUTH00025: bearer token cannot be checked: provider (\S+): (.*)\n", mark)
    assert line and re.search(reason, line.group(2)), log_since(httpd, mark)
    return line


def test_bearer_503_when_provider_keys_unavailable(fronted_op, httpd_factory):
    """Bearer mode cannot check a token without the provider's keys: 503
    temporarily_unavailable (not 401: the client may retry), whether the
    provider is down altogether or only its JWKS fails; keys fetched before
    keep checking new tokens while the provider is down."""
    op, front = fronted_op

    # Never reachable.
    dead = "http://127.0.0.1:%d/op" % free_port()
    httpd = httpd_factory(module_directives(dead) + BEARER_LOCATION, name="httpd (provider down)")
    mark = log_mark(httpd)
    r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(op.access_token(AUDIENCE)), timeout=10)
    line = assert_unavailable(r, httpd, mark, r"Couldn't connect to server")
    assert line.group(1) == dead
    httpd.stop()

    # Discovery answers, the JWKS does not.
    front.drop_match = r"^GET /op/jwks "
    httpd = httpd_factory(module_directives(op.issuer) + BEARER_LOCATION + ONE_PROCESS, name="httpd (JWKS down)")
    mark = log_mark(httpd)
    r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(op.access_token(AUDIENCE)), timeout=10)
    assert_unavailable(r, httpd, mark, r"JWKS fetch from %s/jwks failed: " % re.escape(op.issuer))
    assert front.count(r"^GET /op/jwks ") == 1, front.lines
    httpd.stop()

    # Keys fetched while the provider was up keep checking new tokens after it went down.
    front.drop_match = None
    httpd = httpd_factory(module_directives(op.issuer) + BEARER_LOCATION + ONE_PROCESS, name="httpd (keys known)")
    r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(op.access_token(AUDIENCE)), timeout=10)
    assert r.status_code == 200 and r.text == "hello from httpd\n", (r.status_code, r.text[:300])
    front.mode = "down"
    r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(op.access_token(AUDIENCE, sub="other")),
                     timeout=10)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])
    assert "SSOAUTH00025" not in log_since(httpd, 0)
