"""pytest fixtures for the mod_ssoauth integration tests.

    def test_something(idp, httpd_factory, browser):
        httpd = httpd_factory(module_directives(idp.issuer) + PROTECT_DEMO)
        resp, hops = browser.sign_in(httpd.url("/demo/"))
        assert resp.status_code == 200

Fixtures:
  idp            session-scoped IdP (EdDSA) whose clients accept the callback
                 and logout URLs of every port in httpd_ports
  idp_factory    idp_factory(alg="RS256", ...) starts another IdP for one test
  httpd_ports    the ports reserved for test httpd servers (registered at idp)
  httpd_factory  httpd_factory(extra_conf, mpm="event", start=True, ...) -> Httpd
                 on a port from httpd_ports (unless port= is given); when
                 another process holds that port, the next free one of them
  browser        a fresh harness.Browser
On failure, the logs of every server created during the test are attached
to the report.
"""

import pytest

import harness
from harness import Browser, Httpd, Idp

HTTPD_PORT_POOL = 6


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_idp: the test uses the Better Auth test IdP")


def pytest_sessionfinish(session, exitstatus):
    harness.cleanup_base_dir()


@pytest.fixture(autouse=True)
def _track_servers():
    # Servers created from here on belong to this test (for the failure report).
    del harness.CREATED[:]
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    seen = []
    for obj in list(harness.CREATED) + list(getattr(item, "funcargs", {}).values()):
        if hasattr(obj, "report_logs") and all(obj is not s for s in seen):
            seen.append(obj)
    for obj in seen:
        for title, text in obj.report_logs():
            rep.sections.append(("%s (%s)" % (title, rep.when), text))


@pytest.fixture(scope="session")
def httpd_ports():
    ports = []
    while len(ports) < HTTPD_PORT_POOL:
        p = harness.free_port()
        if p not in ports:
            ports.append(p)
    return ports


def _rp_uris(ports):
    return (["http://127.0.0.1:%d/api/auth/callback" % p for p in ports],
            ["http://127.0.0.1:%d/logged-out" % p for p in ports])


@pytest.fixture(scope="session")
def idp(httpd_ports):
    redirect_uris, logout_uris = _rp_uris(httpd_ports)
    server = Idp(alg="EdDSA", redirect_uris=redirect_uris, post_logout_uris=logout_uris,
                 name="idp (session)")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def idp_factory(httpd_ports):
    started = []

    def make(alg="EdDSA", redirect_uris=None, post_logout_uris=None, **kw):
        default_redirects, default_logouts = _rp_uris(httpd_ports)
        server = Idp(alg=alg,
                     redirect_uris=default_redirects if redirect_uris is None else redirect_uris,
                     post_logout_uris=default_logouts if post_logout_uris is None else post_logout_uris,
                     **kw)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def httpd_factory(httpd_ports):
    made = []

    def make(extra_conf="", mpm="event", start=True, port=None, **kw):
        if port is None:
            busy = {h.port for h in made if h.running()}
            free = [p for p in httpd_ports if p not in busy]
            if not free:
                raise RuntimeError("all %d reserved httpd ports are in use" % len(httpd_ports))
            # Should another process hold free[0] at start, the next reserved port is tried.
            port, kw["fallback_ports"] = free[0], free[1:]
        server = Httpd(extra_conf=extra_conf, mpm=mpm, port=port, **kw)
        made.append(server)
        return server.start() if start else server

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.session.close()
