"""Claims through Apache and the real IdP: `Require sso-claim` on nested
names, arrays and regular expressions, SSOAuthRemoteUserClaim and
SSOAuthPassClaims (directives.md).

The IdP gives the demo user extra userinfo claims (/__test/claims): a
group list, a nested address, a claim literally named "a.b" next to a
nested a.b, a number, a boolean, a null and a deep object.  Each protected
location serves the CGI demo (REMOTE_USER, SSO_CLAIM_* and the
X-SSO-Claim-* headers as CGI sees them) or proxies to an echo backend (the
exact header names and values a proxied application receives).
"""

import json
import re
import time

import pytest
import requests

from harness import Echo, module_directives
from helpers import lower_headers, wait_for_log
from steps import sign_in

EXTRA = {
    "groups": ["staff", "admins"],
    "address": {"country": "DE", "locality": "Berlin"},
    "a.b": "literal",
    "a": {"b": "nested"},
    "org": {"unit": {"name": "R&D"}},
    "level": 3,
    "beta": False,
    "nickname": None,
}


@pytest.fixture
def claims_idp(idp):
    """The session IdP, handing out EXTRA for the duration of one test."""
    requests.post(idp.url("/__test/claims"), json={"userinfo": EXTRA}, timeout=10).raise_for_status()
    yield idp
    requests.post(idp.url("/__test/claims"), json={}, timeout=10).raise_for_status()


@pytest.fixture
def echo():
    e = Echo()
    yield e
    e.stop()


def cgi_location(httpd, path, body):
    """The CGI demo at `path`/ under AuthType SSOAuth with `body` directives."""
    return ('Alias %s "%s/cgi-demo"\n<Location "%s">\n    AuthType SSOAuth\n%s\n</Location>\n'
            % (path, httpd.root, path, "\n".join("    " + l for l in body.strip().splitlines())))


def start(httpd_factory, issuer, locations):
    httpd = httpd_factory("", start=False)
    httpd.extra_conf = module_directives(issuer) + locations(httpd)
    return httpd.start()


REQUIRE = [  # (path, Require lines, expected status)
    ("/nested", "Require sso-claim address.country:DE", 200),
    ("/nested-deny", "Require sso-claim address.country:FR", 403),
    ("/deep", "Require sso-claim org.unit.name:R&D", 200),
    ("/array", "Require sso-claim groups:admins", 200),
    # An element must equal the value: no substring, no joined text.
    ("/array-substring", "Require sso-claim groups:admin", 403),
    ("/array-joined", "Require sso-claim groups:staff,admins", 403),
    ("/array-regex", "Require sso-claim groups~^adm", 200),
    ("/array-regex-joined", "Require sso-claim groups~^staff,admins$", 403),
    # A claim literally named "a.b" wins over the nested a.b.
    ("/literal-dot", "Require sso-claim a.b:literal", 200),
    ("/literal-dot-nested", "Require sso-claim a.b:nested", 403),
    ("/number", "Require sso-claim level:3", 200),
    ("/number-regex", "Require sso-claim level~^[0-9]+$", 200),
    ("/boolean", "Require sso-claim beta:false", 200),
    ("/null", "Require sso-claim nickname~.*", 403),
    # ECMAScript regular expressions are case-sensitive and found anywhere.
    ("/regex-case", "Require sso-claim email~^DEMO@", 403),
    ("/regex-anywhere", r"Require sso-claim address.locality~erl", 200),
    ("/all", "<RequireAll>\n    Require sso-claim address.country:DE\n    Require sso-claim groups:staff\n</RequireAll>",
     200),
    ("/all-deny", "<RequireAll>\n    Require sso-claim address.country:DE\n    Require sso-claim groups:nobody\n"
                  "</RequireAll>", 403),
]


def test_require_sso_claim_nested_arrays_and_regex(claims_idp, httpd_factory, browser):
    httpd = start(httpd_factory, claims_idp.issuer, lambda h: "".join(
        cgi_location(h, path, require) for path, require, _ in REQUIRE) + cgi_location(h, "/demo", "Require valid-user"))
    sign_in(browser, httpd.url("/demo/"))
    sub = browser.get(httpd.url("/demo/?format=json"), follow=False).json()["remote_user"]

    got = {}
    for path, require, expected in REQUIRE:
        r = browser.get(httpd.url(path + "/?format=json"), follow=False)
        got[path] = r.status_code
        if r.status_code == 200:
            assert r.json()["remote_user"] == sub, path
        elif r.status_code == 403:
            assert "Location" not in r.headers and not r.headers.get("WWW-Authenticate"), (path, r.headers)
    assert got == {p: e for p, _, e in REQUIRE}, got
    for path, require, expected in REQUIRE:
        if expected == 403:
            first = re.search(r"Require sso-claim (\S+)", require).group(1)
            if "RequireAll" in require:
                first = "groups:nobody"
            assert wait_for_log(httpd, r"SSOAUTH00050: user %s does not satisfy 'Require sso-claim %s'"
                                % (re.escape(sub), re.escape(first))), (path, first)


