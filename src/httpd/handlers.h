// The request-time entry points: authentication (check_authn), the module's
// own endpoints (handler). They translate between httpd and the core.
#pragma once

#include "httpd/httpd_api.h"

namespace ssoauth {
namespace httpd {

int check_authn(request_rec* r);
int endpoint_handler(request_rec* r);

}  // namespace httpd
}  // namespace ssoauth
