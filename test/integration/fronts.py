"""Fronts and certificates for the integration tests that need TLS or faults.

  TestCA   a certificate authority made at test time (cryptography), which
           issues server certificates for 127.0.0.1 or any other name;
  Front    a TCP front before a local server (the test IdP, or httpd): plain
           or terminating TLS, and able to fail on demand: refuse every
           connection (mode "down"), hold a request longer than the module's
           timeout (delay), or drop only the requests whose request line
           matches a pattern (say, the JWKS).

The front copies bytes; it does not parse HTTP beyond the first request
line of each connection, which is where it decides a fault.  The module
opens one connection per call to the provider, so a per-connection decision
is a per-call decision.
"""

import datetime
import ipaddress
import re
import select
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path

import harness

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _private_dir(prefix):
    """A directory under the session's base dir that httpd's children
    (www-data) can read: curl loads SSOAuthCABundle at request time."""
    d = Path(tempfile.mkdtemp(prefix=prefix, dir=harness.base_dir()))
    d.chmod(0o755)
    return d


def _write(path, data):
    path.write_bytes(data)
    path.chmod(0o644)
    return path


class TestCA:
    """A self-signed CA (P-256) with its PEM file at self.pem."""

    __test__ = False  # not a pytest test class

    def __init__(self, name="ssoauth test CA"):
        self.dir = _private_dir("ca-")
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (x509.CertificateBuilder()
                     .subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key())
                     .serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(minutes=5))
                     .not_valid_after(now + datetime.timedelta(days=1))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                  content_commitment=False, key_encipherment=False,
                                                  data_encipherment=False, key_agreement=False,
                                                  encipher_only=False, decipher_only=False), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.pem = _write(self.dir / "ca.pem", self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, hosts=("127.0.0.1",), name="server"):
        """A server certificate for `hosts` (IP addresses or DNS names):
        returns (certificate PEM path, key PEM path)."""
        key = ec.generate_private_key(ec.SECP256R1())
        sans = []
        for h in hosts:
            try:
                sans.append(x509.IPAddress(ipaddress.ip_address(h)))
            except ValueError:
                sans.append(x509.DNSName(h))
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
                .issuer_name(self.cert.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName(sans), critical=False)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self.key, hashes.SHA256()))
        cert_path = _write(self.dir / ("%s.pem" % name), cert.public_bytes(serialization.Encoding.PEM))
        key_path = _write(self.dir / ("%s.key" % name), key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return cert_path, key_path


class Front:
    """A front on 127.0.0.1 (self.port) for a local server on
    upstream_port, terminating TLS when `certificate` (cert, key) is given.

    Faults, changeable at any time:
      mode = "up"     forward everything
      mode = "down"   close every new connection at once (the module sees a
                      transport error: the provider is unreachable)
      delay, delay_match
                      hold each connection whose first request line matches
                      the regular expression delay_match (all when None) for
                      `delay` seconds before forwarding it
      drop_match      close each connection whose first request line
                      matches, without an answer
    self.lines records the first request line of every connection.
    """

    def __init__(self, upstream_port=None, certificate=None, name="front"):
        self.upstream_port = upstream_port
        self.name = name
        self.mode = "up"
        self.delay = 0.0
        self.delay_match = None
        self.drop_match = None
        self.lines = []
        self.lock = threading.Lock()
        self.tls = None
        if certificate:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(str(certificate[0]), str(certificate[1]))
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.stopped = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def origin(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    def url(self, path):
        return self.origin + path

    def count(self, pattern):
        """How many connections began with a request line matching pattern."""
        rx = re.compile(pattern)
        with self.lock:
            return sum(1 for line in self.lines if rx.search(line))

    def stop(self):
        self.stopped = True
        try:
            self.listener.close()
        except OSError:
            pass

    # -- internals --
    def _accept_loop(self):
        while not self.stopped:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "down":
                _close(conn)
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        upstream = None
        try:
            conn.settimeout(30)
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            first = _read_head(conn)
            if not first:
                return
            line = first.split(b"\r\n", 1)[0].decode("latin-1")
            with self.lock:
                self.lines.append(line)
            if self.drop_match and re.search(self.drop_match, line):
                return
            if self.delay and (self.delay_match is None or re.search(self.delay_match, line)):
                time.sleep(self.delay)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
            upstream.sendall(first)
            _pump(conn, upstream)
        except (OSError, ssl.SSLError):
            pass
        finally:
            _close(conn)
            if upstream is not None:
                _close(upstream)


def _read_head(conn):
    """The bytes up to the end of the first request's header block (or what
    arrived before the peer stopped sending)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _pump(a, b):
    """Copy bytes both ways until either side closes."""
    while True:
        ready = [s for s in (a, b) if isinstance(s, ssl.SSLSocket) and s.pending()]
        if not ready:
            ready, _, _ = select.select([a, b], [], [], 30)
            if not ready:
                return
        for s in ready:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def _close(s):
    try:
        s.close()
    except OSError:
        pass
