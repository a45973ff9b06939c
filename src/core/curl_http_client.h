// The production HttpClient, on libcurl. One easy handle per call, so one
// client object may be shared by every thread of an httpd process.
//
// libcurl's process-wide state is set up with curl_global_init exactly once
// (std::call_once) the first time a client is made. The httpd module also
// calls curl_global_init_once() from post_config, before any thread exists,
// which is the moment libcurl's documentation asks for.
#pragma once

#include <memory>

#include "core/http_client.h"

namespace ssoauth {

// Runs curl_global_init(CURL_GLOBAL_DEFAULT) once per process; safe to call
// from any thread, any number of times. Returns false if it failed.
bool curl_global_init_once();

// A client with these guarantees, whatever the request:
// - total time bounded by options.timeout_ms (the connect phase as well);
// - no signals (CURLOPT_NOSIGNAL), so it is safe in threaded MPMs;
// - TLS peer and host name verified unless options.verify_tls is false;
//   options.ca_bundle, when set, replaces the system trust store;
// - redirects are not followed (a 3xx is returned as is);
// - only http:// and https:// URLs are fetched;
// - a response body beyond options.max_body_bytes aborts the transfer and is
//   reported as a transport error;
// - response header names are lower-cased; headers of interim (1xx)
//   responses are dropped;
// - nothing is logged: failures are described in HttpResponse::transport_error
//   (libcurl's own message).
// Only "GET" and "POST" are supported; other methods fail without I/O.
std::shared_ptr<HttpClient> make_curl_http_client(const HttpOptions& options);

}  // namespace ssoauth
