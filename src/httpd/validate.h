// Startup validation of where the module is used: every `AuthType SSOAuth`
// must be reached by SSOAuthProvider, SSOAuthClientID and
// SSOAuthCryptoPassphrase (and `AuthType SSOAuthBearer` by SSOAuthProvider and
// SSOAuthBearerAudience), from its own section, an enclosing one, its virtual
// host or the main server (the table is required_settings.h). Runs as a check_config hook, so `apachectl -t`
// fails too, naming the file, the line and what is missing. Values themselves
// are validated earlier, when each directive is parsed.
#pragma once

#include "httpd/httpd_api.h"

namespace ssoauth {
namespace httpd {

int check_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* s);

}  // namespace httpd
}  // namespace ssoauth
