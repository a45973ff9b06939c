"""Startup validation: a broken configuration fails `apache2 -t` (and so
startup) with a message naming the file, the line and the reason, never at a
user's first request."""

import re

import pytest

from harness import TEST_PASSPHRASE

ISSUER = "http://127.0.0.1:9/api/auth"  # never contacted: -t does no network I/O
GOOD = (
    'SSOAuthProvider "%s"\nSSOAuthClientID app\nSSOAuthCryptoPassphrase "%s"\n' % (ISSUER, TEST_PASSPHRASE)
)


def configtest(httpd_factory, text):
    httpd = httpd_factory(text, start=False)
    return httpd.configtest(text)


def assert_fails(rc, out, *needles):
    assert rc != 0, out
    for needle in needles:
        assert needle in out, (needle, out)


def test_valid_configuration_passes(httpd_factory):
    rc, out = configtest(httpd_factory, GOOD + '<Location "/app">\n AuthType SSOAuth\n Require valid-user\n</Location>\n')
    assert rc == 0, out
    assert "Syntax OK" in out


@pytest.mark.parametrize("missing", ["SSOAuthProvider", "SSOAuthClientID", "SSOAuthCryptoPassphrase"])
def test_authtype_without_required_setting_names_file_line_and_setting(httpd_factory, missing):
    settings = "".join(line + "\n" for line in GOOD.splitlines() if not line.startswith(missing))
    text = settings + '<Location "/app">\n  AuthType SSOAuth\n  Require valid-user\n</Location>\n'
    rc, out = configtest(httpd_factory, text)
    assert_fails(rc, out, "SSOAUTH00004", "AuthType SSOAuth is used here, but no", missing)
    # file:line of the AuthType directive itself
    m = re.search(r"SSOAUTH00004: (\S+\.conf):(\d+): AuthType", out)
    assert m, out
    lines = open(m.group(1)).read().splitlines()
    assert lines[int(m.group(2)) - 1].strip() == "AuthType SSOAuth", (m.group(0), lines[int(m.group(2)) - 1])


def test_settings_in_an_enclosing_virtual_host_satisfy_a_location(httpd_factory):
    text = ("<VirtualHost 127.0.0.1:*>\n" + GOOD +
            '<Location "/app">\n AuthType SSOAuth\n Require valid-user\n</Location>\n</VirtualHost>\n')
    rc, out = configtest(httpd_factory, text)
    assert rc == 0, out


def test_bearer_location_without_audience_fails(httpd_factory):
    text = GOOD + '<Location "/api">\n AuthType SSOAuthBearer\n Require valid-user\n</Location>\n'
    rc, out = configtest(httpd_factory, text)
    assert_fails(rc, out, "AuthType SSOAuthBearer is used here, but no SSOAuthBearerAudience")


@pytest.mark.parametrize("directive,needle", [
    ('SSOAuthProvider "not a url"', "SSOAuthProvider: must be an absolute http:// or https:// URL"),
    ('SSOAuthProvider "ftp://idp.example/x"', "SSOAuthProvider: must be an absolute"),
    ('SSOAuthRedirectURI "/relative/callback"', "SSOAuthRedirectURI: must be an absolute"),
    ('SSOAuthCryptoPassphrase "too-short"', "SSOAuthCryptoPassphrase: passphrase 1 is 9 bytes; at least 32"),
    ('SSOAuthCryptoPassphrase "file:/nonexistent/ssoauth.pass"', "SSOAuthCryptoPassphrase: cannot read /nonexistent/ssoauth.pass"),
    ('SSOAuthCryptoPassphrase "env:SSOAUTH_TEST_UNSET_VARIABLE"', "environment variable SSOAUTH_TEST_UNSET_VARIABLE is not set"),
    ("SSOAuthCookieSameSite Sometimes", "SSOAuthCookieSameSite: 'Sometimes' is not one of Lax, Strict, None"),
    ("SSOAuthCookieSecure Maybe", "SSOAuthCookieSecure: 'Maybe' is not one of Auto, On, Off"),
    ("SSOAuthTokenEndpointAuth private_key_jwt", "SSOAuthTokenEndpointAuth: 'private_key_jwt' is not one of"),
    ("SSOAuthUnauthAction redirect", "SSOAuthUnauthAction: 'redirect' is not one of auth, 401, pass"),
    ("SSOAuthHTTPTimeout 0", "SSOAuthHTTPTimeout: '0' is not a whole number of seconds from 1 to 300"),
    ('SSOAuthScope "profile email"', "SSOAuthScope: must include 'openid'"),
])
def test_bad_values_fail_with_directive_file_and_line(httpd_factory, directive, needle):
    text = GOOD + directive + "\n"
    rc, out = configtest(httpd_factory, text)
    assert_fails(rc, out, needle)
    assert re.search(r"Syntax error on line \d+ of \S+\.conf", out), out


def test_invalid_require_sso_claim_regex_fails(httpd_factory):
    text = GOOD + '<Location "/app">\n AuthType SSOAuth\n Require sso-claim "role~(admin"\n</Location>\n'
    rc, out = configtest(httpd_factory, text)
    assert_fails(rc, out, "Require sso-claim: invalid regular expression '(admin'")
