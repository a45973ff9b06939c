"""A small OpenID provider in the test process whose answers the test
chooses, for the outcomes the real test IdP never produces (an id_token
that fails validation, a userinfo answer about someone else, a token
endpoint that drops the connection) and for a provider without an
end-session endpoint.

    op = ScriptedProvider()
    op.scenario = "bad_nonce"      # what the next authorization leads to
    ... module_directives(op.issuer) ...

Scenarios (set before the browser reaches the authorize endpoint):
  "ok"                  valid tokens and userinfo
  "error:<code>"        authorize sends the browser back with ?error=<code>
  "token_refused"       the token endpoint answers 400 invalid_grant
  "token_unreachable"   the token endpoint closes the connection unanswered
  "bad_nonce"           the id_token carries another nonce
  "userinfo_other_sub"  userinfo names another subject than the id_token

The authorize endpoint skips any login: it sends the browser straight back
to the redirect_uri with a code (and state and iss).  Every request line is
recorded in self.lines.
"""

import http.server
import json
import secrets
import socketserver
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from helpers import b64u

SUBJECT = "scripted-user-1"


class ScriptedProvider:
    def __init__(self, end_session=True, revocation=True, public_origin=None):
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.kid = "scripted-" + secrets.token_hex(4)
        self.scenario = "ok"
        self.codes = {}
        self.lines = []
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.port = self.server.server_address[1]
        # Behind a front (fronts.Front), the issuer names the front's origin.
        self.issuer = (public_origin or "http://127.0.0.1:%d" % self.port) + "/op"
        self.discovery = {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
            "authorization_response_iss_parameter_supported": True,
        }
        if end_session:
            self.discovery["end_session_endpoint"] = self.issuer + "/end-session"
        if revocation:
            self.discovery["revocation_endpoint"] = self.issuer + "/revoke"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def count(self, prefix):
        with self.lock:
            return sum(1 for line in self.lines if line.startswith(prefix))

    # -- answers --
    def jwks(self):
        x = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64u(x), "kid": self.kid, "alg": "EdDSA"}]}

    def sign(self, claims):
        header = {"alg": "EdDSA", "kid": self.kid, "typ": "JWT"}
        signing_input = "%s.%s" % (b64u(json.dumps(header)), b64u(json.dumps(claims)))
        return signing_input + "." + b64u(self.key.sign(signing_input.encode()))

    def access_token(self, audience, sub=SUBJECT, lifetime=600):
        """A JWT access token (RFC 9068, typ at+jwt) for `audience`."""
        now = int(time.time())
        header = {"alg": "EdDSA", "kid": self.kid, "typ": "at+jwt"}
        claims = {"iss": self.issuer, "aud": audience, "sub": sub, "iat": now, "exp": now + lifetime,
                  "jti": secrets.token_hex(8)}
        signing_input = "%s.%s" % (b64u(json.dumps(header)), b64u(json.dumps(claims)))
        return signing_input + "." + b64u(self.key.sign(signing_input.encode()))

    def authorize(self, query):
        """The redirect back to the client for an authorization request."""
        back = {"state": query.get("state", ""), "iss": self.issuer}
        if self.scenario.startswith("error:"):
            back["error"] = self.scenario[len("error:"):]
        else:
            code = secrets.token_urlsafe(24)
            with self.lock:
                self.codes[code] = {"nonce": query.get("nonce"), "client_id": query.get("client_id"),
                                    "scenario": self.scenario}
            back["code"] = code
        return query["redirect_uri"] + "?" + urlencode(back)

    def token(self, form):
        """(status, JSON answer) for a token request; None: drop the connection."""
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["scenario"] == "token_refused":
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        if grant["scenario"] == "token_unreachable":
            return None
        now = int(time.time())
        nonce = grant["nonce"] if grant["scenario"] != "bad_nonce" else "not-the-nonce-sent"
        access = secrets.token_urlsafe(24)
        with self.lock:
            self.codes["at:" + access] = grant
        id_token = self.sign({"iss": self.issuer, "aud": grant["client_id"], "sub": SUBJECT, "iat": now,
                              "exp": now + 600, "nonce": nonce, "sid": "scripted-sid-" + secrets.token_hex(4)})
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 3600,
                     "refresh_token": secrets.token_urlsafe(24), "id_token": id_token}

    def userinfo(self, authorization):
        access = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else ""
        with self.lock:
            grant = self.codes.get("at:" + access)
        if grant is None:
            return 401, {"error": "invalid_token"}
        sub = SUBJECT if grant["scenario"] != "userinfo_other_sub" else "someone-else"
        return 200, {"sub": sub, "email": "scripted@example.test", "name": "Scripted User"}


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def _handler(op):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self):
            with op.lock:
                op.lines.append("%s %s" % (self.command, urlsplit(self.path).path))

        def do_GET(self):
            self._record()
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/op/.well-known/openid-configuration":
                return self._json(200, op.discovery)
            if parts.path == "/op/jwks":
                return self._json(200, op.jwks())
            if parts.path == "/op/userinfo":
                return self._json(*op.userinfo(self.headers.get("Authorization", "")))
            if parts.path == "/op/authorize":
                self.send_response(302)
                self.send_header("Location", op.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._json(404, {"error": "not_found"})

        def do_POST(self):
            self._record()
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path
            if path == "/op/token":
                answer = op.token(form)
                if answer is None:
                    self.close_connection = True
                    return None
                return self._json(*answer)
            if path == "/op/revoke":
                return self._json(200, {})
            return self._json(404, {"error": "not_found"})

        def log_message(self, *args):
            pass

    return Handler
