"""A sign-out is seen by every process of the server, under mpm_prefork,
mpm_worker and mpm_event (security.md#back-channel-logout-and-revocation:
"records the session as ended in the shared store … so a copy of the cookie
stops working on every process of this server").

httpd runs four child processes of two threads each (one thread per
process under prefork), and a burst of concurrent requests spreads over
them; an extra access log records the process (%P) that answered each.
The processes that accepted a copied cookie before the sign-out (and hold
the opened session in their per-process cache) must refuse it afterwards.
"""

import re
import threading
import time

import pytest
import requests

from harness import Browser
from helpers import XHR, assert_401_json, jar_session, log_mark, log_since, session_cookies_deleted, wait_for_log
from steps import assert_json, conf, demo_user, same_origin, sign_in

BURST = 16

PROCESSES = """
<IfModule mpm_prefork_module>
    StartServers 4
    MinSpareServers 4
    MaxSpareServers 8
    MaxRequestWorkers 8
</IfModule>
<IfModule mpm_worker_module>
    ServerLimit 4
    StartServers 4
    ThreadsPerChild 2
    MinSpareThreads 8
    MaxSpareThreads 8
    MaxRequestWorkers 8
</IfModule>
<IfModule mpm_event_module>
    ServerLimit 4
    StartServers 4
    ThreadsPerChild 2
    MinSpareThreads 8
    MaxSpareThreads 8
    MaxRequestWorkers 8
</IfModule>
"""


def burst(httpd, cookies, tag):
    """BURST concurrent XHRs to the protected demo with `cookies`, each on
    its own connection. Returns [(status, response)], and each answering
    process is in the pid log under `tag`."""
    barrier = threading.Barrier(BURST)
    results = [None] * BURST

    def hit(i):
        with requests.Session() as s:
            barrier.wait()
            try:
                results[i] = s.get(httpd.url("/demo/?format=json&%s=%d" % (tag, i)), cookies=dict(cookies),
                                   headers=dict(XHR, Connection="close"), allow_redirects=False, timeout=30)
            except requests.RequestException as e:  # reported by the caller's assertion
                results[i] = e

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def pids(httpd, tag, status):
    """The processes that answered requests of this burst with `status`
    (waiting for the burst's access log lines, written after each answer)."""
    rx = re.compile(r"^(\d+) GET /demo/\?format=json&%s=\d+ HTTP/1\.1 (\d+)$" % tag, re.M)
    deadline = time.monotonic() + 10
    while True:
        lines = rx.findall((httpd.root / "logs" / "pid_log").read_text())
        if len(lines) >= BURST or time.monotonic() > deadline:
            return {pid for pid, code in lines if code == str(status)}
        time.sleep(0.05)


@pytest.mark.parametrize("mpm", ["prefork", "worker", "event"])
def test_signout_is_seen_by_every_process(idp, httpd_factory, mpm):
    httpd = httpd_factory("", mpm=mpm, start=False)
    httpd.extra_conf = (conf(idp.issuer) + PROCESSES
                        + 'CustomLog "%s/logs/pid_log" "%%P %%r %%>s"\n' % httpd.root)
    httpd.start()
    browser = Browser()
    sign_in(browser, httpd.url("/demo/"))
    sub = demo_user(browser, httpd)["remote_user"]
    copy = jar_session(browser)

    before = burst(httpd, copy, "before")
    assert [getattr(r, "status_code", r) for r in before] == [200] * BURST, before
    served = pids(httpd, "before", 200)
    assert len(served) >= 2, ("the burst did not spread over processes", served)

    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout?by=me"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)

    after = burst(httpd, copy, "after")
    for resp in after:
        assert isinstance(resp, requests.Response), after
        assert_401_json(resp, None)
        assert session_cookies_deleted(resp) == sorted(copy), resp.headers
    refused = pids(httpd, "after", 401)
    # Processes that had accepted (and cached) the session refuse it now.
    assert len(refused & served) >= 2, (served, refused)
    lines = re.findall(r"\[pid (\d+):tid \d+\] \[client [^]]+\] SSOAUTH00027: session of %s ended by the provider"
                       % re.escape(sub), log_since(httpd, mark))
    assert len(lines) == BURST and set(lines) == refused, (lines, refused)
    browser.session.close()
