"""Foundation: the module loads, bad configuration fails `apache2 -t`, the
CGI demo is served and never prints a secret, and the test IdP works."""

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from harness import (DEMO_EMAIL, DEMO_PASSWORD, PROTECT_DEMO, PUBLIC_CLIENT_ID,
                     module_directives)
from helpers import pkce

# No IdP is contacted by `apache2 -t` or by a server that protects nothing.
UNUSED_ISSUER = "http://127.0.0.1:9/api/auth"


# ---------------------------------------------------------------- module load

@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_module_loads_and_httpd_serves_static_file(httpd_factory, mpm):
    httpd = httpd_factory(module_directives(UNUSED_ISSUER), mpm=mpm)
    r = requests.get(httpd.url("/static/hello.txt"), timeout=10)
    assert r.status_code == 200
    assert r.text == "hello from httpd\n"
    rc, out = httpd.loaded_modules()
    assert rc == 0, out
    assert "ssoauth_module (shared)" in out
    assert "mpm_%s_module (shared)" % mpm in out
    assert httpd.running()


# ---------------------------------------------------------------- apache2 -t

def test_configtest_accepts_valid_config(httpd_factory):
    httpd = httpd_factory(start=False)
    rc, out = httpd.configtest(module_directives(UNUSED_ISSUER) + PROTECT_DEMO)
    assert rc == 0, out
    assert "Syntax OK" in out


def test_configtest_rejects_unknown_samesite_value(httpd_factory):
    httpd = httpd_factory(start=False)
    rc, out = httpd.configtest(module_directives(UNUSED_ISSUER) + "SSOAuthCookieSameSite Bogus\n")
    assert rc != 0, out
    assert "SSOAuthCookieSameSite" in out
    assert "Syntax OK" not in out


def test_configtest_rejects_passphrase_shorter_than_32_bytes(httpd_factory):
    httpd = httpd_factory(start=False)
    rc, out = httpd.configtest(module_directives(UNUSED_ISSUER, passphrase="tooshort"))
    assert rc != 0, out
    assert "SSOAuthCryptoPassphrase" in out
    assert "Syntax OK" not in out


# ---------------------------------------------------------------- CGI demo

SECRET_VALUES = {
    "SSO_CLAIM_access_token": "env-access-token-value-1",
    "SSO_CLAIM_id_token": "env-id-token-value-2",
    "SSO_CLAIM_refresh_token": "env-refresh-token-value-3",
    "SSO_CLAIM_client_secret": "env-client-secret-value-4",
    "SSO_CLAIM_password": "env-password-value-5",
    "SSO_CLAIM_code_verifier": "env-code-verifier-value-6",
}
SECRET_HEADERS = {
    "X-SSO-Access-Token": "header-access-token-value-7",
    "X-SSO-Claim-Id-Token": "header-id-token-value-8",
    "Cookie": "ssoauth_session=cookie-value-9",
}


def _claims_conf():
    lines = ['SetEnv SSO_CLAIM_x "y"',
             'SetEnv SSO_CLAIM_name "<script>alert(1)</script>"']
    lines += ['SetEnv %s "%s"' % kv for kv in SECRET_VALUES.items()]
    return "\n".join(lines) + "\n"


def _assert_no_secret(text):
    for value in list(SECRET_VALUES.values()) + list(SECRET_HEADERS.values()):
        assert value not in text
    for name in ("access_token", "id_token", "refresh_token", "client_secret",
                 "code_verifier", "HTTP_COOKIE", "HTTP_X_SSO_ACCESS_TOKEN"):
        assert name.lower() not in text.lower()


@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_cgi_demo_shows_claims_and_never_prints_secrets(httpd_factory, mpm):
    httpd = httpd_factory(module_directives(UNUSED_ISSUER) + _claims_conf(), mpm=mpm)

    r = requests.get(httpd.url("/demo/"), headers=SECRET_HEADERS, timeout=15)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    assert "Not signed in." in r.text
    assert "<code>SSO_CLAIM_x</code></td><td>x</td><td>y</td>" in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>alert(1)</script>" not in r.text  # the injected value, never unescaped
    for link in ("/api/auth/login?returnTo=/demo/", "/api/auth/refresh?returnTo=/demo/",
                 "/api/auth/signout", "/api/auth/session"):
        assert 'href="%s"' % link in r.text
    _assert_no_secret(r.text)

    j = requests.get(httpd.url("/demo/?format=json"), headers=SECRET_HEADERS, timeout=15)
    assert j.status_code == 200, j.text
    assert j.headers["Content-Type"].startswith("application/json")
    body = j.json()
    assert body["remote_user"] is None
    assert body["claims"] == {"x": "y", "name": "<script>alert(1)</script>"}
    assert body["claim_headers"] == {}
    _assert_no_secret(j.text)


