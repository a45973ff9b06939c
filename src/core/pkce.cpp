#include "core/pkce.h"

#include "core/base64url.h"
#include "core/digest.h"

namespace ssoauth {

std::string make_code_verifier(RandomSource& random) { return random_token(random, 32); }

bool is_valid_code_verifier(const std::string& verifier) {
    if (verifier.size() < 43 || verifier.size() > 128) return false;
    for (char c : verifier) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) return false;
    }
    return true;
}

std::string s256_challenge(const std::string& verifier) {
    const std::string digest = sha256(verifier);
    return digest.empty() ? std::string() : base64url_encode(digest);
}

}  // namespace ssoauth
