"""Logging: every log call has its own SSOAUTH<number> tag below the next-number
file, `LogLevel ssoauth:debug` traces a sign-in step by step, and no token,
code, verifier or secret reaches the error log at any level."""

import re
from pathlib import Path

import requests

from harness import PROTECT_DEMO, module_directives

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
