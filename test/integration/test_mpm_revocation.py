"""A sign-out is seen by every process of the server, under mpm_prefork,
mpm_worker and mpm_event (security.md#back-channel-logout-and-revocation:
"records the session as ended in the shared store … so a copy of the cookie
stops working on every process of this server").

httpd runs four child processes of two threads each (one thread per
process under prefork), and a burst of concurrent requests whose headers
arrive slowly (so that each keeps a worker busy) spreads over them; an extra
access log records the process (%P) that answered each.
The processes that accepted a copied cookie before the sign-out (and hold
the opened session in their per-process cache) must refuse it afterwards.
"""

import http.client
import json
import re
import socket
import threading
import time

import pytest

from harness import Browser
from helpers import jar_session, log_mark, log_since, parse_set_cookie, wait_for_log
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


class Answer:
    """One raw HTTP answer: status, headers, body."""

    def __init__(self, sock):
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        self.status_code = resp.status
        self.set_cookies = resp.msg.get_all("Set-Cookie") or []
        self.content_type = resp.getheader("Content-Type", "")
        self.text = resp.read().decode(errors="replace")


def slow_request(httpd, path, cookies):
    """A GET whose headers arrive in two parts, 0.4 s apart: the process
    that accepted the connection keeps a worker busy reading it, so
    concurrent slow requests cannot all land in one process."""
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=30) as sock:
        sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % (path, httpd.port)).encode())
        time.sleep(0.4)
        cookie = "; ".join("%s=%s" % kv for kv in sorted(cookies.items()))
        sock.sendall(("Accept: application/json\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\n"
                      "Cookie: %s\r\nConnection: close\r\n\r\n" % cookie).encode())
        return Answer(sock)


def burst(httpd, cookies, tag):
    """BURST concurrent slow requests to the protected demo with `cookies`.
    Returns their answers (or exceptions)."""
    barrier = threading.Barrier(BURST)
    results = [None] * BURST

    def hit(i):
        barrier.wait()
        try:
            results[i] = slow_request(httpd, "/demo/?format=json&%s=%d" % (tag, i), cookies)
        except (OSError, http.client.HTTPException) as e:  # reported by the caller's assertion
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
    assert [getattr(r, "status_code", r) for r in before] == [200] * BURST, [getattr(r, "text", r) for r in before]
    served = pids(httpd, "before", 200)
    assert len(served) >= 2, ("the burst did not spread over processes", served)

    mark = log_mark(httpd)
    r = browser.post(httpd.url("/api/auth/signout?by=me"), follow=False, headers=same_origin(httpd.origin))
    assert_json(r, 200)
    assert wait_for_log(httpd, r"SSOAUTH00035: signed out: sub=%s$" % re.escape(sub), mark)

    after = burst(httpd, copy, "after")
    for resp in after:
        assert isinstance(resp, Answer), after
        assert resp.status_code == 401 and resp.content_type == "application/json", (resp.status_code, resp.text)
        assert json.loads(resp.text)["error"] == "unauthenticated", resp.text
        deleted = sorted(parse_set_cookie(h)[0] for h in resp.set_cookies if "Max-Age=0" in h)
        assert deleted == sorted(copy), resp.set_cookies
    refused = pids(httpd, "after", 401)
    # Processes that had accepted (and cached) the session refuse it now.
    assert len(refused & served) >= 2, (served, refused)
    lines = re.findall(r"\[pid (\d+):tid \d+\] \[client [^]]+\] SSOAUTH00027: session of %s ended by the provider"
                       % re.escape(sub), log_since(httpd, mark))
    assert len(lines) == BURST and set(lines) == refused, (lines, refused)
    browser.session.close()
