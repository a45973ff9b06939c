"""Integration-test harness for mod_ssoauth.

Everything here starts real processes: the test identity provider
(``node test/idp/server.mjs``) and Apache httpd (Debian's ``apache2``)
with the built module.  Paths are computed from this file's location, so
nothing depends on where the repository is checked out.

Environment knobs:
  SSOAUTH_MODULE     path of the module to load (default <repo>/.libs/mod_ssoauth.so)
  SSOAUTH_KEEP_TMP   set to 1 to keep the temporary server roots after the run
"""

import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

REPO = Path(__file__).resolve().parents[2]
IDP_DIR = REPO / "test" / "idp"
IDP_SERVER = IDP_DIR / "server.mjs"
CGI_DEMO = REPO / "cgi-demo"
MODULE_PATH = Path(os.environ.get("SSOAUTH_MODULE", str(REPO / ".libs" / "mod_ssoauth.so")))

# The identities the test IdP is seeded with (test/idp contract).
DEMO_EMAIL = "demo@example.test"
DEMO_PASSWORD = "demo-password-1234"
DEMO_NAME = "Demo User"
PUBLIC_CLIENT_ID = "ssoauth-public"
CONFIDENTIAL_CLIENT_ID = "ssoauth-confidential"
CONFIDENTIAL_CLIENT_SECRET = "confidential-test-secret-0123456789abcdef"

# A valid passphrase (>= 32 bytes) for SSOAuthCryptoPassphrase.
TEST_PASSPHRASE = "integration-test-passphrase-0123456789-abcdef"

KEEP_TMP = os.environ.get("SSOAUTH_KEEP_TMP") == "1"

# Servers created during the current test; conftest resets it before each
# test and prints their logs into the report when the test fails.
CREATED = []

_base_dir = None


def base_dir():
    """One temporary directory per session, world-traversable so that
    Apache's unprivileged children (www-data) can reach the cgid socket
    and the CGI scripts copied under it."""
    global _base_dir
    if _base_dir is None:
        _base_dir = Path(tempfile.mkdtemp(prefix="ssoauth-it-"))
        _base_dir.chmod(0o755)
    return _base_dir


def cleanup_base_dir():
    global _base_dir
    if _base_dir is not None and not KEEP_TMP:
        shutil.rmtree(_base_dir, ignore_errors=True)
    _base_dir = None


def _new_dir(prefix):
    d = Path(tempfile.mkdtemp(prefix=prefix, dir=base_dir()))
    d.chmod(0o755)
    return d


# Ports free_port() handed out in this run: never handed out twice.
_handed_out = set()
_port_random = random.Random(os.urandom(16))   # independent of any seeding of `random`


def _unassigned_range():
    """Ports below the kernel's ephemeral range (ip_local_port_range), or
    None when that leaves too few: the kernel never gives these to an
    outgoing connection or to bind(0), so a port picked there stays free
    until a server of ours binds it, unless some process asks for exactly
    that number."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return (10000, low - 1) if low - 10000 >= 2000 else None


def free_port():
    """A TCP port on 127.0.0.1 that is free now, outside the ephemeral range
    where possible, and not handed out before in this run.  It is released
    again before a server binds it, so servers still retry on a bind failure
    (Httpd.start, Idp.start)."""
    span = _unassigned_range()
    for _ in range(500):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", _port_random.randint(*span) if span else 0))
            except OSError:
                continue
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no free TCP port found on 127.0.0.1")


class PortInUse(RuntimeError):
    """A server could not bind its port (another process holds it)."""


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def tail(path, lines=80):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as e:
        return "<cannot read %s: %s>" % (path, e)
    return "\n".join(text.splitlines()[-lines:])


def _stop_process(proc, timeout=10):
    """SIGTERM the process group, then SIGKILL it if it does not exit."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


# --------------------------------------------------------------------------
# The test identity provider


