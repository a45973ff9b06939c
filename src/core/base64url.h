// base64url without padding (RFC 4648 section 5), as JOSE and PKCE use it.
// A thin wrapper over cjose's codec: no hand-rolled alphabet here.
#pragma once

#include <optional>
#include <string>

namespace ssoauth {

std::string base64url_encode(const std::string& bytes);
std::string base64url_encode(const unsigned char* bytes, size_t length);

// Decodes unpadded base64url. Returns nullopt for padding, characters outside
// the URL-safe alphabet, or an impossible length.
std::optional<std::string> base64url_decode(const std::string& text);

}  // namespace ssoauth
