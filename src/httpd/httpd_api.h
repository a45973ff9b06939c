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

namespace ssoauth {
namespace httpd {
// Ties a heap-allocated C++ object to a pool: it is deleted when the pool is.
template <typename T>
T* owned_by_pool(apr_pool_t* pool, T* object) {
    apr_pool_cleanup_register(
        pool, object,
        [](void* p) -> apr_status_t {
            delete static_cast<T*>(p);
            return APR_SUCCESS;
        },
        apr_pool_cleanup_null);
    return object;
}
}  // namespace httpd
}  // namespace ssoauth
