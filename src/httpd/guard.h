// The exception guard of every hook: no C++ exception may cross into httpd's
// C code. A hook body that throws is logged and answered with a 500.
#pragma once

#include <exception>

#include "httpd/log.h"

namespace ssoauth {
namespace httpd {

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
