#!/usr/bin/env python3
"""Reads what a test suite left behind, for scripts/test.sh, so that a run can
only go green when every suite really ran.

  test_report.py boost  SUITE XML EXIT_CODE   a Boost.Test report (--report_level=detailed)
  test_report.py junit  SUITE XML EXIT_CODE   a pytest JUnit XML report
  test_report.py httpd-logs DIR [KEEP]        every httpd error_log under DIR; offending
                                              logs (with the server's config) are copied to KEEP

The first two print the suite's skipped cases with their reasons to stderr and
one line "PASSED FAILED NOTE" to stdout. A suite counts one failure more when
  - it ran no test at all (a missing or empty suite, pytest's exit 5),
  - it skipped a case whose reason is not on ALLOWED_SKIPS below,
  - its runner exited non-zero although no case failed.
httpd-logs prints each offending line and "PASSED FAILED NOTE" (one check):
a child that died on a signal, or a module line at level crit, alert or emerg,
fails the run.
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# Skips that are not a defect, each with the reason the test gives. Anything
# else that skips fails the run.
ALLOWED_SKIPS = [
    # test_debian_package.py: dpkg -i needs root (CI runs as root; a developer may not).
    (re.compile(r"installing the package needs root"), "not root"),
    # Explicit opt-outs a developer asks for in the environment.
    (re.compile(r"SSOAUTH_SKIP_DEB=1"), "SSOAUTH_SKIP_DEB=1 was set"),
    (re.compile(r"SSOAUTH_ALLOW_SKIP_BROWSER"), "SSOAUTH_ALLOW_SKIP_BROWSER=1 was set"),
]


def allowed(reason):
    return any(pattern.search(reason or "") for pattern, _ in ALLOWED_SKIPS)


def parse(path):
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None


def boost_cases(root):
    """(name, result, reason) for every test case of a detailed Boost report."""
    def walk(node, prefix):
        for child in node:
            name = prefix + "/" + child.get("name", "") if prefix else child.get("name", "")
            if child.tag == "TestSuite":
                yield from walk(child, name)
            elif child.tag == "TestCase":
                yield name, child.get("result", ""), child.get("skipped_reason", "")
    yield from walk(root, "")


def junit_cases(root):
    for case in root.iter("testcase"):
        name = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            yield name, "failed", ""
        elif case.find("skipped") is not None:
            skipped = case.find("skipped")
            yield name, "skipped", skipped.get("message", "") or (skipped.text or "")
        else:
            yield name, "passed", ""


def report(suite, cases, exit_code, ok_exit_codes=(0,)):
    cases = list(cases)
    passed = sum(1 for _, result, _ in cases if result == "passed")
    failed = sum(1 for _, result, _ in cases if result not in ("passed", "skipped"))
    skipped = [(name, reason) for name, result, reason in cases if result == "skipped"]
    notes = []
    for name, reason in skipped:
        ok = allowed(reason)
        print("%s: skipped %s: %s%s" % (suite, name, reason or "(no reason given)",
                                        "" if ok else "  <- not on the allow-list"), file=sys.stderr)
        if not ok:
            failed += 1
    if skipped:
        notes.append("skipped=%d" % len(skipped))
    if passed == 0:
        failed += 1
        notes.append("ran-no-test")
    if exit_code not in ok_exit_codes and failed == 0:
        failed = 1
        notes.append("exit-code-%d" % exit_code)
    return passed, failed, ",".join(notes) or "-"


def httpd_logs(directory, keep=None):
    bad = []
    offending = set()
    died = re.compile(r"exit signal|child pid \d+ exit signal|caught SIGSEGV|possible coredump")
    severe = re.compile(r"\[[a-z_]*ssoauth:(crit|alert|emerg)\]|\[:(crit|alert|emerg)\].*SSOAUTH\d+")
    logs = sorted(Path(directory).glob("**/error_log")) if Path(directory).is_dir() else []
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if died.search(line) or severe.search(line):
                bad.append("%s: %s" % (log, line))
                offending.add(log)
    if keep and offending:
        # The server roots are deleted after the run: keep what explains the failure.
        import shutil
        Path(keep).mkdir(parents=True, exist_ok=True)
        for n, log in enumerate(sorted(offending)):
            root = log.parent.parent
            for name in ("logs/error_log", "logs/access_log", "httpd.conf"):
                if (root / name).is_file():
                    shutil.copy(root / name, Path(keep) / ("%d-%s-%s" % (n, root.name, name.replace("/", "_"))))
        print("httpd-logs: offending logs kept in %s" % keep, file=sys.stderr)
    for line in bad:
        print("httpd-logs: " + line, file=sys.stderr)
    print("httpd-logs: %d error_log files read, %d offending lines" % (len(logs), len(bad)), file=sys.stderr)
    if not logs:
        return 0, 1, "no-error_log-found"
    return (0, 1, "child-died-or-crit-line") if bad else (1, 0, "-")


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "httpd-logs":
        print("%d %d %s" % httpd_logs(argv[2], argv[3] if len(argv) == 4 else None))
        return 0
    if len(argv) != 5 or argv[1] not in ("boost", "junit"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, suite, path, exit_code = argv[1], argv[2], argv[3], int(argv[4])
    root = parse(path)
    if root is None:
        print("0 1 unreadable-or-missing-report")
        return 0
    if kind == "boost":
        print("%d %d %s" % report(suite, boost_cases(root), exit_code))
    else:
        # pytest's exit 5 is "no tests collected": counted as ran-no-test above.
        print("%d %d %s" % report(suite, junit_cases(root), exit_code, ok_exit_codes=(0, 5)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
