"""Logging: every log call has its own SSOAUTH<number> tag below the next-number
file, `LogLevel ssoauth:debug` traces a sign-in step by step, and no token,
code, verifier, secret, passphrase, state, nonce or logout token reaches the
error log at any level (trace8), on success and on failure."""

import base64
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from harness import (CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, PROTECT_DEMO, TEST_PASSPHRASE,
                     Browser, module_directives)
from helpers import b64u, jwt_parts, log_mark, wait_for_log

REPO = Path(__file__).resolve().parents[2]
TAG = re.compile(r"SSOLOGNO\((\d{5})\)")


def test_every_log_tag_is_unique_and_below_the_next_number():
    seen = {}
    for source in sorted((REPO / "src").rglob("*.cpp")):
        for lineno, line in enumerate(source.read_text().splitlines(), 1):
            for tag in TAG.findall(line):
                assert tag not in seen, "SSOAUTH%s used at %s and %s:%d" % (tag, seen[tag], source.name, lineno)
                seen[tag] = "%s:%d" % (source.name, lineno)
    assert len(seen) >= 30, seen
    next_number = int((REPO / "docs" / "log-tags-next-number").read_text().strip())
    assert max(int(t) for t in seen) < next_number, (max(seen), next_number)


def test_debug_log_traces_sign_in_and_holds_no_secret(idp, httpd_factory, browser):
    httpd = httpd_factory(module_directives(idp.issuer, client="confidential") + PROTECT_DEMO)
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    assert browser.get(httpd.url("/api/auth/session"), follow=False).json()["user"]
    refreshed = browser.post(httpd.url("/api/auth/refresh"), follow=False,
                             headers={"Origin": httpd.origin, "Accept": "application/json"})
    assert refreshed.status_code == 200, refreshed.text
    signed_out = browser.post(httpd.url("/api/auth/signout"), follow=False,
                              headers={"Origin": httpd.origin, "Accept": "application/json"})
    assert signed_out.status_code == 200, signed_out.text

    log = httpd.error_log_text()
    # The trace, step by step.
    for step in ["SSOAUTH00012: sign-in started",
                 "SSOAUTH00013: callback [", "state matches its sealed cookie",
                 "iss parameter is the configured issuer", "code exchanged with the PKCE verifier",
                 "id_token verified: alg EdDSA", "userinfo merged:", "session sealed into",
                 "SSOAUTH00031: signed in: sub=", "SSOAUTH00029: session of", "SSOAUTH00035: signed out: sub="]:
        assert step in log, step

    # No secret the provider issued or received, at any level.
    secrets = requests.get(idp.url("/__test/secrets"), timeout=10).json()
    assert len(secrets) >= 6, secrets  # code, verifier, secret, access, refresh, id tokens at least
    leaked = [s[:12] + "…" for s in secrets if len(s) >= 8 and s in log]
    assert not leaked, leaked
    # Nor the session cookie's sealed value.
    for cookie in resp.request.headers.get("Cookie", "").split(";"):
        value = cookie.split("=", 1)[-1].strip()
        if len(value) > 16:
            assert value not in log


# ---------------------------------------------------------------- no secret at trace8, whatever happens

def secret_pieces(values):
    """Every value worth hiding, and for a JWT also its payload and its
    signature alone (a log line holding either is a leak too)."""
    out = set()
    for v in values:
        if not v or len(v) < 8:
            continue
        out.add(v)
        if v.count(".") == 2:
            out.update(p for p in v.split(".")[1:] if len(p) >= 16)
    return out


def assert_no_secret(logs, values):
    leaked = sorted({(name, piece[:10] + "...") for name, text in logs for piece in secret_pieces(values)
                     if piece in text})
    assert not leaked, leaked


def provider_secrets(idp):
    return requests.get(idp.url("/__test/secrets"), timeout=10).json()


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def other_char(text, i=-1):
    return text[:i % len(text)] + ("A" if text[i] != "A" else "B") + text[i % len(text) + 1:]


def same_origin(httpd):
    return {"Origin": httpd.origin, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors",
            "Sec-Fetch-Dest": "empty", "Accept": "application/json"}


