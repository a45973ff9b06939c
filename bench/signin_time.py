#!/usr/bin/env python3
"""Sign-in timing for mod_ssoauth against the Better Auth test IdP.

Starts the test IdP and an httpd with the built module (through
test/integration/harness.py), then performs N full sign-ins, each with a
fresh browser (so each one signs in with a password at the IdP), and prints
the median and p90 in milliseconds of
  (a) the whole flow: first GET of the protected page -> IdP login page ->
      password sign-in -> callback -> the protected page (200), and
  (b) the callback request alone (GET /api/auth/callback -> 302), which
      holds the module's code exchange, id_token check and userinfo call.

    python3 bench/signin_time.py [-n 20] [--alg EdDSA|RS256] [--mpm event|prefork]
                                 [--client public|confidential]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test" / "integration"))

import harness  # noqa: E402
from harness import PROTECT_DEMO, Browser, Httpd, Idp, free_port, module_directives  # noqa: E402


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
    return ordered[int(k)]


def one_sign_in(httpd, path):
    b = Browser()
    try:
        t0 = time.perf_counter()
        callback, _ = b.idp_login(httpd.url(path))
        t1 = time.perf_counter()
        cb = b.get(callback, follow=False)
        t2 = time.perf_counter()
        if cb.status_code != 302:
            raise RuntimeError("callback answered %s: %s" % (cb.status_code, cb.text[:500]))
        page = b.get(urljoin(callback, cb.headers["Location"]))
        t3 = time.perf_counter()
        if page.status_code != 200 or "Signed in as" not in page.text:
            raise RuntimeError("final page %s at %s" % (page.status_code, page.url))
        return (t3 - t0) * 1000.0, (t2 - t1) * 1000.0
    finally:
        b.session.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20, help="number of sign-ins (default 20)")
    ap.add_argument("--alg", default="EdDSA", choices=["EdDSA", "RS256"])
    ap.add_argument("--mpm", default="event", choices=["event", "prefork", "worker"])
    ap.add_argument("--client", default="public", choices=["public", "confidential"])
    ap.add_argument("--warmup", type=int, default=1, help="untimed sign-ins first (default 1)")
    args = ap.parse_args()

    port = free_port()
    idp = Idp(alg=args.alg, redirect_uris=["http://127.0.0.1:%d/api/auth/callback" % port],
              post_logout_uris=["http://127.0.0.1:%d/logged-out" % port], name="bench idp")
    httpd = None
    try:
        idp.start()
        httpd = Httpd(module_directives(idp.issuer, client=args.client) + PROTECT_DEMO,
                      mpm=args.mpm, port=port, name="bench httpd")
        httpd.start()
        for _ in range(args.warmup):
            one_sign_in(httpd, "/demo/")
        flows, callbacks = [], []
        for i in range(args.n):
            flow, cb = one_sign_in(httpd, "/demo/?run=%d" % i)
            flows.append(flow)
            callbacks.append(cb)
        print("mod_ssoauth sign-in timing: %d sign-ins, IdP %s, mpm_%s, %s client (warm-up %d)" % (
            args.n, args.alg, args.mpm, args.client, args.warmup))
        print("  %-34s median %7.1f ms   p90 %7.1f ms   min %7.1f   max %7.1f" % (
            "(a) whole flow, first GET -> page", statistics.median(flows), percentile(flows, 90),
            min(flows), max(flows)))
        print("  %-34s median %7.1f ms   p90 %7.1f ms   min %7.1f   max %7.1f" % (
            "(b) callback alone (GET -> 302)", statistics.median(callbacks), percentile(callbacks, 90),
            min(callbacks), max(callbacks)))
        return 0
    finally:
        if httpd is not None:
            httpd.stop()
        idp.stop()
        harness.cleanup_base_dir()


if __name__ == "__main__":
    sys.exit(main())
