"""Steps and checks shared by the behaviour tests (TLS, key rotation,
cookies, session limits, error URL, claims, sign-out options, MPMs): signing
in, same-origin headers for the POST endpoints, the sign-in error page, the
module's JSON answers, and the IdP's counters."""

import contextlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from harness import PROTECT_DEMO, PUBLIC_CLIENT_ID, Browser, module_directives
from helpers import (assert_no_store, jwt_parts, log_since, ordered_json, pkce, session_cookies_set,
                     set_cookie_headers, wait_for_log)

# httpd with one child process (mpm_event), for tests whose counts are per
# process (the provider's metadata and keys are cached per process).
ONE_PROCESS = """
<IfModule mpm_event_module>
    ServerLimit 1
    StartServers 1
    MinSpareThreads 1
    MaxSpareThreads 16
    ThreadsPerChild 16
    MaxRequestWorkers 16
</IfModule>
"""


def conf(issuer, client="public", extra=""):
    """Server-level directives for `issuer` plus the protected CGI demo."""
    return module_directives(issuer, client=client, extra=extra) + PROTECT_DEMO


def same_origin(origin, **more):
    """The headers of a fetch() from a page of `origin` (passes the
    same-origin rule of the refresh and signout endpoints)."""
    h = {"Origin": origin, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors",
         "Sec-Fetch-Dest": "empty", "Accept": "application/json"}
    h.update(more)
    return h


@contextlib.contextmanager
def fresh_browser():
    """A new harness.Browser, closed afterwards."""
    browser = Browser()
    try:
        yield browser
    finally:
        browser.session.close()


def sign_in(browser, url):
    """A whole sign-in that must land on `url` with 200; returns the response."""
    resp, hops = browser.sign_in(url)
    assert resp.status_code == 200, (hops, resp.status_code, resp.text[:500])
    return resp


def demo_user(browser, httpd, path="/demo/?format=json"):
    """The CGI demo's JSON for a signed-in browser (200 required)."""
    r = browser.get(httpd.url(path), follow=False)
    assert r.status_code == 200, (r.status_code, r.headers, r.text[:500])
    return r.json()


def trust(browser, ca):
    """Make the browser trust only `ca` for https (ignoring REQUESTS_CA_BUNDLE
    and the like, which would otherwise win over the session's setting)."""
    browser.session.trust_env = False
    browser.session.verify = str(ca.pem)


def grants(idp, kind="refresh_token"):
    return idp.stats()["token_requests"].get(kind, 0)


def idp_requests(idp, what):
    """How many requests `what` ("GET /api/auth/jwks") the IdP received."""
    return idp.stats()["requests"].get(what, 0)


def assert_json(resp, status):
    """A module JSON answer with that status: no-store, no Location.
    Returns the body (key order kept)."""
    assert resp.status_code == status, (resp.status_code, resp.headers, resp.text[:500])
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json", resp.headers
    assert "Location" not in resp.headers, resp.headers
    assert_no_store(resp)
    return ordered_json(resp.text)


def assert_error_page(resp, httpd, status, code, tag="00030"):
    """The built-in sign-in error page with `status` and `code`, and the log
    line (SSOAUTH<tag>) carrying the page's request id. Returns (request id,
    the log line's match)."""
    assert resp.status_code == status, (resp.status_code, resp.text[:1000])
    assert resp.headers["Content-Type"].startswith("text/html"), resp.headers
    assert '<code id="error">%s</code>' % code in resp.text, resp.text
    m = re.search(r'<code id="request-id">([^<]+)</code>', resp.text)
    assert m, resp.text
    assert '<a id="retry" href="/api/auth/login?returnTo=%2F">Try again</a>' in resp.text, resp.text
    assert_no_store(resp)
    assert resp.headers.get("Referrer-Policy") == "no-referrer"
    assert not session_cookies_set(resp), set_cookie_headers(resp)
    request_id = m.group(1)
    pattern = (r"SSOAUTH%s: sign-in failed \[%s\]: %s: (.*)\n" if tag == "00030"
               else r"SSOAUTH%s: cannot start sign-in \[%s\]: (.*)\n")
    args = (tag, re.escape(request_id), re.escape(code)) if tag == "00030" else (tag, re.escape(request_id))
    line = wait_for_log(httpd, pattern % args)
    assert line, "no SSOAUTH%s line for [%s] in error_log:\n%s" % (tag, request_id, httpd.error_log_text()[-3000:])
    return request_id, line


def authorize_query(resp, issuer):
    """The query of a 302 to `issuer`'s authorize endpoint (single values)."""
    assert resp.status_code == 302, (resp.status_code, resp.headers, resp.text[:500])
    loc = resp.headers["Location"]
    assert loc.startswith(issuer + "/oauth2/authorize?"), loc
    return {k: v[0] for k, v in parse_qs(urlsplit(loc).query).items()}


# ---------------------------------------------------------------- bearer tokens

def resource_of(idp):
    """The test IdP's resource: asking for it gives a JWT access token."""
    return idp.url("/api/resource")


def fetch_access_token(idp, redirect_uri, resource, client_id=PUBLIC_CLIENT_ID, scope="openid profile email"):
    """The authorization-code flow with PKCE, straight against the IdP, with
    resource= on authorize and token: returns the token response (its
    access_token is a JWT, typ at+jwt, whose aud holds `resource`)."""
    meta = idp.discovery()
    verifier, challenge = pkce()
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
             "scope": scope, "state": secrets.token_urlsafe(12), "nonce": secrets.token_urlsafe(12),
             "code_challenge": challenge, "code_challenge_method": "S256", "resource": resource}
    b = Browser()
    try:
        url, _ = b.idp_login(meta["authorization_endpoint"] + "?" + urlencode(query))
    finally:
        b.session.close()
    q = parse_qs(urlsplit(url).query)
    assert "code" in q, url
    t = requests.post(meta["token_endpoint"], timeout=15, data={
        "grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier, "resource": resource})
    assert t.status_code == 200, t.text
    tokens = t.json()
    header, payload, _ = jwt_parts(tokens["access_token"])
    assert header["typ"] == "at+jwt", header
    assert resource in payload["aud"], payload
    return tokens


def access_token(idp, redirect_uri, client_id=PUBLIC_CLIENT_ID, scope="openid profile email"):
    """A fresh JWT access token for the test IdP's resource (resource_of)."""
    return fetch_access_token(idp, redirect_uri, resource_of(idp), client_id, scope)["access_token"]


def bearer(token):
    return {"Authorization": "Bearer " + token}


def assert_bearer_refused(resp, reason, httpd, mark):
    """401 invalid_token for a bearer request, logged as SSOAUTH00026 with `reason`."""
    assert resp.status_code == 401, (resp.status_code, resp.headers, resp.text[:500])
    www = resp.headers.get("WWW-Authenticate", "")
    assert www.startswith('Bearer error="invalid_token", error_description="'), www
    assert resp.json()["error"] == "invalid_token", resp.text
    assert wait_for_log(httpd, r"SSOAUTH00026: bearer token rejected: %s$" % re.escape(reason), mark), \
        log_since(httpd, mark)[-2000:]
