// The request-time hooks the module record (mod_ssoauth.cpp) registers, and
// what they share. Authentication and authorization live in authn.cpp, the
// module's endpoints in endpoints.cpp. guarded() (httpd/guard.h) keeps the C++
// exceptions of a hook body from reaching httpd.
#pragma once

#include "httpd/config.h"

namespace ssoauth {
namespace httpd {

// check_authn: AuthType SSOAuth and SSOAuthBearer.
int check_authn(request_rec* r);
// handler: <base>/login, callback, session, refresh, signout, backchannel-logout.
int endpoint_handler(request_rec* r);
// post_read_request: removes every client-supplied X-SSO-* header, and every
// X-SSO-* token of the Connection header (hop-by-hop names a proxy would delete).
int strip_reserved_headers(request_rec* r);
// reserved_trailers.cpp: the input filter that removes X-SSO-* trailers when
// the body ends (registered once; added by strip_reserved_headers).
void register_trailer_filter();
void guard_trailers(request_rec* r);
// The `Require sso-claim` authz provider.
authz_status check_sso_claim(request_rec* r, const char* require_line, const void* parsed);
const char* parse_sso_claim(cmd_parms* cmd, const char* require_line, const void** parsed);

// True when the request is for one of the module's endpoints under this location's base.
bool is_endpoint(request_rec* r, const DirConfig* c);

}  // namespace httpd
}  // namespace ssoauth