@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_cgi_demo_lists_claim_headers_and_serves_logged_out_page(httpd_factory, mpm):
    # Without the module, so nothing can touch the X-SSO-Claim-* headers.
    httpd = httpd_factory(mpm=mpm, load_module=False)
    r = requests.get(httpd.url("/demo/?format=json"), timeout=15, headers={
        "X-SSO-Claim-Email": "someone@example.test",
        "X-SSO-Claim-Refresh-Token": "header-refresh-token-value",
    })
    assert r.status_code == 200, r.text
    assert r.json() == {"remote_user": None, "auth_type": None, "claims": {},
                        "claim_headers": {"email": "someone@example.test"}}
    assert "header-refresh-token-value" not in r.text

    r = requests.get(httpd.url("/demo"), allow_redirects=False, timeout=15)
    assert r.status_code == 301
    assert r.headers["Location"] == httpd.url("/demo/")

    r = requests.get(httpd.url("/logged-out"), timeout=15)
    assert r.status_code == 200
    assert "You are signed out" in r.text
    assert 'href="/api/auth/login?returnTo=/demo/"' in r.text


# ---------------------------------------------------------------- test IdP

def _authorize_url(idp, redirect_uri, state):
    _, challenge = pkce()
    return idp.discovery()["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code",
        "client_id": PUBLIC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid profile email",
        "state": state,
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    })


def test_idp_discovery_names_the_issuer(idp):
    assert idp.issuer == "http://127.0.0.1:%d/api/auth" % idp.port
    doc = idp.discovery()
    assert doc["issuer"] == idp.issuer
    assert doc["authorization_endpoint"] == idp.issuer + "/oauth2/authorize"
    assert doc["token_endpoint"] == idp.issuer + "/oauth2/token"
    assert doc["jwks_uri"] == idp.issuer + "/jwks"
    keys = requests.get(doc["jwks_uri"], timeout=10).json()["keys"]
    assert keys and all(k["alg"] == "EdDSA" and k["kty"] == "OKP" for k in keys)


def test_idp_login_page_has_password_field(idp, httpd_ports, browser):
    redirect_uri = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
    r = browser.get(_authorize_url(idp, redirect_uri, "state-login-page"))
    assert browser.chain[0].status in (302, 303)
    assert r.status_code == 200
    assert r.url.startswith(idp.origin + "/")
    assert "client_id=" + PUBLIC_CLIENT_ID in urlsplit(r.url).query
    assert r.headers["Content-Type"].startswith("text/html")
    assert 'type="password"' in r.text.replace("'", '"')


def test_idp_sign_in_redirects_to_callback_with_code_state_and_iss(idp, httpd_ports, browser):
    redirect_uri = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
    callback, hops = browser.idp_login(_authorize_url(idp, redirect_uri, "state-123"),
                                       DEMO_EMAIL, DEMO_PASSWORD)
    parts = urlsplit(callback)
    assert "%s://%s%s" % (parts.scheme, parts.netloc, parts.path) == redirect_uri
    q = parse_qs(parts.query)
    assert q["state"] == ["state-123"]
    assert q["iss"] == [idp.issuer]
    assert len(q["code"][0]) >= 16
    assert hops[-1].method == "POST" and hops[-1].status == 200


def test_idp_factory_starts_rs256_provider(idp_factory):
    rs = idp_factory(alg="RS256")
    doc = rs.discovery()
    assert doc["issuer"] == rs.issuer
    keys = requests.get(doc["jwks_uri"], timeout=10).json()["keys"]
    assert keys and all(k["kty"] == "RSA" and k["alg"] == "RS256" for k in keys)
