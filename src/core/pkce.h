// PKCE (RFC 7636): the code verifier and its S256 challenge.
#pragma once

#include "core/random.h"

#include <string>

namespace ssoauth {

// A code verifier of 43 characters carrying 256 random bits (RFC 7636 4.1).
std::string make_code_verifier(RandomSource& random);

// True when `verifier` is 43..128 characters of [A-Za-z0-9-._~].
bool is_valid_code_verifier(const std::string& verifier);

// BASE64URL(SHA256(ASCII(verifier))), the S256 method (RFC 7636 4.2).
std::string s256_challenge(const std::string& verifier);

}  // namespace ssoauth