class Idp:
    """The Better Auth test IdP in test/idp, on a free port with a fresh
    data directory.  Use as a context manager or call start()/stop()."""

    def __init__(self, alg="EdDSA", redirect_uris=None, post_logout_uris=None,
                 config=None, access_token_ttl=None, port=None, env=None, name="idp"):
        self.alg = alg
        self.redirect_uris = list(redirect_uris or [])
        self.post_logout_uris = list(post_logout_uris or [])
        self.config = config
        self.access_token_ttl = access_token_ttl
        self.own_port = not port   # chosen here: may be changed when it turns out busy
        self.port = port or free_port()
        self.extra_env = dict(env or {})
        self.name = name
        self.dir = None
        self.log_path = None
        self.proc = None
        self.issuer = None

    # -- lifecycle --
    def start(self, timeout=30, attempts=5):
        """Start the IdP; when its port was chosen here and another process
        took it meanwhile, start again on a new port."""
        for attempt in range(attempts):
            try:
                return self._start_once(timeout)
            except PortInUse:
                if not self.own_port or attempt == attempts - 1:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_once(self, timeout):
        if not IDP_SERVER.exists():
            raise RuntimeError("test IdP not found: %s" % IDP_SERVER)
        if not (IDP_DIR / "node_modules").is_dir():
            raise RuntimeError("test IdP dependencies missing: run npm ci in %s "
                               "(scripts/install-deps.sh does)" % IDP_DIR)
        self.dir = _new_dir("idp-")
        self.log_path = self.dir / "idp.log"
        env = dict(os.environ)
        env.update({
            "IDP_PORT": str(self.port),
            "IDP_DATA_DIR": str(self.dir / "data"),
            "IDP_SIGNING_ALG": self.alg,
        })
        (self.dir / "data").mkdir()
        if self.redirect_uris:
            env["IDP_REDIRECT_URIS"] = ",".join(self.redirect_uris)
        if self.post_logout_uris:
            env["IDP_POST_LOGOUT_URIS"] = ",".join(self.post_logout_uris)
        if self.access_token_ttl is not None:
            env["IDP_ACCESS_TOKEN_TTL"] = str(self.access_token_ttl)
        if self.config is not None:
            cfg = self.dir / "config.json"
            cfg.write_text(json.dumps(self.config, indent=2))
            env["IDP_CONFIG"] = str(cfg)
        env.update(self.extra_env)
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(["node", str(IDP_SERVER)], cwd=str(IDP_DIR), env=env,
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        CREATED.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"^IDP READY (\S+)", self.log_path.read_text(errors="replace"), re.M)
            if m:
                self.issuer = m.group(1)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        rc = self.proc.poll()
        self.stop()
        log = tail(self.log_path)
        error = PortInUse if rc is not None and "EADDRINUSE" in log else RuntimeError
        raise error("IdP did not become ready on port %d (%s); log:\n%s" % (
            self.port, "exited with %s" % rc if rc is not None else "timeout after %ss" % timeout, log))

    def stop(self):
        _stop_process(self.proc)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- helpers --
    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path):
        return self.origin + path

    def discovery(self):
        r = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=10)
        r.raise_for_status()
        return r.json()

    def stats(self):
        r = requests.get(self.url("/__test/stats"), timeout=10)
        r.raise_for_status()
        return r.json()

    def reset(self):
        r = requests.post(self.url("/__test/reset"), timeout=10)
        r.raise_for_status()
        return r

    def report_logs(self):
        if self.log_path is None:
            return []
        return [("%s log (%s, port %d)" % (self.name, self.alg, self.port), tail(self.log_path))]


# --------------------------------------------------------------------------
# Apache httpd


def apxs(var):
    return subprocess.check_output(["apxs", "-q", var], text=True).strip()


_apxs_cache = {}


def apxs_cached(var):
    if var not in _apxs_cache:
        _apxs_cache[var] = apxs(var)
    return _apxs_cache[var]


def httpd_binary():
    return os.path.join(apxs_cached("SBINDIR"), apxs_cached("TARGET"))


def module_directives(issuer, client="public", passphrase=TEST_PASSPHRASE, extra=""):
    """The server-level SSOAuth* directives for the test IdP's clients."""
    lines = ['SSOAuthProvider "%s"' % issuer]
    if client == "public":
        lines += ["SSOAuthClientID %s" % PUBLIC_CLIENT_ID,
                  "SSOAuthTokenEndpointAuth none"]
    elif client == "confidential":
        lines += ["SSOAuthClientID %s" % CONFIDENTIAL_CLIENT_ID,
                  'SSOAuthClientSecret "%s"' % CONFIDENTIAL_CLIENT_SECRET,
                  "SSOAuthTokenEndpointAuth client_secret_basic"]
    else:
        raise ValueError("client must be 'public' or 'confidential'")
    lines.append('SSOAuthCryptoPassphrase "%s"' % passphrase)
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


PROTECT_DEMO = """
<Location "/demo">
    AuthType SSOAuth
    Require valid-user
</Location>
"""


