"""End to end through the CGI demo: sign in at the test IdP and see the
claims the module hands to the application.  Every step has one exact
outcome, and what the page shows is compared with the tokens the provider
really issued for this sign-in (the test IdP records them: /__test/secrets)."""

import hashlib
import html
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from harness import (CONFIDENTIAL_CLIENT_ID, DEMO_EMAIL, DEMO_NAME, PROTECT_DEMO, PUBLIC_CLIENT_ID,
                     module_directives)
from helpers import assert_401_json, assert_no_store, b64u, jwt_parts, set_cookies

SCOPE = "openid profile email offline_access"   # SSOAuthScope's default


def provider_secrets(idp):
    return requests.get(idp.url("/__test/secrets"), timeout=10).json()


def authorize_query(resp, idp, httpd, client_id):
    """The module's answer to a navigation without a session: 302 to the
    provider's authorization endpoint with exactly the authorization-code
    + PKCE parameters, and the attempt sealed into a state cookie."""
    assert resp.status_code == 302, (resp.status_code, resp.headers, resp.text[:500])
    assert_no_store(resp)
    loc = resp.headers["Location"]
    assert loc.split("?", 1)[0] == idp.discovery()["authorization_endpoint"], loc
    q = parse_qs(urlsplit(loc).query, keep_blank_values=True)
    assert sorted(q) == ["client_id", "code_challenge", "code_challenge_method", "nonce", "redirect_uri",
                         "response_type", "scope", "state"], q
    assert all(len(v) == 1 for v in q.values()), q
    q = {k: v[0] for k, v in q.items()}
    assert q["response_type"] == "code" and q["client_id"] == client_id, q
    assert q["redirect_uri"] == httpd.url("/api/auth/callback"), q
    assert q["scope"] == SCOPE, q
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43, q
    assert len(q["state"]) >= 32 and len(q["nonce"]) >= 32 and q["state"] != q["nonce"], q
    states = [(n, v, a) for n, v, a in set_cookies(resp) if n.startswith("ssoauth_state_")]
    assert [n for n, _, _ in states] == ["ssoauth_state_" + q["state"][:16]], set_cookies(resp)
    assert states[0][1] and states[0][2].get("httponly") is True, states
    return q


def authorize_query_from_hop(hop, idp, httpd, client_id):
    """The authorize parameters of the first hop (already checked in full
    on the first, unsigned navigation)."""
    assert hop.location and hop.location.split("?", 1)[0] == idp.discovery()["authorization_endpoint"], hop
    return {k: v[0] for k, v in parse_qs(urlsplit(hop.location).query).items()}


@pytest.mark.parametrize("client,mpm", [("public", "event"), ("confidential", "prefork")])
def test_sign_in_through_demo_shows_user_and_claims(idp, httpd_factory, browser, client, mpm):
    client_id = PUBLIC_CLIENT_ID if client == "public" else CONFIDENTIAL_CLIENT_ID
    httpd = httpd_factory(module_directives(idp.issuer, client=client) + PROTECT_DEMO, mpm=mpm)

    # Not signed in: a navigation to the protected page goes to the provider.
    authorize_query(browser.get(httpd.url("/demo/"), follow=False), idp, httpd, client_id)
    # ... and a client that is no browser navigating gets the 401 JSON.
    assert_401_json(requests.get(httpd.url("/demo/"), allow_redirects=False, timeout=15), "/demo/")

    known = set(provider_secrets(idp))
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    # The exact way: protected page -> authorize -> login page -> (sign-in) ->
    # authorize -> callback -> back to the page.
    assert [(h.method, urlsplit(h.url).path, h.status) for h in hops] == [
        ("GET", "/demo/", 302), ("GET", "/api/auth/oauth2/authorize", 302), ("GET", "/login", 200),
        ("POST", "/api/auth/sign-in/email", 200),
        ("GET", "/api/auth/callback", 302), ("GET", "/demo/", 200)], hops
    sent = authorize_query_from_hop(hops[0], idp, httpd, client_id)
    callback = hops[4]
    assert callback.url.split("?", 1)[0] == httpd.url("/api/auth/callback"), hops
    assert callback.location == "/demo/", hops   # back to where the sign-in began
    cb = {k: v[0] for k, v in parse_qs(urlsplit(callback.url).query).items()}
    assert cb["state"] == sent["state"] and cb["iss"] == idp.issuer, cb
    assert resp.status_code == 200 and resp.url == httpd.url("/demo/"), hops

    # The tokens the provider issued for this sign-in, and what the module sent it.
    issued = [s for s in provider_secrets(idp) if s not in known]
    assert cb["code"] in issued, "the module did not redeem the code it was given"
    verifiers = [s for s in issued if b64u(hashlib.sha256(s.encode()).digest()) == sent["code_challenge"]]
    assert len(verifiers) == 1, "the module did not send the verifier of its code_challenge"
    id_tokens = [s for s in issued if s.count(".") == 2 and jwt_parts(s)[1].get("nonce") == sent["nonce"]]
    assert len(id_tokens) == 1, issued
    id_claims = jwt_parts(id_tokens[0])[1]
    assert id_claims["iss"] == idp.issuer and id_claims["aud"] == client_id, id_claims
    userinfo = idp.discovery()["userinfo_endpoint"]
    access = [s for s in issued if s not in (cb["code"], verifiers[0], id_tokens[0]) and requests.get(
        userinfo, headers={"Authorization": "Bearer " + s}, timeout=10).status_code == 200]
    assert len(access) == 1, "no access token among %d new secrets" % len(issued)
    user = requests.get(userinfo, headers={"Authorization": "Bearer " + access[0]}, timeout=10).json()

    # The page shows the provider's user: the id_token's sub, userinfo's email and name.
    sub = id_claims["sub"]
    assert user["sub"] == sub and user["email"] == DEMO_EMAIL and user["name"] == DEMO_NAME, user
    assert '<p id="status">Signed in as <strong id="remote-user">%s</strong> (auth type SSOAuth).</p>' \
        % html.escape(sub) in resp.text, resp.text[:2000]
    j = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert j.status_code == 200, j.text
    body = j.json()
    assert body["remote_user"] == sub and body["auth_type"] == "SSOAuth", body
    assert body["claims"]["sub"] == sub and body["claim_headers"]["sub"] == sub, body
    assert body["claims"]["email"] == DEMO_EMAIL and body["claim_headers"]["email"] == DEMO_EMAIL, body
    assert body["claims"]["name"] == DEMO_NAME and body["claim_headers"]["name"] == DEMO_NAME, body

    # None of those tokens (nor a JWT's payload or signature alone) reaches
    # the page, its headers, or a cookie in the clear.
    seen = [resp.text, str(resp.headers), j.text, str(j.headers)] + [c.value for c in browser.cookies] + [
        str(h.location) for h in hops if urlsplit(h.url).netloc == urlsplit(httpd.origin).netloc]
    pieces = issued + [part for s in issued if s.count(".") == 2 for part in s.split(".")[1:]]
    leaked = [p[:12] + "..." for p in pieces if len(p) >= 16 and any(p in text for text in seen)]
    assert not leaked, leaked

    # Still refused to anyone else.
    assert_401_json(requests.get(httpd.url("/demo/"), allow_redirects=False, timeout=15), "/demo/")

