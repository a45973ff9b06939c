"""Responses the module shapes around the application's (issue 10, section 4):

  * a resealed session Set-Cookie (here: a transparent refresh, due on every
    request with SSOAuthRefreshBeforeExpiry 3600) riding on a CGI response
    that says `Cache-Control: public, max-age=600` makes it
    `private, max-age=600`, so no shared cache stores one user's session;
    a response that already says no-store keeps just that;
  * a subrequest into a protected location without a session (a
    DirectoryIndex lookup) writes no body into the main response: the client
    gets httpd's own 401, not the module's JSON spliced into a 200.
"""

import os

import requests

from helpers import XHR, session_cookies_set
from steps import conf, sign_in

CGI = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\nCache-Control: %s\\r\\n\\r\\nhello\\n'\n"


def write_cgi(httpd, name, cache_control):
    path = httpd.root / "cgi-demo" / name
    path.write_text(CGI % cache_control)
    os.chmod(str(path), 0o755)


def test_resealed_session_cookie_makes_a_public_cgi_response_private(idp, httpd_factory, browser):
    httpd = httpd_factory(conf(idp.issuer, extra="SSOAuthRefreshBeforeExpiry 3600"), start=False)
    write_cgi(httpd, "public.cgi", "public, max-age=600")
    write_cgi(httpd, "nostore.cgi", "no-store")
    httpd.start()
    sign_in(browser, httpd.url("/demo/"))

    r = browser.get(httpd.url("/demo/public.cgi"), follow=False)
    assert r.status_code == 200 and r.text == "hello\n", (r.status_code, r.text[:300])
    assert session_cookies_set(r), r.headers  # the refresh resealed the session
    assert r.headers.get("Cache-Control") == "private, max-age=600", r.headers

    r = browser.get(httpd.url("/demo/nostore.cgi"), follow=False)
    assert r.status_code == 200 and session_cookies_set(r), r.headers
    assert r.headers.get("Cache-Control") == "no-store", r.headers


SUBREQUEST_CONF = """
<Location "/idx/">
    DirectoryIndex secret.txt
</Location>
<Location "/idx/secret.txt">
    AuthType SSOAuth
    Require valid-user
</Location>
"""


def test_subrequest_into_a_protected_location_writes_no_body_into_the_main_response(idp, httpd_factory):
    httpd = httpd_factory(conf(idp.issuer, extra=SUBREQUEST_CONF), start=False)
    (httpd.root / "htdocs" / "idx").mkdir()
    (httpd.root / "htdocs" / "idx" / "secret.txt").write_text("secret\n")
    httpd.start()

    # The file itself, asked for directly: the module's 401 JSON.
    r = requests.get(httpd.url("/idx/secret.txt"), headers=XHR, allow_redirects=False, timeout=10)
    assert r.status_code == 401 and r.json()["error"] == "unauthenticated", (r.status_code, r.text)

    # The same file reached by mod_dir's subrequest: httpd answers the main request.
    r = requests.get(httpd.url("/idx/"), headers=XHR, allow_redirects=False, timeout=10)
    assert r.status_code == 401, (r.status_code, r.headers, r.text)
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers
    assert "<title>401 Unauthorized</title>" in r.text and "unauthenticated" not in r.text, r.text
    assert r.headers.get("WWW-Authenticate") == "SSOAuth", r.headers
    assert "secret" not in r.text
