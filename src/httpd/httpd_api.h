// The one include of httpd and APR headers for the adapter. Core headers must
// be included before this one: httpd defines macros (OK, DECLINED, ...) that
// are not namespaced.
#pragma once

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_auth.h>
#include <apr_strings.h>
#include <apr_lib.h>

extern "C" {
APLOG_USE_MODULE(ssoauth);  // declares ssoauth_module, with C linkage
}
