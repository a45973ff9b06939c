// The request-time entry points: authentication (check_authn), the module's
// own endpoints (handler). They translate between httpd and the core.
#pragma once

#include "httpd/httpd_api.h"

namespace ssoauth {
namespace httpd {

int check_authn(request_rec* r);
int endpoint_handler(request_rec* r);
// post_read_request: removes every client-supplied X-SSO-* header.
int strip_reserved_headers(request_rec* r);
// The `Require sso-claim` authz provider.
authz_status check_sso_claim(request_rec* r, const char* require_line, const void* parsed);
const char* parse_sso_claim(cmd_parms* cmd, const char* require_line, const void** parsed);

}  // namespace httpd
}  // namespace ssoauth
