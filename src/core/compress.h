// Deflate for cookie payloads (zlib): a session sealed into fewer bytes is
// cheaper for the browser, the network and httpd's header parsing on every request.
#pragma once

#include <optional>
#include <string>

namespace ssoauth {

std::string deflate_bytes(const std::string& data);
// nullopt for anything that is not a complete zlib stream, or that would inflate
// beyond `max_bytes` (no decompression bomb gets far).
std::optional<std::string> inflate_bytes(const std::string& data, size_t max_bytes);

}  // namespace ssoauth