def test_remote_user_claim(claims_idp, httpd_factory, browser):
    """SSOAuthRemoteUserClaim picks REMOTE_USER (nested, literal dotted
    name); a user without that claim is refused with 403 and SSOAUTH00022."""
    cases = {"/by-email": ("email", 200, "demo@example.test"),
             "/by-country": ("address.country", 200, "DE"),
             "/by-literal-dot": ("a.b", 200, "literal"),
             "/by-group": ("groups", 200, "staff,admins"),
             "/by-missing": ("employee_id", 403, None)}
    httpd = start(httpd_factory, claims_idp.issuer, lambda h: "".join(
        cgi_location(h, path, "SSOAuthRemoteUserClaim %s\nRequire valid-user" % claim)
        for path, (claim, _, _) in cases.items()) + cgi_location(h, "/demo", "Require valid-user"))
    sign_in(browser, httpd.url("/demo/"))
    for path, (claim, status, user) in cases.items():
        r = browser.get(httpd.url(path + "/?format=json"), follow=False)
        assert r.status_code == status, (path, r.status_code, r.text[:300])
        if status == 200:
            assert r.json()["remote_user"] == user, (path, r.json())
    assert wait_for_log(httpd, r"SSOAUTH00022: the SSOAuthRemoteUserClaim claim 'employee_id' is absent for this user")
    # The access log names the user by that claim too.
    deadline = time.monotonic() + 5
    while not re.search(r'^127\.0\.0\.1 - DE \[.*"GET /by-country/', httpd.access_log.read_text(), re.M):
        assert time.monotonic() < deadline, httpd.access_log.read_text()
        time.sleep(0.05)


def test_pass_claims(claims_idp, httpd_factory, browser, echo):
    """SSOAuthPassClaims: the listed claims reach a proxied backend as
    X-SSO-Claim-<name> headers (nested names with '-', arrays joined with
    ',', numbers and booleans as JSON text, objects as JSON; null and absent
    claims send nothing) and a CGI as SSO_CLAIM_<name> variables; several
    lines add up; a section that sets the list replaces the inherited one."""
    def locations(h):
        proxy = lambda path, body: ('<Location "%s">\n    ProxyPass "%s/"\n    AuthType SSOAuth\n%s\n'
                                    '    Require valid-user\n</Location>\n' % (path, echo.origin, body))
        return ("SSOAuthPassClaims email\n"  # the server's list, inherited where a section sets none
                + proxy("/pc/", "    SSOAuthPassClaims sub groups address.country address org a.b level\n"
                                "    SSOAuthPassClaims beta nickname employee_id")
                + proxy("/inherited/", "")
                + cgi_location(h, "/pc-cgi", "SSOAuthPassClaims address.country a.b groups\nRequire valid-user")
                + cgi_location(h, "/demo", "Require valid-user"))
    httpd = start(httpd_factory, claims_idp.issuer, locations)
    sign_in(browser, httpd.url("/demo/"))
    sub = browser.get(httpd.url("/pc-cgi/?format=json"), follow=False).json()["remote_user"]

    assert browser.get(httpd.url("/pc/x"), follow=False).status_code == 200
    seen = lower_headers(echo.last("GET", "/x")["headers"])
    sso = {k: v for k, v in seen.items() if k.startswith("x-sso-")}
    assert sso == {
        "x-sso-claim-sub": [sub],
        "x-sso-claim-groups": ["staff,admins"],
        "x-sso-claim-address-country": ["DE"],
        "x-sso-claim-address": [json.dumps(EXTRA["address"], separators=(",", ":"))],
        "x-sso-claim-org": [json.dumps(EXTRA["org"], separators=(",", ":"))],
        "x-sso-claim-a-b": ["literal"],
        "x-sso-claim-level": ["3"],
        "x-sso-claim-beta": ["false"],
    }, sso
    # Header names keep the claim's letter case and turn '.' and '_' into '-'.
    names = [k for k, _ in echo.last("GET", "/x")["headers"] if k.lower().startswith("x-sso-")]
    assert "X-SSO-Claim-address-country" in names and "X-SSO-Claim-a-b" in names, names

    assert browser.get(httpd.url("/inherited/y"), follow=False).status_code == 200
    seen = lower_headers(echo.last("GET", "/y")["headers"])
    assert {k: v for k, v in seen.items() if k.startswith("x-sso-")} == {
        "x-sso-claim-email": ["demo@example.test"]}, seen

    body = browser.get(httpd.url("/pc-cgi/?format=json"), follow=False).json()
    assert body["claims"] == {"address_country": "DE", "a_b": "literal", "groups": "staff,admins"}, body
    assert body["claim_headers"] == {"address_country": "DE", "a_b": "literal", "groups": "staff,admins"}, body
