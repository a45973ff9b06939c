#!/usr/bin/perl
# mod_ssoauth demo page: shows who is signed in and the claims the module
# passes to the application, as HTML or (with ?format=json) as JSON.
#
# Claims arrive as environment variables SSO_CLAIM_<name> and as request
# headers X-SSO-Claim-<name> (which CGI exposes as HTTP_X_SSO_CLAIM_<NAME>).
# This page never prints a token, a secret or the Cookie header: any
# variable whose name contains TOKEN, CODE_VERIFIER, SECRET or PASSWORD is
# skipped, and only the two claim prefixes are ever listed.
# Core Perl only.
use strict;
use warnings;

my @HIDDEN = qw(TOKEN CODE_VERIFIER SECRET PASSWORD);

sub hidden_name {
    my ($name) = @_;
    my $u = uc $name;
    for my $word (@HIDDEN) {
        return 1 if index($u, $word) >= 0;
    }
    return 0;
}

sub html {
    my ($s) = @_;
    $s = '' unless defined $s;
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    $s =~ s/'/&#39;/g;
    return $s;
}

sub json_string {
    my ($s) = @_;
    return 'null' unless defined $s;
    $s =~ s/\\/\\\\/g;
    $s =~ s/"/\\"/g;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord $1)/ge;
    # Keep "</" out of the output so the JSON is safe to embed anywhere.
    $s =~ s{<}{\\u003c}g;
    return '"' . $s . '"';
}

sub json_object {
    my ($pairs) = @_;    # array ref of [key, value]
    return '{' . join(',', map { json_string($_->[0]) . ':' . json_string($_->[1]) } @$pairs) . '}';
}

# Collect the claims, filtered and sorted by name.
my (@env_claims, @header_claims);
for my $var (sort keys %ENV) {
    next if hidden_name($var);
    if ($var =~ /^SSO_CLAIM_(.+)$/) {
        push @env_claims, [$1, $ENV{$var}, $var];
    }
    elsif ($var =~ /^HTTP_X_SSO_CLAIM_(.+)$/) {
        push @header_claims, [lc $1, $ENV{$var}, $var];
    }
}

my $user      = $ENV{REMOTE_USER};
my $auth_type = $ENV{AUTH_TYPE};
my $query     = defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '';
my %param;
for my $kv (split /[&;]/, $query) {
    my ($k, $v) = split /=/, $kv, 2;
    next unless defined $k;
    $param{$k} = defined $v ? $v : '';
}

binmode STDOUT;
my $headers = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";

if (($param{format} || '') eq 'json') {
    print "Content-Type: application/json\r\n$headers\r\n";
    print '{',
        '"remote_user":', json_string($user), ',',
        '"auth_type":', json_string($auth_type), ',',
        '"claims":', json_object([map { [$_->[0], $_->[1]] } @env_claims]), ',',
        '"claim_headers":', json_object([map { [$_->[0], $_->[1]] } @header_claims]),
        "}\n";
    exit 0;
}

sub table {
    my ($title, $rows) = @_;
    my $out = '<h2>' . html($title) . "</h2>\n";
    if (!@$rows) {
        return $out . "<p class=\"none\">none</p>\n";
    }
    $out .= "<table>\n<tr><th>variable</th><th>claim</th><th>value</th></tr>\n";
    for my $r (@$rows) {
        $out .= '<tr><td><code>' . html($r->[2]) . '</code></td><td>' . html($r->[0])
              . '</td><td>' . html($r->[1]) . "</td></tr>\n";
    }
    return $out . "</table>\n";
}

print "Content-Type: text/html; charset=utf-8\r\n$headers\r\n";
print <<'HTML';
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mod_ssoauth demo</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 60em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
td { word-break: break-all; }
nav a { margin-right: 1.2em; }
</style>
</head>
<body>
HTML

# SetEnv SSOAUTH_DEMO_APP "App 1" names the application when several share one provider.
my $app = defined $ENV{SSOAUTH_DEMO_APP} && length $ENV{SSOAUTH_DEMO_APP} ? $ENV{SSOAUTH_DEMO_APP} : 'mod_ssoauth demo';
print '<h1 id="app">' . html($app) . "</h1>\n";

if (defined $user && length $user) {
    print '<p id="status">Signed in as <strong id="remote-user">' . html($user) . "</strong>";
    print ' (auth type ' . html($auth_type) . ')' if defined $auth_type && length $auth_type;
    print ".</p>\n";
}
else {
    print "<p id=\"status\">Not signed in.</p>\n";
}

print <<'HTML';
<nav>
<a href="/api/auth/login?returnTo=/demo/">Sign in</a>
<a href="/api/auth/refresh?returnTo=/demo/">Refresh session</a>
<a href="/api/auth/signout">Sign out</a>
<a href="/api/auth/session">Session (JSON)</a>
<a href="/demo/?format=json">This page as JSON</a>
</nav>
HTML

print table('Claims from environment variables (SSO_CLAIM_*)', \@env_claims);
print table('Claims from request headers (X-SSO-Claim-*)', \@header_claims);

# The same session as the browser sees it through the module's client.js.
print <<'HTML';
<section>
<h2>Session seen by client.js</h2>
<p id="client-status">Loading&hellip;</p>
<button id="client-signout" type="button">Sign out (client.js)</button>
</section>
<script src="/api/auth/client.js"></script>
<script>
(function () {
  var status = document.getElementById("client-status");
  SSOAuth.onSessionChange(function (session) {
    status.textContent = session
      ? "Signed in as " + (session.user.email || session.user.id) + " until " + session.expires
      : "Not signed in";
  });
  SSOAuth.getSession().catch(function (e) { status.textContent = "Session unavailable: " + e.message; });
  document.getElementById("client-signout").addEventListener("click", function () { SSOAuth.signOut(); });
})();
</script>
</body>
</html>
HTML
