// Message digests. One SHA-256 for every hash the module keys on (bearer
// token cache, refresh single-flight keys, shared-store slots, client.js ETag)
// and for the PKCE S256 challenge.
#pragma once

#include <string>

namespace ssoauth {

// The 32-byte SHA-256 digest of `data` (OpenSSL), or "" if OpenSSL failed.
// Not keyed: never use it as a MAC.
std::string sha256(const std::string& data);

}  // namespace ssoauth
