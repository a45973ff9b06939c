// The request-time entry points the module record registers, and what they
// share. Authentication lives in authn.cpp, the module's endpoints in endpoints.cpp.
#pragma once

#include <exception>

#include "httpd/config.h"
#include "httpd/log.h"

namespace ssoauth {
namespace httpd {

// check_authn: AuthType SSOAuth and SSOAuthBearer.
int check_authn(request_rec* r);
// handler: <base>/login, callback, session, refresh, signout, backchannel-logout.
int endpoint_handler(request_rec* r);
// post_read_request: removes every client-supplied X-SSO-* header.
int strip_reserved_headers(request_rec* r);
// The `Require sso-claim` authz provider.
authz_status check_sso_claim(request_rec* r, const char* require_line, const void* parsed);
const char* parse_sso_claim(cmd_parms* cmd, const char* require_line, const void** parsed);


// True when the request is for one of the module's endpoints under this location's base.
bool is_endpoint(request_rec* r, const DirConfig* c);

// No C++ exception may cross into httpd: every hook body runs through this.
template <typename F>
int guarded(request_rec* r, const char* where, F body) {
    try {
        return body(r);
    } catch (const std::exception& e) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00001) "%s failed: %s", where, e.what());
    } catch (...) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00002) "%s failed", where);
    }
    return HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace httpd
}  // namespace ssoauth
