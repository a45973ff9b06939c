"""Single sign-on and single sign-out across two applications in a real
browser: Debian's headless Chromium driven by playwright-core
(test/browser/two_apps.mjs).

The two applications are set up like scripts/demo.sh: App 1 is the public
client ssoauth-public, App 2 the confidential client ssoauth-confidential,
each with its own cookie names and a back-channel logout URI at the IdP.
They run as two separate Apache instances, so App 1 can only learn of the
sign-out in App 2 through the provider's back-channel logout (they share no
memory).

Screenshots of each step go to out/test/browser/ in the repository (CI keeps
them as artifacts). A missing /usr/bin/chromium fails the test, unless
SSOAUTH_ALLOW_SKIP_BROWSER=1 is set; scripts/install-deps.sh installs it.
"""

import json
import os
import re
import shutil
import subprocess
import time

import pytest

from harness import (CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, DEMO_EMAIL,
                     DEMO_PASSWORD, PROTECT_DEMO, PUBLIC_CLIENT_ID, REPO, module_directives)
from helpers import wait_for

pytestmark = pytest.mark.needs_idp

CHROMIUM = "/usr/bin/chromium"
BROWSER_DIR = REPO / "test" / "browser"
SCRIPT = BROWSER_DIR / "two_apps.mjs"
SCREENSHOT_DIR = REPO / "out" / "test" / "browser"
SCOPE = "openid profile email offline_access"   # as in scripts/demo.sh

STEPS = ["01-app1-login-page", "02-app1-signed-in", "03-app2-signed-in-without-password",
         "04-app2-signed-out", "05-app1-asks-password-again"]


def _require_browser():
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("SSOAUTH_ALLOW_SKIP_BROWSER") == "1":
            pytest.skip("%s is missing (Debian package chromium; scripts/install-deps.sh "
                        "installs it) and SSOAUTH_ALLOW_SKIP_BROWSER=1 is set" % CHROMIUM)
        pytest.fail("%s is missing: install Debian's chromium package (scripts/install-deps.sh "
                    "does), or set SSOAUTH_ALLOW_SKIP_BROWSER=1 to skip the browser test" % CHROMIUM)
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail("playwright-core is missing: run npm ci in %s (scripts/install-deps.sh does)"
                    % BROWSER_DIR)


def _client(client_id, secret, port, name):
    base = "http://127.0.0.1:%d" % port
    return {"client_id": client_id, "client_secret": secret, "name": name,
            "redirect_uris": [base + "/api/auth/callback"],
            "post_logout_redirect_uris": [base + "/logged-out"],
            "backchannel_logout_uri": base + "/api/auth/backchannel-logout"}


def _app_conf(issuer, client, cookie_name, app_name):
    return (module_directives(issuer, client=client)
            + 'SSOAuthScope "%s"\n' % SCOPE
            + "SSOAuthCookieName %s\n" % cookie_name
            + 'SetEnv SSOAUTH_DEMO_APP "%s"\n' % app_name
            + PROTECT_DEMO)


def test_two_apps_sign_in_once_sign_out_everywhere(idp_factory, httpd_factory, httpd_ports):
    _require_browser()
    port1, port2 = httpd_ports[0], httpd_ports[1]
    idp = idp_factory(config={"clients": [
        _client(PUBLIC_CLIENT_ID, None, port1, "App 1"),
        _client(CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_CLIENT_SECRET, port2, "App 2"),
    ]}, name="idp (browser test)")
    app1 = httpd_factory(_app_conf(idp.issuer, "public", "app1", "App 1"), port=port1, name="app1")
    app2 = httpd_factory(_app_conf(idp.issuer, "confidential", "app2", "App 2"), port=port2,
                         name="app2")

    if SCREENSHOT_DIR.exists():
        shutil.rmtree(str(SCREENSHOT_DIR))
    SCREENSHOT_DIR.mkdir(parents=True)

    cmd = ["node", str(SCRIPT),
           "--app1", app1.url("/demo/"), "--app2", app2.url("/demo/"),
           "--idp", idp.origin, "--out", str(SCREENSHOT_DIR),
           "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=str(BROWSER_DIR), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=180)
    except subprocess.TimeoutExpired as e:
        pytest.fail("the browser test did not finish in 180 s\n--- stdout:\n%s\n--- stderr:\n%s"
                    % (e.stdout, e.stderr))
    elapsed = time.monotonic() - started
    (SCREENSHOT_DIR / "summary.json").write_text(proc.stdout)
    (SCREENSHOT_DIR / "browser.log").write_text(proc.stderr)
    print("\nbrowser test: %.1f s, exit %d\n%s" % (elapsed, proc.returncode, proc.stdout))

    diag = "exit %d\n--- stdout:\n%s\n--- stderr:\n%s" % (proc.returncode, proc.stdout,
                                                         proc.stderr[-6000:])
    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        pytest.fail("the browser test printed no JSON summary; " + diag)
    steps = summary.get("steps", [])
    failed = [s for s in steps if not s.get("ok")]
    assert proc.returncode == 0 and not failed, diag
    assert [s["name"] for s in steps] == STEPS, diag
    for s in steps:
        shot = s.get("screenshot")
        assert shot and os.path.getsize(shot) > 0, "no screenshot for step %s" % s["name"]
        assert os.path.dirname(shot) == str(SCREENSHOT_DIR), shot

    # App 1 learnt of the sign-out through the provider's back-channel logout:
    # it accepted a logout token for the provider session (SSOAUTH00040, not
    # one of the "back-channel logout refused" lines) and then ended its
    # session for that user (SSOAUTH00027).  The provider posted one logout
    # token to each application.
    assert wait_for(lambda: idp.stats()["backchannel_logout_sent"] >= 2), idp.stats()
    assert idp.stats()["backchannel_logout_sent"] == 2, idp.stats()
    for app in (app1, app2):
        log = app.error_log_text()
        assert re.search(r"SSOAUTH00040: back-channel logout: provider session \S+ ended$", log, re.M), \
            "%s accepted no logout token:\n%s" % (app.name, log[-3000:])
        refused = re.findall(r"^.*SSOAUTH0003[6-9]: .*$", log, re.M)
        assert not refused, refused
    sub = re.search(r"SSOAUTH00031: signed in: sub=(\S+),", app1.error_log_text()).group(1)
    assert re.search(r"SSOAUTH00027: session of %s ended by the provider" % re.escape(sub),
                     app1.error_log_text()), "App 1 did not end its session after the back-channel logout"