class Httpd:
    """Apache httpd with its own ServerRoot in a temporary directory.

    extra_conf is appended to the generated httpd.conf; it is where a test
    puts its SSOAuth* directives and <Location> blocks.  The CGI demo is
    served at /demo/ and /logged-out; a static file at /static/hello.txt.
    """

    DEBIAN_MODULES = ["authn_core", "authz_core", "authz_user", "mime", "alias", "dir",
                      "env", "headers", "proxy", "proxy_http", "setenvif"]

    def __init__(self, extra_conf="", mpm="event", port=None, load_module=True, name="httpd",
                 fallback_ports=None):
        if mpm not in ("event", "prefork", "worker"):
            raise ValueError("unknown mpm %r" % mpm)
        self.extra_conf = extra_conf
        self.mpm = mpm
        # When the port turns out busy at start: the next of fallback_ports,
        # or (for a port chosen here) a new free port.
        self.fallback_ports = list(fallback_ports or [])
        self.own_port = not port
        self.port = port or free_port()
        self.load_module = load_module
        self.name = name
        self.proc = None
        self.root = _new_dir("httpd-")
        for sub in ("logs", "run", "htdocs/static"):
            (self.root / sub).mkdir(parents=True)
            (self.root / sub).chmod(0o755)
        (self.root / "htdocs" / "static" / "hello.txt").write_text("hello from httpd\n")
        # A copy of the CGI demo inside the (world-traversable) ServerRoot,
        # so www-data can run it wherever the repository is checked out.
        shutil.copytree(str(CGI_DEMO), str(self.root / "cgi-demo"))
        self.conf_path = self.root / "httpd.conf"
        self.error_log = self.root / "logs" / "error_log"
        self.access_log = self.root / "logs" / "access_log"
        self.stdout_log = self.root / "logs" / "stdout.log"
        CREATED.append(self)

    # -- configuration --
    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path="/"):
        return self.origin + path

    def render(self, extra_conf=None):
        extra = self.extra_conf if extra_conf is None else extra_conf
        libexec = apxs_cached("LIBEXECDIR")
        cgi = "cgi" if self.mpm == "prefork" else "cgid"
        loads = ["LoadModule mpm_%s_module %s/mod_mpm_%s.so" % (self.mpm, libexec, self.mpm)]
        for m in self.DEBIAN_MODULES + [cgi]:
            loads.append("LoadModule %s_module %s/mod_%s.so" % (m, libexec, m))
        loads.append("<IfModule !log_config_module>\n"
                     "    LoadModule log_config_module %s/mod_log_config.so\n"
                     "</IfModule>" % libexec)
        if self.load_module:
            loads.append('LoadModule ssoauth_module "%s"' % MODULE_PATH)
        user = ""
        if os.geteuid() == 0:
            user = "User www-data\nGroup www-data\n"
        loglevel = "LogLevel warn ssoauth:debug" if self.load_module else "LogLevel warn"
        mime = "TypesConfig /etc/mime.types\n" if os.path.exists("/etc/mime.types") else ""
        r = self.root
        return """# generated by test/integration/harness.py
ServerRoot "{r}"
DefaultRuntimeDir "{r}/run"
PidFile "{r}/run/httpd.pid"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1:{port}
{loads}
{user}
ErrorLog "{r}/logs/error_log"
{loglevel}
LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" timed
CustomLog "{r}/logs/access_log" timed
{mime}Timeout 30
KeepAlive On
<IfModule mpm_event_module>
    StartServers 1
    ServerLimit 2
    ThreadsPerChild 16
    MaxRequestWorkers 32
</IfModule>
<IfModule mpm_prefork_module>
    StartServers 2
    MinSpareServers 1
    MaxSpareServers 4
    MaxRequestWorkers 16
</IfModule>
<IfModule cgid_module>
    ScriptSock "{r}/run/cgid.sock"
</IfModule>

DocumentRoot "{r}/htdocs"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{r}/htdocs">
    Require all granted
</Directory>

# The CGI demo: /demo/ runs index.cgi, /logged-out is the page shown after sign-out.
Alias /demo "{r}/cgi-demo"
Alias /logged-out "{r}/cgi-demo/logged-out.html"
<Directory "{r}/cgi-demo">
    Options +ExecCGI
    AddHandler cgi-script .cgi
    DirectoryIndex index.cgi
    Require all granted
</Directory>

# ---- test-specific configuration ----
{extra}
""".format(r=r, port=self.port, loads="\n".join(loads), user=user, loglevel=loglevel,
           mime=mime, extra=extra)

    def write_conf(self, extra_conf=None, path=None):
        path = Path(path or self.conf_path)
        path.write_text(self.render(extra_conf))
        return path

    def configtest(self, extra_conf=None):
        """Run `apache2 -t` on a config with the given extra text (default:
        this server's).  Returns (exit code, combined output)."""
        path = self.write_conf(extra_conf, self.root / "configtest.conf")
        p = subprocess.run([httpd_binary(), "-t", "-f", str(path)], env=self._env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        return p.returncode, p.stdout

    def loaded_modules(self):
        """Output of `apache2 -M` for this server's config."""
        self.write_conf()
        p = subprocess.run([httpd_binary(), "-M", "-f", str(self.conf_path)], env=self._env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        return p.returncode, p.stdout

    @staticmethod
    def _env():
        # Debian's apache2 needs no APACHE_* variables when the config does
        # not reference them; keep the environment small and predictable.
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
               "LANG": "C"}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "LD_LIBRARY_PATH"):
            if k in os.environ:
                env[k] = os.environ[k]
        return env

    # -- lifecycle --
    def start(self, timeout=20, attempts=5):
        """Start httpd and wait until it listens.  When another process took
        the port meanwhile, start again on the next fallback port (or a new
        free one), unless the configuration names the port itself."""
        for attempt in range(attempts):
            try:
                return self._start_once(timeout)
            except PortInUse:
                port = self._next_port()
                if port is None or attempt == attempts - 1:
                    raise
                self.port = port
        raise AssertionError("unreachable")

    def _next_port(self):
        if re.search(r"(?<!\d)%d(?!\d)" % self.port, self.extra_conf):
            return None   # the test's own configuration depends on this port
        if self.fallback_ports:
            return self.fallback_ports.pop(0)
        return free_port() if self.own_port else None

    def _listening(self):
        """Our httpd has bound its sockets: it wrote its pid file (which it
        does only after binding), and the port answers."""
        try:
            pid = int((self.root / "run" / "httpd.pid").read_text().strip() or 0)
        except (OSError, ValueError):
            return False
        return pid == self.proc.pid and port_open(self.port)

    def _start_once(self, timeout):
        self.write_conf()
        out = open(self.stdout_log, "wb")
        try:
            self.proc = subprocess.Popen([httpd_binary(), "-D", "FOREGROUND", "-f", str(self.conf_path)],
                                         env=self._env(), stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self._listening():
                return self
            time.sleep(0.05)
        rc = self.proc.poll()
        self.stop()
        out = tail(self.stdout_log)
        error = PortInUse if rc is not None and re.search(
            r"Address already in use|could not bind to address", out) else RuntimeError
        raise error("httpd did not start on port %d (%s)\n--- stdout/stderr:\n%s\n--- error_log:\n%s" % (
            self.port, "exited with %s" % rc if rc is not None else "timeout after %ss" % timeout,
            out, tail(self.error_log)))

    def stop(self):
        # httpd's parent handles SIGTERM by stopping its children.
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _stop_process(self.proc, timeout=2)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def error_log_text(self):
        try:
            return self.error_log.read_text(errors="replace")
        except OSError:
            return ""

    def report_logs(self):
        logs = [("%s error_log (mpm_%s, port %d)" % (self.name, self.mpm, self.port),
                 self.error_log, 150),
                ("%s stdout/stderr" % self.name, self.stdout_log, 40),
                ("%s access_log" % self.name, self.access_log, 40)]
        return [(title, tail(path, n)) for title, path, n in logs if path.exists()]


# --------------------------------------------------------------------------
# An echo backend


class Echo:
    """A local HTTP server in this process that answers every request with
    {"method", "path", "headers": [[name, value], ...], "body"} as JSON and
    keeps a list of what it received (self.seen).  Used as a proxied backend
    (to see what the module passes on) and as a backchannel_logout_uri (to
    capture the IdP's logout tokens)."""

    def __init__(self):
        self.seen = []
        self.lock = threading.Lock()
        echo = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = {"method": self.command, "path": self.path,
                          "headers": [[k, v] for k, v in self.headers.items()],
                          "body": body.decode(errors="replace")}
                with echo.lock:
                    echo.seen.append(record)
                out = json.dumps(record).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out)

            do_GET = do_POST = do_OPTIONS = do_HEAD = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def url(self, path):
        return self.origin + path

    def last(self, method=None, path_prefix=""):
        """The last request with that method whose path starts with path_prefix."""
        with self.lock:
            seen = list(self.seen)
        for rec in reversed(seen):
            if (method is None or rec["method"] == method) and rec["path"].startswith(path_prefix):
                return rec
        raise AssertionError("the echo backend saw no %s %s*; saw %r" % (method, path_prefix, seen))

    def wait_for(self, pred, timeout=8.0):
        """The requests for which pred(record) holds, waiting up to timeout
        seconds for at least one; [] if none came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                hits = [e for e in self.seen if pred(e)]
            if hits:
                return hits
            time.sleep(0.05)
        return []

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------
# A navigating browser


class Hop:
    def __init__(self, method, url, status, location):
        self.method, self.url, self.status, self.location = method, url, status, location

    def __repr__(self):
        return "%s %s -> %s%s" % (self.method, self.url, self.status,
                                  " (Location: %s)" % self.location if self.location else "")


class Browser:
    """A requests.Session that looks like a navigating browser and follows
    redirects itself, recording every hop in self.chain."""

    NAV_HEADERS = {
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) ssoauth-integration-tests/1.0",
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en",
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Dest": "document",
        "Sec-Fetch-Site": "none",
        "Upgrade-Insecure-Requests": "1",
    }
    REDIRECTS = (301, 302, 303, 307, 308)

    def __init__(self, timeout=15):
        self.session = requests.Session()
        self.session.headers.clear()
        self.session.headers.update(self.NAV_HEADERS)
        self.timeout = timeout
        self.chain = []

    @property
    def cookies(self):
        return self.session.cookies

    def request(self, method, url, follow=True, max_hops=20, headers=None, **kw):
        """One request, then (if follow) every redirect after it.  Returns
        the last response; self.chain holds the hops of this call."""
        self.chain = []
        kw.setdefault("timeout", self.timeout)
        resp = None
        for _ in range(max_hops + 1):
            resp = self.session.request(method, url, allow_redirects=False, headers=headers, **kw)
            loc = resp.headers.get("Location")
            self.chain.append(Hop(method, url, resp.status_code, loc))
            if not (follow and resp.status_code in self.REDIRECTS and loc):
                return resp
            url = urljoin(url, loc)
            if resp.status_code in (301, 302, 303) and method != "HEAD":
                method = "GET"
                kw.pop("data", None)
                kw.pop("json", None)
            headers = None
        raise RuntimeError("too many redirects: %r" % self.chain)

    def get(self, url, follow=True, **kw):
        return self.request("GET", url, follow=follow, **kw)

    def post(self, url, follow=True, **kw):
        return self.request("POST", url, follow=follow, **kw)

    def idp_login(self, start_url, email=DEMO_EMAIL, password=DEMO_PASSWORD):
        """GET start_url, follow redirects to the IdP's login page, and sign
        in there.  Returns (redirect URL the IdP sends the browser to, i.e.
        the relying party's callback with code/state/iss, hops so far)."""
        resp = self.get(start_url)
        hops = list(self.chain)
        if resp.status_code != 200 or 'type="password"' not in resp.text.replace("'", '"'):
            raise AssertionError("expected the IdP login page, got %s at %s; hops: %r\n%s" % (
                resp.status_code, resp.url, hops, resp.text[:2000]))
        login = urlsplit(resp.url)
        origin = "%s://%s" % (login.scheme, login.netloc)
        r = self.session.post(
            origin + "/api/auth/sign-in/email",
            json={"email": email, "password": password, "oauth_query": login.query},
            headers={"Origin": origin, "Referer": resp.url, "Accept": "application/json",
                     "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty",
                     "Sec-Fetch-Site": "same-origin"},
            allow_redirects=False, timeout=self.timeout)
        hops.append(Hop("POST", r.url, r.status_code, r.headers.get("Location")))
        if r.status_code != 200:
            raise AssertionError("sign-in failed: %s %s" % (r.status_code, r.text[:2000]))
        body = r.json()
        if not body.get("url"):
            raise AssertionError("sign-in answer has no redirect url: %r" % body)
        return body["url"], hops

    def sign_in(self, start_url, email=DEMO_EMAIL, password=DEMO_PASSWORD):
        """The whole login: start_url -> IdP login page -> sign in -> the
        module's callback -> wherever it leads.  Returns (final response,
        every hop)."""
        callback, hops = self.idp_login(start_url, email, password)
        resp = self.get(callback)
        hops.extend(self.chain)
        self.chain = hops
        return resp, hops
