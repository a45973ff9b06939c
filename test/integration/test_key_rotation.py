"""Signing-key rotation at the real provider, and a flood of unknown key ids.

security.md: "A token with an unknown `kid` (key rotation) triggers one
refetch, at most once every 10 seconds across the process, then one retry
of the check — so a flood of forged `kid`s cannot make the module hammer
the provider."  The IdP counts its JWKS requests (/__test/stats), and
httpd runs one process here, so the counts are the module's own.
"""

import json
import re
import secrets
import time

import requests
from cryptography.hazmat.primitives.asymmetric import ed25519

from harness import Browser
from helpers import b64u, jar_session, jwt_parts, log_mark, log_since, session_cookies_set
from steps import (ONE_PROCESS, access_token, assert_bearer_refused, assert_json, bearer, conf, grants,
                   idp_requests, resource_of, same_origin, sign_in)

JWKS = "GET /api/auth/jwks"
FLOOD = 40

def unknown_kid_token(issuer, audience, key):
    """A token that looks like the provider's (typ at+jwt, right iss and aud,
    valid times) under a random kid the provider never published."""
    now = int(time.time())
    header = {"alg": "EdDSA", "typ": "at+jwt", "kid": "forged-" + secrets.token_hex(8)}
    claims = {"iss": issuer, "aud": audience, "sub": "attacker", "iat": now, "exp": now + 600}
    signing_input = "%s.%s" % (b64u(json.dumps(header)), b64u(json.dumps(claims)))
    return signing_input + "." + b64u(key.sign(signing_input.encode()))


def flood(httpd, issuer, audience):
    """FLOOD bearer requests, each with another unknown kid: all refused."""
    key = ed25519.Ed25519PrivateKey.generate()
    for _ in range(FLOOD):
        mark = log_mark(httpd)
        r = requests.get(httpd.url("/static/hello.txt"), timeout=10,
                                  headers=bearer(unknown_kid_token(issuer, audience, key)))
        assert_bearer_refused(r, "jwks_unknown_kid", httpd, mark)


def test_rotated_key_is_fetched_once_and_forged_kids_do_not_hammer_the_provider(idp_factory, httpd_factory,
                                                                                 httpd_ports):
    provider = idp_factory(name="idp (key rotation)")
    audience = resource_of(provider)
    redirect = "http://127.0.0.1:%d/api/auth/callback" % httpd_ports[0]
    old_token = access_token(provider, redirect)
    httpd = httpd_factory(conf(provider.issuer) + ONE_PROCESS + (
        '<Location "/static/">\n    AuthType SSOAuthBearer\n    SSOAuthBearerAudience %s\n'
        '    Require valid-user\n</Location>\n' % audience))
    browser = Browser()

    # Sign-in fetches the keys once (for the id_token); the bearer token of
    # the same key needs no other fetch.
    sign_in(browser, httpd.url("/demo/"))
    t_fetched = time.time()  # the fetch happened before this
    assert idp_requests(provider, JWKS) == 1
    assert requests.get(httpd.url("/static/hello.txt"), headers=bearer(old_token), timeout=10).status_code == 200
    assert idp_requests(provider, JWKS) == 1

    # The provider rotates its key; its new tokens carry the new kid.
    new_kid = provider_rotate(provider)
    new_token = access_token(provider, redirect)
    assert jwt_parts(new_token)[0]["kid"] == new_kid != jwt_parts(old_token)[0]["kid"]

    # Within 10 s of the last fetch: no refetch, whatever the kid. A flood of
    # forged kids and the new key's token alike are refused (jwks_unknown_kid).
    flood(httpd, provider.issuer, audience)
    # (The module counts whole seconds: keep a margin to the window's end.)
    assert time.time() < t_fetched + 8.5, "the machine is too slow for the 10 s window"
    mark = log_mark(httpd)
    r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(new_token), timeout=10)
    assert_bearer_refused(r, "jwks_unknown_kid", httpd, mark)
    assert idp_requests(provider, JWKS) == 1

    # 10 s later: the refreshed id_token (signed with the new key) makes
    # exactly one refetch, and the refresh succeeds.
    time.sleep(max(0.0, t_fetched + 10.2 - time.time()))
    before = grants(provider)
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd.origin))
    assert assert_json(r, 200)["success"] is True, (r.text, log_since(httpd, mark)[-2000:])
    assert session_cookies_set(r) and grants(provider) == before + 1
    assert idp_requests(provider, JWKS) == 2
    # The new key's bearer token is now accepted without another fetch, and so is the old key's.
    for token in (new_token, old_token):
        r = requests.get(httpd.url("/static/hello.txt"), headers=bearer(token), timeout=10)
        assert r.status_code == 200, (r.status_code, r.headers, r.text[:300])

    # Right after a refetch, another flood causes none.
    flood(httpd, provider.issuer, audience)
    assert idp_requests(provider, JWKS) == 2
    # Everything ran in one process (the bound is per process).
    pids = set(re.findall(r"\[pid (\d+):tid \d+\] (?:\S+ )?\[client", log_since(httpd, 0)))
    assert len(pids) == 1, pids
    assert jar_session(browser)
    browser.session.close()


def provider_rotate(provider):
    r = requests.post(provider.url("/__test/rotate-key"), timeout=10)
    r.raise_for_status()
    return r.json()["kid"]
