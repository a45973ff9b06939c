"""The Debian package, end to end on this machine.

Builds libapache2-mod-ssoauth with `dpkg-buildpackage -us -uc -b` from a copy
of the work tree (tracked and untracked-but-not-ignored files) in a temporary
directory, so neither the build nor the .deb that dpkg-buildpackage writes to
the parent directory touches the repository.  Then: lintian reports no error;
`dpkg -c` lists the module, the mods-available files, the docs and the CGI
demo; `apt-get install` puts it on the machine; `a2enmod ssoauth` and
`apachectl configtest` pass on Debian's own Apache configuration; and a
private httpd that loads the module through the INSTALLED ssoauth.load and
serves the INSTALLED CGI demo signs the demo user in at the test IdP.  The
package is purged again at the end, whatever happened.

Environment:
  SSOAUTH_SKIP_DEB=1    skip this file
  SSOAUTH_DEB=<path>    test this .deb instead of building one
The .deb, the build log, the lintian report and the `dpkg -c` listing are
copied to out/deb/ (ignored by git).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import harness
from harness import DEMO_EMAIL, PROTECT_DEMO, REPO, module_directives

pytestmark = pytest.mark.skipif(os.environ.get("SSOAUTH_SKIP_DEB") == "1",
                                reason="SSOAUTH_SKIP_DEB=1")

PACKAGE = "libapache2-mod-ssoauth"
MODULE_SO = Path("/usr/lib/apache2/modules/mod_ssoauth.so")
MODS_AVAILABLE = Path("/etc/apache2/mods-available")
MODS_ENABLED = Path("/etc/apache2/mods-enabled")
DOC_DIR = Path("/usr/share/doc") / PACKAGE
DEMO_DIR = DOC_DIR / "examples" / "cgi-demo"
OUT = REPO / "out" / "deb"
BUILD_TOOLS = ("dpkg-buildpackage", "dh", "dh_apache2", "fakeroot", "lintian")


def run(cmd, timeout=600, check=True, env=None, cwd=None):
    """Run cmd, return (exit code, stdout+stderr); fail the test with the
    output when check and the exit code is not 0."""
    full_env = dict(os.environ, LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    full_env.update(env or {})
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        pytest.fail("%s exited with %d:\n%s" % (" ".join(map(str, cmd)), p.returncode,
                                                p.stdout[-6000:]))
    return p.returncode, p.stdout


def changelog_version():
    first = (REPO / "debian" / "changelog").read_text().splitlines()[0]
    m = re.match(r"^(\S+) \(([^)]+)\)", first)
    assert m and m.group(1) == PACKAGE, first
    return m.group(2)


def work_tree_files():
    """The files a fresh clone of the current work would have: tracked and
    untracked-but-not-ignored, as paths relative to the repository."""
    if (REPO / ".git").exists():
        out = subprocess.check_output(["git", "-C", str(REPO), "ls-files", "-co",
                                       "--exclude-standard", "-z"])
        names = [n for n in out.decode().split("\0") if n]
        return [n for n in names if os.path.lexists(REPO / n)]   # deleted, not yet staged
    skip = {".git", ".libs", ".deps", "node_modules", "out", "autom4te.cache", "__pycache__"}
    names = []
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in skip]
        names += [os.path.relpath(os.path.join(root, f), REPO) for f in files]
    return names


def copy_work_tree(dest):
    for name in work_tree_files():
        src, dst = REPO / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        elif src.is_file():
            shutil.copy2(src, dst)


def package_installed():
    p = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p.returncode == 0 and "installed" in p.stdout and "not-installed" not in p.stdout


def purge_package():
    """Disable and purge the package if dpkg knows it in any state."""
    if (MODS_AVAILABLE / "ssoauth.load").exists():
        subprocess.run(["a2dismod", "-q", "-f", "ssoauth"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if subprocess.run(["dpkg-query", "-W", PACKAGE], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        run(["dpkg", "--purge", PACKAGE], check=False, timeout=300)


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def deb():
    """The .deb under test: $SSOAUTH_DEB, or one built now from a copy of the
    work tree.  Also copied to out/deb/."""
    given = os.environ.get("SSOAUTH_DEB")
    if given:
        path = Path(given).resolve()
        assert path.is_file(), "SSOAUTH_DEB=%s is not a file" % given
        yield path
        return
    missing = [t for t in BUILD_TOOLS if shutil.which(t) is None]
    assert not missing, ("%s missing: run scripts/install-deps.sh" % ", ".join(missing))

    version = changelog_version()
    tmp = Path(tempfile.mkdtemp(prefix="ssoauth-deb-"))
    src = tmp / ("%s-%s" % (PACKAGE, version))
    try:
        copy_work_tree(src)
        # The unit tests are a suite of their own in scripts/test.sh; skip the
        # package build's `make check` (dh_auto_test) and the -dbgsym package.
        env = {"DEB_BUILD_OPTIONS": "nocheck noddebs parallel=%d" % (os.cpu_count() or 1)}
        started = time.monotonic()
        p = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=str(src),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=1800, env=dict(os.environ, LC_ALL="C.UTF-8", **env),
                           stdin=subprocess.DEVNULL)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "build.log").write_text(p.stdout)
        print("dpkg-buildpackage: exit %d after %.0f s; log: %s" % (
            p.returncode, time.monotonic() - started, OUT / "build.log"))
        assert p.returncode == 0, "dpkg-buildpackage failed:\n" + p.stdout[-8000:]
        arch = subprocess.check_output(["dpkg", "--print-architecture"], text=True).strip()
        built = tmp / ("%s_%s_%s.deb" % (PACKAGE, version, arch))
        assert built.is_file(), "no %s; the build wrote: %s" % (
            built.name, sorted(x.name for x in tmp.iterdir()))
        for old in OUT.glob("*.deb"):
            old.unlink()
        shutil.copy2(built, OUT / built.name)
        yield built
    finally:
        if not harness.KEEP_TMP:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def contents(deb):
    """`dpkg -c` of the package: {path: (mode, line)}."""
    _, out = run(["dpkg-deb", "-c", str(deb)])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "contents.txt").write_text(out)
    print(out)
    entries = {}
    for line in out.splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6:
            path = fields[5].split(" -> ")[0]
            entries["/" + path.lstrip("./")] = (fields[0], line)
    return entries


@pytest.fixture(scope="module")
def installed(deb):
    """The package installed on this machine (through apt, which pulls any
    missing dependency); purged again afterwards."""
    if os.geteuid() != 0:
        pytest.skip("installing the package needs root")
    purge_package()   # a leftover of an interrupted run
    try:
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", str(deb)], timeout=900)
        assert package_installed()
        yield deb
    finally:
        purge_package()
        assert not package_installed(), "%s still installed after dpkg --purge" % PACKAGE
        assert not (MODS_ENABLED / "ssoauth.load").exists()


# --------------------------------------------------------------------------
# Without building


def test_mods_available_conf_is_commented_and_lists_every_directive():
    """debian/ssoauth.conf has no active directive (the module must load with
    none), and shows every directive the module defines."""
    conf = (REPO / "debian" / "ssoauth.conf").read_text()
    active = [l.strip() for l in conf.splitlines()
              if l.strip() and not l.strip().startswith("#")]
    assert active == ["<IfModule ssoauth_module>", "</IfModule>"], active
    defined = set()
    for src in sorted((REPO / "src" / "httpd").glob("*.cpp")):
        defined |= set(re.findall(r'AP_INIT_\w+\(\s*"(SSOAuth\w+)"', src.read_text()))
    assert defined, "no AP_INIT_* directive found under src/httpd"
    shown = set(re.findall(r"^\s*#\s*(SSOAuth\w+)\s", conf, re.M))
    missing = sorted(defined - shown)
    assert not missing, "add these directives, commented out, to debian/ssoauth.conf: %s" % missing
    assert not sorted(shown - defined), "debian/ssoauth.conf shows unknown directives"


# --------------------------------------------------------------------------
# The built package


def test_lintian_reports_no_error(deb):
    rc, out = run(["lintian", "--display-info", "--pedantic", str(deb)],
                  check=False, timeout=600)
    tags = [l for l in out.splitlines() if re.match(r"^[EWIPX]: ", l)]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lintian.txt").write_text(out)
    print("lintian (exit %d): %d tag(s)\n%s" % (rc, len(tags), "\n".join(tags) or "(none)"))
    errors = [l for l in tags if l.startswith("E: ")]
    assert not errors, "lintian errors:\n" + out
    # 0: no tag at the fail-on level (error); 1: such tags; 2: lintian itself
    # failed (a run that checked nothing), which is no pass either.
    assert rc == 0, "lintian exited %d (%s):\n%s" % (
        rc, "lintian itself failed" if rc == 2 else "tags at its fail-on level", out)


def test_package_contents(contents):
    for path in (str(MODULE_SO),
                 str(MODS_AVAILABLE / "ssoauth.load"),
                 str(MODS_AVAILABLE / "ssoauth.conf"),
                 str(DOC_DIR / "copyright"),
                 str(DOC_DIR / "changelog.gz"),
                 str(DEMO_DIR / "index.cgi"),
                 str(DEMO_DIR / "logged-out.html")):
        assert path in contents, "%s is not in the package" % path
    assert str(DOC_DIR / "README.md") in contents or str(DOC_DIR / "README.md.gz") in contents
    assert any(p.startswith(str(DOC_DIR / "docs") + "/") for p in contents), "no docs/"
    assert any(p.startswith(str(DOC_DIR / "examples") + "/") and p.endswith(".conf")
               for p in contents), "no example configuration"
    # The demo stays runnable; nothing a package must not ship.
    assert contents[str(DEMO_DIR / "index.cgi")][0].startswith("-rwxr-xr-x")
    assert not [p for p in contents if p.endswith(".la") or p.endswith(".a")]
    assert not [p for p in contents if p.startswith(("/usr/local", "/tmp", "/root", "/home"))]
    assert contents[str(MODULE_SO)][0] == "-rw-r--r--"


def test_package_metadata_and_no_build_paths(deb, tmp_path):
    _, control = run(["dpkg-deb", "-f", str(deb)])
    print(control)
    depends = re.search(r"^Depends: (.*)$", control, re.M).group(1)
    assert "apache2-api-" in depends, depends       # from dh_apache2
    for lib in ("libcjose0", "libcurl4", "libjansson4", "libssl3"):
        assert lib in depends, (lib, depends)      # from dpkg-shlibdeps
    run(["dpkg-deb", "-x", str(deb), str(tmp_path)])
    so = (tmp_path / str(MODULE_SO).lstrip("/")).read_bytes()
    assert b"ssoauth_module" in so
    assert b"/ssoauth-deb-" not in so and str(REPO).encode() not in so, \
        "the module embeds a build directory path"
    load = (tmp_path / "etc/apache2/mods-available/ssoauth.load").read_text()
    assert "LoadModule ssoauth_module %s" % MODULE_SO in load, load
    _, readelf = run(["readelf", "-d", str(tmp_path / str(MODULE_SO).lstrip("/"))], check=False)
    assert "RPATH" not in readelf and "RUNPATH" not in readelf, readelf


# --------------------------------------------------------------------------
# Installed on this machine


def test_installed_module_enables_and_passes_configtest(installed):
    assert MODULE_SO.is_file()
    # dh_apache2 --noenable: installing does not change the running sites.
    assert not (MODS_ENABLED / "ssoauth.load").exists()
    rc, out = run(["apachectl", "configtest"], check=False)
    assert rc == 0, "Debian's Apache configuration fails before a2enmod:\n" + out
    try:
        _, out = run(["a2enmod", "ssoauth"])
        print(out)
        assert (MODS_ENABLED / "ssoauth.load").resolve() == MODS_AVAILABLE / "ssoauth.load"
        assert (MODS_ENABLED / "ssoauth.conf").resolve() == MODS_AVAILABLE / "ssoauth.conf"
        rc, out = run(["apachectl", "configtest"], check=False)
        print(out)
        assert rc == 0 and "Syntax OK" in out, out
        _, out = run(["apachectl", "-M"])
        assert re.search(r"^\s*ssoauth_module \(shared\)", out, re.M), out
    finally:
        run(["a2dismod", "-q", "ssoauth"], check=False)
    assert not (MODS_ENABLED / "ssoauth.load").exists()
    rc, out = run(["apachectl", "configtest"], check=False)
    assert rc == 0, out


def test_sign_in_through_installed_module(installed, idp, httpd_factory, browser, monkeypatch):
    """A private httpd that Includes the installed ssoauth.load and
    ssoauth.conf (as a2enmod would) and serves the installed CGI demo."""
    monkeypatch.setattr(harness, "CGI_DEMO", DEMO_DIR)
    conf = ('Include "%s"\nInclude "%s"\nLogLevel warn ssoauth:debug\n' % (
        MODS_AVAILABLE / "ssoauth.load", MODS_AVAILABLE / "ssoauth.conf"))
    httpd = httpd_factory(conf + module_directives(idp.issuer) + PROTECT_DEMO,
                          load_module=False)
    text = httpd.conf_path.read_text()
    assert "LoadModule ssoauth_module" not in text and str(harness.MODULE_PATH) not in text
    rc, mods = httpd.loaded_modules()
    assert rc == 0 and "ssoauth_module" in mods, mods

    resp, hops = browser.sign_in(httpd.url("/demo/"))
    assert resp.status_code == 200, (hops, resp.text[:2000])
    assert resp.url == httpd.url("/demo/"), hops
    assert "Signed in as" in resp.text
    j = browser.get(httpd.url("/demo/?format=json"), follow=False)
    assert j.status_code == 200, j.text
    body = j.json()
    assert body["claims"]["email"] == DEMO_EMAIL, body
    assert body["remote_user"] == body["claims"]["sub"], body
