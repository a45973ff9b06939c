"""The documentation and the configuration examples against the built module.

  * every directive the built module registers (as `apache2 -L` lists them)
    has a `### <Directive>` section in docs/directives.md, and every such
    section names a directive the module registers;
  * each section states context, default and an example; the example sets
    that very directive and passes `apache2 -t`; the context it documents
    agrees with where httpd allows the directive;
  * every conf/*.conf example passes `apache2 -t` inside a private httpd with
    the built module (placeholder secret and CA files are created for the
    paths the example names).

No identity provider is needed: nothing here starts a server.
"""

import re
import subprocess
from pathlib import Path

import pytest

from harness import Httpd, REPO, MODULE_PATH, TEST_PASSPHRASE, apxs_cached, httpd_binary, module_directives

DIRECTIVES_MD = REPO / "docs" / "directives.md"
CONF_DIR = REPO / "conf"
EXAMPLES = sorted(CONF_DIR.glob("*.conf"))

pytestmark = pytest.mark.skipif(not MODULE_PATH.exists(),
                                reason="the module is not built: %s" % MODULE_PATH)


# --------------------------------------------------------------------------
# What the built module registers

def module_directive_listing():
    """{directive: where httpd allows it} from `apache2 -L`, for the module's
    directives only (names starting with SSOAuth)."""
    httpd = Httpd()
    conf = httpd.write_conf("")
    p = subprocess.run([httpd_binary(), "-L", "-f", str(conf)], env=Httpd._env(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert p.returncode == 0, p.stdout
    listing = {}
    lines = p.stdout.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(SSOAuth\w+) \((.+)\)$", line)
        if not m:
            continue
        assert "ssoauth" in m.group(2), line
        allowed = ""
        for follow in lines[i + 1:i + 4]:
            if not follow.startswith("\t"):
                break
            if follow.strip().startswith("Allowed in"):
                allowed = follow.strip()
        listing[m.group(1)] = allowed
    return listing


@pytest.fixture(scope="module")
def registered():
    listing = module_directive_listing()
    # A sanity floor: the module is really loaded and lists its table.
    assert "SSOAuthProvider" in listing and len(listing) >= 20, listing
    return listing


# --------------------------------------------------------------------------
# What docs/directives.md documents

def documented_sections():
    """{directive: section text} for every `### SSOAuthXxx` heading."""
    text = DIRECTIVES_MD.read_text()
    sections = {}
    parts = re.split(r"(?m)^(#{1,3} .*)$", text)
    # parts: [before, heading1, body1, heading2, body2, ...]
    for heading, body in zip(parts[1::2], parts[2::2]):
        m = re.match(r"^### (SSOAuth\w+)\s*$", heading)
        if m:
            assert m.group(1) not in sections, "documented twice: %s" % m.group(1)
            sections[m.group(1)] = body
    return sections


def test_every_registered_directive_is_documented(registered):
    documented = documented_sections()
    missing = sorted(set(registered) - set(documented))
    assert not missing, "registered by the module but without a '### <name>' section " \
                        "in docs/directives.md: %s" % missing


def test_every_documented_directive_is_registered(registered):
    documented = documented_sections()
    unknown = sorted(set(documented) - set(registered))
    assert not unknown, "documented in docs/directives.md but not registered by the " \
                        "built module: %s" % unknown


def section_example(body):
    """The indented code block that follows '- Example:' in a section, or None."""
    m = re.search(r"(?m)^- Example:[ \t]*\n((?:[ \t]*\n|(?: {4}|\t).*\n)+)", body)
    return m.group(1) if m else None


def test_each_directive_section_has_context_default_values_example(registered):
    for name, body in documented_sections().items():
        for field in ("- Context:", "- Default:", "- Values:", "- Example:"):
            assert field in body, "%s: its section lacks '%s'" % (name, field)
        example = section_example(body)
        assert example and example.strip(), "%s: '- Example:' is not followed by a code block" % name
        # The example sets this very directive (at server level or inside a
        # section), not merely some other configuration.
        assert re.search(r"(?m)^\s+%s(?:[ \t]|$)" % re.escape(name), example), \
            "%s: its example does not use the directive:\n%s" % (name, example)


def test_each_directive_example_passes_configtest(tmp_path):
    """Each section's example, as written (after the server-level settings a
    configuration needs anyway), is accepted by the built module."""
    httpd = Httpd()
    tmp_path.chmod(0o755)
    base = module_directives("http://127.0.0.1:1/api/auth")
    failed = []
    for name, body in documented_sections().items():
        rc, out = httpd.configtest(base + prepare_example(section_example(body) or "", tmp_path))
        if rc != 0 or "Syntax OK" not in out or "SSOAUTH" in out:
            failed.append((name, rc, out[-600:]))
    assert not failed, failed


def test_documented_context_matches_the_module(registered):
    for name, body in documented_sections().items():
        context = re.search(r"- Context: (.+)", body).group(1).strip()
        allowed = registered[name]
        if "anywhere" in allowed:
            assert context == "server config, virtual host, directory", (name, context, allowed)
        else:
            assert "only outside <Directory>" in allowed, (name, allowed)
            assert context in ("server config, virtual host", "server config"), (name, context, allowed)


def test_directives_md_documents_authtypes_and_require():
    text = DIRECTIVES_MD.read_text()
    for heading in ("### AuthType SSOAuth", "### AuthType SSOAuthBearer",
                    "### Require valid-user", "### Require sso-claim"):
        assert re.search(r"(?m)^%s\s*$" % re.escape(heading), text), heading


# --------------------------------------------------------------------------
# conf/*.conf pass configtest

def prepare_example(text, tmp):
    """The example with its secret files, CA bundles and module paths made
    real: every `file:<path>` becomes a temporary file holding a passphrase,
    every SSOAuthCABundle a temporary PEM file, and LoadModule paths point at
    this system's module directory."""
    created = {}

    def secret_file(m):
        path = m.group(1)
        if path not in created:
            f = tmp / ("secret-%d" % len(created))
            f.write_text(TEST_PASSPHRASE + "\n")
            created[path] = f
        return "file:%s" % created[path]

    text = re.sub(r"file:(\S+)", secret_file, text)

    def ca_bundle(m):
        f = tmp / ("ca-%d.pem" % len(created))
        f.write_text("# placeholder CA bundle for apache2 -t\n")
        created[m.group(2)] = f
        return m.group(1) + str(f)

    text = re.sub(r"(?mi)^(\s*SSOAuthCABundle\s+)(\S+)", ca_bundle, text)
    libexec = apxs_cached("LIBEXECDIR")

    def load_module(m):
        return "%s%s %s/%s" % (m.group(1), m.group(2), libexec, Path(m.group(3)).name)

    text = re.sub(r"(?mi)^(\s*LoadModule\s+)(\w+)\s+(\S+)", load_module, text)
    return text


def test_there_are_examples():
    names = {p.name for p in EXAMPLES}
    for expected in ("single-app.conf", "two-apps-vhosts.conf", "api-bearer.conf",
                     "behind-tls-proxy.conf"):
        assert expected in names, names


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_passes_configtest(example, tmp_path):
    text = example.read_text()
    assert "SSOAuth" in text, "%s uses no SSOAuth directive" % example.name
    httpd = Httpd()
    tmp_path.chmod(0o755)
    rc, out = httpd.configtest(prepare_example(text, tmp_path))
    assert rc == 0 and "Syntax OK" in out, "%s fails apache2 -t:\n%s" % (example.name, out)
    assert "SSOAUTH" not in out, "%s: the module complained:\n%s" % (example.name, out)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_directives_are_documented(example):
    """Every SSOAuth directive an example uses is one the reference documents."""
    documented = set(documented_sections())
    used = set(re.findall(r"(?m)^\s*(SSOAuth\w+)\b", example.read_text()))
    assert used, example.name
    assert not used - documented, (example.name, sorted(used - documented))


def test_configtest_of_an_example_really_checks_the_module(tmp_path):
    """The wrapping used above does catch a bad value (so a passing
    example is not a vacuous pass)."""
    text = (CONF_DIR / "single-app.conf").read_text()
    broken = re.sub(r"(?m)^(\s*SSOAuthClientID\s+).*$", r"\1app-example\n    SSOAuthCookieSameSite Sometimes",
                    text, count=1)
    assert broken != text
    rc, out = Httpd().configtest(prepare_example(broken, tmp_path))
    assert rc != 0 and "SSOAuthCookieSameSite" in out, out


# --------------------------------------------------------------------------
# Log tags

def documented_log_tags():
    """The tags listed in the first column of troubleshooting.md's tag table
    ("00036–00038" ranges expanded)."""
    text = (REPO / "docs" / "troubleshooting.md").read_text()
    tags = set()
    for row in re.findall(r"(?m)^\| ([0-9][0-9 ,\u2013-]*) \|", text):
        for item in row.split(","):
            bounds = re.split(r"\s*[\u2013-]\s*", item.strip())
            lo, hi = int(bounds[0]), int(bounds[-1])
            tags.update(range(lo, hi + 1))
    return tags


def test_every_log_tag_in_the_source_is_documented():
    used = set()
    for source in (REPO / "src").rglob("*.cpp"):
        used.update(int(n) for n in re.findall(r"SSOLOGNO\((\d+)\)", source.read_text()))
    assert used, "no SSOLOGNO tag found under src/"
    missing = sorted(used - documented_log_tags())
    assert not missing, "log tags used in src/ but missing from docs/troubleshooting.md: %s" % \
        ["SSOAUTH%05d" % n for n in missing]
