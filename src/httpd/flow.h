// The adapter's side of the core flows, shared by authentication and the
// endpoints: the location's client configuration and provider, starting a
// sign-in, and the request's session through the core's SessionGate.
#pragma once

#include "core/login_flow.h"
#include "core/session_gate.h"

#include <memory>
#include <string>

#include "httpd/config.h"

namespace ssoauth {
namespace httpd {

ClientConfig client_config(request_rec* r, const DirConfig* c);
std::shared_ptr<Provider> provider_of(request_rec* r, const DirConfig* c);

// Starts a sign-in (core start_login) and answers it: 302 to the provider, or
// the error page. `return_to` must already be safe.
int begin_sign_in(request_rec* r, const DirConfig* c, const std::string& return_to);

// The request's session (SessionGate::check), with its Set-Cookie values
// written and its verdict logged. `force_refresh`: the refresh endpoint.
SessionResult current_session(request_rec* r, const DirConfig* c, bool force_refresh = false);

}  // namespace httpd
}  // namespace ssoauth
