"""Small utilities shared by the integration tests: base64url, PKCE and
JWT parts, Set-Cookie parsing and the session cookies in a response or a
browser's jar, waiting for a server's log line, and assertions on the
module's generic JSON answers.  (Servers and the browser live in harness.py.)
"""

import base64
import collections
import datetime
import hashlib
import json
import re
import secrets
import time
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

# The request headers of a fetch()/XHR call (not a navigation).
XHR = {"Accept": "application/json", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}


# ---------------------------------------------------------------- base64url, PKCE, JWT

def b64u(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pkce():
    """A fresh PKCE pair: (code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, b64u(hashlib.sha256(verifier.encode()).digest())


def jwt_parts(token):
    """A compact JWT -> (header dict, payload dict, signature text)."""
    h, p, s = token.split(".")
    return json.loads(b64u_decode(h)), json.loads(b64u_decode(p)), s


# ---------------------------------------------------------------- time

def utc_epoch(iso):
    """'2026-01-02T03:04:05.000Z' (UTC, as the module writes it) -> seconds
    since the epoch; whatever the local time zone (TZ) is."""
    stamp = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp()


def sleep_until(epoch):
    """Wait until the wall clock reaches epoch (seconds, time.time())."""
    while True:
        left = epoch - time.time()
        if left <= 0:
            return
        time.sleep(min(left, 0.5))


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll predicate() until it returns something true (returned) or
    timeout seconds pass (its last value is returned)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# ---------------------------------------------------------------- cookies

def set_cookie_headers(resp):
    return resp.raw.headers.getlist("Set-Cookie")


def parse_set_cookie(header):
    """'n=v; Path=/; HttpOnly' -> (name, value, {'path': '/', 'httponly': True})"""
    parts = [p.strip() for p in header.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name, value, attrs


def set_cookies(resp):
    return [parse_set_cookie(h) for h in set_cookie_headers(resp)]


def session_cookies_set(resp, prefix="ssoauth"):
    """Set-Cookie headers that give the browser a (new) session (non-empty value)."""
    return [(n, v, a) for n, v, a in set_cookies(resp)
            if n.startswith(prefix + "_session") and v and a.get("max-age") != "0"]


def session_cookies_deleted(resp, prefix="ssoauth"):
    return sorted(n for n, v, a in set_cookies(resp)
                  if n.startswith(prefix + "_session") and not v and a.get("max-age") == "0")


def jar_session(browser, prefix="ssoauth"):
    """The session cookies in a browser's jar: {name: value}."""
    return {c.name: c.value for c in browser.cookies if c.name.startswith(prefix + "_session")}


# ---------------------------------------------------------------- headers

def lower_headers(pairs):
    """[[name, value], ...] -> {lower name: [values]}"""
    out = {}
    for k, v in pairs:
        out.setdefault(k.lower(), []).append(v)
    return out


# ---------------------------------------------------------------- server logs

def _log_path(server):
    """The log a server writes: httpd's error_log, or the IdP's log."""
    return server.error_log if hasattr(server, "error_log") else server.log_path


def log_mark(server):
    """The current end of a server's log, for log_since and wait_for_log."""
    try:
        return _log_path(server).stat().st_size
    except OSError:
        return 0


def log_since(server, mark):
    try:
        with open(_log_path(server), "rb") as f:
            f.seek(mark)
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def wait_for_log(server, pattern, mark=0, timeout=5.0):
    """The first match of pattern (re.M) in the log of server (an Httpd or
    an Idp) written after mark, waiting up to timeout seconds; None if none."""
    rx = re.compile(pattern, re.M)
    deadline = time.monotonic() + timeout
    while True:
        m = rx.search(log_since(server, mark))
        if m or time.monotonic() > deadline:
            return m
        time.sleep(0.05)


# ---------------------------------------------------------------- responses

def ordered_json(text):
    """JSON with objects as OrderedDicts, so key order can be asserted."""
    return json.loads(text, object_pairs_hook=collections.OrderedDict)


def assert_no_store(resp):
    assert resp.headers.get("Cache-Control") == "no-store", resp.headers


def assert_401_json(resp, path=None, no_store=True, key_order=True):
    """The module's answer to an unauthenticated non-navigation request:
    401, `WWW-Authenticate: SSOAuth`, JSON, no Location, exactly the members
    error ("unauthenticated") and login.  Optionally also:
      path       login is the login URL that returns to path;
      no_store   Cache-Control is no-store;
      key_order  the members come in the order error, login.
    Returns the body."""
    assert resp.status_code == 401, (resp.status_code, resp.headers, resp.text[:500])
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json", resp.headers
    assert "Location" not in resp.headers, resp.headers
    # Session mode's own challenge (RFC 9110 requires one with a 401).
    assert resp.headers.get("WWW-Authenticate") == "SSOAuth", resp.headers
    if no_store:
        assert_no_store(resp)
    body = ordered_json(resp.text)
    if key_order:
        assert list(body) == ["error", "login"], body
    assert set(body) == {"error", "login"}, body
    assert body["error"] == "unauthenticated", body
    if path is not None:
        assert body["login"].startswith("/api/auth/login?returnTo="), body
        assert body["login"] == "/api/auth/login?returnTo=" + quote(path, safe=""), body
        assert parse_qs(urlsplit(body["login"]).query) == {"returnTo": [path]}, body
    return body


def callback_with(callback_url, **changes):
    """callback_url with some query parameters replaced (None drops one)."""
    parts = urlsplit(callback_url)
    q = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    for k, v in changes.items():
        if v is None:
            q.pop(k, None)
        else:
            q[k] = v
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q), ""))