def test_trace8_log_holds_no_secret_in_success_or_failure(idp_factory, httpd_factory, httpd_ports):
    """`LogLevel ssoauth:trace8` on a confidential client, through two
    sign-ins, a refresh, a sign-in with a tampered state, one whose code the
    provider refuses, a refresh the provider refuses, a sign-out and the
    provider's back-channel logout (genuine, tampered, replayed): the error
    log holds no token, code, verifier, client secret (raw or as sent in
    Authorization: Basic), crypto passphrase, state, nonce, logout token or
    sealed cookie."""
    port = httpd_ports[0]
    base = "http://127.0.0.1:%d" % port
    provider = idp_factory(config={"clients": [{
        "client_id": CONFIDENTIAL_CLIENT_ID, "client_secret": CONFIDENTIAL_CLIENT_SECRET,
        "redirect_uris": [base + "/api/auth/callback"], "post_logout_redirect_uris": [base + "/logged-out"],
        "backchannel_logout_uri": base + "/api/auth/backchannel-logout"}]}, name="idp (confidential, bcl)")
    directives = (module_directives(provider.issuer, client="confidential")
                  + "LogLevel warn ssoauth:trace8\n" + PROTECT_DEMO)
    httpd = httpd_factory(directives, port=port, name="server A")
    sibling = httpd_factory(directives, name="server B (same keys)")
    browser = Browser()
    hidden = [CONFIDENTIAL_CLIENT_SECRET, TEST_PASSPHRASE,
              base64.b64encode(("%s:%s" % (CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET)).encode()).decode()]

    def remember_cookies():
        hidden.extend(c.value for c in browser.cookies)

    def start_attempt():
        """A sign-in started at the module, the provider answering at once
        (its session exists): the callback URL, not yet visited."""
        r = browser.get(httpd.url("/api/auth/login?returnTo=%2Fdemo%2F"), follow=False)
        assert r.status_code == 302, r.status_code
        sent = query_of(r.headers["Location"])
        hidden.extend([sent["state"], sent["nonce"]])
        remember_cookies()
        r = browser.get(r.headers["Location"], follow=False)
        assert r.status_code == 302 and r.headers["Location"].startswith(httpd.url("/api/auth/callback?")), \
            (r.status_code, r.headers)
        hidden.append(query_of(r.headers["Location"])["code"])
        return r.headers["Location"]

    # 1. Sign-in, session document, refresh: all successful.
    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, hops
    sent = query_of(hops[0].location)
    hidden.extend([sent["state"], sent["nonce"]])
    remember_cookies()
    sub = browser.get(httpd.url("/api/auth/session"), follow=False).json()["user"]["id"]
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd))
    assert r.status_code == 200, r.text
    remember_cookies()

    # 2. A callback whose state was tampered with (its cookie exists: same
    #    first 16 characters): refused before the code is redeemed.
    callback = start_attempt()
    state = query_of(callback)["state"]
    r = browser.get(callback.replace("state=" + state, "state=" + other_char(state)), follow=False)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    hidden.append(other_char(state))

    # 3. A callback whose code the provider refuses (one character changed).
    callback = start_attempt()
    code = query_of(callback)["code"]
    r = browser.get(callback.replace("code=" + code, "code=" + other_char(code)), follow=False)
    assert r.status_code == 400, (r.status_code, r.text[:300])

    # 4. A refresh the provider refuses: the same session signed out on a
    #    sibling server (which revokes the refresh token there).
    thief = Browser()
    for c in browser.cookies:
        if c.name.startswith("ssoauth_session"):
            thief.session.cookies.set(c.name, c.value, domain="127.0.0.1", path="/")
    assert thief.get(sibling.url("/api/auth/signout"), follow=False).status_code == 302
    thief.session.close()
    r = browser.post(httpd.url("/api/auth/refresh"), follow=False, headers=same_origin(httpd))
    assert r.status_code == 401, (r.status_code, r.text)

    # 5. Signed in again (no password), signed out, the provider's logout
    #    token posted back to the module.
    callback = start_attempt()
    assert browser.get(callback).status_code == 200, browser.chain
    remember_cookies()
    r = browser.post(httpd.url("/api/auth/signout"), follow=False, headers=same_origin(httpd))
    assert r.status_code == 200, r.text
    redirect = r.json()["redirectUrl"]
    hidden.append(query_of(redirect)["state"])
    mark = log_mark(httpd)
    assert browser.get(redirect).status_code == 200, browser.chain
    assert wait_for_log(httpd, r"SSOAUTH00040: back-channel logout: provider session \S+ ended$", mark, timeout=10)
    logout_tokens = [s for s in provider_secrets(provider)
                     if s.count(".") == 2 and jwt_parts(s)[0].get("typ") == "logout+jwt"]
    assert len(logout_tokens) == 1, provider.stats()
    token = logout_tokens[0]
    h64, p64, s64 = token.split(".")
    tampered = "%s.%s.%s" % (h64, b64u(json.dumps(dict(jwt_parts(token)[1], sid="x"))), s64)
    hidden.append(tampered)
    for value in (tampered, token):
        r = requests.post(httpd.url("/api/auth/backchannel-logout"), data={"logout_token": value}, timeout=10)
        assert r.status_code == 400, (r.status_code, r.text)
    browser.session.close()

    # Everything above happened, as the log says ...
    log = httpd.error_log_text()
    for line in ["SSOAUTH00031: signed in: sub=%s" % sub, "SSOAUTH00029: session of %s refreshed" % sub,
                 "SSOAUTH00030: sign-in failed", "the state does not match its cookie",
                 "token_exchange: token endpoint answered 400 invalid_grant",
                 "SSOAUTH00028: refresh for %s failed: refresh_refused" % sub,
                 "SSOAUTH00035: signed out: sub=%s" % sub, "SSOAUTH00040: back-channel logout:",
                 "SSOAUTH00038: back-channel logout refused: jwt_bad_signature",
                 "SSOAUTH00037: back-channel logout refused: the logout token was replayed"]:
        assert line in log, line
    assert log.count("SSOAUTH00031: signed in") == 2, log
    assert "SSOAUTH00035: signed out: sub=%s" % sub in sibling.error_log_text()
    # ... and none of its secrets: what the provider saw and issued, and what only the module knew.
    issued = provider_secrets(provider)
    assert len(issued) >= 12, issued
    assert_no_secret([("server A", log), ("server B", sibling.error_log_text())], hidden + issued)
